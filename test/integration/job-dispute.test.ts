import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import {
  DoubleRulingArbitrator__factory,
  RevertingArbitrator__factory,
  SilentArbitrator__factory,
} from "../../typechain-types";
import { USDC } from "../fixtures/agora";
import {
  ARB_FEE,
  COMMITTEE_FEE,
  JobState,
  ORACLE_FEE,
  PRICE,
  Pricing,
  RESULT,
  RULING_PERIOD,
  collateralFor,
  minedAt,
  splitFor,
  withCollateralListingFixture,
  withEscrowFixture,
} from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

type Base = Awaited<ReturnType<typeof withEscrowFixture>>;

/** Hires `listingId`, accepts (collateral by transferFrom), delivers and rejects (fee from balance). */
async function openDispute(f: Base, listingId: bigint) {
  const jobId = await f.hire(listingId);
  await f.escrow.connect(f.providerOperator).accept(jobId, fromTransfer());
  await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
  const disputedAt = await minedAt(await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://reason", fromBalance()));
  const job = await f.escrow.getJob(jobId);
  return { jobId, disputedAt, collateral: job.collateral, arbitrationFee: job.arbitrationFee };
}

/** A disputed job on a 50%-collateral listing with `MockArbitrator` (fee `ARB_FEE`). */
async function withCollateralDisputeFixture() {
  const f = await withCollateralListingFixture();
  return { ...f, ...(await openDispute(f, f.listingId)) };
}

/** A disputed job (50% collateral) whose arbitrator never rules. */
async function withSilentDisputeFixture() {
  const f = await withEscrowFixture();
  const silent = await new SilentArbitrator__factory(f.deployer).deploy(USDC);
  const silentAddress = await silent.getAddress();
  const listingId = await f.publish({ arbitrator: silentAddress, collateralBps: 5_000n });
  return { ...f, silent, silentAddress, accounts: [...f.moduleAddresses, silentAddress], ...(await openDispute(f, listingId)) };
}

/** A disputed job (no collateral) whose arbitrator reverts in `createDispute`. */
async function withRevertingDisputeFixture() {
  const f = await withEscrowFixture();
  const bad = await new RevertingArbitrator__factory(f.deployer).deploy(f.escrowAddress, ARB_FEE, false);
  const badAddress = await bad.getAddress();
  const listingId = await f.publish({ arbitrator: badAddress });
  const jobId = await f.hire(listingId);
  await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
  const tx = f.escrow.connect(f.clientOperator).reject(jobId, "", fromBalance());
  await expect(tx).to.emit(f.escrow, "ArbitratorNotificationFailed").withArgs(jobId, badAddress);
  const disputedAt = await minedAt(await tx);
  return { ...f, bad, badAddress, jobId, disputedAt };
}

/** A disputed job (no collateral) at the 2-of-3 committee. */
async function withCommitteeDisputeFixture() {
  const f = await withEscrowFixture();
  const listingId = await f.publish({ arbitrator: await f.committee.getAddress() });
  return { ...f, ...(await openDispute(f, listingId)) };
}

/** A disputed job (no collateral) at the AI-oracle adapter. */
async function withOracleDisputeFixture() {
  const f = await withEscrowFixture();
  const listingId = await f.publish({ arbitrator: await f.oracleArbitrator.getAddress() });
  return { ...f, ...(await openDispute(f, listingId)) };
}

describe("Job dispute: reject → dispute → ruling", function () {
  describe("rulings split the amount and the collateral", function () {
    for (const share of [0n, 5_000n, 10_000n, 3_333n]) {
      it(`ruling ${share} bps pays each side to the unit`, async function () {
        const f = await loadFixture(withCollateralDisputeFixture);
        expect(f.collateral).to.equal(50n * USDC);
        expect(f.arbitrationFee).to.equal(ARB_FEE);
        const s = splitFor(PRICE, f.collateral, share);
        const before = await f.vaultState();
        const tx = f.arbitrator.giveRuling(f.jobId, share);
        await expect(tx).to.emit(f.escrow, "Ruling").withArgs(f.arbitratorAddress, f.jobId, share);
        await expect(tx)
          .to.emit(f.escrow, "JobResolved")
          .withArgs(
            f.jobId,
            f.clientId,
            f.providerId,
            share,
            s.toProvider,
            s.fee,
            s.toClient,
            s.collateralToProvider,
            s.collateralToClient,
            ARB_FEE,
            false,
            f.arbitratorAddress,
          );
        await expect(tx)
          .to.emit(f.ledger, "DisputeRecorded")
          .withArgs(f.providerId, f.clientId, f.jobId, share, s.toProvider + s.fee, share >= 5_000n); // volume before the fee
        await f.expectSettlement(
          before,
          {
            client: s.toClient + s.collateralToClient,
            provider: s.toProvider + s.collateralToProvider,
            fees: s.fee,
            credits: ARB_FEE,
          },
          PRICE + f.collateral + ARB_FEE,
        );
        expect(await f.escrow.state(f.jobId)).to.equal(JobState.Resolved);
        const stats = await f.ledger.stats(f.providerId);
        expect([stats.disputesWon, stats.disputesLost]).to.deep.equal(share >= 5_000n ? [1n, 0n] : [0n, 1n]);
      });
    }

    it("ruling 3333 bps rounds the provider's side down", async function () {
      const s = splitFor(PRICE, 50n * USDC, 3_333n);
      expect(s).to.deep.include({ gross: 33_330_000n, fee: 333_300n, toClient: 66_670_000n, collateralToProvider: 16_665_000n });
      const odd = splitFor(101n, 7n, 3_333n);
      expect(odd).to.deep.include({ gross: 33n, fee: 1n, toProvider: 32n, toClient: 68n, collateralToProvider: 2n, collateralToClient: 5n });
    });

    it("odd amounts round the provider's side down and conserve every unit", async function () {
      const f = await loadFixture(withEscrowFixture);
      const amount = 100_000_001n;
      const listingId = await f.publish({ pricing: Pricing.Quoted, collateralBps: 3_333n });
      const jobId = await f.hire(listingId, { maxPrice: amount });
      await f.escrow.connect(f.providerOperator).accept(jobId, fromTransfer());
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      await f.escrow.connect(f.clientOperator).reject(jobId, "", fromBalance());
      const collateral = collateralFor(amount, 3_333n, 0n);
      expect(collateral).to.equal(33_330_001n); // ceil(33,330,000.33)
      const s = splitFor(amount, collateral, 3_333n);
      expect(s).to.deep.include({ gross: 33_330_000n, collateralToProvider: 11_108_889n, collateralToClient: 22_221_112n });
      const before = await f.vaultState();
      await expect(f.arbitrator.giveRuling(jobId, 3_333n))
        .to.emit(f.escrow, "JobResolved")
        .withArgs(jobId, f.clientId, f.providerId, 3_333n, s.toProvider, s.fee, s.toClient, s.collateralToProvider, s.collateralToClient, ARB_FEE, false, f.arbitratorAddress);
      await f.expectSettlement(
        before,
        { client: s.toClient + s.collateralToClient, provider: s.toProvider + s.collateralToProvider, fees: s.fee, credits: ARB_FEE },
        amount + collateral + ARB_FEE,
      );
    });

    it("a second ruling reverts, also from within the same transaction", async function () {
      const f = await loadFixture(withEscrowFixture);
      const double = await new DoubleRulingArbitrator__factory(f.deployer).deploy(f.escrowAddress, ARB_FEE);
      const listingId = await f.publish({ arbitrator: await double.getAddress() });
      const { jobId } = await openDispute(f, listingId);
      const reason = f.escrow.interface.encodeErrorResult("EscrowUnexpectedState", [jobId, JobState.Resolved, JobState.Disputed]);
      const tx = double.ruleTwice(jobId, 10_000n, 0n);
      await expect(tx).to.emit(double, "SecondRulingFailed").withArgs(reason);
      await expect(tx).not.to.emit(double, "SecondRulingSucceeded");
      await expect(double.giveRuling(jobId, 0n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(jobId, JobState.Resolved, JobState.Disputed);
      expect(await f.vault.creditOf(await double.getAddress())).to.equal(ARB_FEE);
      await f.expectSolvent([await double.getAddress()]);
    });

    it("rulings and defaults keep working while the guardian paused new business", async function () {
      const f = await loadFixture(withCollateralDisputeFixture);
      await f.vault.connect(f.guardian).pause();
      await expect(f.arbitrator.giveRuling(f.jobId, 2_500n)).to.emit(f.escrow, "JobResolved");
      const g = await loadFixture(withSilentDisputeFixture);
      await g.vault.connect(g.guardian).pause();
      await time.setNextBlockTimestamp(g.disputedAt + RULING_PERIOD + 1n);
      await expect(g.escrow.resolveByDefault(g.jobId)).to.emit(g.escrow, "JobResolved");
    });
  });

  describe("ruling period edge (disputedAt + RULING_PERIOD)", function () {
    for (const offset of [-1n, 0n, 1n]) {
      it(`at end${offset < 0n ? offset : `+${offset}`}: the arbitrator ${offset > 0n ? "is too late" : "can rule"}`, async function () {
        const f = await loadFixture(withCollateralDisputeFixture);
        const end = f.disputedAt + RULING_PERIOD;
        await time.setNextBlockTimestamp(end + offset);
        const tx = f.arbitrator.giveRuling(f.jobId, 10_000n);
        if (offset > 0n) {
          await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(f.jobId, end + offset, end);
          return;
        }
        await expect(tx).to.emit(f.escrow, "JobResolved");
      });

      it(`at end${offset < 0n ? offset : `+${offset}`}: the default ${offset > 0n ? "applies" : "reverts with EscrowTooEarly"}`, async function () {
        const f = await loadFixture(withSilentDisputeFixture);
        const end = f.disputedAt + RULING_PERIOD;
        await time.setNextBlockTimestamp(end + offset);
        const before = await f.vaultState(f.accounts);
        const tx = f.escrow.connect(f.stranger).resolveByDefault(f.jobId);
        if (offset <= 0n) {
          await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(f.jobId, end + offset, end + 1n);
          return;
        }
        const s = splitFor(PRICE, f.collateral, 5_000n);
        await expect(tx)
          .to.emit(f.escrow, "JobResolved")
          .withArgs(f.jobId, f.clientId, f.providerId, 5_000n, s.toProvider, s.fee, s.toClient, s.collateralToProvider, s.collateralToClient, USDC, true, f.stranger.address);
        // The silent arbitrator earns nothing: the client gets its arbitration fee back.
        await f.expectSettlement(
          before,
          { client: s.toClient + s.collateralToClient + USDC, provider: s.toProvider + s.collateralToProvider, fees: s.fee },
          PRICE + f.collateral + USDC,
          f.accounts,
        );
        expect(await f.vault.creditOf(f.silentAddress)).to.equal(0n);
        const stats = await f.ledger.stats(f.providerId);
        expect([stats.disputesWon, stats.disputesLost]).to.deep.equal([0n, 0n]);
      });
    }

    it("a ruling after the default reverts with EscrowUnexpectedState", async function () {
      const f = await loadFixture(withCollateralDisputeFixture);
      await time.setNextBlockTimestamp(f.disputedAt + RULING_PERIOD + 1n);
      await f.escrow.resolveByDefault(f.jobId);
      await expect(f.arbitrator.giveRuling(f.jobId, 10_000n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Resolved, JobState.Disputed);
    });
  });

  describe("an arbitrator that reverts in createDispute", function () {
    it("cannot block the dispute: it opens and the arbitrator can still rule", async function () {
      const f = await loadFixture(withRevertingDisputeFixture);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Disputed);
      const before = await f.vaultState([f.badAddress]);
      await expect(f.bad.giveRuling(f.jobId, 0n)).to.emit(f.escrow, "JobResolved");
      await f.expectSettlement(before, { client: PRICE, credits: ARB_FEE }, PRICE + ARB_FEE, [f.badAddress]);
    });

    it("the default applies after the ruling period", async function () {
      const f = await loadFixture(withRevertingDisputeFixture);
      await time.setNextBlockTimestamp(f.disputedAt + RULING_PERIOD + 1n);
      const before = await f.vaultState([f.badAddress]);
      await f.escrow.resolveByDefault(f.jobId);
      const s = splitFor(PRICE, 0n, 5_000n);
      await f.expectSettlement(before, { client: s.toClient + ARB_FEE, provider: s.toProvider, fees: s.fee }, PRICE + ARB_FEE, [f.badAddress]);
    });
  });

  describe("CommitteeArbitrator (2 of 3)", function () {
    it("rules with the first share to reach two votes and credits its fee", async function () {
      const f = await loadFixture(withCommitteeDisputeFixture);
      const committee = f.committee;
      const [m1, m2, m3] = f.members;
      const committeeAddress = await committee.getAddress();
      expect(f.arbitrationFee).to.equal(COMMITTEE_FEE);
      expect(await committee.getDispute(f.jobId)).to.deep.equal([true, false, 0n]);

      await expect(committee.connect(m1).vote(f.jobId, 7_000n)).to.emit(committee, "Voted").withArgs(f.jobId, m1.address, 7_000n, 1n);
      await expect(committee.connect(m2).vote(f.jobId, 3_000n)).not.to.emit(f.escrow, "JobResolved");
      await expect(committee.connect(m1).vote(f.jobId, 3_000n))
        .to.be.revertedWithCustomError(committee, "CommitteeAlreadyVoted")
        .withArgs(f.jobId, m1.address);
      await expect(committee.connect(f.stranger).vote(f.jobId, 7_000n))
        .to.be.revertedWithCustomError(committee, "CommitteeNotMember")
        .withArgs(f.stranger.address);

      const s = splitFor(PRICE, 0n, 7_000n);
      const before = await f.vaultState();
      const tx = committee.connect(m3).vote(f.jobId, 7_000n);
      await expect(tx).to.emit(committee, "Ruled").withArgs(f.jobId, 7_000n, m3.address);
      await expect(tx).to.emit(f.escrow, "Ruling").withArgs(committeeAddress, f.jobId, 7_000n);
      await f.expectSettlement(before, { client: s.toClient, provider: s.toProvider, fees: s.fee, credits: COMMITTEE_FEE }, PRICE + COMMITTEE_FEE);
      expect(await committee.getDispute(f.jobId)).to.deep.equal([true, true, 7_000n]);

      // The owner withdraws the fee credit.
      await expect(committee.connect(f.stranger).withdrawCredit(f.stranger.address, COMMITTEE_FEE))
        .to.be.revertedWithCustomError(committee, "OwnableUnauthorizedAccount")
        .withArgs(f.stranger.address);
      await expect(committee.connect(f.deployer).withdrawCredit(f.deployer.address, COMMITTEE_FEE)).to.changeTokenBalances(
        f.usdc,
        [f.deployer, f.vault],
        [COMMITTEE_FEE, -COMMITTEE_FEE],
      );
      expect(await f.vault.creditOf(committeeAddress)).to.equal(0n);
      await f.expectSolvent();
    });

    it("a split committee never rules: the default applies", async function () {
      const f = await loadFixture(withCommitteeDisputeFixture);
      const [m1, m2, m3] = f.members;
      await f.committee.connect(m1).vote(f.jobId, 0n);
      await f.committee.connect(m2).vote(f.jobId, 5_000n);
      await f.committee.connect(m3).vote(f.jobId, 10_000n);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Disputed);
      await time.setNextBlockTimestamp(f.disputedAt + RULING_PERIOD + 1n);
      const before = await f.vaultState();
      await f.escrow.resolveByDefault(f.jobId);
      const s = splitFor(PRICE, 0n, 5_000n);
      await f.expectSettlement(before, { client: s.toClient + COMMITTEE_FEE, provider: s.toProvider, fees: s.fee }, PRICE + COMMITTEE_FEE);
    });
  });

  describe("OracleArbitrator (AI jury)", function () {
    it("forwards the oracle's verdict with its reasoning, after a key rotation", async function () {
      const f = await loadFixture(withOracleDisputeFixture);
      const oracle = f.oracleArbitrator;
      const newKey = f.others[5];
      const oracleAddress = await oracle.getAddress();
      expect(f.arbitrationFee).to.equal(ORACLE_FEE);
      await expect(oracle.connect(f.deployer).setOracle(newKey.address)).to.emit(oracle, "OracleSet").withArgs(f.oracle.address, newKey.address);
      const reasoning = ethers.id("jury reasoning");
      await expect(oracle.connect(f.oracle).submitVerdict(f.jobId, 2_000n, reasoning, "ipfs://reasoning"))
        .to.be.revertedWithCustomError(oracle, "OracleNotOracle")
        .withArgs(f.oracle.address);

      const s = splitFor(PRICE, 0n, 2_000n);
      const before = await f.vaultState();
      const tx = oracle.connect(newKey).submitVerdict(f.jobId, 2_000n, reasoning, "ipfs://reasoning");
      await expect(tx).to.emit(oracle, "VerdictSubmitted").withArgs(f.jobId, 2_000n, reasoning, "ipfs://reasoning", newKey.address);
      await expect(tx).to.emit(f.escrow, "Ruling").withArgs(oracleAddress, f.jobId, 2_000n);
      await f.expectSettlement(before, { client: s.toClient, provider: s.toProvider, fees: s.fee, credits: ORACLE_FEE }, PRICE + ORACLE_FEE);
      const stats = await f.ledger.stats(f.providerId);
      expect([stats.disputesWon, stats.disputesLost]).to.deep.equal([0n, 1n]);

      await expect(oracle.connect(f.deployer).withdrawCredit(f.others[6].address, ORACLE_FEE)).to.changeTokenBalances(
        f.usdc,
        [f.others[6], f.vault],
        [ORACLE_FEE, -ORACLE_FEE],
      );
      await f.expectSolvent();
    });
  });
});
