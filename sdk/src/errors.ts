/**
 * The SDK's errors. Every error the SDK throws is an {@link AgoraError} (a {@link BaseError}: `shortMessage`,
 * `cause`, a link to the docs), except the channel/x402 errors, which extend the same {@link BaseError}.
 *
 * A revert of any Agora contract is decoded with the typechain interfaces' `parseError` into a readable
 * sentence, amounts formatted as USDC ("spending limit: 24h cap 50.00 USDC, already committed 48.00, asked
 * 5.00"), keeping the raw custom error name (`errorName`) and its arguments (`args`, by name and in order).
 */
import type { ErrorDescription, Interface } from "ethers";
import { AgentRegistry__factory } from "../../typechain-types/factories/contracts/AgentRegistry__factory";
import { AgoraVault__factory } from "../../typechain-types/factories/contracts/AgoraVault__factory";
import { CommitteeArbitrator__factory } from "../../typechain-types/factories/contracts/periphery/CommitteeArbitrator__factory";
import { JobEscrow__factory } from "../../typechain-types/factories/contracts/JobEscrow__factory";
import { ListingRegistry__factory } from "../../typechain-types/factories/contracts/ListingRegistry__factory";
import { MockUSDC__factory } from "../../typechain-types/factories/contracts/mocks/MockUSDC__factory";
import { OracleArbitrator__factory } from "../../typechain-types/factories/contracts/periphery/OracleArbitrator__factory";
import { PaymentChannels__factory } from "../../typechain-types/factories/contracts/PaymentChannels__factory";
import { ReputationLedger__factory } from "../../typechain-types/factories/contracts/ReputationLedger__factory";
import { formatUsdc } from "./format";

/** Relative to the repository; every error links a section of it. */
const DOCS_ROOT = "docs/";

export interface BaseErrorParameters {
  cause?: unknown;
  /** Page and anchor under `docs/`, e.g. `MICROPAYMENTS.md#vouchers`. Default: `ARCHITECTURE.md#errors`. */
  docsPath?: string;
  details?: string;
}

/** Root of every Agora SDK error (viem-style): a one-line `shortMessage`, the `cause` and a docs link. */
export class BaseError extends Error {
  override readonly name: string = "AgoraError";
  readonly shortMessage: string;
  readonly docsUrl: string;
  readonly details?: string;

  constructor(shortMessage: string, params: BaseErrorParameters = {}) {
    const docsUrl = `${DOCS_ROOT}${params.docsPath ?? "ARCHITECTURE.md#errors"}`;
    const lines = [shortMessage];
    if (params.details) lines.push(`Details: ${params.details}`);
    lines.push(`Docs: ${docsUrl}`);
    super(lines.join("\n"), params.cause === undefined ? undefined : { cause: params.cause });
    this.shortMessage = shortMessage;
    this.docsUrl = docsUrl;
    this.details = params.details;
  }
}

/**
 * What went wrong, coarsely:
 * - `CONTRACT_REVERT`: an Agora (or USDC) custom error, decoded: see `errorName` and `args`;
 * - `REVERT`: any other revert (a reason string, a panic, or data no Agora contract declares);
 * - `INVALID_INPUT`: a parameter the SDK refused before sending anything;
 * - `NOT_FOUND`: an agent, listing or job that does not exist;
 * - `DEPLOYMENT_NOT_FOUND`: no `deployments/<network>.json` (or a manifest without a needed contract);
 * - `NETWORK`: the JSON-RPC node (or the subgraph endpoint) could not be reached;
 * - `INSUFFICIENT_FUNDS`: the sender cannot pay for gas;
 * - `SUBGRAPH`: the GraphQL endpoint answered with errors;
 * - `TRANSACTION`: a transaction was dropped or did not emit what the action expects;
 * - `UNKNOWN`: anything else (see `cause`).
 */
