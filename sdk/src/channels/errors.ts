/**
 * Errors thrown by the channel SDK. Every error extends {@link BaseError} (`sdk/src/errors.ts`), which carries a
 * one-line `shortMessage`, the `cause` and a link to the docs (viem-style).
 */
import { BaseError } from "../errors";

export { BaseError, type BaseErrorParameters } from "../errors";

/** Why a voucher was refused, off-chain. Mirrors the contract's `Channel*` errors where one exists. */
export type VoucherRejection =
  | "invalid_format" // malformed hex, amounts or signature length
  | "domain_mismatch" // voucher carries a chain id / contract other than the expected domain
  | "channel_mismatch" // channel id does not match (clientId, providerId, salt) or another channel was expected
  | "channel_not_open" // the channel is not Open (Closing or Closed or unknown)
  | "wrong_epoch" // ChannelWrongEpoch
  | "exceeds_deposit" // ChannelVoucherExceedsDeposit
  | "stale" // ChannelVoucherStale, or not above the highest voucher already held
  | "insufficient_increment" // above the last voucher, but by less than the price of the call
  | "high_s" // non-canonical signature (ChannelInvalidSignature on-chain)
  | "invalid_signature" // unrecoverable signature or bad v (ChannelInvalidSignature)
  | "wrong_signer"; // recovers to someone other than the payer authorizer (ChannelInvalidSignature)

/** A voucher was refused. */
export class VoucherRejectedError extends BaseError {
  override readonly name = "VoucherRejectedError";
  constructor(
    readonly reason: VoucherRejection,
    readonly channelId: string,
    details?: string,
  ) {
    super(`Voucher for channel ${channelId} rejected: ${reason}`, { details, docsPath: "MICROPAYMENTS.md#vouchers" });
  }
}

/** A transaction did not emit the event the action expects. */
export class ChannelEventNotFoundError extends BaseError {
  override readonly name = "ChannelEventNotFoundError";
  constructor(readonly eventName: string, readonly txHash: string) {
    super(`No ${eventName} event in transaction ${txHash}`, { docsPath: "MICROPAYMENTS.md#sdk" });
  }
}

/** The client has no open channel for the provider it is asked to pay, or its deposit is used up. */
export class ChannelSessionError extends BaseError {
  override readonly name = "ChannelSessionError";
  constructor(shortMessage: string, details?: string) {
    super(shortMessage, { details, docsPath: "MICROPAYMENTS.md#the-x402-flow" });
  }
}
