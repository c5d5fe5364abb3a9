import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import {
  GasBurningValidator__factory,
  ReturnBombValidator__factory,
  RevertingValidator__factory,
} from "../../typechain-types";
import {
  ARB_FEE,
  CompletionKind,
  JobState,
  PRICE,
  REVIEW,
  RESULT,
  RefundKind,
  SPEC,
  Verdict,
  collateralFor,
  feeOn,
  minedAt,
  withEscrowFixture,
} from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

type Base = Awaited<ReturnType<typeof withEscrowFixture>>;

/** A funded job on a listing naming `validator` (with 50% collateral when `collateralBps` is set). */
async function hireWithValidator(f: Base, validator: string, collateralBps = 0n) {
  const listingId = await f.publish({ validator, collateralBps });
  const jobId = await f.hire(listingId);
  if (collateralBps !== 0n) await f.escrow.connect(f.providerOperator).accept(jobId, fromTransfer());
  return jobId;
}

/** The reference HashValidator on a 50%-collateral listing, job accepted. */
async function withHashValidatorJobFixture() {
  const f = await withEscrowFixture();
  const validator = await f.hashValidator.getAddress();
  const jobId = await hireWithValidator(f, validator, 5_000n);
  return { ...f, validator, jobId, collateral: collateralFor(PRICE, 5_000n, 0n) };
}

/** A job whose validator always reverts, delivered (no verdict). */
async function withRevertingValidatorJobFixture() {
  const f = await withEscrowFixture();
  const bad = await new RevertingValidator__factory(f.deployer).deploy();
  const jobId = await hireWithValidator(f, await bad.getAddress());
  const tx = f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
  await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(jobId, await bad.getAddress(), Verdict.Pending, f.providerOperator.address);
  const deliveredAt = await minedAt(await tx);
  return { ...f, bad, jobId, reviewEndsAt: deliveredAt + REVIEW };
}

