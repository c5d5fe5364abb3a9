/**
 * Off-chain voucher throughput on one core: the client signs a voucher, the provider verifies it (every check
 * `PaymentChannels.claim` makes: epoch, deposit, staleness, low-s, v, signer), in one loop on one thread.
 *
 *   npx ts-node --transpile-only bench/vouchers.ts
 *
 * Prints a table and writes bench/vouchers.json as `{ name, value, unit, goal, met }` records. Figures are
 * measured here, never asserted in a timed test (PROTOCOL.md §6).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Wallet, keccak256 } from "ethers";
import {
  type Secp256k1Backend,
  type SignedVoucher,
  VoucherSigner,
  VoucherVerifier,
  ethersBackend,
  nativeBackend,
  verifyVoucher,
} from "../sdk/src/channels";

interface Figure {
  name: string;
  value: number;
  unit: string;
  goal: string;
  met: boolean | null;
}

const GOAL = 5_000;
const domain = { chainId: 31337n, verifyingContract: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" };
const channelId = keccak256("0x01");
const authorizer = new Wallet("0x" + "42".repeat(32));

function ratePerSecond(n: number, startNs: bigint): number {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  return Math.round(n / seconds);
}

function run(backend: Secp256k1Backend, n: number): { pairs: number; sign: number; verify: number; verifyPure: number } {
  const signer = new VoucherSigner(authorizer.privateKey, domain, backend);
  const verifier = new VoucherVerifier(domain, backend);
  const channel = (i: number) => ({ epoch: 1n, deposit: 1n << 100n, claimed: BigInt(i - 1) * 1_000n, payerAuthorizer: authorizer.address });

  // Warm-up (JIT, curve tables, key cache).
  for (let i = 1; i <= 200; i++) {
    const v = signer.sign({ channelId, epoch: 1n, cumulativeAmount: BigInt(i) * 1_000n });
    if (!verifier.verify(v, channel(i)).valid) throw new Error("warm-up voucher rejected");
  }

  // Sign + verify, interleaved, as a client and a provider on one core would.
  let start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    const v = signer.sign({ channelId, epoch: 1n, cumulativeAmount: BigInt(i) * 1_000n });
    if (!verifier.verify(v, channel(i)).valid) throw new Error(`voucher ${i} rejected`);
  }
  const pairs = ratePerSecond(n, start);

  const vouchers: SignedVoucher[] = [];
  start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) vouchers.push(signer.sign({ channelId, epoch: 1n, cumulativeAmount: BigInt(i) * 1_000n }));
  const sign = ratePerSecond(n, start);

  start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) if (!verifier.verify(vouchers[i - 1], channel(i)).valid) throw new Error("rejected");
  const verify = ratePerSecond(n, start);

  // The stateless function (recovers the address every time, no key cache).
  start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    if (!verifyVoucher({ domain, voucher: vouchers[i - 1], channel: channel(i), backend, hasher: signer.hasher }).valid) throw new Error("rejected");
  }
  const verifyPure = ratePerSecond(n, start);
  return { pairs, sign, verify, verifyPure };
}

function main(): void {
  const figures: Figure[] = [];
  const native = nativeBackend();
  for (const backend of native ? [native, ethersBackend] : [ethersBackend]) {
    const n = backend.name === "native" ? 20_000 : 1_000;
    const r = run(backend, n);
    const tag = backend.name === "native" ? "libsecp256k1" : "pure JS (ethers)";
    const headline = backend === (native ?? ethersBackend);
    figures.push(
      { name: `voucher sign + verify, one core, ${tag}`, value: r.pairs, unit: "pairs/s", goal: headline ? `>= ${GOAL}` : "", met: headline ? r.pairs >= GOAL : null },
      { name: `voucher sign only, ${tag}`, value: r.sign, unit: "vouchers/s", goal: "", met: null },
      { name: `voucher verify only (VoucherVerifier), ${tag}`, value: r.verify, unit: "vouchers/s", goal: "", met: null },
      { name: `voucher verify only (verifyVoucher, stateless), ${tag}`, value: r.verifyPure, unit: "vouchers/s", goal: "", met: null },
    );
  }
  console.table(figures.map((x) => ({ figure: x.name, value: x.value, unit: x.unit, goal: x.goal, met: x.met === null ? "" : x.met ? "yes" : "NO" })));
  writeFileSync(join(__dirname, "vouchers.json"), JSON.stringify(figures, null, 2) + "\n");
}

main();
