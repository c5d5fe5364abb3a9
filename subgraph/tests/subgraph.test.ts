/**
 * The compiled subgraph against real contracts on the Hardhat network, indexed by the local graph host
 * (graph-host/): real events → the WASM mappings → GraphQL answers, compared with the contracts' own views.
 *
 * Run: npx hardhat test subgraph/tests/subgraph.test.ts (builds the subgraph with a placeholder manifest first; the
 * host points each data source at the freshly deployed contracts in memory).
 */
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers, network } from "hardhat";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, isEnumType, isInterfaceType, isObjectType } from "graphql";
import { buildSubgraph, GraphHost, type RpcClient } from "../../graph-host";
import { deployAgoraFixture, USDC } from "../../test/fixtures/agora";
import { CAPABILITIES, withEscrowFixture } from "../../test/fixtures/jobs";
import { fromBalance, fromTransfer } from "../../test/helpers/funding";
import { ReputationLedger__factory, type ReputationLedger } from "../../typechain-types";
import { prepare } from "../scripts/prepare";

const SUBGRAPH_DIR = path.resolve(__dirname, "..");
const ROOT = path.resolve(SUBGRAPH_DIR, "..");
const U64_MAX = (1n << 64n) - 1n;

type Json = Record<string, unknown>;

/** The Hardhat network's own provider as the host's JSON-RPC client. */
const rpc: RpcClient = { send: (method, params) => network.provider.send(method, [...params]) as Promise<unknown> };

let buildDir = "";

/** Indexes the chain up to its head with the data sources at `addresses`; throws on an indexing failure. */
async function indexChain(addresses: Record<string, { address: string; startBlock: number }>): Promise<GraphHost> {
  const host = GraphHost.load({ buildDir, rpc, dataSources: addresses, logger: () => {} });
  await host.indexer.syncToHead();
  if (host.indexer.failed) throw new Error(`indexing failed: ${JSON.stringify(host.indexer.failed)}`);
  return host;
}

