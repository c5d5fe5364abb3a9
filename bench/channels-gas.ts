/**
 * Gas of the payment-channel lifecycle and of one x402 `exact` settlement, on the Hardhat network, warm
 * (repeat parties: the provider, the client, the fee pot and the ledger counters are already non-zero).
 *
 *   HH_ARTIFACTS=artifacts-h4 HH_CACHE=cache-h4 npx hardhat run bench/channels-gas.ts
 *
 * Prints a table and writes bench/channels-gas.json as `{ name, value, unit, goal, met }` records.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { x402Facilitator } from "@x402/core/facilitator";
import type { PaymentRequirements } from "@x402/core/types";
import { ExactEvmScheme as ExactClientScheme } from "@x402/evm/exact/client";
import { ExactEvmScheme as ExactFacilitatorScheme } from "@x402/evm/exact/facilitator";
import { x402Client } from "@x402/fetch";
import { type ContractTransactionResponse, Wallet, ZeroAddress } from "ethers";
import { ethers } from "hardhat";
import { VoucherSigner } from "../sdk/src/channels";
import { toCaip2, toX402ClientSigner, toX402FacilitatorSigner } from "../sdk/src/x402";
import { USDC, withAgentsFixture } from "../test/fixtures/agora";
import { fromBalance, fromTransfer } from "../test/helpers/funding";

interface Figure {
  name: string;
  value: number;
  unit: string;
  goal: string;
  met: boolean | null;
}

const CALLS = 1_000n;
const PRICE = 1_000n;

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

async function main(): Promise<void> {
  const f = await withAgentsFixture();
  const { channels, vault, usdc, clientOwner, clientOperator, providerOperator, clientId, providerId, others } = f;
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { chainId, verifyingContract: await channels.getAddress() };
  const authorizer = new Wallet("0x" + "42".repeat(32));
  const signer = new VoucherSigner(authorizer.privateKey, domain);
  const asClient = channels.connect(clientOperator);
  const asProvider = channels.connect(providerOperator);
  const salt = (n: number) => ethers.toBeHex(n, 32);
  const idOf = (s: string) => channels.channelIdOf(clientId, providerId, s);
  const sign = async (s: string, epoch: bigint, amount: bigint) => signer.sign({ channelId: await idOf(s), epoch, cumulativeAmount: amount });

  // Warm-up: one open + claim so every balance and counter the hot paths touch is already non-zero.
  await asClient.open(clientId, providerId, salt(1000), authorizer.address, 10n * USDC, fromTransfer());
  const w = await sign(salt(1000), 1n, 1_000n);
  await asProvider.claim(w.channelId, 1n, 1_000n, w.signature);

  const deposit = 5n * USDC;
  const openOperator = await gasOf(asClient.open(clientId, providerId, salt(1), authorizer.address, deposit, fromTransfer()));
  const openOwnerBalance = await gasOf(channels.connect(clientOwner).open(clientId, providerId, salt(2), authorizer.address, deposit, fromBalance()));
  const topUp = await gasOf(asClient.topUp(await idOf(salt(1)), USDC, fromTransfer()));

  const v1 = await sign(salt(1), 1n, CALLS * PRICE);
  const claimFirst = await gasOf(asProvider.claim(v1.channelId, 1n, v1.cumulativeAmount, v1.signature));
  const v2 = await sign(salt(1), 1n, 2n * CALLS * PRICE);
  const claimNext = await gasOf(asProvider.claim(v2.channelId, 1n, v2.cumulativeAmount, v2.signature));

  // claimMany over N fresh channels of one provider (each voucher = 1,000 calls).
  const claimMany: Record<number, bigint> = {};
  let next = 10;
  for (const n of [1, 10, 50]) {
    const vouchers = [];
    for (let i = 0; i < n; i++) {
      await asClient.open(clientId, providerId, salt(next), authorizer.address, 2n * USDC, fromTransfer());
      vouchers.push(await sign(salt(next), 1n, CALLS * PRICE));
      next += 1;
    }
    claimMany[n] = await gasOf(asProvider.claimMany(vouchers));
  }

  // One x402 `exact` settlement (before any time travel: EIP-3009 windows follow the wall clock) (EIP-3009 transferWithAuthorization), through the official facilitator code.
  const network = toCaip2(chainId);
  const usdcAddress = await usdc.getAddress();
  const facilitator = new x402Facilitator().register(network, new ExactFacilitatorScheme(await toX402FacilitatorSigner(others[0])));
  const requirements: PaymentRequirements = {
    scheme: "exact",
    network,
    asset: usdcAddress,
    amount: PRICE.toString(),
    payTo: f.providerOwner.address,
    maxTimeoutSeconds: 300,
    extra: { name: "USD Coin", version: "2" },
  };
  const client = new x402Client().register(network, new ExactClientScheme(await toX402ClientSigner(clientOperator)));
  client.setSpendControls({ allowedAssets: [{ network, asset: usdcAddress }] });
  const required = { x402Version: 2, resource: { url: "http://127.0.0.1/paid" }, accepts: [requirements] };
  await usdc.mint(f.providerOwner.address, 1n); // payee already holds USDC: warm
  await facilitator.settle(await client.createPaymentPayload(required), requirements); // warm the payer too
  const settled = await facilitator.settle(await client.createPaymentPayload(required), requirements);
  if (!settled.success) throw new Error(`exact settle failed: ${settled.errorReason}`);
  const exactReceipt = await ethers.provider.getTransactionReceipt(settled.transaction);
  const exactGas = exactReceipt?.gasUsed ?? 0n;

  // Closing paths.
  const requestClose = await gasOf(asClient.requestClose(await idOf(salt(1))));
  await ethers.provider.send("evm_increaseTime", [24 * 3600 + 1]);
  const finalizeClose = await gasOf(channels.connect(others[1]).finalizeClose(await idOf(salt(1))));
  const closeByProvider = await gasOf(asProvider.closeByProvider(await idOf(salt(2)), 0n, 0n, "0x"));
  await asClient.open(clientId, providerId, salt(3), authorizer.address, deposit, fromTransfer());
  const vf = await sign(salt(3), 1n, CALLS * PRICE);
  const closeWithFinalClaim = await gasOf(asProvider.closeByProvider(vf.channelId, 1n, vf.cumulativeAmount, vf.signature));
  const reopen = await gasOf(asClient.open(clientId, providerId, salt(2), authorizer.address, deposit, fromTransfer()));

  const perCall = (g: bigint) => Number(g) / Number(CALLS);
  const figures: Figure[] = [
    { name: "channel open (operator, transferFrom)", value: Number(openOperator), unit: "gas", goal: "", met: null },
    { name: "channel open (owner, protocol balance)", value: Number(openOwnerBalance), unit: "gas", goal: "", met: null },
    { name: "channel reopen (next epoch)", value: Number(reopen), unit: "gas", goal: "", met: null },
    { name: "channel top-up", value: Number(topUp), unit: "gas", goal: "", met: null },
    { name: "claim, first on a channel", value: Number(claimFirst), unit: "gas", goal: "", met: null },
    { name: "claim, later on a channel", value: Number(claimNext), unit: "gas", goal: "", met: null },
    ...[1, 10, 50].map((n) => ({
      name: `claimMany, ${n} channel${n > 1 ? "s" : ""} (per channel)`,
      value: Math.round(Number(claimMany[n]) / n),
      unit: "gas",
      goal: "",
      met: null,
    })),
    ...[1, 10, 50].map((n) => ({ name: `claimMany, ${n} channel${n > 1 ? "s" : ""} (total)`, value: Number(claimMany[n]), unit: "gas", goal: "", met: null })),
    { name: "requestClose", value: Number(requestClose), unit: "gas", goal: "", met: null },
    { name: "finalizeClose", value: Number(finalizeClose), unit: "gas", goal: "", met: null },
    { name: "closeByProvider (no voucher)", value: Number(closeByProvider), unit: "gas", goal: "", met: null },
    { name: "closeByProvider with a final claim", value: Number(closeWithFinalClaim), unit: "gas", goal: "", met: null },
    { name: "micropayment: gas per paid call, one claim of 1,000 calls", value: perCall(claimFirst), unit: "gas/call", goal: "<= 100", met: perCall(claimFirst) <= 100 },
    {
      name: "micropayment: gas per paid call, claimMany of 50 x 1,000 calls",
      value: perCall(claimMany[50] / 50n),
      unit: "gas/call",
      goal: "<= 100",
      met: perCall(claimMany[50] / 50n) <= 100,
    },
    {
      name: "micropayment: gas per paid call, open + claim + closeByProvider over 1,000 calls",
      value: perCall(openOperator + claimFirst + closeByProvider),
      unit: "gas/call",
      goal: "",
      met: null,
    },
    {
      name: "micropayment: gas per paid call, open + claim + requestClose + finalize over 1,000 calls",
      value: perCall(openOperator + claimFirst + requestClose + finalizeClose),
      unit: "gas/call",
      goal: "",
      met: null,
    },
    { name: "x402 exact settlement (EIP-3009 transferWithAuthorization)", value: Number(exactGas), unit: "gas", goal: "", met: null },
  ];
  void ZeroAddress;
  void vault;
  console.table(figures.map((x) => ({ figure: x.name, value: x.value, unit: x.unit, goal: x.goal, met: x.met === null ? "" : x.met ? "yes" : "NO" })));
  writeFileSync(join(__dirname, "channels-gas.json"), JSON.stringify(figures, null, 2) + "\n");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
