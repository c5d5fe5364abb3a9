/**
 * Prepares the subgraph for one network, before `graph codegen` and `graph build`:
 *
 * - `abis/<Name>.json`: the `abi` of each Hardhat artifact `<artifacts>/contracts/<Name>.sol/<Name>.json`;
 * - `networks.json`: graph-cli's per-network addresses and start blocks, one entry per `deployments/*.json`
 *   (plus the selected network, placeholder included);
 * - `subgraph.yaml`: `subgraph.template.yaml` with the selected network, addresses and start blocks filled in,
 *   after checking every event signature of the template against the ABIs.
 *
 * Usage (cwd `subgraph/`, or through `npm run subgraph:prepare -- <options>` from the repository root):
 *
 *   ts-node scripts/prepare.ts [--network <hardhat network>] [--deployment <file>] [--artifacts <dir>]
 *                              [--graph-network <name>] [--placeholder]
 *
 * --network        Hardhat network name; selects `deployments/<network>.json` (default `hardhat`).
 * --deployment     A deployments manifest to use instead (`{network, chainId, usdc, startBlock, contracts}`).
 * --artifacts      Hardhat artifacts directory (default `artifacts/` at the repository root, or `$HH_ARTIFACTS` when set,
 *                  the directory hardhat.config.ts compiles into).
 * --graph-network  Network name written to the manifest (default: the deployment's `network`, or `--network`, with
 *                  `baseSepolia` spelled `base-sepolia` as graph-node and The Graph name it).
 * --placeholder    Ignore any deployment: zero addresses, start block 0 (what CI builds).
 *
 * Without `--deployment`, a missing `deployments/<network>.json` of a local network (`hardhat`, `localhost`) falls back
 * to the placeholder with a warning, so a clean checkout builds; for any other network it is an error. Every option can also come from the environment (`SUBGRAPH_NETWORK`, `SUBGRAPH_DEPLOYMENT`,
 * `SUBGRAPH_ARTIFACTS`, `SUBGRAPH_GRAPH_NETWORK`, `SUBGRAPH_PLACEHOLDER=1`), which `npm run subgraph:build` passes on.
 * Relative paths resolve against the directory npm was started from (`INIT_CWD`), else the current directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";

/** The data sources, in manifest order; each is named after its contract and reads that contract's ABI. */
export const DATA_SOURCES = [
  "AgentRegistry",
  "ListingRegistry",
  "AgoraVault",
  "ReputationLedger",
  "JobEscrow",
  "PaymentChannels",
] as const;

export type DataSourceName = (typeof DATA_SOURCES)[number];

/**
 * Contract events deliberately not indexed, with the reason. Any other ABI event without a handler makes prepare
 * print a warning, so a new contract event is never silently ignored.
 */
export const UNINDEXED_EVENTS: Readonly<Record<string, string>> = {
  "AgentRegistry.Approval": "ERC-721 approvals are token plumbing, not Agora state",
  "AgentRegistry.ApprovalForAll": "ERC-721 operator approvals are token plumbing, not Agora state",
  "AgentRegistry.EIP712DomainChanged": "never emitted: the EIP-712 domain is immutable",
  "AgoraVault.EIP712DomainChanged": "never emitted: the EIP-712 domain is immutable",
  "PaymentChannels.EIP712DomainChanged": "never emitted: the EIP-712 domain is immutable",
};

/** graph-node / The Graph network names of the Hardhat networks whose names differ. */
export const GRAPH_NETWORK_NAMES: Readonly<Record<string, string>> = {
  baseSepolia: "base-sepolia",
  base: "base",
};

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

/** Networks whose missing deployments file falls back to the placeholder (zero addresses, start block 0). */
export const LOCAL_NETWORKS: readonly string[] = ["hardhat", "localhost"];

interface AbiParameter {
  type: string;
  indexed?: boolean;
  components?: AbiParameter[];
}

interface AbiItem {
  type: string;
  name?: string;
  inputs?: AbiParameter[];
}

/** One data source's entry in graph-cli's networks.json. */
export interface NetworkSource {
  address: string;
  startBlock: number;
}

export type NetworksFile = Record<string, Record<string, NetworkSource>>;

/** The subset of `deployments/<network>.json` (deploy/context.ts `DeploymentManifest`) this script reads. */
interface Deployment {
  network: string;
  chainId: number;
  startBlock: number;
  contracts: Record<string, { address: string; blockNumber: number }>;
}

export interface PrepareOptions {
  /** Hardhat network name. */
  network: string;
  /** Deployments manifest path; undefined: `deployments/<network>.json` if it exists, else the placeholder. */
  deployment?: string;
  /** Hardhat artifacts directory. */
  artifacts: string;
  /** Network name written to the manifest and networks.json; default: that of the deployment's (or --network's) name. */
  graphNetwork?: string;
  /** Force zero addresses and start block 0. */
  placeholder: boolean;
  /** Repository root (holds `deployments/`). */
  root: string;
  /** The subgraph directory (holds the template; receives the outputs). */
  subgraphDir: string;
  log: (line: string) => void;
}

