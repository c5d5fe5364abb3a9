import {
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
  TypedDataEncoder,
  computeAddress,
  getAddress,
  getBytes,
  hexlify,
  isHexString,
  keccak256,
  toUtf8Bytes,
} from "ethers";
import type { VoucherRejection } from "./errors";
import { type Secp256k1Backend, defaultBackend } from "./secp256k1";

/** EIP-712 domain name of `PaymentChannels`. */
export const CHANNELS_EIP712_NAME = "Agora PaymentChannels";
/** EIP-712 domain version of `PaymentChannels`. */
export const CHANNELS_EIP712_VERSION = "1";

/** EIP-712 types of a voucher (ethers shape, without `EIP712Domain`). */
export const VOUCHER_TYPES: Record<string, TypedDataField[]> = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "epoch", type: "uint64" },
    { name: "cumulativeAmount", type: "uint128" },
  ],
};

/** `keccak256("Voucher(bytes32 channelId,uint64 epoch,uint128 cumulativeAmount)")`, as in the contract. */
export const VOUCHER_TYPEHASH = keccak256(toUtf8Bytes("Voucher(bytes32 channelId,uint64 epoch,uint128 cumulativeAmount)"));

const UINT64_MAX = (1n << 64n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;
/** secp256k1 group order and half of it (OZ ECDSA rejects s > n/2). */
const SECP256K1_N = getBytes("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const SECP256K1_HALF_N = getBytes("0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0");
const ZERO_WORD = new Uint8Array(32);

/** Where a voucher is valid: the chain and the `PaymentChannels` deployment. */
export interface ChannelsDomain {
  chainId: bigint;
  verifyingContract: string;
}

/** What a voucher says: "on channel `channelId`, epoch `epoch`, I owe `cumulativeAmount` in total". */
export interface Voucher {
  channelId: string;
  epoch: bigint;
  cumulativeAmount: bigint;
}

/** A voucher with its 65-byte `r || s || v` signature (hex). */
export interface SignedVoucher extends Voucher {
  signature: string;
}

/** The channel state a voucher is checked against (read from chain, or kept by the provider). */
export interface VoucherCheckChannel {
  epoch: bigint;
  deposit: bigint;
  /** Claimed on-chain, or the highest amount the checker already holds. A voucher must be above it. */
  claimed: bigint;
  payerAuthorizer: string;
}

/** The full EIP-712 domain for `ethers` / wallets. */
export function voucherDomain(domain: ChannelsDomain): TypedDataDomain {
  return {
    name: CHANNELS_EIP712_NAME,
    version: CHANNELS_EIP712_VERSION,
    chainId: domain.chainId,
    verifyingContract: domain.verifyingContract,
  };
}

/** Reference digest through the generic ethers encoder (slow; {@link VoucherHasher} is the fast path). */
export function hashVoucher(domain: ChannelsDomain, voucher: Voucher): string {
  return TypedDataEncoder.hash(voucherDomain(domain), VOUCHER_TYPES, {
    channelId: voucher.channelId,
    epoch: voucher.epoch,
    cumulativeAmount: voucher.cumulativeAmount,
  });
}

function writeWord(buf: Uint8Array, offset: number, value: bigint): void {
  // Big-endian into a zeroed 32-byte word (value < 2^128, checked by the caller).
  const hex = value.toString(16);
  const end = offset + 32;
  for (let i = hex.length, j = end - 1; i > 0; i -= 2, j--) {
    buf[j] = parseInt(hex.slice(Math.max(0, i - 2), i), 16);
  }
}

/** Big-endian comparison of two equal-length byte strings. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** Throws unless the voucher fields are in range (bytes32 id, uint64 epoch, uint128 amount). */
export function assertVoucherFields(voucher: Voucher): void {
  if (!isHexString(voucher.channelId, 32)) throw new RangeError(`channelId must be 32 bytes: ${voucher.channelId}`);
  if (voucher.epoch < 0n || voucher.epoch > UINT64_MAX) throw new RangeError(`epoch out of uint64: ${voucher.epoch}`);
  if (voucher.cumulativeAmount < 0n || voucher.cumulativeAmount > UINT128_MAX) {
    throw new RangeError(`cumulativeAmount out of uint128: ${voucher.cumulativeAmount}`);
  }
}

/**
 * EIP-712 digests for one domain with the domain separator and type hash precomputed: two keccaks per voucher
 * and no generic encoder. Gives the same digest as the contract's `voucherDigest`.
 */
export class VoucherHasher {
  readonly domain: ChannelsDomain;
  readonly domainSeparator: string;
  private readonly typehash: Uint8Array;
  private readonly separator: Uint8Array;

  constructor(domain: ChannelsDomain) {
    this.domain = { chainId: domain.chainId, verifyingContract: getAddress(domain.verifyingContract) };
    this.domainSeparator = TypedDataEncoder.hashDomain(voucherDomain(this.domain));
    this.typehash = getBytes(VOUCHER_TYPEHASH);
    this.separator = getBytes(this.domainSeparator);
  }

  /** The 32-byte digest the payer authorizer signs. */
  digest(voucher: Voucher): Uint8Array {
    assertVoucherFields(voucher);
    const struct = new Uint8Array(128);
    struct.set(this.typehash, 0);
    struct.set(getBytes(voucher.channelId), 32);
    writeWord(struct, 64, voucher.epoch);
    writeWord(struct, 96, voucher.cumulativeAmount);
    const message = new Uint8Array(66);
    message[0] = 0x19;
    message[1] = 0x01;
    message.set(this.separator, 2);
    message.set(getBytes(keccak256(struct)), 34);
    return getBytes(keccak256(message));
  }

  digestHex(voucher: Voucher): string {
    return hexlify(this.digest(voucher));
  }
}

/**
 * Signs a voucher with any ethers `Signer` (wallet, hardware, JSON-RPC account) through `signTypedData`.
 *
 * @example
 * const signed = await signVoucher(wallet, { chainId: 31337n, verifyingContract: channelsAddress },
 *   { channelId, epoch: 1n, cumulativeAmount: 1_000n });
 */
export async function signVoucher(signer: Signer, domain: ChannelsDomain, voucher: Voucher): Promise<SignedVoucher> {
  assertVoucherFields(voucher);
  const signature = await signer.signTypedData(voucherDomain(domain), VOUCHER_TYPES, {
    channelId: voucher.channelId,
    epoch: voucher.epoch,
    cumulativeAmount: voucher.cumulativeAmount,
  });
  return { channelId: voucher.channelId, epoch: voucher.epoch, cumulativeAmount: voucher.cumulativeAmount, signature };
}

/**
 * A local payer-authorizer key that signs vouchers synchronously, thousands per second: the domain is hashed
 * once and the curve work goes to the fastest available backend. Signatures are byte-identical to
 * {@link signVoucher} with an ethers `Wallet` of the same key (RFC 6979, low-s).
 */
export class VoucherSigner {
  readonly address: string;
  readonly hasher: VoucherHasher;
  private readonly privateKey: Uint8Array;
  private readonly backend: Secp256k1Backend;

  constructor(privateKey: string, domain: ChannelsDomain, backend: Secp256k1Backend = defaultBackend()) {
    this.privateKey = getBytes(privateKey);
    if (this.privateKey.length !== 32) throw new RangeError("private key must be 32 bytes");
    this.backend = backend;
    this.hasher = new VoucherHasher(domain);
    this.address = computeAddress(hexlify(backend.publicKey(this.privateKey)));
  }

  sign(voucher: Voucher): SignedVoucher {
    const { compact, recoveryId } = this.backend.sign(this.hasher.digest(voucher), this.privateKey);
    const sig = new Uint8Array(65);
    sig.set(compact, 0);
    sig[64] = 27 + recoveryId;
    return { channelId: voucher.channelId, epoch: voucher.epoch, cumulativeAmount: voucher.cumulativeAmount, signature: hexlify(sig) };
  }
}

/** A parsed 65-byte signature, or why it cannot pass the contract's ECDSA check. */
export type ParsedSignature =
  | { ok: true; compact: Uint8Array; recoveryId: number }
  | { ok: false; reason: Extract<VoucherRejection, "invalid_format" | "invalid_signature" | "high_s"> };

/** Mirrors OZ `ECDSA.tryRecover(hash, v, r, s)`: 65 bytes, v in {27, 28}, 0 < r < n, 0 < s <= n/2. */
export function parseVoucherSignature(signature: string): ParsedSignature {
  if (!isHexString(signature, 65)) return { ok: false, reason: "invalid_format" };
  const bytes = getBytes(signature);
  const v = bytes[64];
  if (v !== 27 && v !== 28) return { ok: false, reason: "invalid_signature" };
  const r = bytes.subarray(0, 32);
  const s = bytes.subarray(32, 64);
  if (compareBytes(s, SECP256K1_HALF_N) > 0) return { ok: false, reason: "high_s" };
  if (compareBytes(r, ZERO_WORD) === 0 || compareBytes(r, SECP256K1_N) >= 0 || compareBytes(s, ZERO_WORD) === 0) {
    return { ok: false, reason: "invalid_signature" };
  }
  return { ok: true, compact: bytes.subarray(0, 64), recoveryId: v - 27 };
}

/** Outcome of {@link verifyVoucher}. `signer` is the recovered address when recovery succeeded. */
export type VerifyVoucherReturnType =
  | { valid: true; signer: string; digest: string }
  | { valid: false; reason: VoucherRejection; signer?: string; digest?: string };

export interface VerifyVoucherParameters {
  /** The domain the checker expects (its chain and `PaymentChannels` address). */
  domain: ChannelsDomain;
  voucher: SignedVoucher;
  channel: VoucherCheckChannel;
  /** The domain a payload says the voucher is for; must equal `domain` when given. */
  claimedDomain?: Partial<ChannelsDomain>;
  backend?: Secp256k1Backend;
  /** A hasher for `domain`, to skip recomputing the domain separator. */
  hasher?: VoucherHasher;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Checks a voucher off-chain exactly as `PaymentChannels.claim` would (pure: no chain access): domain, epoch,
 * deposit, staleness, then the ECDSA signature (low-s, v in {27, 28}) recovering to the payer authorizer.
 * An ERC-1271 authorizer cannot be checked offline: it yields `wrong_signer`, and the caller may then ask the
 * contract wallet (the facilitator does).
 *
 * @example
 * const res = verifyVoucher({ domain, voucher, channel: { epoch, deposit, claimed, payerAuthorizer } });
 * if (!res.valid) throw new VoucherRejectedError(res.reason, voucher.channelId);
 */
export function verifyVoucher(params: VerifyVoucherParameters): VerifyVoucherReturnType {
  const { domain, voucher, channel, claimedDomain } = params;
  const fieldsRejection = verifyVoucherFields(domain, voucher, channel, claimedDomain);
  if (fieldsRejection !== undefined) return fieldsRejection;
  const parsed = parseVoucherSignature(voucher.signature);
  if (!parsed.ok) return { valid: false, reason: parsed.reason };
  const hasher = params.hasher ?? new VoucherHasher(domain);
  const digestBytes = hasher.digest(voucher);
  const digest = hexlify(digestBytes);
  const publicKey = (params.backend ?? defaultBackend()).recover(digestBytes, parsed.compact, parsed.recoveryId);
  if (publicKey === undefined) return { valid: false, reason: "invalid_signature", digest };
  const signer = computeAddress(hexlify(publicKey));
  if (!sameAddress(signer, channel.payerAuthorizer)) return { valid: false, reason: "wrong_signer", signer, digest };
  return { valid: true, signer, digest };
}

/**
 * {@link verifyVoucher} for one domain, for a checker that sees many vouchers from few authorizers (a provider, a
 * facilitator): the domain separator is hashed once, and once an authorizer's public key is known (from its
 * first valid voucher) later vouchers are checked with an ECDSA verify against that key, about 2x cheaper than
 * recovering the signer.
 *
 * Warning: the key-based check ignores the `v` byte, so it also accepts the authorizer's signature with the
 * other `v` parity, which the contract's `ecrecover` would reject. Such a voucher still carries the
 * authorizer's signature; {@link canonicalize} restores the `v` the contract needs, and `VoucherBook` does so
 * for every voucher it hands out for claiming. Everything else gives exactly the results of `verifyVoucher`.
 */
export class VoucherVerifier {
  readonly hasher: VoucherHasher;
  private readonly backend: Secp256k1Backend;
  /** Lower-case authorizer address -> its public key and checksummed address. */
  private readonly knownKeys = new Map<string, { publicKey: Uint8Array; address: string }>();

  constructor(domain: ChannelsDomain, backend: Secp256k1Backend = defaultBackend()) {
    this.hasher = new VoucherHasher(domain);
    this.backend = backend;
  }

  get domain(): ChannelsDomain {
    return this.hasher.domain;
  }

  verify(voucher: SignedVoucher, channel: VoucherCheckChannel, claimedDomain?: Partial<ChannelsDomain>): VerifyVoucherReturnType {
    const fieldsRejection = verifyVoucherFields(this.hasher.domain, voucher, channel, claimedDomain);
    if (fieldsRejection !== undefined) return fieldsRejection;
    const parsed = parseVoucherSignature(voucher.signature);
    if (!parsed.ok) return { valid: false, reason: parsed.reason };
    const digestBytes = this.hasher.digest(voucher);
    const authorizer = channel.payerAuthorizer.toLowerCase();
    const knownKey = this.knownKeys.get(authorizer);
    if (knownKey !== undefined && this.backend.verify(digestBytes, parsed.compact, knownKey.publicKey)) {
      return { valid: true, signer: knownKey.address, digest: hexlify(digestBytes) };
    }
    // Unknown authorizer, or not its signature: recover the signer (also names who signed instead).
    const digest = hexlify(digestBytes);
    const publicKey = this.backend.recover(digestBytes, parsed.compact, parsed.recoveryId);
    if (publicKey === undefined) return { valid: false, reason: "invalid_signature", digest };
    const signer = computeAddress(hexlify(publicKey));
    if (!sameAddress(signer, channel.payerAuthorizer)) return { valid: false, reason: "wrong_signer", signer, digest };
    this.knownKeys.set(authorizer, { publicKey, address: signer });
    return { valid: true, signer, digest };
  }

  /**
   * The voucher with the `v` byte with which `ecrecover` yields `payerAuthorizer` (the same voucher when it
   * already has it), or `undefined` when no `v` does.
   */
  canonicalize(voucher: SignedVoucher, payerAuthorizer: string): SignedVoucher | undefined {
    const parsed = parseVoucherSignature(voucher.signature);
    if (!parsed.ok) return undefined;
    const digest = this.hasher.digest(voucher);
    for (const recoveryId of [parsed.recoveryId, 1 - parsed.recoveryId]) {
      const publicKey = this.backend.recover(digest, parsed.compact, recoveryId);
      if (publicKey === undefined || !sameAddress(computeAddress(hexlify(publicKey)), payerAuthorizer)) continue;
      if (recoveryId === parsed.recoveryId) return voucher;
      const sig = getBytes(voucher.signature).slice();
      sig[64] = 27 + recoveryId;
      return { ...voucher, signature: hexlify(sig) };
    }
    return undefined;
  }
}

/** The non-cryptographic checks of {@link verifyVoucher} (domain, fields, epoch, deposit, staleness), in the same
 * order; `undefined` when they pass. */
export function verifyVoucherFields(
  domain: ChannelsDomain,
  voucher: SignedVoucher,
  channel: VoucherCheckChannel,
  claimedDomain?: Partial<ChannelsDomain>,
): VerifyVoucherReturnType | undefined {
  if (claimedDomain) {
    if (claimedDomain.chainId !== undefined && claimedDomain.chainId !== domain.chainId) return { valid: false, reason: "domain_mismatch" };
    if (claimedDomain.verifyingContract !== undefined && !sameAddress(claimedDomain.verifyingContract, domain.verifyingContract)) {
      return { valid: false, reason: "domain_mismatch" };
    }
  }
  try {
    assertVoucherFields(voucher);
  } catch {
    return { valid: false, reason: "invalid_format" };
  }
  if (voucher.epoch !== channel.epoch) return { valid: false, reason: "wrong_epoch" };
  if (voucher.cumulativeAmount > channel.deposit) return { valid: false, reason: "exceeds_deposit" };
  if (voucher.cumulativeAmount <= channel.claimed) return { valid: false, reason: "stale" };
  return undefined;
}
