import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import {
  JobState,
  PRICE,
  RESULT,
  RefundKind,
  feeOn,
  withAcceptedCollateralJobFixture,
  withFundedJobFixture,
} from "../fixtures/jobs";

const label = (offset: bigint) => (offset < 0n ? `deadline${offset}` : `deadline+${offset}`);

describe("Job refund and cancel", function () {
  describe("deadline edge: deliver is open while now <= deadline, refund once now > deadline", function () {
    for (const offset of [-1n, 0n, 1n]) {
      it(`at ${label(offset)} deliver ${offset <= 0n ? "succeeds" : "reverts with EscrowTooLate"}`, async function () {
        const f = await loadFixture(withFundedJobFixture);
        await time.setNextBlockTimestamp(f.deadline + offset);
        const tx = f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, "ipfs://result");
        if (offset <= 0n) await expect(tx).to.emit(f.escrow, "JobDelivered");
        else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(f.jobId, f.deadline + offset, f.deadline);
      });

      it(`at ${label(offset)} refund ${offset > 0n ? "succeeds" : "reverts with EscrowTooEarly"}`, async function () {
        const f = await loadFixture(withFundedJobFixture);
        await time.setNextBlockTimestamp(f.deadline + offset);
        const before = await f.vaultState();
        const tx = f.escrow.connect(f.stranger).refund(f.jobId);
        if (offset <= 0n) {
          await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(f.jobId, f.deadline + offset, f.deadline + 1n);
          return;
        }
        // Never accepted: refunded, but nothing recorded against the provider.
        await expect(tx)
          .to.emit(f.escrow, "JobRefunded")
          .withArgs(f.jobId, f.clientId, f.providerId, PRICE, 0n, RefundKind.Unaccepted, f.stranger.address);
        await expect(tx).not.to.emit(f.ledger, "JobRefundedLate");
        await f.expectSettlement(before, { client: PRICE }, PRICE);
        expect(await f.escrow.state(f.jobId)).to.equal(JobState.Refunded);
        expect((await f.ledger.stats(f.providerId)).refundedLate).to.equal(0n);
      });
    }
  });

  describe("collateral", function () {
    for (const offset of [-1n, 0n, 1n]) {
      it(`at ${label(offset)} an accepted job ${offset > 0n ? "is refunded with the whole collateral slashed to the client" : "can still be delivered"}`, async function () {
        const f = await loadFixture(withAcceptedCollateralJobFixture);
        await time.setNextBlockTimestamp(f.deadline + offset);
        if (offset <= 0n) {
          await expect(f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, "")).to.emit(f.escrow, "JobDelivered");
          return;
        }
        const before = await f.vaultState();
        await expect(f.escrow.connect(f.stranger).refund(f.jobId))
          .to.emit(f.escrow, "JobRefunded")
          .withArgs(f.jobId, f.clientId, f.providerId, PRICE, f.collateral, RefundKind.Deadline, f.stranger.address);
        await f.expectSettlement(before, { client: PRICE + f.collateral }, PRICE + f.collateral);
        const stats = await f.ledger.stats(f.providerId);
        expect([stats.refundedLate, stats.completed]).to.deep.equal([1n, 0n]);
      });
    }

    it("returns the collateral to the provider when the job completes", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      await f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, "");
      const before = await f.vaultState();
      await f.escrow.connect(f.clientOperator).approve(f.jobId);
      const fee = feeOn(PRICE);
      await f.expectSettlement(before, { provider: PRICE - fee + f.collateral, fees: fee }, PRICE + f.collateral);
    });
  });

  describe("cancel", function () {
    it("returns the whole amount to the client before acceptance", async function () {
      const f = await loadFixture(withFundedJobFixture);
      const before = await f.vaultState();
      await f.escrow.connect(f.clientOperator).cancel(f.jobId);
      await f.expectSettlement(before, { client: PRICE }, PRICE);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Cancelled);
      expect((await f.ledger.stats(f.providerId)).refundedLate).to.equal(0n);
    });

    it("is closed once the provider accepted; the refund then waits for the deadline", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      await expect(f.escrow.connect(f.clientOperator).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Accepted, JobState.Funded);
    });

    it("final states stay final: nothing reopens a cancelled job", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.escrow.connect(f.clientOperator).cancel(f.jobId);
      await time.setNextBlockTimestamp(f.deadline + 1n);
      await expect(f.escrow.refund(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Funded);
      await expect(f.escrow.connect(f.clientOperator).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Funded);
    });
  });

  describe("liveness", function () {
    it("refunds while paused and with a USDC-blacklisted provider owner", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      await f.vault.connect(f.guardian).pause();
      await f.usdc.connect(f.deployer).blacklist(f.providerOwner.address);
      await time.setNextBlockTimestamp(f.deadline + 1n);
      const before = await f.vaultState();
      await f.escrow.connect(f.stranger).refund(f.jobId);
      await f.expectSettlement(before, { client: PRICE + f.collateral }, PRICE + f.collateral);
      // The client pulls its money out, paused or not.
      await expect(f.vault.connect(f.clientOwner).withdraw(f.clientId, PRICE + f.collateral)).to.changeTokenBalance(
        f.usdc,
        f.clientOwner,
        PRICE + f.collateral,
      );
      await f.expectSolvent();
    });
  });
});
