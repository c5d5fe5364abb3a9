/**
 * Protocol balances (`AgoraVault`): deposit by every funding source, withdraw (always to the payout address),
 * the payout address, address credits.
 */
import type { CreditWithdrawnEvent, DepositedEvent, FeesClaimedEvent, PayoutAddressSetEvent, WithdrawnEvent } from "../../../typechain-types/contracts/AgoraVault";
import type { AgoraClient } from "../client";
import { AgoraError } from "../errors";
import { fundFromTransfer, FundingSource, type Funding } from "./funding";
import { toAddress } from "./identity";
import { bind, defineSync, defineWrite, read } from "./internal";

const vault = (c: AgoraClient) => c.contracts.vault;

export interface DepositParameters {
  agentId: bigint;
  amount: bigint;
  /** `transfer` (default, after an approve), a permit or an authorization; not `balance`. */
  funding?: Funding;
}
export type DepositSyncReturnType = Awaited<ReturnType<typeof depositSync>>;

/**
 * Deposits USDC from the sender into an agent's protocol balance (anyone may deposit for any agent).
 *
 * @example await depositSync(client, { agentId, amount: parseUsdc("25"), funding: await prepareFunding(client, "permit", parseUsdc("25")) });
 */
export const deposit = defineWrite((client: AgoraClient, p: DepositParameters) => {
  const funding = p.funding ?? fundFromTransfer();
  if (Number(funding.source) === FundingSource.Balance) {
    throw new AgoraError("a deposit cannot be funded from the protocol balance: use transfer, permit or authorization", { code: "INVALID_INPUT" });
  }
  return bind(vault(client).deposit, p.agentId, p.amount, funding);
});
export const depositSync = defineSync<DepositParameters, DepositedEvent.OutputObject>(deposit, vault, "Deposited");

export interface WithdrawParameters {
  agentId: bigint;
  amount: bigint;
}
/** Sends `amount` of the agent's balance to its payout address. Owner or unfrozen operator. @example await withdrawSync(client, { agentId, amount }) */
export const withdraw = defineWrite((client: AgoraClient, p: WithdrawParameters) => bind(vault(client).withdraw, p.agentId, p.amount));
export const withdrawSync = defineSync<WithdrawParameters, WithdrawnEvent.OutputObject>(withdraw, vault, "Withdrawn");

export interface SetPayoutAddressParameters {
  agentId: bigint;
  payout: string;
}
/** Sets where withdrawals go. Owner only. @example await setPayoutAddressSync(client, { agentId, payout }) */
export const setPayoutAddress = defineWrite((client: AgoraClient, p: SetPayoutAddressParameters) =>
  bind(vault(client).setPayoutAddress, p.agentId, toAddress(p.payout, "payout address")),
);
export const setPayoutAddressSync = defineSync<SetPayoutAddressParameters, PayoutAddressSetEvent.OutputObject>(setPayoutAddress, vault, "PayoutAddressSet");

export interface WithdrawCreditParameters {
  to: string;
  amount: bigint;
}
/** Sends the sender's address credit (e.g. an arbitrator's fees) to `to`. @example await withdrawCreditSync(client, { to, amount }) */
export const withdrawCredit = defineWrite((client: AgoraClient, p: WithdrawCreditParameters) =>
  bind(vault(client).withdrawCredit, toAddress(p.to, "recipient address"), p.amount),
);
export const withdrawCreditSync = defineSync<WithdrawCreditParameters, CreditWithdrawnEvent.OutputObject>(withdrawCredit, vault, "CreditWithdrawn");

/** Sends the accrued protocol fees to the fee recipient (anyone may call). @example await claimFeesSync(client, {}) */
export const claimFees = defineWrite((client: AgoraClient, _p: Record<string, never>) => bind(vault(client).claimFees));
export const claimFeesSync = defineSync<Record<string, never>, FeesClaimedEvent.OutputObject>(claimFees, vault, "FeesClaimed");

/* READS */

export interface BalanceInfo {
  agentId: bigint;
  balance: bigint;
  /** Where withdrawals go now. */
  payoutAddress: string;
}

/** An agent's protocol balance and payout address. */
export async function getBalance(client: AgoraClient, agentId: bigint): Promise<BalanceInfo> {
  const [balance, payoutAddress] = await read(() => Promise.all([vault(client).balanceOf(agentId), vault(client).payoutAddress(agentId)]));
  return { agentId, balance, payoutAddress };
}

/** An address credit (arbitrators' fees). */
export async function getCredit(client: AgoraClient, account: string): Promise<bigint> {
  return read(() => vault(client).creditOf(toAddress(account)));
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type DepositReturnType = Awaited<ReturnType<typeof deposit>>;
export type DepositErrorType = AgoraError;
export type WithdrawReturnType = Awaited<ReturnType<typeof withdraw>>;
export type WithdrawSyncReturnType = Awaited<ReturnType<typeof withdrawSync>>;
export type WithdrawErrorType = AgoraError;
export type SetPayoutAddressReturnType = Awaited<ReturnType<typeof setPayoutAddress>>;
export type SetPayoutAddressSyncReturnType = Awaited<ReturnType<typeof setPayoutAddressSync>>;
export type SetPayoutAddressErrorType = AgoraError;
export type WithdrawCreditReturnType = Awaited<ReturnType<typeof withdrawCredit>>;
export type WithdrawCreditSyncReturnType = Awaited<ReturnType<typeof withdrawCreditSync>>;
export type WithdrawCreditErrorType = AgoraError;
export type ClaimFeesReturnType = Awaited<ReturnType<typeof claimFees>>;
export type ClaimFeesSyncReturnType = Awaited<ReturnType<typeof claimFeesSync>>;
export type ClaimFeesErrorType = AgoraError;
