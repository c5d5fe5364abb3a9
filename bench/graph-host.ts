/**
 * Graph host benchmark (not a test): indexing throughput and discovery-query latency over 10,000 entities.
 *
 *   HH_ARTIFACTS=artifacts-h5 HH_CACHE=cache-h5 npx hardhat run bench/graph-host.ts
 *
 * It serves the in-process Hardhat network over JSON-RPC on a free 127.0.0.1 port, deploys GraphProbe, emits
 * 10,000 `ItemListed` events (through `listMany`), builds the probe subgraph (cached), then:
 *   1. indexes them from the deployment block with the graph host, reading logs and blocks over HTTP JSON-RPC,
 *      and reports handler calls per second (each handler reads one entity and writes two);
 *   2. serves the GraphQL endpoint and sends discovery queries over HTTP (filter by tag and price, order by
 *      score, first 20), reporting p50 and p95 latency.
 * Prints a table and, with BENCH_JSON=1, a JSON array `[{ name, value, unit, goal, met }]`. `npm run bench` also
 * reports these figures (as "GraphProbe synthetic"), beside the same measurement on the real Agora subgraph
 * (`bench/lib/graph.ts`, whose JSON-RPC server and query timing this script shares).
 */
import path from "node:path";
import { ethers } from "hardhat";
import { buildSubgraph, GraphHost, httpRpc } from "../graph-host";
import { GraphProbe__factory } from "../typechain-types";
import { percentile } from "./lib/figures";
import { serveHardhatRpc, timeQueries } from "./lib/graph";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 10_000);
const PER_TX = 1_000;
const QUERIES = 300;
const WARMUP = 20;

export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly goal: string;
  readonly met: boolean;
}

export async function benchGraphHost(): Promise<BenchFigure[]> {
  const log = (m: string): void => { if (process.env.BENCH_DEBUG) console.log(`[bench] ${m}`); };
  const { outputDir } = await buildSubgraph({ subgraphDir: path.join(__dirname, "..", "subgraph-probe") });
  const rpcServer = await serveHardhatRpc();
  log(`json-rpc on ${rpcServer.url}`);
  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error("no signer");
  const probe = await new GraphProbe__factory(deployer).deploy();
  const deployment = await probe.deploymentTransaction()?.wait();
  if (!deployment) throw new Error("deployment not mined");
  const tagPool = Array.from({ length: 50 }, (_, i) => ethers.id(`capability-${i}`));
  for (let first = 0; first < ITEMS; first += PER_TX) {
    await (await probe.listMany(first, Math.min(PER_TX, ITEMS - first), tagPool, 1_000n, { gasLimit: 16_000_000n })).wait();
    log(`listed ${first + PER_TX}`);
  }

  const rpc = httpRpc(rpcServer.url);
  const timedRpc = {
    send: async (method: string, params: readonly unknown[]): Promise<unknown> => {
      const t0 = Date.now();
      const r = await rpc.send(method, params);
      log(`${method} ${Date.now() - t0} ms`);
      return r;
    },
  };
  const host = GraphHost.load({
    buildDir: outputDir,
    rpc: process.env.BENCH_DEBUG ? timedRpc : rpc,
    dataSources: { GraphProbe: { address: await probe.getAddress(), startBlock: deployment.blockNumber } },
  });
  log("indexing");
  const started = process.hrtime.bigint();
  await host.indexer.syncToHead();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log(`indexed ${host.indexer.eventsProcessed} events in ${seconds.toFixed(2)} s`);
  if (host.indexer.failed) throw new Error(`indexing failed: ${host.indexer.failed.message}`);
  const events = host.indexer.eventsProcessed;
  const items = host.store.count("Item");
  if (items !== ITEMS) throw new Error(`expected ${ITEMS} items, indexed ${items}`);

  const server = await host.listen({ port: 0 });
  const query = `query Discover($tag: Bytes!, $maxPrice: BigInt!) {
    items(first: 20, where: { tags_contains: [$tag], price_lt: $maxPrice }, orderBy: score, orderDirection: desc) {
      id price priceUsd score name owner { id }
    }
  }`;
  const times = await timeQueries(
    server.url,
    query,
    (i) => ({ tag: tagPool[i % tagPool.length], maxPrice: String(400_000 + (i % 7) * 50_000) }),
    (data) => Array.isArray(data.items) && data.items.length > 0,
    QUERIES,
    WARMUP,
  );
  await host.stop();
  rpc.destroy?.();
  await rpcServer.close();

  const eventsPerSecond = Math.round(events / seconds);
  const p50 = Number(percentile(times, 50).toFixed(2));
  const p95 = Number(percentile(times, 95).toFixed(2));
  return [
    { name: "graph host indexing", value: eventsPerSecond, unit: "events/s", goal: ">= 1000", met: eventsPerSecond >= 1000 },
    { name: "discovery query p50 (10,000 entities)", value: p50, unit: "ms", goal: "(p95 is the goal)", met: true },
    { name: "discovery query p95 (10,000 entities)", value: p95, unit: "ms", goal: "<= 50", met: p95 <= 50 },
  ];
}

if (require.main === module) {
  benchGraphHost()
    .then((figures) => {
      for (const f of figures) {
        console.log(`${f.name.padEnd(42)} ${String(f.value).padStart(10)} ${f.unit.padEnd(9)} goal ${f.goal.padEnd(18)} ${f.met ? "met" : "NOT MET"}`);
      }
      if (process.env.BENCH_JSON === "1") console.log(JSON.stringify(figures));
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