describe("Job with a validator", function () {
  describe("HashValidator", function () {
    it("approves a matching result at delivery: paid, collateral back, completion recorded", async function () {
      const f = await loadFixture(withHashValidatorJobFixture);
      const before = await f.vaultState();
      const fee = feeOn(PRICE);
      const tx = f.escrow.connect(f.providerOperator).deliver(f.jobId, SPEC, "ipfs://result");
      await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(f.jobId, f.validator, Verdict.Approved, f.providerOperator.address);
      await expect(tx)
        .to.emit(f.escrow, "JobCompleted")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE - fee, fee, f.collateral, CompletionKind.ValidatorApproved, f.providerOperator.address);
      await expect(tx).to.emit(f.ledger, "JobCompleted");
      await f.expectSettlement(before, { provider: PRICE - fee + f.collateral, fees: fee }, PRICE + f.collateral);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Completed);
    });

    it("rejects a mismatching result at delivery: amount and collateral to the client, a lost dispute", async function () {
      const f = await loadFixture(withHashValidatorJobFixture);
      const before = await f.vaultState();
      const tx = f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, "ipfs://wrong");
      await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(f.jobId, f.validator, Verdict.Rejected, f.providerOperator.address);
      await expect(tx)
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, f.collateral, RefundKind.ValidatorRejected, f.providerOperator.address);
      await expect(tx).to.emit(f.ledger, "DisputeRecorded").withArgs(f.providerId, f.clientId, f.jobId, 0n, 0n, false);
      await f.expectSettlement(before, { client: PRICE + f.collateral }, PRICE + f.collateral);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Refunded);
      // A settled job cannot be re-judged.
      await expect(f.escrow.pollValidator(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Refunded, JobState.Delivered);
    });
  });

  describe("a broken validator falls back to the review path", function () {
    it("reverting: anyone releases after the silent review window", async function () {
      const f = await loadFixture(withRevertingValidatorJobFixture);
      expect(await f.escrow.pollValidator.staticCall(f.jobId)).to.equal(Verdict.Pending);
      await time.setNextBlockTimestamp(f.reviewEndsAt + 1n);
      const before = await f.vaultState();
      const fee = feeOn(PRICE);
      await f.escrow.connect(f.stranger).release(f.jobId);
      await f.expectSettlement(before, { provider: PRICE - fee, fees: fee }, PRICE);
    });

    it("reverting: the client can still reject and dispute", async function () {
      const f = await loadFixture(withRevertingValidatorJobFixture);
      await time.setNextBlockTimestamp(f.reviewEndsAt);
      await f.escrow.connect(f.clientOperator).reject(f.jobId, "ipfs://reason", fromBalance());
      const before = await f.vaultState();
      await f.arbitrator.giveRuling(f.jobId, 0n);
      await f.expectSettlement(before, { client: PRICE, credits: ARB_FEE }, PRICE + ARB_FEE);
    });

    it("gas-burning: delivery succeeds within the cap and the job stays reviewable", async function () {
      const f = await loadFixture(withEscrowFixture);
      const burner = await new GasBurningValidator__factory(f.deployer).deploy();
      const jobId = await hireWithValidator(f, await burner.getAddress());
      const tx = await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "", { gasLimit: 1_000_000n });
      await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(jobId, await burner.getAddress(), Verdict.Pending, f.providerOperator.address);
      const receipt = await tx.wait();
      expect(receipt!.gasUsed).to.be.lt(200_000n + 100_000n); // the cap plus the delivery itself
      expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered);
      await expect(f.escrow.connect(f.clientOperator).approve(jobId)).to.emit(f.escrow, "JobCompleted");
    });

    it("return bomb: the escrow copies one word and does not trust it", async function () {
      const f = await loadFixture(withEscrowFixture);
      const bomb = await new ReturnBombValidator__factory(f.deployer).deploy(150_000n);
      const bombJob = await hireWithValidator(f, await bomb.getAddress());
      const pendingJob = await hireWithValidator(f, await f.mockValidator.getAddress());
      const bombTx = await f.escrow.connect(f.providerOperator).deliver(bombJob, RESULT, "");
      await expect(bombTx).to.emit(f.escrow, "ValidatorPolled").withArgs(bombJob, await bomb.getAddress(), Verdict.Pending, f.providerOperator.address);
      const pendingTx = await f.escrow.connect(f.providerOperator).deliver(pendingJob, RESULT, "");
      const bombGas = (await bombTx.wait())!.gasUsed;
      const pendingGas = (await pendingTx.wait())!.gasUsed;
      // The bomb's own memory costs ~57k gas inside its cap; copying it into the escrow would cost as much again.
      expect(bombGas - pendingGas).to.be.lt(80_000n);
      expect(await f.escrow.state(bombJob)).to.equal(JobState.Delivered);
    });
  });

  describe("a slow validator", function () {
    it("answers later through pollValidator; anyone can poll", async function () {
      const f = await loadFixture(withEscrowFixture);
      const jobId = await hireWithValidator(f, await f.mockValidator.getAddress());
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      expect(await f.mockValidator.calls()).to.equal(1n);
      await f.mockValidator.setVerdict(Verdict.Rejected);
      const before = await f.vaultState();
      await expect(f.escrow.connect(f.stranger).pollValidator(jobId))
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(jobId, f.clientId, f.providerId, PRICE, 0n, RefundKind.ValidatorRejected, f.stranger.address);
      await f.expectSettlement(before, { client: PRICE }, PRICE);
    });

    it("loses the race to the client's dispute: a disputed job is no longer polled", async function () {
      const f = await loadFixture(withEscrowFixture);
      const jobId = await hireWithValidator(f, await f.mockValidator.getAddress());
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      await f.escrow.connect(f.clientOperator).reject(jobId, "", fromBalance());
      await f.mockValidator.setVerdict(Verdict.Approved);
      await expect(f.escrow.pollValidator(jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(jobId, JobState.Disputed, JobState.Delivered);
      expect((await f.escrow.getJob(jobId)).resultHash).to.equal(RESULT);
      expect(ethers.ZeroHash).to.not.equal(RESULT);
    });
  });
});
