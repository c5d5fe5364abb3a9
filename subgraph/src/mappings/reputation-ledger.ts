/**
 * ReputationLedger: folds every ledger event into the agents' records exactly as the contract does
 * (docs/REPUTATION.md, "How each event changes the record"), recomputes the score and latency percentiles, and
 * copies them into the agents' listings so discovery never needs the chain.
 */
import { BigInt, Bytes, ethereum, log } from "@graphprotocol/graph-ts";
import {
  ChannelVolumeRecorded as ChannelVolumeRecordedEvent,
  DisputeRecorded as DisputeRecordedEvent,
  FeedbackRecorded as FeedbackRecordedEvent,
  JobCompleted as JobCompletedEvent,
  JobRefundedLate as JobRefundedLateEvent,
  WritersSet as WritersSetEvent,
} from "../../generated/ReputationLedger/ReputationLedger";
import {
  Feedback,
  LedgerChannelVolumeRecorded,
  LedgerDisputeRecorded,
  LedgerJobCompleted,
  LedgerJobRefundedLate,
  LedgerWritersSet,
  Reputation,
} from "../../generated/schema";
import { getAgent } from "../helpers/agents";
import { Config, defaultConfig } from "../helpers/config";
import { eventId, idOf, stampEvent, uint256ToBytes32 } from "../helpers/ids";
import { syncProviderListings } from "../helpers/listings";
import { getDailyStat, getProtocol, saveStats } from "../helpers/protocol";
import { addToBucket, bucketOf, DiscoveryFields, getOrCreateReputation, recordScoreChange, refreshReputation } from "../helpers/reputation";

/** A reputation being changed by one ledger event, with what it looked like before. */
class Change {
  agentId: BigInt;
  rep: Reputation;
  before: DiscoveryFields;
  scoreBefore: i32;

  constructor(agentId: BigInt, event: ethereum.Event) {
    this.agentId = agentId;
    getAgent(agentId, event); // every ledger party is a registered agent
    this.rep = getOrCreateReputation(agentId, event);
    this.before = new DiscoveryFields(this.rep);
    this.scoreBefore = this.rep.score;
  }

  /** Recomputes, saves, records a ScoreChange and refreshes the agent's listings when discovery fields moved. */
  commit(causeId: Bytes, config: Config, event: ethereum.Event): void {
    const discoveryChanged = refreshReputation(this.rep, this.before, config, event);
    this.rep.save();
    recordScoreChange(this.rep, this.agentId, this.scoreBefore, causeId, event);
    if (discoveryChanged) syncProviderListings(getAgent(this.agentId, event), this.rep, event);
  }
}

export function handleJobCompleted(event: JobCompletedEvent): void {
  handleJobCompletedImpl(event, defaultConfig());
}

/** Provider: completed, onTime, latency sum and bucket, volume earned. Client: volume spent. */
export function handleJobCompletedImpl(event: JobCompletedEvent, config: Config): void {
  const p = event.params;
  const id = eventId(event);
  const provider = new Change(p.providerId, event);
  const rep = provider.rep;
  rep.completed = rep.completed + 1;
  if (p.onTime) rep.onTime = rep.onTime + 1;
  rep.latencySum = rep.latencySum.plus(p.latency);
  if (bucketOf(p.latency.toU64()) != p.latencyBucket) {
    log.warning("ledger bucket {} differs from the subgraph's {} for latency {}", [
      p.latencyBucket.toString(),
      bucketOf(p.latency.toU64()).toString(),
      p.latency.toString(),
    ]);
  }
  addToBucket(rep, p.latencyBucket);
  rep.volumeEarned = rep.volumeEarned.plus(p.amountToProvider);
  provider.commit(id, config, event);

  const client = new Change(p.clientId, event);
  client.rep.volumeSpent = client.rep.volumeSpent.plus(p.amountToProvider);
  client.commit(id, config, event);

  const entity = new LedgerJobCompleted(id);
  stampEvent(entity, event);
  entity.provider = idOf(p.providerId);
  entity.client = idOf(p.clientId);
  entity.job = idOf(p.jobId);
  entity.amountToProvider = p.amountToProvider;
  entity.latency = p.latency;
  entity.onTime = p.onTime;
  entity.latencyBucket = p.latencyBucket;
  entity.providerScoreAfter = rep.score;
  entity.save();
  touchProtocol(event, config);
}

export function handleJobRefundedLate(event: JobRefundedLateEvent): void {
  handleJobRefundedLateImpl(event, defaultConfig());
}

/** Provider: refundedLate. */
export function handleJobRefundedLateImpl(event: JobRefundedLateEvent, config: Config): void {
  const p = event.params;
  const id = eventId(event);
  const provider = new Change(p.providerId, event);
  provider.rep.refundedLate = provider.rep.refundedLate + 1;
  provider.commit(id, config, event);

  const entity = new LedgerJobRefundedLate(id);
  stampEvent(entity, event);
  entity.provider = idOf(p.providerId);
  entity.client = idOf(p.clientId);
  entity.job = idOf(p.jobId);
  entity.amount = p.amount;
  entity.providerScoreAfter = provider.rep.score;
  entity.save();
  touchProtocol(event, config);
}

