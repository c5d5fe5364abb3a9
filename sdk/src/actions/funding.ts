/**
 * How a commitment or deposit is paid (`IAgoraVault.Funding`): from the agent's protocol balance, by
 * `transferFrom` after an approve, by an EIP-2612 permit or by an EIP-3009 `receiveWithAuthorization`. The vault
 * always pulls from the caller itself, so the permit and the authorization are signed by the sending account for
 * the vault. Signing helpers only sign; they never send.
 */
import { hexlify, randomBytes, type TypedDataDomain } from "ethers";
import type { IAgoraVault } from "../../../typechain-types";
import { FundingSource, fundFromBalance, fundFromTransfer } from "../channels/actions";
import { requireSigner, type AgoraClient } from "../client";
import { AgoraError } from "../errors";
import { bind, chainTime, defineWrite, read, sendAndWait, type SyncOptions } from "./internal";
import type { ContractTransactionReceipt } from "ethers";

export { FundingSource, fundFromBalance, fundFromTransfer };

export type Funding = IAgoraVault.FundingStruct;

/** The four funding paths by name (CLI `--funding`). */
export type FundingKind = "balance" | "transfer" | "permit" | "authorization";
export const FUNDING_KINDS: readonly FundingKind[] = ["balance", "transfer", "permit", "authorization"];

/** The token's EIP-712 domain (name and version read from the token: "USD Coin"/"2" locally and on Base). */
export async function usdcDomain(client: AgoraClient): Promise<TypedDataDomain> {
  const usdc = client.contracts.usdc;
  const [name, version] = await read(() => Promise.all([usdc.name(), usdc.version()]));
  return { name, version, chainId: client.chainId, verifyingContract: client.addresses.usdc };
}

const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

