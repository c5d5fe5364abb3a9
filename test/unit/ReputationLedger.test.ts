import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { ReputationLedger__factory, type ReputationLedger } from "../../typechain-types";

const USD = 1_000_000n;
const PROVIDER = 1n;
const CLIENT = 2n;
const OTHER = 3n;
const MAX_UINT64 = 2n ** 64n - 1n;
const BOUNDS = [60n, 300n, 900n, 3600n, 14400n, 43200n, 86400n, MAX_UINT64];

/** A ledger whose writers are two plain signers, standing in for the escrow and the channels. */
async function deployLedgerFixture() {
  const [deployer, escrowWriter, channelsWriter, stranger] = await ethers.getSigners();
  const ledger = await new ReputationLedger__factory(deployer).deploy();
  await ledger.setWriters(escrowWriter.address, channelsWriter.address);
  return { deployer, escrowWriter, channelsWriter, stranger, ledger: ledger.connect(escrowWriter) };
}

/* An independent TypeScript model of the stats and of the DESIGN.md formula. */

interface Model {
  completed: bigint;
  onTime: bigint;
  refundedLate: bigint;
  disputesWon: bigint;
  disputesLost: bigint;
  latencySum: bigint;
  volumeEarned: bigint;
  volumeSpent: bigint;
  feedbackWeight: bigint;
  feedbackWeightedScore: bigint;
  feedbackCount: bigint;
  buckets: bigint[];
}

function emptyModel(): Model {
  return {
    completed: 0n,
    onTime: 0n,
    refundedLate: 0n,
    disputesWon: 0n,
    disputesLost: 0n,
    latencySum: 0n,
    volumeEarned: 0n,
    volumeSpent: 0n,
    feedbackWeight: 0n,
    feedbackWeightedScore: 0n,
    feedbackCount: 0n,
    buckets: Array<bigint>(8).fill(0n),
  };
}

function floorLog2(x: bigint): bigint {
  let r = 0n;
  while (x > 1n) {
    x >>= 1n;
    r++;
  }
  return r;
}

function modelScore(m: Model): bigint {
  const completion = ((m.completed + 1n) * 10_000n) / (m.completed + m.refundedLate + m.disputesLost + 2n);
  const punctuality = ((m.onTime + 1n) * 10_000n) / (m.completed + 2n);
  const satisfaction = m.feedbackWeight === 0n ? 5_000n : (m.feedbackWeightedScore * 100n) / m.feedbackWeight;
  const quality = (5n * completion + 2n * punctuality + 3n * satisfaction) / 10n;
  const raw = (floorLog2(1n + m.volumeEarned / 1_000_000n) * 10_000n) / 14n;
  const confidence = raw < 10_000n ? raw : 10_000n;
  return (quality * confidence) / 10_000n;
}

function bucketOf(latency: bigint): number {
  return BOUNDS.findIndex((bound) => latency <= bound);
}

/** Rebuilds every agent's model from the ledger's events alone. */
async function replayEvents(ledger: ReputationLedger): Promise<Map<bigint, Model>> {
  const models = new Map<bigint, Model>();
  const get = (id: bigint) => {
    let m = models.get(id);
    if (!m) {
      m = emptyModel();
      models.set(id, m);
    }
    return m;
  };
  const logs = await ethers.provider.getLogs({ address: await ledger.getAddress(), fromBlock: 0 });
  for (const log of logs) {
    const ev = ledger.interface.parseLog(log);
    if (!ev) continue;
    const a = ev.args;
    switch (ev.name) {
      case "JobCompleted": {
        const p = get(a.providerId);
        p.completed++;
        if (a.onTime) p.onTime++;
        p.latencySum += a.latency;
        p.volumeEarned += a.amountToProvider;
        p.buckets[Number(a.latencyBucket)]++;
        get(a.clientId).volumeSpent += a.amountToProvider;
        break;
      }
      case "JobRefundedLate":
        get(a.providerId).refundedLate++;
        break;
      case "DisputeRecorded": {
        const [winner, loser] = a.providerWon ? [a.providerId, a.clientId] : [a.clientId, a.providerId];
        get(winner).disputesWon++;
        get(loser).disputesLost++;
        get(a.providerId).volumeEarned += a.amountToProvider;
        get(a.clientId).volumeSpent += a.amountToProvider;
        break;
      }
      case "ChannelVolumeRecorded":
        get(a.providerId).volumeEarned += a.amount;
        get(a.clientId).volumeSpent += a.amount;
        break;
      case "FeedbackRecorded": {
        const s = get(a.subjectId);
        s.feedbackCount++;
        s.feedbackWeight += a.weight;
        s.feedbackWeightedScore += BigInt(a.score) * a.weight;
        break;
      }
      default:
        break;
    }
  }
  return models;
}

