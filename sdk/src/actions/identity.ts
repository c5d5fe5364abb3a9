/**
 * Agent identity (`AgentRegistry`, ERC-8004 surface): register, URI and metadata, the operator wallet with its
 * EIP-712 proof, freeze. See docs/IDENTITY.md.
 */
import { getAddress, isAddress, toUtf8Bytes, type BytesLike, type Signer } from "ethers";
import type {
  AgentFreezeChangedEvent,
  AgentWalletChangedEvent,
  MetadataSetEvent,
  RegisteredEvent,
  URIUpdatedEvent,
} from "../../../typechain-types/contracts/AgentRegistry";
import type { AgoraClient } from "../client";
import { AgoraError } from "../errors";
import { bind, chainTime, defineSync, defineWrite, read } from "./internal";

const registry = (c: AgoraClient) => c.contracts.registry;

/** Metadata values: strings are stored as their UTF-8 bytes. */
export type MetadataValue = string | Uint8Array;

function metadataBytes(value: MetadataValue): BytesLike {
  return typeof value === "string" ? toUtf8Bytes(value) : value;
}

/** Checks and checksums an address parameter (`INVALID_INPUT` otherwise). */
export function toAddress(value: string, what = "address"): string {
  if (!isAddress(value)) throw new AgoraError(`invalid ${what} "${value}": expected a 0x-prefixed 20-byte hex address`, { code: "INVALID_INPUT" });
  return getAddress(value);
}

/* REGISTER */

export interface RegisterAgentParameters {
  /** ERC-8004 agent URI (registration file). Default: none. */
  uri?: string;
  /** ERC-8004 metadata entries. */
  metadata?: Readonly<Record<string, MetadataValue>>;
}
export type RegisterAgentSyncReturnType = Awaited<ReturnType<typeof registerAgentSync>>;

/**
 * Mints an agent identity to the client's account (owner and, until one is set, operator).
 * `.call` returns the new agent id.
 *
 * @example const { agentId } = await registerAgentSync(client, { uri: "https://example.com/agent.json" });
 */
export const registerAgent = defineWrite((client: AgoraClient, p: RegisterAgentParameters) => {
  const entries = Object.entries(p.metadata ?? {});
  if (entries.length > 0) {
    const list = entries.map(([metadataKey, v]) => ({ metadataKey, metadataValue: metadataBytes(v) }));
    return bind(registry(client)["register(string,(string,bytes)[])"], p.uri ?? "", list);
  }
  return bind(registry(client)["register(string)"], p.uri ?? "");
});
export const registerAgentSync = defineSync<RegisterAgentParameters, RegisteredEvent.OutputObject>(registerAgent, registry, "Registered");

/* URI AND METADATA */

export interface SetAgentUriParameters {
  agentId: bigint;
  uri: string;
}
/** Sets the agent URI. Owner only. @example await setAgentUriSync(client, { agentId, uri }) */
export const setAgentUri = defineWrite((client: AgoraClient, p: SetAgentUriParameters) => bind(registry(client).setAgentURI, p.agentId, p.uri));
export const setAgentUriSync = defineSync<SetAgentUriParameters, URIUpdatedEvent.OutputObject>(setAgentUri, registry, "URIUpdated");

export interface SetMetadataParameters {
  agentId: bigint;
  key: string;
  value: MetadataValue;
}
/** Sets one metadata entry. Owner only. @example await setMetadataSync(client, { agentId, key: "name", value: "translator" }) */
export const setMetadata = defineWrite((client: AgoraClient, p: SetMetadataParameters) =>
  bind(registry(client).setMetadata, p.agentId, p.key, metadataBytes(p.value)),
);
export const setMetadataSync = defineSync<SetMetadataParameters, MetadataSetEvent.OutputObject>(setMetadata, registry, "MetadataSet");

/* OPERATOR WALLET */

