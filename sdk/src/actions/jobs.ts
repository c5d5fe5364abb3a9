/**
 * Jobs (`JobEscrow`): hire (create and fund in one transaction, by every funding source), accept, decline,
 * deliver, approve, reject (opens a dispute), release, refund, cancel, poll the validator, evidence, the default
 * ruling and feedback. See DESIGN.md "Jobs" for who may call what, and when.
 */
import { ZeroHash, id, isHexString, type ContractTransactionReceipt } from "ethers";
import type {
  EvidenceEvent,
  FeedbackGivenEvent,
  JobAcceptedEvent,
  JobCancelledEvent,
  JobCompletedEvent,
  JobCreatedEvent,
  JobDeclinedEvent,
  JobDeliveredEvent,
  JobDisputedEvent,
  JobRefundedEvent,
  JobResolvedEvent,
  ValidatorPolledEvent,
} from "../../../typechain-types/contracts/JobEscrow";
import type { AgoraClient } from "../client";
import { AgoraError, JOB_STATES } from "../errors";
import { fundFromBalance, type Funding } from "./funding";
import { getListing } from "./listings";
import { bind, bindWithHeadroom, chainTime, defineSync, defineWrite, eventsOf, read, sendAndWait, type SyncOptions } from "./internal";

const escrow = (c: AgoraClient) => c.contracts.escrow;

/** `IJobEscrow.JobState` by name. */
export type JobState = (typeof JOB_STATES)[number];

/** A 32-byte hash given as is, or the keccak256 of any other text (a spec, a result). */
export function toHash32(value: string): string {
  return isHexString(value, 32) ? value : id(value);
}

/* HIRE */

export interface HireParameters {
  clientId: bigint;
  listingId: bigint;
  /** Fixed: the most the client pays (reverts if the listing costs more). Quoted: the agreed amount. */
  maxPrice: bigint;
  /** Delivery deadline (Unix seconds). Default: chain time + the listing's SLA + 1 hour. */
  deadline?: bigint;
  /** Commitment to the job spec (a 32-byte hash, or text that is hashed); what a validator checks. Default zero. */
  spec?: string;
  /**
   * The listing terms the client agreed to (`ListingRegistry.termsHash` when it read them): the job reverts with
   * `EscrowListingTermsChanged` if the provider changed them since. Default: the terms current when hiring.
   */
  termsHash?: string;
  /** Default: the client's protocol balance. */
  funding?: Funding;
}
export type HireSyncReturnType = Awaited<ReturnType<typeof hireSync>>;

/**
 * Hires a listing: `createJob` locks the amount in the vault, pulled by `funding`. Sender: the client's owner or
 * operator (the operator within its owner's limits). `.call` returns the job id.
 *
 * @example const { jobId } = await hireSync(client, { clientId, listingId, maxPrice: parseUsdc("20") });
 */
export const hire = defineWrite(async (client: AgoraClient, p: HireParameters) => {
  let deadline = p.deadline;
  if (deadline === undefined) {
    const listing = await getListing(client, p.listingId);
    deadline = (await chainTime(client)) + BigInt(listing.slaSeconds) + 3600n;
  }
  const termsHash = p.termsHash ?? (await read(() => client.contracts.listings.termsHash(p.listingId)));
  const params = { clientId: p.clientId, listingId: p.listingId, maxPrice: p.maxPrice, deadline, specHash: p.spec ? toHash32(p.spec) : ZeroHash, termsHash };
  return bind(escrow(client).createJob, params, p.funding ?? fundFromBalance());
});
export const hireSync = defineSync<HireParameters, JobCreatedEvent.OutputObject>(hire, escrow, "JobCreated");

/* PROVIDER */

export interface AcceptParameters {
  jobId: bigint;
  /** Pays the collateral the curve requires (ignored when none). Default: the provider's protocol balance. */
  funding?: Funding;
}
/** The provider accepts a Funded job and locks its collateral. @example await acceptSync(client, { jobId }) */
export const accept = defineWrite((client: AgoraClient, p: AcceptParameters) => bind(escrow(client).accept, p.jobId, p.funding ?? fundFromBalance()));
export const acceptSync = defineSync<AcceptParameters, JobAcceptedEvent.OutputObject>(accept, escrow, "JobAccepted");

