/**
 * The local graph host on the real Agora subgraph (subgraph/): indexing throughput in events per second and the
 * discovery query's p50/p95 latency, over 1,000 and over 10,000 listings of real Agora contracts.
 *
 * Chain: one fresh deployment on the in-process Hardhat network, served over HTTP JSON-RPC on a free 127.0.0.1
 * port (the indexer reads logs and blocks over HTTP, as it would from a node). 100 provider agents publish the
 * listings (1 to 3 capability tags out of 50, prices $0.001 to $1), `TXS_PER_BLOCK` (50) transactions to a block, and
 * their reputations differ: after each publication phase provider `i` completes `i mod 4` paid jobs (one
 * transaction per block), so `providerScore` varies and the ledger events update the listings' denormalised
 * provider fields. For each size the whole chain is indexed from the deployment block by a new host (median of
 * `runs` runs), then the GraphQL endpoint answers the discovery query over HTTP: listings offering a capability,
 * Active, under a price, best provider score first, first 20.
 */
import path from "node:path";
import { ethers, network, run } from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { buildSubgraph, GraphHost, httpRpc } from "../../graph-host";
import { prepare } from "../../subgraph/scripts/prepare";
import { USDC } from "../../test/fixtures/agora";
import { Pricing, RESULT, withEscrowFixture } from "../../test/fixtures/jobs";
import { fromBalance } from "../../test/helpers/funding";
import { type Figure, type Goal, figure, median, notMeasured, percentile } from "./figures";

export const INDEXING_GOAL: Goal = { op: ">=", limit: 1_000 };
export const QUERY_P95_GOAL: Goal = { op: "<=", limit: 50 };

const ROOT = path.resolve(__dirname, "..", "..");
const SUBGRAPH_DIR = path.join(ROOT, "subgraph");
const DATA_SOURCES = ["AgentRegistry", "ListingRegistry", "AgoraVault", "ReputationLedger", "JobEscrow", "PaymentChannels"];
const PROVIDERS = 100;
const TAGS = 50;
const QUERIES = 300;
const WARMUP = 20;

export const DISCOVERY_QUERY = `query Discover($capability: String!, $maxPrice: BigInt!) {
  listings(first: 20, where: { capabilities_contains: [$capability], status: Active, price_lte: $maxPrice },
           orderBy: providerScore, orderDirection: desc) {
    id price providerScore providerLatencyP90 provider { id }
  }
}`;

export interface JsonRpcServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

/** Serves the in-process Hardhat network over HTTP JSON-RPC on a free port (as `hardhat node` would). */
export async function serveHardhatRpc(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = (await run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: network.provider })) as JsonRpcServer;
  const { port } = await server.listen();
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Sends `query` with `variables(i)` `count` times over HTTP after `warmup` unmeasured ones; latencies in ms, sorted. */
export async function timeQueries(
  url: string,
  query: string,
  variables: (i: number) => Record<string, unknown>,
  check: (data: Record<string, unknown[]>) => boolean,
  count = QUERIES,
  warmup = WARMUP,
): Promise<number[]> {
  const ask = async (i: number): Promise<number> => {
    const body = JSON.stringify({ query, variables: variables(i) });
    const t0 = process.hrtime.bigint();
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const json = (await res.json()) as { data?: Record<string, unknown[]>; errors?: unknown };
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (!json.data || !check(json.data)) throw new Error(`bad answer: ${JSON.stringify(json).slice(0, 300)}`);
    return ms;
  };
  for (let i = 0; i < warmup; i++) await ask(i);
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await ask(i));
  return times.sort((a, b) => a - b);
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Transactions per block of the bench chain: Base blocks carry hundreds, so one per block would overstate block reads. */
export const TXS_PER_BLOCK = 50;

/**
 * Sends `count` transactions from `signer` (explicit nonces, not awaited one by one) and mines them
 * `TXS_PER_BLOCK` to a block, with automine off meanwhile.
 */
