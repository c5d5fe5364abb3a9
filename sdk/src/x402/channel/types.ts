import { getAddress, isHexString } from "ethers";
import type { VoucherRejection } from "../../channels/errors";
import { CHANNELS_EIP712_NAME, CHANNELS_EIP712_VERSION, type SignedVoucher } from "../../channels/voucher";

/**
 * Wire types of the Agora `channel` x402 scheme. They follow the `batch-settlement` scheme of `@x402/evm`
 * (`{ type: "voucher", channelConfig, voucher }`) with Agora's fields: the channel is identified by agent ids
 * and a salt instead of addresses, and the voucher carries the channel epoch.
 */

/** The scheme name on the wire. */
export const CHANNEL_SCHEME = "channel";

/** Identifies an Agora channel; `channelId = keccak256(abi.encode(clientId, providerId, salt))`. Ids are
 * decimal strings (JSON-safe). The analogue of batch-settlement's `ChannelConfig`. */
export type ChannelConfigWire = {
  clientId: string;
  providerId: string;
  salt: string;
  payerAuthorizer: string;
};

/** The voucher fields; amounts and epoch as decimal strings. */
export type ChannelVoucherWire = {
  channelId: string;
  epoch: string;
  cumulativeAmount: string;
  signature: string;
};

/** `PaymentPayload.payload` of the `channel` scheme. */
export type ChannelVoucherPayload = {
  type: "voucher";
  channelConfig: ChannelConfigWire;
  voucher: ChannelVoucherWire;
};

/** `PaymentRequirements.extra` of the `channel` scheme. `channels`, `name` and `version` come from the
 * facilitator's `/supported` (`getExtra`); `providerId` from the provider's server scheme. */
export type ChannelRequirementsExtra = {
  channels: string;
  name: string;
  version: string;
  providerId: string;
};

/** The channel state a facilitator read on-chain, returned in `VerifyResponse.extra` (decimal strings). */
export type ChannelStateExtra = {
  channelId: string;
  epoch: string;
  deposit: string;
  claimed: string;
  payerAuthorizer: string;
  providerId: string;
  clientId: string;
  cumulativeAmount: string;
  /** How the signature was accepted: ECDSA by the authorizer's key, or the authorizer contract's ERC-1271. */
  verifiedBy: "ecdsa" | "erc1271";
};

const DECIMAL = /^\d+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isDecimal(value: unknown): value is string {
  return typeof value === "string" && DECIMAL.test(value);
}

function isAddress(value: unknown): value is string {
  return typeof value === "string" && isHexString(value, 20);
}

export function isChannelVoucherPayload(value: unknown): value is ChannelVoucherPayload {
  if (!isRecord(value) || value.type !== "voucher") return false;
  const c = value.channelConfig;
  const v = value.voucher;
  return (
    isRecord(c) &&
    isDecimal(c.clientId) &&
    isDecimal(c.providerId) &&
    typeof c.salt === "string" &&
    isHexString(c.salt, 32) &&
    isAddress(c.payerAuthorizer) &&
    isRecord(v) &&
    typeof v.channelId === "string" &&
    isHexString(v.channelId, 32) &&
    isDecimal(v.epoch) &&
    isDecimal(v.cumulativeAmount) &&
    typeof v.signature === "string" &&
    isHexString(v.signature)
  );
}

export function parseChannelRequirementsExtra(extra: unknown): ChannelRequirementsExtra | undefined {
  if (!isRecord(extra)) return undefined;
  if (!isAddress(extra.channels) || !isDecimal(extra.providerId)) return undefined;
  if (extra.name !== CHANNELS_EIP712_NAME || extra.version !== CHANNELS_EIP712_VERSION) return undefined;
  return { channels: getAddress(extra.channels), name: extra.name, version: extra.version, providerId: extra.providerId };
}

export function parseChannelStateExtra(extra: unknown): ChannelStateExtra | undefined {
  if (!isRecord(extra)) return undefined;
  const keys = ["epoch", "deposit", "claimed", "providerId", "clientId", "cumulativeAmount"] as const;
  if (!keys.every((k) => isDecimal(extra[k]))) return undefined;
  if (typeof extra.channelId !== "string" || !isHexString(extra.channelId, 32) || !isAddress(extra.payerAuthorizer)) return undefined;
  if (extra.verifiedBy !== "ecdsa" && extra.verifiedBy !== "erc1271") return undefined;
  return {
    channelId: extra.channelId,
    epoch: String(extra.epoch),
    deposit: String(extra.deposit),
    claimed: String(extra.claimed),
    payerAuthorizer: extra.payerAuthorizer,
    providerId: String(extra.providerId),
    clientId: String(extra.clientId),
    cumulativeAmount: String(extra.cumulativeAmount),
    verifiedBy: extra.verifiedBy,
  };
}

export function toSignedVoucher(wire: ChannelVoucherWire): SignedVoucher {
  return { channelId: wire.channelId, epoch: BigInt(wire.epoch), cumulativeAmount: BigInt(wire.cumulativeAmount), signature: wire.signature };
}

export function toVoucherWire(voucher: SignedVoucher): ChannelVoucherWire {
  return {
    channelId: voucher.channelId,
    epoch: voucher.epoch.toString(),
    cumulativeAmount: voucher.cumulativeAmount.toString(),
    signature: voucher.signature,
  };
}

/** x402 `invalidReason` / `errorReason` strings of the scheme. */
export const ChannelErrorReason = {
  unsupportedScheme: "invalid_channel_scheme",
  networkMismatch: "invalid_channel_network_mismatch",
  invalidPayload: "invalid_channel_payload",
  invalidRequirements: "invalid_channel_requirements",
  contractMismatch: "invalid_channel_contract_mismatch",
  providerMismatch: "invalid_channel_provider_mismatch",
  assetMismatch: "invalid_channel_asset_mismatch",
  stateUnavailable: "invalid_channel_state_unavailable",
  voucher: (reason: VoucherRejection): string => `invalid_channel_voucher_${reason}`,
} as const;
