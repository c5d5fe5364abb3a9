import type {
  PaymentPayloadContext,
  PaymentPayloadResult,
  PaymentRequirements,
  SchemeClientHooks,
  SchemeNetworkClient,
} from "@x402/core/types";
import { getAddress } from "ethers";
import { ChannelSessionError } from "../../channels/errors";
import type { Secp256k1Backend } from "../../channels/secp256k1";
import { VoucherSigner } from "../../channels/voucher";
import { chainIdOf } from "../network";
import { CHANNEL_SCHEME, type ChannelVoucherPayload, isChannelVoucherPayload, parseChannelRequirementsExtra, toVoucherWire } from "./types";

/** The client's view of one open channel. `cumulative` is what the provider has confirmed so far. */
export interface ChannelSession {
  /** `PaymentChannels` address. */
  channels: string;
  clientId: bigint;
  providerId: bigint;
  salt: string;
  channelId: string;
  epoch: bigint;
  deposit: bigint;
  payerAuthorizer: string;
  /** Highest cumulative amount of a voucher the provider accepted (starts at the channel's claimed total). */
  cumulative: bigint;
}

export interface ChannelClientSchemeParameters {
  /** Private key of the payer authorizer (the key that signs vouchers). */
  authorizerKey: string;
  sessions?: ChannelSession[];
  /**
   * Called when the next voucher would exceed the deposit: top the channel up (e.g. with `topUp`) and return
   * the new deposit, or `undefined` to fail the payment.
   */
  onDepositExhausted?: (session: ChannelSession, needed: bigint) => Promise<bigint | undefined>;
  backend?: Secp256k1Backend;
}

/**
 * Client side of the Agora `channel` scheme. For each paid call it signs a voucher for
 * `confirmed + price` on the open channel to the requirement's provider; the confirmed amount advances only
 * when the server reports the payment settled, so a failed call costs nothing. Channels are opened on-chain
 * beforehand (`openChannel`) and registered with {@link addSession}: unlike batch-settlement, a deposit cannot
 * ride in the payment header, because the vault pulls money only from the client's own transaction (its role,
 * spending limits and the guardian pause are checked there).
 */
export class ChannelEvmClientScheme implements SchemeNetworkClient {
  readonly scheme = CHANNEL_SCHEME;
  readonly schemeHooks: SchemeClientHooks;
  private readonly key: string;
  private readonly backend?: Secp256k1Backend;
  private readonly signers = new Map<string, VoucherSigner>();
  private readonly sessions = new Map<string, ChannelSession>();
  private readonly onDepositExhausted?: ChannelClientSchemeParameters["onDepositExhausted"];

  constructor(params: ChannelClientSchemeParameters) {
    this.key = params.authorizerKey;
    this.backend = params.backend;
    this.onDepositExhausted = params.onDepositExhausted;
    for (const s of params.sessions ?? []) this.addSession(s);
    this.schemeHooks = {
      onPaymentResponse: async (ctx) => {
        const raw = ctx.paymentPayload.payload;
        if (ctx.requirements.scheme !== CHANNEL_SCHEME || !ctx.settleResponse?.success || !isChannelVoucherPayload(raw)) return;
        const session = this.findByChannelId(raw.voucher.channelId);
        const signed = BigInt(raw.voucher.cumulativeAmount);
        if (session && BigInt(raw.voucher.epoch) === session.epoch && signed > session.cumulative) session.cumulative = signed;
      },
    };
  }

  /** Registers (or replaces) the session of a channel. */
  addSession(session: ChannelSession): void {
    this.sessions.set(sessionKey(session.channels, session.providerId), { ...session, channels: getAddress(session.channels) });
  }

  /** The live session for `providerId` on `channels`. */
  getSession(channels: string, providerId: bigint): ChannelSession | undefined {
    return this.sessions.get(sessionKey(channels, providerId));
  }

  async createPaymentPayload(
    x402Version: number,
    requirements: PaymentRequirements,
    context?: PaymentPayloadContext,
  ): Promise<PaymentPayloadResult> {
    void context;
    const extra = parseChannelRequirementsExtra(requirements.extra);
    if (!extra) throw new ChannelSessionError("payment requirements lack the channel fields (channels, providerId)");
    const session = this.getSession(extra.channels, BigInt(extra.providerId));
    if (!session) {
      throw new ChannelSessionError(`no open channel to provider ${extra.providerId}`, "open one with openChannel() and addSession()");
    }
    const price = BigInt(requirements.amount);
    const next = session.cumulative + price;
    if (next > session.deposit) {
      const deposit = this.onDepositExhausted ? await this.onDepositExhausted(session, next - session.deposit) : undefined;
      if (deposit === undefined || next > deposit) {
        throw new ChannelSessionError(`deposit of channel ${session.channelId} exhausted`, `need ${next}, deposit ${session.deposit}`);
      }
      session.deposit = deposit;
    }
    const voucher = this.signerFor(chainIdOf(requirements.network), extra.channels).sign({
      channelId: session.channelId,
      epoch: session.epoch,
      cumulativeAmount: next,
    });
    const payload: ChannelVoucherPayload = {
      type: "voucher",
      channelConfig: {
        clientId: session.clientId.toString(),
        providerId: session.providerId.toString(),
        salt: session.salt,
        payerAuthorizer: session.payerAuthorizer,
      },
      voucher: toVoucherWire(voucher),
    };
    return { x402Version, payload };
  }

  private signerFor(chainId: bigint, channels: string): VoucherSigner {
    const k = `${chainId}:${channels.toLowerCase()}`;
    let signer = this.signers.get(k);
    if (!signer) {
      signer = new VoucherSigner(this.key, { chainId, verifyingContract: channels }, this.backend);
      this.signers.set(k, signer);
    }
    return signer;
  }

  private findByChannelId(channelId: string): ChannelSession | undefined {
    const id = channelId.toLowerCase();
    for (const s of this.sessions.values()) if (s.channelId.toLowerCase() === id) return s;
    return undefined;
  }
}

function sessionKey(channels: string, providerId: bigint): string {
  return `${channels.toLowerCase()}:${providerId.toString()}`;
}
