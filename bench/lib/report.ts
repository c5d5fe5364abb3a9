/**
 * Turns measurements into bench figures (`{ name, value, unit, goal, met }`): gas per operation, micropayment gas
 * per paid call, how gas scales with prior state, and the 100,000 paid calls per second arithmetic.
 */
import { type Figure, type Goal, figure } from "./figures";
import { OPERATIONS, type OperationKey } from "./gas";
import type { ScalingRow } from "./scaling";

/** PROTOCOL.md §6: on-chain gas per paid call, amortized over 1,000 calls per claim. */
export const PER_CALL_GOAL: Goal = { op: "<=", limit: 100 };
/** Calls per claim of the micropayment figures. */
export const CALLS_PER_CLAIM = [1, 100, 1_000, 10_000] as const;

/**
 * Base's sustained gas throughput assumed by the 100k calls/s arithmetic: the gas target of 30 Mgas/s (Base status
 * page, 26 March 2025: "increasing the per block gas target ... to 30 Mgas/s"). Base's docs now quote a full-block
 * budget of ~400M gas per 2-second block (a 200 Mgas/s ceiling), but the target, not the ceiling, is what can be
 * used day after day without the base fee climbing.
 */
export const BASE_GAS_PER_SECOND = 30_000_000;
export const TARGET_CALLS_PER_SECOND = 100_000;

/** One figure per measured operation, in `OPERATIONS` order, with its §6 goal where it has one. */
export function gasFigures(gas: Record<OperationKey, bigint>): Figure[] {
  return (Object.keys(OPERATIONS) as OperationKey[]).map((key) => {
    const op = OPERATIONS[key] as { label: string; goal?: Goal };
    return figure(op.label, gas[key], "gas", op.goal, key);
  });
}

/** Claim gas spread over N calls per claim, beside one x402 `exact` settlement per call. */
export function micropaymentFigures(gas: Record<OperationKey, bigint>): Figure[] {
  const claim = Number(gas["channel.claim"]);
  const perChannel50 = Number(gas["channel.claimMany.50"]) / 50;
  const out: Figure[] = CALLS_PER_CLAIM.map((n) =>
    figure(
      `micropayment: on-chain gas per paid call, ${n.toLocaleString("en-US")} call${n > 1 ? "s" : ""} per claim`,
      Number((claim / n).toFixed(2)),
      "gas/call",
      n === 1_000 ? PER_CALL_GOAL : undefined,
      `claim ${claim.toLocaleString("en-US")} gas / ${n}`,
    ),
  );
  out.push(
    figure(
      "micropayment: gas per paid call, claimMany of 50 channels x 1,000 calls",
      Number((perChannel50 / 1_000).toFixed(2)),
      "gas/call",
      PER_CALL_GOAL,
      `${Math.round(perChannel50).toLocaleString("en-US")} gas per channel`,
    ),
    figure(
      "micropayment: gas per paid call, open + claim + closeByProvider over 1,000 calls",
      Number(((Number(gas["channel.open.transferFrom"]) + claim + Number(gas["channel.closeByProvider"])) / 1_000).toFixed(2)),
      "gas/call",
    ),
    figure("x402 exact: on-chain gas per paid call (one EIP-3009 settlement per call)", gas["x402.exact.settle"], "gas/call", undefined, "PROTOCOL §6 quotes about 50,000"),
  );
  return out;
}

/** Two figures per scaling row (small and large prior state) and the growth between them. */
export function scalingFigures(rows: readonly ScalingRow[], gas: Record<OperationKey, bigint>): Figure[] {
  const out: Figure[] = [];
  for (const r of rows) {
    const delta = Number(r.gasLarge - r.gasSmall);
    out.push(
      figure(`O(1) check: ${r.operation}, ${r.small.toLocaleString("en-US")} ${r.dimension}`, r.gasSmall, "gas"),
      figure(
        `O(1) check: ${r.operation}, ${r.large.toLocaleString("en-US")} ${r.dimension}`,
        r.gasLarge,
        "gas",
        undefined,
        `${delta >= 0 ? "+" : ""}${delta} gas (${((delta / Number(r.gasSmall)) * 100).toFixed(3)}%)`,
      ),
    );
  }
  const t1 = Number(gas["listing.publish.tags1"]);
  const t8 = Number(gas["listing.publish.tags8"]);
  out.push(figure("publish: gas per extra capability tag ((8 tags - 1 tag) / 7)", Math.round((t8 - t1) / 7), "gas/tag", undefined, "linear in tags: 1 word of event data + calldata"));
  const m10 = Number(gas["channel.claimMany.10"]) / 10;
  const m50 = Number(gas["channel.claimMany.50"]) / 50;
  out.push(
    figure("claimMany: gas per channel, 10 channels", Math.round(m10), "gas/channel"),
    figure("claimMany: gas per channel, 50 channels", Math.round(m50), "gas/channel", undefined, "the fixed part (tx, role check, one payout) spreads out"),
    figure(
      "claimMany: marginal gas per extra channel (50 vs 10)",
      Math.round((Number(gas["channel.claimMany.50"]) - Number(gas["channel.claimMany.10"])) / 40),
      "gas/channel",
      undefined,
      "linear in channels",
    ),
  );
  return out;
}

export interface Capacity {
  cores: number;
  claimsPerSecond: number;
  gasPerSecond: number;
  gasPerSecondBatched: number;
  shareOfBase: number;
  shareOfBaseBatched: number;
}

/** What 100,000 paid calls per second take, from the measured voucher rate and claim gas, at 1,000 calls per claim. */
export function capacity(pairsPerCore: number, gas: Record<OperationKey, bigint>, callsPerClaim = 1_000): Capacity {
  const claimsPerSecond = TARGET_CALLS_PER_SECOND / callsPerClaim;
  const gasPerSecond = claimsPerSecond * Number(gas["channel.claim"]);
  const gasPerSecondBatched = claimsPerSecond * (Number(gas["channel.claimMany.50"]) / 50);
  return {
    cores: Math.ceil(TARGET_CALLS_PER_SECOND / pairsPerCore),
    claimsPerSecond,
    gasPerSecond,
    gasPerSecondBatched,
    shareOfBase: gasPerSecond / BASE_GAS_PER_SECOND,
    shareOfBaseBatched: gasPerSecondBatched / BASE_GAS_PER_SECOND,
  };
}

export function capacityFigures(c: Capacity, pairsPerCore: number): Figure[] {
  return [
    figure("100k calls/s: cores to sign + verify the vouchers", c.cores, "cores", undefined, `100,000 / ${pairsPerCore.toLocaleString("en-US")} pairs/s per core`),
    figure("100k calls/s: claims per second at 1,000 calls per claim", c.claimsPerSecond, "claims/s"),
    figure("100k calls/s: on-chain gas per second, one claim per transaction", c.gasPerSecond, "gas/s", undefined, `${(c.shareOfBase * 100).toFixed(1)}% of Base's 30 Mgas/s target`),
    figure("100k calls/s: on-chain gas per second, claimMany of 50", Math.round(c.gasPerSecondBatched), "gas/s", undefined, `${(c.shareOfBaseBatched * 100).toFixed(1)}% of Base's 30 Mgas/s target`),
  ];
}
