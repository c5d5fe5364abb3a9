/**
 * AgoraVault: agent balances (exact, from the `balanceAfter` fields), address credits, fees, module locks, spending
 * limits, owner pre-approvals, the pause and the vault configuration.
 */
import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  AllowlistSet as AllowlistSetEvent,
  Committed as CommittedEvent,
  CreditWithdrawn as CreditWithdrawnEvent,
  Deposited as DepositedEvent,
  FeeRecipientSet as FeeRecipientSetEvent,
  FeesClaimed as FeesClaimedEvent,
  GuardianSet as GuardianSetEvent,
  ModulesSet as ModulesSetEvent,
  OwnerApprovalCancelled as OwnerApprovalCancelledEvent,
  OwnerApprovalSet as OwnerApprovalSetEvent,
  OwnerApprovalUsed as OwnerApprovalUsedEvent,
  OwnershipTransferred as OwnershipTransferredEvent,
  OwnershipTransferStarted as OwnershipTransferStartedEvent,
  Paused as PausedEvent,
  PayoutAddressSet as PayoutAddressSetEvent,
  ProtocolFeeSet as ProtocolFeeSetEvent,
  Released as ReleasedEvent,
  ReleasedTo as ReleasedToEvent,
  SpendingLimitsSet as SpendingLimitsSetEvent,
  SpendingRecorded as SpendingRecordedEvent,
  Unpaused as UnpausedEvent,
  Withdrawn as WithdrawnEvent,
} from "../../generated/AgoraVault/AgoraVault";
import {
  AllowlistEntry,
  AllowlistSet,
  CommitmentApproval,
  Committed,
  Credit,
  CreditWithdrawn,
  Deposited,
  FeesClaimed,
  OwnerApprovalCancelled,
  OwnerApprovalSet,
  OwnerApprovalUsed,
  PayoutAddress,
  PayoutAddressSet,
  Protocol,
  Released,
  ReleasedTo,
  SpendingLimit,
  SpendingLimitsSet,
  SpendingRecorded,
  VaultConfigChanged,
  Withdrawn,
} from "../../generated/schema";
import { findAgent, getAgent } from "../helpers/agents";
import { Config, defaultConfig } from "../helpers/config";
import { fundingSource, ONE, ZERO, ZERO_ADDRESS } from "../helpers/constants";
import { eventId, idOf, pairId, payoutAddressId, stampEvent } from "../helpers/ids";
import { getDailyStat, getProtocol, saveStats } from "../helpers/protocol";

const BALANCE = "Balance";

/** Adds `delta` to the lock of the module `module` (escrow or channels, known from ModulesSet). */
function addToModuleLock(protocol: Protocol, module: Address, delta: BigInt): void {
  const escrow = protocol.escrow;
  if (escrow !== null && module.equals(escrow)) {
    protocol.escrowLocked = protocol.escrowLocked.plus(delta);
  } else {
    protocol.channelsLocked = protocol.channelsLocked.plus(delta);
  }
}

/** The credit of `account`, created empty on first use. */
function getOrCreateCredit(account: Bytes): Credit {
  let credit = Credit.load(account);
  if (credit == null) {
    credit = new Credit(account);
    credit.balance = ZERO;
    credit.totalReceived = ZERO;
    credit.totalWithdrawn = ZERO;
  }
  return credit;
}

/** The spending limit of an agent (created with the agent). */
function getSpendingLimit(agentId: BigInt, event: ethereum.Event): SpendingLimit {
  const agent = getAgent(agentId, event);
  return SpendingLimit.load(agent.spendingLimit)!;
}

/** Records a vault configuration event. */
function configEvent(
  event: ethereum.Event,
  kind: string,
  account: Bytes | null,
  secondAccount: Bytes | null,
  feeBps: i32,
  hasFee: bool,
): void {
  const entity = new VaultConfigChanged(eventId(event));
  stampEvent(entity, event);
  entity.kind = kind;
  entity.account = account;
  entity.secondAccount = secondAccount;
  if (hasFee) entity.feeBps = feeBps;
  entity.save();
}