/** Runs a query and returns its data; throws on GraphQL errors. */
function query(host: GraphHost, text: string, variables?: Record<string, unknown>): Json {
  const result = host.query(text, variables as never) as { data?: Json; errors?: unknown[] };
  if (result.errors && result.errors.length) throw new Error(`query failed: ${JSON.stringify(result.errors)}`);
  return result.data as Json;
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

/** The deployment addresses of a fixture manifest, as host data-source overrides. */
function dataSourcesOf(manifest: { contracts: Record<string, { address: string; blockNumber: number }> }) {
  const out: Record<string, { address: string; startBlock: number }> = {};
  for (const name of ["AgentRegistry", "ListingRegistry", "AgoraVault", "ReputationLedger", "JobEscrow", "PaymentChannels"]) {
    const c = manifest.contracts[name];
    out[name] = { address: c.address, startBlock: c.blockNumber };
  }
  return out;
}

/** floor(log2(x)), 0 for 0. */
function log2(x: bigint): bigint {
  let n = -1n;
  for (let v = x; v > 0n; v >>= 1n) n++;
  return n < 0n ? 0n : n;
}

/** docs/REPUTATION.md's formula, component by component, from the ledger's stats. */
function scoreParts(s: Awaited<ReturnType<ReputationLedger["stats"]>>) {
  const completion = ((s.completed + 1n) * 10_000n) / (s.completed + s.refundedLate + s.disputesLost + 2n);
  const punctuality = ((s.onTime + 1n) * 10_000n) / (s.completed + 2n);
  const satisfaction = s.feedbackWeight === 0n ? 5_000n : (s.feedbackWeightedScore * 100n) / s.feedbackWeight;
  const quality = (5n * completion + 2n * punctuality + 3n * satisfaction) / 10n;
  const c = (log2(1n + s.volumeEarned / 1_000_000n) * 10_000n) / 14n;
  const confidence = c > 10_000n ? 10_000n : c;
  return { completion, punctuality, satisfaction, quality, confidence, score: (quality * confidence) / 10_000n };
}

/** Reads every reputation figure the subgraph mirrors from the ledger's views (components from the documented formula). */
async function chainReputation(ledger: ReputationLedger, agentId: bigint) {
  const s = await ledger.stats(agentId);
  const parts = scoreParts(s);
  const score = await ledger.score(agentId);
  expect(parts.score, `documented formula vs ReputationLedger.score(${agentId})`).to.equal(score);
  return {
    score: Number(score),
    completion: Number(parts.completion),
    punctuality: Number(parts.punctuality),
    satisfaction: Number(parts.satisfaction),
    quality: Number(parts.quality),
    confidence: Number(parts.confidence),
    latencyMean: (s.completed === 0n ? 0n : s.latencySum / s.completed).toString(),
    completed: Number(s.completed),
    onTime: Number(s.onTime),
    refundedLate: Number(s.refundedLate),
    disputesWon: Number(s.disputesWon),
    disputesLost: Number(s.disputesLost),
    latencySum: s.latencySum.toString(),
    volumeEarned: s.volumeEarned.toString(),
    volumeSpent: s.volumeSpent.toString(),
    feedbackWeight: s.feedbackWeight.toString(),
    feedbackWeightedScore: s.feedbackWeightedScore.toString(),
    feedbackCount: Number(s.feedbackCount),
    averageFeedbackScore: Number((await ledger.getSummary(agentId, [], "", "")).averageScore),
    latencyBuckets: (await ledger.latencyBuckets(agentId)).map(Number),
    latencyP50: (await ledger.latencyPercentile(agentId, 5000)).toString(),
    latencyP90: (await ledger.latencyPercentile(agentId, 9000)).toString(),
  };
}

const REPUTATION_FIELDS =
  "id score completion punctuality satisfaction quality confidence latencyMean completed onTime refundedLate disputesWon disputesLost latencySum volumeEarned volumeSpent feedbackWeight " +
  "feedbackWeightedScore feedbackCount averageFeedbackScore latencyBuckets latencyP50 latencyP90";

/** A registry, listing registry and vault from the real deployment, plus a second ledger whose writers are EOAs. */
async function freeLedgerFixture() {
  const base = await deployAgoraFixture();
  const [writer, channelWriter] = base.others;
  const ledger = await new ReputationLedger__factory(base.deployer).deploy();
  const receipt = await ledger.deploymentTransaction()!.wait();
  await ledger.setWriters(writer.address, channelWriter.address);
  return { ...base, freeLedger: ledger.connect(writer), ledgerBlock: receipt!.blockNumber };
}

/** Everything the escrow fixture gives, with a history of jobs, disputes, channels, limits and listings. */
async function historyFixture() {
  const f = await withEscrowFixture();
  const { escrow, channels, vault, listings, registry, clientOperator, clientOwner, providerOperator, providerOwner, stranger, guardian } = f;
  const { clientId, providerId } = f;
  const escrowAddress = await escrow.getAddress();

  // Listings: a plain one, one with collateral; update, pause/resume and retire another.
  const plain = await f.publish();
  const collateralised = await f.publish({ collateralBps: 2000n });
  const spare = await f.publish({ capabilities: [CAPABILITIES[0]] });
  await listings.connect(providerOperator).update(spare, f.listingParams({ capabilities: [CAPABILITIES[1], ethers.id("ocr")], price: 5n * USDC }));
  await listings.connect(providerOperator).pause(spare);
  await listings.connect(providerOperator).resume(spare);
  await listings.connect(providerOperator).retire(spare);

  // Job 1: delivered without acceptance, approved, rated by both sides.
  const job1 = await f.hire(plain);
  await escrow.connect(providerOperator).deliver(job1, ethers.id("r1"), "ipfs://r1");
  await escrow.connect(clientOperator).approve(job1);
  await escrow.connect(clientOperator).giveFeedback(job1, 90, "fast", "good", "ipfs://fb1", ethers.id("fb1"));
  await escrow.connect(providerOperator).giveFeedback(job1, 70, "clear", "", "ipfs://fb2", ethers.id("fb2"));

  // Job 2: collateral, delivery, rejection, evidence, ruling 30% to the provider.
  const job2 = await f.hire(collateralised);
  await escrow.connect(providerOperator).accept(job2, fromTransfer());
  await escrow.connect(providerOperator).deliver(job2, ethers.id("r2"), "ipfs://r2");
  await escrow.connect(clientOperator).reject(job2, "ipfs://why", fromBalance());
  await escrow.connect(providerOperator).submitEvidence(job2, "ipfs://evidence");
  await f.arbitrator.giveRuling(job2, 3000n);

  // Job 3: refunded after the deadline. Job 4: cancelled. Job 5: released after a silent review window.
  const job3 = await f.hire(plain);
  const job4 = await f.hire(plain);
  await escrow.connect(clientOperator).cancel(job4);
  const job5 = await f.hire(plain);
  await escrow.connect(providerOperator).deliver(job5, ethers.id("r5"), "ipfs://r5");
  await time.increase(2n * 86_400n + 1n);
  await escrow.connect(stranger).refund(job3);
  await escrow.connect(stranger).release(job5);
  // Job 6: declined by the provider.
  const job6 = await f.hire(plain);
  await escrow.connect(providerOperator).decline(job6, "ipfs://busy");

  // A channel: open, claim, close request, finalize; reopen in epoch 2 and close by the provider.
  const salt = ethers.id("salt");
  await channels.connect(clientOperator).open(clientId, providerId, salt, ethers.ZeroAddress, 10n * USDC, fromBalance());
  const channelId = await channels.channelIdOf(clientId, providerId, salt);
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "Agora PaymentChannels", version: "1", chainId, verifyingContract: await channels.getAddress() };
  const types = {
    Voucher: [
      { name: "channelId", type: "bytes32" },
      { name: "epoch", type: "uint64" },
      { name: "cumulativeAmount", type: "uint128" },
    ],
  };
  const sign = (epoch: bigint, cumulativeAmount: bigint) => clientOperator.signTypedData(domain, types, { channelId, epoch, cumulativeAmount });
  await channels.connect(providerOperator).claim(channelId, 1n, 1_000n, await sign(1n, 1_000n));
  await channels.connect(providerOperator).claim(channelId, 1n, 3n * USDC, await sign(1n, 3n * USDC));
  await channels.connect(clientOperator).requestClose(channelId);
  await time.increase(86_400n + 1n);
  await channels.connect(stranger).finalizeClose(channelId);
  await channels.connect(clientOperator).open(clientId, providerId, salt, ethers.ZeroAddress, USDC, fromBalance());
  await channels.connect(clientOwner).topUp(channelId, USDC, fromBalance());
  await channels.connect(providerOperator).closeByProvider(channelId, 2n, 500_000n, await sign(2n, 500_000n));

  // Vault: limits, allow-list, pause, withdrawals, fees; registry: freeze, transfer.
  await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 500n * USDC, dailyCap: 800n * USDC, allowlistOnly: false });
  await vault.connect(clientOwner).setAllowlisted(clientId, providerId, true);
  await f.hire(plain); // an operator commitment counted in the window
  await vault.connect(guardian).pause();
  await vault.connect(guardian).unpause();
  await vault.connect(providerOwner).withdraw(providerId, 10n * USDC);
  await vault.claimFees();
  await registry.connect(providerOwner).freeze(providerId);
  await registry.connect(providerOwner).unfreeze(providerId);
  await registry.connect(providerOwner).freeze(providerId);
  await vault.connect(clientOwner).setPayoutAddress(clientId, f.others[5].address);
  await vault.connect(providerOwner).setPayoutAddress(providerId, f.others[6].address);
  await registry.connect(clientOwner).transferFrom(clientOwner.address, stranger.address, clientId);

  return { ...f, escrowAddress, channelId, jobs: [job1, job2, job3, job4, job5, job6] };
}

