/**
 * Typed discovery queries against the Agora subgraph (`subgraph/schema.graphql`): providers of a capability ranked
 * by reputation with price and latency filters, an agent's profile and history, open jobs, and the leaderboard.
 * GraphQL `BigInt`s arrive as strings and are returned as `bigint`; `Bytes` as 0x-hex strings.
 */
import { capabilityHash } from "../actions/listings";
import { AgoraError } from "../errors";
import type { GraphClient } from "./graphql";

/* RAW SHAPES (as the subgraph returns them) */

type BigIntString = string;

interface RawReputation {
  score: number;
  completed: number;
  onTime: number;
  refundedLate: number;
  disputesWon: number;
  disputesLost: number;
  completion: number;
  volumeEarned: BigIntString;
  volumeSpent: BigIntString;
  latencyMean: BigIntString;
  latencyP50: BigIntString;
  latencyP90: BigIntString;
  feedbackCount: number;
  averageFeedbackScore: number;
}

const REPUTATION_FIELDS = `score completed onTime refundedLate disputesWon disputesLost completion volumeEarned volumeSpent latencyMean latencyP50 latencyP90 feedbackCount averageFeedbackScore`;

/* TYPED RESULTS */

export interface ReputationSummary {
  /** 0..10000 bps. */
  score: number;
  completed: number;
  onTime: number;
  refundedLate: number;
  disputesWon: number;
  disputesLost: number;
  /** The score's completion term, bps: `(completed + 1) * 10000 / (completed + refundedLate + disputesLost + 2)`. */
  completionBps: number;
  volumeEarned: bigint;
  volumeSpent: bigint;
  latencyMean: bigint;
  latencyP50: bigint;
  latencyP90: bigint;
  feedbackCount: number;
  averageFeedbackScore: number;
}

function reputation(r: RawReputation): ReputationSummary {
  return {
    score: r.score,
    completed: r.completed,
    onTime: r.onTime,
    refundedLate: r.refundedLate,
    disputesWon: r.disputesWon,
    disputesLost: r.disputesLost,
    completionBps: r.completion,
    volumeEarned: BigInt(r.volumeEarned),
    volumeSpent: BigInt(r.volumeSpent),
    latencyMean: BigInt(r.latencyMean),
    latencyP50: BigInt(r.latencyP50),
    latencyP90: BigInt(r.latencyP90),
    feedbackCount: r.feedbackCount,
    averageFeedbackScore: r.averageFeedbackScore,
  };
}

/* PROVIDERS FOR A CAPABILITY */

export interface FindProvidersParameters {
  /** Capability tag (hashed) — or several: a listing must offer all of them. */
  capability: string | readonly string[];
  /** Highest price in USDC base units. */
  maxPrice?: bigint;
  /** Highest p90 delivery latency in seconds (providers without history report 0 and pass). */
  maxLatencyP90?: bigint;
  /** Only listings of this pricing model. */
  pricing?: "Fixed" | "PerCall" | "Quoted";
  /** Lowest provider score, 0..10000. */
  minScore?: number;
  first?: number;
}

export interface ProviderListing {
  listingId: bigint;
  providerId: bigint;
  providerUri: string;
  price: bigint;
  pricing: string;
  slaSeconds: number;
  reviewWindow: number;
  collateralBps: number;
  effectiveCollateralBps: number;
  arbitrator: string;
  validator: string | null;
  metadataURI: string;
  providerScore: number;
  providerLatencyP50: bigint;
  providerLatencyP90: bigint;
  providerCompletedJobs: number;
}

interface RawListing {
  listingId: BigIntString;
  provider: { agentId: BigIntString; uri: string };
  price: BigIntString;
  pricing: string;
  slaSeconds: number;
  reviewWindow: number;
  collateralBps: number;
  effectiveCollateralBps: number;
  arbitrator: string;
  validator: string | null;
  metadataURI: string;
  providerScore: number;
  providerLatencyP50: BigIntString;
  providerLatencyP90: BigIntString;
  providerCompletedJobs: number;
}

const LISTING_FIELDS = `listingId provider { agentId uri } price pricing slaSeconds reviewWindow collateralBps effectiveCollateralBps arbitrator validator metadataURI providerScore providerLatencyP50 providerLatencyP90 providerCompletedJobs`;

function listing(l: RawListing): ProviderListing {
  return {
    listingId: BigInt(l.listingId),
    providerId: BigInt(l.provider.agentId),
    providerUri: l.provider.uri,
    price: BigInt(l.price),
    pricing: l.pricing,
    slaSeconds: l.slaSeconds,
    reviewWindow: l.reviewWindow,
    collateralBps: l.collateralBps,
    effectiveCollateralBps: l.effectiveCollateralBps,
    arbitrator: l.arbitrator,
    validator: l.validator,
    metadataURI: l.metadataURI,
    providerScore: l.providerScore,
    providerLatencyP50: BigInt(l.providerLatencyP50),
    providerLatencyP90: BigInt(l.providerLatencyP90),
    providerCompletedJobs: l.providerCompletedJobs,
  };
}

