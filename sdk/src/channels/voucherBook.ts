import type { VoucherRejection } from "./errors";
import type { Secp256k1Backend } from "./secp256k1";
import { type ChannelsDomain, type SignedVoucher, VoucherVerifier, verifyVoucherFields } from "./voucher";

/** What the provider knows about a channel when a voucher arrives (usually read from chain, or from the
 * facilitator's verify response). */
export interface ChannelSnapshot {
  channelId: string;
  epoch: bigint;
  deposit: bigint;
  /** Claimed on-chain. */
  claimed: bigint;
  payerAuthorizer: string;
  providerId?: bigint;
  /**
   * The payer authorizer is a contract and a verifier the provider trusts (its facilitator) already had the
   * voucher's signature accepted by its ERC-1271 `isValidSignature`. The book cannot check that offline: it
   * then checks everything but the signature, and hands the voucher out unchanged.
   */
  erc1271Verified?: boolean;
}

export type AcceptVoucherResult =
  | { accepted: true; voucher: SignedVoucher; increment: bigint }
  | { accepted: false; reason: VoucherRejection; signer?: string };

interface Entry {
  epoch: bigint;
  deposit: bigint;
  claimed: bigint;
  payerAuthorizer: string;
  providerId?: bigint;
  highest?: SignedVoucher;
  /** `highest` with the `v` the contract needs (see VoucherVerifier), computed on first read. */
  claimableForm?: SignedVoucher;
  /** Vouchers of this channel are ERC-1271 signatures (kept as they are). */
  contractAuthorizer?: boolean;
}

export interface VoucherBookParameters {
  domain: ChannelsDomain;
  backend?: Secp256k1Backend;
}

/**
 * The provider's ledger of vouchers: the highest valid voucher per channel, nothing else (cumulative vouchers
 * make every lower one worthless). It refuses a voucher that is not above what it holds (or what was claimed),
 * above the deposit, of another epoch, badly signed, or (for a paid call) above the previous one by less than
 * the price. A newer epoch in a snapshot drops the channel's older vouchers; an older one is refused.
 *
 * Synchronous by design: in one JavaScript thread `accept` is atomic, so concurrent requests on one channel
 * cannot both be counted against the same increment.
 */
export class VoucherBook {
  private readonly verifier: VoucherVerifier;
  private readonly entries = new Map<string, Entry>();

  constructor(params: VoucherBookParameters) {
    this.verifier = new VoucherVerifier(params.domain, params.backend);
  }

  get domain(): ChannelsDomain {
    return this.verifier.domain;
  }

  /** Checks `voucher` against the book and `snapshot` without storing it. */
  check(voucher: SignedVoucher, snapshot: ChannelSnapshot, minIncrement = 0n): AcceptVoucherResult {
    return this.evaluate(voucher, snapshot, minIncrement, false);
  }

  /** Checks `voucher` and, when valid, keeps it as the channel's highest. `minIncrement` is the call's price. */
  accept(voucher: SignedVoucher, snapshot: ChannelSnapshot, minIncrement = 0n): AcceptVoucherResult {
    return this.evaluate(voucher, snapshot, minIncrement, true);
  }

  /** The highest voucher held for `channelId` in its current epoch, ready to submit to `claim`. */
  highest(channelId: string): SignedVoucher | undefined {
    const entry = this.entries.get(channelId.toLowerCase());
    return entry ? this.claimableForm(entry) : undefined;
  }

  /** The highest accepted cumulative amount (or the claimed amount when no voucher is held). */
  acceptedAmount(channelId: string): bigint {
    const entry = this.entries.get(channelId.toLowerCase());
    if (!entry) return 0n;
    const held = entry.highest?.cumulativeAmount ?? 0n;
    return held > entry.claimed ? held : entry.claimed;
  }

