/**
 * The ReputationLedger's record, score and latency percentiles, recomputed from its events exactly as the contract
 * computes its views (contracts/ReputationLedger.sol, docs/REPUTATION.md): uint256 integer math with BigInt, every
 * division rounding down, log2 rounding down (OpenZeppelin Math.log2), bucket counts saturating at 2^24 - 1.
 */
import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Reputation, ScoreChange } from "../../generated/schema";
import { Config } from "./config";
import { BPS, ONE, ZERO } from "./constants";
import { idOf, u64ToBytes } from "./ids";

/** Number of latency buckets. */
export const BUCKET_COUNT: i32 = 8;
/** A bucket count saturates here (24 bits) instead of overflowing. */
export const BUCKET_MAX: i32 = 16777215;
/** Satisfaction of an agent without feedback (bps). */
const NEUTRAL_SATISFACTION = BigInt.fromI32(5000);
/** log2 of the whole dollars earned that gives full confidence. */
const FULL_CONFIDENCE_LOG2 = BigInt.fromI32(14);
/** One dollar in USDC base units. */
const ONE_DOLLAR = BigInt.fromI32(1000000);
const TWO = BigInt.fromI32(2);
const HUNDRED = BigInt.fromI32(100);

/** Inclusive upper bound (seconds) of latency bucket `i`: 60, 300, 900, 3600, 14400, 43200, 86400, 2^64 - 1. */
export function bucketUpperBound(i: i32): u64 {
  if (i == 0) return 60;
  if (i == 1) return 300;
  if (i == 2) return 900;
  if (i == 3) return 3600;
  if (i == 4) return 14400;
  if (i == 5) return 43200;
  if (i == 6) return 86400;
  return u64.MAX_VALUE;
}

/** The bucket of a latency, as the ledger's `latencyBucketOf`. */
export function bucketOf(latency: u64): i32 {
  for (let i = 0; i < BUCKET_COUNT - 1; i++) {
    if (latency <= bucketUpperBound(i)) return i;
  }
  return BUCKET_COUNT - 1;
}

/** floor(log2(x)) of a non-negative BigInt, 0 for 0 (as OpenZeppelin's Math.log2). Pure AssemblyScript. */
export function log2Floor(x: BigInt): i32 {
  // BigInt bytes are little-endian two's complement: the highest non-zero byte holds the top bit.
  for (let i = x.length - 1; i >= 0; i--) {
    const b = <u32>x[i];
    if (b != 0) return i * 8 + (31 - <i32>clz<u32>(b));
  }
  return 0;
}

/**
 * The ledger's `latencyPercentile(agentId, percentileBps)`: the upper bound of the bucket holding the job of rank
 * max(1, ceil(n * percentileBps / 10000)) among the n jobs counted in the buckets; 0 when n = 0.
 */
export function latencyPercentile(buckets: Array<i32>, percentileBps: i32): BigInt {
  let total: i64 = 0;
  for (let i = 0; i < buckets.length; i++) total += <i64>buckets[i];
  if (total == 0) return ZERO;
  // total < 8 * 2^24 and percentileBps <= 10000: the product fits in an i64.
  let rank = (total * <i64>percentileBps + 9999) / 10000;
  if (rank < 1) rank = 1;
  let cumulative: i64 = 0;
  for (let i = 0; i < buckets.length; i++) {
    cumulative += <i64>buckets[i];
    if (cumulative >= rank) return BigInt.fromU64(bucketUpperBound(i));
  }
  return BigInt.fromU64(u64.MAX_VALUE);
}

/** The score and its components, as `ReputationLedger.score` computes them. */
export class ScoreParts {
  completion: i32 = 0;
  punctuality: i32 = 0;
  satisfaction: i32 = 0;
  quality: i32 = 0;
  confidence: i32 = 0;
  score: i32 = 0;
}

/**
 * `ReputationLedger.score`, step by step:
 *   completion   = (completed + 1) * 10000 / (completed + refundedLate + disputesLost + 2)
 *   punctuality  = (onTime + 1) * 10000 / (completed + 2)
 *   satisfaction = feedbackWeight == 0 ? 5000 : feedbackWeightedScore * 100 / feedbackWeight
 *   quality      = (5 * completion + 2 * punctuality + 3 * satisfaction) / 10
 *   confidence   = min(10000, log2(1 + volumeEarned / 1e6) * 10000 / 14)
 *   score        = quality * confidence / 10000
 */
export function computeScore(
  completed: BigInt,
  onTime: BigInt,
  refundedLate: BigInt,
  disputesLost: BigInt,
  volumeEarned: BigInt,
  feedbackWeight: BigInt,
  feedbackWeightedScore: BigInt,
): ScoreParts {
  const completion = completed.plus(ONE).times(BPS).div(completed.plus(refundedLate).plus(disputesLost).plus(TWO));
  const punctuality = onTime.plus(ONE).times(BPS).div(completed.plus(TWO));
  const satisfaction = feedbackWeight.isZero() ? NEUTRAL_SATISFACTION : feedbackWeightedScore.times(HUNDRED).div(feedbackWeight);
  const quality = BigInt.fromI32(5)
    .times(completion)
    .plus(TWO.times(punctuality))
    .plus(BigInt.fromI32(3).times(satisfaction))
    .div(BigInt.fromI32(10));
  const log2 = BigInt.fromI32(log2Floor(ONE.plus(volumeEarned.div(ONE_DOLLAR))));
  let confidence = log2.times(BPS).div(FULL_CONFIDENCE_LOG2);
  if (confidence.gt(BPS)) confidence = BPS;
  const score = quality.times(confidence).div(BPS);

  // Every component is at most 10000 (satisfaction: a weighted mean of scores <= 100): i32 is exact.
  const parts = new ScoreParts();
  parts.completion = completion.toI32();
  parts.punctuality = punctuality.toI32();
  parts.satisfaction = satisfaction.toI32();
  parts.quality = quality.toI32();
  parts.confidence = confidence.toI32();
  parts.score = score.toI32();
  return parts;
}

