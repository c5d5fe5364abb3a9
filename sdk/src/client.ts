/**
 * An `AgoraClient` is a plain value: the addresses of one deployment, a provider, an optional signer and the
 * typechain contract instances connected to the signer (or the provider for read-only use). Actions take it as
 * their first argument; nothing is cached anywhere else (no global state).
 */
import type { Provider, Signer } from "ethers";
import { AgentRegistry__factory } from "../../typechain-types/factories/contracts/AgentRegistry__factory";
import { AgoraVault__factory } from "../../typechain-types/factories/contracts/AgoraVault__factory";
import { CommitteeArbitrator__factory } from "../../typechain-types/factories/contracts/periphery/CommitteeArbitrator__factory";
import { HashValidator__factory } from "../../typechain-types/factories/contracts/periphery/HashValidator__factory";
import { JobEscrow__factory } from "../../typechain-types/factories/contracts/JobEscrow__factory";
import { ListingRegistry__factory } from "../../typechain-types/factories/contracts/ListingRegistry__factory";
import { MockUSDC__factory } from "../../typechain-types/factories/contracts/mocks/MockUSDC__factory";
import { OracleArbitrator__factory } from "../../typechain-types/factories/contracts/periphery/OracleArbitrator__factory";
import { PaymentChannels__factory } from "../../typechain-types/factories/contracts/PaymentChannels__factory";
import { ReputationLedger__factory } from "../../typechain-types/factories/contracts/ReputationLedger__factory";
import type { AgentRegistry, AgoraVault, CommitteeArbitrator, HashValidator, JobEscrow, ListingRegistry, MockUSDC, OracleArbitrator, PaymentChannels, ReputationLedger } from "../../typechain-types";
import type { AgoraAddresses } from "./addresses";
import { AgoraError, toAgoraError } from "./errors";

/** The typechain instances of one deployment. */
export interface AgoraContracts {
  /**
   * USDC. Typed with the mock's ABI, whose ERC-20, EIP-2612 (`permit`, `nonces`) and EIP-3009
   * (`receiveWithAuthorization`) functions match Circle's FiatToken; `mint` exists only on local networks.
   */
  usdc: MockUSDC;
  registry: AgentRegistry;
  listings: ListingRegistry;
  vault: AgoraVault;
  escrow: JobEscrow;
  channels: PaymentChannels;
  ledger: ReputationLedger;
  committee: CommitteeArbitrator;
  oracle: OracleArbitrator;
  hashValidator: HashValidator;
}

export interface AgoraClient {
  readonly addresses: AgoraAddresses;
  readonly chainId: bigint;
  readonly provider: Provider;
  /** Absent for a read-only client. */
  readonly signer?: Signer;
  readonly contracts: AgoraContracts;
}

export interface CreateAgoraClientParameters {
  addresses: AgoraAddresses;
  /** Signs and sends; its provider is used unless `provider` is given. */
  signer?: Signer;
  /** Required when there is no signer (read-only client). */
  provider?: Provider;
}

/**
 * Builds a client for one deployment.
 *
 * @example
 * const client = createAgoraClient({ addresses: loadAddresses({ network: "localhost" }), signer: wallet });
 */
export function createAgoraClient(params: CreateAgoraClientParameters): AgoraClient {
  const provider = params.provider ?? params.signer?.provider ?? undefined;
  if (!provider) throw new AgoraError("createAgoraClient needs a provider, or a signer connected to one", { code: "INVALID_INPUT" });
  const runner = params.signer ?? provider;
  const a = params.addresses;
  return {
    addresses: a,
    chainId: BigInt(a.chainId),
    provider,
    signer: params.signer,
    contracts: {
      usdc: MockUSDC__factory.connect(a.usdc, runner),
      registry: AgentRegistry__factory.connect(a.agentRegistry, runner),
      listings: ListingRegistry__factory.connect(a.listingRegistry, runner),
      vault: AgoraVault__factory.connect(a.vault, runner),
      escrow: JobEscrow__factory.connect(a.jobEscrow, runner),
      channels: PaymentChannels__factory.connect(a.paymentChannels, runner),
      ledger: ReputationLedger__factory.connect(a.reputationLedger, runner),
      committee: CommitteeArbitrator__factory.connect(a.committeeArbitrator, runner),
      oracle: OracleArbitrator__factory.connect(a.oracleArbitrator, runner),
      hashValidator: HashValidator__factory.connect(a.hashValidator, runner),
    },
  };
}

/** The same deployment, acting as `signer` (a new value; `client` is unchanged). */
export function withSigner(client: AgoraClient, signer: Signer): AgoraClient {
  return createAgoraClient({ addresses: client.addresses, signer, provider: signer.provider ?? client.provider });
}

/** The client's signer, or an `INVALID_INPUT` error for a read-only client. */
export function requireSigner(client: AgoraClient): Signer {
  if (!client.signer) throw new AgoraError("this action sends a transaction: give the client a signer (a private key)", { code: "INVALID_INPUT" });
  return client.signer;
}

/** The address the client acts from. */
export async function accountOf(client: AgoraClient): Promise<string> {
  return requireSigner(client).getAddress();
}

/**
 * Checks that the node serves the manifest's chain and that the registry has code there, so a wrong `--rpc` or a
 * stale manifest (a restarted local node) fails with one clear message instead of odd reverts.
 */
export async function verifyDeployment(client: AgoraClient): Promise<void> {
  let chainId: bigint;
  let code: string;
  try {
    chainId = (await client.provider.getNetwork()).chainId;
    code = await client.provider.getCode(client.addresses.agentRegistry);
  } catch (error) {
    throw toAgoraError(error);
  }
  if (chainId !== client.chainId) {
    throw new AgoraError(`the node serves chain ${chainId.toString()}, the deployment is for chain ${client.chainId.toString()} (${client.addresses.network})`, {
      code: "DEPLOYMENT_NOT_FOUND",
    });
  }
  if (code === "0x") {
    throw new AgoraError(
      `no AgentRegistry code at ${client.addresses.agentRegistry} on this node: the deployment manifest is stale (was the local node restarted? deploy again)`,
      { code: "DEPLOYMENT_NOT_FOUND" },
    );
  }
}
