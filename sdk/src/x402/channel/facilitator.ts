import type { x402Facilitator } from "@x402/core/facilitator";
import type {
  Network,
  PaymentPayload,
  PaymentRequirements,
  SchemeNetworkFacilitator,
  SettleResponse,
  VerifyResponse,
} from "@x402/core/types";
import { type Provider, AbiCoder, Interface, getAddress, keccak256 } from "ethers";
import type { PaymentChannels } from "../../../../typechain-types";
import { ChannelStatus } from "../../channels/actions";
import type { VoucherRejection } from "../../channels/errors";
import type { Secp256k1Backend } from "../../channels/secp256k1";
import { CHANNELS_EIP712_NAME, CHANNELS_EIP712_VERSION, VoucherVerifier } from "../../channels/voucher";
import { toCaip2 } from "../network";
import {
  CHANNEL_SCHEME,
  ChannelErrorReason,
  type ChannelRequirementsExtra,
  type ChannelStateExtra,
  isChannelVoucherPayload,
  parseChannelRequirementsExtra,
  toSignedVoucher,
} from "./types";

const ERC1271 = new Interface(["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"]);
const ERC1271_MAGIC = "0x1626ba7e";
const SIGNATURE_REJECTIONS: ReadonlySet<VoucherRejection> = new Set<VoucherRejection>(["wrong_signer", "invalid_signature", "high_s", "invalid_format"]);

export interface ChannelFacilitatorSchemeParameters {
  /** The deployment this facilitator serves, connected to a provider (reads only: it never sends a transaction). */
  channels: PaymentChannels;
  chainId: bigint;
  /** The token channels are funded with (the vault's USDC). */
  asset: string;
  backend?: Secp256k1Backend;
}

/**
 * Facilitator side of the Agora `channel` scheme. `verify` checks a voucher off-chain against the channel's
 * on-chain state (one `getChannel` read): binding of the channel id to its config, provider, epoch, deposit,
 * staleness against the claimed total, and the payer authorizer's signature (ECDSA offline; ERC-1271 by a
 * `staticcall` to the authorizer). `settle` re-verifies and reports success with no transaction: a channel
 * payment settles when the provider claims, in batches, with its own key (`PaymentChannels.claim` accepts only
 * the provider's owner or operator, so a facilitator cannot claim for it).
 */
export class ChannelEvmFacilitatorScheme implements SchemeNetworkFacilitator {
  readonly scheme = CHANNEL_SCHEME;
  readonly caipFamily = "eip155:*";
  private readonly channels: PaymentChannels;
  private readonly provider: Provider;
  private readonly network: Network;
  /** The CAIP-2 network this scheme serves. */
  get networkId(): Network {
    return this.network;
  }
  private readonly asset: string;
  private readonly verifier: VoucherVerifier;
  private readonly address: string;

  constructor(params: ChannelFacilitatorSchemeParameters) {
    const provider = params.channels.runner?.provider;
    if (!provider) throw new Error("channels contract needs a provider");
    this.channels = params.channels;
    this.provider = provider;
    this.network = toCaip2(params.chainId);
    this.asset = getAddress(params.asset);
    this.address = getAddress(String(params.channels.target));
    this.verifier = new VoucherVerifier({ chainId: params.chainId, verifyingContract: this.address }, params.backend);
  }

  /** Advertised in `/supported`; the server scheme copies it into the payment requirements. */
  getExtra(network: Network): Record<string, unknown> | undefined {
    if (network !== this.network) return undefined;
    return { channels: this.address, name: CHANNELS_EIP712_NAME, version: CHANNELS_EIP712_VERSION };
  }

  getSigners(): string[] {
    return [];
  }

  async verify(payload: PaymentPayload, requirements: PaymentRequirements): Promise<VerifyResponse> {
    const checked = await this.check(payload, requirements);
    if ("invalidReason" in checked) return { isValid: false, invalidReason: checked.invalidReason, payer: checked.payer };
    return { isValid: true, payer: checked.payer, extra: checked.state };
  }

  async settle(payload: PaymentPayload, requirements: PaymentRequirements): Promise<SettleResponse> {
    const checked = await this.check(payload, requirements);
    if ("invalidReason" in checked) {
      return { success: false, errorReason: checked.invalidReason, transaction: "", network: requirements.network, payer: checked.payer };
    }
    // Deferred settlement: the voucher is the payment; the provider's batched claim moves the money.
    return {
      success: true,
      transaction: "",
      network: requirements.network,
      payer: checked.payer,
      amount: requirements.amount,
      extra: { ...checked.state, deferred: true },
    };
  }