export type AgoraErrorCode =
  | "CONTRACT_REVERT"
  | "REVERT"
  | "INVALID_INPUT"
  | "NOT_FOUND"
  | "DEPLOYMENT_NOT_FOUND"
  | "NETWORK"
  | "INSUFFICIENT_FUNDS"
  | "SUBGRAPH"
  | "TRANSACTION"
  | "UNKNOWN";

export interface AgoraErrorParameters extends BaseErrorParameters {
  code: AgoraErrorCode;
  /** The custom error's name, e.g. `VaultDailyCapExceeded`. */
  errorName?: string;
  /** The custom error's arguments by name (in declaration order). */
  args?: Readonly<Record<string, unknown>>;
  /** Raw revert data. */
  data?: string;
}

/** The one error class of the SDK. */
export class AgoraError extends BaseError {
  override readonly name = "AgoraError";
  readonly code: AgoraErrorCode;
  readonly errorName?: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly data?: string;

  constructor(shortMessage: string, params: AgoraErrorParameters) {
    super(shortMessage, params);
    this.code = params.code;
    this.errorName = params.errorName;
    this.args = params.args ?? {};
    this.data = params.data;
  }

  /** Decodes anything thrown by ethers, a provider or the SDK into an `AgoraError` (returned as is when it already is one). */
  static from(error: unknown): AgoraError {
    return toAgoraError(error);
  }
}

/* DECODING */

/** Every interface whose custom errors the SDK decodes: the deployed Agora contracts and (mock) USDC. */
function agoraInterfaces(): Interface[] {
  return [
    AgoraVault__factory.createInterface(),
    JobEscrow__factory.createInterface(),
    AgentRegistry__factory.createInterface(),
    ListingRegistry__factory.createInterface(),
    PaymentChannels__factory.createInterface(),
    ReputationLedger__factory.createInterface(),
    CommitteeArbitrator__factory.createInterface(),
    OracleArbitrator__factory.createInterface(),
    MockUSDC__factory.createInterface(),
  ];
}

let interfaces: Interface[] | undefined;

/** A decoded custom error. */
export interface DecodedRevert {
  errorName: string;
  signature: string;
  args: Record<string, unknown>;
  /** The readable sentence. */
  message: string;
}

/** The names of every custom error the SDK decodes (all Agora contracts and USDC), sorted. */
export function knownErrorNames(): string[] {
  interfaces ??= agoraInterfaces();
  const names = new Set<string>();
  for (const iface of interfaces) iface.forEachError((e) => names.add(e.name));
  return [...names].sort();
}

/** Whether a readable message is written for `errorName` (the tests check every known error has one). */
export function hasErrorMessage(errorName: string): boolean {
  return Object.prototype.hasOwnProperty.call(MESSAGES, errorName);
}

function argsOf(desc: ErrorDescription): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  desc.fragment.inputs.forEach((input, i) => {
    out[input.name || `arg${i}`] = desc.args[i];
  });
  return out;
}

/**
 * Decodes revert data of any Agora contract, or `undefined` when no Agora interface declares its selector.
 * `Error(string)` and `Panic(uint256)` are decoded too.
 *
 * @example decodeRevert(data)?.message // "spending limit: 24h cap 50.00 USDC, already committed 48.00, asked 5.00"
 */
export function decodeRevert(data: string): DecodedRevert | undefined {
  if (!/^0x[0-9a-fA-F]{8}/.test(data)) return undefined;
  interfaces ??= agoraInterfaces();
  for (const iface of interfaces) {
    let desc: ErrorDescription | null = null;
    try {
      desc = iface.parseError(data);
    } catch {
      desc = null; // selector known but data malformed: try the next interface
    }
    if (!desc) continue;
    const args = argsOf(desc);
    return { errorName: desc.name, signature: desc.signature, args, message: messageFor(desc.name, args) };
  }
  return undefined;
}

/* MESSAGES */

type Args = Readonly<Record<string, unknown>>;

