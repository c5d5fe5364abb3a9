import { type ContractTransaction, type ContractTransactionReceipt, type Overrides, ZeroHash } from "ethers";
import type { IAgoraVault, IPaymentChannels, PaymentChannels } from "../../../typechain-types";
import type {
  ChannelClaimedEvent,
  ChannelCloseRequestedEvent,
  ChannelClosedEvent,
  ChannelOpenedEvent,
  ChannelToppedUpEvent,
} from "../../../typechain-types/contracts/PaymentChannels";
import { ChannelEventNotFoundError } from "./errors";
import type { SignedVoucher } from "./voucher";

/**
 * One function per `PaymentChannels` write. Each takes a typechain `PaymentChannels` connected to the signer
 * that acts (client or provider key), sends the transaction, waits for the receipt and returns the decoded
 * event next to it. `<action>.populate(channels, params)` builds the same transaction unsigned, for batching,
 * simulation or a relayer (named `populate`, not `call`, so it does not shadow `Function.prototype.call`).
 */

/** `IAgoraVault.FundingSource`. */
export const FundingSource = { Balance: 0, TransferFrom: 1, Permit: 2, Authorization: 3 } as const;

/** Pay a deposit from the agent's protocol balance. */
export function fundFromBalance(): IAgoraVault.FundingStruct {
  return { source: FundingSource.Balance, validAfter: 0n, validBefore: 0n, nonce: ZeroHash, signature: "0x" };
}

/** Pay a deposit by `transferFrom(caller, vault)` after an approve. */
export function fundFromTransfer(): IAgoraVault.FundingStruct {
  return { source: FundingSource.TransferFrom, validAfter: 0n, validBefore: 0n, nonce: ZeroHash, signature: "0x" };
}

/** `IPaymentChannels.ChannelStatus`. */
export const ChannelStatus = { None: 0n, Open: 1n, Closing: 2n, Closed: 3n } as const;

/** Decodes every `eventName` log that `channels` emitted in `receipt`. */
function eventsOf<T>(channels: PaymentChannels, receipt: ContractTransactionReceipt, eventName: string): T[] {
  const address = String(channels.target).toLowerCase();
  const out: T[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = channels.interface.parseLog(log);
    // The ABI fixes the shape: typechain's OutputObject for that event.
    if (parsed?.name === eventName) out.push(parsed.args.toObject() as T);
  }
  return out;
}

/** The first `eventName` log of `receipt`, or {@link ChannelEventNotFoundError}. */
function eventOf<T>(channels: PaymentChannels, receipt: ContractTransactionReceipt, eventName: string): T {
  const [first] = eventsOf<T>(channels, receipt, eventName);
  if (first === undefined) throw new ChannelEventNotFoundError(eventName, receipt.hash);
  return first;
}

async function send(tx: Promise<{ wait(): Promise<ContractTransactionReceipt | null> }>): Promise<ContractTransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("transaction dropped");
  return receipt;
}

/* OPEN */

export interface OpenChannelParameters {
  clientId: bigint;
  providerId: bigint;
  /** Distinguishes several channels of one (client, provider) pair. Default: zero. */
  salt?: string;
  /** Key that signs vouchers (EOA or ERC-1271 contract). Default: the sender. */
  payerAuthorizer?: string;
  amount: bigint;
  /** Default: `transferFrom` after an approve of the vault. */
  funding?: IAgoraVault.FundingStruct;
}

export interface OpenChannelReturnType {
  receipt: ContractTransactionReceipt;
  channelId: string;
  epoch: bigint;
  deposit: bigint;
  feeBps: bigint;
  sameOwner: boolean;
  payerAuthorizer: string;
}

/**
 * Opens (or reopens, in the next epoch) the channel from `clientId` to `providerId`. Sender: the client's
 * owner or operator.
 *
 * @example
 * const { channelId, epoch } = await openChannel(channels.connect(clientOperator), { clientId, providerId, amount: 1_000_000n });
 */