  private async check(
    payload: PaymentPayload,
    requirements: PaymentRequirements,
  ): Promise<{ payer: string; state: ChannelStateExtra } | { invalidReason: string; payer?: string }> {
    if (requirements.scheme !== CHANNEL_SCHEME || payload.accepted.scheme !== CHANNEL_SCHEME) {
      return { invalidReason: ChannelErrorReason.unsupportedScheme };
    }
    if (requirements.network !== this.network || payload.accepted.network !== this.network) {
      return { invalidReason: ChannelErrorReason.networkMismatch };
    }
    const extra: ChannelRequirementsExtra | undefined = parseChannelRequirementsExtra(requirements.extra);
    if (!extra) return { invalidReason: ChannelErrorReason.invalidRequirements };
    if (extra.channels !== this.address) return { invalidReason: ChannelErrorReason.contractMismatch };
    if (getAddress(requirements.asset) !== this.asset) return { invalidReason: ChannelErrorReason.assetMismatch };
    const raw = payload.payload;
    if (!isChannelVoucherPayload(raw)) return { invalidReason: ChannelErrorReason.invalidPayload };
    const config = raw.channelConfig;
    const payer = getAddress(config.payerAuthorizer);
    const voucher = toSignedVoucher(raw.voucher);
    const expectedId = keccak256(
      AbiCoder.defaultAbiCoder().encode(["uint256", "uint256", "bytes32"], [BigInt(config.clientId), BigInt(config.providerId), config.salt]),
    );
    if (expectedId !== voucher.channelId.toLowerCase()) return { invalidReason: ChannelErrorReason.voucher("channel_mismatch"), payer };
    if (config.providerId !== extra.providerId) return { invalidReason: ChannelErrorReason.providerMismatch, payer };

    let onchain: Awaited<ReturnType<PaymentChannels["getChannel"]>>;
    try {
      onchain = await this.channels.getChannel(voucher.channelId);
    } catch {
      return { invalidReason: ChannelErrorReason.stateUnavailable, payer };
    }
    if (onchain.status !== ChannelStatus.Open) return { invalidReason: ChannelErrorReason.voucher("channel_not_open"), payer };
    if (onchain.providerId.toString() !== extra.providerId || onchain.clientId.toString() !== config.clientId) {
      return { invalidReason: ChannelErrorReason.voucher("channel_mismatch"), payer };
    }
    if (getAddress(onchain.payerAuthorizer) !== payer) return { invalidReason: ChannelErrorReason.voucher("wrong_signer"), payer };

    const channel = { epoch: onchain.epoch, deposit: onchain.deposit, claimed: onchain.claimed, payerAuthorizer: payer };
    const res = this.verifier.verify(voucher, channel);
    let rejection: VoucherRejection | undefined = res.valid ? undefined : res.reason;
    let verifiedBy: ChannelStateExtra["verifiedBy"] = "ecdsa";
    if (rejection !== undefined && SIGNATURE_REJECTIONS.has(rejection)) {
      // Like the contract: whatever the ECDSA outcome, an authorizer with code may accept by ERC-1271.
      let digest: string | undefined;
      try {
        digest = this.verifier.hasher.digestHex(voucher);
      } catch {
        digest = undefined;
      }
      if (digest !== undefined && (await this.isErc1271Valid(payer, digest, voucher.signature))) {
        rejection = undefined;
        verifiedBy = "erc1271";
      }
    }
    if (rejection !== undefined) return { invalidReason: ChannelErrorReason.voucher(rejection), payer };
    return {
      payer,
      state: {
        channelId: voucher.channelId,
        epoch: onchain.epoch.toString(),
        deposit: onchain.deposit.toString(),
        claimed: onchain.claimed.toString(),
        payerAuthorizer: payer,
        providerId: onchain.providerId.toString(),
        clientId: onchain.clientId.toString(),
        cumulativeAmount: voucher.cumulativeAmount.toString(),
        verifiedBy,
      },
    };
  }

  /** The contract's fallback for authorizers with code: `isValidSignature` by `staticcall`. */
  private async isErc1271Valid(authorizer: string, digest: string, signature: string): Promise<boolean> {
    const code = await this.provider.getCode(authorizer);
    if (code === "0x") return false;
    try {
      const ret = await this.provider.call({ to: authorizer, data: ERC1271.encodeFunctionData("isValidSignature", [digest, signature]) });
      return ret.slice(0, 10).toLowerCase() === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }
}

/** Registers the `channel` scheme on an `x402Facilitator` (same as `facilitator.register(network, scheme)`). */
export function registerChannelFacilitatorScheme(facilitator: x402Facilitator, scheme: ChannelEvmFacilitatorScheme): x402Facilitator {
  return facilitator.register(scheme.networkId, scheme);
}