const RECEIVE_TYPES = {
  ReceiveWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

export interface SignPermitParameters {
  value: bigint;
  /** Default: the vault. */
  spender?: string;
  /** Unix seconds. Default: chain time + 1 hour. */
  deadline?: bigint;
}

/** Signs an EIP-2612 permit of the client's account for the vault (or `spender`). Signs only. */
export async function signPermit(client: AgoraClient, params: SignPermitParameters): Promise<{ signature: string; deadline: bigint }> {
  const signer = requireSigner(client);
  const owner = await signer.getAddress();
  const deadline = params.deadline ?? (await chainTime(client)) + 3600n;
  const nonce = await read(() => client.contracts.usdc.nonces(owner));
  const signature = await signer.signTypedData(await usdcDomain(client), PERMIT_TYPES, {
    owner,
    spender: params.spender ?? client.addresses.vault,
    value: params.value,
    nonce,
    deadline,
  });
  return { signature, deadline };
}

/** Funding by an EIP-2612 permit (signed with {@link signPermit}). */
export function fundFromPermit(permit: { signature: string; deadline: bigint }): Funding {
  return { source: FundingSource.Permit, validAfter: 0n, validBefore: permit.deadline, nonce: "0x" + "00".repeat(32), signature: permit.signature };
}

export interface SignAuthorizationParameters {
  value: bigint;
  /** Default: the vault (the only payee `receiveWithAuthorization` accepts is its caller). */
  to?: string;
  /** Default 0. */
  validAfter?: bigint;
  /** Default: chain time + 1 hour. */
  validBefore?: bigint;
  /** 32 random bytes by default. */
  nonce?: string;
}

export interface SignedAuthorization {
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
  signature: string;
}

/** Signs an EIP-3009 `ReceiveWithAuthorization` from the client's account to the vault. Signs only. */
export async function signReceiveAuthorization(client: AgoraClient, params: SignAuthorizationParameters): Promise<SignedAuthorization> {
  const signer = requireSigner(client);
  const validAfter = params.validAfter ?? 0n;
  const validBefore = params.validBefore ?? (await chainTime(client)) + 3600n;
  const nonce = params.nonce ?? hexlify(randomBytes(32));
  const signature = await signer.signTypedData(await usdcDomain(client), RECEIVE_TYPES, {
    from: await signer.getAddress(),
    to: params.to ?? client.addresses.vault,
    value: params.value,
    validAfter,
    validBefore,
    nonce,
  });
  return { validAfter, validBefore, nonce, signature };
}

/** Funding by an EIP-3009 authorization (signed with {@link signReceiveAuthorization}). */
export function fundFromAuthorization(auth: SignedAuthorization): Funding {
  return { source: FundingSource.Authorization, validAfter: auth.validAfter, validBefore: auth.validBefore, nonce: auth.nonce, signature: auth.signature };
}

/**
 * The `Funding` for `amount` by `kind`, signing the permit or authorization when needed. `transfer` needs an
 * allowance for the vault ({@link approveVault}).
 *
 * @example const funding = await prepareFunding(client, "permit", 5_000_000n);
 */
export async function prepareFunding(client: AgoraClient, kind: FundingKind, amount: bigint): Promise<Funding> {
  switch (kind) {
    case "balance":
      return fundFromBalance();
    case "transfer":
      return fundFromTransfer();
    case "permit":
      return fundFromPermit(await signPermit(client, { value: amount }));
    case "authorization":
      return fundFromAuthorization(await signReceiveAuthorization(client, { value: amount }));
    default:
      throw new AgoraError(`unknown funding source "${String(kind)}": use ${FUNDING_KINDS.join(", ")}`, { code: "INVALID_INPUT" });
  }
}

/* USDC ALLOWANCE */

export interface ApproveVaultParameters {
  /** Allowance to set for the vault, in USDC base units. */
  amount: bigint;
}
export type ApproveVaultReturnType = Awaited<ReturnType<typeof approveVault>>;

/**
 * Sets the vault's USDC allowance of the client's account (for `transfer` funding).
 *
 * @example await approveVaultSync(client, { amount: 100_000_000n });
 */
export const approveVault = defineWrite((client: AgoraClient, p: ApproveVaultParameters) =>
  bind(client.contracts.usdc.approve, client.addresses.vault, p.amount),
);
export async function approveVaultSync(client: AgoraClient, p: ApproveVaultParameters, o?: SyncOptions): Promise<{ receipt: ContractTransactionReceipt }> {
  return { receipt: await sendAndWait(approveVault, client, p, o) };
}

/** The vault's USDC allowance from `owner` (default: the client's account). */
export async function vaultAllowance(client: AgoraClient, owner?: string): Promise<bigint> {
  const account = owner ?? (await requireSigner(client).getAddress());
  return read(() => client.contracts.usdc.allowance(account, client.addresses.vault));
}

/** USDC held by `account` (default: the client's account), outside the protocol. */
export async function usdcBalance(client: AgoraClient, account?: string): Promise<bigint> {
  const who = account ?? (await requireSigner(client).getAddress());
  return read(() => client.contracts.usdc.balanceOf(who));
}

/* LOCAL MOCK ONLY */

export interface MintUsdcParameters {
  to: string;
  amount: bigint;
}

/** Mints mock USDC (local networks only; the mock's owner, the deployer, must send). */
export const mintUsdc = defineWrite((client: AgoraClient, p: MintUsdcParameters) => bind(client.contracts.usdc.mint, p.to, p.amount));
export async function mintUsdcSync(client: AgoraClient, p: MintUsdcParameters, o?: SyncOptions): Promise<{ receipt: ContractTransactionReceipt }> {
  return { receipt: await sendAndWait(mintUsdc, client, p, o) };
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type ApproveVaultSyncReturnType = Awaited<ReturnType<typeof approveVaultSync>>;
export type ApproveVaultErrorType = AgoraError;
export type MintUsdcReturnType = Awaited<ReturnType<typeof mintUsdc>>;
export type MintUsdcSyncReturnType = Awaited<ReturnType<typeof mintUsdcSync>>;
export type MintUsdcErrorType = AgoraError;