export async function openChannel(
  channels: PaymentChannels,
  params: OpenChannelParameters,
  overrides: Overrides = {},
): Promise<OpenChannelReturnType> {
  const receipt = await send(
    channels.open(
      params.clientId,
      params.providerId,
      params.salt ?? ZeroHash,
      params.payerAuthorizer ?? "0x0000000000000000000000000000000000000000",
      params.amount,
      params.funding ?? fundFromTransfer(),
      overrides,
    ),
  );
  const ev = eventOf<ChannelOpenedEvent.OutputObject>(channels, receipt, "ChannelOpened");
  return {
    receipt,
    channelId: ev.channelId,
    epoch: ev.epoch,
    deposit: ev.deposit,
    feeBps: ev.feeBps,
    sameOwner: ev.sameOwner,
    payerAuthorizer: ev.payerAuthorizer,
  };
}
openChannel.populate = (channels: PaymentChannels, params: OpenChannelParameters): Promise<ContractTransaction> =>
  channels.open.populateTransaction(
    params.clientId,
    params.providerId,
    params.salt ?? ZeroHash,
    params.payerAuthorizer ?? "0x0000000000000000000000000000000000000000",
    params.amount,
    params.funding ?? fundFromTransfer(),
  );

/* TOP-UP */

export interface TopUpParameters {
  channelId: string;
  amount: bigint;
  funding?: IAgoraVault.FundingStruct;
}

export interface TopUpReturnType {
  receipt: ContractTransactionReceipt;
  epoch: bigint;
  depositAfter: bigint;
}

/** Locks `amount` more in an open channel. Sender: the client's owner or operator. */
export async function topUp(channels: PaymentChannels, params: TopUpParameters, overrides: Overrides = {}): Promise<TopUpReturnType> {
  const receipt = await send(channels.topUp(params.channelId, params.amount, params.funding ?? fundFromTransfer(), overrides));
  const ev = eventOf<ChannelToppedUpEvent.OutputObject>(channels, receipt, "ChannelToppedUp");
  return { receipt, epoch: ev.epoch, depositAfter: ev.depositAfter };
}
topUp.populate = (channels: PaymentChannels, params: TopUpParameters): Promise<ContractTransaction> =>
  channels.topUp.populateTransaction(params.channelId, params.amount, params.funding ?? fundFromTransfer());

/* CLAIMS */

export interface ClaimReturnType {
  receipt: ContractTransactionReceipt;
  /** What left the channel (provider share + fee). */
  amount: bigint;
  fee: bigint;
  cumulativeAmount: bigint;
}

/** Claims one voucher. Sender: the provider's owner or operator. */
export async function claim(channels: PaymentChannels, voucher: SignedVoucher, overrides: Overrides = {}): Promise<ClaimReturnType> {
  const receipt = await send(channels.claim(voucher.channelId, voucher.epoch, voucher.cumulativeAmount, voucher.signature, overrides));
  const ev = eventOf<ChannelClaimedEvent.OutputObject>(channels, receipt, "ChannelClaimed");
  return { receipt, amount: ev.amount, fee: ev.fee, cumulativeAmount: ev.cumulativeAmount };
}
claim.populate = (channels: PaymentChannels, voucher: SignedVoucher): Promise<ContractTransaction> =>
  channels.claim.populateTransaction(voucher.channelId, voucher.epoch, voucher.cumulativeAmount, voucher.signature);

export interface ClaimManyReturnType {
  receipt: ContractTransactionReceipt;
  total: bigint;
  fees: bigint;
  claims: { channelId: string; epoch: bigint; cumulativeAmount: bigint; amount: bigint; fee: bigint }[];
}

function toStructs(vouchers: readonly SignedVoucher[]): IPaymentChannels.SignedVoucherStruct[] {
  return vouchers.map((v) => ({ channelId: v.channelId, epoch: v.epoch, cumulativeAmount: v.cumulativeAmount, signature: v.signature }));
}

/**
 * Claims many vouchers in one transaction (all or nothing). Sort by provider: consecutive vouchers of one
 * provider share a role check and a payout (`VoucherBook.claimable()` returns them sorted).
 */
