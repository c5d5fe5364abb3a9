/**
 * Spending limits (`AgoraVault`, docs/LIMITS.md): per-transaction and rolling 24-hour caps on the operator, the
 * allow-list, and the owner's one-shot pre-approval of a commitment above them (signed off-chain, submitted by
 * anyone).
 */
import type {
  AllowlistSetEvent,
  OwnerApprovalCancelledEvent,
  OwnerApprovalSetEvent,
  SpendingLimitsSetEvent,
} from "../../../typechain-types/contracts/AgoraVault";
import { requireSigner, type AgoraClient } from "../client";
import { AgoraError } from "../errors";
import { bind, chainTime, defineSync, defineWrite, read } from "./internal";

const vault = (c: AgoraClient) => c.contracts.vault;
const MAX_UINT64 = 2n ** 64n - 1n;

export interface SetSpendingLimitsParameters {
  agentId: bigint;
  /** Per-commitment cap in USDC base units; 0 for none. */
  perTxCap: bigint;
  /** Rolling 24-hour cap; 0 for none. */
  dailyCap: bigint;
  /** The operator may only commit toward allow-listed counterparties. Default false. */
  allowlistOnly?: boolean;
}
/**
 * Sets the operator's caps. Owner only.
 *
 * @example await setSpendingLimitsSync(ownerClient, { agentId, perTxCap: parseUsdc("20"), dailyCap: parseUsdc("50") });
 */
export const setSpendingLimits = defineWrite((client: AgoraClient, p: SetSpendingLimitsParameters) => {
  for (const [name, v] of [["perTxCap", p.perTxCap], ["dailyCap", p.dailyCap]] as const) {
    if (v < 0n || v > MAX_UINT64) throw new AgoraError(`${name} out of range`, { code: "INVALID_INPUT" });
  }
  return bind(vault(client).setSpendingLimits, p.agentId, { perTxCap: p.perTxCap, dailyCap: p.dailyCap, allowlistOnly: p.allowlistOnly ?? false });
});
export const setSpendingLimitsSync = defineSync<SetSpendingLimitsParameters, SpendingLimitsSetEvent.OutputObject>(setSpendingLimits, vault, "SpendingLimitsSet");

export interface SetAllowlistedParameters {
  agentId: bigint;
  counterpartyId: bigint;
  allowed: boolean;
}
/** Adds or removes a counterparty on the allow-list. Owner only. @example await setAllowlistedSync(c, { agentId, counterpartyId, allowed: true }) */
export const setAllowlisted = defineWrite((client: AgoraClient, p: SetAllowlistedParameters) =>
  bind(vault(client).setAllowlisted, p.agentId, p.counterpartyId, p.allowed),
);
export const setAllowlistedSync = defineSync<SetAllowlistedParameters, AllowlistSetEvent.OutputObject>(setAllowlisted, vault, "AllowlistSet");

/* OWNER PRE-APPROVAL */

