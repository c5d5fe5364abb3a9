import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { termsHashFor } from "../helpers/terms";
import { ethers } from "hardhat";
import { USDC, attackFixture, channelIdOf, freshSalt, fromBalance, signVoucher } from "../fixtures/attacks";
import { BPS, FEE_BPS, JobState, PRICE, Pricing, RESULT, RefundKind, Verdict, ceilDiv } from "../fixtures/jobs";

/*
 * Reputation farming and feedback abuse (docs/THREAT_MODEL.md, attacks RP-01..RP-06). Invariant 7: reputation
 * changes only through settlement; feedback needs a settled job and the counterparty. The sybil-ring test measures
 * the score a two-owner ring buys per USDC of protocol fees as its volume grows, against the bound of
 * docs/REPUTATION.md ("Why it resists sybils").
 */

/** `floor(log2(x))` for x >= 1. */
function log2(x: bigint): bigint {
  let r = 0n;
  while (x > 1n) {
    x >>= 1n;
    r += 1n;
  }
  return r;
}

/**
 * The highest score that `fees` units of protocol fees can buy at `feeBps` (docs/REPUTATION.md):
 * score <= confidence = min(10000, floor(log2(1 + V / 1e6)) * 10000 / 14), and V <= fees * 10000 / feeBps because
 * every unit of counted volume paid at least `feeBps / 10000` of itself in fees.
 */
function scoreBoughtBy(fees: bigint, feeBps: bigint): bigint {
  const volumeDollars = (fees * BPS) / feeBps / USDC;
  const c = (log2(1n + volumeDollars) * BPS) / 14n;
  return c > BPS ? BPS : c;
}