export async function claimMany(
  channels: PaymentChannels,
  vouchers: readonly SignedVoucher[],
  overrides: Overrides = {},
): Promise<ClaimManyReturnType> {
  const receipt = await send(channels.claimMany(toStructs(vouchers), overrides));
  const claims = eventsOf<ChannelClaimedEvent.OutputObject>(channels, receipt, "ChannelClaimed").map((ev) => ({
    channelId: ev.channelId,
    epoch: ev.epoch,
    cumulativeAmount: ev.cumulativeAmount,
    amount: ev.amount,
    fee: ev.fee,
  }));
  return {
    receipt,
    total: claims.reduce((s, c) => s + c.amount, 0n),
    fees: claims.reduce((s, c) => s + c.fee, 0n),
    claims,
  };
}
claimMany.populate = (channels: PaymentChannels, vouchers: readonly SignedVoucher[]): Promise<ContractTransaction> =>
  channels.claimMany.populateTransaction(toStructs(vouchers));

/* CLOSE */

export interface RequestCloseReturnType {
  receipt: ContractTransactionReceipt;
  graceEndsAt: bigint;
}

/** The client starts its exit; the provider keeps `GRACE_PERIOD` to claim. Sender: the client's owner or operator. */
export async function requestClose(channels: PaymentChannels, channelId: string, overrides: Overrides = {}): Promise<RequestCloseReturnType> {
  const receipt = await send(channels.requestClose(channelId, overrides));
  const ev = eventOf<ChannelCloseRequestedEvent.OutputObject>(channels, receipt, "ChannelCloseRequested");
  return { receipt, graceEndsAt: ev.graceEndsAt };
}
requestClose.populate = (channels: PaymentChannels, channelId: string): Promise<ContractTransaction> =>
  channels.requestClose.populateTransaction(channelId);

export interface CloseReturnType {
  receipt: ContractTransactionReceipt;
  epoch: bigint;
  claimed: bigint;
  refunded: bigint;
}

function closed(channels: PaymentChannels, receipt: ContractTransactionReceipt): CloseReturnType {
  const ev = eventOf<ChannelClosedEvent.OutputObject>(channels, receipt, "ChannelClosed");
  return { receipt, epoch: ev.epoch, claimed: ev.claimed, refunded: ev.refunded };
}

/** Ends a closing channel after its grace period; the remainder goes to the client's balance. Anyone may send. */
export async function finalizeClose(channels: PaymentChannels, channelId: string, overrides: Overrides = {}): Promise<CloseReturnType> {
  return closed(channels, await send(channels.finalizeClose(channelId, overrides)));
}
finalizeClose.populate = (channels: PaymentChannels, channelId: string): Promise<ContractTransaction> =>
  channels.finalizeClose.populateTransaction(channelId);

export interface CloseByProviderParameters {
  channelId: string;
  /** A last voucher to claim in the same transaction. */
  finalVoucher?: SignedVoucher;
}

/** The provider closes at once, optionally claiming a final voucher. Sender: the provider's owner or operator. */
export async function closeByProvider(
  channels: PaymentChannels,
  params: CloseByProviderParameters,
  overrides: Overrides = {},
): Promise<CloseReturnType> {
  const v = params.finalVoucher;
  return closed(
    channels,
    await send(channels.closeByProvider(params.channelId, v?.epoch ?? 0n, v?.cumulativeAmount ?? 0n, v?.signature ?? "0x", overrides)),
  );
}
closeByProvider.populate = (channels: PaymentChannels, params: CloseByProviderParameters): Promise<ContractTransaction> => {
  const v = params.finalVoucher;
  return channels.closeByProvider.populateTransaction(params.channelId, v?.epoch ?? 0n, v?.cumulativeAmount ?? 0n, v?.signature ?? "0x");
};

/* READS */

export interface ChannelState {
  channelId: string;
  deposit: bigint;
  claimed: bigint;
  payerAuthorizer: string;
  epoch: bigint;
  feeBps: bigint;
  sameOwner: boolean;
  status: bigint;
  clientId: bigint;
  providerId: bigint;
  graceEndsAt: bigint;
}

/** Reads a channel. */
export async function getChannel(channels: PaymentChannels, channelId: string): Promise<ChannelState> {
  const c = await channels.getChannel(channelId);
  return {
    channelId,
    deposit: c.deposit,
    claimed: c.claimed,
    payerAuthorizer: c.payerAuthorizer,
    epoch: c.epoch,
    feeBps: c.feeBps,
    sameOwner: c.sameOwner,
    status: c.status,
    clientId: c.clientId,
    providerId: c.providerId,
    graceEndsAt: c.graceEndsAt,
  };
}
