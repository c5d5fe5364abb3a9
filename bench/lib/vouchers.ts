/**
 * Off-chain voucher throughput on one core: the client signs a voucher, the provider verifies it (every check
 * `PaymentChannels.claim` makes: epoch, deposit, staleness, low-s, v, signer), in one loop on one thread.
 * Used by `bench/vouchers.ts` and `bench/index.ts` (`npm run bench`).
 */
import { Wallet, keccak256 } from "ethers";
import {
  type Secp256k1Backend,
  type SignedVoucher,
  VoucherSigner,
  VoucherVerifier,
  ethersBackend,
  nativeBackend,
  verifyVoucher,
} from "../../sdk/src/channels";
import { type Figure, type Goal, figure, medianOfRuns } from "./figures";

/** PROTOCOL.md §6: voucher sign + verify, off-chain, one core. */
export const VOUCHER_GOAL: Goal = { op: ">=", limit: 5_000 };

const domain = { chainId: 31337n, verifyingContract: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" };
const channelId = keccak256("0x01");
const authorizer = new Wallet("0x" + "42".repeat(32));

export interface VoucherRates {
  /** Sign then verify, interleaved, as one client and one provider on one core would: pairs per second. */
  pairs: number;
  sign: number;
  verify: number;
  /** The stateless `verifyVoucher` (recovers the address every time, no key cache). */
  verifyPure: number;
}

function ratePerSecond(n: number, startNs: bigint): number {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  return Math.round(n / seconds);
}

/** One measurement of `n` vouchers with `backend`. */
export function measureVoucherRates(backend: Secp256k1Backend, n: number): VoucherRates {
  const signer = new VoucherSigner(authorizer.privateKey, domain, backend);
  const verifier = new VoucherVerifier(domain, backend);
  const channel = (i: number) => ({ epoch: 1n, deposit: 1n << 100n, claimed: BigInt(i - 1) * 1_000n, payerAuthorizer: authorizer.address });

  // Warm-up (JIT, curve tables, key cache).
  for (let i = 1; i <= 200; i++) {
    const v = signer.sign({ channelId, epoch: 1n, cumulativeAmount: BigInt(i) * 1_000n });
    if (!verifier.verify(v, channel(i)).valid) throw new Error("warm-up voucher rejected");
  }

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

  start = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    if (!verifyVoucher({ domain, voucher: vouchers[i - 1], channel: channel(i), backend, hasher: signer.hasher }).valid) throw new Error("rejected");
  }
  const verifyPure = ratePerSecond(n, start);
  return { pairs, sign, verify, verifyPure };
}

export interface VoucherBenchOptions {
  /** Measurements per backend; the figures are their medians (default 3). */
  runs?: number;
  /** Vouchers per measurement with libsecp256k1 (default 20,000) and with pure JS (default 1,000). */
  nativeCount?: number;
  jsCount?: number;
}

export interface VoucherBenchResult {
  figures: Figure[];
  /** The headline rate (libsecp256k1 when it loads, else pure JS), median of the runs. */
  headline: VoucherRates;
  backend: string;
  /** Every run of the headline backend, for the record. */
  runs: VoucherRates[];
}

/** Voucher throughput of every available backend, median of `runs` measurements each. */
export function benchVouchers(options: VoucherBenchOptions = {}): VoucherBenchResult {
  const runs = options.runs ?? 3;
  const figures: Figure[] = [];
  const native = nativeBackend();
  let headline: VoucherRates | undefined;
  let headlineRuns: VoucherRates[] = [];
  for (const backend of native ? [native, ethersBackend] : [ethersBackend]) {
    const n = backend.name === "native" ? (options.nativeCount ?? 20_000) : (options.jsCount ?? 1_000);
    const r = medianOfRuns(runs, () => ({ ...measureVoucherRates(backend, n) }));
    const tag = backend.name === "native" ? "libsecp256k1" : "pure JS (ethers)";
    const isHeadline = backend === (native ?? ethersBackend);
    const note = `median of ${runs} runs of ${n.toLocaleString("en-US")}`;
    if (isHeadline) {
      headline = r.median;
      headlineRuns = r.runs;
    }
    figures.push(
      figure(`voucher sign + verify, one core, ${tag}`, r.median.pairs, "pairs/s", isHeadline ? VOUCHER_GOAL : undefined, note),
      figure(`voucher sign only, ${tag}`, r.median.sign, "vouchers/s", undefined, note),
      figure(`voucher verify only (VoucherVerifier), ${tag}`, r.median.verify, "vouchers/s", undefined, note),
      figure(`voucher verify only (verifyVoucher, stateless), ${tag}`, r.median.verifyPure, "vouchers/s", undefined, note),
    );
  }
  if (!headline) throw new Error("no voucher backend");
  return { figures, headline, backend: native ? "libsecp256k1" : "pure JS (ethers)", runs: headlineRuns };
}
