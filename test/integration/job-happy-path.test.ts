import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { USDC } from "../fixtures/agora";
import {
  CompletionKind,
  JobState,
  PRICE,
  RESULT,
  SLA,
  feeOn,
  minedAt,
  withCollateralListingFixture,
  type Funding,
} from "../fixtures/jobs";
import { FundingSource, fromAuthorization, fromBalance, fromPermit, fromTransfer } from "../helpers/funding";

type F = Awaited<ReturnType<typeof withCollateralListingFixture>>;

/** Builds the funding of `amount` paid by `payer` for each of the four sources. */
async function fundingFor(f: F, source: number, payer: HardhatEthersSigner, amount: bigint): Promise<Funding> {
  const now = BigInt(await time.latest());
  switch (source) {
    case FundingSource.Balance:
      return fromBalance();
    case FundingSource.TransferFrom:
      return fromTransfer();
    case FundingSource.Permit:
      return fromPermit(f.usdc, payer, f.vaultAddress, amount, now + 3_600n);
    default:
      return fromAuthorization(f.usdc, payer, f.vaultAddress, amount, { validAfter: 0n, validBefore: now + 3_600n });
  }
}

const PATHS = [
  ["protocol balance", FundingSource.Balance],
  ["transferFrom", FundingSource.TransferFrom],
  ["EIP-2612 permit", FundingSource.Permit],
  ["EIP-3009 receiveWithAuthorization", FundingSource.Authorization],
] as const;

describe("Job happy path: create → accept (collateral) → deliver → approve → feedback → withdraw", function () {
  for (const [label, source] of PATHS) {
    it(`settles to the unit when both sides pay by ${label}`, async function () {
      const f = await loadFixture(withCollateralListingFixture);
      const { escrow, vault, usdc, ledger, clientOperator, providerOperator, providerOwner, clientId, providerId } = f;
      if (source === FundingSource.Balance) await f.deposit(providerOwner, providerId, f.collateral);
      const solvent = () => f.expectSolvent();

      // create + fund
      const clientWallet = await usdc.balanceOf(clientOperator.address);
      const clientBalance = await vault.balanceOf(clientId);
      const createTx = await escrow.connect(clientOperator).createJob(await f.jobParams(f.listingId), await fundingFor(f, source, clientOperator, PRICE));
      const createdAt = await minedAt(createTx);
      const jobId = await escrow.totalJobs();
      await expect(createTx).to.emit(vault, "Committed").withArgs(f.escrowAddress, clientId, providerId, clientOperator.address, PRICE, source, false, source === FundingSource.Balance ? clientBalance - PRICE : clientBalance);
      if (source === FundingSource.Balance) expect(await vault.balanceOf(clientId)).to.equal(clientBalance - PRICE);
      else expect(await usdc.balanceOf(clientOperator.address)).to.equal(clientWallet - PRICE);
      expect(await vault.locked(f.escrowAddress)).to.equal(PRICE);
      await solvent();

      // accept with collateral
      const providerWallet = await usdc.balanceOf(providerOperator.address);
      const acceptedAt = await minedAt(
        await escrow.connect(providerOperator).accept(jobId, await fundingFor(f, source, providerOperator, f.collateral)),
      );
      if (source !== FundingSource.Balance) expect(await usdc.balanceOf(providerOperator.address)).to.equal(providerWallet - f.collateral);
      else expect(await vault.balanceOf(providerId)).to.equal(0n);
      expect(await vault.locked(f.escrowAddress)).to.equal(PRICE + f.collateral);
      await solvent();

      // deliver on time, approve
      await time.setNextBlockTimestamp(createdAt + SLA);
      await escrow.connect(providerOperator).deliver(jobId, RESULT, "ipfs://result");
      const before = await f.vaultState();
      const fee = feeOn(PRICE);
      await expect(escrow.connect(clientOperator).approve(jobId))
        .to.emit(escrow, "JobCompleted")
        .withArgs(jobId, clientId, providerId, PRICE - fee, fee, f.collateral, CompletionKind.Approved, clientOperator.address);
      await f.expectSettlement(before, { provider: PRICE - fee + f.collateral, fees: fee }, PRICE + f.collateral);
      expect(await escrow.state(jobId)).to.equal(JobState.Completed);
      expect(await vault.locked(f.escrowAddress)).to.equal(0n);

      // reputation: one on-time completion, volume before the fee on both sides
      const provider = await ledger.stats(providerId);
      expect([provider.completed, provider.onTime, provider.volumeEarned, provider.latencySum]).to.deep.equal([
        1n,
        1n,
        PRICE,
        createdAt + SLA - acceptedAt,
      ]);
      expect((await ledger.stats(clientId)).volumeSpent).to.equal(PRICE);

      // feedback, one per side
      await escrow.connect(clientOperator).giveFeedback(jobId, 95, "accurate", "", "ipfs://fb", RESULT);
      await escrow.connect(providerOperator).giveFeedback(jobId, 80, "", "", "", RESULT);
      expect((await ledger.stats(providerId)).feedbackCount).to.equal(1n);
      expect((await ledger.stats(clientId)).feedbackCount).to.equal(1n);

      // pull payment: the provider's owner withdraws to its payout address
      const payout = PRICE - fee + f.collateral;
      expect(await vault.balanceOf(providerId)).to.equal(payout);
      await expect(vault.connect(providerOwner).withdraw(providerId, payout)).to.changeTokenBalances(usdc, [providerOwner, vault], [payout, -payout]);
      await solvent();
    });
  }

  it("runs the plain path (no collateral, no accept) from the owner's key and keeps the latency from creation", async function () {
    const f = await loadFixture(withCollateralListingFixture);
    const listingId = await f.publish({ collateralBps: 0n });
    const createTx = await f.escrow.connect(f.clientOwner).createJob(await f.jobParams(listingId), fromBalance());
    const createdAt = await minedAt(createTx);
    const jobId = await f.escrow.totalJobs();
    await time.setNextBlockTimestamp(createdAt + 500n);
    await f.escrow.connect(f.providerOwner).deliver(jobId, RESULT, "");
    const before = await f.vaultState();
    const fee = feeOn(PRICE);
    await f.escrow.connect(f.clientOwner).approve(jobId);
    await f.expectSettlement(before, { provider: PRICE - fee, fees: fee }, PRICE);
    const stats = await f.ledger.stats(f.providerId);
    expect([stats.completed, stats.onTime, stats.latencySum]).to.deep.equal([1n, 1n, 500n]);
    expect(await f.vault.accruedFees()).to.equal(fee);
    expect(fee).to.equal(USDC); // 1% of $100
  });
});