export const COMMITMENT_APPROVAL_TYPES = {
  CommitmentApproval: [
    { name: "agentId", type: "uint256" },
    { name: "counterpartyId", type: "uint256" },
    { name: "amount", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface CommitmentApproval {
  agentId: bigint;
  counterpartyId: bigint;
  amount: bigint;
  deadline: bigint;
  nonce: bigint;
  signature: string;
}

export interface SignCommitmentApprovalParameters {
  agentId: bigint;
  counterpartyId: bigint;
  amount: bigint;
  /** Default: chain time + 1 hour. Keep it short. */
  deadline?: bigint;
}

/**
 * The owner signs a one-shot approval of one operator commitment above the limits. Signs only: hand the result to
 * the operator, which submits it with {@link approveCommitment}. The client's signer must be the owner.
 */
export async function signCommitmentApproval(client: AgoraClient, p: SignCommitmentApprovalParameters): Promise<CommitmentApproval> {
  const signer = requireSigner(client);
  const nonce = await read(() => vault(client).approvalNonce(p.agentId));
  const deadline = p.deadline ?? (await chainTime(client)) + 3600n;
  const signature = await signer.signTypedData(
    { name: "AgoraVault", version: "1", chainId: client.chainId, verifyingContract: client.addresses.vault },
    COMMITMENT_APPROVAL_TYPES,
    { agentId: p.agentId, counterpartyId: p.counterpartyId, amount: p.amount, nonce, deadline },
  );
  return { agentId: p.agentId, counterpartyId: p.counterpartyId, amount: p.amount, deadline, nonce, signature };
}

/** Stores the owner's signed pre-approval (anyone may submit). @example await approveCommitmentSync(operatorClient, approval) */
export const approveCommitment = defineWrite((client: AgoraClient, p: CommitmentApproval) =>
  bind(vault(client).approveCommitment, p.agentId, p.counterpartyId, p.amount, p.deadline, p.signature),
);
export const approveCommitmentSync = defineSync<CommitmentApproval, OwnerApprovalSetEvent.OutputObject>(approveCommitment, vault, "OwnerApprovalSet");

export interface AgentIdOnly {
  agentId: bigint;
}
/** Drops the pending approval and burns the nonce. Owner only. @example await cancelCommitmentApprovalSync(ownerClient, { agentId }) */
export const cancelCommitmentApproval = defineWrite((client: AgoraClient, p: AgentIdOnly) => bind(vault(client).cancelCommitmentApproval, p.agentId));
export const cancelCommitmentApprovalSync = defineSync<AgentIdOnly, OwnerApprovalCancelledEvent.OutputObject>(
  cancelCommitmentApproval,
  vault,
  "OwnerApprovalCancelled",
);

/* READS */

export interface SpendingLimitsInfo {
  agentId: bigint;
  perTxCap: bigint;
  dailyCap: bigint;
  allowlistOnly: boolean;
  /** What the operator committed in the current window (recorded only while a daily cap is set). */
  spentInWindow: bigint;
  /** The pending pre-approval (`amount` 0 when none). */
  pendingApproval: { counterpartyId: bigint; amount: bigint; deadline: bigint; nonce: bigint };
  approvalNonce: bigint;
}

/** An agent's limits, window and pending approval. */
export async function getSpendingLimits(client: AgoraClient, agentId: bigint): Promise<SpendingLimitsInfo> {
  const v = vault(client);
  const [limits, spent, pending, nonce] = await read(() =>
    Promise.all([v.spendingLimits(agentId), v.spentInWindow(agentId), v.pendingApproval(agentId), v.approvalNonce(agentId)]),
  );
  return {
    agentId,
    perTxCap: limits.perTxCap,
    dailyCap: limits.dailyCap,
    allowlistOnly: limits.allowlistOnly,
    spentInWindow: spent,
    pendingApproval: { counterpartyId: pending[0], amount: pending[1], deadline: pending[2], nonce: pending[3] },
    approvalNonce: nonce,
  };
}

/** Whether `counterpartyId` is on `agentId`'s allow-list. */
export async function isAllowlisted(client: AgoraClient, agentId: bigint, counterpartyId: bigint): Promise<boolean> {
  return read(() => vault(client).isAllowlisted(agentId, counterpartyId));
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type SetSpendingLimitsReturnType = Awaited<ReturnType<typeof setSpendingLimits>>;
export type SetSpendingLimitsSyncReturnType = Awaited<ReturnType<typeof setSpendingLimitsSync>>;
export type SetSpendingLimitsErrorType = AgoraError;
export type SetAllowlistedReturnType = Awaited<ReturnType<typeof setAllowlisted>>;
export type SetAllowlistedSyncReturnType = Awaited<ReturnType<typeof setAllowlistedSync>>;
export type SetAllowlistedErrorType = AgoraError;
export type ApproveCommitmentReturnType = Awaited<ReturnType<typeof approveCommitment>>;
export type ApproveCommitmentSyncReturnType = Awaited<ReturnType<typeof approveCommitmentSync>>;
export type ApproveCommitmentErrorType = AgoraError;
export type CancelCommitmentApprovalReturnType = Awaited<ReturnType<typeof cancelCommitmentApproval>>;
export type CancelCommitmentApprovalSyncReturnType = Awaited<ReturnType<typeof cancelCommitmentApprovalSync>>;
export type CancelCommitmentApprovalErrorType = AgoraError;
