import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { Signature } from "ethers";
import { ethers } from "hardhat";
import {
  FRONT_RUNNER,
  USDC,
  VICTIM,
  attackFixture,
  expectMinedSuccess,
  feeTokenFixture,
  fromBalance,
  fromTransfer,
  openChannelFixture,
  sameBlock,
  signVoucher,
} from "../fixtures/attacks";
import { fromAuthorization, fromPermit } from "../helpers/funding";
import { JobState, PRICE, REVIEW, feeOn } from "../fixtures/jobs";

/*
 * Token behaviour (docs/THREAT_MODEL.md, attacks TK-01..TK-08): fee-on-transfer tokens, USDC blacklists on every
 * kind of payee (and on the vault itself), donations, and stolen or front-run permits and EIP-3009 authorizations.
 */

describe("Attacks: tokens", function () {
  it("TK-01 a fee-on-transfer token cannot under-fund a deposit, a job or a channel", async function () {
    const f = await loadFixture(feeTokenFixture);
    const { vault, escrow, channels, token, clientId, providerId } = f;
    const amount = 100n * USDC;
    await expect(vault.connect(f.clientOwner).deposit(clientId, amount, fromTransfer()))
      .to.be.revertedWithCustomError(vault, "VaultTransferMismatch")
      .withArgs(amount, amount - 1n);
    await expect(escrow.connect(f.clientOperator).createJob(await f.jobParams(), fromTransfer()))
      .to.be.revertedWithCustomError(vault, "VaultTransferMismatch")
      .withArgs(PRICE, PRICE - 1n);
    await expect(channels.connect(f.clientOwner).open(clientId, providerId, ethers.ZeroHash, ethers.ZeroAddress, amount, fromTransfer()))
      .to.be.revertedWithCustomError(vault, "VaultTransferMismatch")
      .withArgs(amount, amount - 1n);
    expect(await token.balanceOf(f.vaultAddress)).to.equal(0n);
    expect([await vault.balanceOf(clientId), await vault.locked(await escrow.getAddress()), await vault.locked(await channels.getAddress())]).to.deep.equal([0n, 0n, 0n]);
  });

  it("TK-02 a blacklisted provider blocks nobody and still gets paid, through a payout address it controls", async function () {
    const f = await loadFixture(attackFixture);
    const { usdc, vault, escrow, providerId, providerOwner, providerOperator } = f;
    const cleanPayout = f.others[7];
    const delivered = await f.deliveredJob();
    const funded = await f.createJob();
    await usdc.blacklist(providerOwner.address);
    await usdc.blacklist(providerOperator.address);
    // Every exit of every party still works: a release pays the provider's balance, a refund the client's.
    await time.increase(REVIEW + 1n);
    await expect(escrow.connect(f.stranger).release(delivered)).to.emit(escrow, "JobCompleted");
    await escrow.connect(providerOperator).decline(funded, "ipfs://blacklisted");
    await expect(vault.connect(f.clientOwner).withdraw(f.clientId, 10n * USDC)).to.changeTokenBalance(usdc, f.clientOwner, 10n * USDC);
    // The provider's own withdrawal to its blacklisted owner fails, and only its own.
    const earned = PRICE - feeOn(PRICE);
    await expect(vault.connect(providerOperator).withdraw(providerId, earned))
      .to.be.revertedWithCustomError(usdc, "USDCBlacklisted")
      .withArgs(providerOwner.address);
    await vault.connect(providerOwner).setPayoutAddress(providerId, cleanPayout.address);
    await expect(vault.connect(providerOperator).withdraw(providerId, earned)).to.changeTokenBalance(usdc, cleanPayout, earned);
    await f.solvent();
  });

  it("TK-03 a blacklisted client blocks nobody: the provider is paid, the client's refunds wait in its balance", async function () {
    const f = await loadFixture(attackFixture);
    const { usdc, vault, escrow, clientId, clientOwner, clientOperator } = f;
    const delivered = await f.deliveredJob();
    const funded = await f.createJob();
    await usdc.blacklist(clientOwner.address);
    await usdc.blacklist(clientOperator.address);
    await time.increase(REVIEW + 1n);
    await expect(escrow.connect(f.stranger).release(delivered)).to.emit(escrow, "JobCompleted");
    await expect(escrow.connect(f.stranger).refund(funded)).to.emit(escrow, "JobRefunded");
    const earned = PRICE - feeOn(PRICE);
    await expect(vault.connect(f.providerOwner).withdraw(f.providerId, earned)).to.changeTokenBalance(usdc, f.providerOwner, earned);
    await expect(vault.connect(f.stranger).claimFees()).to.emit(vault, "FeesClaimed");
    const balance = await vault.balanceOf(clientId);
    await expect(vault.connect(clientOwner).withdraw(clientId, balance)).to.be.revertedWithCustomError(usdc, "USDCBlacklisted").withArgs(clientOwner.address);
    await vault.connect(clientOwner).setPayoutAddress(clientId, f.others[7].address);
    await expect(vault.connect(clientOwner).withdraw(clientId, balance)).to.changeTokenBalance(usdc, f.others[7], balance);
    await f.solvent();
  });

  it("TK-04 a blacklisted arbitrator or fee recipient holds up only its own money, and can redirect it", async function () {
    const f = await loadFixture(attackFixture);
    const { usdc, vault, escrow, committee, members, deployer, feeRecipient } = f;
    const committeeAddress = await committee.getAddress();
    const listingId = await f.publish({ arbitrator: committeeAddress });
    const jobId = await f.deliveredJob(listingId);
    await escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
    await usdc.blacklist(committeeAddress);
    await usdc.blacklist(feeRecipient.address);
    // The blacklisted committee still rules; the parties are paid.
    await committee.connect(members[0]).vote(jobId, 10_000n);
    await expect(committee.connect(members[1]).vote(jobId, 10_000n)).to.emit(escrow, "JobResolved");
    const credit = await vault.creditOf(committeeAddress);
    expect(credit).to.be.greaterThan(0n);
    await expect(committee.withdrawCredit(committeeAddress, credit)).to.be.revertedWithCustomError(usdc, "USDCBlacklisted").withArgs(committeeAddress);
    await expect(committee.withdrawCredit(deployer.address, credit)).to.changeTokenBalance(usdc, deployer, credit);
    // Fees wait for a clean recipient; nobody else is affected.
    const fees = await vault.accruedFees();
    await expect(vault.connect(f.stranger).claimFees()).to.be.revertedWithCustomError(usdc, "USDCBlacklisted").withArgs(feeRecipient.address);
    expect(await vault.accruedFees()).to.equal(fees);
    await vault.connect(deployer).setFeeRecipient(f.others[7].address);
    await expect(vault.connect(f.stranger).claimFees()).to.changeTokenBalance(usdc, f.others[7], fees);
    await f.solvent();
  });

  it("TK-05 a USDC blacklisting of the vault itself stops token movements only; accounting and settlement go on (open risk)", async function () {
    const f = await loadFixture(openChannelFixture);
    const { usdc, vault, escrow, channels, clientId, providerId } = f;
    const delivered = await f.deliveredJob();
    await usdc.blacklist(f.vaultAddress);
    const vaultUsdc = await usdc.balanceOf(f.vaultAddress);
    await expect(vault.connect(f.clientOwner).withdraw(clientId, 1n)).to.be.revertedWithCustomError(usdc, "USDCBlacklisted").withArgs(f.vaultAddress);
    await expect(vault.connect(f.clientOwner).deposit(clientId, 1n, fromTransfer())).to.be.revertedWithCustomError(usdc, "USDCBlacklisted").withArgs(f.vaultAddress);
    // Internal settlement needs no transfer: it keeps working, and stays solvent to the unit.
    await time.increase(REVIEW + 1n);
    await expect(escrow.connect(f.stranger).release(delivered)).to.emit(escrow, "JobCompleted");
    const voucher = await signVoucher(channels, f.clientOwner, f.channelId, f.epoch, 7n * USDC);
    await expect(channels.connect(f.providerOperator).closeByProvider(f.channelId, f.epoch, 7n * USDC, voucher)).to.emit(channels, "ChannelClosed");
    expect(await usdc.balanceOf(f.vaultAddress)).to.equal(vaultUsdc);
    await f.solvent();
    // Lifted, every unit leaves.
    await usdc.unBlacklist(f.vaultAddress);
    const owed = await vault.balanceOf(providerId);
    await expect(vault.connect(f.providerOwner).withdraw(providerId, owed)).to.changeTokenBalance(usdc, f.providerOwner, owed);
    await f.solvent();
  });

  it("TK-06 a donation to the vault or the modules changes no account and stays stranded (no sweep exists)", async function () {
    const f = await loadFixture(openChannelFixture);
    const { usdc, vault, escrow, channels, registry, attacker } = f;
    const donation = 1_000n * USDC;
    await usdc.connect(attacker).transfer(f.vaultAddress, donation);
    await usdc.connect(attacker).transfer(f.escrowAddress, 5n * USDC);
    await usdc.connect(attacker).transfer(await channels.getAddress(), 5n * USDC);
    expect(await f.surplus()).to.equal(donation);
    // The balance-delta checks measure deltas, so funding still works exactly.
    await vault.connect(f.clientOwner).deposit(f.clientId, 3n * USDC, fromTransfer());
    const jobId = await f.deliveredJob();
    await escrow.connect(f.clientOperator).approve(jobId);
    const voucher = await signVoucher(channels, f.clientOwner, f.channelId, f.epoch, 9n * USDC);
    await channels.connect(f.providerOperator).closeByProvider(f.channelId, f.epoch, 9n * USDC, voucher);
    // Everyone takes everything out; the donation is all that is left.
    const signers = await ethers.getSigners();
    for (let id = 1n; id <= (await registry.totalAgents()); id++) {
      const balance = await vault.balanceOf(id);
      if (balance === 0n) continue;
      const ownerAddress = await registry.ownerOf(id);
      const signer = signers.find((s) => s.address === ownerAddress);
      if (!signer) throw new Error(`no signer for agent ${id}`);
      await vault.connect(signer).withdraw(id, balance);
    }
    await vault.connect(f.stranger).claimFees();
    expect(await usdc.balanceOf(f.vaultAddress)).to.equal(donation);
    expect(await f.surplus()).to.equal(donation);
    expect(await usdc.balanceOf(f.escrowAddress)).to.equal(5n * USDC);
  });

  it("TK-07 a front-run permit cannot make the victim's hire fail, and a forged one pulls nothing", async function () {
    const f = await loadFixture(attackFixture);
    const { usdc, escrow, vault, clientOperator, attacker } = f;
    await usdc.connect(clientOperator).approve(f.vaultAddress, 0n);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const funding = await fromPermit(usdc, clientOperator, f.vaultAddress, PRICE, deadline);
    const sig = Signature.from(funding.signature as string);
    // The attacker copies the permit out of the mempool and submits it first: the permit's nonce is spent.
    const [stolen, hire] = await sameBlock(async () => [
      await usdc.connect(attacker).permit(clientOperator.address, f.vaultAddress, PRICE, deadline, sig.v, sig.r, sig.s, FRONT_RUNNER),
      await escrow.connect(clientOperator).createJob(await f.jobParams(f.listingId), funding, VICTIM),
    ]);
    expectMinedSuccess(stolen);
    expectMinedSuccess(hire);
    expect(await escrow.state(await escrow.totalJobs())).to.equal(JobState.Funded);
    expect(await usdc.allowance(clientOperator.address, f.vaultAddress)).to.equal(0n);
    // A permit signed by someone else, with no allowance behind it, is refused.
    const forged = await fromPermit(usdc, attacker, f.vaultAddress, PRICE, deadline);
    await expect(escrow.connect(clientOperator).createJob(await f.jobParams(f.listingId), forged)).to.be.revertedWithCustomError(vault, "VaultInvalidSignature");
    await f.solvent();
  });

  it("TK-08 an EIP-3009 authorization cannot be stolen, redirected or replayed", async function () {
    const f = await loadFixture(attackFixture);
    const { usdc, escrow, clientOperator, attacker } = f;
    const attackerAgent = await f.registerAgent(attacker, "ipfs://attacker");
    const validBefore = BigInt(await time.latest()) + 3_600n;
    const funding = await fromAuthorization(usdc, clientOperator, f.vaultAddress, PRICE, { validAfter: 0n, validBefore });
    const sig = Signature.from(funding.signature as string);
    // Submitted by the attacker to the token: only the payee (the vault) may submit a receive-authorization.
    await expect(
      usdc.connect(attacker).receiveWithAuthorization(clientOperator.address, f.vaultAddress, PRICE, 0n, validBefore, funding.nonce, sig.v, sig.r, sig.s),
    )
      .to.be.revertedWithCustomError(usdc, "USDCCallerNotPayee")
      .withArgs(attacker.address, f.vaultAddress);
    // Used by the attacker's own agent: the vault pulls from the caller only, so the signature does not match.
    const { chainId } = await ethers.provider.getNetwork();
    const asAttacker = ethers.verifyTypedData(
      { name: "USD Coin", version: "2", chainId, verifyingContract: await usdc.getAddress() },
      {
        ReceiveWithAuthorization: [
          { name: "from", type: "address" },
          { name: "to", type: "address" },
          { name: "value", type: "uint256" },
          { name: "validAfter", type: "uint256" },
          { name: "validBefore", type: "uint256" },
          { name: "nonce", type: "bytes32" },
        ],
      },
      { from: attacker.address, to: f.vaultAddress, value: PRICE, validAfter: 0n, validBefore, nonce: funding.nonce },
      funding.signature as string,
    );
    await expect(escrow.connect(attacker).createJob(await f.jobParams(f.listingId, { clientId: attackerAgent }), funding))
      .to.be.revertedWithCustomError(usdc, "USDCInvalidSignature")
      .withArgs(attacker.address, asAttacker);
    // The owner of the signature uses it once; a replay fails.
    await expect(escrow.connect(clientOperator).createJob(await f.jobParams(f.listingId), funding)).to.emit(escrow, "JobCreated");
    await expect(escrow.connect(clientOperator).createJob(await f.jobParams(f.listingId), funding))
      .to.be.revertedWithCustomError(usdc, "USDCAuthorizationUsed")
      .withArgs(clientOperator.address, funding.nonce);
    await f.solvent();
  });
});
