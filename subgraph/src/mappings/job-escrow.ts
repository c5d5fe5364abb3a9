/**
 * JobEscrow: the job state machine, disputes (ERC-792 / ERC-1497 events included) and feedback marks. Reputation
 * effects come from the ledger's own events (reputation-ledger.ts), money from the vault's (agora-vault.ts); here
 * each job keeps its terms, every transition and what each party received.
 */
import { Address, BigInt, ethereum } from "@graphprotocol/graph-ts";
import {
  ArbitratorNotificationFailed as ArbitratorNotificationFailedEvent,
  Dispute as DisputeEvent,
  Evidence as EvidenceEvent,
  FeedbackGiven as FeedbackGivenEvent,
  JobAccepted as JobAcceptedEvent,
  JobCancelled as JobCancelledEvent,
  JobCompleted as JobCompletedEvent,
  JobCreated as JobCreatedEvent,
  JobDeclined as JobDeclinedEvent,
  JobDelivered as JobDeliveredEvent,
  JobDisputed as JobDisputedEvent,
  JobRefunded as JobRefundedEvent,
  JobResolved as JobResolvedEvent,
  Ruling as RulingEvent,
  ValidatorPolled as ValidatorPolledEvent,
} from "../../generated/JobEscrow/JobEscrow";
import {
  ArbitratorNotificationFailed,
  Dispute,
  DisputeCreated,
  Evidence,
  FeedbackGiven,
  Job,
  JobAccepted,
  JobCancelled,
  JobCompleted,
  JobCreated,
  JobDeclined,
  JobDelivered,
  JobDisputed,
  JobRefunded,
  JobResolved,
  Listing,
  Ruling,
  ValidatorPolled,
} from "../../generated/schema";
import { getAgent } from "../helpers/agents";
import { Config, defaultConfig } from "../helpers/config";
import { completionKind, refundKind, validatorVerdict, ZERO, ZERO_ADDRESS } from "../helpers/constants";
import { eventId, idOf, stampEvent } from "../helpers/ids";
import { getDailyStat, getProtocol, saveStats } from "../helpers/protocol";

/** The job `jobId`; every escrow event after JobCreated names an existing job. */
function loadJob(jobId: BigInt): Job | null {
  return Job.load(idOf(jobId));
}

/** Marks a job final. */
function settle(job: Job, state: string, event: ethereum.Event, by: Address): void {
  job.state = state;
  job.settledAt = event.block.timestamp;
  job.settledBy = by;
  job.updatedAt = event.block.timestamp;
}

export function handleJobCreated(event: JobCreatedEvent): void {
  handleJobCreatedImpl(event, defaultConfig());
}

