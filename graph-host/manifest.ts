/**
 * Loads a built subgraph (the output directory of `graph build`): `subgraph.yaml`, the schema, the ABIs and the
 * compiled WASM of each data source and template, and matches every event handler to its ABI event.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Interface, type EventFragment } from "ethers";
import { parse as parseYaml } from "yaml";
import { BigDecimal, HostError, normalizeHex, parseBigInt, type Entity, type Value } from "./values";
import { parseApiVersion, type ApiVersion } from "./wasm/ethereum";

export interface EventHandlerDef {
  /** The signature as written in the manifest. */
  readonly event: string;
  readonly handler: string;
  readonly topic0: string;
  readonly fragment: EventFragment;
  /** Whether the handler wants the transaction receipt (`receipt: true`). */
  readonly receipt: boolean;
  /** `topic1`..`topic3` filters (lowercase 32-byte hex values), null when absent. */
  readonly topicFilters: readonly [readonly string[] | null, readonly string[] | null, readonly string[] | null];
}

export type BlockFilter = { readonly kind: "every" } | { readonly kind: "once" } | { readonly kind: "polling"; readonly every: number };

export interface BlockHandlerDef {
  readonly handler: string;
  readonly filter: BlockFilter;
}

export interface MappingDef {
  readonly apiVersion: ApiVersion;
  readonly wasmFile: string;
  readonly wasm: Uint8Array;
  readonly abis: ReadonlyMap<string, Interface>;
  readonly eventHandlers: readonly EventHandlerDef[];
  readonly blockHandlers: readonly BlockHandlerDef[];
}

export interface DataSourceDef {
  readonly kind: string;
  readonly name: string;
  readonly network: string;
  /** Lowercase hex address, or null for data sources that match any address. */
  address: string | null;
  readonly abi: string;
  startBlock: number;
  readonly endBlock: number | null;
  readonly context: Entity | null;
  readonly mapping: MappingDef;
}

export interface TemplateDef {
  readonly kind: string;
  readonly name: string;
  readonly network: string;
  readonly abi: string;
  readonly mapping: MappingDef;
}

export interface Manifest {
  readonly dir: string;
  readonly specVersion: string;
  readonly schemaSource: string;
  readonly dataSources: DataSourceDef[];
  readonly templates: readonly TemplateDef[];
  readonly network: string;
}

type Yaml = Record<string, unknown>;

function obj(v: unknown, where: string): Yaml {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new HostError(`manifest: ${where} must be a mapping`);
  return v as Yaml;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown, where: string): string {
  if (typeof v !== "string") throw new HostError(`manifest: ${where} must be a string`);
  return v;
}

