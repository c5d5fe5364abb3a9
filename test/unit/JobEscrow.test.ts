import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import {
  GarbageValidator__factory,
  JobEscrow__factory,
  MockArbitrator__factory,
  ReentrantArbitrator__factory,
  ReentrantValidator__factory,
  RevertingArbitrator__factory,
} from "../../typechain-types";
import { USDC, signAgentWallet } from "../fixtures/agora";
import {
  ARB_FEE,
  BPS,
  CompletionKind,
  FEE_BPS,
  JobState,
  MAX_JOB_DURATION,
  PRICE,
  Pricing,
  REVIEW,
  RESULT,
  RULING_PERIOD,
  RefundKind,
  SLA,
  SPEC,
  Verdict,
  collateralFor,
  feeOn,
  minedAt,
  withAcceptedCollateralJobFixture,
  withCollateralListingFixture,
  withDeliveredJobFixture,
  withDisputedJobFixture,
  withEscrowFixture,
  withFundedJobFixture,
  withListingFixture,
} from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

const ARBITRATOR_GAS = 500_000n;
const VALIDATOR_GAS = 200_000n;
const gasNeeded = (cap: bigint) => cap + cap / 63n + 10_000n;

/** A job with a `MockValidator` listing, funded and delivered (the validator answers Pending). */
async function withPendingValidatorJobFixture() {
  const f = await withEscrowFixture();
  const listingId = await f.publish({ validator: await f.mockValidator.getAddress() });
  const jobId = await f.hire(listingId);
  await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
  return { ...f, listingId, jobId };
}

/** A settled (approved) job between two different owners. */
async function withCompletedJobFixture() {
  const f = await withDeliveredJobFixture();
  await f.escrow.connect(f.clientOperator).approve(f.jobId);
  return f;
}