/** The reputation of `agentId`, created with an empty record (score 0) on first use. Not saved. */
export function getOrCreateReputation(agentId: BigInt, event: ethereum.Event): Reputation {
  const id = idOf(agentId);
  let rep = Reputation.load(id);
  if (rep == null) {
    rep = new Reputation(id);
    rep.agent = id;
    rep.completed = 0;
    rep.onTime = 0;
    rep.refundedLate = 0;
    rep.disputesWon = 0;
    rep.disputesLost = 0;
    rep.latencySum = ZERO;
    const buckets = new Array<i32>(BUCKET_COUNT);
    for (let i = 0; i < BUCKET_COUNT; i++) buckets[i] = 0;
    rep.latencyBuckets = buckets;
    rep.volumeEarned = ZERO;
    rep.volumeSpent = ZERO;
    rep.feedbackWeight = ZERO;
    rep.feedbackWeightedScore = ZERO;
    rep.feedbackCount = 0;
    rep.averageFeedbackScore = 0;
    rep.latencyMean = ZERO;
    rep.latencyP50 = ZERO;
    rep.latencyP90 = ZERO;
    rep.updatedAtBlock = event.block.number;
    rep.updatedAt = event.block.timestamp;
    setScore(rep);
  }
  return rep;
}

/** Adds one job to bucket `bucket`, saturating at BUCKET_MAX like the ledger's 24-bit counters. */
export function addToBucket(rep: Reputation, bucket: i32): void {
  const buckets = rep.latencyBuckets;
  const i = bucket < 0 ? 0 : bucket >= BUCKET_COUNT ? BUCKET_COUNT - 1 : bucket;
  if (buckets[i] < BUCKET_MAX) buckets[i] = buckets[i] + 1;
  rep.latencyBuckets = buckets;
}

/** Recomputes the score and its components from the record. */
function setScore(rep: Reputation): void {
  const parts = computeScore(
    BigInt.fromI32(rep.completed),
    BigInt.fromI32(rep.onTime),
    BigInt.fromI32(rep.refundedLate),
    BigInt.fromI32(rep.disputesLost),
    rep.volumeEarned,
    rep.feedbackWeight,
    rep.feedbackWeightedScore,
  );
  rep.completion = parts.completion;
  rep.punctuality = parts.punctuality;
  rep.satisfaction = parts.satisfaction;
  rep.quality = parts.quality;
  rep.confidence = parts.confidence;
  rep.score = parts.score;
}

/**
 * Recomputes every derived field of `rep` after its record changed (score, averages, percentiles), stamps it with
 * `event`, and returns whether a field that listings copy (score, p50, p90, completed) changed since `before`.
 */
export function refreshReputation(rep: Reputation, before: DiscoveryFields, config: Config, event: ethereum.Event): bool {
  setScore(rep);
  rep.averageFeedbackScore = rep.feedbackWeight.isZero() ? 0 : rep.feedbackWeightedScore.div(rep.feedbackWeight).toI32();
  rep.latencyMean = rep.completed == 0 ? ZERO : rep.latencySum.div(BigInt.fromI32(rep.completed));
  rep.latencyP50 = latencyPercentile(rep.latencyBuckets, config.lowPercentileBps);
  rep.latencyP90 = latencyPercentile(rep.latencyBuckets, config.highPercentileBps);
  rep.updatedAtBlock = event.block.number;
  rep.updatedAt = event.block.timestamp;
  return (
    before.score != rep.score ||
    before.completed != rep.completed ||
    !before.latencyP50.equals(rep.latencyP50) ||
    !before.latencyP90.equals(rep.latencyP90)
  );
}

/** The reputation fields listings copy, captured before a change. */
export class DiscoveryFields {
  score: i32;
  completed: i32;
  latencyP50: BigInt;
  latencyP90: BigInt;

  constructor(rep: Reputation) {
    this.score = rep.score;
    this.completed = rep.completed;
    this.latencyP50 = rep.latencyP50;
    this.latencyP90 = rep.latencyP90;
  }
}

/** Records a ScoreChange of agent `agentId` caused by the ledger event `causeId`, when the score moved. */
export function recordScoreChange(rep: Reputation, agentId: BigInt, scoreBefore: i32, causeId: Bytes, event: ethereum.Event): void {
  if (rep.score == scoreBefore) return;
  const change = new ScoreChange(causeId.concat(u64ToBytes(agentId.toU64())));
  change.reputation = rep.id;
  change.agent = rep.agent;
  change.scoreBefore = scoreBefore;
  change.scoreAfter = rep.score;
  change.cause = causeId;
  change.blockNumber = event.block.number;
  change.timestamp = event.block.timestamp;
  change.transactionHash = event.transaction.hash;
  change.save();
}
