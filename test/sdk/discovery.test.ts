import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers, network } from "hardhat";
import path from "node:path";
import { deployAgora } from "../../deploy";
import { buildSubgraph, GraphHost, type RpcClient } from "../../graph-host";
import {
  AgoraError,
  acceptSync,
  addressesFromManifest,
  approveSync,
  approveVaultSync,
  createAgoraClient,
  createGraphClient,
  deliverSync,
  depositSync,
  findProviders,
  getAgentProfile,
  getIndexingStatus,
  getLeaderboard,
  getOpenJobs,
  getReputation,
  giveFeedbackSync,
  hireSync,
  mintUsdcSync,
  publishListingSync,
  registerAgentSync,
  waitForIndexed,
  type AgoraClient,
  type GraphClient,
} from "../../sdk/src";
import { prepare } from "../../subgraph/scripts/prepare";

const ROOT = path.resolve(__dirname, "..", "..");
const USDC = 1_000_000n;

/** The Hardhat network's own provider as the graph host's JSON-RPC client. */
const rpc: RpcClient = { send: (method, params) => network.provider.send(method, [...params]) as Promise<unknown> };

/**
 * Three providers of "translate.en-fr" with different prices and histories, one client, and the graph host
 * indexing them, queried over HTTP through the SDK's GraphQL client.
 */