describe("JobEscrow", function () {
  describe("deployment", function () {
    it("stores the four dependencies and exposes the constants", async function () {
      const { escrow, vault, registry, listings, ledger } = await loadFixture(withEscrowFixture);
      expect(await escrow.VAULT()).to.equal(await vault.getAddress());
      expect(await escrow.REGISTRY()).to.equal(await registry.getAddress());
      expect(await escrow.LISTINGS()).to.equal(await listings.getAddress());
      expect(await escrow.LEDGER()).to.equal(await ledger.getAddress());
      expect(await escrow.RULING_PERIOD()).to.equal(RULING_PERIOD);
      expect(await escrow.MAX_JOB_DURATION()).to.equal(MAX_JOB_DURATION);
      expect(await escrow.ARBITRATION_FEE_CAP_BPS()).to.equal(1_000n);
      expect(await escrow.ARBITRATOR_GAS()).to.equal(ARBITRATOR_GAS);
      expect(await escrow.ARBITRATION_COST_GAS()).to.equal(50_000n);
      expect(await escrow.VALIDATOR_GAS()).to.equal(VALIDATOR_GAS);
      expect(await escrow.DEFAULT_RULING_BPS()).to.equal(5_000n);
      expect(await escrow.totalJobs()).to.equal(0n);
    });

    it("reverts with EscrowZeroAddress for any zero dependency", async function () {
      const { deployer, vault, registry, listings, ledger } = await loadFixture(withEscrowFixture);
      const deps = [await vault.getAddress(), await registry.getAddress(), await listings.getAddress(), await ledger.getAddress()];
      const factory = new JobEscrow__factory(deployer);
      for (let i = 0; i < 4; i++) {
        const args = deps.map((d, j) => (i === j ? ethers.ZeroAddress : d)) as [string, string, string, string];
        await expect(factory.deploy(...args)).to.be.revertedWithCustomError(factory, "EscrowZeroAddress");
      }
    });
  });

  describe("#createJob", function () {
    it("locks the price, snapshots the terms and emits JobCreated and Committed", async function () {
      const f = await loadFixture(withListingFixture);
      const { escrow, vault, clientOperator, clientId, providerId, listingId, arbitratorAddress } = f;
      const params = await f.jobParams(listingId);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      const tx = escrow.connect(clientOperator).createJob(params, fromBalance());
      await expect(tx)
        .to.emit(escrow, "JobCreated")
        .withArgs(1n, clientId, providerId, clientOperator.address, [
          listingId,
          PRICE,
          FEE_BPS,
          params.deadline,
          now + SLA,
          REVIEW,
          0n,
          arbitratorAddress,
          ethers.ZeroAddress,
          SPEC,
          false,
        ]);
      await expect(tx)
        .to.emit(vault, "Committed")
        .withArgs(f.escrowAddress, clientId, providerId, clientOperator.address, PRICE, 0n, false, 1_000n * USDC - PRICE);
      expect(await escrow.totalJobs()).to.equal(1n);
      expect(await escrow.state(1n)).to.equal(JobState.Funded);
      expect(await vault.locked(f.escrowAddress)).to.equal(PRICE);
      const job = await escrow.getJob(1n);
      expect(job.clientId).to.equal(clientId);
      expect(job.providerId).to.equal(providerId);
      expect(job.amount).to.equal(PRICE);
      expect(job.feeBps).to.equal(FEE_BPS);
      expect(job.state).to.equal(JobState.Funded);
      expect(job.selfDealing).to.equal(false);
      expect(job.deadline).to.equal(params.deadline);
      expect(job.startedAt).to.equal(now);
      expect(job.onTimeBy).to.equal(now + SLA);
      expect(job.reviewWindow).to.equal(REVIEW);
      expect(job.arbitrator).to.equal(arbitratorAddress);
      expect(job.validator).to.equal(ethers.ZeroAddress);
      expect(job.specHash).to.equal(ethers.ZeroHash); // stored only for validator jobs
      expect(job.reviewEndsAt).to.equal(0n);
      expect(job.settledAt).to.equal(0n);
      await f.expectSolvent();
    });

    it("charges the listing price when maxPrice is higher (Fixed)", async function () {
      const f = await loadFixture(withListingFixture);
      const jobId = await f.hire(f.listingId, { maxPrice: PRICE * 2n });
      expect((await f.escrow.getJob(jobId)).amount).to.equal(PRICE);
    });

    it("reverts with EscrowPriceAboveMax when the Fixed price is above maxPrice", async function () {
      const f = await loadFixture(withListingFixture);
      await expect(f.hire(f.listingId, { maxPrice: PRICE - 1n }))
        .to.be.revertedWithCustomError(f.escrow, "EscrowPriceAboveMax")
        .withArgs(f.listingId, PRICE, PRICE - 1n);
    });

    it("reverts with EscrowListingTermsChanged when the listing's terms differ from the ones the client agreed to", async function () {
      const f = await loadFixture(withListingFixture);
      const agreed = await f.listings.termsHash(f.listingId);
      await f.listings.connect(f.providerOperator).update(f.listingId, f.listingParams({ reviewWindow: 60n }));
      const current = await f.listings.termsHash(f.listingId);
      expect(current).to.not.equal(agreed);
      await expect(f.hire(f.listingId, { termsHash: agreed }))
        .to.be.revertedWithCustomError(f.escrow, "EscrowListingTermsChanged")
        .withArgs(f.listingId, agreed, current);
    });

    it("binds every term but the status and the price: a price change alone keeps the terms hash", async function () {
      const f = await loadFixture(withListingFixture);
      const coder = ethers.AbiCoder.defaultAbiCoder();
      const l = await f.listings.getListing(f.listingId);
      const expected = ethers.keccak256(
        coder.encode(
          ["uint8", "uint32", "uint32", "uint16", "address", "address"],
          [l.pricing, l.slaSeconds, l.reviewWindow, l.collateralBps, l.arbitrator, l.validator],
        ),
      );
      expect(await f.listings.termsHash(f.listingId)).to.equal(expected);
      await f.listings.connect(f.providerOperator).update(f.listingId, f.listingParams({ price: PRICE / 2n }));
      expect(await f.listings.termsHash(f.listingId)).to.equal(expected);
      await f.listings.connect(f.providerOperator).pause(f.listingId);
      expect(await f.listings.termsHash(f.listingId)).to.equal(expected);
      for (const change of [{ slaSeconds: SLA + 1n }, { collateralBps: 1n }, { pricing: Pricing.Quoted }]) {
        await f.listings.connect(f.providerOperator).update(f.listingId, f.listingParams(change));
        expect(await f.listings.termsHash(f.listingId)).to.not.equal(expected);
      }
    });

    it("reverts with ListingNotFound for the terms hash of an unknown listing", async function () {
      const f = await loadFixture(withListingFixture);
      await expect(f.listings.termsHash(999n)).to.be.revertedWithCustomError(f.listings, "ListingNotFound").withArgs(999n);
    });

    it("charges the quoted amount on a Quoted listing, and rejects a quote below the floor", async function () {
      const f = await loadFixture(withEscrowFixture);
      const listingId = await f.publish({ pricing: Pricing.Quoted });
      const jobId = await f.hire(listingId, { maxPrice: PRICE + 12_345n });
      expect((await f.escrow.getJob(jobId)).amount).to.equal(PRICE + 12_345n);
      await expect(f.hire(listingId, { maxPrice: PRICE - 1n }))
        .to.be.revertedWithCustomError(f.escrow, "EscrowPriceAboveMax")
        .withArgs(listingId, PRICE, PRICE - 1n);
      await expect(f.hire(listingId, { maxPrice: 2n ** 64n })).to.be.revertedWithCustomError(f.escrow, "SafeCastOverflowedUintDowncast");
    });

    it("reverts with EscrowListingNotHireable for PerCall listings", async function () {
      const f = await loadFixture(withEscrowFixture);
      const listingId = await f.publish({ pricing: Pricing.PerCall });
      await expect(f.hire(listingId)).to.be.revertedWithCustomError(f.escrow, "EscrowListingNotHireable").withArgs(listingId, Pricing.PerCall);
    });

    it("reverts with EscrowListingNotActive for paused and retired listings, ListingNotFound for unknown ones", async function () {
      const f = await loadFixture(withListingFixture);
      await f.listings.connect(f.providerOperator).pause(f.listingId);
      await expect(f.hire(f.listingId)).to.be.revertedWithCustomError(f.escrow, "EscrowListingNotActive").withArgs(f.listingId, 2n);
      await f.listings.connect(f.providerOperator).retire(f.listingId);
      await expect(f.hire(f.listingId)).to.be.revertedWithCustomError(f.escrow, "EscrowListingNotActive").withArgs(f.listingId, 3n);
      await expect(f.hire(99n)).to.be.revertedWithCustomError(f.listings, "ListingNotFound").withArgs(99n);
    });

    it("accepts deadlines in [now + SLA, now + MAX_JOB_DURATION] and reverts with EscrowInvalidDeadline outside", async function () {
      const f = await loadFixture(withListingFixture);
      const cases: [bigint, boolean][] = [
        [SLA - 1n, false],
        [SLA, true],
        [MAX_JOB_DURATION, true],
        [MAX_JOB_DURATION + 1n, false],
      ];
      for (const [offset, ok] of cases) {
        const now = BigInt(await time.latest()) + 5n;
        await time.setNextBlockTimestamp(now);
        const tx = f.escrow.connect(f.clientOperator).createJob(await f.jobParams(f.listingId, { deadline: now + offset }), fromBalance());
        if (ok) await expect(tx).to.emit(f.escrow, "JobCreated");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "EscrowInvalidDeadline")
            .withArgs(now + offset, now + SLA, now + MAX_JOB_DURATION);
      }
    });

    it("flags self-dealing when both agents have the same owner", async function () {
      const f = await loadFixture(withListingFixture);
      const ownClientId = await f.registerAgent(f.providerOwner, "ipfs://provider-as-client");
      await f.deposit(f.providerOwner, ownClientId, PRICE);
      const jobId = await f.hire(f.listingId, { clientId: ownClientId }, f.providerOwner);
      const job = await f.escrow.getJob(jobId);
      expect(job.selfDealing).to.equal(true);
      expect(job.clientId).to.equal(ownClientId);
    });

    it("snapshots the protocol fee: a later fee change does not apply", async function () {
      const f = await loadFixture(withListingFixture);
      const jobId = await f.hire(f.listingId);
      await f.vault.connect(f.deployer).setProtocolFee(500);
      const later = await f.hire(f.listingId);
      expect((await f.escrow.getJob(jobId)).feeBps).to.equal(FEE_BPS);
      expect((await f.escrow.getJob(later)).feeBps).to.equal(500n);
    });

    it("stores the spec hash of validator jobs", async function () {
      const f = await loadFixture(withEscrowFixture);
      const listingId = await f.publish({ validator: await f.hashValidator.getAddress() });
      const jobId = await f.hire(listingId);
      const job = await f.escrow.getJob(jobId);
      expect(job.specHash).to.equal(SPEC);
      expect(job.validator).to.equal(await f.hashValidator.getAddress());
    });

    it("reverts for a caller who is not the client's owner or operator (checked by the vault)", async function () {
      const f = await loadFixture(withListingFixture);
      await expect(f.hire(f.listingId, {}, f.stranger))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.clientId, f.stranger.address);
      await expect(f.hire(f.listingId, {}, f.providerOperator))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.clientId, f.providerOperator.address);
    });

    it("reverts for an unknown client id", async function () {
      const f = await loadFixture(withListingFixture);
      await expect(f.hire(f.listingId, { clientId: 42n })).to.be.revertedWithCustomError(f.registry, "ERC721NonexistentToken").withArgs(42n);
    });

    it("reverts with VaultPaused while the guardian paused new business", async function () {
      const f = await loadFixture(withListingFixture);
      await f.vault.connect(f.guardian).pause();
      await expect(f.hire(f.listingId)).to.be.revertedWithCustomError(f.vault, "VaultPaused");
    });

    it("reverts with VaultInsufficientBalance when the balance is short", async function () {
      const f = await loadFixture(withEscrowFixture);
      const listingId = await f.publish({ price: 2_000n * USDC });
      await expect(f.hire(listingId, { maxPrice: 2_000n * USDC }))
        .to.be.revertedWithCustomError(f.vault, "VaultInsufficientBalance")
        .withArgs(f.clientId, 1_000n * USDC, 2_000n * USDC);
    });

    it("pulls by transferFrom from the caller itself", async function () {
      const f = await loadFixture(withListingFixture);
      const tx = f.escrow.connect(f.clientOperator).createJob(await f.jobParams(f.listingId), fromTransfer());
      await expect(tx).to.changeTokenBalances(f.usdc, [f.clientOperator, f.vault], [-PRICE, PRICE]);
      await f.expectSolvent();
    });
  });

  describe("#cancel", function () {
    it("returns the amount to the client and emits JobCancelled", async function () {
      const f = await loadFixture(withFundedJobFixture);
      const before = await f.vaultState();
      await expect(f.escrow.connect(f.clientOperator).cancel(f.jobId))
        .to.emit(f.escrow, "JobCancelled")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, f.clientOperator.address);
      const after = await f.vaultState();
      expect(after.client - before.client).to.equal(PRICE);
      expect(before.locked - after.locked).to.equal(PRICE);
      const job = await f.escrow.getJob(f.jobId);
      expect(job.state).to.equal(JobState.Cancelled);
      expect(job.arbitrator).to.equal(ethers.ZeroAddress); // terms cleared
      await f.expectSolvent();
    });

    it("is the client's only: others revert with AgentUnauthorized", async function () {
      const f = await loadFixture(withFundedJobFixture);
      for (const signer of [f.providerOperator, f.stranger]) {
        await expect(f.escrow.connect(signer).cancel(f.jobId))
          .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
          .withArgs(f.clientId, signer.address);
      }
    });

    it("reverts with EscrowUnexpectedState once accepted, and for unknown jobs", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance());
      await expect(f.escrow.connect(f.clientOperator).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Accepted, JobState.Funded);
      await expect(f.escrow.connect(f.clientOperator).cancel(7n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(7n, JobState.None, JobState.Funded);
    });

    it("works while paused", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.vault.connect(f.guardian).pause();
      await expect(f.escrow.connect(f.clientOwner).cancel(f.jobId)).to.emit(f.escrow, "JobCancelled");
    });
  });

  describe("#decline", function () {
    it("returns the whole amount to the client at once, cancels the job and records nothing", async function () {
      const f = await loadFixture(withFundedJobFixture);
      const before = await f.vaultState();
      const statsBefore = await f.ledger.stats(f.providerId);
      const tx = f.escrow.connect(f.providerOperator).decline(f.jobId, "ipfs://busy");
      await expect(tx)
        .to.emit(f.escrow, "JobDeclined")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, "ipfs://busy", f.providerOperator.address);
      await expect(tx).to.emit(f.vault, "Released").withArgs(f.escrowAddress, f.clientId, PRICE, 0n, before.client + PRICE);
      await expect(tx).not.to.emit(f.ledger, "JobRefundedLate");
      await expect(tx).not.to.emit(f.escrow, "JobCancelled");
      await f.expectSettlement(before, { client: PRICE }, PRICE);
      expect(await f.ledger.stats(f.providerId)).to.deep.equal(statsBefore);
      const job = await f.escrow.getJob(f.jobId);
      expect([job.state, job.settledAt, job.arbitrator]).to.deep.equal([JobState.Cancelled, BigInt(await time.latest()), ethers.ZeroAddress]);
    });

    it("lets the provider's owner decline, with an empty reason", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await expect(f.escrow.connect(f.providerOwner).decline(f.jobId, ""))
        .to.emit(f.escrow, "JobDeclined")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, "", f.providerOwner.address);
    });

    it("is the provider's only: the client and strangers revert with AgentUnauthorized", async function () {
      const f = await loadFixture(withFundedJobFixture);
      for (const signer of [f.clientOperator, f.clientOwner, f.stranger]) {
        await expect(f.escrow.connect(signer).decline(f.jobId, ""))
          .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
          .withArgs(f.providerId, signer.address);
      }
    });

    it("reverts with AgentFrozen for the operator of a frozen provider; the owner still declines", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.registry.connect(f.providerOwner).freeze(f.providerId);
      await expect(f.escrow.connect(f.providerOperator).decline(f.jobId, ""))
        .to.be.revertedWithCustomError(f.registry, "AgentFrozen")
        .withArgs(f.providerId, f.providerOperator.address);
      await expect(f.escrow.connect(f.providerOwner).decline(f.jobId, "")).to.emit(f.escrow, "JobDeclined");
    });

    it("reverts with EscrowUnexpectedState once accepted, delivered or final, and for unknown jobs", async function () {
      const accepted = await loadFixture(withAcceptedCollateralJobFixture);
      await expect(accepted.escrow.connect(accepted.providerOperator).decline(accepted.jobId, ""))
        .to.be.revertedWithCustomError(accepted.escrow, "EscrowUnexpectedState")
        .withArgs(accepted.jobId, JobState.Accepted, JobState.Funded);
      const delivered = await loadFixture(withDeliveredJobFixture);
      await expect(delivered.escrow.connect(delivered.providerOperator).decline(delivered.jobId, ""))
        .to.be.revertedWithCustomError(delivered.escrow, "EscrowUnexpectedState")
        .withArgs(delivered.jobId, JobState.Delivered, JobState.Funded);
      await expect(delivered.escrow.connect(delivered.providerOperator).decline(99n, ""))
        .to.be.revertedWithCustomError(delivered.escrow, "EscrowUnexpectedState")
        .withArgs(99n, JobState.None, JobState.Funded);
      const f = await loadFixture(withFundedJobFixture);
      await f.escrow.connect(f.providerOperator).decline(f.jobId, "");
      // Final: a second decline, a cancel, a refund after the deadline and an acceptance all find it Cancelled.
      await expect(f.escrow.connect(f.providerOperator).decline(f.jobId, ""))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Funded);
      await expect(f.escrow.connect(f.clientOperator).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Funded);
      await expect(f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance()))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Funded);
      await time.increaseTo(f.deadline + 1n);
      await expect(f.escrow.refund(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Funded);
    });

    it("accepts no feedback on either side", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.escrow.connect(f.providerOperator).decline(f.jobId, "");
      for (const signer of [f.clientOperator, f.providerOperator]) {
        await expect(f.escrow.connect(signer).giveFeedback(f.jobId, 0, "", "", "", ethers.ZeroHash))
          .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
          .withArgs(f.jobId, JobState.Cancelled, JobState.Completed);
      }
    });

    it("works while paused (an exit) and after the deadline", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.vault.connect(f.guardian).pause();
      await time.increaseTo(f.deadline + 1n);
      const before = await f.vaultState();
      await expect(f.escrow.connect(f.providerOperator).decline(f.jobId, "ipfs://late")).to.emit(f.escrow, "JobDeclined");
      await f.expectSettlement(before, { client: PRICE }, PRICE);
    });

    it("clears the extras of a collateral listing's job (nothing posted before acceptance)", async function () {
      const f = await loadFixture(withCollateralListingFixture);
      const jobId = await f.hire(f.listingId);
      const before = await f.vaultState();
      await expect(f.escrow.connect(f.providerOperator).decline(jobId, ""))
        .to.emit(f.escrow, "JobDeclined")
        .withArgs(jobId, f.clientId, f.providerId, PRICE, "", f.providerOperator.address);
      await f.expectSettlement(before, { client: PRICE }, PRICE);
      expect((await f.escrow.getJob(jobId)).collateralBps).to.equal(0n);
    });
  });

  describe("#accept", function () {
    it("accepts without collateral, restarting the latency clock", async function () {
      const f = await loadFixture(withFundedJobFixture);
      const tx = f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance());
      await expect(tx).to.emit(f.escrow, "JobAccepted").withArgs(f.jobId, f.clientId, f.providerId, 0n, 0n, f.providerOperator.address);
      await expect(tx).not.to.emit(f.vault, "Committed");
      const job = await f.escrow.getJob(f.jobId);
      expect(job.state).to.equal(JobState.Accepted);
      expect(job.startedAt).to.equal(await time.latest());
      expect(job.onTimeBy).to.equal(f.createdAt + SLA);
    });

    it("locks the collateral the curve requires, from the provider", async function () {
      const f = await loadFixture(withCollateralListingFixture);
      const jobId = await f.hire(f.listingId);
      expect(await f.escrow.requiredCollateral(f.providerId, PRICE, f.collateralBps)).to.equal(f.collateral);
      const tx = f.escrow.connect(f.providerOperator).accept(jobId, fromTransfer());
      await expect(tx)
        .to.emit(f.escrow, "JobAccepted")
        .withArgs(jobId, f.clientId, f.providerId, f.collateral, 0n, f.providerOperator.address);
      await expect(tx)
        .to.emit(f.vault, "Committed")
        .withArgs(f.escrowAddress, f.providerId, f.clientId, f.providerOperator.address, f.collateral, 1n, false, 0n);
      await expect(tx).to.changeTokenBalances(f.usdc, [f.providerOperator, f.vault], [-f.collateral, f.collateral]);
      expect((await f.escrow.getJob(jobId)).collateral).to.equal(f.collateral);
      expect(await f.vault.locked(f.escrowAddress)).to.equal(PRICE + f.collateral);
      await f.expectSolvent();
    });

    it("is the provider's only", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).accept(f.jobId, fromBalance()))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.providerId, f.clientOperator.address);
      const c = await loadFixture(withCollateralListingFixture);
      const jobId = await c.hire(c.listingId);
      await expect(c.escrow.connect(c.stranger).accept(jobId, fromTransfer()))
        .to.be.revertedWithCustomError(c.registry, "AgentUnauthorized")
        .withArgs(c.providerId, c.stranger.address);
    });

    for (const [offset, ok] of [
      [-1n, true],
      [0n, true],
      [1n, false],
    ] as const) {
      it(`at deadline${offset < 0n ? offset : `+${offset}`} ${ok ? "succeeds" : "reverts with EscrowTooLate"}`, async function () {
        const f = await loadFixture(withFundedJobFixture);
        await time.setNextBlockTimestamp(f.deadline + offset);
        const tx = f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance());
        if (ok) await expect(tx).to.emit(f.escrow, "JobAccepted");
        else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(f.jobId, f.deadline + offset, f.deadline);
      });
    }

    it("reverts with EscrowUnexpectedState unless Funded", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance()))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Delivered, JobState.Funded);
    });

    it("works while paused (collateral is not new business)", async function () {
      const f = await loadFixture(withCollateralListingFixture);
      const jobId = await f.hire(f.listingId);
      await f.vault.connect(f.guardian).pause();
      await expect(f.escrow.connect(f.providerOperator).accept(jobId, fromTransfer())).to.emit(f.escrow, "JobAccepted");
    });
  });

  describe("#deliver", function () {
    it("delivers from Funded, opens the review window and emits JobDelivered", async function () {
      const f = await loadFixture(withFundedJobFixture);
      const at = f.createdAt + 100n;
      await time.setNextBlockTimestamp(at);
      await expect(f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, "ipfs://result"))
        .to.emit(f.escrow, "JobDelivered")
        .withArgs(f.jobId, f.clientId, f.providerId, RESULT, "ipfs://result", at + REVIEW, 100n, true, f.providerOperator.address);
      const job = await f.escrow.getJob(f.jobId);
      expect(job.state).to.equal(JobState.Delivered);
      expect(job.reviewEndsAt).to.equal(at + REVIEW);
      expect(job.deadline).to.equal(0n);
      expect(job.resultHash).to.equal(ethers.ZeroHash); // stored only for validator jobs awaiting a verdict
    });

    it("measures latency from acceptance and punctuality from creation", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await time.setNextBlockTimestamp(f.createdAt + 1_000n);
      await f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance());
      await time.setNextBlockTimestamp(f.createdAt + SLA + 1n);
      await expect(f.escrow.connect(f.providerOwner).deliver(f.jobId, RESULT, ""))
        .to.emit(f.escrow, "JobDelivered")
        .withArgs(f.jobId, f.clientId, f.providerId, RESULT, "", f.createdAt + SLA + 1n + REVIEW, SLA + 1n - 1_000n, false, f.providerOwner.address);
    });

    it("reverts with EscrowCollateralRequired from Funded when the curve requires collateral", async function () {
      const f = await loadFixture(withCollateralListingFixture);
      const jobId = await f.hire(f.listingId);
      await expect(f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, ""))
        .to.be.revertedWithCustomError(f.escrow, "EscrowCollateralRequired")
        .withArgs(jobId, f.collateral);
    });

    it("delivers a collateral job once accepted", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      await expect(f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, "")).to.emit(f.escrow, "JobDelivered");
    });

    it("is the provider's only", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).deliver(f.jobId, RESULT, ""))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.providerId, f.clientOperator.address);
    });

    it("is blocked for a frozen operator but not for the owner", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.registry.connect(f.providerOwner).freeze(f.providerId);
      await expect(f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, ""))
        .to.be.revertedWithCustomError(f.registry, "AgentFrozen")
        .withArgs(f.providerId, f.providerOperator.address);
      await expect(f.escrow.connect(f.providerOwner).deliver(f.jobId, RESULT, "")).to.emit(f.escrow, "JobDelivered");
    });

    it("reverts with EscrowUnexpectedState when already delivered", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.connect(f.providerOperator).deliver(f.jobId, RESULT, ""))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Delivered, JobState.Funded);
    });

    it("reverts with EscrowInsufficientGas for a validator job given less than the validator's cap", async function () {
      const f = await loadFixture(withEscrowFixture);
      const listingId = await f.publish({ validator: await f.mockValidator.getAddress() });
      const jobId = await f.hire(listingId);
      await expect(f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "", { gasLimit: 150_000n }))
        .to.be.revertedWithCustomError(f.escrow, "EscrowInsufficientGas")
        .withArgs(anyValue, gasNeeded(VALIDATOR_GAS));
    });
  });

  describe("#approve", function () {
    it("pays the provider minus the fee, records the completion and clears the terms", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      const fee = feeOn(PRICE);
      const before = await f.vaultState();
      const tx = f.escrow.connect(f.clientOperator).approve(f.jobId);
      await expect(tx)
        .to.emit(f.escrow, "JobCompleted")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE - fee, fee, 0n, CompletionKind.Approved, f.clientOperator.address);
      await expect(tx)
        .to.emit(f.ledger, "JobCompleted")
        .withArgs(f.providerId, f.clientId, f.jobId, PRICE, f.deliveredAt - f.createdAt, true, anyValue); // volume before the fee
      const after = await f.vaultState();
      expect(after.provider - before.provider).to.equal(PRICE - fee);
      expect(after.fees - before.fees).to.equal(fee);
      expect(before.locked - after.locked).to.equal(PRICE);
      const job = await f.escrow.getJob(f.jobId);
      expect(job.state).to.equal(JobState.Completed);
      expect(job.settledAt).to.equal(await time.latest());
      expect([job.arbitrator, job.startedAt, job.onTimeBy, job.reviewWindow]).to.deep.equal([ethers.ZeroAddress, 0n, 0n, 0n]);
      await f.expectSolvent();
    });

    it("rounds the fee up", async function () {
      const f = await loadFixture(withEscrowFixture);
      const price = 12_345n; // 1% = 123.45 → 124
      const listingId = await f.publish({ price });
      const jobId = await f.hire(listingId, { maxPrice: price });
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      await expect(f.escrow.connect(f.clientOperator).approve(jobId))
        .to.emit(f.escrow, "JobCompleted")
        .withArgs(jobId, f.clientId, f.providerId, price - 124n, 124n, 0n, CompletionKind.Approved, f.clientOperator.address);
    });

    it("is the client's only", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.connect(f.providerOperator).approve(f.jobId))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.clientId, f.providerOperator.address);
    });

    it("pays once: a second approve reverts with EscrowUnexpectedState", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).approve(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Completed, JobState.Delivered);
    });

    it("writes nothing to the ledger for self-dealing jobs", async function () {
      const f = await loadFixture(withListingFixture);
      const ownClientId = await f.registerAgent(f.providerOwner, "ipfs://self");
      await f.deposit(f.providerOwner, ownClientId, PRICE);
      const jobId = await f.hire(f.listingId, { clientId: ownClientId }, f.providerOwner);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      const tx = f.escrow.connect(f.providerOwner).approve(jobId);
      await expect(tx).to.emit(f.escrow, "JobCompleted");
      await expect(tx).not.to.emit(f.ledger, "JobCompleted");
      expect((await f.ledger.stats(f.providerId)).completed).to.equal(0n);
    });
  });

  describe("#reject", function () {
    it("charges the arbitration fee, opens the dispute and notifies the arbitrator", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      const tx = f.escrow.connect(f.clientOperator).reject(f.jobId, "ipfs://reason", fromBalance());
      await expect(tx)
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(f.jobId, f.clientId, f.providerId, f.arbitratorAddress, ARB_FEE, ARB_FEE, "ipfs://reason", f.clientOperator.address);
      await expect(tx).to.emit(f.escrow, "Dispute").withArgs(f.arbitratorAddress, f.jobId, f.jobId, f.jobId);
      await expect(tx).to.emit(f.escrow, "Evidence").withArgs(f.arbitratorAddress, f.jobId, f.clientOperator.address, "ipfs://reason");
      await expect(tx).to.emit(f.arbitrator, "DisputeReceived").withArgs(f.jobId, f.clientId, f.providerId, PRICE);
      await expect(tx).not.to.emit(f.escrow, "ArbitratorNotificationFailed");
      const job = await f.escrow.getJob(f.jobId);
      expect(job.state).to.equal(JobState.Disputed);
      expect(job.disputedAt).to.equal(await time.latest());
      expect(job.arbitrationFee).to.equal(ARB_FEE);
      expect(await f.vault.locked(f.escrowAddress)).to.equal(PRICE + ARB_FEE);
      await f.expectSolvent();
    });

    it("caps a quote above ARBITRATION_FEE_CAP_BPS of the amount", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await f.arbitrator.setFee(50n * USDC);
      await expect(f.escrow.connect(f.clientOperator).reject(f.jobId, "", fromBalance()))
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(f.jobId, f.clientId, f.providerId, f.arbitratorAddress, PRICE / 10n, 50n * USDC, "", f.clientOperator.address);
    });

    it("charges nothing when the arbitrator's quote reverts, and still opens the dispute", async function () {
      const f = await loadFixture(withEscrowFixture);
      const bad = await new RevertingArbitrator__factory(f.deployer).deploy(f.escrowAddress, ARB_FEE, true);
      const listingId = await f.publish({ arbitrator: await bad.getAddress() });
      const jobId = await f.hire(listingId);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      const tx = f.escrow.connect(f.clientOperator).reject(jobId, "", fromBalance());
      await expect(tx)
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(jobId, f.clientId, f.providerId, await bad.getAddress(), 0n, 0n, "", f.clientOperator.address);
      await expect(tx).to.emit(f.escrow, "ArbitratorNotificationFailed").withArgs(jobId, await bad.getAddress());
      await expect(tx).not.to.emit(f.vault, "Committed");
    });

    it("is the client's only, with or without a fee", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.connect(f.providerOperator).reject(f.jobId, "", fromBalance()))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.clientId, f.providerOperator.address);
      await f.arbitrator.setFee(0n);
      await expect(f.escrow.connect(f.stranger).reject(f.jobId, "", fromBalance()))
        .to.be.revertedWithCustomError(f.registry, "AgentUnauthorized")
        .withArgs(f.clientId, f.stranger.address);
    });

    it("reverts with EscrowInsufficientGas when the arbitrator could not get its full gas cap", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.connect(f.clientOperator).reject(f.jobId, "", fromBalance(), { gasLimit: 400_000n }))
        .to.be.revertedWithCustomError(f.escrow, "EscrowInsufficientGas")
        .withArgs(anyValue, gasNeeded(ARBITRATOR_GAS));
    });

    it("reverts with EscrowUnexpectedState unless Delivered", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).reject(f.jobId, "", fromBalance()))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Funded, JobState.Delivered);
    });

    it("works while paused (a dispute is an exit)", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await f.vault.connect(f.guardian).pause();
      await expect(f.escrow.connect(f.clientOperator).reject(f.jobId, "", fromBalance())).to.emit(f.escrow, "JobDisputed");
    });

    it("survives an arbitrator that re-enters the escrow from createDispute", async function () {
      const f = await loadFixture(withEscrowFixture);
      const evil = await new ReentrantArbitrator__factory(f.deployer).deploy(f.escrowAddress, ARB_FEE);
      const listingId = await f.publish({ arbitrator: await evil.getAddress() });
      const jobId = await f.hire(listingId);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      const guard = f.escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall");
      const tx = f.escrow.connect(f.clientOperator).reject(jobId, "", fromBalance());
      for (const attempt of [0n, 1n, 2n]) await expect(tx).to.emit(evil, "ReentryFailed").withArgs(attempt, guard);
      await expect(tx).not.to.emit(evil, "ReentrySucceeded");
      expect(await f.escrow.state(jobId)).to.equal(JobState.Disputed);
      // Outside the dispute call it rules like any arbitrator.
      await expect(evil.giveRuling(jobId, 10_000n)).to.emit(f.escrow, "JobResolved");
      await f.expectSolvent([await evil.getAddress()]);
    });
  });

  describe("#release", function () {
    it("is open to anyone after the review window", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await time.setNextBlockTimestamp(f.reviewEndsAt + 1n);
      const fee = feeOn(PRICE);
      await expect(f.escrow.connect(f.stranger).release(f.jobId))
        .to.emit(f.escrow, "JobCompleted")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE - fee, fee, 0n, CompletionKind.Released, f.stranger.address);
    });

    it("reverts with EscrowTooEarly during the window", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await time.setNextBlockTimestamp(f.reviewEndsAt);
      await expect(f.escrow.connect(f.stranger).release(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly")
        .withArgs(f.jobId, f.reviewEndsAt, f.reviewEndsAt + 1n);
    });

    it("reverts with EscrowUnexpectedState unless Delivered", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await expect(f.escrow.release(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Disputed, JobState.Delivered);
    });
  });

  describe("#refund", function () {
    it("returns amount and collateral to the client after the deadline and marks the provider late", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      await time.setNextBlockTimestamp(f.deadline + 1n);
      const before = await f.vaultState();
      const tx = f.escrow.connect(f.stranger).refund(f.jobId);
      await expect(tx)
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, f.collateral, RefundKind.Deadline, f.stranger.address);
      await expect(tx).to.emit(f.ledger, "JobRefundedLate").withArgs(f.providerId, f.clientId, f.jobId, PRICE);
      const after = await f.vaultState();
      expect(after.client - before.client).to.equal(PRICE + f.collateral);
      expect(before.locked - after.locked).to.equal(PRICE + f.collateral);
      expect((await f.ledger.stats(f.providerId)).refundedLate).to.equal(1n);
      await f.expectSolvent();
    });

    it("refunds a job never accepted without recording anything against the provider", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await time.setNextBlockTimestamp(f.deadline + 1n);
      const before = await f.vaultState();
      const statsBefore = await f.ledger.stats(f.providerId);
      const tx = f.escrow.connect(f.stranger).refund(f.jobId);
      await expect(tx)
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, 0n, RefundKind.Unaccepted, f.stranger.address);
      await expect(tx).not.to.emit(f.ledger, "JobRefundedLate");
      await expect(tx).not.to.emit(f.ledger, "DisputeRecorded");
      await f.expectSettlement(before, { client: PRICE }, PRICE);
      expect(await f.ledger.stats(f.providerId)).to.deep.equal(statsBefore);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Refunded);
    });

    it("still marks the provider late for an accepted job without collateral", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await f.escrow.connect(f.providerOperator).accept(f.jobId, fromBalance());
      await time.setNextBlockTimestamp(f.deadline + 1n);
      const tx = f.escrow.refund(f.jobId);
      await expect(tx)
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, 0n, RefundKind.Deadline, f.deployer.address);
      await expect(tx).to.emit(f.ledger, "JobRefundedLate").withArgs(f.providerId, f.clientId, f.jobId, PRICE);
    });

    it("reverts with EscrowTooEarly at the deadline", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await time.setNextBlockTimestamp(f.deadline);
      await expect(f.escrow.refund(f.jobId)).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(f.jobId, f.deadline, f.deadline + 1n);
    });

    it("reverts with EscrowUnexpectedState after delivery", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await time.increaseTo(f.deadline + 10n);
      await expect(f.escrow.refund(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Delivered, JobState.Funded);
    });
  });

  describe("#pollValidator", function () {
    it("reverts with EscrowNoValidator for jobs without one", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.pollValidator(f.jobId)).to.be.revertedWithCustomError(f.escrow, "EscrowNoValidator").withArgs(f.jobId);
    });

    it("leaves the job Delivered while the verdict is Pending, then settles on it", async function () {
      const f = await loadFixture(withPendingValidatorJobFixture);
      const validator = await f.mockValidator.getAddress();
      expect((await f.escrow.getJob(f.jobId)).resultHash).to.equal(RESULT);
      await expect(f.escrow.connect(f.stranger).pollValidator(f.jobId))
        .to.emit(f.escrow, "ValidatorPolled")
        .withArgs(f.jobId, validator, Verdict.Pending, f.stranger.address);
      expect(await f.escrow.state(f.jobId)).to.equal(JobState.Delivered);
      await f.mockValidator.setVerdict(Verdict.Approved);
      const tx = f.escrow.connect(f.stranger).pollValidator(f.jobId);
      await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(f.jobId, validator, Verdict.Approved, f.stranger.address);
      await expect(tx).to.emit(f.escrow, "JobCompleted").withArgs(f.jobId, f.clientId, f.providerId, anyValue, anyValue, 0n, CompletionKind.ValidatorApproved, f.stranger.address);
      const job = await f.escrow.getJob(f.jobId);
      expect([job.specHash, job.resultHash, job.validator]).to.deep.equal([ethers.ZeroHash, ethers.ZeroHash, ethers.ZeroAddress]);
    });

    it("refunds the client and counts a lost dispute on Rejected", async function () {
      const f = await loadFixture(withPendingValidatorJobFixture);
      await f.mockValidator.setVerdict(Verdict.Rejected);
      const tx = f.escrow.pollValidator(f.jobId);
      await expect(tx)
        .to.emit(f.escrow, "JobRefunded")
        .withArgs(f.jobId, f.clientId, f.providerId, PRICE, 0n, RefundKind.ValidatorRejected, f.deployer.address);
      await expect(tx).to.emit(f.ledger, "DisputeRecorded").withArgs(f.providerId, f.clientId, f.jobId, 0n, 0n, false);
      await f.expectSolvent();
    });

    it("reverts with EscrowUnexpectedState once settled", async function () {
      const f = await loadFixture(withPendingValidatorJobFixture);
      await f.escrow.connect(f.clientOperator).approve(f.jobId);
      await expect(f.escrow.pollValidator(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Completed, JobState.Delivered);
    });

    it("treats a validator that re-enters the escrow as silent", async function () {
      const f = await loadFixture(withEscrowFixture);
      const evil = await new ReentrantValidator__factory(f.deployer).deploy(f.escrowAddress);
      const listingId = await f.publish({ validator: await evil.getAddress() });
      const jobId = await f.hire(listingId);
      const guard = f.escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall");
      const tx = f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      await expect(tx).to.emit(evil, "ReentryFailed").withArgs(0n, guard);
      await expect(tx).to.emit(evil, "ReentryFailed").withArgs(1n, guard);
      await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(jobId, await evil.getAddress(), Verdict.Pending, f.providerOperator.address);
      expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered);
    });

    for (const [mode, label] of [
      [0n, "an out-of-range word"],
      [1n, "a single byte"],
      [2n, "no data"],
      [3n, "two words"],
    ] as const) {
      it(`reads ${label} as no verdict`, async function () {
        const f = await loadFixture(withEscrowFixture);
        const garbage = await new GarbageValidator__factory(f.deployer).deploy(mode);
        const listingId = await f.publish({ validator: await garbage.getAddress() });
        const jobId = await f.hire(listingId);
        await expect(f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, ""))
          .to.emit(f.escrow, "ValidatorPolled")
          .withArgs(jobId, await garbage.getAddress(), Verdict.Pending, f.providerOperator.address);
        expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered);
      });
    }
  });

  describe("#rule", function () {
    it("reverts with EscrowNotArbitrator for anyone but the job's arbitrator", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).rule(f.jobId, 0n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNotArbitrator")
        .withArgs(f.jobId, f.clientOperator.address, f.arbitratorAddress);
      const other = await new MockArbitrator__factory(f.deployer).deploy(f.escrowAddress, 0n);
      await expect(other.giveRuling(f.jobId, 0n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNotArbitrator")
        .withArgs(f.jobId, await other.getAddress(), f.arbitratorAddress);
    });

    it("reverts with EscrowInvalidRuling above 10000", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await expect(f.arbitrator.giveRuling(f.jobId, 10_001n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowInvalidRuling")
        .withArgs(f.jobId, 10_001n);
    });

    it("emits Ruling and JobResolved and pays the arbitrator", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      const tx = f.arbitrator.giveRuling(f.jobId, 10_000n);
      const fee = feeOn(PRICE);
      await expect(tx).to.emit(f.escrow, "Ruling").withArgs(f.arbitratorAddress, f.jobId, 10_000n);
      await expect(tx)
        .to.emit(f.escrow, "JobResolved")
        .withArgs(f.jobId, f.clientId, f.providerId, 10_000n, PRICE - fee, fee, 0n, 0n, 0n, ARB_FEE, false, f.arbitratorAddress);
      await expect(tx).to.emit(f.vault, "ReleasedTo").withArgs(f.escrowAddress, f.arbitratorAddress, ARB_FEE, ARB_FEE);
      expect(await f.vault.creditOf(f.arbitratorAddress)).to.equal(ARB_FEE);
      expect((await f.escrow.getJob(f.jobId)).arbitrationFee).to.equal(0n);
      await f.expectSolvent();
    });

    it("rules once: a second ruling reverts with EscrowUnexpectedState", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await f.arbitrator.giveRuling(f.jobId, 0n);
      await expect(f.arbitrator.giveRuling(f.jobId, 10_000n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Resolved, JobState.Disputed);
    });

    it("reverts with EscrowUnexpectedState before a dispute", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.arbitrator.giveRuling(f.jobId, 0n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Delivered, JobState.Disputed);
    });
  });

  describe("#resolveByDefault", function () {
    it("reverts with EscrowTooEarly until RULING_PERIOD has passed", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      const end = f.disputedAt + RULING_PERIOD;
      await time.setNextBlockTimestamp(end);
      await expect(f.escrow.resolveByDefault(f.jobId)).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(f.jobId, end, end + 1n);
    });

    it("reverts with EscrowUnexpectedState unless Disputed", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.resolveByDefault(f.jobId))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Delivered, JobState.Disputed);
    });

    it("does not emit Ruling nor write the ledger", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await time.setNextBlockTimestamp(f.disputedAt + RULING_PERIOD + 1n);
      const tx = f.escrow.connect(f.stranger).resolveByDefault(f.jobId);
      await expect(tx).to.emit(f.escrow, "JobResolved");
      await expect(tx).not.to.emit(f.escrow, "Ruling");
      await expect(tx).not.to.emit(f.ledger, "DisputeRecorded");
    });
  });

  describe("#submitEvidence", function () {
    it("emits ERC-1497 Evidence for either party", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await expect(f.escrow.connect(f.providerOperator).submitEvidence(f.jobId, "ipfs://p"))
        .to.emit(f.escrow, "Evidence")
        .withArgs(f.arbitratorAddress, f.jobId, f.providerOperator.address, "ipfs://p");
      await expect(f.escrow.connect(f.clientOwner).submitEvidence(f.jobId, "ipfs://c"))
        .to.emit(f.escrow, "Evidence")
        .withArgs(f.arbitratorAddress, f.jobId, f.clientOwner.address, "ipfs://c");
    });

    it("reverts with EscrowNotParty for others", async function () {
      const f = await loadFixture(withDisputedJobFixture);
      await expect(f.escrow.connect(f.stranger).submitEvidence(f.jobId, "x"))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNotParty")
        .withArgs(f.jobId, f.stranger.address);
    });

    it("reverts with EscrowUnexpectedState outside a dispute", async function () {
      const f = await loadFixture(withDeliveredJobFixture);
      await expect(f.escrow.connect(f.clientOperator).submitEvidence(f.jobId, "x"))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Delivered, JobState.Disputed);
    });
  });

  describe("#giveFeedback", function () {
    it("records one feedback per side, weighted by the job amount", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      const hash = ethers.id("feedback");
      await expect(f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 90, "quality", "fast", "ipfs://fb", hash))
        .to.emit(f.escrow, "FeedbackGiven")
        .withArgs(f.jobId, f.clientId, f.providerId, 90n, f.clientOperator.address)
        .and.to.emit(f.ledger, "FeedbackRecorded")
        .withArgs(f.providerId, f.clientId, f.jobId, 90n, PRICE, "quality", "fast", "ipfs://fb", hash);
      await expect(f.escrow.connect(f.providerOwner).giveFeedback(f.jobId, 70, "", "", "", ethers.ZeroHash))
        .to.emit(f.ledger, "FeedbackRecorded")
        .withArgs(f.clientId, f.providerId, f.jobId, 70n, PRICE, "", "", "", ethers.ZeroHash);
      const job = await f.escrow.getJob(f.jobId);
      expect([job.clientFeedbackGiven, job.providerFeedbackGiven]).to.deep.equal([true, true]);
      const stats = await f.ledger.stats(f.providerId);
      expect([stats.feedbackCount, stats.feedbackWeight, stats.feedbackWeightedScore]).to.deep.equal([1n, PRICE, 90n * PRICE]);
    });

    it("reverts with EscrowFeedbackAlreadyGiven on a second feedback from the same side", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      await f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 90, "", "", "", ethers.ZeroHash);
      await expect(f.escrow.connect(f.clientOwner).giveFeedback(f.jobId, 10, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowFeedbackAlreadyGiven")
        .withArgs(f.jobId, f.clientId);
    });

    it("lets the provider rate first", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      await expect(f.escrow.connect(f.providerOperator).giveFeedback(f.jobId, 60, "", "", "", ethers.ZeroHash))
        .to.emit(f.escrow, "FeedbackGiven")
        .withArgs(f.jobId, f.providerId, f.clientId, 60n, f.providerOperator.address);
      await expect(f.escrow.connect(f.providerOwner).giveFeedback(f.jobId, 60, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowFeedbackAlreadyGiven")
        .withArgs(f.jobId, f.providerId);
      await expect(f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 90, "", "", "", ethers.ZeroHash))
        .to.emit(f.escrow, "FeedbackGiven")
        .withArgs(f.jobId, f.clientId, f.providerId, 90n, f.clientOperator.address);
    });

    it("an operator key of both agents rates the client side, then the provider side, once each", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      const dual = f.others[8];
      const deadline = BigInt(await time.latest()) + 300n;
      for (const [agentId, owner] of [
        [f.clientId, f.clientOwner],
        [f.providerId, f.providerOwner],
      ] as const) {
        const sig = await signAgentWallet(await f.registry.getAddress(), dual, agentId, owner.address, await f.registry.walletNonce(agentId), deadline);
        await f.registry.connect(owner).setAgentWallet(agentId, dual.address, deadline, sig);
      }
      await expect(f.escrow.connect(dual).giveFeedback(f.jobId, 80, "", "", "", ethers.ZeroHash))
        .to.emit(f.escrow, "FeedbackGiven")
        .withArgs(f.jobId, f.clientId, f.providerId, 80n, dual.address);
      await expect(f.escrow.connect(dual).giveFeedback(f.jobId, 70, "", "", "", ethers.ZeroHash))
        .to.emit(f.escrow, "FeedbackGiven")
        .withArgs(f.jobId, f.providerId, f.clientId, 70n, dual.address);
      await expect(f.escrow.connect(dual).giveFeedback(f.jobId, 70, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowFeedbackAlreadyGiven")
        .withArgs(f.jobId, f.providerId);
    });

    it("reverts with EscrowNotParty for anyone else", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      await expect(f.escrow.connect(f.stranger).giveFeedback(f.jobId, 90, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNotParty")
        .withArgs(f.jobId, f.stranger.address);
    });

    it("reverts with EscrowUnexpectedState before settlement and after a cancel", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 90, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Funded, JobState.Completed);
      await f.escrow.connect(f.clientOperator).cancel(f.jobId);
      await expect(f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 90, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(f.jobId, JobState.Cancelled, JobState.Completed);
    });

    it("is allowed on Refunded (after acceptance) and Resolved jobs", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      await time.increaseTo(f.deadline + 1n);
      await f.escrow.refund(f.jobId);
      await expect(f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 0, "", "", "", ethers.ZeroHash)).to.emit(f.escrow, "FeedbackGiven");
      const d = await loadFixture(withDisputedJobFixture);
      await d.arbitrator.giveRuling(d.jobId, 5_000n);
      await expect(d.escrow.connect(d.providerOperator).giveFeedback(d.jobId, 40, "", "", "", ethers.ZeroHash)).to.emit(d.escrow, "FeedbackGiven");
    });

    it("reverts with EscrowNeverAccepted on either side of a job refunded before acceptance", async function () {
      const f = await loadFixture(withFundedJobFixture);
      await time.increaseTo(f.deadline + 1n);
      await f.escrow.connect(f.stranger).refund(f.jobId);
      for (const signer of [f.clientOperator, f.providerOperator, f.clientOwner]) {
        await expect(f.escrow.connect(signer).giveFeedback(f.jobId, 0, "", "", "", ethers.ZeroHash))
          .to.be.revertedWithCustomError(f.escrow, "EscrowNeverAccepted")
          .withArgs(f.jobId);
      }
      expect((await f.ledger.stats(f.providerId)).feedbackCount).to.equal(0n);
    });

    it("reverts with EscrowSelfDealing for self-dealing jobs", async function () {
      const f = await loadFixture(withListingFixture);
      const ownClientId = await f.registerAgent(f.providerOwner, "ipfs://self");
      await f.deposit(f.providerOwner, ownClientId, PRICE);
      const jobId = await f.hire(f.listingId, { clientId: ownClientId }, f.providerOwner);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      await f.escrow.connect(f.providerOwner).approve(jobId);
      await expect(f.escrow.connect(f.providerOwner).giveFeedback(jobId, 100, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.escrow, "EscrowSelfDealing")
        .withArgs(jobId);
    });

    it("reverts with LedgerInvalidScore above 100 (checked by the ledger)", async function () {
      const f = await loadFixture(withCompletedJobFixture);
      await expect(f.escrow.connect(f.clientOperator).giveFeedback(f.jobId, 101, "", "", "", ethers.ZeroHash))
        .to.be.revertedWithCustomError(f.ledger, "LedgerInvalidScore")
        .withArgs(101n);
    });
  });

  describe("views", function () {
    it("requiredCollateral follows the curve with the ledger score", async function () {
      const f = await loadFixture(withEscrowFixture);
      expect(await f.escrow.requiredCollateral(f.providerId, PRICE, 0)).to.equal(0n);
      expect(await f.escrow.requiredCollateral(f.providerId, PRICE, 2_500)).to.equal(collateralFor(PRICE, 2_500n, 0n));
      expect(await f.escrow.requiredCollateral(f.providerId, 3n, 3_333)).to.equal(1n); // ceil(0.9999)
      // Build a score: one completed job.
      const listingId = await f.publish();
      const jobId = await f.hire(listingId);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
      await f.escrow.connect(f.clientOperator).approve(jobId);
      const score = await f.ledger.score(f.providerId);
      expect(score).to.be.gt(0n);
      expect(await f.escrow.requiredCollateral(f.providerId, PRICE, 7_777)).to.equal(collateralFor(PRICE, 7_777n, score));
      expect(collateralFor(PRICE, 7_777n, score)).to.be.lt(collateralFor(PRICE, 7_777n, 0n));
    });

    it("state and getJob read None for unknown ids", async function () {
      const f = await loadFixture(withEscrowFixture);
      expect(await f.escrow.state(1n)).to.equal(JobState.None);
      const job = await f.escrow.getJob(1n);
      expect(job.state).to.equal(JobState.None);
      expect(job.amount).to.equal(0n);
    });

    it("getJob exposes the collateral terms until settlement", async function () {
      const f = await loadFixture(withAcceptedCollateralJobFixture);
      const job = await f.escrow.getJob(f.jobId);
      expect([job.collateralBps, job.collateral, job.startedAt]).to.deep.equal([f.collateralBps, f.collateral, f.acceptedAt]);
      expect(BPS).to.equal(10_000n);
    });
  });
});