  /** The highest voucher of every channel with something still to claim, sorted by provider then channel id,
   * ready for one `claimMany`. */
  claimable(): SignedVoucher[] {
    const out: { providerId: bigint; voucher: SignedVoucher }[] = [];
    for (const entry of this.entries.values()) {
      const voucher = this.claimableForm(entry);
      if (voucher && voucher.cumulativeAmount > entry.claimed) out.push({ providerId: entry.providerId ?? 0n, voucher });
    }
    out.sort((a, b) =>
      a.providerId === b.providerId ? a.voucher.channelId.localeCompare(b.voucher.channelId) : a.providerId < b.providerId ? -1 : 1,
    );
    return out.map((o) => o.voucher);
  }

  /** Sum of what the held vouchers let the provider claim. */
  unclaimedTotal(): bigint {
    let total = 0n;
    for (const entry of this.entries.values()) {
      if (entry.highest && entry.highest.cumulativeAmount > entry.claimed) total += entry.highest.cumulativeAmount - entry.claimed;
    }
    return total;
  }

  /** Records an on-chain claim (e.g. from a `ChannelClaimed` event) so the voucher is not claimed twice. */
  markClaimed(channelId: string, epoch: bigint, claimed: bigint): void {
    const entry = this.entries.get(channelId.toLowerCase());
    if (!entry || entry.epoch !== epoch) return;
    if (claimed > entry.claimed) entry.claimed = claimed;
  }

  /** Forgets a channel (closed, or moved on). */
  forget(channelId: string): void {
    this.entries.delete(channelId.toLowerCase());
  }

  /** Every voucher the book hands out carries the `v` byte the contract's ecrecover needs. */
  private claimableForm(entry: Entry): SignedVoucher | undefined {
    if (!entry.highest) return undefined;
    if (entry.contractAuthorizer) return entry.highest;
    entry.claimableForm ??= this.verifier.canonicalize(entry.highest, entry.payerAuthorizer);
    return entry.claimableForm;
  }

  private evaluate(voucher: SignedVoucher, snapshot: ChannelSnapshot, minIncrement: bigint, store: boolean): AcceptVoucherResult {
    const key = snapshot.channelId.toLowerCase();
    if (voucher.channelId.toLowerCase() !== key) return { accepted: false, reason: "channel_mismatch" };
    let entry = this.entries.get(key);
    if (entry && snapshot.epoch < entry.epoch) return { accepted: false, reason: "wrong_epoch" };
    if (!entry || snapshot.epoch > entry.epoch) {
      // First sight, or a new epoch: everything held for the old epoch is dead.
      entry = { epoch: snapshot.epoch, deposit: snapshot.deposit, claimed: snapshot.claimed, payerAuthorizer: snapshot.payerAuthorizer, providerId: snapshot.providerId };
      if (store) this.entries.set(key, entry);
    }
    // Within an epoch the deposit and the claimed total only grow, so the larger view is the fresher one.
    const deposit = snapshot.deposit > entry.deposit ? snapshot.deposit : entry.deposit;
    const claimed = snapshot.claimed > entry.claimed ? snapshot.claimed : entry.claimed;
    const held = entry.highest?.cumulativeAmount ?? 0n;
    const baseline = held > claimed ? held : claimed;
    const channel = { epoch: entry.epoch, deposit, claimed: baseline, payerAuthorizer: entry.payerAuthorizer };
    if (snapshot.erc1271Verified) {
      const rejection = verifyVoucherFields(this.verifier.domain, voucher, channel);
      if (rejection !== undefined && !rejection.valid) return { accepted: false, reason: rejection.reason };
    } else {
      const res = this.verifier.verify(voucher, channel);
      if (!res.valid) return { accepted: false, reason: res.reason, signer: res.signer };
    }
    const increment = voucher.cumulativeAmount - baseline;
    if (increment < minIncrement) return { accepted: false, reason: "insufficient_increment" };
    if (store) {
      entry.deposit = deposit;
      entry.claimed = claimed;
      entry.highest = voucher;
      entry.claimableForm = undefined;
      entry.contractAuthorizer = snapshot.erc1271Verified === true;
    }
    return { accepted: true, voucher, increment };
  }
}