/** graph-cli's event signature: `Name(indexed type,...)`, tuples spelled out as `(t1,t2)`. */
export function eventSignature(item: AbiItem): string {
  const type = (p: AbiParameter): string =>
    p.type.startsWith("tuple") ? `(${(p.components ?? []).map(type).join(",")})${p.type.slice("tuple".length)}` : p.type;
  const params = (item.inputs ?? []).map((p) => `${p.indexed ? "indexed " : ""}${type(p)}`);
  return `${item.name ?? ""}(${params.join(",")})`;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8")) as unknown;
}

function isAddress(value: unknown): value is string {
  return typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);
}

/** Reads a deployments manifest; throws with the file name when a data source's contract is missing or malformed. */
export function readDeployment(file: string): Deployment {
  const doc = readJson(file) as Partial<Deployment> | null;
  if (doc === null || typeof doc !== "object" || typeof doc.contracts !== "object" || doc.contracts === null) {
    throw new Error(`${file}: not a deployments manifest (no "contracts")`);
  }
  for (const name of DATA_SOURCES) {
    const c = doc.contracts[name];
    if (!c || !isAddress(c.address) || !Number.isInteger(c.blockNumber) || c.blockNumber < 0) {
      throw new Error(`${file}: contracts.${name} is missing or has no valid address and blockNumber`);
    }
  }
  return {
    network: String(doc.network ?? path.basename(file, ".json")),
    chainId: Number(doc.chainId ?? 0),
    startBlock: Number(doc.startBlock ?? 0),
    contracts: doc.contracts,
  };
}

/** The networks.json entry of a deployment: each data source at its contract's address, from its deployment block. */
export function networkEntry(deployment: Deployment | null): Record<string, NetworkSource> {
  const entry: Record<string, NetworkSource> = {};
  for (const name of DATA_SOURCES) {
    const c = deployment?.contracts[name];
    entry[name] = c ? { address: c.address, startBlock: c.blockNumber } : { address: ZERO_ADDRESS, startBlock: 0 };
  }
  return entry;
}

/** The graph network name of a Hardhat network name. */
export function graphNetworkOf(network: string): string {
  return GRAPH_NETWORK_NAMES[network] ?? network;
}