function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  return 0n;
}
const usdc = (v: unknown): string => formatUsdc(big(v));
const str = (v: unknown): string => (typeof v === "bigint" ? v.toString() : String(v));
function when(v: unknown): string {
  const s = big(v);
  if (s > 253_402_300_799n) return `${s.toString()} (Unix)`; // past year 9999
  return `${new Date(Number(s) * 1000).toISOString().replace(".000Z", "Z")}`;
}

export const JOB_STATES = ["None", "Funded", "Accepted", "Delivered", "Disputed", "Completed", "Refunded", "Cancelled", "Resolved"] as const;
export const LISTING_STATUSES = ["None", "Active", "Paused", "Retired"] as const;
export const PRICING_MODELS = ["Fixed", "PerCall", "Quoted"] as const;
export const CHANNEL_STATUSES = ["None", "Open", "Closing", "Closed"] as const;
export const FUNDING_SOURCES = ["Balance", "TransferFrom", "Permit", "Authorization"] as const;

function nameIn(list: readonly string[], v: unknown): string {
  return list[Number(big(v))] ?? `#${str(v)}`;
}

const PANICS: Record<string, string> = {
  "1": "assertion failed",
  "17": "arithmetic overflow or underflow",
  "18": "division by zero",
  "33": "invalid enum value",
  "34": "invalid storage byte array",
  "49": "pop on an empty array",
  "50": "array index out of bounds",
  "65": "out of memory",
  "81": "call to an uninitialized function",
};