export interface DeclineParameters {
  jobId: bigint;
  reasonURI?: string;
}
/** The provider declines a Funded job; the client gets everything back. @example await declineSync(client, { jobId, reasonURI }) */
export const decline = defineWrite((client: AgoraClient, p: DeclineParameters) => bind(escrow(client).decline, p.jobId, p.reasonURI ?? ""));
export const declineSync = defineSync<DeclineParameters, JobDeclinedEvent.OutputObject>(decline, escrow, "JobDeclined");

export interface DeliverParameters {
  jobId: bigint;
  /** The result's hash (32 bytes), or text that is hashed. */
  result: string;
  resultURI?: string;
}
export interface DeliverSyncReturnType extends JobDeliveredEvent.OutputObject {
  receipt: ContractTransactionReceipt;
  /** For a validator job: how the validator's verdict settled it at once, if it did. */
  settled?: "Completed" | "Refunded";
}

/**
 * The provider delivers. A job naming a validator is judged at once (the transaction gets gas headroom for it).
 *
 * @example await deliverSync(client, { jobId, result: reportHash, resultURI: "ipfs://report" });
 */
export const deliver = defineWrite((client: AgoraClient, p: DeliverParameters) =>
  bindWithHeadroom(1_000_000n, escrow(client).deliver, p.jobId, toHash32(p.result), p.resultURI ?? ""),
);
export async function deliverSync(client: AgoraClient, p: DeliverParameters, o?: SyncOptions): Promise<DeliverSyncReturnType> {
  const receipt = await sendAndWait(deliver, client, p, o);
  const [delivered] = eventsOf<JobDeliveredEvent.OutputObject>(escrow(client), receipt, "JobDelivered");
  if (!delivered) throw new AgoraError(`no JobDelivered event in transaction ${receipt.hash}`, { code: "TRANSACTION" });
  return { receipt, ...delivered, settled: settlementOf(client, receipt) };
}

function settlementOf(client: AgoraClient, receipt: ContractTransactionReceipt): "Completed" | "Refunded" | undefined {
  if (eventsOf(escrow(client), receipt, "JobCompleted").length > 0) return "Completed";
  if (eventsOf(escrow(client), receipt, "JobRefunded").length > 0) return "Refunded";
  return undefined;
}

/* CLIENT */

export interface JobIdParameters {
  jobId: bigint;
}
/** The client approves a delivery: the provider is paid. @example await approveSync(client, { jobId }) */
export const approve = defineWrite((client: AgoraClient, p: JobIdParameters) => bind(escrow(client).approve, p.jobId));
export const approveSync = defineSync<JobIdParameters, JobCompletedEvent.OutputObject>(approve, escrow, "JobCompleted");

export interface RejectParameters {
  jobId: bigint;
  reasonURI?: string;
  /** Pays the arbitration fee. Default: the client's protocol balance. */
  funding?: Funding;
}
/** The client rejects a delivery within the review window and opens a dispute. @example await rejectSync(client, { jobId, reasonURI }) */
export const reject = defineWrite((client: AgoraClient, p: RejectParameters) =>
  bindWithHeadroom(1_500_000n, escrow(client).reject, p.jobId, p.reasonURI ?? "", p.funding ?? fundFromBalance()),
);
export const rejectSync = defineSync<RejectParameters, JobDisputedEvent.OutputObject>(reject, escrow, "JobDisputed");

/** The client takes back a job nobody accepted. @example await cancelSync(client, { jobId }) */
export const cancel = defineWrite((client: AgoraClient, p: JobIdParameters) => bind(escrow(client).cancel, p.jobId));
export const cancelSync = defineSync<JobIdParameters, JobCancelledEvent.OutputObject>(cancel, escrow, "JobCancelled");

/* ANYONE */

/** Releases a delivery to the provider after a silent review window. @example await releaseSync(client, { jobId }) */
export const release = defineWrite((client: AgoraClient, p: JobIdParameters) => bind(escrow(client).release, p.jobId));
export const releaseSync = defineSync<JobIdParameters, JobCompletedEvent.OutputObject>(release, escrow, "JobCompleted");

/** Refunds a job not delivered by its deadline. @example await refundSync(client, { jobId }) */
export const refund = defineWrite((client: AgoraClient, p: JobIdParameters) => bind(escrow(client).refund, p.jobId));
export const refundSync = defineSync<JobIdParameters, JobRefundedEvent.OutputObject>(refund, escrow, "JobRefunded");