async function inBlocks(
  signer: { getNonce(): Promise<number> },
  count: number,
  send: (i: number, nonce: number) => Promise<unknown>,
): Promise<void> {
  let nonce = await signer.getNonce();
  await network.provider.send("evm_setAutomine", [false]);
  try {
    for (let first = 0; first < count; first += TXS_PER_BLOCK) {
      const batch: Promise<unknown>[] = [];
      for (let i = first; i < Math.min(count, first + TXS_PER_BLOCK); i++) batch.push(send(i, nonce++));
      await Promise.all(batch);
      await network.provider.send("evm_mine", []);
    }
  } finally {
    await network.provider.send("evm_setAutomine", [true]);
  }
}

export interface GraphSizeResult {
  listings: number;
  events: number;
  eventsPerSecond: number;
  indexingRuns: number[];
  p50: number;
  p95: number;
}

export interface GraphBenchOptions {
  sizes?: readonly number[];
  /** Indexing runs per size (median reported; default 3). */
  runs?: number;
  log?: (line: string) => void;
}

function figuresOf(results: readonly GraphSizeResult[]): Figure[] {
  const out: Figure[] = [];
  for (const r of results) {
    const n = r.listings.toLocaleString("en-US");
    const is10k = r.listings >= 10_000;
    out.push(
      figure(`graph host indexing, Agora subgraph, ${n} listings (${r.events.toLocaleString("en-US")} events)`, r.eventsPerSecond, "events/s", INDEXING_GOAL, `median of ${r.indexingRuns.length} runs: ${r.indexingRuns.join(", ")}`),
      figure(`discovery query p50, ${n} listings`, Number(r.p50.toFixed(2)), "ms", undefined, `${QUERIES} queries over HTTP`),
      figure(`discovery query p95, ${n} listings`, Number(r.p95.toFixed(2)), "ms", is10k ? QUERY_P95_GOAL : undefined, `${QUERIES} queries over HTTP`),
    );
  }
  return out;
}

/** The rows printed when the graph host or the subgraph is not ready: no figure is invented. */
export function graphNotMeasured(reason: string, sizes: readonly number[] = [1_000, 10_000]): Figure[] {
  const out: Figure[] = [];
  for (const size of sizes) {
    const n = size.toLocaleString("en-US");
    out.push(
      notMeasured(`graph host indexing, Agora subgraph, ${n} listings`, "events/s", INDEXING_GOAL, reason),
      notMeasured(`discovery query p50, ${n} listings`, "ms", undefined, reason),
      notMeasured(`discovery query p95, ${n} listings`, "ms", size >= 10_000 ? QUERY_P95_GOAL : undefined, reason),
    );
  }
  return out;
}

/** Builds the Agora subgraph (placeholder manifest; the host points it at the fresh deployment in memory). */
export async function buildAgoraSubgraph(): Promise<string> {
  prepare({
    network: "hardhat",
    artifacts: path.resolve(ROOT, process.env.HH_ARTIFACTS ?? "artifacts"),
    placeholder: true,
    root: ROOT,
    subgraphDir: SUBGRAPH_DIR,
    log: () => {},
  });
  return (await buildSubgraph({ subgraphDir: SUBGRAPH_DIR })).outputDir;
}