/** One readable sentence per custom error. Amounts are USDC base units, printed as USDC. */
const MESSAGES: Readonly<Record<string, (a: Args) => string>> = {
  /* AgentRegistry */
  AgentFreezeUnchanged: (a) => `agent ${str(a.agentId)} is already ${a.frozen ? "frozen" : "unfrozen"}`,
  AgentFrozen: (a) => `agent ${str(a.agentId)} is frozen: its operator ${str(a.operator)} cannot act until the owner unfreezes it`,
  AgentInvalidMetadataKey: (a) => `metadata key must be 1 to ${str(a.maxLength)} bytes long (got ${str(a.length)})`,
  AgentInvalidWallet: (a) => `invalid operator wallet ${str(a.wallet)}`,
  AgentInvalidWalletSignature: (a) => `the operator proof is not signed by the operator wallet ${str(a.wallet)}`,
  AgentNotFound: (a) => `unknown agent ${str(a.agentId)}`,
  AgentReservedMetadataKey: (a) => `metadata key "${str(a.metadataKey)}" is reserved: set the operator wallet with setOperator`,
  AgentTooManyMetadataEntries: (a) => `too many metadata entries: ${str(a.count)} (at most ${str(a.max)})`,
  AgentUnauthorized: (a) => `${str(a.account)} is neither the owner nor the operator of agent ${str(a.agentId)}`,
  AgentValueTooLong: (a) => `value too long: ${str(a.length)} bytes (at most ${str(a.maxLength)})`,
  AgentWalletProofDeadlineTooFar: (a) => `operator proof deadline ${when(a.deadline)} is too far ahead (at most ${when(a.maxDeadline)})`,
  AgentWalletProofExpired: (a) => `operator proof expired at ${when(a.deadline)} (now ${when(a.timestamp)})`,
  /* AgoraVault */
  VaultCounterpartyNotAllowed: (a) =>
    `spending limit: agent ${str(a.agentId)}'s operator may only pay allow-listed counterparties, and agent ${str(a.counterpartyId)} is not on the list`,
  VaultDailyCapExceeded: (a) =>
    `spending limit: 24h cap ${usdc(a.cap)} USDC, already committed ${usdc(a.spent)}, asked ${usdc(a.amount)}`,
  VaultFeeTooHigh: (a) => `protocol fee ${str(a.feeBps)} bps is above the hard cap of ${str(a.max)} bps`,
  VaultInsufficientBalance: (a) =>
    `insufficient balance: agent ${str(a.agentId)} has ${usdc(a.balance)} USDC in the vault, needs ${usdc(a.needed)}`,
  VaultInsufficientCredit: (a) => `insufficient credit: ${str(a.account)} has ${usdc(a.credit)} USDC, needs ${usdc(a.needed)}`,
  VaultInvalidFundingSource: (a) => `funding source ${nameIn(FUNDING_SOURCES, a.source)} cannot fund a deposit (use transfer, permit or authorization)`,
  VaultInvalidSignature: () => "invalid permit or authorization signature",
  VaultModuleUnderflow: (a) => `module ${str(a.module)} has ${usdc(a.locked)} USDC locked, cannot release ${usdc(a.needed)}`,
  VaultModulesAlreadySet: () => "the vault's modules are already set",
  VaultNotDeployer: (a) => `${str(a.caller)} is not the vault's deployer`,
  VaultNotGuardian: (a) => `${str(a.caller)} is not the guardian`,
  VaultNotModule: (a) => `${str(a.caller)} is not a settlement module`,
  VaultNotOwner: (a) => `only the owner of agent ${str(a.agentId)} may do this, and ${str(a.caller)} is not it`,
  VaultNotPaused: () => "the protocol is not paused",
  VaultOwnerApprovalExpired: (a) => `the owner's pre-approval expired at ${when(a.deadline)}`,
  VaultOwnerApprovalInvalid: (a) => `the pre-approval for agent ${str(a.agentId)} is not signed by its owner, or its nonce was already used`,
  VaultPaused: () => "the protocol is paused by the guardian: no new jobs, channels, deposits or listings (exits keep working)",
  VaultPerTxCapExceeded: (a) => `spending limit: per-transaction cap ${usdc(a.cap)} USDC, asked ${usdc(a.amount)}`,
  VaultTransferMismatch: (a) => `the vault received ${usdc(a.received)} USDC instead of ${usdc(a.expected)} (fee-on-transfer token?)`,
  VaultZeroAddress: () => "the zero address is not allowed here",
  VaultZeroAmount: () => "the amount must be above zero",
  /* JobEscrow */
  EscrowCollateralRequired: (a) => `job ${str(a.jobId)}: accept it first, posting ${usdc(a.required)} USDC of collateral, then deliver`,
  EscrowFeedbackAlreadyGiven: (a) => `agent ${str(a.fromId)} already gave feedback on job ${str(a.jobId)}`,
  EscrowInsufficientGas: (a) => `not enough gas forwarded for the job's validator or arbitrator (left ${str(a.gasLeft)}, needs ${str(a.needed)}): raise the gas limit`,
  EscrowInvalidDeadline: (a) => `deadline ${when(a.deadline)} is outside the allowed range ${when(a.min)} .. ${when(a.max)}`,
  EscrowInvalidRuling: (a) => `job ${str(a.jobId)}: ruling ${str(a.ruling)} bps is above 10000`,
  EscrowListingTermsChanged: (a) =>
    `listing ${str(a.listingId)} changed its terms since you read them (agreed ${str(a.expected).slice(0, 10)}…, now ${str(a.current).slice(0, 10)}…): read the listing again`,
  EscrowListingNotActive: (a) => `listing ${str(a.listingId)} is ${nameIn(LISTING_STATUSES, a.status)}, not Active`,
  EscrowListingNotHireable: (a) => `listing ${str(a.listingId)} is priced ${nameIn(PRICING_MODELS, a.pricing)}: pay it per call through a payment channel, not a job`,
  EscrowNeverAccepted: (a) => `job ${str(a.jobId)} was refunded without ever being accepted: no feedback`,
  EscrowNoValidator: (a) => `job ${str(a.jobId)} names no validator`,
  EscrowNotArbitrator: (a) => `${str(a.caller)} is not the arbitrator of job ${str(a.jobId)} (${str(a.arbitrator)})`,
  EscrowNotParty: (a) => `${str(a.caller)} acts for neither the client nor the provider of job ${str(a.jobId)}`,
  EscrowPriceAboveMax: (a) => `listing ${str(a.listingId)} costs ${usdc(a.price)} USDC, above the maximum of ${usdc(a.maxPrice)}`,
  EscrowSelfDealing: (a) => `job ${str(a.jobId)} has the same owner on both sides: no feedback`,
  EscrowTooEarly: (a) => `job ${str(a.jobId)}: too early, this opens at ${when(a.opensAt)} (chain time ${when(a.timestamp)})`,
  EscrowTooLate: (a) => `job ${str(a.jobId)}: too late, this closed at ${when(a.closedAt)} (chain time ${when(a.timestamp)})`,
  EscrowUnexpectedState: (a) =>
    `wrong job state: job ${str(a.jobId)} is ${nameIn(JOB_STATES, a.current)}, this action needs it ${nameIn(JOB_STATES, a.expected)}`,
  EscrowZeroAddress: () => "the zero address is not allowed here",
  /* ListingRegistry */
  ListingCollateralTooHigh: (a) => `collateral ${str(a.collateralBps)} bps is above the maximum of ${str(a.max)} bps`,
  ListingDuplicateCapability: (a) => `capability ${str(a.capability)} is listed twice`,
  ListingInvalidArbitrator: (a) => `arbitrator ${str(a.arbitrator)} is not a contract`,
  ListingInvalidCapability: (a) => `capability #${str(a.index)} (${str(a.capability)}) is invalid`,
  ListingInvalidReviewWindow: (a) => `review window ${str(a.reviewWindow)} s is outside ${str(a.min)} .. ${str(a.max)} s`,
  ListingInvalidSla: (a) => `SLA ${str(a.slaSeconds)} s is outside ${str(a.min)} .. ${str(a.max)} s`,
  ListingInvalidValidator: (a) => `validator ${str(a.validator)} is not a contract`,
  ListingNoCapabilities: () => "a listing needs at least one capability",
  ListingNotFound: (a) => `unknown listing ${str(a.listingId)}`,
  ListingPaused: () => "the protocol is paused by the guardian: listings cannot be published or updated",
  ListingPriceZero: () => "the price must be above zero",
  ListingRetired: (a) => `listing ${str(a.listingId)} is retired`,
  ListingStatusUnchanged: (a) => `listing ${str(a.listingId)} is already ${nameIn(LISTING_STATUSES, a.status)}`,
  ListingTooManyCapabilities: (a) => `too many capabilities: ${str(a.count)} (at most ${str(a.max)})`,
  ListingUriTooLong: (a) => `metadata URI too long: ${str(a.length)} bytes (at most ${str(a.max)})`,
  /* PaymentChannels */
  ChannelAgentIdTooLarge: (a) => `agent id ${str(a.agentId)} is too large for a channel`,
  ChannelAlreadyOpen: (a) => `channel ${str(a.channelId)} is already ${nameIn(CHANNEL_STATUSES, a.status)}`,
  ChannelDepositOverflow: (a) => `channel ${str(a.channelId)}: deposit ${usdc(a.deposit)} + ${usdc(a.amount)} USDC overflows`,
  ChannelEmptyBatch: () => "no voucher to claim",
  ChannelGracePeriodActive: (a) => `channel ${str(a.channelId)}: the provider may claim until ${when(a.graceEndsAt)}; finalize after that`,
  ChannelGracePeriodOver: (a) => `channel ${str(a.channelId)}: the grace period ended at ${when(a.graceEndsAt)}; only finalizing is open`,
  ChannelInvalidSignature: (a) => `channel ${str(a.channelId)}: the voucher is not signed by the payer authorizer ${str(a.payerAuthorizer)}`,
  ChannelNotActive: (a) => `channel ${str(a.channelId)} is ${nameIn(CHANNEL_STATUSES, a.status)}, not Open or Closing`,
  ChannelSameAgent: (a) => `agent ${str(a.agentId)} cannot open a channel to itself`,
  ChannelUnexpectedStatus: (a) =>
    `channel ${str(a.channelId)} is ${nameIn(CHANNEL_STATUSES, a.current)}, this action needs it ${nameIn(CHANNEL_STATUSES, a.expected)}`,
  ChannelVoucherExceedsDeposit: (a) => `channel ${str(a.channelId)}: voucher of ${usdc(a.cumulativeAmount)} USDC exceeds the deposit of ${usdc(a.deposit)}`,
  ChannelVoucherStale: (a) => `channel ${str(a.channelId)}: voucher of ${usdc(a.cumulativeAmount)} USDC is not above the ${usdc(a.claimed)} already claimed`,
  ChannelWrongEpoch: (a) => `channel ${str(a.channelId)}: voucher for epoch ${str(a.epoch)}, the channel is in epoch ${str(a.current)}`,
  ChannelZeroAmount: () => "the amount must be above zero",
  /* ReputationLedger */
  LedgerFilterUnsupported: () => "the reputation summary supports no client or tag filter",
  LedgerInvalidPercentile: (a) => `percentile ${str(a.percentileBps)} bps is outside 1 .. 10000`,
  LedgerInvalidScore: (a) => `feedback score ${str(a.score)} is outside 0 .. 100`,
  LedgerInvalidShare: (a) => `provider share ${str(a.providerShareBps)} bps is above 10000`,
  LedgerNotDeployer: (a) => `${str(a.caller)} is not the ledger's deployer`,
  LedgerNotWriter: (a) => `${str(a.caller)} may not write reputation`,
  LedgerWritersAlreadySet: () => "the ledger's writers are already set",
  LedgerZeroAddress: () => "the zero address is not allowed here",
  /* CommitteeArbitrator */
  CommitteeAlreadyRuled: (a) => `the committee already ruled on dispute ${str(a.disputeId)}`,
  CommitteeAlreadyVoted: (a) => `${str(a.member)} already voted on dispute ${str(a.disputeId)}`,
  CommitteeDisputeExists: (a) => `dispute ${str(a.disputeId)} already exists at the committee`,
  CommitteeInvalidMember: (a) => `invalid committee member ${str(a.member)}`,
  CommitteeInvalidShare: (a) => `provider share ${str(a.providerShareBps)} bps is above 10000`,
  CommitteeInvalidThreshold: (a) => `threshold ${str(a.threshold)} is invalid for ${str(a.members)} members`,
  CommitteeNotArbitrable: (a) => `${str(a.caller)} is not the escrow this committee serves`,
  CommitteeNotMember: (a) => `${str(a.caller)} is not a committee member`,
  CommitteeTooManyMembers: (a) => `too many committee members: ${str(a.count)} (at most ${str(a.max)})`,
  CommitteeUnknownDispute: (a) => `the committee has no dispute ${str(a.disputeId)} (was the job rejected?)`,
  CommitteeZeroAddress: () => "the zero address is not allowed here",
  /* OracleArbitrator */
  OracleAlreadyRuled: (a) => `the oracle already ruled on dispute ${str(a.disputeId)}`,
  OracleDisputeExists: (a) => `dispute ${str(a.disputeId)} already exists at the oracle`,
  OracleInvalidShare: (a) => `provider share ${str(a.providerShareBps)} bps is above 10000`,
  OracleNotArbitrable: (a) => `${str(a.caller)} is not the escrow this oracle serves`,
  OracleNotOracle: (a) => `${str(a.caller)} is not the oracle key`,
  OracleUnknownDispute: (a) => `the oracle has no dispute ${str(a.disputeId)} (was the job rejected?)`,
  OracleZeroAddress: () => "the zero address is not allowed here",
  /* USDC (MockUSDC; Circle's token reverts with strings) */
  USDCAuthorizationExpired: (a) => `USDC authorization expired at ${when(a.validBefore)} (chain time ${when(a.timestamp)})`,
  USDCAuthorizationNotYetValid: (a) => `USDC authorization is valid only after ${when(a.validAfter)} (chain time ${when(a.timestamp)})`,
  USDCAuthorizationUsed: (a) => `USDC authorization nonce ${str(a.nonce)} of ${str(a.authorizer)} was already used`,
  USDCBlacklisted: (a) => `${str(a.account)} is blacklisted by USDC`,
  USDCCallerNotPayee: (a) => `${str(a.caller)} is not the payee ${str(a.payee)} of the USDC authorization`,
  USDCInvalidSignature: (a) => `USDC signature recovers to ${str(a.recovered)}, expected ${str(a.expectedSigner)}`,
  USDCPermitExpired: (a) => `USDC permit expired at ${when(a.deadline)} (chain time ${when(a.timestamp)})`,
  /* OpenZeppelin (inherited) */
  ERC20InsufficientAllowance: (a) => `insufficient USDC allowance: ${str(a.spender)} may spend ${usdc(a.allowance)}, needs ${usdc(a.needed)} (approve the vault first)`,
  ERC20InsufficientBalance: (a) => `insufficient USDC: ${str(a.sender)} holds ${usdc(a.balance)}, needs ${usdc(a.needed)}`,
  ERC20InvalidApprover: (a) => `invalid USDC approver ${str(a.approver)}`,
  ERC20InvalidReceiver: (a) => `invalid USDC receiver ${str(a.receiver)}`,
  ERC20InvalidSender: (a) => `invalid USDC sender ${str(a.sender)}`,
  ERC20InvalidSpender: (a) => `invalid USDC spender ${str(a.spender)}`,
  ERC721IncorrectOwner: (a) => `${str(a.sender)} does not own agent ${str(a.tokenId)} (its owner is ${str(a.owner)})`,
  ERC721InsufficientApproval: (a) => `${str(a.operator)} is not approved for agent ${str(a.tokenId)}`,
  ERC721InvalidApprover: (a) => `invalid approver ${str(a.approver)}`,
  ERC721InvalidOperator: (a) => `invalid operator ${str(a.operator)}`,
  ERC721InvalidOwner: (a) => `invalid owner ${str(a.owner)}`,
  ERC721InvalidReceiver: (a) => `invalid receiver ${str(a.receiver)}`,
  ERC721InvalidSender: (a) => `invalid sender ${str(a.sender)}`,
  ERC721NonexistentToken: (a) => `unknown agent ${str(a.tokenId)}`,
  ECDSAInvalidSignature: () => "invalid signature",
  ECDSAInvalidSignatureLength: (a) => `invalid signature length ${str(a.length)}`,
  ECDSAInvalidSignatureS: () => "invalid signature (high s)",
  InvalidAccountNonce: (a) => `nonce ${str(a.currentNonce)} of ${str(a.account)} does not match`,
  InvalidShortString: () => "invalid short string",
  StringTooLong: (a) => `string too long: "${str(a.str)}"`,
  OwnableInvalidOwner: (a) => `invalid owner ${str(a.owner)}`,
  OwnableUnauthorizedAccount: (a) => `${str(a.account)} is not the contract's owner`,
  ReentrancyGuardReentrantCall: () => "re-entrant call refused",
  SafeCastOverflowedUintDowncast: (a) => `value ${str(a.value)} does not fit in ${str(a.bits)} bits`,
  SafeERC20FailedOperation: (a) => `USDC transfer failed (token ${str(a.token)})`,
};

