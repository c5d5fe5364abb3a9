import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { termsHashFor } from "../helpers/terms";
import { MaxUint256 } from "ethers";
import { ethers } from "hardhat";
import { DoubleRulingArbitrator__factory } from "../../typechain-types";
import {
  ChannelStatus,
  USDC,
  attackFixture,
  channelIdOf,
  freshSalt,
  fromBalance,
  fromTransfer,
  openChannelFixture,
  signVoucher,
} from "../fixtures/attacks";
import { ARB_FEE, BPS, JobState, PRICE, Pricing, RESULT, REVIEW, ceilDiv, collateralFor, feeOn, splitFor } from "../fixtures/jobs";

/*
 * Double settlement, rounding and overflow (docs/THREAT_MODEL.md, attacks ST-01..ST-05). Invariant 2: every
 * settlement pays out exactly what was funded, to the unit; invariant 3: final states stay final and a job pays once.
 */

const UINT64_MAX = 2n ** 64n - 1n;

describe("Attacks: double settlement, rounding and overflow", function () {
  it("ST-01 no exit of any kind reopens a final job or a closed channel", async function () {
    const f = await loadFixture(openChannelFixture);
    const { escrow, channels } = f;
    // One job in each final state.
    const completed = await f.deliveredJob();
    await escrow.connect(f.clientOperator).approve(completed);
    const refunded = await f.createJob({ params: { deadline: BigInt(await time.latest()) + 3_700n } });
    const cancelled = await f.createJob();
    await escrow.connect(f.clientOperator).cancel(cancelled);
    const resolved = await f.deliveredJob();
    await escrow.connect(f.clientOperator).reject(resolved, "ipfs://why", fromBalance());
    await f.arbitrator.giveRuling(resolved, 7_000n);
    await time.increase(3_701n);
    await escrow.connect(f.stranger).refund(refunded);
    const voucher = await signVoucher(channels, f.clientOwner, f.channelId, f.epoch, 10n * USDC);
    await channels.connect(f.providerOperator).closeByProvider(f.channelId, f.epoch, 10n * USDC, voucher);

    const before = await f.vaultState();
    for (const [jobId, state] of [
      [completed, JobState.Completed],
      [refunded, JobState.Refunded],
      [cancelled, JobState.Cancelled],
      [resolved, JobState.Resolved],
    ] as const) {
      const exits: [() => Promise<unknown>, bigint][] = [
        [() => escrow.connect(f.clientOperator).approve(jobId), JobState.Delivered],
        [() => escrow.connect(f.stranger).release(jobId), JobState.Delivered],
        [() => escrow.connect(f.clientOperator).reject(jobId, "", fromBalance()), JobState.Delivered],
        [() => escrow.connect(f.stranger).pollValidator(jobId), JobState.Delivered],
        [() => escrow.connect(f.stranger).refund(jobId), JobState.Funded],
        [() => escrow.connect(f.clientOperator).cancel(jobId), JobState.Funded],
        [() => escrow.connect(f.providerOperator).decline(jobId, ""), JobState.Funded],
        [() => escrow.connect(f.providerOperator).accept(jobId, fromBalance()), JobState.Funded],
        [() => escrow.connect(f.providerOperator).deliver(jobId, RESULT, ""), JobState.Funded],
        [() => escrow.connect(f.stranger).resolveByDefault(jobId), JobState.Disputed],
        [() => f.arbitrator.giveRuling(jobId, 10_000n), JobState.Disputed],
      ];
      for (const [exit, expected] of exits) {
        await expect(exit()).to.be.revertedWithCustomError(escrow, "EscrowUnexpectedState").withArgs(jobId, state, expected);
      }
    }
    const id = f.channelId;
    await expect(channels.connect(f.providerOperator).claim(id, f.epoch, 20n * USDC, voucher))
      .to.be.revertedWithCustomError(channels, "ChannelNotActive")
      .withArgs(id, ChannelStatus.Closed);
    await expect(channels.connect(f.providerOperator).closeByProvider(id, f.epoch, 0n, "0x")).to.be.revertedWithCustomError(channels, "ChannelNotActive").withArgs(id, ChannelStatus.Closed);
    await expect(channels.connect(f.stranger).finalizeClose(id)).to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus").withArgs(id, ChannelStatus.Closed, ChannelStatus.Closing);
    await expect(channels.connect(f.clientOwner).requestClose(id)).to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus").withArgs(id, ChannelStatus.Closed, ChannelStatus.Open);
    await expect(channels.connect(f.clientOwner).topUp(id, 1n, fromTransfer())).to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus").withArgs(id, ChannelStatus.Closed, ChannelStatus.Open);
    expect(await f.vaultState()).to.deep.equal(before);
    expect(before.locked).to.equal(0n);
    await f.solvent();
  });

  it("ST-02 an arbitrator ruling twice in one transaction settles once", async function () {
    const f = await loadFixture(attackFixture);
    const arbitrator = await new DoubleRulingArbitrator__factory(f.deployer).deploy(f.escrowAddress, 0n);
    const jobId = await f.deliveredJob(await f.publish({ arbitrator: await arbitrator.getAddress() }));
    await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
    const before = await f.vaultState();
    const tx = arbitrator.ruleTwice(jobId, 2_500n, 10_000n);
    const second = f.escrow.interface.encodeErrorResult("EscrowUnexpectedState", [jobId, JobState.Resolved, JobState.Disputed]);
    await expect(tx).to.emit(arbitrator, "SecondRulingFailed").withArgs(second);
    await expect(tx).not.to.emit(arbitrator, "SecondRulingSucceeded");
    const s = splitFor(PRICE, 0n, 2_500n);
    await f.expectSettlement(before, { provider: s.toProvider, fees: s.fee, client: s.toClient }, PRICE);
  });

  it("ST-03 rounding in rulings, fees and collateral never creates or loses a unit (amounts x shares x fee rates)", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, vault } = f;
    const collateralBps = 5_000n;
    const listingId = await f.publish({ price: 1n, pricing: Pricing.Quoted, collateralBps, metadataURI: "ipfs://grid" });
    await vault.connect(f.clientOwner).deposit(f.clientId, 2_000n * USDC, fromTransfer());
    const amounts = [1n, 3n, 99n, 10_001n, 123_456_789n];
    const shares = [0n, 1n, 4_999n, 5_000n, 9_999n, 10_000n];
    for (const feeBps of [1n, 500n]) {
      await vault.connect(f.deployer).setProtocolFee(feeBps);
      for (const amount of amounts) {
        for (const share of shares) {
          const jobId = await f.createJob({ listingId, params: { maxPrice: amount } });
          const collateral = collateralFor(amount, collateralBps, await f.ledger.score(f.providerId));
          await escrow.connect(f.providerOperator).accept(jobId, fromTransfer());
          expect((await escrow.getJob(jobId)).collateral).to.equal(collateral);
          await escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
          await escrow.connect(f.clientOperator).reject(jobId, "", fromBalance());
          const arbitrationFee = (await escrow.getJob(jobId)).arbitrationFee;
          const feeCap = (amount * 1_000n) / BPS;
          expect(arbitrationFee).to.equal(feeCap < ARB_FEE ? feeCap : ARB_FEE);
          const before = await f.vaultState();
          const s = splitFor(amount, collateral, share, feeBps);
          await expect(f.arbitrator.giveRuling(jobId, share))
            .to.emit(escrow, "JobResolved")
            .withArgs(jobId, f.clientId, f.providerId, share, s.toProvider, s.fee, s.toClient, s.collateralToProvider, s.collateralToClient, arbitrationFee, false, f.arbitratorAddress);
          expect(s.toProvider + s.fee + s.toClient).to.equal(amount);
          expect(s.collateralToProvider + s.collateralToClient).to.equal(collateral);
          expect(s.fee).to.be.lessThanOrEqual(s.gross);
          await f.expectSettlement(
            before,
            { provider: s.toProvider + s.collateralToProvider, fees: s.fee, client: s.toClient + s.collateralToClient, credits: arbitrationFee },
            amount + collateral + arbitrationFee,
          );
        }
      }
    }
  });

  it("ST-04 splitting payments never lowers the fee: jobs round each fee up, channels charge the same in any number of claims", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, channels, vault, ringA, ringB, ringClientId, ringProviderId, ringListingId } = f;
    // 100 units as one job pay 1 unit of fee at 1%; as 100 one-unit jobs they pay 100 units.
    const fees0 = await vault.accruedFees();
    const job = async (amount: bigint) => {
      await escrow.connect(ringA).createJob(
        { clientId: ringClientId, listingId: ringListingId, maxPrice: amount, deadline: BigInt(await time.latest()) + 3_600n, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, ringListingId) },
        fromBalance(),
      );
      const jobId = await escrow.totalJobs();
      await escrow.connect(ringB).deliver(jobId, RESULT, "");
      await escrow.connect(ringA).approve(jobId);
    };
    await job(100n);
    expect((await vault.accruedFees()) - fees0).to.equal(feeOn(100n));
    for (let i = 0; i < 10; i++) await job(1n);
    expect((await vault.accruedFees()) - fees0).to.equal(feeOn(100n) + 10n * feeOn(1n));
    expect(feeOn(1n)).to.equal(1n);
    // A channel: 199 units claimed one unit at a time pay exactly ceil(199 * 1%) = 2 units, as one claim would.
    const salt = freshSalt();
    await channels.connect(ringA).open(ringClientId, ringProviderId, salt, ringA.address, 199n, fromBalance());
    const channelId = channelIdOf(ringClientId, ringProviderId, salt);
    const fees1 = await vault.accruedFees();
    const vouchers = [];
    for (let c = 1n; c <= 199n; c++) vouchers.push({ channelId, epoch: 1n, cumulativeAmount: c, signature: await signVoucher(channels, ringA, channelId, 1n, c) });
    for (let i = 0; i < 199; i += 40) await channels.connect(ringB).claimMany(vouchers.slice(i, i + 40));
    expect((await vault.accruedFees()) - fees1).to.equal(ceilDiv(199n * 100n, BPS));
    expect(await vault.balanceOf(ringProviderId)).to.equal(199n - 2n + (100n - feeOn(100n)));
    await f.solvent();
  });

  it("ST-05 amounts past the storage widths revert instead of wrapping: job amount, locked totals, channel deposits", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, channels, vault, usdc, clientOwner, clientId, providerId } = f;
    await usdc.mint(clientOwner.address, 2n ** 65n);
    await usdc.connect(clientOwner).approve(f.vaultAddress, MaxUint256);
    const deadline = BigInt(await time.latest()) + 7_200n;
    const termsHash = await termsHashFor(escrow, f.quotedListingId);
    const hire = (maxPrice: bigint) =>
      escrow.connect(clientOwner).createJob({ clientId, listingId: f.quotedListingId, maxPrice, deadline, specHash: ethers.ZeroHash, termsHash }, fromTransfer());
    await expect(hire(UINT64_MAX + 1n)).to.be.revertedWithCustomError(escrow, "SafeCastOverflowedUintDowncast").withArgs(64, UINT64_MAX + 1n);
    await expect(hire(UINT64_MAX)).to.emit(escrow, "JobCreated");
    // The escrow's locked total is a uint64: one more unit would overflow it, and reverts.
    await expect(hire(1n)).to.be.revertedWithCustomError(vault, "SafeCastOverflowedUintDowncast").withArgs(64, UINT64_MAX + 1n);
    expect(await vault.locked(f.escrowAddress)).to.equal(UINT64_MAX);
    // Channel deposits are uint128.
    const salt = freshSalt();
    await expect(channels.connect(clientOwner).open(clientId, providerId, salt, clientOwner.address, 2n ** 128n, fromTransfer()))
      .to.be.revertedWithCustomError(channels, "ChannelDepositOverflow")
      .withArgs(channelIdOf(clientId, providerId, salt), 0n, 2n ** 128n);
    await channels.connect(clientOwner).open(clientId, providerId, salt, clientOwner.address, 10n, fromTransfer());
    await expect(channels.connect(clientOwner).topUp(channelIdOf(clientId, providerId, salt), 2n ** 128n - 10n, fromTransfer()))
      .to.be.revertedWithCustomError(channels, "ChannelDepositOverflow")
      .withArgs(channelIdOf(clientId, providerId, salt), 10n, 2n ** 128n - 10n);
    // The giant job still settles to the unit.
    const jobId = await escrow.totalJobs();
    await escrow.connect(f.providerOperator).deliver(jobId, RESULT, "");
    await time.increase(REVIEW + 1n);
    const before = await f.vaultState();
    await escrow.connect(f.stranger).release(jobId);
    await f.expectSettlement(before, { provider: UINT64_MAX - feeOn(UINT64_MAX), fees: feeOn(UINT64_MAX) }, UINT64_MAX);
  });
});