function first(n: number | undefined, fallback: number): number {
  const v = n ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > 1000) throw new AgoraError(`first must be 1..1000 (got ${v})`, { code: "INVALID_INPUT" });
  return v;
}

/**
 * Active listings offering a capability, best provider reputation first, filtered by price, latency, pricing
 * model and score.
 *
 * @example const offers = await findProviders(graph, { capability: "translate.en-fr", maxPrice: parseUsdc("10"), maxLatencyP90: 3600n });
 */
export async function findProviders(graph: GraphClient, p: FindProvidersParameters): Promise<ProviderListing[]> {
  const tags = typeof p.capability === "string" ? [p.capability] : p.capability;
  const where: Record<string, unknown> = { capabilities_contains: tags.map(capabilityHash), status: "Active" };
  if (p.maxPrice !== undefined) where.price_lte = p.maxPrice.toString();
  if (p.maxLatencyP90 !== undefined) where.providerLatencyP90_lte = p.maxLatencyP90.toString();
  if (p.pricing !== undefined) where.pricing = p.pricing;
  if (p.minScore !== undefined) where.providerScore_gte = p.minScore;
  const data = await graph.request<{ listings: RawListing[] }>(
    `query FindProviders($where: Listing_filter!, $first: Int!) {
      listings(where: $where, first: $first, orderBy: providerScore, orderDirection: desc) { ${LISTING_FIELDS} }
    }`,
    { where, first: first(p.first, 20) },
  );
  return data.listings.map(listing);
}

/* AGENT PROFILE */

export interface JobSummary {
  jobId: bigint;
  state: string;
  amount: bigint;
  clientId: bigint;
  providerId: bigint;
  listingId: bigint;
  createdAt: bigint;
  settledAt: bigint | null;
  latency: bigint | null;
  onTime: boolean | null;
}

interface RawJob {
  jobId: BigIntString;
  state: string;
  amount: BigIntString;
  client: { agentId: BigIntString };
  provider: { agentId: BigIntString };
  listing: { listingId: BigIntString };
  createdAt: BigIntString;
  settledAt: BigIntString | null;
  latency: BigIntString | null;
  onTime: boolean | null;
}

const JOB_FIELDS = `jobId state amount client { agentId } provider { agentId } listing { listingId } createdAt settledAt latency onTime`;

function job(j: RawJob): JobSummary {
  return {
    jobId: BigInt(j.jobId),
    state: j.state,
    amount: BigInt(j.amount),
    clientId: BigInt(j.client.agentId),
    providerId: BigInt(j.provider.agentId),
    listingId: BigInt(j.listing.listingId),
    createdAt: BigInt(j.createdAt),
    settledAt: j.settledAt === null ? null : BigInt(j.settledAt),
    latency: j.latency === null ? null : BigInt(j.latency),
    onTime: j.onTime,
  };
}

export interface FeedbackSummary {
  score: number;
  fromId: bigint;
  jobId: bigint;
  tag1: string;
  tag2: string;
  feedbackURI: string;
  timestamp: bigint;
}

export interface AgentProfile {
  agentId: bigint;
  owner: string;
  operator: string | null;
  uri: string;
  frozen: boolean;
  balance: bigint;
  registeredAt: bigint;
  reputation: ReputationSummary;
  listings: (ProviderListing & { status: string })[];
  jobsAsProvider: JobSummary[];
  jobsAsClient: JobSummary[];
  feedbackReceived: FeedbackSummary[];
}

interface RawProfile {
  agentId: BigIntString;
  owner: { id: string };
  operator: string | null;
  uri: string;
  frozen: boolean;
  balance: BigIntString;
  registeredAt: BigIntString;
  reputation: RawReputation;
  listings: (RawListing & { status: string })[];
  jobsAsProvider: RawJob[];
  jobsAsClient: RawJob[];
  feedbackReceived: {
    score: number;
    from: { agentId: BigIntString };
    job: { jobId: BigIntString };
    tag1: string;
    tag2: string;
    feedbackURI: string;
    timestamp: BigIntString;
  }[];
}

/**
 * An agent's profile: identity, reputation, listings, recent jobs on both sides and feedback received. `null`
 * when the subgraph has no such agent.
 *
 * @example const profile = await getAgentProfile(graph, 3n, { history: 10 });
 */