describe("Attacks: reputation farming and feedback abuse", function () {
  it("RP-01 self-dealing (one owner on both sides) earns no reputation through jobs or channels, and no feedback", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, channels, ledger, listings, clientOwner, clientId } = f;
    // The client's owner registers a provider agent of its own and trades with itself.
    const puppet = await f.registerAgent(clientOwner, "ipfs://puppet");
    await listings.connect(clientOwner).publish(puppet, f.listingParams({ price: 1n, pricing: Pricing.Quoted, reviewWindow: 60n }));
    const puppetListing = await listings.totalListings();
    const before = await ledger.stats(puppet);
    for (let i = 0n; i < 3n; i++) {
      const jobId = await f.createJob({ listingId: puppetListing, signer: clientOwner, params: { maxPrice: PRICE } });
      expect((await escrow.getJob(jobId)).selfDealing).to.equal(true);
      await escrow.connect(clientOwner).deliver(jobId, RESULT, "ipfs://r");
      await expect(escrow.connect(clientOwner).approve(jobId)).not.to.emit(ledger, "JobCompleted");
      await expect(escrow.connect(clientOwner).giveFeedback(jobId, 100, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "EscrowSelfDealing")
        .withArgs(jobId);
    }
    const salt = freshSalt();
    await channels.connect(clientOwner).open(clientId, puppet, salt, clientOwner.address, 500n * USDC, fromBalance());
    const channelId = channelIdOf(clientId, puppet, salt);
    const voucher = await signVoucher(channels, clientOwner, channelId, 1n, 500n * USDC);
    await expect(channels.connect(clientOwner).claim(channelId, 1n, 500n * USDC, voucher)).not.to.emit(ledger, "ChannelVolumeRecorded");
    expect(await ledger.stats(puppet)).to.deep.equal(before);
    expect(await ledger.score(puppet)).to.equal(0n);
    await f.solvent();
  });

  it("RP-02 a sybil ring's score per USDC of fees stays under the docs/REPUTATION.md bound and halves as volume doubles", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, channels, ledger, vault, ringA, ringB, ringClientId, ringProviderId, ringListingId } = f;
    const feeBps = BigInt(await vault.protocolFeeBps());
    expect(feeBps).to.equal(FEE_BPS);
    const fees0 = await vault.accruedFees();
    const paid = async () => (await vault.accruedFees()) - fees0;

    /** One job of `amount` through the ring, approved at once and rated 100 by the ring's client. */
    async function ringJob(amount: bigint): Promise<void> {
      const deadline = BigInt(await time.latest()) + 3_600n;
      await escrow.connect(ringA).createJob({ clientId: ringClientId, listingId: ringListingId, maxPrice: amount, deadline, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, ringListingId) }, fromBalance());
      const jobId = await escrow.totalJobs();
      await escrow.connect(ringB).deliver(jobId, RESULT, "ipfs://r");
      await escrow.connect(ringA).approve(jobId);
      await escrow.connect(ringA).giveFeedback(jobId, 100, "", "", "", ethers.ZeroHash);
    }
    /** One channel of `amount` through the ring, claimed in full. */
    async function ringChannel(amount: bigint): Promise<void> {
      const salt = freshSalt();
      await channels.connect(ringA).open(ringClientId, ringProviderId, salt, ringA.address, amount, fromBalance());
      const channelId = channelIdOf(ringClientId, ringProviderId, salt);
      await channels.connect(ringB).claim(channelId, 1n, amount, await signVoucher(channels, ringA, channelId, 1n, amount));
    }

    // Quality first, almost for free: 30 one-unit jobs (each pays a one-unit fee, the provider gets 0).
    for (let i = 0; i < 30; i++) await ringJob(1n);
    expect(await ledger.score(ringProviderId)).to.equal(0n); // no confidence below $1 earned
    expect(await paid()).to.equal(30n);

    // Then volume, doubling: step k takes the counted volume to $(2^k - 1), by jobs and channels alternately.
    const ratios: bigint[] = [];
    for (let k = 1n; k <= 14n; k++) {
      const target = (2n ** k - 1n) * USDC;
      const need = target - (await ledger.stats(ringProviderId)).volumeEarned;
      if (k % 2n === 1n) {
        // A job counts the provider's net: find the smallest amount whose net covers `need`.
        let amount = ceilDiv(need * BPS, BPS - feeBps);
        while (amount - ceilDiv(amount * feeBps, BPS) < need) amount += 1n;
        await ringJob(amount);
      } else {
        await ringChannel(need); // a channel counts the gross claim
      }
      const stats = await ledger.stats(ringProviderId);
      expect(stats.volumeEarned).to.be.greaterThanOrEqual(target);
      const score = await ledger.score(ringProviderId);
      const fees = await paid();
      // The bound: the fees paid cap the counted volume, which caps confidence, which caps the score.
      expect(score, `step ${k}: score ${score} for ${fees} units of fees`).to.be.lessThanOrEqual(scoreBoughtBy(fees, feeBps));
      expect(score).to.be.greaterThan(0n);
      ratios.push((score * USDC) / fees); // bps of score per USDC of fees
    }
    // Diminishing returns: every doubling of volume buys less score per USDC than the last.
    for (let i = 1; i < ratios.length; i++) expect(ratios[i], `ratios ${ratios.join(", ")}`).to.be.lessThan(ratios[i - 1]!);
    // The docs' price list at 1%: a full-confidence score costs at least $163.83 of fees, i.e. <= 62 bps per USDC.
    const final = await ledger.score(ringProviderId);
    const fees = await paid();
    expect(fees).to.be.greaterThanOrEqual(16_383n * USDC * feeBps / BPS);
    expect((final * USDC) / fees).to.be.lessThanOrEqual(62n);
    expect(final).to.be.lessThanOrEqual(BPS);
    await f.solvent();
  });

  it("RP-03 hiring an offline provider and refunding it at the deadline leaves no mark and allows no feedback", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, ledger, ringA, ringClientId, providerId, quotedListingId } = f;
    const stats = await ledger.stats(providerId);
    const score = await ledger.score(providerId);
    const jobs: bigint[] = [];
    for (let i = 0; i < 10; i++) {
      await escrow.connect(ringA).createJob(
        { clientId: ringClientId, listingId: quotedListingId, maxPrice: 1n, deadline: BigInt(await time.latest()) + 7_200n, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, quotedListingId) },
        fromBalance(),
      );
      jobs.push(await escrow.totalJobs());
    }
    await time.increase(7_201n);
    for (const jobId of jobs) {
      await expect(escrow.connect(ringA).refund(jobId)).to.emit(escrow, "JobRefunded").withArgs(jobId, ringClientId, providerId, 1n, 0n, RefundKind.Unaccepted, ringA.address);
      await expect(escrow.connect(ringA).giveFeedback(jobId, 0, "", "", "", ethers.ZeroHash)).to.be.revertedWithCustomError(escrow, "EscrowNeverAccepted").withArgs(jobId);
    }
    // A job the provider declined is Cancelled: no feedback either.
    await escrow.connect(ringA).createJob(
      { clientId: ringClientId, listingId: quotedListingId, maxPrice: 1n, deadline: BigInt(await time.latest()) + 7_200n, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, quotedListingId) },
      fromBalance(),
    );
    const declined = await escrow.totalJobs();
    await escrow.connect(f.providerOperator).decline(declined, "ipfs://busy");
    await expect(escrow.connect(ringA).giveFeedback(declined, 0, "", "", "", ethers.ZeroHash))
      .to.be.revertedWithCustomError(escrow, "EscrowUnexpectedState")
      .withArgs(declined, JobState.Cancelled, JobState.Completed);
    expect(await ledger.stats(providerId)).to.deep.equal(stats);
    expect(await ledger.score(providerId)).to.equal(score);
  });

  it("RP-04 feedback needs a settled job and the counterparty, once per side; the ledger takes writes from the modules only", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, ledger, clientOperator, clientId, providerId, attacker } = f;
    const jobId = await f.deliveredJob();
    await expect(escrow.connect(clientOperator).giveFeedback(jobId, 0, "", "", "", ethers.ZeroHash))
      .to.be.revertedWithCustomError(escrow, "EscrowUnexpectedState")
      .withArgs(jobId, JobState.Delivered, JobState.Completed);
    await escrow.connect(clientOperator).approve(jobId);
    await expect(escrow.connect(attacker).giveFeedback(jobId, 0, "", "", "", ethers.ZeroHash))
      .to.be.revertedWithCustomError(escrow, "EscrowNotParty")
      .withArgs(jobId, attacker.address);
    await expect(escrow.connect(clientOperator).giveFeedback(jobId, 101, "", "", "", ethers.ZeroHash))
      .to.be.revertedWithCustomError(ledger, "LedgerInvalidScore")
      .withArgs(101);
    await escrow.connect(clientOperator).giveFeedback(jobId, 80, "", "", "", ethers.ZeroHash);
    await expect(escrow.connect(clientOperator).giveFeedback(jobId, 0, "", "", "", ethers.ZeroHash))
      .to.be.revertedWithCustomError(escrow, "EscrowFeedbackAlreadyGiven")
      .withArgs(jobId, clientId);
    // Straight to the ledger: no writer but the two modules, and the wiring is sealed.
    await expect(ledger.connect(attacker).recordFeedback(providerId, clientId, jobId, 0, PRICE, "", "", "", ethers.ZeroHash))
      .to.be.revertedWithCustomError(ledger, "LedgerNotWriter")
      .withArgs(attacker.address);
    await expect(ledger.connect(attacker).recordCompleted(providerId, clientId, 1n, 10n ** 20n, 1n, true))
      .to.be.revertedWithCustomError(ledger, "LedgerNotWriter")
      .withArgs(attacker.address);
    await expect(ledger.connect(attacker).recordDispute(providerId, clientId, jobId, 0, 0n)).to.be.revertedWithCustomError(ledger, "LedgerNotWriter").withArgs(attacker.address);
    await expect(ledger.connect(attacker).setWriters(attacker.address, attacker.address)).to.be.revertedWithCustomError(ledger, "LedgerNotDeployer").withArgs(attacker.address);
    await expect(ledger.connect(f.deployer).setWriters(attacker.address, attacker.address)).to.be.revertedWithCustomError(ledger, "LedgerWritersAlreadySet");
    const stats = await ledger.stats(providerId);
    expect([stats.feedbackCount, stats.feedbackWeight, stats.feedbackWeightedScore]).to.deep.equal([1n, PRICE, 80n * PRICE]);
  });

  it("RP-05 feedback bombing with dust jobs moves satisfaction by the jobs' value, not their number", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, ledger, ringA, ringClientId, providerId, quotedListingId, providerOperator } = f;
    const genuine = await f.deliveredJob();
    await escrow.connect(f.clientOperator).approve(genuine);
    await escrow.connect(f.clientOperator).giveFeedback(genuine, 100, "", "", "", ethers.ZeroHash);
    const fees0 = await f.vault.accruedFees();
    const dust = 40n;
    for (let i = 0n; i < dust; i++) {
      await escrow.connect(ringA).createJob(
        { clientId: ringClientId, listingId: quotedListingId, maxPrice: 1n, deadline: BigInt(await time.latest()) + 7_200n, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, quotedListingId) },
        fromBalance(),
      );
      const jobId = await escrow.totalJobs();
      await escrow.connect(providerOperator).deliver(jobId, RESULT, "ipfs://r");
      await escrow.connect(ringA).approve(jobId);
      await escrow.connect(ringA).giveFeedback(jobId, 0, "bad", "", "", ethers.ZeroHash);
    }
    const stats = await ledger.stats(providerId);
    expect([stats.feedbackCount, stats.feedbackWeight, stats.feedbackWeightedScore]).to.deep.equal([dust + 1n, PRICE + dust, 100n * PRICE]);
    const satisfaction = (stats.feedbackWeightedScore * 100n) / stats.feedbackWeight;
    expect(satisfaction).to.equal(9_999n); // 41 ratings, 40 of them zero: one basis point lost
    expect((await f.vault.accruedFees()) - fees0).to.equal(dust); // and each bomb paid a full unit of fee
  });

  it("RP-06 a client committing to an unreachable spec on a validator listing: a provider that pre-checks declines unmarked", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, ledger, hashValidator, providerId, providerOperator } = f;
    const listingId = await f.publish({ validator: await hashValidator.getAddress() });
    const unreachable = ethers.id("a hash no delivery can match");
    const stats = await ledger.stats(providerId);
    // Careful provider: asks the (pure) validator before delivering, sees Rejected, declines. Nothing recorded.
    const jobId = await f.createJob({ listingId, params: { specHash: unreachable } });
    expect(await hashValidator.validate.staticCall(jobId, unreachable, RESULT)).to.equal(Verdict.Rejected);
    await escrow.connect(providerOperator).decline(jobId, "ipfs://spec-unreachable");
    expect(await ledger.stats(providerId)).to.deep.equal(stats);
    // Careless provider (open risk, pinned): delivering anyway refunds the client and records a lost dispute.
    const careless = await f.createJob({ listingId, params: { specHash: unreachable } });
    await expect(escrow.connect(providerOperator).deliver(careless, RESULT, "ipfs://r"))
      .to.emit(escrow, "JobRefunded")
      .withArgs(careless, f.clientId, providerId, PRICE, 0n, RefundKind.ValidatorRejected, providerOperator.address);
    expect((await ledger.stats(providerId)).disputesLost).to.equal(stats.disputesLost + 1n);
    await f.solvent();
  });
});
