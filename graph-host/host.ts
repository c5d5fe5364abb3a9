/**
 * The graph host: a built subgraph, an in-memory store, an indexer following a JSON-RPC node and the query API.
 *
 * ```ts
 * const host = GraphHost.load({ buildDir: "subgraph/build", rpc: httpRpc("http://127.0.0.1:8545") });
 * host.start();
 * const server = await host.listen({ port: 8000 });   // http://127.0.0.1:8000/subgraphs/name/agora
 * ```
 */
import { readFileSync } from "node:fs";
import { QueryEngine, type Json, type QueryResult } from "./graphql";
import { Indexer, type LogEntry } from "./indexer";
import { applyNetworks, loadManifest, type Manifest } from "./manifest";
import { httpRpc, type RpcClient } from "./rpc";
import { Schema } from "./schema";
import { serve, type RunningServer, type ServerOptions } from "./server";
import { EntityStore } from "./store";

export interface GraphHostOptions {
  /** A `graph build` output directory (ignored when `manifest` is given). */
  readonly buildDir?: string;
  readonly manifest?: Manifest;
  /** JSON-RPC endpoint URL, or a client. */
  readonly rpcUrl?: string;
  readonly rpc?: RpcClient;
  /** Apply `networks.json`-style overrides (address, startBlock per data source) in memory. */
  readonly networks?: { readonly file: string; readonly network: string };
  /** In-memory overrides per data source name, applied after `networks` (tests deploy to fresh addresses). */
  readonly dataSources?: Readonly<Record<string, { readonly address?: string; readonly startBlock?: number }>>;
  readonly logger?: (entry: LogEntry) => void;
  readonly pollIntervalMs?: number;
  readonly blockRange?: number;
  /** Reported as `_meta.deployment` (default: the build directory). */
  readonly deployment?: string;
}

export class GraphHost {
  readonly schema: Schema;
  readonly store: EntityStore;
  readonly indexer: Indexer;
  readonly queries: QueryEngine;
  private readonly rpc: RpcClient;
  private readonly ownsRpc: boolean;
  private servers: RunningServer[] = [];

  private constructor(readonly manifest: Manifest, options: GraphHostOptions) {
    this.schema = new Schema(manifest.schemaSource);
    this.store = new EntityStore(this.schema);
    if (options.rpc) this.rpc = options.rpc;
    else if (options.rpcUrl) this.rpc = httpRpc(options.rpcUrl);
    else throw new Error("GraphHost: give rpc or rpcUrl");
    this.ownsRpc = !options.rpc;
    this.indexer = new Indexer(manifest, this.schema, this.store, {
      rpc: this.rpc,
      pollIntervalMs: options.pollIntervalMs,
      blockRange: options.blockRange,
      logger: options.logger,
    });
    const indexer = this.indexer;
    this.queries = new QueryEngine(this.schema, this.store, {
      block: () => indexer.block,
      hasIndexingErrors: () => indexer.failed !== null,
      deployment: options.deployment ?? manifest.dir,
    });
  }

  /**
   * Loads the build, parses the schema and compiles every mapping. Throws `MissingImportsError` when a WASM
   * imports a host function this host lacks.
   */
  static load(options: GraphHostOptions): GraphHost {
    const manifest = options.manifest ?? loadManifest(options.buildDir ?? "subgraph/build");
    if (options.networks) {
      applyNetworks(manifest, JSON.parse(readFileSync(options.networks.file, "utf8")) as unknown, options.networks.network);
    }
    if (options.dataSources) applyNetworks(manifest, { overrides: options.dataSources }, "overrides");
    return new GraphHost(manifest, options);
  }

  /** Starts following the chain. */
  start(): void {
    this.indexer.start();
  }

  /** Serves the query API; port 0 picks a free port. */
  async listen(options: ServerOptions): Promise<RunningServer> {
    const server = await serve(this.queries, options);
    this.servers.push(server);
    return server;
  }

  query(query: string, variables?: Record<string, Json>): QueryResult {
    return this.queries.execute(query, variables ?? null);
  }

  async stop(): Promise<void> {
    await this.indexer.stop();
    await Promise.all(this.servers.map((s) => s.close()));
    this.servers = [];
    if (this.ownsRpc) this.rpc.destroy?.();
  }
}