export interface PollValidatorSyncReturnType extends ValidatorPolledEvent.OutputObject {
  receipt: ContractTransactionReceipt;
  settled?: "Completed" | "Refunded";
}
/** Asks a Delivered job's validator for its verdict and settles on it. `.call` returns the verdict (0 Pending, 1 Approved, 2 Rejected). */
export const pollValidator = defineWrite((client: AgoraClient, p: JobIdParameters) => bindWithHeadroom(1_000_000n, escrow(client).pollValidator, p.jobId));
export async function pollValidatorSync(client: AgoraClient, p: JobIdParameters, o?: SyncOptions): Promise<PollValidatorSyncReturnType> {
  const receipt = await sendAndWait(pollValidator, client, p, o);
  const [polled] = eventsOf<ValidatorPolledEvent.OutputObject>(escrow(client), receipt, "ValidatorPolled");
  if (!polled) throw new AgoraError(`no ValidatorPolled event in transaction ${receipt.hash}`, { code: "TRANSACTION" });
  return { receipt, ...polled, settled: settlementOf(client, receipt) };
}

/* DISPUTES */

export interface SubmitEvidenceParameters {
  jobId: bigint;
  evidenceURI: string;
}
/** Client or provider adds evidence to a disputed job (ERC-1497). @example await submitEvidenceSync(client, { jobId, evidenceURI }) */
export const submitEvidence = defineWrite((client: AgoraClient, p: SubmitEvidenceParameters) => bind(escrow(client).submitEvidence, p.jobId, p.evidenceURI));
export const submitEvidenceSync = defineSync<SubmitEvidenceParameters, EvidenceEvent.OutputObject>(submitEvidence, escrow, "Evidence");

/** Applies the default ruling (even split) to a dispute left unruled past the ruling period. @example await resolveByDefaultSync(client, { jobId }) */
export const resolveByDefault = defineWrite((client: AgoraClient, p: JobIdParameters) => bind(escrow(client).resolveByDefault, p.jobId));
export const resolveByDefaultSync = defineSync<JobIdParameters, JobResolvedEvent.OutputObject>(resolveByDefault, escrow, "JobResolved");

/* FEEDBACK */

export interface GiveFeedbackParameters {
  jobId: bigint;
  /** 0..100. */
  score: number;
  tag1?: string;
  tag2?: string;
  feedbackURI?: string;
  /** 32-byte hash of the feedback document, or text that is hashed. Default zero. */
  feedbackHash?: string;
}
/** Rates the other side of a settled job (once per side). @example await giveFeedbackSync(client, { jobId, score: 95, tag1: "fast" }) */
export const giveFeedback = defineWrite((client: AgoraClient, p: GiveFeedbackParameters) => {
  if (!Number.isInteger(p.score) || p.score < 0 || p.score > 100) {
    throw new AgoraError(`feedback score must be an integer 0..100 (got ${p.score})`, { code: "INVALID_INPUT" });
  }
  return bind(
    escrow(client).giveFeedback,
    p.jobId,
    p.score,
    p.tag1 ?? "",
    p.tag2 ?? "",
    p.feedbackURI ?? "",
    p.feedbackHash ? toHash32(p.feedbackHash) : ZeroHash,
  );
});
export const giveFeedbackSync = defineSync<GiveFeedbackParameters, FeedbackGivenEvent.OutputObject>(giveFeedback, escrow, "FeedbackGiven");

/* READS */

export interface JobInfo {
  jobId: bigint;
  state: JobState;
  clientId: bigint;
  providerId: bigint;
  amount: bigint;
  feeBps: number;
  selfDealing: boolean;
  /** Funded/Accepted only (0 otherwise). */
  deadline: bigint;
  /** Delivered only. */
  reviewEndsAt: bigint;
  /** Disputed only. */
  disputedAt: bigint;
  /** Final states only. */
  settledAt: bigint;
  collateral: bigint;
  /** Collateral bps at provider score 0 (until the job is final). */
  collateralBps: number;
  arbitrator: string;
  validator: string;
  specHash: string;
  clientFeedbackGiven: boolean;
  providerFeedbackGiven: boolean;
}