/** The EIP-712 type the operator wallet signs to accept an agent (docs/IDENTITY.md). */
export const SET_AGENT_WALLET_TYPES = {
  SetAgentWallet: [
    { name: "agentId", type: "uint256" },
    { name: "newWallet", type: "address" },
    { name: "owner", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface OperatorProof {
  operator: string;
  deadline: bigint;
  nonce: bigint;
  signature: string;
}

export interface SignOperatorProofParameters {
  agentId: bigint;
  /** The agent's owner (who will submit the proof). */
  owner: string;
  /** At most 5 minutes ahead of chain time. Default: chain time + 4 minutes. */
  deadline?: bigint;
}

/**
 * The proof, signed by `operator` (a signer of the future operator key), that it accepts to operate the agent.
 * Signs only; the owner submits it with {@link setOperator}.
 */
export async function signOperatorProof(client: AgoraClient, operator: Signer, p: SignOperatorProofParameters): Promise<OperatorProof> {
  const owner = toAddress(p.owner, "owner address");
  const nonce = await read(() => registry(client).walletNonce(p.agentId));
  const deadline = p.deadline ?? (await chainTime(client)) + 240n;
  const address = await operator.getAddress();
  const signature = await operator.signTypedData(
    { name: "Agora AgentRegistry", version: "1", chainId: client.chainId, verifyingContract: client.addresses.agentRegistry },
    SET_AGENT_WALLET_TYPES,
    { agentId: p.agentId, newWallet: address, owner, nonce, deadline },
  );
  return { operator: address, deadline, nonce, signature };
}

export type SetOperatorParameters =
  /** The operator's key is at hand: the action signs the proof with it. */
  | { agentId: bigint; operator: Signer }
  /** A proof the operator signed elsewhere ({@link signOperatorProof}). */
  | { agentId: bigint; proof: OperatorProof };

/**
 * Sets the agent's operator wallet (hot key). Sender: the owner. With `operator` as a signer, the proof is
 * signed on the spot.
 *
 * @example await setOperatorSync(ownerClient, { agentId, operator: operatorWallet });
 */
export const setOperator = defineWrite(async (client: AgoraClient, p: SetOperatorParameters) => {
  let proof: OperatorProof;
  if ("proof" in p) proof = p.proof;
  else {
    const owner = await read(() => registry(client).ownerOf(p.agentId));
    proof = await signOperatorProof(client, p.operator, { agentId: p.agentId, owner });
  }
  return bind(registry(client).setAgentWallet, p.agentId, toAddress(proof.operator, "operator address"), proof.deadline, proof.signature);
});
export const setOperatorSync = defineSync<SetOperatorParameters, AgentWalletChangedEvent.OutputObject>(setOperator, registry, "AgentWalletChanged");

export interface AgentIdParameters {
  agentId: bigint;
}
/** Removes the operator wallet; the owner keeps every power. @example await unsetOperatorSync(client, { agentId }) */
export const unsetOperator = defineWrite((client: AgoraClient, p: AgentIdParameters) => bind(registry(client).unsetAgentWallet, p.agentId));
export const unsetOperatorSync = defineSync<AgentIdParameters, AgentWalletChangedEvent.OutputObject>(unsetOperator, registry, "AgentWalletChanged");

/* FREEZE */

/** Freezes the agent's operator at once. Owner only. @example await freezeSync(ownerClient, { agentId }) */
export const freeze = defineWrite((client: AgoraClient, p: AgentIdParameters) => bind(registry(client).freeze, p.agentId));
export const freezeSync = defineSync<AgentIdParameters, AgentFreezeChangedEvent.OutputObject>(freeze, registry, "AgentFreezeChanged");

/** Lifts a freeze. Owner only. @example await unfreezeSync(ownerClient, { agentId }) */
export const unfreeze = defineWrite((client: AgoraClient, p: AgentIdParameters) => bind(registry(client).unfreeze, p.agentId));
export const unfreezeSync = defineSync<AgentIdParameters, AgentFreezeChangedEvent.OutputObject>(unfreeze, registry, "AgentFreezeChanged");

/* READS */

export interface AgentInfo {
  agentId: bigint;
  owner: string;
  /** The operator wallet; the owner itself until a separate one is set; zero when unset. */
  operator: string;
  frozen: boolean;
  uri: string;
  walletNonce: bigint;
}

/** Reads an agent. Unknown ids throw `AgoraError` with `errorName` `AgentNotFound` / `ERC721NonexistentToken`. */
export async function getAgent(client: AgoraClient, agentId: bigint): Promise<AgentInfo> {
  const r = registry(client);
  const [owner, operator, frozen, uri, walletNonce] = await read(() =>
    Promise.all([r.ownerOf(agentId), r.getAgentWallet(agentId), r.isFrozen(agentId), r.tokenURI(agentId), r.walletNonce(agentId)]),
  );
  return { agentId, owner, operator, frozen, uri, walletNonce };
}

/** Number of agents ever registered (ids run from 1). */
export async function totalAgents(client: AgoraClient): Promise<bigint> {
  return read(() => registry(client).totalAgents());
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type RegisterAgentReturnType = Awaited<ReturnType<typeof registerAgent>>;
export type RegisterAgentErrorType = AgoraError;
export type SetAgentUriReturnType = Awaited<ReturnType<typeof setAgentUri>>;
export type SetAgentUriSyncReturnType = Awaited<ReturnType<typeof setAgentUriSync>>;
export type SetAgentUriErrorType = AgoraError;
export type SetMetadataReturnType = Awaited<ReturnType<typeof setMetadata>>;
export type SetMetadataSyncReturnType = Awaited<ReturnType<typeof setMetadataSync>>;
export type SetMetadataErrorType = AgoraError;
export type SetOperatorReturnType = Awaited<ReturnType<typeof setOperator>>;
export type SetOperatorSyncReturnType = Awaited<ReturnType<typeof setOperatorSync>>;
export type SetOperatorErrorType = AgoraError;
export type UnsetOperatorReturnType = Awaited<ReturnType<typeof unsetOperator>>;
export type UnsetOperatorSyncReturnType = Awaited<ReturnType<typeof unsetOperatorSync>>;
export type UnsetOperatorErrorType = AgoraError;
export type FreezeReturnType = Awaited<ReturnType<typeof freeze>>;
export type FreezeSyncReturnType = Awaited<ReturnType<typeof freezeSync>>;
export type FreezeErrorType = AgoraError;
export type UnfreezeReturnType = Awaited<ReturnType<typeof unfreeze>>;
export type UnfreezeSyncReturnType = Awaited<ReturnType<typeof unfreezeSync>>;
export type UnfreezeErrorType = AgoraError;
