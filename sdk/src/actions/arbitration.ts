/**
 * Rulings through the reference arbitrators: the m-of-n committee (`CommitteeArbitrator.vote`) and the AI-oracle
 * adapter (`OracleArbitrator.submitVerdict`). The dispute id is the job id; a ruling is the provider's share in bps.
 */
import { ZeroHash } from "ethers";
import type { VotedEvent } from "../../../typechain-types/contracts/periphery/CommitteeArbitrator";
import type { VerdictSubmittedEvent } from "../../../typechain-types/contracts/periphery/OracleArbitrator";
import type { AgoraClient } from "../client";
import { AgoraError } from "../errors";
import { toHash32 } from "./jobs";
import { bind, defineSync, defineWrite } from "./internal";

function share(bps: number): number {
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) {
    throw new AgoraError(`provider share must be an integer 0..10000 bps (got ${bps})`, { code: "INVALID_INPUT" });
  }
  return bps;
}

export interface CommitteeVoteParameters {
  jobId: bigint;
  /** Provider's share of the job amount, 0..10000 bps. */
  providerShareBps: number;
}
/**
 * A committee member votes; the vote that reaches the threshold rules on the escrow.
 *
 * @example await committeeVoteSync(memberClient, { jobId, providerShareBps: 7000 });
 */
export const committeeVote = defineWrite((client: AgoraClient, p: CommitteeVoteParameters) =>
  bind(client.contracts.committee.vote, p.jobId, share(p.providerShareBps)),
);
export const committeeVoteSync = defineSync<CommitteeVoteParameters, VotedEvent.OutputObject>(committeeVote, (c) => c.contracts.committee, "Voted");

export interface OracleVerdictParameters {
  jobId: bigint;
  providerShareBps: number;
  /** Hash of the jury's reasoning (32 bytes, or text that is hashed). Default zero. */
  reasoning?: string;
  reasoningURI?: string;
}
/**
 * The oracle key posts the AI jury's verdict, which rules on the escrow.
 *
 * @example await oracleVerdictSync(oracleClient, { jobId, providerShareBps: 3000, reasoning, reasoningURI });
 */
export const oracleVerdict = defineWrite((client: AgoraClient, p: OracleVerdictParameters) =>
  bind(client.contracts.oracle.submitVerdict, p.jobId, share(p.providerShareBps), p.reasoning ? toHash32(p.reasoning) : ZeroHash, p.reasoningURI ?? ""),
);
export const oracleVerdictSync = defineSync<OracleVerdictParameters, VerdictSubmittedEvent.OutputObject>(
  oracleVerdict,
  (c) => c.contracts.oracle,
  "VerdictSubmitted",
);

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type CommitteeVoteReturnType = Awaited<ReturnType<typeof committeeVote>>;
export type CommitteeVoteSyncReturnType = Awaited<ReturnType<typeof committeeVoteSync>>;
export type CommitteeVoteErrorType = AgoraError;
export type OracleVerdictReturnType = Awaited<ReturnType<typeof oracleVerdict>>;
export type OracleVerdictSyncReturnType = Awaited<ReturnType<typeof oracleVerdictSync>>;
export type OracleVerdictErrorType = AgoraError;
