import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { JobState, PRICE, RESULT, RefundKind, withListingFixture } from "../fixtures/jobs";
import { fromBalance } from "../helpers/funding";

/**
 * Regression: anyone could hire an offline provider and, once the deadline passed, `refund` recorded
 * `refundedLate` against it (and the refunded job accepted the attacker's feedback), lowering its score for the
 * price of gas. A job the provider never accepted now records nothing and accepts no feedback; a job it accepted
 * and then missed still counts against it.
 */
describe("Regression: refunding a job the provider never accepted does not lower its score", function () {
  /** A provider with two completed jobs (a non-zero score) and an attacker agent with money in the vault. */
  async function withReputedProviderFixture() {
    const f = await withListingFixture();
    for (let i = 0; i < 2; i++) {
      const jobId = await f.hire(f.listingId);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
      await f.escrow.connect(f.clientOperator).approve(jobId);
    }
    const attacker = f.stranger;
    const attackerId = await f.registerAgent(attacker, "ipfs://attacker");
    await f.deposit(attacker, attackerId, 10n * PRICE);
    return { ...f, attacker, attackerId };
  }

  it("leaves the provider's stats and score unchanged after repeated hire-and-refund griefs", async function () {
    const f = await loadFixture(withReputedProviderFixture);
    const scoreBefore = await f.ledger.score(f.providerId);
    const statsBefore = await f.ledger.stats(f.providerId);
    expect(scoreBefore).to.be.gt(0n);

    for (let i = 0; i < 3; i++) {
      const jobId = await f.hire(f.listingId, { clientId: f.attackerId }, f.attacker);
      const deadline = (await f.escrow.getJob(jobId)).deadline;
      await time.increaseTo(deadline + 1n);
      const tx = f.escrow.connect(f.attacker).refund(jobId);
      await expect(tx)
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(jobId, f.attackerId, f.providerId, PRICE, 0n, RefundKind.Unaccepted, f.attacker.address);
      await expect(tx).not.to.emit(f.ledger, "JobRefundedLate");
      expect(await f.escrow.state(jobId)).to.equal(JobState.Refunded);
      // The other half of the grief: a zero rating on the refunded job.
      await expect(f.escrow.connect(f.attacker).giveFeedback(jobId, 0, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNeverAccepted")
        .withArgs(jobId);
    }

    expect(await f.ledger.stats(f.providerId)).to.deep.equal(statsBefore);
    expect(await f.ledger.score(f.providerId)).to.equal(scoreBefore);
    // The attacker got every unit back: the grief cost it gas only, and now achieves nothing.
    expect(await f.vault.balanceOf(f.attackerId)).to.equal(10n * PRICE);
    await f.expectSolvent();
  });

  it("still lowers the score when the provider accepted the job and missed the deadline", async function () {
    const f = await loadFixture(withReputedProviderFixture);
    const scoreBefore = await f.ledger.score(f.providerId);
    const jobId = await f.hire(f.listingId, { clientId: f.attackerId }, f.attacker);
    await f.escrow.connect(f.providerOperator).accept(jobId, fromBalance());
    await time.increaseTo((await f.escrow.getJob(jobId)).deadline + 1n);
    await expect(f.escrow.connect(f.attacker).refund(jobId))
      .to.emit(f.ledger, "JobRefundedLate")
      .withArgs(f.providerId, f.attackerId, jobId, PRICE);
    expect((await f.ledger.stats(f.providerId)).refundedLate).to.equal(1n);
    expect(await f.ledger.score(f.providerId)).to.be.lt(scoreBefore);
  });
});