describe("subgraph", function () {
  before(async function () {
    this.timeout(600_000);
    prepare({
      network: "hardhat",
      artifacts: path.resolve(ROOT, process.env.HH_ARTIFACTS ?? "artifacts"),
      placeholder: true,
      root: ROOT,
      subgraphDir: SUBGRAPH_DIR,
      log: () => {},
    });
    buildDir = (await buildSubgraph({ subgraphDir: SUBGRAPH_DIR })).outputDir;
  });

  describe("schema", function () {
    it("describes every type, field and enum value", function () {
      const directives = "directive @entity(immutable: Boolean) on OBJECT\ndirective @derivedFrom(field: String!) on FIELD_DEFINITION\n";
      const scalars = "scalar Bytes\nscalar BigInt\nscalar BigDecimal\nscalar Int8\nscalar Timestamp\n";
      const schema = buildSchema(directives + scalars + readFileSync(path.join(SUBGRAPH_DIR, "schema.graphql"), "utf8"));
      const missing: string[] = [];
      for (const type of Object.values(schema.getTypeMap())) {
        if (type.name.startsWith("__") || ["Bytes", "BigInt", "BigDecimal", "Int8", "Timestamp", "String", "Int", "Boolean", "ID", "Float"].includes(type.name)) continue;
        if (!type.description) missing.push(type.name);
        if (isObjectType(type) || isInterfaceType(type)) {
          for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
        }
        if (isEnumType(type)) for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
      expect(missing).to.deep.equal([]);
    });
  });

  describe("reputation", function () {
    it("equals the ledger's score, stats, buckets and p50/p90 for every agent after a random mixed history", async function () {
      this.timeout(600_000);
      const f = await loadFixture(freeLedgerFixture);
      const { registry, listings, freeLedger, others } = f;
      const seed = Number(process.env.SUBGRAPH_SEED ?? 20251121);
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
      const owners = others.slice(2, 7);
      const AGENTS = 10;
      const ids: bigint[] = [];
      for (let i = 0; i < AGENTS; i++) {
        const owner = owners[i % owners.length];
        await registry.connect(owner)["register(string)"](`ipfs://agent-${i}`);
        ids.push(await registry.totalAgents());
      }
      const ownerOf = (i: number) => owners[i % owners.length];
      const arbitrator = await f.committeeArbitrator.getAddress();
      const params = (price: bigint, caps: string[]) => ({
        capabilities: caps,
        price,
        pricing: 0,
        slaSeconds: 3600,
        reviewWindow: 86_400,
        collateralBps: 1500,
        arbitrator,
        validator: ethers.ZeroAddress,
        metadataURI: "ipfs://listing",
      });
      const capA = ethers.id("translate.en-fr");
      const capB = ethers.id("summarize");
      // Half the listings before the history (kept in sync by the ledger handlers), half after.
      for (let i = 0; i < AGENTS; i += 2) {
        await listings.connect(ownerOf(i)).publish(ids[i], params(BigInt(1_000 + i * 100), i % 4 === 0 ? [capA, capB] : [capA]));
      }

      const LATENCIES = [0n, 1n, 59n, 60n, 61n, 299n, 300n, 301n, 899n, 900n, 901n, 3599n, 3600n, 3601n, 14_400n, 14_401n, 43_200n, 43_201n,
        86_399n, 86_400n, 86_401n, 1_000_000n, 1n << 40n];
      const amountFor = (agent: number): bigint => BigInt(Math.floor(rand() * 2 ** (8 + 3 * agent)));
      const OPS = 400;
      for (let op = 0; op < OPS; op++) {
        const p = Math.floor(rand() * AGENTS);
        let c = Math.floor(rand() * (AGENTS - 1));
        if (c >= p) c += 1;
        const jobId = BigInt(op + 1);
        const r = rand();
        if (r < 0.45) {
          const latency = rand() < 0.6 ? pick(LATENCIES) : BigInt(Math.floor(rand() * 200_000));
          await freeLedger.recordCompleted(ids[p], ids[c], jobId, amountFor(p), latency, rand() < 0.7);
        } else if (r < 0.55) {
          await freeLedger.recordRefundedLate(ids[p], ids[c], jobId, amountFor(p));
        } else if (r < 0.7) {
          const share = pick([0n, 1n, 4_999n, 5_000n, 5_001n, 10_000n, BigInt(Math.floor(rand() * 10_001))]);
          await freeLedger.recordDispute(ids[p], ids[c], jobId, share, (amountFor(p) * share) / 10_000n);
        } else if (r < 0.8) {
          await freeLedger.recordChannelVolume(ids[p], ids[c], BigInt(ethers.id(`channel-${op}`)), amountFor(p));
        } else {
          // Small weights (even agents) make every rounding of the weighted mean visible; large ones exercise > 64-bit math.
          const weight = p % 2 === 0 ? BigInt(1 + Math.floor(rand() * 7)) : BigInt(Math.floor(rand() * 2 ** 30)) << BigInt(Math.floor(rand() * 50));
          await freeLedger.recordFeedback(ids[p], ids[c], jobId, Math.floor(rand() * 101), weight, "t1", "t2", "ipfs://fb", ethers.ZeroHash);
        }
      }
      for (let i = 1; i < AGENTS; i += 2) {
        await listings.connect(ownerOf(i)).publish(ids[i], params(BigInt(1_000 + i * 100), [capA]));
      }
      await registry.connect(ownerOf(3)).freeze(ids[3]);

      const addresses = dataSourcesOf(f.manifest);
      addresses.ReputationLedger = { address: await freeLedger.getAddress(), startBlock: f.ledgerBlock };
      const host = await indexChain(addresses);
      try {
        const data = query(host, `{ reputations(first: 1000, orderBy: id) { ${REPUTATION_FIELDS} } }`);
        const byId = new Map((data.reputations as Json[]).map((r) => [String(r.id), r]));
        const scores = new Set<number>();
        for (const id of ids) {
          const expected = await chainReputation(freeLedger, id);
          scores.add(expected.score);
          const actual = byId.get(id.toString());
          expect(actual, `reputation ${id}`).to.not.equal(undefined);
          expect({ ...actual, id: undefined }, `agent ${id} (seed ${seed})`).to.deep.equal({ ...expected, id: undefined });
        }
        expect(scores.size, "the history should produce varied scores").to.be.greaterThan(4);

        // Listings carry the provider's current figures.
        const listingData = query(host, `{ listings(first: 100) { provider { id } providerScore providerLatencyP50 providerLatencyP90
          providerCompletedJobs providerFrozen collateralBps effectiveCollateralBps } }`);
        for (const l of listingData.listings as Json[]) {
          const agentId = BigInt((l.provider as Json).id as string);
          const expected = await chainReputation(freeLedger, agentId);
          expect(l.providerScore).to.equal(expected.score);
          expect(l.providerLatencyP50).to.equal(expected.latencyP50);
          expect(l.providerLatencyP90).to.equal(expected.latencyP90);
          expect(l.providerCompletedJobs).to.equal(expected.completed);
          expect(l.providerFrozen).to.equal(agentId === ids[3]);
          expect(l.effectiveCollateralBps).to.equal(Math.ceil((1500 * (10_000 - expected.score)) / 10_000));
        }

        // Discovery: capability A, price <= 1,800, p90 <= 1 day, best score first.
        const discovery = query(
          host,
          `query($cap: Bytes!) { listings(where: { capabilities_contains: [$cap], status: Active, price_lte: "1800", providerLatencyP90_lte: "86400" },
            orderBy: providerScore, orderDirection: desc) { id price providerScore providerLatencyP90 } }`,
          { cap: capA },
        );
        const expectedIds: { id: string; score: number }[] = [];
        for (let i = 0; i < AGENTS; i++) {
          const price = 1_000 + i * 100;
          const p90 = await freeLedger.latencyPercentile(ids[i], 9000);
          if (price <= 1_800 && p90 <= 86_400n) expectedIds.push({ id: String(i + 1), score: Number(await freeLedger.score(ids[i])) });
        }
        const got = (discovery.listings as Json[]).map((l) => Number(l.providerScore));
        expect(got).to.deep.equal(expectedIds.map((e) => e.score).sort((a, b) => b - a));
        expect(got.length).to.equal(expectedIds.length);
      } finally {
        await host.stop();
      }
    });

    it("stores 2^64 - 1 as the open-ended bucket's percentile", async function () {
      this.timeout(300_000);
      const f = await loadFixture(freeLedgerFixture);
      await f.registry.connect(f.others[3])["register()"]();
      await f.registry.connect(f.others[4])["register()"]();
      await f.freeLedger.recordCompleted(1n, 2n, 1n, 5n * USDC, 86_401n, false);
      const addresses = dataSourcesOf(f.manifest);
      addresses.ReputationLedger = { address: await f.freeLedger.getAddress(), startBlock: f.ledgerBlock };
      const host = await indexChain(addresses);
      try {
        const data = query(host, `{ reputation(id: "1") { latencyP50 latencyP90 latencyMean score } }`);
        expect(await f.freeLedger.latencyPercentile(1n, 9000)).to.equal(U64_MAX);
        expect(data.reputation).to.deep.equal({
          latencyP50: U64_MAX.toString(),
          latencyP90: U64_MAX.toString(),
          latencyMean: "86401",
          score: Number(await f.freeLedger.score(1n)),
        });
      } finally {
        await host.stop();
      }
    });
  });

  describe("end to end", function () {
    it("mirrors balances, locks, fees, jobs, disputes, channels and reputation of a mixed history", async function () {
      this.timeout(600_000);
      const f = await loadFixture(historyFixture);
      const { vault, escrow, channels, ledger, usdc, registry, clientId, providerId, channelId, escrowAddress } = f;
      const host = await indexChain(dataSourcesOf(f.manifest));
      try {
        const data = query(
          host,
          `{ protocol(id: "agora") { agentCount listingCount activeListingCount capabilityCount jobCount openJobCount jobsCompleted
               jobsRefunded jobsCancelled jobsDeclined disputesOpened disputesResolved volume feesAccrued feesClaimed valueLocked escrowLocked
               channelsLocked channelCount channelEpochCount openChannelCount claimCount claimVolume feedbackCount paused protocolFeeBps }
             agents(first: 100) { id balance frozen operator payoutAddress owner { id } reputation { score } spendingLimit { perTxCap dailyCap spentInWindow } }
             jobs(first: 100, orderBy: jobId) { id state toProvider fee toClient collateral collateralToProvider collateralToClient
               clientFeedbackGiven providerFeedbackGiven declineReasonURI refundKind dispute { status providerShareBps ruling evidence(orderBy: blockNumber) { evidence } }
               events(first: 100, orderBy: blockNumber) { __typename } }
             channel(id: "${channelId}") { epoch status deposit claimed totalDeposited totalClaimed totalRefunded claimCount
               epochs(orderBy: epoch) { epoch status deposit claimed refunded closedByProvider } }
             capabilities { id listingCount activeListingCount }
             dailyStats { jobsCreated volume fees } }`,
        );
        const protocol = data.protocol as Json;
        expect(protocol.valueLocked).to.equal((await usdc.balanceOf(await vault.getAddress())).toString());
        expect(protocol.escrowLocked).to.equal((await vault.locked(escrowAddress)).toString());
        expect(protocol.channelsLocked).to.equal((await vault.locked(await channels.getAddress())).toString());
        expect(BigInt(protocol.feesAccrued as string) - BigInt(protocol.feesClaimed as string)).to.equal(await vault.accruedFees());
        expect(protocol).to.include({ agentCount: 2, listingCount: 3, activeListingCount: 2, jobCount: 7, openJobCount: 1, jobsCompleted: 2 });
        expect(protocol).to.include({ jobsRefunded: 1, jobsCancelled: 2, jobsDeclined: 1, disputesOpened: 1, disputesResolved: 1, channelCount: 1 });
        expect(protocol).to.include({ channelEpochCount: 2, openChannelCount: 0, claimCount: 3, feedbackCount: 2, paused: false });

        for (const a of data.agents as Json[]) {
          const id = BigInt(a.id as string);
          expect(a.balance, `balance of ${id}`).to.equal((await vault.balanceOf(id)).toString());
          expect((a.reputation as Json).score, `score of ${id}`).to.equal(Number(await ledger.score(id)));
          expect((a.owner as Json).id).to.equal((await registry.ownerOf(id)).toLowerCase());
          expect(a.frozen).to.equal(await registry.isFrozen(id));
          expect(a.payoutAddress ?? (a.owner as Json).id).to.equal((await vault.payoutAddress(id)).toLowerCase());
          const wallet = await registry.getAgentWallet(id);
          expect(a.operator).to.equal(wallet === ethers.ZeroAddress ? null : wallet.toLowerCase());
        }
        const client = (data.agents as Json[]).find((a) => a.id === clientId.toString()) as Json;
        expect(client.spendingLimit).to.deep.equal({
          perTxCap: (500n * USDC).toString(),
          dailyCap: (800n * USDC).toString(),
          spentInWindow: (await vault.spentInWindow(clientId)).toString(),
        });

        const STATES = ["None", "Funded", "Accepted", "Delivered", "Disputed", "Completed", "Refunded", "Cancelled", "Resolved"];
        const jobs = data.jobs as Json[];
        for (const j of jobs) expect(j.state, `job ${j.id}`).to.equal(STATES[Number(await escrow.state(BigInt(j.id as string)))]);
        expect(jobs[0]).to.include({ clientFeedbackGiven: true, providerFeedbackGiven: true });
        expect((jobs[0].events as Json[]).map((e) => e.__typename)).to.deep.equal([
          "JobCreated", "JobDelivered", "JobCompleted", "FeedbackGiven", "FeedbackGiven",
        ]);
        expect(jobs[2].refundKind).to.equal("Unaccepted");
        expect(jobs[5]).to.include({ state: "Cancelled", declineReasonURI: "ipfs://busy", toClient: (100n * USDC).toString() });
        expect(jobs[1].dispute).to.deep.equal({
          status: "Ruled",
          providerShareBps: 3000,
          ruling: "3000",
          evidence: [{ evidence: "ipfs://why" }, { evidence: "ipfs://evidence" }],
        });
        for (const j of jobs) {
          const total = BigInt(j.toProvider as string) + BigInt(j.fee as string) + BigInt(j.toClient as string);
          if (j.state !== "Funded") expect(total, `conservation of job ${j.id}`).to.equal(100n * USDC);
          expect(BigInt(j.collateralToProvider as string) + BigInt(j.collateralToClient as string)).to.be.lessThanOrEqual(BigInt(j.collateral as string));
        }

        const onChain = await channels.getChannel(channelId);
        const channel = data.channel as Json;
        expect(channel).to.include({ epoch: "2", status: "Closed", deposit: onChain.deposit.toString(), claimed: onChain.claimed.toString(), claimCount: 3 });
        expect(channel.epochs).to.deep.equal([
          { epoch: "1", status: "Closed", deposit: (10n * USDC).toString(), claimed: (3n * USDC).toString(), refunded: (7n * USDC).toString(), closedByProvider: false },
          { epoch: "2", status: "Closed", deposit: (2n * USDC).toString(), claimed: "500000", refunded: "1500000", closedByProvider: true },
        ]);
        const caps = new Map((data.capabilities as Json[]).map((c) => [c.id as string, c]));
        expect(caps.get(CAPABILITIES[0])).to.include({ listingCount: 2, activeListingCount: 2 });
        expect(caps.get(ethers.id("ocr"))).to.include({ listingCount: 0, activeListingCount: 0 });
        expect((data.dailyStats as Json[]).reduce((n, d) => n + (d.jobsCreated as number), 0)).to.equal(7);
        expect(providerId).to.equal(2n);
      } finally {
        await host.stop();
      }
    });
  });
});