function messageFor(errorName: string, args: Args): string {
  const format = MESSAGES[errorName];
  if (format) return format(args);
  const list = Object.entries(args).map(([k, v]) => `${k}=${str(v)}`);
  return `${errorName}(${list.join(", ")})`;
}

/* EXTRACTION FROM ETHERS AND PROVIDER ERRORS */

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

const HEX = /^0x[0-9a-fA-F]*$/;

/** Finds revert data anywhere in an ethers / JSON-RPC error chain (`data`, `error.data`, `info.error.data`, `cause`). */
export function findRevertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (!isRecord(e) || seen.has(e)) continue;
    seen.add(e);
    const data = e.data;
    if (typeof data === "string" && HEX.test(data) && data.length >= 10) return data;
    for (const key of ["data", "error", "info", "cause", "payload", "revert"]) {
      if (isRecord(e[key])) queue.push(e[key]);
    }
  }
  return undefined;
}

function codeOf(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === "string" ? error.code : undefined;
}

function messageOf(error: unknown): string {
  if (isRecord(error) && typeof error.shortMessage === "string") return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}

/** Walks the `cause`/`error` chain for a network failure. */
function isNetworkFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = error;
  while (isRecord(e) && !seen.has(e)) {
    seen.add(e);
    const code = e.code;
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "ETIMEDOUT" || code === "NETWORK_ERROR") return true;
    if (code === "TIMEOUT" && typeof e.operation === "string" && e.operation.includes("getNetwork")) return true;
    const msg = typeof e.message === "string" ? e.message : "";
    if (/ECONNREFUSED|ENOTFOUND|fetch failed|failed to detect network|socket hang up/i.test(msg)) return true;
    e = e.cause ?? e.error;
  }
  return false;
}

