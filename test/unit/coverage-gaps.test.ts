import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, id, toBeHex } from "ethers";
import { ethers } from "hardhat";
import { USDC } from "../fixtures/agora";
import { Pricing, RESULT, SPEC, withEscrowFixture } from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

/*
 * Branches of AgoraVault, JobEscrow and PaymentChannels that the flow, unit and fuzz suites leave uncovered (the
 * coverage gate requires 100% of their branches): every re-entrancy guard refusing a re-entry, the zero and
 * non-module answers of `locked`, an approval deadline past uint40, a ruling on a self-dealing job, `claimMany` on a
 * same-owner channel, and the perfect-score collateral branch (unreachable with the real ledger, whose score stays
 * below 10000: see FuzzLedgerMock).
 */

const GUARD = id("ReentrancyGuardReentrantCall()").slice(0, 10);
const SIG65 = "0x" + "11".repeat(65);

async function withModuleFixture() {
  const f = await withEscrowFixture();
  const reentrant = await (await ethers.getContractFactory("FuzzReentrantModule", f.deployer)).deploy();
  return { ...f, reentrant, reentrantAddress: await reentrant.getAddress() };
}

describe("Coverage gaps", function () {
  describe("AgoraVault", function () {
    it("answers 0 for locked(address(0)) and for an address that is not a module", async function () {
      const f = await loadFixture(withEscrowFixture);
      expect(await f.vault.locked(ZeroAddress)).to.equal(0n);
      expect(await f.vault.locked(f.stranger.address)).to.equal(0n);
    });

    it("stores an approval deadline past type(uint40).max as type(uint40).max", async function () {
      const f = await loadFixture(withEscrowFixture);
      const deadline = (1n << 40n) + 12_345n;
      const { chainId } = await ethers.provider.getNetwork();
      const nonce = await f.vault.approvalNonce(f.clientId);
      const signature = await f.clientOwner.signTypedData(
        { name: "AgoraVault", version: "1", chainId, verifyingContract: await f.vault.getAddress() },
        {
          CommitmentApproval: [
            { name: "agentId", type: "uint256" },
            { name: "counterpartyId", type: "uint256" },
            { name: "amount", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { agentId: f.clientId, counterpartyId: f.providerId, amount: USDC, nonce, deadline },
      );
      await f.vault.connect(f.clientOperator).approveCommitment(f.clientId, f.providerId, USDC, deadline, signature);
      const [counterpartyId, amount, stored] = await f.vault.pendingApproval(f.clientId);
      expect([counterpartyId, amount, stored]).to.deep.equal([f.providerId, USDC, (1n << 40n) - 1n]);
    });

    it("refuses re-entry into withdrawCredit, claimFees and commit from a token callback", async function () {
      const f = await loadFixture(withEscrowFixture);
      const [deployer] = await ethers.getSigners();
      const token = await (await ethers.getContractFactory("FuzzToken", deployer)).deploy();
      const vault = await (
        await ethers.getContractFactory("AgoraVault", deployer)
      ).deploy(await token.getAddress(), await f.registry.getAddress(), deployer.address, deployer.address, deployer.address, 100);
      const moduleFactory = await ethers.getContractFactory("ModuleMock", deployer);
      const escrowModule = await moduleFactory.deploy(await vault.getAddress());
      const channelsModule = await moduleFactory.deploy(await vault.getAddress());
      await vault.setModules(await escrowModule.getAddress(), await channelsModule.getAddress());
      const vaultAddress = await vault.getAddress();
      await token.mint(f.clientOwner.address, 1_000n);
      await token.connect(f.clientOwner).approve(vaultAddress, 1_000n);

      const reentries = [
        vault.interface.encodeFunctionData("withdrawCredit", [f.stranger.address, 1n]),
        vault.interface.encodeFunctionData("claimFees"),
        vault.interface.encodeFunctionData("commit", [f.clientId, f.providerId, f.clientOwner.address, 1n, false, fromBalance()]),
      ];
      for (const [i, data] of reentries.entries()) {
        await token.arm(vaultAddress, data);
        // The deposit goes through only because the token's re-entry was refused (FuzzTokenReentered otherwise).
        await vault.connect(f.clientOwner).deposit(f.clientId, 10n, fromTransfer());
        expect(await token.hookAttempts()).to.equal(BigInt(i + 1));
        expect(await token.lastHookResult()).to.equal(GUARD);
      }
      expect(await vault.balanceOf(f.clientId)).to.equal(30n);
    });
  });

  describe("JobEscrow", function () {
    it("refuses re-entry into every state-changing function from an arbitrator callback", async function () {
      const f = await loadFixture(withModuleFixture);
      // The arbitrator's createDispute gets ARBITRATOR_GAS (500k): room for fourteen refused re-entries.
      const listingId = await f.publish({ arbitrator: f.reentrantAddress });
      const jobId = await f.hire(listingId);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
      const e = f.escrow.interface;
      const params = await f.jobParams(listingId);
      const calls = [
        e.encodeFunctionData("createJob", [params, fromBalance()]),
        e.encodeFunctionData("cancel", [jobId]),
        e.encodeFunctionData("decline", [jobId, "ipfs://no"]),
        e.encodeFunctionData("accept", [jobId, fromBalance()]),
        e.encodeFunctionData("deliver", [jobId, RESULT, "ipfs://again"]),
        e.encodeFunctionData("approve", [jobId]),
        e.encodeFunctionData("reject", [jobId, "ipfs://no", fromBalance()]),
        e.encodeFunctionData("release", [jobId]),
        e.encodeFunctionData("refund", [jobId]),
        e.encodeFunctionData("pollValidator", [jobId]),
        e.encodeFunctionData("submitEvidence", [jobId, "ipfs://evidence"]),
        e.encodeFunctionData("rule", [jobId, 10_000n]),
        e.encodeFunctionData("resolveByDefault", [jobId]),
        e.encodeFunctionData("giveFeedback", [jobId, 100, "", "", "", ZeroHash]),
      ];
      const escrowAddress = await f.escrow.getAddress();
      await f.reentrant.setCalls(calls.map((data) => ({ target: escrowAddress, data })));

      await expect(f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://reason", fromBalance())).not.to.emit(
        f.escrow,
        "ArbitratorNotificationFailed",
      );

      expect(await f.reentrant.refused()).to.equal(BigInt(calls.length));
      expect(await f.reentrant.other()).to.equal(0n);
      expect(await f.escrow.state(jobId)).to.equal(4n); // Disputed: nothing re-entered
    });

    it("settles a ruling on a self-dealing job without writing the ledger", async function () {
      const f = await loadFixture(withEscrowFixture);
      // A second agent of the provider's owner hires the provider: self-dealing.
      const buyerId = await f.registerAgent(f.providerOwner, "ipfs://same-owner");
      await f.deposit(f.providerOwner, buyerId, 1_000n * USDC);
      const listingId = await f.publish();
      const jobId = await f.hire(listingId, { clientId: buyerId }, f.providerOwner);
      expect((await f.escrow.getJob(jobId)).selfDealing).to.equal(true);
      await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
      await f.escrow.connect(f.providerOwner).reject(jobId, "ipfs://reason", fromBalance());
      const statsBefore = [await f.ledger.stats(f.providerId), await f.ledger.stats(buyerId)];

      await expect(f.arbitrator.giveRuling(jobId, 7_000n)).to.emit(f.escrow, "JobResolved").and.not.to.emit(f.ledger, "DisputeRecorded");

      expect(await f.escrow.state(jobId)).to.equal(8n); // Resolved
      expect([await f.ledger.stats(f.providerId), await f.ledger.stats(buyerId)]).to.deep.equal(statsBefore);
      await f.expectSolvent();
    });

    it("stores no result hash when the validator gives no verdict on an empty result", async function () {
      const f = await loadFixture(withEscrowFixture);
      const listingId = await f.publish({ validator: await f.mockValidator.getAddress() }); // Pending until set
      const jobId = await f.hire(listingId);
      await expect(f.escrow.connect(f.providerOperator).deliver(jobId, ZeroHash, "ipfs://empty")).to.emit(f.escrow, "ValidatorPolled");
      const job = await f.escrow.getJob(jobId);
      expect([job.state, job.resultHash]).to.deep.equal([3n, ZeroHash]);
    });

    it("refunds a self-dealing job the provider accepted and missed without writing the ledger", async function () {
      const f = await loadFixture(withEscrowFixture);
      const buyerId = await f.registerAgent(f.providerOwner, "ipfs://same-owner");
      await f.deposit(f.providerOwner, buyerId, 1_000n * USDC);
      const listingId = await f.publish();
      const jobId = await f.hire(listingId, { clientId: buyerId }, f.providerOwner);
      await f.escrow.connect(f.providerOperator).accept(jobId, fromBalance());
      await time.increaseTo((await f.escrow.getJob(jobId)).deadline + 1n);

      await expect(f.escrow.connect(f.stranger).refund(jobId))
        .to.emit(f.escrow, "JobRefunded")
        .and.not.to.emit(f.ledger, "JobRefundedLate");
      expect((await f.ledger.stats(f.providerId)).refundedLate).to.equal(0n);
      await f.expectSolvent();
    });

    it("asks no collateral of a provider whose score is perfect, who may then deliver without accepting", async function () {
      const f = await loadFixture(withEscrowFixture);
      const [deployer] = await ethers.getSigners();
      const ledger = await (await ethers.getContractFactory("FuzzLedgerMock", deployer)).deploy();
      await ledger.setScore(10_000n);
      const vault = await (
        await ethers.getContractFactory("AgoraVault", deployer)
      ).deploy(await f.usdc.getAddress(), await f.registry.getAddress(), deployer.address, deployer.address, deployer.address, 100);
      const escrow = await (
        await ethers.getContractFactory("JobEscrow", deployer)
      ).deploy(await vault.getAddress(), await f.registry.getAddress(), await f.listings.getAddress(), await ledger.getAddress());
      const channelsStandIn = await (await ethers.getContractFactory("CodeMock", deployer)).deploy();
      await vault.setModules(await escrow.getAddress(), await channelsStandIn.getAddress());
      await f.usdc.mint(f.clientOwner.address, 10n * USDC);
      await f.usdc.connect(f.clientOwner).approve(await vault.getAddress(), 10n * USDC);
      await vault.connect(f.clientOwner).deposit(f.clientId, 10n * USDC, fromTransfer());

      const listingId = await f.publish({ collateralBps: 10_000n, price: USDC, pricing: Pricing.Fixed });
      expect(await escrow.requiredCollateral(f.providerId, USDC, 10_000)).to.equal(0n);
      await escrow.connect(f.clientOwner).createJob(await f.jobParams(listingId, { maxPrice: USDC, specHash: SPEC }), fromBalance());
      const jobId = await escrow.totalJobs();

      // Funded, collateral terms, nothing required: delivery without `accept` is allowed.
      await expect(escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result")).to.emit(escrow, "JobDelivered");
      expect(await escrow.state(jobId)).to.equal(3n);
      expect(await vault.locked(await escrow.getAddress())).to.equal(USDC);
    });
  });

  describe("PaymentChannels", function () {
    it("refuses re-entry into every state-changing function from an ERC-1271 authorizer", async function () {
      const f = await loadFixture(withModuleFixture);
      const salt = toBeHex(9n, 32);
      await f.channels.connect(f.clientOperator).open(f.clientId, f.providerId, salt, f.reentrantAddress, 10n * USDC, fromBalance());
      const channelId = await f.channels.channelIdOf(f.clientId, f.providerId, salt);
      const c = f.channels.interface;
      const calls = [
        c.encodeFunctionData("open", [f.clientId, f.providerId, toBeHex(10n, 32), ZeroAddress, 1n, fromBalance()]),
        c.encodeFunctionData("topUp", [channelId, 1n, fromBalance()]),
        c.encodeFunctionData("claim", [channelId, 1n, 1n, SIG65]),
        c.encodeFunctionData("claimMany", [[{ channelId, epoch: 1n, cumulativeAmount: 1n, signature: SIG65 }]]),
        c.encodeFunctionData("requestClose", [channelId]),
        c.encodeFunctionData("finalizeClose", [channelId]),
        c.encodeFunctionData("closeByProvider", [channelId, 0n, 0n, "0x"]),
      ];
      const channelsAddress = await f.channels.getAddress();
      await f.reentrant.setCalls(calls.map((data) => ({ target: channelsAddress, data })));

      // The authorizer accepts the voucher only if every re-entry was refused by the guard.
      await expect(f.channels.connect(f.providerOperator).claim(channelId, 1n, 2n * USDC, SIG65)).to.emit(f.channels, "ChannelClaimed");
      const ch = await f.channels.getChannel(channelId);
      expect([ch.claimed, ch.deposit, ch.status]).to.deep.equal([2n * USDC, 10n * USDC, 1n]);
    });

    it("claims a batch on a same-owner channel without recording volume", async function () {
      const f = await loadFixture(withEscrowFixture);
      const twinId = await f.registerAgent(f.clientOwner, "ipfs://twin");
      const { chainId } = await ethers.provider.getNetwork();
      const salt = toBeHex(3n, 32);
      await f.channels.connect(f.clientOperator).open(f.clientId, twinId, salt, ZeroAddress, 5n * USDC, fromBalance());
      const channelId = await f.channels.channelIdOf(f.clientId, twinId, salt);
      expect((await f.channels.getChannel(channelId)).sameOwner).to.equal(true);
      const signature = await f.clientOperator.signTypedData(
        { name: "Agora PaymentChannels", version: "1", chainId, verifyingContract: await f.channels.getAddress() },
        {
          Voucher: [
            { name: "channelId", type: "bytes32" },
            { name: "epoch", type: "uint64" },
            { name: "cumulativeAmount", type: "uint128" },
          ],
        },
        { channelId, epoch: 1n, cumulativeAmount: USDC },
      );
      const before = await f.vault.balanceOf(twinId);

      await expect(f.channels.connect(f.clientOwner).claimMany([{ channelId, epoch: 1n, cumulativeAmount: USDC, signature }]))
        .to.emit(f.channels, "ChannelClaimed")
        .and.not.to.emit(f.ledger, "ChannelVolumeRecorded");

      const fee = (USDC * 100n + 9_999n) / 10_000n;
      expect(await f.vault.balanceOf(twinId)).to.equal(before + USDC - fee);
      expect((await f.ledger.stats(twinId)).volumeEarned).to.equal(0n);
      await f.expectSolvent();
    });
  });
});
