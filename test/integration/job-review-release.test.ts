import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import {
  ARB_FEE,
  CompletionKind,
  JobState,
  PRICE,
  feeOn,
  withDeliveredJobFixture,
} from "../fixtures/jobs";
import { fromBalance } from "../helpers/funding";

const label = (offset: bigint) => (offset < 0n ? `review end${offset}` : `review end+${offset}`);

describe("Job review window: reject while now <= reviewEndsAt, release once now > reviewEndsAt", function () {
  for (const offset of [-1n, 0n, 1n]) {
    it(`at ${label(offset)} reject ${offset <= 0n ? "opens a dispute" : "reverts with EscrowTooLate"}`, async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await time.setNextBlockTimestamp(f.reviewEndsAt + offset);
      const before = await f.vaultState();
      const tx = f.escrow.connect(f.clientOperator).reject(f.jobId, "ipfs://reason", fromBalance());
      if (offset > 0n) {
        await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(f.jobId, f.reviewEndsAt + offset, f.reviewEndsAt);
        return;
      }
      await expect(tx).to.emit(f.escrow, "JobDisputed");
      const after = await f.vaultState();
      expect(after.locked - before.locked).to.equal(ARB_FEE);
      expect(before.client - after.client).to.equal(ARB_FEE);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Disputed);
    });

    it(`at ${label(offset)} release ${offset > 0n ? "pays the provider" : "reverts with EscrowTooEarly"}`, async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await time.setNextBlockTimestamp(f.reviewEndsAt + offset);
      const before = await f.vaultState();
      const tx = f.escrow.connect(f.stranger).release(f.jobId);
      if (offset <= 0n) {
        await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(f.jobId, f.reviewEndsAt + offset, f.reviewEndsAt + 1n);
        return;
      }
      const fee = feeOn(PRICE);
      await expect(tx)
        .to.emit(f.escrow, "JobCompleted")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE - fee, fee, 0n, CompletionKind.Released, f.stranger.address);
      await f.expectSettlement(before, { provider: PRICE - fee, fees: fee }, PRICE);
    });
  }

  it("a silent client cannot hold the provider's pay: anyone releases, with the completion recorded", async function () {
    const f = await loadFixture(withDeliveredJobFixture);
    await time.increaseTo(f.reviewEndsAt + 30n * 86_400n);
    const before = await f.vaultState();
    const fee = feeOn(PRICE);
    const tx = f.escrow.connect(f.others[7]).release(f.jobId);
    await expect(tx)
      .to.emit(f.ledger, "JobCompleted")
      .withArgs(f.providerId, f.clientId, f.jobId, PRICE, f.deliveredAt - f.createdAt, true, 0n); // volume before the fee
    await f.expectSettlement(before, { provider: PRICE - fee, fees: fee }, PRICE);
    // Once released, the job is final for both sides.
    await expect(f.escrow.connect(f.clientOperator).reject(f.jobId, "", fromBalance()))
      .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
      .withArgs(f.jobId, JobState.Completed, JobState.Delivered);
    await expect(f.escrow.release(f.jobId))
      .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
      .withArgs(f.jobId, JobState.Completed, JobState.Delivered);
  });

  it("the client may still approve after the window (same payout as a release)", async function () {
    const f = await loadFixture(withDeliveredJobFixture);
    await time.setNextBlockTimestamp(f.reviewEndsAt + 1n);
    const before = await f.vaultState();
    const fee = feeOn(PRICE);
    await expect(f.escrow.connect(f.clientOperator).approve(f.jobId))
      .to.emit(f.escrow, "JobCompleted")
      .withArgs(f.jobId, f.clientId, f.providerId, PRICE - fee, fee, 0n, CompletionKind.Approved, f.clientOperator.address);
    await f.expectSettlement(before, { provider: PRICE - fee, fees: fee }, PRICE);
  });

  it("release works while the guardian paused new business", async function () {
    const f = await loadFixture(withDeliveredJobFixture);
    await f.vault.connect(f.guardian).pause();
    await time.setNextBlockTimestamp(f.reviewEndsAt + 1n);
    await expect(f.escrow.release(f.jobId)).to.emit(f.escrow, "JobCompleted");
  });
});