/** Writes `abis/<Name>.json` for every data source and returns the ABIs. */
function writeAbis(opts: PrepareOptions): Map<string, AbiItem[]> {
  const abis = new Map<string, AbiItem[]>();
  const outDir = path.join(opts.subgraphDir, "abis");
  mkdirSync(outDir, { recursive: true });
  for (const name of DATA_SOURCES) {
    const file = path.join(opts.artifacts, "contracts", `${name}.sol`, `${name}.json`);
    if (!existsSync(file)) {
      throw new Error(`${file} not found: compile the contracts first (npx hardhat compile) or pass --artifacts <dir>`);
    }
    const abi = (readJson(file) as { abi?: AbiItem[] }).abi;
    if (!Array.isArray(abi)) throw new Error(`${file}: no abi`);
    abis.set(name, abi);
    writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(abi, null, 2)}\n`);
  }
  opts.log(`abis: ${DATA_SOURCES.length} written from ${path.relative(opts.root, opts.artifacts) || "."}`);
  return abis;
}

/** Builds networks.json from every deployments/*.json plus the selected network's entry. */
function writeNetworks(opts: PrepareOptions, graphNetwork: string, selected: Record<string, NetworkSource>): NetworksFile {
  const networks: NetworksFile = {};
  const dir = path.join(opts.root, "deployments");
  if (existsSync(dir)) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
      try {
        const deployment = readDeployment(path.join(dir, file));
        networks[graphNetworkOf(deployment.network)] = networkEntry(deployment);
      } catch (err) {
        opts.log(`warning: skipping deployments/${file}: ${(err as Error).message}`);
      }
    }
  }
  networks[graphNetwork] = selected;
  const sorted: NetworksFile = {};
  for (const key of Object.keys(networks).sort()) sorted[key] = networks[key];
  writeFileSync(path.join(opts.subgraphDir, "networks.json"), `${JSON.stringify(sorted, null, 2)}\n`);
  opts.log(`networks.json: ${Object.keys(sorted).join(", ")}`);
  return sorted;
}

interface ManifestDataSource {
  name: string;
  source: { abi: string };
  mapping: { eventHandlers?: { event: string; handler: string }[] };
}

/** Fills the template and checks it against the ABIs. */
function writeManifest(opts: PrepareOptions, graphNetwork: string, entry: Record<string, NetworkSource>, abis: Map<string, AbiItem[]>): void {
  const template = readFileSync(path.join(opts.subgraphDir, "subgraph.template.yaml"), "utf8");
  const values: Record<string, string> = { network: graphNetwork };
  for (const name of DATA_SOURCES) {
    values[`${name}.address`] = entry[name].address;
    values[`${name}.startBlock`] = String(entry[name].startBlock);
  }
  const text = template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`subgraph.template.yaml: unknown placeholder ${match}`);
    return value;
  });

  const doc = parseYaml(text) as { dataSources: ManifestDataSource[] };
  const problems: string[] = [];
  for (const ds of doc.dataSources) {
    const abi = abis.get(ds.source.abi);
    if (!abi) {
      problems.push(`data source ${ds.name}: no ABI ${ds.source.abi}`);
      continue;
    }
    const events = abi.filter((i) => i.type === "event");
    const signatures = new Set(events.map(eventSignature));
    const handled = new Set<string>();
    for (const h of ds.mapping.eventHandlers ?? []) {
      handled.add(h.event.slice(0, h.event.indexOf("(")));
      if (!signatures.has(h.event)) {
        const name = h.event.slice(0, h.event.indexOf("("));
        const actual = events.filter((e) => e.name === name).map(eventSignature);
        problems.push(
          `${ds.name}: ${h.event} is not in the ABI` + (actual.length ? ` (the ABI has ${actual.join(" | ")})` : " (no event of that name)"),
        );
      }
    }
    for (const e of events) {
      const key = `${ds.name}.${e.name ?? ""}`;
      if (!handled.has(e.name ?? "") && UNINDEXED_EVENTS[key] === undefined) {
        opts.log(`warning: ${key} (${eventSignature(e)}) has no handler`);
      }
    }
  }
  if (problems.length) throw new Error(`subgraph.template.yaml does not match the ABIs:\n  ${problems.join("\n  ")}`);

  const header = "# GENERATED by scripts/prepare.ts from subgraph.template.yaml: do not edit.\n";
  writeFileSync(path.join(opts.subgraphDir, "subgraph.yaml"), header + text.replace(/^(#.*\n)+/, ""));
  opts.log(`subgraph.yaml: network ${graphNetwork}`);
}

/** Runs every step. */
export function prepare(opts: PrepareOptions): void {
  let deployment: Deployment | null = null;
  if (!opts.placeholder) {
    const file = opts.deployment ?? path.join(opts.root, "deployments", `${opts.network}.json`);
    if (existsSync(file)) {
      deployment = readDeployment(file);
      opts.log(`deployment: ${path.relative(opts.root, file)} (chain ${deployment.chainId}, start block ${deployment.startBlock})`);
    } else if (opts.deployment !== undefined || !LOCAL_NETWORKS.includes(opts.network)) {
      // Only local networks fall back to the placeholder: a live manifest with zero addresses indexes nothing.
      throw new Error(`${file} not found (deploy first, or pass --placeholder to build without addresses)`);
    } else {
      opts.log(`warning: ${path.relative(opts.root, file)} not found: placeholder addresses (zero) and start block 0`);
    }
  } else {
    opts.log("placeholder: zero addresses, start block 0");
  }
  const graphNetwork = opts.graphNetwork ?? graphNetworkOf(deployment?.network ?? opts.network);
  const abis = writeAbis(opts);
  const entry = networkEntry(deployment);
  writeNetworks(opts, graphNetwork, entry);
  writeManifest(opts, graphNetwork, entry, abis);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      network: { type: "string" },
      deployment: { type: "string" },
      artifacts: { type: "string" },
      "graph-network": { type: "string" },
      placeholder: { type: "boolean" },
    },
    strict: true,
  });
  const env = process.env;
  const base = env.INIT_CWD ?? process.cwd();
  const resolve = (p: string | undefined): string | undefined => (p === undefined || p === "" ? undefined : path.resolve(base, p));
  const subgraphDir = path.resolve(__dirname, "..");
  const root = path.resolve(subgraphDir, "..");
  const network = values.network ?? (env.SUBGRAPH_NETWORK || "hardhat");
  prepare({
    network,
    deployment: resolve(values.deployment ?? env.SUBGRAPH_DEPLOYMENT),
    // Default: where Hardhat writes (hardhat.config.ts honours HH_ARTIFACTS), i.e. `artifacts/`.
    artifacts: resolve(values.artifacts ?? env.SUBGRAPH_ARTIFACTS) ?? path.resolve(root, env.HH_ARTIFACTS || "artifacts"),
    graphNetwork: values["graph-network"] ?? (env.SUBGRAPH_GRAPH_NETWORK || undefined),
    placeholder: values.placeholder ?? (env.SUBGRAPH_PLACEHOLDER === "1" || env.SUBGRAPH_PLACEHOLDER === "true"),
    root,
    subgraphDir,
    log: (line) => console.log(`[subgraph:prepare] ${line}`),
  });
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(`[subgraph:prepare] ${(err as Error).message}`);
    process.exit(1);
  }
}