/** Reads a job. Unknown ids throw `AgoraError` with code `NOT_FOUND`. */
export async function getJob(client: AgoraClient, jobId: bigint): Promise<JobInfo> {
  const j = await read(() => escrow(client).getJob(jobId));
  const state = JOB_STATES[Number(j.state)] ?? "None";
  if (state === "None") throw new AgoraError(`unknown job ${jobId.toString()}`, { code: "NOT_FOUND" });
  return {
    jobId,
    state,
    clientId: j.clientId,
    providerId: j.providerId,
    amount: j.amount,
    feeBps: Number(j.feeBps),
    selfDealing: j.selfDealing,
    deadline: j.deadline,
    reviewEndsAt: j.reviewEndsAt,
    disputedAt: j.disputedAt,
    settledAt: j.settledAt,
    collateral: j.collateral,
    collateralBps: Number(j.collateralBps),
    arbitrator: j.arbitrator,
    validator: j.validator,
    specHash: j.specHash,
    clientFeedbackGiven: j.clientFeedbackGiven,
    providerFeedbackGiven: j.providerFeedbackGiven,
  };
}

/** Collateral `providerId` must post to accept a job of `amount` under `collateralBps`, at its current score. */
export async function requiredCollateral(client: AgoraClient, providerId: bigint, amount: bigint, collateralBps: number): Promise<bigint> {
  return read(() => escrow(client).requiredCollateral(providerId, amount, collateralBps));
}

/** Number of jobs ever created (ids run from 1). */
export async function totalJobs(client: AgoraClient): Promise<bigint> {
  return read(() => escrow(client).totalJobs());
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type HireReturnType = Awaited<ReturnType<typeof hire>>;
export type HireErrorType = AgoraError;
export type AcceptReturnType = Awaited<ReturnType<typeof accept>>;
export type AcceptSyncReturnType = Awaited<ReturnType<typeof acceptSync>>;
export type AcceptErrorType = AgoraError;
export type DeclineReturnType = Awaited<ReturnType<typeof decline>>;
export type DeclineSyncReturnType = Awaited<ReturnType<typeof declineSync>>;
export type DeclineErrorType = AgoraError;
export type DeliverReturnType = Awaited<ReturnType<typeof deliver>>;
export type DeliverErrorType = AgoraError;
export type ApproveReturnType = Awaited<ReturnType<typeof approve>>;
export type ApproveSyncReturnType = Awaited<ReturnType<typeof approveSync>>;
export type ApproveErrorType = AgoraError;
export type RejectReturnType = Awaited<ReturnType<typeof reject>>;
export type RejectSyncReturnType = Awaited<ReturnType<typeof rejectSync>>;
export type RejectErrorType = AgoraError;
export type CancelReturnType = Awaited<ReturnType<typeof cancel>>;
export type CancelSyncReturnType = Awaited<ReturnType<typeof cancelSync>>;
export type CancelErrorType = AgoraError;
export type ReleaseReturnType = Awaited<ReturnType<typeof release>>;
export type ReleaseSyncReturnType = Awaited<ReturnType<typeof releaseSync>>;
export type ReleaseErrorType = AgoraError;
export type RefundReturnType = Awaited<ReturnType<typeof refund>>;
export type RefundSyncReturnType = Awaited<ReturnType<typeof refundSync>>;
export type RefundErrorType = AgoraError;
export type PollValidatorReturnType = Awaited<ReturnType<typeof pollValidator>>;
export type PollValidatorErrorType = AgoraError;
export type SubmitEvidenceReturnType = Awaited<ReturnType<typeof submitEvidence>>;
export type SubmitEvidenceSyncReturnType = Awaited<ReturnType<typeof submitEvidenceSync>>;
export type SubmitEvidenceErrorType = AgoraError;
export type ResolveByDefaultReturnType = Awaited<ReturnType<typeof resolveByDefault>>;
export type ResolveByDefaultSyncReturnType = Awaited<ReturnType<typeof resolveByDefaultSync>>;
export type ResolveByDefaultErrorType = AgoraError;
export type GiveFeedbackReturnType = Awaited<ReturnType<typeof giveFeedback>>;
export type GiveFeedbackSyncReturnType = Awaited<ReturnType<typeof giveFeedbackSync>>;
export type GiveFeedbackErrorType = AgoraError;
