/**
 * Contract addresses, read from the deployment manifest `deployments/<network>.json` that `npm run deploy` and
 * `npm start` write (format: `DeploymentManifest` in deploy/context.ts). One address map per chain.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { getAddress, isAddress } from "ethers";
import type { DeploymentManifest } from "../../deploy/context";
import { AgoraError } from "./errors";

export type { DeploymentManifest } from "../../deploy/context";

/** Every address the SDK needs, checksummed. */
export interface AgoraAddresses {
  /** Network name the manifest was written for (`localhost`, `baseSepolia`, `base`, ...). */
  network: string;
  chainId: number;
  /** First block an indexer must read. */
  startBlock: number;
  usdc: string;
  agentRegistry: string;
  listingRegistry: string;
  vault: string;
  jobEscrow: string;
  paymentChannels: string;
  reputationLedger: string;
  committeeArbitrator: string;
  oracleArbitrator: string;
  hashValidator: string;
}

/** Manifest contract name of each address. */
const CONTRACT_NAMES = {
  agentRegistry: "AgentRegistry",
  listingRegistry: "ListingRegistry",
  vault: "AgoraVault",
  jobEscrow: "JobEscrow",
  paymentChannels: "PaymentChannels",
  reputationLedger: "ReputationLedger",
  committeeArbitrator: "CommitteeArbitrator",
  oracleArbitrator: "OracleArbitrator",
  hashValidator: "HashValidator",
} as const satisfies Record<string, string>;

/** The `deployments/` directory of this repository. */
export const DEFAULT_DEPLOYMENTS_DIR = path.resolve(__dirname, "..", "..", "deployments");

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function invalid(file: string, why: string): AgoraError {
  return new AgoraError(`invalid deployment manifest ${file}: ${why}`, { code: "DEPLOYMENT_NOT_FOUND", docsPath: "ARCHITECTURE.md#addresses" });
}

/** Checks a parsed manifest and maps it to {@link AgoraAddresses}. `source` names it in error messages. */
export function addressesFromManifest(manifest: unknown, source = "manifest"): AgoraAddresses {
  if (!isRecord(manifest)) throw invalid(source, "not a JSON object");
  const { network, chainId, usdc, startBlock, contracts } = manifest;
  if (typeof chainId !== "number") throw invalid(source, "chainId missing");
  if (typeof usdc !== "string" || !isAddress(usdc)) throw invalid(source, "usdc address missing");
  if (!isRecord(contracts)) throw invalid(source, "contracts missing");
  const address = (name: string): string => {
    const entry = contracts[name];
    if (!isRecord(entry) || typeof entry.address !== "string" || !isAddress(entry.address)) {
      throw invalid(source, `no ${name} address (was the deployment interrupted? run the deploy again)`);
    }
    return getAddress(entry.address);
  };
  const out = {
    network: typeof network === "string" ? network : "unknown",
    chainId,
    startBlock: typeof startBlock === "number" ? startBlock : 0,
    usdc: getAddress(usdc),
  } as Pick<AgoraAddresses, "network" | "chainId" | "startBlock" | "usdc">;
  const mapped = Object.fromEntries(Object.entries(CONTRACT_NAMES).map(([key, name]) => [key, address(name)])) as Record<
    keyof typeof CONTRACT_NAMES,
    string
  >;
  return { ...out, ...mapped };
}

export interface LoadAddressesParameters {
  /** Network name: reads `<dir>/<network>.json`. */
  network?: string;
  /** A manifest file to read instead (e.g. a test deployment). */
  file?: string;
  /** Where the manifests live. Default: this repository's `deployments/`. */
  dir?: string;
}

/** The manifest file {@link loadAddresses} reads. */
export function manifestPath(params: LoadAddressesParameters): string {
  if (params.file) return path.resolve(params.file);
  if (!params.network) throw new AgoraError("give a network or a deployment file", { code: "INVALID_INPUT" });
  return path.join(params.dir ?? DEFAULT_DEPLOYMENTS_DIR, `${params.network}.json`);
}

/** Reads and checks a deployment manifest. */
export function loadManifest(params: LoadAddressesParameters): DeploymentManifest {
  const file = manifestPath(params);
  if (!existsSync(file)) {
    const hint = params.file
      ? "check the path"
      : `deploy first: npm run deploy -- --network ${params.network ?? "<network>"}${params.network === "localhost" ? " (or npm start)" : ""}`;
    throw new AgoraError(`no deployment for ${params.file ? file : `network ${params.network ?? ""}`}: ${file} does not exist (${hint})`, {
      code: "DEPLOYMENT_NOT_FOUND",
      docsPath: "ARCHITECTURE.md#addresses",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (error) {
    throw new AgoraError(`invalid deployment manifest ${file}: not JSON`, { code: "DEPLOYMENT_NOT_FOUND", cause: error });
  }
  addressesFromManifest(parsed, file);
  return parsed as DeploymentManifest;
}

/**
 * Loads `deployments/<network>.json` (or `file`) as typed addresses.
 *
 * @example const addresses = loadAddresses({ network: "localhost" });
 */
export function loadAddresses(params: LoadAddressesParameters): AgoraAddresses {
  const file = manifestPath(params);
  return addressesFromManifest(loadManifest(params), file);
}