export function handleDisputeRecorded(event: DisputeRecordedEvent): void {
  handleDisputeRecordedImpl(event, defaultConfig());
}

/** The winner's disputesWon and the loser's disputesLost; the provider's share counts as volume. */
export function handleDisputeRecordedImpl(event: DisputeRecordedEvent, config: Config): void {
  const p = event.params;
  const id = eventId(event);
  const provider = new Change(p.providerId, event);
  if (p.providerWon) provider.rep.disputesWon = provider.rep.disputesWon + 1;
  else provider.rep.disputesLost = provider.rep.disputesLost + 1;
  provider.rep.volumeEarned = provider.rep.volumeEarned.plus(p.amountToProvider);
  provider.commit(id, config, event);

  const client = new Change(p.clientId, event);
  if (p.providerWon) client.rep.disputesLost = client.rep.disputesLost + 1;
  else client.rep.disputesWon = client.rep.disputesWon + 1;
  client.rep.volumeSpent = client.rep.volumeSpent.plus(p.amountToProvider);
  client.commit(id, config, event);

  const entity = new LedgerDisputeRecorded(id);
  stampEvent(entity, event);
  entity.provider = idOf(p.providerId);
  entity.client = idOf(p.clientId);
  entity.job = idOf(p.jobId);
  entity.providerShareBps = p.providerShareBps;
  entity.amountToProvider = p.amountToProvider;
  entity.providerWon = p.providerWon;
  entity.providerScoreAfter = provider.rep.score;
  entity.clientScoreAfter = client.rep.score;
  entity.save();
  touchProtocol(event, config);
}

export function handleChannelVolumeRecorded(event: ChannelVolumeRecordedEvent): void {
  handleChannelVolumeRecordedImpl(event, defaultConfig());
}

/** Provider: volume earned. Client: volume spent. */
export function handleChannelVolumeRecordedImpl(event: ChannelVolumeRecordedEvent, config: Config): void {
  const p = event.params;
  const id = eventId(event);
  const provider = new Change(p.providerId, event);
  provider.rep.volumeEarned = provider.rep.volumeEarned.plus(p.amount);
  provider.commit(id, config, event);

  const client = new Change(p.clientId, event);
  client.rep.volumeSpent = client.rep.volumeSpent.plus(p.amount);
  client.commit(id, config, event);

  const entity = new LedgerChannelVolumeRecorded(id);
  stampEvent(entity, event);
  entity.provider = idOf(p.providerId);
  entity.client = idOf(p.clientId);
  entity.channel = uint256ToBytes32(p.channelId);
  entity.amount = p.amount;
  entity.providerScoreAfter = provider.rep.score;
  entity.save();
  touchProtocol(event, config);
}

export function handleFeedbackRecorded(event: FeedbackRecordedEvent): void {
  handleFeedbackRecordedImpl(event, defaultConfig());
}

/** Subject: feedbackCount, feedbackWeight, feedbackWeightedScore (score * weight). */
export function handleFeedbackRecordedImpl(event: FeedbackRecordedEvent, config: Config): void {
  const p = event.params;
  const id = eventId(event);
  const subject = new Change(p.subjectId, event);
  const rep = subject.rep;
  rep.feedbackCount = rep.feedbackCount + 1;
  rep.feedbackWeight = rep.feedbackWeight.plus(p.weight);
  rep.feedbackWeightedScore = rep.feedbackWeightedScore.plus(BigInt.fromI32(p.score).times(p.weight));
  subject.commit(id, config, event);
  getAgent(p.fromId, event);

  const entity = new Feedback(id);
  stampEvent(entity, event);
  entity.subject = idOf(p.subjectId);
  entity.from = idOf(p.fromId);
  entity.job = idOf(p.jobId);
  entity.score = p.score;
  entity.weight = p.weight;
  entity.tag1 = p.tag1;
  entity.tag2 = p.tag2;
  entity.feedbackURI = p.feedbackURI;
  entity.feedbackHash = p.feedbackHash;
  entity.subjectScoreAfter = rep.score;
  entity.save();

  const protocol = getProtocol(config, event);
  protocol.reputationLedger = event.address;
  const day = getDailyStat(config, event);
  protocol.feedbackCount = protocol.feedbackCount + 1;
  day.feedbackCount = day.feedbackCount + 1;
  saveStats(protocol, day);
}

export function handleWritersSet(event: WritersSetEvent): void {
  handleWritersSetImpl(event, defaultConfig());
}

export function handleWritersSetImpl(event: WritersSetEvent, config: Config): void {
  const entity = new LedgerWritersSet(eventId(event));
  stampEvent(entity, event);
  entity.escrow = event.params.escrow;
  entity.channels = event.params.channels;
  entity.save();
  touchProtocol(event, config);
}

/** Records the ledger's address in the protocol. */
function touchProtocol(event: ethereum.Event, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.reputationLedger = event.address;
  protocol.save();
}