export async function benchAgoraGraph(options: GraphBenchOptions = {}): Promise<{ figures: Figure[]; results: GraphSizeResult[] }> {
  const sizes = [...(options.sizes ?? [1_000, 10_000])].sort((a, b) => a - b);
  const runs = options.runs ?? 3;
  const log = options.log ?? (() => {});
  let buildDir: string;
  try {
    buildDir = await buildAgoraSubgraph();
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split("\n").find((l) => l.trim() !== "") ?? "unknown error";
    return { figures: graphNotMeasured(`the Agora subgraph does not build (${first.slice(0, 160)})`, sizes), results: [] };
  }

  const rpcServer = await serveHardhatRpc();
  try {
    const f = await withEscrowFixture();
    const { escrow, listings, registry, clientOwner, clientOperator, stranger, clientId } = f;
    const dataSources: Record<string, { address: string; startBlock: number }> = {};
    for (const name of DATA_SOURCES) {
      const c = f.manifest.contracts[name];
      dataSources[name] = { address: c.address, startBlock: c.blockNumber };
    }
    await f.deposit(clientOwner, clientId, 20_000n * USDC);
    const firstListing = Number(await listings.totalListings()) + 1;

    // Providers: agents owned by `stranger` (a different owner from the client's, so their jobs count).
    const providers: bigint[] = [];
    const firstProvider = Number(await registry.totalAgents()) + 1;
    await inBlocks(stranger, PROVIDERS, (i, nonce) => registry.connect(stranger)["register(string)"](`ipfs://provider-${i}`, { nonce, gasLimit: 500_000n }));
    for (let i = 0; i < PROVIDERS; i++) providers.push(BigInt(firstProvider + i));
    if (Number(await registry.totalAgents()) !== firstProvider + PROVIDERS - 1) throw new Error("graph bench: registrations failed");
    const tags = Array.from({ length: TAGS }, (_, i) => ethers.id(`capability-${i}`));
    const random = prng(42);
    let published = 0;
    const publishUpTo = async (target: number) => {
      const from = published;
      await inBlocks(stranger, target - from, (k, nonce) => {
        const n = from + k;
        const count = 1 + Math.floor(random() * 3);
        const caps = new Set<string>();
        while (caps.size < count) caps.add(tags[Math.floor(random() * TAGS)]);
        const price = BigInt(1_000 + Math.floor(random() * 999_000));
        // Each provider's first listing is Quoted: its reputation jobs below pay more than the floor.
        const pricing = n < PROVIDERS ? Pricing.Quoted : Pricing.Fixed;
        const params = f.listingParams({ capabilities: [...caps], price, pricing, metadataURI: `ipfs://listing-${n}` });
        return listings.connect(stranger).publish(providers[n % PROVIDERS], params, { nonce, gasLimit: 500_000n });
      });
      published = target;
      if (Number(await listings.totalListings()) !== firstListing - 1 + target) throw new Error("graph bench: publications failed");
    };

    const results: GraphSizeResult[] = [];
    for (const size of sizes) {
      log(`  graph: publishing up to ${size.toLocaleString("en-US")} listings`);
      await publishUpTo(size);
      {
        // Reputation after the listings exist, so ledger events update listings too: after each publication phase,
        // provider i completes i mod 4 jobs of $10 to $70 on its first (Quoted) listing.
        log("  graph: completing jobs so provider scores differ");
        for (let i = 0; i < PROVIDERS; i++) {
          for (let j = 0; j < i % 4; j++) {
            const listingId = BigInt(firstListing + i);
            const maxPrice = BigInt(10 + 10 * (i % 7)) * USDC;
            await (await escrow.connect(clientOperator).createJob(await f.jobParams(listingId, { maxPrice }), fromBalance())).wait();
            const jobId = await escrow.totalJobs();
            await (await escrow.connect(stranger).deliver(jobId, RESULT, "ipfs://result")).wait();
            await (await escrow.connect(clientOperator).approve(jobId)).wait();
          }
        }
      }

      const indexingRuns: number[] = [];
      let host: GraphHost | undefined;
      let events = 0;
      for (let r = 0; r < runs; r++) {
        if (host) await host.stop();
        host = GraphHost.load({ buildDir, rpc: httpRpc(rpcServer.url), dataSources, logger: () => {} });
        const started = process.hrtime.bigint();
        await host.indexer.syncToHead();
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (host.indexer.failed) throw new Error(`indexing failed: ${JSON.stringify(host.indexer.failed).slice(0, 300)}`);
        events = host.indexer.eventsProcessed;
        indexingRuns.push(Math.round(events / seconds));
      }
      if (!host) throw new Error("no host");
      const indexed = host.store.count("Listing");
      if (indexed !== size + firstListing - 1) throw new Error(`expected ${size + firstListing - 1} listings, indexed ${indexed}`);
      log(`  graph: ${size} listings indexed, ${events} events; querying`);
      const server = await host.listen({ port: 0 });
      const times = await timeQueries(
        server.url,
        DISCOVERY_QUERY,
        (i) => ({ capability: tags[i % TAGS], maxPrice: String(300_000 + (i % 7) * 100_000) }),
        (data) => Array.isArray(data.listings) && data.listings.length > 0,
      );
      await host.stop();
      results.push({ listings: size, events, eventsPerSecond: median(indexingRuns), indexingRuns, p50: percentile(times, 50), p95: percentile(times, 95) });
    }
    return { figures: figuresOf(results), results };
  } finally {
    await rpcServer.close();
  }
}
