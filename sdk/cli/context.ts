/**
 * Global options of the CLI: the network and its deployment manifest, the RPC URL, the key, the subgraph URL.
 * Everything comes from flags or the environment, resolved once per invocation into a `CliContext` value.
 */
import { existsSync, readFileSync } from "node:fs";
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { AgoraError, createAgoraClient, loadAddresses, verifyDeployment, type AgoraClient } from "./sdk";
import { usage } from "./args";

export const NETWORKS = ["localhost", "baseSepolia", "base"] as const;
export type NetworkName = (typeof NETWORKS)[number];

/** Environment variable of each network's RPC URL (the same ones hardhat.config.ts reads). */
const RPC_ENV: Record<NetworkName, string> = { localhost: "LOCAL_RPC_URL", baseSepolia: "BASE_SEPOLIA_RPC_URL", base: "BASE_RPC_URL" };

export interface GlobalOptions {
  network?: string;
  rpc?: string;
  "key-file"?: string;
  deployment?: string;
  graph?: string;
  json?: boolean;
}

export interface CliContext {
  network: NetworkName;
  rpcUrl: string;
  json: boolean;
  /** Read-only unless a key was given. */
  client: AgoraClient;
  /** Writes a progress line to stderr (never stdout, which `--json` keeps for the result). */
  progress(line: string): void;
}

export function networkOf(value: string | undefined): NetworkName {
  const v = value ?? process.env.AGORA_NETWORK ?? "localhost";
  if (!(NETWORKS as readonly string[]).includes(v)) throw usage(`unknown network "${v}": use ${NETWORKS.join(", ")}`);
  return v as NetworkName;
}

export function rpcUrlOf(network: NetworkName, flag: string | undefined): string {
  const url = flag ?? process.env.AGORA_RPC_URL ?? process.env[RPC_ENV[network]] ?? (network === "localhost" ? "http://127.0.0.1:8545" : undefined);
  if (!url) throw usage(`no RPC URL for ${network}: pass --rpc <url> or set AGORA_RPC_URL or ${RPC_ENV[network]}`);
  if (!/^(https?|wss?):\/\//.test(url)) throw usage(`invalid RPC URL "${url}"`);
  return url;
}

export function graphUrlOf(network: NetworkName, flag: string | undefined): string {
  const url = flag ?? process.env.AGORA_GRAPH_URL ?? (network === "localhost" ? `http://127.0.0.1:${process.env.GRAPH_PORT ?? "8000"}/subgraphs/name/agora` : undefined);
  if (!url) throw usage(`no subgraph URL for ${network}: pass --graph <url> or set AGORA_GRAPH_URL`);
  return url;
}

/** The private key from `--key-file` or `AGORA_PRIVATE_KEY`; undefined when neither is given. */
export function privateKeyOf(keyFile: string | undefined): string | undefined {
  let key: string | undefined;
  let source = "AGORA_PRIVATE_KEY";
  if (keyFile !== undefined) {
    if (!existsSync(keyFile)) throw usage(`key file ${keyFile} does not exist`);
    key = readFileSync(keyFile, "utf8").trim();
    source = `key file ${keyFile}`;
  } else {
    key = process.env.AGORA_PRIVATE_KEY?.trim() || undefined;
  }
  if (key === undefined) return undefined;
  const normalized = key.startsWith("0x") ? key : `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(normalized)) throw usage(`invalid private key in ${source}: expected 32 bytes of hex`);
  return normalized;
}

/** Builds the context: manifest → addresses, provider, optional wallet. Checks the node serves that deployment. */
export async function createContext(opts: GlobalOptions, progress: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<CliContext> {
  const network = networkOf(opts.network);
  const rpcUrl = rpcUrlOf(network, opts.rpc);
  const key = privateKeyOf(opts["key-file"]);
  const addresses = loadAddresses(opts.deployment ? { file: opts.deployment } : { network });
  const provider = new JsonRpcProvider(rpcUrl, Network.from(addresses.chainId), { staticNetwork: true, polling: true, pollingInterval: 250, cacheTimeout: -1 });
  const signer = key ? new Wallet(key, provider) : undefined;
  const client = createAgoraClient({ addresses, provider, signer });
  await verifyDeployment(client);
  const json = opts.json === true;
  return { network, rpcUrl, json, client, progress };
}

/** Throws the "needs a key" error for write commands without one. */
export function requireKey(ctx: CliContext): void {
  if (!ctx.client.signer) throw usage("this command sends a transaction: set AGORA_PRIVATE_KEY or pass --key-file <file>");
}

export { AgoraError };