export async function getAgentProfile(graph: GraphClient, agentId: bigint, options: { history?: number } = {}): Promise<AgentProfile | null> {
  const n = first(options.history, 20);
  const data = await graph.request<{ agent: RawProfile | null }>(
    `query AgentProfile($id: ID!, $n: Int!) {
      agent(id: $id) {
        agentId owner { id } operator uri frozen balance registeredAt
        reputation { ${REPUTATION_FIELDS} }
        listings(first: 100, orderBy: listingId) { status ${LISTING_FIELDS} }
        jobsAsProvider(first: $n, orderBy: createdAt, orderDirection: desc) { ${JOB_FIELDS} }
        jobsAsClient(first: $n, orderBy: createdAt, orderDirection: desc) { ${JOB_FIELDS} }
        feedbackReceived(first: $n, orderBy: timestamp, orderDirection: desc) { score from { agentId } job { jobId } tag1 tag2 feedbackURI timestamp }
      }
    }`,
    { id: agentId.toString(), n },
  );
  const a = data.agent;
  if (!a) return null;
  return {
    agentId: BigInt(a.agentId),
    owner: a.owner.id,
    operator: a.operator,
    uri: a.uri,
    frozen: a.frozen,
    balance: BigInt(a.balance),
    registeredAt: BigInt(a.registeredAt),
    reputation: reputation(a.reputation),
    listings: a.listings.map((l) => ({ ...listing(l), status: l.status })),
    jobsAsProvider: a.jobsAsProvider.map(job),
    jobsAsClient: a.jobsAsClient.map(job),
    feedbackReceived: a.feedbackReceived.map((f) => ({
      score: f.score,
      fromId: BigInt(f.from.agentId),
      jobId: BigInt(f.job.jobId),
      tag1: f.tag1,
      tag2: f.tag2,
      feedbackURI: f.feedbackURI,
      timestamp: BigInt(f.timestamp),
    })),
  };
}

/* OPEN JOBS */

export const OPEN_JOB_STATES = ["Funded", "Accepted", "Delivered", "Disputed"] as const;

export interface GetOpenJobsParameters {
  /** Only jobs for this provider (what a provider polls for new work). */
  providerId?: bigint;
  /** Only jobs of this client. */
  clientId?: bigint;
  /** Default: every open state. */
  states?: readonly (typeof OPEN_JOB_STATES)[number][];
  first?: number;
}

/**
 * Jobs not in a final state, oldest first.
 *
 * @example const work = await getOpenJobs(graph, { providerId, states: ["Funded"] });
 */
export async function getOpenJobs(graph: GraphClient, p: GetOpenJobsParameters = {}): Promise<JobSummary[]> {
  const where: Record<string, unknown> = { state_in: p.states ?? OPEN_JOB_STATES };
  if (p.providerId !== undefined) where.provider = p.providerId.toString();
  if (p.clientId !== undefined) where.client = p.clientId.toString();
  const data = await graph.request<{ jobs: RawJob[] }>(
    `query OpenJobs($where: Job_filter!, $first: Int!) {
      jobs(where: $where, first: $first, orderBy: createdAt, orderDirection: asc) { ${JOB_FIELDS} }
    }`,
    { where, first: first(p.first, 100) },
  );
  return data.jobs.map(job);
}

/* LEADERBOARD */

export interface LeaderboardEntry extends ReputationSummary {
  agentId: bigint;
  uri: string;
  frozen: boolean;
}

interface RawLeader extends RawReputation {
  agent: { agentId: BigIntString; uri: string; frozen: boolean };
}

/**
 * Agents by reputation score, best first (ties: most volume earned first).
 *
 * @example const top = await getLeaderboard(graph, { first: 10 });
 */
export async function getLeaderboard(graph: GraphClient, p: { first?: number } = {}): Promise<LeaderboardEntry[]> {
  const data = await graph.request<{ reputations: RawLeader[] }>(
    `query Leaderboard($first: Int!) {
      reputations(first: $first, orderBy: score, orderDirection: desc) { agent { agentId uri frozen } ${REPUTATION_FIELDS} }
    }`,
    { first: first(p.first, 50) },
  );
  const rows = data.reputations.map((r) => ({ agentId: BigInt(r.agent.agentId), uri: r.agent.uri, frozen: r.agent.frozen, ...reputation(r) }));
  return rows.sort((a, b) => b.score - a.score || (b.volumeEarned > a.volumeEarned ? 1 : b.volumeEarned < a.volumeEarned ? -1 : 0) || Number(a.agentId - b.agentId));
}

/* INDEXING STATUS */

export interface IndexingStatus {
  /** Last indexed block; -1 before the first one. */
  block: number;
  hasIndexingErrors: boolean;
}

/** The block the subgraph has indexed up to (`_meta`). */
export async function getIndexingStatus(graph: GraphClient): Promise<IndexingStatus> {
  const data = await graph.request<{ _meta: { block: { number: number } | null; hasIndexingErrors: boolean } | null }>(
    `{ _meta { block { number } hasIndexingErrors } }`,
  );
  if (!data._meta) throw new AgoraError("the subgraph reports no _meta", { code: "SUBGRAPH" });
  // No block yet: the indexer has not processed its first range.
  return { block: data._meta.block?.number ?? -1, hasIndexingErrors: data._meta.hasIndexingErrors };
}

/** Waits until the subgraph has indexed `block` (polling), or throws after `timeoutMs`. */
export async function waitForIndexed(graph: GraphClient, block: number, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<IndexingStatus> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const status = await getIndexingStatus(graph);
    if (status.hasIndexingErrors) throw new AgoraError("the subgraph failed while indexing (hasIndexingErrors)", { code: "SUBGRAPH" });
    if (status.block >= block) return status;
    if (Date.now() > deadline) throw new AgoraError(`the subgraph is at block ${status.block}, still short of ${block}`, { code: "SUBGRAPH" });
    await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
  }
}
