/**
 * Reputation reads (`ReputationLedger`): the work record, the score (docs/REPUTATION.md), latency percentiles
 * and the ERC-8004 feedback summary.
 */
import type { AgoraClient } from "../client";
import { read } from "./internal";

const ledger = (c: AgoraClient) => c.contracts.ledger;

export interface ReputationStats {
  completed: number;
  onTime: number;
  refundedLate: number;
  disputesWon: number;
  disputesLost: number;
  latencySum: bigint;
  volumeEarned: bigint;
  volumeSpent: bigint;
  feedbackWeight: bigint;
  feedbackWeightedScore: bigint;
  feedbackCount: number;
}

/** The agent's work record (all zero for an agent without history). */
export async function getStats(client: AgoraClient, agentId: bigint): Promise<ReputationStats> {
  const s = await read(() => ledger(client).stats(agentId));
  return {
    completed: Number(s.completed),
    onTime: Number(s.onTime),
    refundedLate: Number(s.refundedLate),
    disputesWon: Number(s.disputesWon),
    disputesLost: Number(s.disputesLost),
    latencySum: s.latencySum,
    volumeEarned: s.volumeEarned,
    volumeSpent: s.volumeSpent,
    feedbackWeight: s.feedbackWeight,
    feedbackWeightedScore: s.feedbackWeightedScore,
    feedbackCount: Number(s.feedbackCount),
  };
}

/** The score, 0..10000 bps. */
export async function getScore(client: AgoraClient, agentId: bigint): Promise<bigint> {
  return read(() => ledger(client).score(agentId));
}

/**
 * Upper bound (seconds) of the latency bucket holding the percentile `percentileBps` (9000 = p90); 0 without
 * completed jobs; 2^64-1 for the open-ended bucket.
 */
export async function getLatencyPercentile(client: AgoraClient, agentId: bigint, percentileBps: number): Promise<bigint> {
  return read(() => ledger(client).latencyPercentile(agentId, percentileBps));
}

export interface Reputation extends ReputationStats {
  agentId: bigint;
  score: bigint;
  /** `(completed + 1) * 10000 / (completed + refundedLate + disputesLost + 2)`, the score's completion term, in bps. */
  completionBps: bigint;
  /** Mean delivery latency in seconds (0 without completed jobs). */
  latencyMean: bigint;
  latencyP50: bigint;
  latencyP90: bigint;
  /** ERC-8004 `getSummary`: count and value-weighted average (0..100) of counted feedback. */
  feedbackAverage: number;
}

/** Everything the ledger knows about an agent, in one call. */
export async function getReputation(client: AgoraClient, agentId: bigint): Promise<Reputation> {
  const l = ledger(client);
  const [stats, score, p50, p90, summary] = await Promise.all([
    getStats(client, agentId),
    getScore(client, agentId),
    getLatencyPercentile(client, agentId, 5000),
    getLatencyPercentile(client, agentId, 9000),
    read(() => l.getSummary(agentId, [], "", "")),
  ]);
  const completed = BigInt(stats.completed);
  return {
    agentId,
    ...stats,
    score,
    completionBps: ((completed + 1n) * 10_000n) / (completed + BigInt(stats.refundedLate) + BigInt(stats.disputesLost) + 2n),
    latencyMean: completed === 0n ? 0n : stats.latencySum / completed,
    latencyP50: p50,
    latencyP90: p90,
    feedbackAverage: Number(summary[1]),
  };
}
