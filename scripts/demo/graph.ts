/**
 * The embedded indexer of `npm start`: builds the Agora subgraph (`subgraph/`, skipped when its inputs did not
 * change) and runs the graph host (`graph-host/`) in this process, with every data source pointed at the fresh
 * deployment in memory, serving graph-node's query API on 127.0.0.1:<GRAPH_PORT>/subgraphs/name/agora.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { DeploymentManifest } from "../../deploy";

/** The data sources of the subgraph manifest, named after their contracts. */
const DATA_SOURCES = ["AgentRegistry", "ListingRegistry", "AgoraVault", "ReputationLedger", "JobEscrow", "PaymentChannels"] as const;

export interface RunningGraph {
  /** `http://127.0.0.1:<port>/subgraphs/name/agora` */
  url: string;
  stop(): Promise<void>;
}

export interface StartGraphParameters {
  root: string;
  rpcUrl: string;
  manifest: DeploymentManifest;
  port: number;
  log: (line: string) => void;
}

/**
 * Builds and starts the graph host. Throws with a plain reason when it cannot (graph host or subgraph missing,
 * build failure, port taken); `npm start` then falls back to reading the contracts and says so.
 */
export async function startGraph(p: StartGraphParameters): Promise<RunningGraph> {
  const subgraphDir = path.join(p.root, "subgraph");
  const hostDir = path.join(p.root, "graph-host");
  if (!existsSync(path.join(hostDir, "index.ts"))) throw new Error("graph-host/ is not in this checkout");
  if (!existsSync(path.join(subgraphDir, "subgraph.template.yaml"))) throw new Error("subgraph/ has no subgraph.template.yaml");

  // Loaded lazily: both directories are optional for the rest of npm start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prepareModule = require(path.join(subgraphDir, "scripts", "prepare")) as typeof import("../../subgraph/scripts/prepare");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const host = require(hostDir) as typeof import("../../graph-host");

  const started = Date.now();
  // The same placeholder build the subgraph tests use (addresses are applied in memory below), so the build cache
  // is shared and a second start does not rebuild.
  prepareModule.prepare({
    network: "hardhat",
    artifacts: path.resolve(p.root, process.env.HH_ARTIFACTS ?? "artifacts"),
    placeholder: true,
    root: p.root,
    subgraphDir,
    log: () => {},
  });
  const { outputDir, rebuilt } = await host.buildSubgraph({ subgraphDir });
  p.log(`  subgraph ${rebuilt ? "built" : "build up to date"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const dataSources: Record<string, { address: string; startBlock: number }> = {};
  for (const name of DATA_SOURCES) {
    const c = p.manifest.contracts[name];
    if (!c) throw new Error(`the deployment has no ${name}`);
    dataSources[name] = { address: c.address, startBlock: c.blockNumber };
  }
  const graph = host.GraphHost.load({
    buildDir: outputDir,
    rpcUrl: p.rpcUrl,
    dataSources,
    pollIntervalMs: 200,
    logger: (e) => {
      if (e.level === "CRITICAL" || e.level === "ERROR") p.log(`  [graph-host ${e.level}] ${e.dataSource} block ${e.block}: ${e.message}`);
    },
  });
  const server = await graph.listen({ port: p.port, host: "127.0.0.1", name: "agora" });
  graph.start();
  return { url: server.url, stop: () => graph.stop() };
}