async function expectStats(ledger: ReputationLedger, id: bigint, m: Model) {
  const s = await ledger.stats(id);
  expect({
    completed: s.completed,
    onTime: s.onTime,
    refundedLate: s.refundedLate,
    disputesWon: s.disputesWon,
    disputesLost: s.disputesLost,
    latencySum: s.latencySum,
    volumeEarned: s.volumeEarned,
    volumeSpent: s.volumeSpent,
    feedbackWeight: s.feedbackWeight,
    feedbackWeightedScore: s.feedbackWeightedScore,
    feedbackCount: s.feedbackCount,
  }).to.deep.equal({
    completed: m.completed,
    onTime: m.onTime,
    refundedLate: m.refundedLate,
    disputesWon: m.disputesWon,
    disputesLost: m.disputesLost,
    latencySum: m.latencySum,
    volumeEarned: m.volumeEarned,
    volumeSpent: m.volumeSpent,
    feedbackWeight: m.feedbackWeight,
    feedbackWeightedScore: m.feedbackWeightedScore,
    feedbackCount: m.feedbackCount,
  });
  expect([...(await ledger.latencyBuckets(id))]).to.deep.equal(m.buckets);
  expect(await ledger.score(id)).to.equal(modelScore(m));
}

describe("ReputationLedger", function () {
  describe("#setWriters", function () {
    it("is wired once by the deployer and emits WritersSet", async function () {
      const { ledger, deployer, escrowWriter, channelsWriter } = await loadFixture(deployLedgerFixture);
      expect(await ledger.escrow()).to.equal(escrowWriter.address);
      expect(await ledger.channels()).to.equal(channelsWriter.address);
      expect(await ledger.DEPLOYER()).to.equal(deployer.address);
      const fresh = await new ReputationLedger__factory(deployer).deploy();
      expect(await fresh.escrow()).to.equal(ethers.ZeroAddress);
      await expect(fresh.setWriters(escrowWriter.address, channelsWriter.address))
        .to.emit(fresh, "WritersSet")
        .withArgs(escrowWriter.address, channelsWriter.address);
    });

    it("reverts a second call, a non-deployer and zero addresses", async function () {
      const { ledger, deployer, escrowWriter, stranger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.connect(deployer).setWriters(stranger.address, stranger.address)).to.be.revertedWithCustomError(
        ledger,
        "LedgerWritersAlreadySet",
      );
      const fresh = await new ReputationLedger__factory(deployer).deploy();
      await expect(fresh.connect(stranger).setWriters(stranger.address, stranger.address))
        .to.be.revertedWithCustomError(fresh, "LedgerNotDeployer")
        .withArgs(stranger.address);
      await expect(fresh.setWriters(ethers.ZeroAddress, escrowWriter.address)).to.be.revertedWithCustomError(fresh, "LedgerZeroAddress");
      await expect(fresh.setWriters(escrowWriter.address, ethers.ZeroAddress)).to.be.revertedWithCustomError(fresh, "LedgerZeroAddress");
    });
  });

  describe("writer-only", function () {
    it("rejects every write from anyone but the two writers (the deployer included)", async function () {
      const { ledger, stranger, deployer } = await loadFixture(deployLedgerFixture);
      for (const who of [stranger, deployer]) {
        const l = ledger.connect(who);
        await expect(l.recordCompleted(PROVIDER, CLIENT, 1n, 1n, 1n, true)).to.be.revertedWithCustomError(ledger, "LedgerNotWriter").withArgs(who.address);
        await expect(l.recordRefundedLate(PROVIDER, CLIENT, 1n, 1n)).to.be.revertedWithCustomError(ledger, "LedgerNotWriter").withArgs(who.address);
        await expect(l.recordDispute(PROVIDER, CLIENT, 1n, 5000n, 1n)).to.be.revertedWithCustomError(ledger, "LedgerNotWriter").withArgs(who.address);
        await expect(l.recordChannelVolume(PROVIDER, CLIENT, 1n, 1n)).to.be.revertedWithCustomError(ledger, "LedgerNotWriter").withArgs(who.address);
        await expect(l.recordFeedback(PROVIDER, CLIENT, 1n, 50, 1n, "", "", "", ethers.ZeroHash))
          .to.be.revertedWithCustomError(ledger, "LedgerNotWriter")
          .withArgs(who.address);
      }
    });

    it("accepts writes from the channels writer too", async function () {
      const { ledger, channelsWriter } = await loadFixture(deployLedgerFixture);
      await expect(ledger.connect(channelsWriter).recordChannelVolume(PROVIDER, CLIENT, 9n, 5n))
        .to.emit(ledger, "ChannelVolumeRecorded")
        .withArgs(PROVIDER, CLIENT, 9n, 5n);
    });
  });

  describe("#recordCompleted", function () {
    it("updates the provider's counters, latency and volume and the client's spending", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordCompleted(PROVIDER, CLIENT, 7n, 100n * USD, 250n, true))
        .to.emit(ledger, "JobCompleted")
        .withArgs(PROVIDER, CLIENT, 7n, 100n * USD, 250n, true, 1n);
      await expect(ledger.recordCompleted(PROVIDER, OTHER, 8n, 50n * USD, 90_000n, false))
        .to.emit(ledger, "JobCompleted")
        .withArgs(PROVIDER, OTHER, 8n, 50n * USD, 90_000n, false, 7n);
      const p = emptyModel();
      Object.assign(p, { completed: 2n, onTime: 1n, latencySum: 90_250n, volumeEarned: 150n * USD });
      p.buckets[1] = 1n;
      p.buckets[7] = 1n;
      await expectStats(ledger, PROVIDER, p);
      const c = emptyModel();
      c.volumeSpent = 100n * USD;
      await expectStats(ledger, CLIENT, c);
      expect((await ledger.stats(OTHER)).volumeSpent).to.equal(50n * USD);
    });

    it("puts each latency in the right bucket at every edge", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      const bounds = await ledger.latencyBucketBounds();
      expect([...bounds]).to.deep.equal(BOUNDS);
      const cases: [bigint, bigint][] = [
        [0n, 0n],
        [60n, 0n],
        [61n, 1n],
        [300n, 1n],
        [301n, 2n],
        [900n, 2n],
        [901n, 3n],
        [3600n, 3n],
        [3601n, 4n],
        [14400n, 4n],
        [14401n, 5n],
        [43200n, 5n],
        [43201n, 6n],
        [86400n, 6n],
        [86401n, 7n],
        [MAX_UINT64, 7n],
      ];
      for (const [latency, bucket] of cases) {
        expect(await ledger.latencyBucketOf(latency)).to.equal(bucket);
        expect(BigInt(bucketOf(latency))).to.equal(bucket);
      }
      for (const [i, [latency, bucket]] of cases.slice(0, -1).entries()) {
        await expect(ledger.recordCompleted(PROVIDER, CLIENT, BigInt(i), 1n, latency, true))
          .to.emit(ledger, "JobCompleted")
          .withArgs(PROVIDER, CLIENT, BigInt(i), 1n, latency, true, bucket);
      }
      expect([...(await ledger.latencyBuckets(PROVIDER))]).to.deep.equal([2n, 2n, 2n, 2n, 2n, 2n, 2n, 1n]);
    });

    it("rejects an amount beyond uint96", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordCompleted(PROVIDER, CLIENT, 1n, 2n ** 96n, 1n, true))
        .to.be.revertedWithCustomError(ledger, "SafeCastOverflowedUintDowncast")
        .withArgs(96n, 2n ** 96n);
    });

    it("costs at most 25,000 gas of execution when warm", async function () {
      const { ledger, escrowWriter } = await loadFixture(deployLedgerFixture);
      await ledger.recordCompleted(PROVIDER, CLIENT, 1n, 10n * USD, 100n, true);
      const tx = await ledger.recordCompleted(PROVIDER, CLIENT, 2n, 10n * USD, 200n, true);
      const receipt = await tx.wait();
      if (!receipt) throw new Error("no receipt");
      const data = ethers.getBytes(tx.data);
      const calldataGas = data.reduce((sum, byte) => sum + (byte === 0 ? 4n : 16n), 0n);
      const execution = receipt.gasUsed - 21_000n - calldataGas;
      if (process.env.PRINT_GAS) console.log({ recordCompletedTx: receipt.gasUsed, recordCompletedExecution: execution, from: escrowWriter.address });
      expect(execution).to.be.lte(25_000n);
    });
  });

  describe("#recordRefundedLate", function () {
    it("counts a missed deadline against the provider only", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordRefundedLate(PROVIDER, CLIENT, 3n, 20n * USD))
        .to.emit(ledger, "JobRefundedLate")
        .withArgs(PROVIDER, CLIENT, 3n, 20n * USD);
      const p = emptyModel();
      p.refundedLate = 1n;
      await expectStats(ledger, PROVIDER, p);
      await expectStats(ledger, CLIENT, emptyModel());
    });
  });

  describe("#recordDispute", function () {
    it("counts 5000 bps as a provider win and 4999 as a client win, with volume", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordDispute(PROVIDER, CLIENT, 1n, 5000n, 40n * USD))
        .to.emit(ledger, "DisputeRecorded")
        .withArgs(PROVIDER, CLIENT, 1n, 5000n, 40n * USD, true);
      await expect(ledger.recordDispute(PROVIDER, CLIENT, 2n, 4999n, 30n * USD))
        .to.emit(ledger, "DisputeRecorded")
        .withArgs(PROVIDER, CLIENT, 2n, 4999n, 30n * USD, false);
      await expect(ledger.recordDispute(PROVIDER, CLIENT, 3n, 0n, 0n))
        .to.emit(ledger, "DisputeRecorded")
        .withArgs(PROVIDER, CLIENT, 3n, 0n, 0n, false);
      await expect(ledger.recordDispute(PROVIDER, CLIENT, 4n, 10_000n, 1n))
        .to.emit(ledger, "DisputeRecorded")
        .withArgs(PROVIDER, CLIENT, 4n, 10_000n, 1n, true);
      const p = emptyModel();
      Object.assign(p, { disputesWon: 2n, disputesLost: 2n, volumeEarned: 70n * USD + 1n });
      await expectStats(ledger, PROVIDER, p);
      const c = emptyModel();
      Object.assign(c, { disputesWon: 2n, disputesLost: 2n, volumeSpent: 70n * USD + 1n });
      await expectStats(ledger, CLIENT, c);
    });

    it("rejects a share above 10000 bps", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordDispute(PROVIDER, CLIENT, 1n, 10_001n, 1n))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidShare")
        .withArgs(10_001n);
    });
  });

  describe("#recordChannelVolume", function () {
    it("adds volume only", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordChannelVolume(PROVIDER, CLIENT, 5n, 1_000n))
        .to.emit(ledger, "ChannelVolumeRecorded")
        .withArgs(PROVIDER, CLIENT, 5n, 1_000n);
      const p = emptyModel();
      p.volumeEarned = 1_000n;
      await expectStats(ledger, PROVIDER, p);
      const c = emptyModel();
      c.volumeSpent = 1_000n;
      await expectStats(ledger, CLIENT, c);
    });
  });

  describe("#recordFeedback", function () {
    it("aggregates value-weighted scores and emits everything", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      const hash = ethers.id("feedback");
      await expect(ledger.recordFeedback(PROVIDER, CLIENT, 1n, 100, 3n * USD, "speed", "quality", "ipfs://fb", hash))
        .to.emit(ledger, "FeedbackRecorded")
        .withArgs(PROVIDER, CLIENT, 1n, 100n, 3n * USD, "speed", "quality", "ipfs://fb", hash);
      await expect(ledger.recordFeedback(PROVIDER, OTHER, 2n, 0, 1n * USD, "", "", "", ethers.ZeroHash))
        .to.emit(ledger, "FeedbackRecorded")
        .withArgs(PROVIDER, OTHER, 2n, 0n, 1n * USD, "", "", "", ethers.ZeroHash);
      const p = emptyModel();
      Object.assign(p, { feedbackCount: 2n, feedbackWeight: 4n * USD, feedbackWeightedScore: 300n * USD });
      await expectStats(ledger, PROVIDER, p);
      expect(await ledger.getSummary(PROVIDER, [], "", "")).to.deep.equal([2n, 75n]);
    });

    it("rejects a score above 100 and accepts exactly 100", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordFeedback(PROVIDER, CLIENT, 1n, 101, 1n, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidScore")
        .withArgs(101n);
      await expect(ledger.recordFeedback(PROVIDER, CLIENT, 1n, 255, 1n, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "LedgerInvalidScore")
        .withArgs(255n);
      await expect(ledger.recordFeedback(PROVIDER, CLIENT, 1n, 100, 1n, "", "", "", ethers.ZeroHash)).to.emit(ledger, "FeedbackRecorded");
    });

    it("rejects a weight beyond uint96", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await expect(ledger.recordFeedback(PROVIDER, CLIENT, 1n, 1, 2n ** 96n, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(ledger, "SafeCastOverflowedUintDowncast")
        .withArgs(96n, 2n ** 96n);
    });
  });

  describe("#getSummary", function () {
    it("returns zeros without feedback and rejects every filter", async function () {
      const { ledger, stranger } = await loadFixture(deployLedgerFixture);
      expect(await ledger.getSummary(PROVIDER, [], "", "")).to.deep.equal([0n, 0n]);
      await expect(ledger.getSummary(PROVIDER, [stranger.address], "", "")).to.be.revertedWithCustomError(ledger, "LedgerFilterUnsupported");
      await expect(ledger.getSummary(PROVIDER, [], "x", "")).to.be.revertedWithCustomError(ledger, "LedgerFilterUnsupported");
      await expect(ledger.getSummary(PROVIDER, [], "", "y")).to.be.revertedWithCustomError(ledger, "LedgerFilterUnsupported");
    });

    it("rounds the weighted average down", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await ledger.recordFeedback(PROVIDER, CLIENT, 1n, 99, 2n, "", "", "", ethers.ZeroHash);
      await ledger.recordFeedback(PROVIDER, CLIENT, 2n, 100, 1n, "", "", "", ethers.ZeroHash);
      // (198 + 100) / 3 = 99.33
      expect(await ledger.getSummary(PROVIDER, [], "", "")).to.deep.equal([2n, 99n]);
    });
  });

  describe("#latencyPercentile", function () {
    it("returns 0 without completed jobs and rejects more than 10000 bps", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      expect(await ledger.latencyPercentile(PROVIDER, 9000)).to.equal(0n);
      await expect(ledger.latencyPercentile(PROVIDER, 10_001)).to.be.revertedWithCustomError(ledger, "LedgerInvalidPercentile").withArgs(10_001n);
    });

    it("returns the upper bound of the bucket holding the rank ceil(n * p) at every edge", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      // Buckets: [2, 1, 0, 1, 0, 0, 0, 1]; n = 5.
      for (const [i, latency] of [30n, 60n, 200n, 1000n, 100_000n].entries()) {
        await ledger.recordCompleted(PROVIDER, CLIENT, BigInt(i), 1n, latency, true);
      }
      const cases: [number, bigint][] = [
        [0, 60n],
        [1, 60n],
        [4000, 60n],
        [4001, 300n],
        [6000, 300n],
        [6001, 3600n],
        [8000, 3600n],
        [8001, MAX_UINT64],
        [9000, MAX_UINT64],
        [10_000, MAX_UINT64],
      ];
      for (const [bps, bound] of cases) {
        expect(await ledger.latencyPercentile(PROVIDER, bps), `p${bps}`).to.equal(bound);
      }
    });

    it("answers with the only bucket when all jobs share it", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await ledger.recordCompleted(PROVIDER, CLIENT, 1n, 1n, 3600n, true);
      for (const bps of [0, 5000, 10_000]) expect(await ledger.latencyPercentile(PROVIDER, bps)).to.equal(3600n);
    });
  });

  describe("#score", function () {
    it("is 0 for an agent without earned volume, whatever its record", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      expect(await ledger.score(PROVIDER)).to.equal(0n);
      await ledger.recordCompleted(PROVIDER, CLIENT, 1n, 999_999n, 10n, true); // under $1: log2(1) = 0
      await ledger.recordFeedback(PROVIDER, CLIENT, 1n, 100, 999_999n, "", "", "", ethers.ZeroHash);
      expect(await ledger.score(PROVIDER)).to.equal(0n);
    });

    it("matches hand-computed vectors", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      // One on-time job of $100, no feedback:
      // completion = 2*10000/3 = 6666, punctuality = 6666, satisfaction = 5000,
      // quality = (33330 + 13332 + 15000)/10 = 6166, confidence = floor(log2(101))*10000/14 = 6*10000/14 = 4285,
      // score = 6166 * 4285 / 10000 = 2642.
      await ledger.recordCompleted(PROVIDER, CLIENT, 1n, 100n * USD, 10n, true);
      expect(await ledger.score(PROVIDER)).to.equal(2642n);
      // $16,383 earned in total: log2(16384) = 14, full confidence; quality unchanged by channel volume.
      await ledger.recordChannelVolume(PROVIDER, CLIENT, 1n, 16_283n * USD);
      expect(await ledger.score(PROVIDER)).to.equal(6166n);
      // A perfect record tends to 10000: 1 job, feedback 100 -> satisfaction 10000,
      // quality = (33330 + 13332 + 30000)/10 = 7666.
      await ledger.recordFeedback(PROVIDER, CLIENT, 1n, 100, 100n * USD, "", "", "", ethers.ZeroHash);
      expect(await ledger.score(PROVIDER)).to.equal(7666n);
    });

    it("reaches full confidence at $16,383 and not at $16,382", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await ledger.recordChannelVolume(PROVIDER, CLIENT, 1n, 16_382n * USD);
      // quality = 5000 (no history); confidence = 13 * 10000 / 14 = 9285.
      expect(await ledger.score(PROVIDER)).to.equal((5000n * 9285n) / 10_000n);
      await ledger.recordChannelVolume(PROVIDER, CLIENT, 1n, 1n * USD);
      expect(await ledger.score(PROVIDER)).to.equal(5000n);
      await ledger.recordChannelVolume(PROVIDER, CLIENT, 1n, 1_000_000n * USD);
      expect(await ledger.score(PROVIDER)).to.equal(5000n);
    });

    it("is lowered by late refunds and lost disputes", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      await ledger.recordChannelVolume(PROVIDER, CLIENT, 1n, 20_000n * USD);
      for (let i = 0n; i < 8n; i++) await ledger.recordCompleted(PROVIDER, CLIENT, i, 1n, 100n, i < 6n);
      await ledger.recordRefundedLate(PROVIDER, CLIENT, 9n, 1n);
      await ledger.recordDispute(PROVIDER, CLIENT, 10n, 2000n, 0n);
      // completion = 9*10000/12 = 7500; punctuality = 7*10000/10 = 7000; satisfaction = 5000;
      // quality = (37500 + 14000 + 15000)/10 = 6650; confidence = 10000.
      expect(await ledger.score(PROVIDER)).to.equal(6650n);
    });

    it("gives 7084 for the worked example of docs/REPUTATION.md", async function () {
      const { ledger } = await loadFixture(deployLedgerFixture);
      // 40 jobs of $100 (36 on time), 2 late refunds, 1 lost dispute, feedback averaging 90 over $3,000.
      for (let i = 0n; i < 40n; i++) await ledger.recordCompleted(PROVIDER, CLIENT, i, 100n * USD, 600n, i < 36n);
      await ledger.recordRefundedLate(PROVIDER, CLIENT, 40n, 100n * USD);
      await ledger.recordRefundedLate(PROVIDER, CLIENT, 41n, 100n * USD);
      await ledger.recordDispute(PROVIDER, CLIENT, 42n, 0n, 0n);
      await ledger.recordFeedback(PROVIDER, CLIENT, 1n, 90, 3_000n * USD, "", "", "", ethers.ZeroHash);
      // completion 9111, punctuality 8809, satisfaction 9000, quality 9017, confidence 11 * 10000 / 14 = 7857.
      expect(await ledger.score(PROVIDER)).to.equal(7084n);
    });

    it("matches the TypeScript model rebuilt from events alone, for every agent", async function () {
      const { ledger, channelsWriter } = await loadFixture(deployLedgerFixture);
      const latencies = [5n, 61n, 299n, 1_800n, 7_200n, 20_000n, 50_000n, 200_000n];
      let job = 1n;
      for (let round = 0; round < 3; round++) {
        for (const [i, latency] of latencies.entries()) {
          const provider = BigInt(1 + ((i + round) % 3));
          const client = BigInt(4 + (i % 2));
          const amount = BigInt(1 + i * 37 + round * 1_013) * 997_531n;
          await ledger.recordCompleted(provider, client, job++, amount, latency, (i + round) % 3 !== 0);
          if (i % 3 === 0) await ledger.recordFeedback(provider, client, job, (i * 13 + round * 7) % 101, amount, "t", "", "", ethers.ZeroHash);
          if (i % 4 === 1) await ledger.recordRefundedLate(provider, client, job++, amount);
          if (i % 5 === 2) await ledger.recordDispute(provider, client, job++, BigInt((i * 1_777 + round * 2_500) % 10_001), amount / 2n);
          if (i % 2 === 1) await ledger.connect(channelsWriter).recordChannelVolume(provider, client, BigInt(i), amount * 3n);
          if (i % 3 === 2) await ledger.recordFeedback(client, provider, job, (i * 31) % 101, amount / 3n, "", "", "", ethers.ZeroHash);
        }
      }
      const models = await replayEvents(ledger);
      expect(models.size).to.equal(5);
      for (const [id, model] of models) {
        await expectStats(ledger, id, model);
        const score = await ledger.score(id);
        expect(score).to.be.lte(10_000n);
        expect(score).to.equal(modelScore(model));
      }
    });
  });
});