/** Normalises an event signature: no spaces, `indexed` marks kept, `tuple(` written as `(`. */
function normalizeSignature(sig: string): string {
  return sig.replace(/\s+/g, "").replace(/tuple\(/g, "(").replace(/([(,])indexed/g, "$1indexed ");
}

function graphSignature(f: EventFragment): string {
  return `${f.name}(${f.inputs.map((p) => `${p.indexed ? "indexed " : ""}${p.format("sighash")}`).join(",")})`;
}

function findEvent(abi: Interface, signature: string, where: string): EventFragment {
  const wanted = normalizeSignature(signature);
  const withoutIndexed = wanted.replace(/indexed /g, "");
  let byTopic: EventFragment | null = null;
  let exact: EventFragment | null = null;
  abi.forEachEvent((f) => {
    if (normalizeSignature(graphSignature(f)) === wanted) exact = f;
    else if (f.format("sighash") === withoutIndexed) byTopic = f;
  });
  const found = exact ?? byTopic;
  if (!found) throw new HostError(`manifest: ${where}: event \`${signature}\` is not in the ABI`);
  return found;
}

function topicFilter(v: unknown): readonly string[] | null {
  if (v === undefined || v === null) return null;
  const values = Array.isArray(v) ? v : [v];
  return values.map((x) => {
    const hex = normalizeHex(String(x));
    if (hex === null) throw new HostError(`manifest: topic filter value ${String(x)} is not hex`);
    return `0x${hex.slice(2).padStart(64, "0")}`;
  });
}

function loadMapping(dir: string, m: Yaml, where: string, mainAbi: string): MappingDef {
  const language = m["language"];
  if (language !== undefined && language !== "wasm/assemblyscript") throw new HostError(`manifest: ${where}: language ${String(language)} is not supported`);
  const apiVersion = parseApiVersion(str(m["apiVersion"], `${where}.apiVersion`));
  const wasmFile = path.resolve(dir, str(m["file"], `${where}.file`));
  const abis = new Map<string, Interface>();
  for (const a of list(m["abis"])) {
    const entry = obj(a, `${where}.abis[]`);
    const raw = JSON.parse(readFileSync(path.resolve(dir, str(entry["file"], `${where}.abis[].file`)), "utf8")) as unknown;
    const abi = Array.isArray(raw) ? raw : (obj(raw, "abi file")["abi"] as unknown[]);
    abis.set(str(entry["name"], `${where}.abis[].name`), new Interface(abi as never[]));
  }
  const abi = abis.get(mainAbi);
  if (list(m["callHandlers"]).length > 0) {
    throw new HostError(`manifest: ${where}: callHandlers need traces, which this host does not support`);
  }
  const eventHandlers = list(m["eventHandlers"]).map((h, i): EventHandlerDef => {
    const e = obj(h, `${where}.eventHandlers[${i}]`);
    const event = str(e["event"], `${where}.eventHandlers[${i}].event`);
    if (!abi) throw new HostError(`manifest: ${where}: ABI ${mainAbi} is not listed in mapping.abis`);
    const fragment = findEvent(abi, event, where);
    return {
      event,
      handler: str(e["handler"], `${where}.eventHandlers[${i}].handler`),
      topic0: fragment.topicHash,
      fragment,
      receipt: e["receipt"] === true,
      topicFilters: [topicFilter(e["topic1"]), topicFilter(e["topic2"]), topicFilter(e["topic3"])],
    };
  });
  const blockHandlers = list(m["blockHandlers"]).map((h, i): BlockHandlerDef => {
    const b = obj(h, `${where}.blockHandlers[${i}]`);
    const filter = b["filter"] === undefined ? null : obj(b["filter"], `${where}.blockHandlers[${i}].filter`);
    let f: BlockFilter = { kind: "every" };
    if (filter) {
      const kind = filter["kind"];
      if (kind === "once") f = { kind: "once" };
      else if (kind === "polling") f = { kind: "polling", every: Number(filter["every"]) };
      else throw new HostError(`manifest: ${where}: block handler filter kind ${String(kind)} is not supported`);
      if (f.kind === "polling" && !(f.every > 0)) throw new HostError(`manifest: ${where}: polling filter needs every > 0`);
    }
    return { handler: str(b["handler"], `${where}.blockHandlers[${i}].handler`), filter: f };
  });
  return { apiVersion, wasmFile, wasm: readFileSync(wasmFile), abis, eventHandlers, blockHandlers };
}

/** A manifest `context:` block (`{ key: { type, data } }`) as a DataSourceContext entity. */
export function parseContext(v: unknown): Entity | null {
  if (v === undefined || v === null) return null;
  const out: Entity = new Map();
  for (const [key, entry] of Object.entries(obj(v, "context"))) {
    out.set(key, contextValue(obj(entry, `context.${key}`), key));
  }
  return out;
}

function contextValue(e: Yaml, key: string): Value {
  const data = e["data"];
  switch (e["type"]) {
    case "Bool":
      return { kind: "Boolean", value: data === true };
    case "String":
      return { kind: "String", value: String(data) };
    case "Int":
      return { kind: "Int", value: Number(data) };
    case "Int8":
      return { kind: "Int8", value: BigInt(String(data)) };
    case "BigInt": {
      const n = parseBigInt(String(data));
      if (n === null) throw new HostError(`manifest: context.${key} is not a BigInt`);
      return { kind: "BigInt", value: n };
    }
    case "BigDecimal":
      return { kind: "BigDecimal", value: BigDecimal.fromString(String(data)) };
    case "Bytes": {
      const hex = normalizeHex(String(data));
      if (hex === null) throw new HostError(`manifest: context.${key} is not hex`);
      return { kind: "Bytes", value: hex };
    }
    case "List":
      return { kind: "List", value: list(data).map((x, i) => contextValue(obj(x, `context.${key}[${i}]`), key)) };
    default:
      throw new HostError(`manifest: context.${key} has unsupported type ${String(e["type"])}`);
  }
}

/** Loads a `graph build` output directory (or any directory with a built `subgraph.yaml`). */
export function loadManifest(buildDir: string, manifestFile = "subgraph.yaml"): Manifest {
  const dir = path.resolve(buildDir);
  const doc = obj(parseYaml(readFileSync(path.join(dir, manifestFile), "utf8")) as unknown, "subgraph.yaml");
  const schemaFile = str(obj(doc["schema"], "schema")["file"], "schema.file");
  const schemaSource = readFileSync(path.resolve(dir, schemaFile), "utf8");
  const dataSources = list(doc["dataSources"]).map((d, i): DataSourceDef => {
    const ds = obj(d, `dataSources[${i}]`);
    const kind = str(ds["kind"], `dataSources[${i}].kind`);
    if (kind !== "ethereum/contract" && kind !== "ethereum") throw new HostError(`manifest: data source kind ${kind} is not supported`);
    const name = str(ds["name"], `dataSources[${i}].name`);
    const source = obj(ds["source"], `${name}.source`);
    const address = source["address"] === undefined ? null : normalizeHex(str(source["address"], `${name}.source.address`));
    const abi = str(source["abi"], `${name}.source.abi`);
    return {
      kind,
      name,
      network: str(ds["network"], `${name}.network`),
      address,
      abi,
      startBlock: Number(source["startBlock"] ?? 0),
      endBlock: source["endBlock"] === undefined ? null : Number(source["endBlock"]),
      context: parseContext(ds["context"]),
      mapping: loadMapping(dir, obj(ds["mapping"], `${name}.mapping`), name, abi),
    };
  });
  const templates = list(doc["templates"]).map((t, i): TemplateDef => {
    const tp = obj(t, `templates[${i}]`);
    const name = str(tp["name"], `templates[${i}].name`);
    const source = obj(tp["source"], `${name}.source`);
    const abi = str(source["abi"], `${name}.source.abi`);
    return {
      kind: str(tp["kind"], `${name}.kind`),
      name,
      network: str(tp["network"], `${name}.network`),
      abi,
      mapping: loadMapping(dir, obj(tp["mapping"], `${name}.mapping`), name, abi),
    };
  });
  const networks = new Set(dataSources.map((d) => d.network));
  if (networks.size > 1) throw new HostError(`manifest: data sources use several networks (${[...networks].join(", ")})`);
  return {
    dir,
    specVersion: String(doc["specVersion"]),
    schemaSource,
    dataSources,
    templates,
    network: dataSources[0]?.network ?? templates[0]?.network ?? "mainnet",
  };
}

/**
 * Applies a graph-cli `networks.json` entry (`{ network: { DataSource: { address, startBlock } } }`) to a loaded
 * manifest, in memory: `graph build --network` does the same but rewrites subgraph.yaml on disk.
 */
export function applyNetworks(manifest: Manifest, networks: unknown, network: string): void {
  const entry = obj(obj(networks, "networks.json")[network], `networks.json.${network}`);
  for (const ds of manifest.dataSources) {
    const cfg = entry[ds.name];
    if (cfg === undefined) continue;
    const c = obj(cfg, `networks.json.${network}.${ds.name}`);
    if (c["address"] !== undefined) ds.address = normalizeHex(str(c["address"], "address"));
    if (c["startBlock"] !== undefined) ds.startBlock = Number(c["startBlock"]);
  }
}