/** Creates the job from the full snapshot of its terms; counts it for the listing, the parties and the protocol. */
export function handleJobCreatedImpl(event: JobCreatedEvent, config: Config): void {
  const p = event.params;
  const t = p.terms;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const client = getAgent(p.clientId, event);
  const provider = getAgent(p.providerId, event);
  const listingId = idOf(t.listingId);

  const job = new Job(idOf(p.jobId));
  job.jobId = p.jobId;
  job.listing = listingId;
  job.client = client.id;
  job.provider = provider.id;
  job.state = "Funded";
  job.amount = t.amount;
  job.feeBps = t.feeBps;
  job.deadline = t.deadline;
  job.onTimeBy = t.onTimeBy;
  job.reviewWindow = t.reviewWindow.toI32();
  job.collateralBps = t.collateralBps;
  job.arbitrator = t.arbitrator;
  job.validator = t.validator.equals(ZERO_ADDRESS) ? null : t.validator;
  job.specHash = t.specHash;
  job.selfDealing = t.selfDealing;
  job.createdBy = p.caller;
  job.createdAt = event.block.timestamp;
  job.createdAtBlock = event.block.number;
  job.creationTransaction = event.transaction.hash;
  job.collateral = ZERO;
  job.validatorPolls = 0;
  job.toProvider = ZERO;
  job.fee = ZERO;
  job.toClient = ZERO;
  job.collateralToProvider = ZERO;
  job.collateralToClient = ZERO;
  job.clientFeedbackGiven = false;
  job.providerFeedbackGiven = false;
  job.updatedAt = event.block.timestamp;
  job.save();

  const listing = Listing.load(listingId);
  if (listing != null) {
    listing.jobCount = listing.jobCount + 1;
    listing.jobVolume = listing.jobVolume.plus(t.amount);
    listing.save();
  }
  client.jobsAsClientCount = client.jobsAsClientCount + 1;
  client.save();
  provider.jobsAsProviderCount = provider.jobsAsProviderCount + 1;
  provider.save();

  const entity = new JobCreated(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.client = client.id;
  entity.provider = provider.id;
  entity.caller = p.caller;
  entity.listing = listingId;
  entity.amount = t.amount;
  entity.feeBps = t.feeBps;
  entity.deadline = t.deadline;
  entity.onTimeBy = t.onTimeBy;
  entity.reviewWindow = t.reviewWindow.toI32();
  entity.collateralBps = t.collateralBps;
  entity.arbitrator = t.arbitrator;
  entity.validator = t.validator;
  entity.specHash = t.specHash;
  entity.selfDealing = t.selfDealing;
  entity.save();

  protocol.escrow = event.address;
  protocol.jobCount = protocol.jobCount + 1;
  protocol.openJobCount = protocol.openJobCount + 1;
  protocol.jobVolume = protocol.jobVolume.plus(t.amount);
  day.jobsCreated = day.jobsCreated + 1;
  day.jobVolume = day.jobVolume.plus(t.amount);
  saveStats(protocol, day);
}

export function handleJobCancelled(event: JobCancelledEvent): void {
  handleJobCancelledImpl(event, defaultConfig());
}

export function handleJobCancelledImpl(event: JobCancelledEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  settle(job, "Cancelled", event, p.caller);
  job.toClient = p.refunded;
  job.save();

  const entity = new JobCancelled(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.refunded = p.refunded;
  entity.caller = p.caller;
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.jobsCancelled = protocol.jobsCancelled + 1;
  protocol.openJobCount = protocol.openJobCount - 1;
  day.jobsCancelled = day.jobsCancelled + 1;
  saveStats(protocol, day);
}

export function handleJobDeclined(event: JobDeclinedEvent): void {
  handleJobDeclinedImpl(event, defaultConfig());
}

/** The provider declined before accepting: the job is Cancelled and the client refunded in full. */
export function handleJobDeclinedImpl(event: JobDeclinedEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  settle(job, "Cancelled", event, p.caller);
  job.toClient = p.refunded;
  job.declineReasonURI = p.reasonURI;
  job.save();

  const entity = new JobDeclined(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.refunded = p.refunded;
  entity.reasonURI = p.reasonURI;
  entity.caller = p.caller;
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.jobsCancelled = protocol.jobsCancelled + 1;
  protocol.jobsDeclined = protocol.jobsDeclined + 1;
  protocol.openJobCount = protocol.openJobCount - 1;
  day.jobsCancelled = day.jobsCancelled + 1;
  day.jobsDeclined = day.jobsDeclined + 1;
  saveStats(protocol, day);
}

export function handleJobAccepted(event: JobAcceptedEvent): void {
  handleJobAcceptedImpl(event, defaultConfig());
}

export function handleJobAcceptedImpl(event: JobAcceptedEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  job.state = "Accepted";
  job.acceptedAt = event.block.timestamp;
  job.collateral = p.collateral;
  // The escrow reads the score only when the job requires collateral; otherwise the event carries 0.
  if (job.collateralBps != 0) job.providerScoreAtAcceptance = p.providerScore.toI32();
  job.updatedAt = event.block.timestamp;
  job.save();

  const entity = new JobAccepted(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.collateral = p.collateral;
  entity.providerScore = p.providerScore.toI32();
  entity.caller = p.caller;
  entity.save();
}

export function handleJobDelivered(event: JobDeliveredEvent): void {
  handleJobDeliveredImpl(event, defaultConfig());
}

export function handleJobDeliveredImpl(event: JobDeliveredEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  job.state = "Delivered";
  job.deliveredAt = event.block.timestamp;
  job.resultHash = p.resultHash;
  job.resultURI = p.resultURI;
  job.reviewEndsAt = p.reviewEndsAt;
  job.latency = p.latency;
  job.onTime = p.onTime;
  job.updatedAt = event.block.timestamp;
  job.save();

  const entity = new JobDelivered(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.resultHash = p.resultHash;
  entity.resultURI = p.resultURI;
  entity.reviewEndsAt = p.reviewEndsAt;
  entity.latency = p.latency;
  entity.onTime = p.onTime;
  entity.caller = p.caller;
  entity.save();
}

export function handleValidatorPolled(event: ValidatorPolledEvent): void {
  handleValidatorPolledImpl(event, defaultConfig());
}

export function handleValidatorPolledImpl(event: ValidatorPolledEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  const verdict = validatorVerdict(p.verdict);
  job.validatorVerdict = verdict;
  job.validatorPolls = job.validatorPolls + 1;
  job.updatedAt = event.block.timestamp;
  job.save();

  const entity = new ValidatorPolled(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.validator = p.validator;
  entity.verdict = verdict;
  entity.caller = p.caller;
  entity.save();
}

export function handleJobCompleted(event: JobCompletedEvent): void {
  handleJobCompletedImpl(event, defaultConfig());
}

/** The provider was paid: gross volume (toProvider + fee) counts for the protocol and the day. */
export function handleJobCompletedImpl(event: JobCompletedEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  const kind = completionKind(p.kind);
  settle(job, "Completed", event, p.caller);
  job.completionKind = kind;
  job.toProvider = p.toProvider;
  job.fee = p.fee;
  job.collateralToProvider = p.collateralReturned;
  job.save();

  const listing = Listing.load(job.listing);
  if (listing != null) {
    listing.completedJobCount = listing.completedJobCount + 1;
    listing.save();
  }

  const entity = new JobCompleted(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.toProvider = p.toProvider;
  entity.fee = p.fee;
  entity.collateralReturned = p.collateralReturned;
  entity.kind = kind;
  entity.caller = p.caller;
  entity.save();

  const gross = p.toProvider.plus(p.fee);
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.jobsCompleted = protocol.jobsCompleted + 1;
  protocol.openJobCount = protocol.openJobCount - 1;
  protocol.volume = protocol.volume.plus(gross);
  day.jobsCompleted = day.jobsCompleted + 1;
  day.volume = day.volume.plus(gross);
  saveStats(protocol, day);
}

export function handleJobRefunded(event: JobRefundedEvent): void {
  handleJobRefundedImpl(event, defaultConfig());
}

export function handleJobRefundedImpl(event: JobRefundedEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  const kind = refundKind(p.kind);
  settle(job, "Refunded", event, p.caller);
  job.refundKind = kind;
  job.toClient = p.toClient;
  job.collateralToClient = p.collateralToClient;
  job.save();

  const entity = new JobRefunded(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.toClient = p.toClient;
  entity.collateralToClient = p.collateralToClient;
  entity.kind = kind;
  entity.caller = p.caller;
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.jobsRefunded = protocol.jobsRefunded + 1;
  protocol.openJobCount = protocol.openJobCount - 1;
  day.jobsRefunded = day.jobsRefunded + 1;
  saveStats(protocol, day);
}

export function handleJobDisputed(event: JobDisputedEvent): void {
  handleJobDisputedImpl(event, defaultConfig());
}

/** Opens the Dispute (id = job id); the ERC-1497 Dispute and Evidence events follow in the same transaction. */
export function handleJobDisputedImpl(event: JobDisputedEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  const dispute = new Dispute(job.id);
  dispute.job = job.id;
  dispute.client = job.client;
  dispute.provider = job.provider;
  dispute.arbitrator = p.arbitrator;
  dispute.status = "Open";
  dispute.arbitrationFee = p.arbitrationFee;
  dispute.quotedCost = p.quotedCost;
  dispute.reasonURI = p.reasonURI;
  dispute.openedBy = p.caller;
  dispute.openedAt = event.block.timestamp;
  dispute.arbitratorNotified = true;
  dispute.save();

  job.state = "Disputed";
  job.dispute = dispute.id;
  job.updatedAt = event.block.timestamp;
  job.save();

  const entity = new JobDisputed(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.dispute = dispute.id;
  entity.arbitrator = p.arbitrator;
  entity.arbitrationFee = p.arbitrationFee;
  entity.quotedCost = p.quotedCost;
  entity.reasonURI = p.reasonURI;
  entity.caller = p.caller;
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.disputesOpened = protocol.disputesOpened + 1;
  day.disputesOpened = day.disputesOpened + 1;
  saveStats(protocol, day);
}

export function handleArbitratorNotificationFailed(event: ArbitratorNotificationFailedEvent): void {
  handleArbitratorNotificationFailedImpl(event, defaultConfig());
}

export function handleArbitratorNotificationFailedImpl(event: ArbitratorNotificationFailedEvent, config: Config): void {
  const p = event.params;
  const dispute = Dispute.load(idOf(p.jobId));
  if (dispute != null) {
    dispute.arbitratorNotified = false;
    dispute.save();
  }
  const entity = new ArbitratorNotificationFailed(eventId(event));
  stampEvent(entity, event);
  entity.job = idOf(p.jobId);
  entity.arbitrator = p.arbitrator;
  entity.save();
}

export function handleJobResolved(event: JobResolvedEvent): void {
  handleJobResolvedImpl(event, defaultConfig());
}

/** Settles the dispute: the split, the collateral, and the provider's gross share as volume. */
export function handleJobResolvedImpl(event: JobResolvedEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  settle(job, "Resolved", event, p.caller);
  job.toProvider = p.toProvider;
  job.fee = p.fee;
  job.toClient = p.toClient;
  job.collateralToProvider = p.collateralToProvider;
  job.collateralToClient = p.collateralToClient;
  job.save();

  const dispute = Dispute.load(job.id);
  if (dispute != null) {
    dispute.status = p.byDefault ? "DefaultApplied" : "Ruled";
    dispute.providerShareBps = p.providerShareBps;
    dispute.byDefault = p.byDefault;
    dispute.toProvider = p.toProvider;
    dispute.fee = p.fee;
    dispute.toClient = p.toClient;
    dispute.collateralToProvider = p.collateralToProvider;
    dispute.collateralToClient = p.collateralToClient;
    dispute.resolvedAt = event.block.timestamp;
    dispute.resolvedBy = p.caller;
    dispute.save();
  }

  const entity = new JobResolved(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.providerShareBps = p.providerShareBps;
  entity.toProvider = p.toProvider;
  entity.fee = p.fee;
  entity.toClient = p.toClient;
  entity.collateralToProvider = p.collateralToProvider;
  entity.collateralToClient = p.collateralToClient;
  entity.arbitrationFee = p.arbitrationFee;
  entity.byDefault = p.byDefault;
  entity.caller = p.caller;
  entity.save();

  const gross = p.toProvider.plus(p.fee);
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.disputesResolved = protocol.disputesResolved + 1;
  protocol.openJobCount = protocol.openJobCount - 1;
  protocol.volume = protocol.volume.plus(gross);
  day.disputesResolved = day.disputesResolved + 1;
  day.volume = day.volume.plus(gross);
  saveStats(protocol, day);
}

export function handleFeedbackGiven(event: FeedbackGivenEvent): void {
  handleFeedbackGivenImpl(event, defaultConfig());
}

/** Marks which side rated; the counted entry itself is the ledger's Feedback. */
export function handleFeedbackGivenImpl(event: FeedbackGivenEvent, config: Config): void {
  const p = event.params;
  const job = loadJob(p.jobId);
  if (job == null) return;
  if (idOf(p.fromId) == job.client) job.clientFeedbackGiven = true;
  else job.providerFeedbackGiven = true;
  job.updatedAt = event.block.timestamp;
  job.save();

  const entity = new FeedbackGiven(eventId(event));
  stampEvent(entity, event);
  entity.job = job.id;
  entity.from = idOf(p.fromId);
  entity.subject = idOf(p.subjectId);
  entity.score = p.score;
  entity.caller = p.caller;
  entity.save();
}

export function handleDispute(event: DisputeEvent): void {
  handleDisputeImpl(event, defaultConfig());
}

/** ERC-1497 Dispute: the dispute id is the job id. */
export function handleDisputeImpl(event: DisputeEvent, config: Config): void {
  const p = event.params;
  const entity = new DisputeCreated(eventId(event));
  stampEvent(entity, event);
  entity.job = idOf(p.disputeId);
  entity.arbitrator = p.arbitrator;
  entity.metaEvidenceId = p.metaEvidenceId;
  entity.evidenceGroupId = p.evidenceGroupId;
  entity.save();
}

export function handleEvidence(event: EvidenceEvent): void {
  handleEvidenceImpl(event, defaultConfig());
}

/** ERC-1497 Evidence: the evidence group id is the job id. */
export function handleEvidenceImpl(event: EvidenceEvent, config: Config): void {
  const p = event.params;
  const jobId = idOf(p.evidenceGroupId);
  const entity = new Evidence(eventId(event));
  stampEvent(entity, event);
  entity.job = jobId;
  entity.dispute = Dispute.load(jobId) != null ? jobId : null;
  entity.arbitrator = p.arbitrator;
  entity.party = p.party;
  entity.evidence = p.evidence;
  entity.save();
}

export function handleRuling(event: RulingEvent): void {
  handleRulingImpl(event, defaultConfig());
}

/** ERC-792 Ruling: recorded on the dispute; JobResolved (same transaction) applies it. */
export function handleRulingImpl(event: RulingEvent, config: Config): void {
  const p = event.params;
  const jobId = idOf(p.disputeId);
  const dispute = Dispute.load(jobId);
  if (dispute != null) {
    dispute.ruling = p.ruling;
    dispute.save();
  }
  const entity = new Ruling(eventId(event));
  stampEvent(entity, event);
  entity.job = jobId;
  entity.arbitrator = p.arbitrator;
  entity.ruling = p.ruling;
  entity.save();
}