/** Decodes anything thrown by ethers, a provider or the SDK into an {@link AgoraError}. */
export function toAgoraError(error: unknown): AgoraError {
  if (error instanceof AgoraError) return error;
  const data = findRevertData(error);
  if (data) {
    const decoded = decodeRevert(data);
    if (decoded) {
      return new AgoraError(decoded.message, {
        code: "CONTRACT_REVERT",
        errorName: decoded.errorName,
        args: decoded.args,
        data,
        cause: error,
        details: `${decoded.signature} ${JSON.stringify(decoded.args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`,
      });
    }
  }
  const revert = isRecord(error) && isRecord(error.revert) ? error.revert : undefined;
  if (revert && revert.name === "Error" && Array.isArray(revert.args)) {
    return new AgoraError(`reverted: ${String(revert.args[0])}`, { code: "REVERT", errorName: "Error", args: { reason: revert.args[0] }, data, cause: error });
  }
  if (revert && revert.name === "Panic" && Array.isArray(revert.args)) {
    const code = String(revert.args[0]);
    return new AgoraError(`reverted with a panic: ${PANICS[code] ?? `code ${code}`}`, { code: "REVERT", errorName: "Panic", args: { code: revert.args[0] }, data, cause: error });
  }
  const code = codeOf(error);
  if (code === "CALL_EXCEPTION") {
    const reason = isRecord(error) && typeof error.reason === "string" ? error.reason : undefined;
    return new AgoraError(reason ? `reverted: ${reason}` : `reverted${data ? ` with unknown data ${data.slice(0, 10)}` : " without a reason"}`, {
      code: "REVERT",
      data,
      cause: error,
    });
  }
  if (code === "INSUFFICIENT_FUNDS") {
    return new AgoraError("the sending account has not enough ETH to pay for gas", { code: "INSUFFICIENT_FUNDS", cause: error });
  }
  if (isNetworkFailure(error)) {
    return new AgoraError(`cannot reach the node: ${messageOf(error)}`, { code: "NETWORK", cause: error });
  }
  if (error instanceof BaseError) {
    return new AgoraError(error.shortMessage, { code: "UNKNOWN", cause: error, details: error.details });
  }
  return new AgoraError(messageOf(error), { code: "UNKNOWN", cause: error });
}