describe("SDK discovery (subgraph through the graph host)", function () {
  let host: GraphHost;
  let graph: GraphClient;
  let close: () => Promise<void>;
  let client: AgoraClient;
  const ids: Record<string, bigint> = {};
  const listing: Record<string, bigint> = {};
  let openJobId = 0n;

  before(async function () {
    this.timeout(600_000);
    prepare({ network: "hardhat", artifacts: path.resolve(ROOT, process.env.HH_ARTIFACTS ?? "artifacts"), placeholder: true, root: ROOT, subgraphDir: path.join(ROOT, "subgraph"), log: () => {} });
    const { outputDir } = await buildSubgraph({ subgraphDir: path.join(ROOT, "subgraph") });

    const [deployer, buyer, fast, slow, cheap] = await ethers.getSigners();
    const manifest = await deployAgora({ network: "hardhat", deployer });
    const addresses = addressesFromManifest(manifest);
    const as = (s: HardhatEthersSigner): AgoraClient => createAgoraClient({ addresses, signer: s });
    client = as(buyer);
    const admin = as(deployer);
    await mintUsdcSync(admin, { to: buyer.address, amount: 10_000n * USDC });
    for (const [name, signer] of [["buyer", buyer], ["fast", fast], ["slow", slow], ["cheap", cheap]] as const) {
      ids[name] = (await registerAgentSync(as(signer), { uri: `https://agents.example/${name}.json` })).agentId;
    }
    await approveVaultSync(client, { amount: 10_000n * USDC });
    await depositSync(client, { agentId: ids.buyer, amount: 5_000n * USDC });
    for (const [name, signer, price] of [["fast", fast, 300n], ["slow", slow, 200n], ["cheap", cheap, 5n]] as const) {
      listing[name] = (
        await publishListingSync(as(signer), {
          providerId: ids[name],
          capabilities: ["translate.en-fr", name === "cheap" ? "summarize" : "proofread"],
          price: price * USDC,
          slaSeconds: 86_400,
          reviewWindow: 3600,
          arbitrator: addresses.committeeArbitrator,
        })
      ).listingId;
    }
    // fast: three jobs delivered in 2 minutes; slow: two jobs delivered in 5 hours; cheap: nothing yet.
    for (const [name, signer, rounds, latency] of [["fast", fast, 3, 120], ["slow", slow, 2, 5 * 3600]] as const) {
      for (let i = 0; i < rounds; i++) {
        const { jobId } = await hireSync(client, { clientId: ids.buyer, listingId: listing[name], maxPrice: (name === "fast" ? 300n : 200n) * USDC });
        await acceptSync(as(signer), { jobId });
        await time.increase(latency);
        await deliverSync(as(signer), { jobId, result: `r${i}` });
        await approveSync(client, { jobId });
        await giveFeedbackSync(client, { jobId, score: name === "fast" ? 95 : 60 });
      }
    }
    openJobId = (await hireSync(client, { clientId: ids.buyer, listingId: listing.cheap, maxPrice: 5n * USDC })).jobId;

    const ds = (name: string) => ({ address: manifest.contracts[name]!.address, startBlock: manifest.contracts[name]!.blockNumber });
    host = GraphHost.load({
      buildDir: outputDir,
      rpc,
      logger: () => {},
      dataSources: Object.fromEntries(["AgentRegistry", "ListingRegistry", "AgoraVault", "ReputationLedger", "JobEscrow", "PaymentChannels"].map((n) => [n, ds(n)])),
    });
    await host.indexer.syncToHead();
    const server = await host.listen({ port: 0, host: "127.0.0.1", name: "agora" });
    graph = createGraphClient({ url: server.url });
    close = async () => host.stop();
  });

  after(async function () {
    await close?.();
  });

  it("reports how far it has indexed", async function () {
    const head = await ethers.provider.getBlockNumber();
    const status = await waitForIndexed(graph, head, { timeoutMs: 10_000 });
    expect(status.block).to.equal(head);
    expect((await getIndexingStatus(graph)).hasIndexingErrors).to.equal(false);
  });

  it("finds the providers of a capability, best reputation first, with the score the ledger computes", async function () {
    const offers = await findProviders(graph, { capability: "translate.en-fr" });
    expect(offers.map((o) => o.providerId)).to.deep.equal([ids.fast, ids.slow, ids.cheap]);
    for (const o of offers) expect(BigInt(o.providerScore)).to.equal((await getReputation(client, o.providerId)).score);
    expect(offers[0]?.providerLatencyP90).to.equal(300n);
    expect(offers[0]?.providerUri).to.equal("https://agents.example/fast.json");
  });

  it("filters by price, p90 latency, several capabilities and score", async function () {
    expect((await findProviders(graph, { capability: "translate.en-fr", maxPrice: 250n * USDC })).map((o) => o.providerId)).to.deep.equal([ids.slow, ids.cheap]);
    expect((await findProviders(graph, { capability: "translate.en-fr", maxLatencyP90: 3600n })).map((o) => o.providerId)).to.deep.equal([ids.fast, ids.cheap]);
    expect((await findProviders(graph, { capability: ["translate.en-fr", "summarize"] })).map((o) => o.providerId)).to.deep.equal([ids.cheap]);
    expect((await findProviders(graph, { capability: "translate.en-fr", minScore: 1 })).map((o) => o.providerId)).to.deep.equal([ids.fast, ids.slow]);
    expect(await findProviders(graph, { capability: "nobody.offers.this" })).to.deep.equal([]);
  });

  it("returns an agent's profile with its history, or null for an unknown agent", async function () {
    const profile = await getAgentProfile(graph, ids.fast);
    expect(profile?.reputation.completed).to.equal(3);
    expect(profile?.jobsAsProvider.map((j) => j.state)).to.deep.equal(["Completed", "Completed", "Completed"]);
    expect(profile?.feedbackReceived.map((f) => f.score)).to.deep.equal([95, 95, 95]);
    expect(profile?.listings.map((l) => l.listingId)).to.deep.equal([listing.fast]);
    const buyer = await getAgentProfile(graph, ids.buyer, { history: 2 });
    expect(buyer?.jobsAsClient.length).to.equal(2);
    expect(buyer?.reputation.volumeSpent).to.equal((await getReputation(client, ids.buyer)).volumeSpent);
    expect(await getAgentProfile(graph, 999n)).to.equal(null);
  });

  it("lists open jobs, per provider", async function () {
    const open = await getOpenJobs(graph);
    expect(open.map((j) => j.jobId)).to.deep.equal([openJobId]);
    expect(open[0]).to.deep.include({ state: "Funded", providerId: ids.cheap, clientId: ids.buyer, amount: 5n * USDC });
    expect(await getOpenJobs(graph, { providerId: ids.fast })).to.deep.equal([]);
  });

  it("ranks the leaderboard by score", async function () {
    const board = await getLeaderboard(graph, { first: 10 });
    expect(board.slice(0, 2).map((r) => r.agentId)).to.deep.equal([ids.fast, ids.slow]);
    const scores = board.map((r) => r.score);
    expect(scores).to.deep.equal([...scores].sort((a, b) => b - a));
  });

  it("reports GraphQL errors and unreachable endpoints as AgoraError", async function () {
    const bad = await graph.request("{ nosuchentity { id } }").catch((e: unknown) => e);
    expect(bad).to.be.instanceOf(AgoraError);
    expect((bad as AgoraError).code).to.equal("SUBGRAPH");
    const down = await getLeaderboard(createGraphClient({ url: "http://127.0.0.1:1/subgraphs/name/agora", timeoutMs: 2000 })).catch((e: unknown) => e);
    expect((down as AgoraError).code).to.equal("NETWORK");
  });
});
