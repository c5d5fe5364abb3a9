import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { termsHashFor } from "../helpers/terms";
import { ethers } from "hardhat";
import {
  BACK_RUNNER,
  FRONT_RUNNER,
  USDC,
  VICTIM,
  attackFixture,
  expectMinedRevert,
  expectMinedSuccess,
  fromBalance,
  openChannelFixture,
  sameBlock,
  signVoucher,
} from "../fixtures/attacks";
import { signAgentWallet } from "../fixtures/agora";
import { JobState, PRICE, RESULT, feeOn } from "../fixtures/jobs";

/*
 * Key compromise and spending-limit bypasses (docs/THREAT_MODEL.md, attacks AO-01..AO-05). The admin and deployer
 * keys cannot reach user money; a stolen operator key commits no more than the owner's limits allow, and nothing
 * once frozen. The long-run bound of a stolen operator key is proven in test/integration/compromised-operator.test.ts;
 * the pause table in test/integration/guardian-pause.test.ts; every limit on every commitment kind in
 * test/integration/spending-limits.test.ts.
 */

describe("Attacks: admin, guardian and operator keys; spending limits", function () {
  it("AO-01 a stolen admin (and deployer) key cannot move, lock or re-route user money; it can only take unclaimed fees", async function () {
    const f = await loadFixture(openChannelFixture);
    const { vault, escrow, channels, ledger, deployer: admin, attacker, clientId, providerId } = f;
    const delivered = await f.deliveredJob();
    const funded = await f.createJob();
    const snapshot = async () => ({
      client: await vault.balanceOf(clientId),
      provider: await vault.balanceOf(providerId),
      escrowLocked: await vault.locked(f.escrowAddress),
      channelsLocked: await vault.locked(await channels.getAddress()),
      credits: await vault.creditOf(f.arbitratorAddress),
    });
    const before = await snapshot();
    // Everything the admin key can do, done by the attacker holding it.
    await expect(vault.connect(admin).setProtocolFee(501)).to.be.revertedWithCustomError(vault, "VaultFeeTooHigh").withArgs(501, 500);
    await vault.connect(admin).setProtocolFee(500);
    await vault.connect(admin).setFeeRecipient(attacker.address);
    await vault.connect(admin).setGuardian(attacker.address);
    await vault.connect(attacker).pause();
    // The deployer key's one-time wiring is sealed; no role reaches the module entry points.
    await expect(vault.connect(admin).setModules(attacker.address, attacker.address)).to.be.revertedWithCustomError(vault, "VaultModulesAlreadySet");
    await expect(ledger.connect(admin).setWriters(attacker.address, attacker.address)).to.be.revertedWithCustomError(ledger, "LedgerWritersAlreadySet");
    await expect(vault.connect(admin).release(providerId, 1n, 0n)).to.be.revertedWithCustomError(vault, "VaultNotModule").withArgs(admin.address);
    await expect(vault.connect(admin).releaseTo(attacker.address, 1n)).to.be.revertedWithCustomError(vault, "VaultNotModule").withArgs(admin.address);
    await expect(vault.connect(admin).commit(clientId, providerId, admin.address, 1n, false, fromBalance())).to.be.revertedWithCustomError(vault, "VaultNotModule").withArgs(admin.address);
    await expect(vault.connect(admin).withdraw(clientId, 1n)).to.be.revertedWithCustomError(f.registry, "AgentUnauthorized").withArgs(clientId, admin.address);
    expect(await snapshot()).to.deep.equal(before);
    // Live jobs and channels keep the fee they were opened with (100 bps), and every exit works while paused.
    const fee = feeOn(PRICE);
    await expect(escrow.connect(f.clientOperator).approve(delivered))
      .to.emit(escrow, "JobCompleted")
      .withArgs(delivered, clientId, providerId, PRICE - fee, fee, 0n, 0n, f.clientOperator.address);
    const voucher = await signVoucher(channels, f.clientOwner, f.channelId, f.epoch, 50n * USDC);
    await expect(channels.connect(f.providerOperator).claim(f.channelId, f.epoch, 50n * USDC, voucher))
      .to.emit(channels, "ChannelClaimed")
      .withArgs(f.channelId, providerId, clientId, f.epoch, f.providerOperator.address, 50n * USDC, 50n * USDC, feeOn(50n * USDC));
    await escrow.connect(f.clientOperator).cancel(funded);
    // What the key does reach: the protocol's own unclaimed fees (open risk, accepted).
    const fees = await vault.accruedFees();
    await expect(vault.connect(f.stranger).claimFees()).to.changeTokenBalance(f.usdc, attacker, fees);
    const balance = await vault.balanceOf(providerId);
    await expect(vault.connect(f.providerOwner).withdraw(providerId, balance)).to.changeTokenBalance(f.usdc, f.providerOwner, balance);
    await f.solvent();
  });

  it("AO-02 a stolen operator key front-running the owner's freeze commits at most the daily cap, then nothing", async function () {
    const f = await loadFixture(attackFixture);
    const { vault, escrow, registry, clientId, clientOwner } = f;
    const thief = f.clientOperator;
    await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 50n * USDC, dailyCap: 120n * USDC, allowlistOnly: false });
    const hire = async (amount: bigint, overrides: typeof FRONT_RUNNER) =>
      escrow.connect(thief).createJob(
        { clientId, listingId: f.ringListingId, maxPrice: amount, deadline: BigInt(await time.latest()) + 3_600n, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, f.ringListingId) },
        fromBalance(),
        overrides,
      );
    const balance = await vault.balanceOf(clientId);
    // The owner's freeze is in the mempool; the thief outbids it with four hires of its sock puppet.
    const [freeze, big, a, b, c] = await sameBlock(async () => [
      await registry.connect(clientOwner).freeze(clientId, VICTIM),
      await hire(51n * USDC, FRONT_RUNNER),
      await hire(50n * USDC, FRONT_RUNNER),
      await hire(50n * USDC, FRONT_RUNNER),
      await hire(50n * USDC, FRONT_RUNNER),
    ]);
    await expectMinedRevert(big, vault, "VaultPerTxCapExceeded", [clientId, 50n * USDC, 51n * USDC]);
    expectMinedSuccess(a);
    expectMinedSuccess(b);
    await expectMinedRevert(c, vault, "VaultDailyCapExceeded", [clientId, 120n * USDC, 100n * USDC, 50n * USDC]);
    expectMinedSuccess(freeze);
    expect(await vault.balanceOf(clientId)).to.equal(balance - 100n * USDC);
    // Frozen: the key can neither commit, approve its puppet's delivery, nor withdraw.
    await expect(hire(1n, BACK_RUNNER)).to.be.revertedWithCustomError(registry, "AgentFrozen").withArgs(clientId, thief.address);
    const inFlight = await escrow.totalJobs();
    await escrow.connect(f.ringB).deliver(inFlight, RESULT, "ipfs://sham");
    await expect(escrow.connect(thief).approve(inFlight)).to.be.revertedWithCustomError(registry, "AgentFrozen").withArgs(clientId, thief.address);
    await expect(vault.connect(thief).withdraw(clientId, 1n)).to.be.revertedWithCustomError(registry, "AgentFrozen").withArgs(clientId, thief.address);
    // The owner contests the sham delivery within the review window; the other puppet job it simply cancels.
    await expect(escrow.connect(clientOwner).reject(inFlight, "ipfs://stolen-key", fromBalance())).to.emit(escrow, "JobDisputed");
    await escrow.connect(clientOwner).cancel(inFlight - 1n);
    expect(await escrow.state(inFlight - 1n)).to.equal(JobState.Cancelled);
    await f.solvent();
  });

  it("AO-03 a daily cap set late counts only later commitments: a thief front-running it gets one per-tx cap extra (open risk)", async function () {
    const f = await loadFixture(attackFixture);
    const { vault, escrow, clientId, clientOwner } = f;
    const thief = f.clientOperator;
    const cap = 100n * USDC;
    await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: cap, dailyCap: 0n, allowlistOnly: false });
    const hire = async (amount: bigint, overrides = BACK_RUNNER) =>
      escrow.connect(thief).createJob(
        { clientId, listingId: f.ringListingId, maxPrice: amount, deadline: BigInt(await time.latest()) + 3_600n, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, f.ringListingId) },
        fromBalance(),
        overrides,
      );
    const [setCap, early] = await sameBlock(async () => [
      await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: cap, dailyCap: cap, allowlistOnly: false }, VICTIM),
      await hire(cap, FRONT_RUNNER),
    ]);
    expectMinedSuccess(early);
    expectMinedSuccess(setCap);
    expect(await vault.spentInWindow(clientId)).to.equal(0n); // committed before the cap: not in the window
    await expect(hire(cap)).to.emit(vault, "SpendingRecorded").withArgs(clientId, cap, cap);
    await expect(hire(1n)).to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded").withArgs(clientId, cap, cap, 1n);
    // Bounded: one per-tx cap beyond the daily cap in that window. The defence is to freeze first (immediate).
    await f.solvent();
  });

  it("AO-04 spending-limit bypasses fail: recycling through cancel, acting for another agent, calling the vault directly", async function () {
    const f = await loadFixture(attackFixture);
    const { vault, escrow, registry, clientId, clientOwner, ringClientId } = f;
    const thief = f.clientOperator;
    const daily = 150n * USDC;
    await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 0n, dailyCap: daily, allowlistOnly: false });
    const params = async (amount: bigint, client = clientId) => ({
      clientId: client,
      listingId: f.quotedListingId,
      maxPrice: amount,
      deadline: BigInt(await time.latest()) + 7_200n,
      specHash: ethers.ZeroHash,
      termsHash: await termsHashFor(escrow, f.quotedListingId),
    });
    // Cancelling returns the money but not the allowance: the window counts commitments, not net exposure.
    await escrow.connect(thief).createJob(await params(100n * USDC), fromBalance());
    await escrow.connect(thief).cancel(await escrow.totalJobs());
    await escrow.connect(thief).createJob(await params(50n * USDC), fromBalance());
    await escrow.connect(thief).cancel(await escrow.totalJobs());
    await expect(escrow.connect(thief).createJob(await params(1n), fromBalance()))
      .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
      .withArgs(clientId, daily, daily, 1n);
    // Another agent's money: the key is nobody there.
    await expect(escrow.connect(thief).createJob(await params(1n, ringClientId), fromBalance()))
      .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
      .withArgs(ringClientId, thief.address);
    // The vault's module entry points are for the two modules only.
    await expect(vault.connect(thief).commit(clientId, f.providerId, thief.address, 1n, false, fromBalance()))
      .to.be.revertedWithCustomError(vault, "VaultNotModule")
      .withArgs(thief.address);
    await expect(vault.connect(thief).release(clientId, 1n, 0n)).to.be.revertedWithCustomError(vault, "VaultNotModule").withArgs(thief.address);
    // Raising its own limits, or taking the money out elsewhere, needs the owner.
    await expect(vault.connect(thief).setSpendingLimits(clientId, { perTxCap: 0n, dailyCap: 0n, allowlistOnly: false }))
      .to.be.revertedWithCustomError(vault, "VaultNotOwner")
      .withArgs(clientId, thief.address);
    await expect(vault.connect(thief).setPayoutAddress(clientId, thief.address)).to.be.revertedWithCustomError(vault, "VaultNotOwner").withArgs(clientId, thief.address);
    await expect(vault.connect(thief).withdraw(clientId, 10n * USDC)).to.changeTokenBalances(f.usdc, [clientOwner, thief], [10n * USDC, 0n]);
    expect(await vault.spentInWindow(clientId)).to.equal(daily);
    await f.solvent();
  });

  it("AO-05 an ERC-721 approval (a marketplace) cannot act as the agent; an operator it installs stays under the owner's limits and freeze", async function () {
    const f = await loadFixture(attackFixture);
    const { vault, escrow, registry, clientId, clientOwner, attacker } = f;
    await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 10n * USDC, dailyCap: 0n, allowlistOnly: false });
    await registry.connect(clientOwner).setApprovalForAll(attacker.address, true);
    await expect(escrow.connect(attacker).createJob(await f.jobParams(f.listingId), fromBalance()))
      .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
      .withArgs(clientId, attacker.address);
    await expect(vault.connect(attacker).withdraw(clientId, 1n)).to.be.revertedWithCustomError(registry, "AgentUnauthorized").withArgs(clientId, attacker.address);
    await expect(vault.connect(attacker).setSpendingLimits(clientId, { perTxCap: 0n, dailyCap: 0n, allowlistOnly: false }))
      .to.be.revertedWithCustomError(vault, "VaultNotOwner")
      .withArgs(clientId, attacker.address);
    await expect(registry.connect(attacker).freeze(clientId)).to.be.revertedWithCustomError(registry, "AgentUnauthorized").withArgs(clientId, attacker.address);
    // ERC-8004 lets an approved account set the agent wallet: the approval installs itself as the operator, and the
    // wallet outlives the revoked approval (open risk, pinned). As operator it is bound by the owner's limits.
    const deadline = BigInt(await time.latest()) + 200n;
    const proof = await signAgentWallet(await registry.getAddress(), attacker, clientId, clientOwner.address, await registry.walletNonce(clientId), deadline);
    await registry.connect(attacker).setAgentWallet(clientId, attacker.address, deadline, proof);
    await registry.connect(clientOwner).setApprovalForAll(attacker.address, false);
    expect(await registry.getAgentWallet(clientId)).to.equal(attacker.address);
    await expect(escrow.connect(attacker).createJob(await f.jobParams(f.quotedListingId, { maxPrice: 11n * USDC }), fromBalance()))
      .to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded")
      .withArgs(clientId, 10n * USDC, 11n * USDC);
    await expect(escrow.connect(attacker).createJob(await f.jobParams(f.quotedListingId, { maxPrice: 10n * USDC }), fromBalance())).to.emit(escrow, "JobCreated");
    await expect(vault.connect(attacker).withdraw(clientId, 5n * USDC)).to.changeTokenBalances(f.usdc, [clientOwner, attacker], [5n * USDC, 0n]);
    // The owner's freeze or unset ends it.
    await registry.connect(clientOwner).freeze(clientId);
    await expect(escrow.connect(attacker).createJob(await f.jobParams(f.quotedListingId, { maxPrice: 1n }), fromBalance()))
      .to.be.revertedWithCustomError(registry, "AgentFrozen")
      .withArgs(clientId, attacker.address);
    await registry.connect(clientOwner).unsetAgentWallet(clientId);
    await registry.connect(clientOwner).unfreeze(clientId);
    await expect(vault.connect(attacker).withdraw(clientId, 1n)).to.be.revertedWithCustomError(registry, "AgentUnauthorized").withArgs(clientId, attacker.address);
    await f.solvent();
  });
});
