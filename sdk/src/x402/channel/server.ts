import type {
  AssetAmount,
  DeepReadonly,
  Network,
  PaymentPayload,
  PaymentRequirements,
  Price,
  SchemeNetworkServer,
  SchemeServerHooks,
  SettleResponse,
  SupportedKind,
} from "@x402/core/types";
import { getAddress, parseUnits } from "ethers";
import type { ChannelSnapshot, VoucherBook } from "../../channels/voucherBook";
import type { SignedVoucher } from "../../channels/voucher";
import { CHANNEL_SCHEME, ChannelErrorReason, isChannelVoucherPayload, parseChannelStateExtra, toSignedVoucher } from "./types";

export interface ChannelServerSchemeParameters {
  /** The provider agent paid through the channels. */
  providerId: bigint;
  /** The token (the vault's USDC) and its decimals, for `$` prices. */
  asset: string;
  decimals?: number;
  /** Where accepted vouchers go; the provider claims `book.claimable()` in batches. */
  book: VoucherBook;
  /** Called once per paid call, after the voucher is booked. */
  onVoucherAccepted?: (voucher: SignedVoucher, increment: bigint) => void;
}

/**
 * Resource-server side of the Agora `channel` scheme, shaped like `@x402/evm`'s batch-settlement server:
 * the facilitator verifies before the handler (`authorization` flow); the voucher is then checked against the
 * provider's {@link VoucherBook} (it must top the highest voucher held by at least the price), and after the
 * handler succeeds it is booked and settlement is skipped (no facilitator round trip, no transaction): the
 * provider claims later, many vouchers per transaction.
 */
export class ChannelEvmServerScheme implements SchemeNetworkServer {
  readonly scheme = CHANNEL_SCHEME;
  /** The scheme has no on-wire asset transfer method: deposits are separate on-chain transactions. */
  readonly defaultAssetTransferMethod = "default";
  readonly paymentFlows = { default: { supported: ["authorization"], default: "authorization" } } as const;
  readonly schemeHooks: SchemeServerHooks;

  private readonly providerId: bigint;
  private readonly asset: string;
  private readonly decimals: number;
  private readonly book: VoucherBook;
  private readonly onVoucherAccepted?: (voucher: SignedVoucher, increment: bigint) => void;
  /** Channel state from the facilitator's verify response, per request (keyed by the payload object). */
  private readonly snapshots = new WeakMap<object, ChannelSnapshot>();

  constructor(params: ChannelServerSchemeParameters) {
    this.providerId = params.providerId;
    this.asset = getAddress(params.asset);
    this.decimals = params.decimals ?? 6;
    this.book = params.book;
    this.onVoucherAccepted = params.onVoucherAccepted;
    this.schemeHooks = {
      onAfterVerify: async (ctx) => {
        if (!ctx.result.isValid) return;
        const parsed = this.parse(ctx.paymentPayload, ctx.result.extra);
        if ("reason" in parsed) return { abort: true, reason: parsed.reason };
        const res = this.book.check(parsed.voucher, parsed.snapshot, BigInt(ctx.requirements.amount));
        if (!res.accepted) return { abort: true, reason: ChannelErrorReason.voucher(res.reason) };
        this.snapshots.set(ctx.paymentPayload, parsed.snapshot);
      },
      onBeforeSettle: async (ctx) => {
        const snapshot = this.snapshots.get(ctx.paymentPayload);
        const raw = ctx.paymentPayload.payload;
        if (!snapshot || !isChannelVoucherPayload(raw)) return { abort: true, reason: ChannelErrorReason.stateUnavailable };
        this.snapshots.delete(ctx.paymentPayload);
        const voucher = toSignedVoucher(raw.voucher);
        // Atomic check-and-book: of two concurrent calls signed on the same base, only the first is booked.
        const res = this.book.accept(voucher, snapshot, BigInt(ctx.requirements.amount));
        if (!res.accepted) return { abort: true, reason: ChannelErrorReason.voucher(res.reason) };
        this.onVoucherAccepted?.(voucher, res.increment);
        const result: SettleResponse = {
          success: true,
          transaction: "",
          network: ctx.requirements.network,
          payer: snapshot.payerAuthorizer,
          amount: res.increment.toString(),
          extra: { deferred: true, channelId: voucher.channelId, epoch: voucher.epoch.toString(), cumulativeAmount: voucher.cumulativeAmount.toString() },
        };
        return { skip: true, result };
      },
      onVerifiedPaymentCanceled: async (ctx) => {
        this.snapshots.delete(ctx.paymentPayload);
      },
    };
  }

  async parsePrice(price: Price, network: Network): Promise<AssetAmount> {
    void network;
    if (typeof price === "object" && price !== null && "amount" in price) {
      return { amount: price.amount, asset: getAddress(price.asset), extra: price.extra ?? {} };
    }
    const text = typeof price === "number" ? price.toString() : price.trim().replace(/^\$/, "").replace(/\s*USDC$/i, "");
    return { amount: parseUnits(text, this.decimals).toString(), asset: this.asset, extra: {} };
  }

  getAssetDecimals(asset: string, network: Network): number | undefined {
    void network;
    return getAddress(asset) === this.asset ? this.decimals : undefined;
  }

  async enhancePaymentRequirements(paymentRequirements: PaymentRequirements, supportedKind: SupportedKind): Promise<PaymentRequirements> {
    const kindExtra = supportedKind.extra ?? {};
    if (typeof kindExtra.channels !== "string") throw new Error("facilitator did not advertise the PaymentChannels address");
    return {
      ...paymentRequirements,
      extra: { ...paymentRequirements.extra, ...kindExtra, providerId: this.providerId.toString() },
    };
  }

  private parse(
    payload: DeepReadonly<PaymentPayload>,
    extra: DeepReadonly<Record<string, unknown>> | undefined,
  ): { voucher: SignedVoucher; snapshot: ChannelSnapshot } | { reason: string } {
    const raw = payload.payload;
    if (!isChannelVoucherPayload(raw)) return { reason: ChannelErrorReason.invalidPayload };
    const state = parseChannelStateExtra(extra);
    if (!state) return { reason: ChannelErrorReason.stateUnavailable };
    if (BigInt(state.providerId) !== this.providerId) return { reason: ChannelErrorReason.providerMismatch };
    return {
      voucher: toSignedVoucher(raw.voucher),
      snapshot: {
        channelId: state.channelId,
        epoch: BigInt(state.epoch),
        deposit: BigInt(state.deposit),
        claimed: BigInt(state.claimed),
        payerAuthorizer: state.payerAuthorizer,
        providerId: BigInt(state.providerId),
        erc1271Verified: state.verifiedBy === "erc1271",
      },
    };
  }
}