/* BALANCES */

export function handleDeposited(event: DepositedEvent): void {
  handleDepositedImpl(event, defaultConfig());
}

export function handleDepositedImpl(event: DepositedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  protocol.vault = event.address;
  const day = getDailyStat(config, event);
  const agent = getAgent(p.agentId, event);
  agent.balance = p.balanceAfter;
  agent.save();

  const entity = new Deposited(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.from = p.from;
  entity.amount = p.amount;
  entity.source = fundingSource(p.source);
  entity.balanceAfter = p.balanceAfter;
  entity.save();

  protocol.totalDeposited = protocol.totalDeposited.plus(p.amount);
  protocol.valueLocked = protocol.valueLocked.plus(p.amount);
  day.deposits = day.deposits.plus(p.amount);
  saveStats(protocol, day);
}

export function handleWithdrawn(event: WithdrawnEvent): void {
  handleWithdrawnImpl(event, defaultConfig());
}

export function handleWithdrawnImpl(event: WithdrawnEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const agent = getAgent(p.agentId, event);
  agent.balance = p.balanceAfter;
  agent.save();

  const entity = new Withdrawn(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.caller = p.caller;
  entity.to = p.to;
  entity.amount = p.amount;
  entity.balanceAfter = p.balanceAfter;
  entity.save();

  protocol.totalWithdrawn = protocol.totalWithdrawn.plus(p.amount);
  protocol.valueLocked = protocol.valueLocked.minus(p.amount);
  day.withdrawals = day.withdrawals.plus(p.amount);
  saveStats(protocol, day);
}

export function handlePayoutAddressSet(event: PayoutAddressSetEvent): void {
  handlePayoutAddressSetImpl(event, defaultConfig());
}

/** Stores the (agent, owner) setting; it is the agent's effective payout address while that owner holds it. */
export function handlePayoutAddressSetImpl(event: PayoutAddressSetEvent, config: Config): void {
  const p = event.params;
  const agent = getAgent(p.agentId, event);
  const payout: Bytes | null = p.payout.equals(ZERO_ADDRESS) ? null : p.payout;
  const id = payoutAddressId(agent.id, p.owner);
  let setting = PayoutAddress.load(id);
  if (setting == null) {
    setting = new PayoutAddress(id);
    setting.agent = agent.id;
    setting.owner = p.owner;
  }
  setting.payout = payout;
  setting.updatedAt = event.block.timestamp;
  setting.save();
  if (p.owner.equals(agent.owner)) {
    agent.payoutAddress = payout;
    agent.save();
  }

  const entity = new PayoutAddressSet(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.owner = p.owner;
  entity.payout = p.payout;
  entity.save();
}

export function handleCreditWithdrawn(event: CreditWithdrawnEvent): void {
  handleCreditWithdrawnImpl(event, defaultConfig());
}

export function handleCreditWithdrawnImpl(event: CreditWithdrawnEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const credit = getOrCreateCredit(p.account);
  credit.balance = credit.balance.minus(p.amount);
  credit.totalWithdrawn = credit.totalWithdrawn.plus(p.amount);
  credit.save();

  const entity = new CreditWithdrawn(eventId(event));
  stampEvent(entity, event);
  entity.account = p.account;
  entity.to = p.to;
  entity.amount = p.amount;
  entity.save();

  protocol.creditsWithdrawn = protocol.creditsWithdrawn.plus(p.amount);
  protocol.valueLocked = protocol.valueLocked.minus(p.amount);
  saveStats(protocol, day);
}

export function handleFeesClaimed(event: FeesClaimedEvent): void {
  handleFeesClaimedImpl(event, defaultConfig());
}

export function handleFeesClaimedImpl(event: FeesClaimedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const entity = new FeesClaimed(eventId(event));
  stampEvent(entity, event);
  entity.recipient = p.recipient;
  entity.amount = p.amount;
  entity.save();

  protocol.feesClaimed = protocol.feesClaimed.plus(p.amount);
  protocol.valueLocked = protocol.valueLocked.minus(p.amount);
  saveStats(protocol, day);
}

/* MODULES */

export function handleCommitted(event: CommittedEvent): void {
  handleCommittedImpl(event, defaultConfig());
}

/** A module locked money: the agent's balance drops (Balance source) or new USDC came in (token sources). */
export function handleCommittedImpl(event: CommittedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const agent = getAgent(p.agentId, event);
  const source = fundingSource(p.source);
  agent.balance = p.balanceAfter;
  agent.save();
  if (source != BALANCE) protocol.valueLocked = protocol.valueLocked.plus(p.amount);
  addToModuleLock(protocol, p.module, p.amount);

  const entity = new Committed(eventId(event));
  stampEvent(entity, event);
  entity.module = p.module;
  entity.agent = agent.id;
  entity.counterparty = idOf(p.counterpartyId);
  entity.caller = p.caller;
  entity.amount = p.amount;
  entity.source = source;
  entity.byOwner = p.byOwner;
  entity.balanceAfter = p.balanceAfter;
  entity.save();
  saveStats(protocol, day);
}

export function handleReleased(event: ReleasedEvent): void {
  handleReleasedImpl(event, defaultConfig());
}

/** A module paid an agent and the protocol fee out of its lock. */
export function handleReleasedImpl(event: ReleasedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const agent = getAgent(p.agentId, event);
  agent.balance = p.balanceAfter;
  agent.save();
  addToModuleLock(protocol, p.module, p.amount.plus(p.fee).neg());
  protocol.feesAccrued = protocol.feesAccrued.plus(p.fee);
  day.fees = day.fees.plus(p.fee);

  const entity = new Released(eventId(event));
  stampEvent(entity, event);
  entity.module = p.module;
  entity.agent = agent.id;
  entity.amount = p.amount;
  entity.fee = p.fee;
  entity.balanceAfter = p.balanceAfter;
  entity.save();
  saveStats(protocol, day);
}

export function handleReleasedTo(event: ReleasedToEvent): void {
  handleReleasedToImpl(event, defaultConfig());
}

export function handleReleasedToImpl(event: ReleasedToEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const credit = getOrCreateCredit(p.account);
  credit.balance = p.creditAfter;
  credit.totalReceived = credit.totalReceived.plus(p.amount);
  credit.save();
  addToModuleLock(protocol, p.module, p.amount.neg());

  const entity = new ReleasedTo(eventId(event));
  stampEvent(entity, event);
  entity.module = p.module;
  entity.account = p.account;
  entity.amount = p.amount;
  entity.creditAfter = p.creditAfter;
  entity.save();
  saveStats(protocol, day);
}

/* LIMITS */

export function handleSpendingLimitsSet(event: SpendingLimitsSetEvent): void {
  handleSpendingLimitsSetImpl(event, defaultConfig());
}

export function handleSpendingLimitsSetImpl(event: SpendingLimitsSetEvent, config: Config): void {
  const p = event.params;
  const limit = getSpendingLimit(p.agentId, event);
  limit.perTxCap = p.perTxCap;
  limit.dailyCap = p.dailyCap;
  limit.allowlistOnly = p.allowlistOnly;
  limit.updatedAt = event.block.timestamp;
  limit.save();

  const entity = new SpendingLimitsSet(eventId(event));
  stampEvent(entity, event);
  entity.agent = limit.agent;
  entity.perTxCap = p.perTxCap;
  entity.dailyCap = p.dailyCap;
  entity.allowlistOnly = p.allowlistOnly;
  entity.save();
}

export function handleAllowlistSet(event: AllowlistSetEvent): void {
  handleAllowlistSetImpl(event, defaultConfig());
}

export function handleAllowlistSetImpl(event: AllowlistSetEvent, config: Config): void {
  const p = event.params;
  const agent = getAgent(p.agentId, event);
  const id = pairId(p.agentId, p.counterpartyId);
  let entry = AllowlistEntry.load(id);
  if (entry == null) {
    entry = new AllowlistEntry(id);
    entry.agent = agent.id;
    entry.counterpartyId = p.counterpartyId;
  }
  entry.counterparty = findAgent(p.counterpartyId);
  entry.allowed = p.allowed;
  entry.updatedAt = event.block.timestamp;
  entry.save();

  const entity = new AllowlistSet(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.counterpartyId = p.counterpartyId;
  entity.allowed = p.allowed;
  entity.save();
}

export function handleSpendingRecorded(event: SpendingRecordedEvent): void {
  handleSpendingRecordedImpl(event, defaultConfig());
}

export function handleSpendingRecordedImpl(event: SpendingRecordedEvent, config: Config): void {
  const p = event.params;
  const limit = getSpendingLimit(p.agentId, event);
  limit.spentInWindow = p.spentInWindow;
  limit.lastSpendingAt = event.block.timestamp;
  limit.operatorSpentTotal = limit.operatorSpentTotal.plus(p.amount);
  limit.save();

  const entity = new SpendingRecorded(eventId(event));
  stampEvent(entity, event);
  entity.agent = limit.agent;
  entity.amount = p.amount;
  entity.spentInWindow = p.spentInWindow;
  entity.save();
}

/* OWNER PRE-APPROVALS */

export function handleOwnerApprovalSet(event: OwnerApprovalSetEvent): void {
  handleOwnerApprovalSetImpl(event, defaultConfig());
}

/** Stores the approval as pending; a pending one it replaces becomes Replaced. */
export function handleOwnerApprovalSetImpl(event: OwnerApprovalSetEvent, config: Config): void {
  const p = event.params;
  const agent = getAgent(p.agentId, event);
  const pendingId = agent.pendingApproval;
  if (pendingId !== null) {
    const pending = CommitmentApproval.load(pendingId!);
    if (pending != null && pending.status == "Pending") {
      pending.status = "Replaced";
      pending.closedAt = event.block.timestamp;
      pending.save();
    }
  }
  const approval = new CommitmentApproval(pairId(p.agentId, p.nonce));
  approval.agent = agent.id;
  approval.nonce = p.nonce;
  approval.counterpartyId = p.counterpartyId;
  approval.counterparty = findAgent(p.counterpartyId);
  approval.amount = p.amount;
  approval.deadline = p.deadline;
  approval.status = "Pending";
  approval.createdAt = event.block.timestamp;
  approval.save();
  agent.pendingApproval = approval.id;
  agent.approvalNonce = p.nonce.plus(ONE);
  agent.save();

  const entity = new OwnerApprovalSet(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.counterpartyId = p.counterpartyId;
  entity.amount = p.amount;
  entity.deadline = p.deadline;
  entity.nonce = p.nonce;
  entity.save();
}

export function handleOwnerApprovalUsed(event: OwnerApprovalUsedEvent): void {
  handleOwnerApprovalUsedImpl(event, defaultConfig());
}

export function handleOwnerApprovalUsedImpl(event: OwnerApprovalUsedEvent, config: Config): void {
  const p = event.params;
  const agent = getAgent(p.agentId, event);
  const approval = CommitmentApproval.load(pairId(p.agentId, p.nonce));
  if (approval != null) {
    approval.status = "Used";
    approval.usedAmount = p.amount;
    approval.closedAt = event.block.timestamp;
    approval.save();
  }
  agent.pendingApproval = null;
  agent.save();

  const entity = new OwnerApprovalUsed(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.counterpartyId = p.counterpartyId;
  entity.amount = p.amount;
  entity.nonce = p.nonce;
  entity.save();
}

export function handleOwnerApprovalCancelled(event: OwnerApprovalCancelledEvent): void {
  handleOwnerApprovalCancelledImpl(event, defaultConfig());
}

export function handleOwnerApprovalCancelledImpl(event: OwnerApprovalCancelledEvent, config: Config): void {
  const p = event.params;
  const agent = getAgent(p.agentId, event);
  const pendingId = agent.pendingApproval;
  if (pendingId !== null) {
    const pending = CommitmentApproval.load(pendingId!);
    if (pending != null && pending.status == "Pending") {
      pending.status = "Cancelled";
      pending.closedAt = event.block.timestamp;
      pending.save();
    }
  }
  agent.pendingApproval = null;
  agent.approvalNonce = p.nextNonce;
  agent.save();

  const entity = new OwnerApprovalCancelled(eventId(event));
  stampEvent(entity, event);
  entity.agent = agent.id;
  entity.nextNonce = p.nextNonce;
  entity.save();
}

/* CONFIGURATION */

export function handleProtocolFeeSet(event: ProtocolFeeSetEvent): void {
  handleProtocolFeeSetImpl(event, defaultConfig());
}

export function handleProtocolFeeSetImpl(event: ProtocolFeeSetEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.vault = event.address;
  protocol.protocolFeeBps = event.params.feeBps;
  protocol.save();
  configEvent(event, "ProtocolFeeSet", null, null, event.params.feeBps, true);
}

export function handleFeeRecipientSet(event: FeeRecipientSetEvent): void {
  handleFeeRecipientSetImpl(event, defaultConfig());
}

export function handleFeeRecipientSetImpl(event: FeeRecipientSetEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.vault = event.address;
  protocol.feeRecipient = event.params.recipient;
  protocol.save();
  configEvent(event, "FeeRecipientSet", event.params.recipient, null, 0, false);
}

export function handleGuardianSet(event: GuardianSetEvent): void {
  handleGuardianSetImpl(event, defaultConfig());
}

export function handleGuardianSetImpl(event: GuardianSetEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.vault = event.address;
  protocol.guardian = event.params.guardian;
  protocol.save();
  configEvent(event, "GuardianSet", event.params.guardian, null, 0, false);
}

export function handlePaused(event: PausedEvent): void {
  handlePausedImpl(event, defaultConfig());
}

export function handlePausedImpl(event: PausedEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.paused = true;
  protocol.save();
  configEvent(event, "Paused", event.params.guardian, null, 0, false);
}

export function handleUnpaused(event: UnpausedEvent): void {
  handleUnpausedImpl(event, defaultConfig());
}

export function handleUnpausedImpl(event: UnpausedEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.paused = false;
  protocol.save();
  configEvent(event, "Unpaused", event.params.guardian, null, 0, false);
}

export function handleModulesSet(event: ModulesSetEvent): void {
  handleModulesSetImpl(event, defaultConfig());
}

export function handleModulesSetImpl(event: ModulesSetEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.vault = event.address;
  protocol.escrow = event.params.escrow;
  protocol.channels = event.params.channels;
  protocol.save();
  configEvent(event, "ModulesSet", event.params.escrow, event.params.channels, 0, false);
}

export function handleOwnershipTransferStarted(event: OwnershipTransferStartedEvent): void {
  handleOwnershipTransferStartedImpl(event, defaultConfig());
}

export function handleOwnershipTransferStartedImpl(event: OwnershipTransferStartedEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.pendingAdmin = event.params.newOwner;
  protocol.save();
  configEvent(event, "OwnershipTransferStarted", event.params.newOwner, event.params.previousOwner, 0, false);
}

export function handleOwnershipTransferred(event: OwnershipTransferredEvent): void {
  handleOwnershipTransferredImpl(event, defaultConfig());
}

export function handleOwnershipTransferredImpl(event: OwnershipTransferredEvent, config: Config): void {
  const protocol = getProtocol(config, event);
  protocol.vault = event.address;
  protocol.admin = event.params.newOwner;
  protocol.pendingAdmin = null;
  protocol.save();
  configEvent(event, "OwnershipTransferred", event.params.newOwner, event.params.previousOwner, 0, false);
}
