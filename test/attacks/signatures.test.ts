import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { MaxUint256, Signature } from "ethers";
import { ethers } from "hardhat";
import { ReentrantAuthorizer__factory } from "../../typechain-types";
import {
  ChannelStatus,
  GRACE,
  USDC,
  attackFixture,
  channelIdOf,
  fromTransfer,
  malleate,
  openChannelFixture,
  signCommitmentApproval,
  signVoucher,
  twoDeploymentsFixture,
} from "../fixtures/attacks";
import { signAgentWallet } from "../fixtures/agora";
import { feeOn } from "../fixtures/jobs";

/*
 * Voucher replay and signature malleability (docs/THREAT_MODEL.md, attacks SG-01..SG-08). Invariant 6: a voucher is
 * valid for exactly one (chain, deployment, channel, epoch); claimed totals only grow and never pass the deposit.
 * Wallet proofs and owner pre-approvals work once.
 */

describe("Attacks: voucher replay and signature malleability", function () {
  it("SG-01 a voucher of a closed epoch is dead in the reopened channel", async function () {
    const f = await loadFixture(openChannelFixture);
    const { channels, channelId, clientOwner, providerOperator } = f;
    const early = await signVoucher(channels, clientOwner, channelId, 1n, 10n * USDC);
    const unclaimed = await signVoucher(channels, clientOwner, channelId, 1n, 60n * USDC);
    await channels.connect(providerOperator).closeByProvider(channelId, 1n, 10n * USDC, early);
    // The client reopens the same id (same parties, same salt): epoch 2 starts at claimed 0.
    await channels.connect(clientOwner).open(f.clientId, f.providerId, f.salt, clientOwner.address, 100n * USDC, fromTransfer());
    expect((await channels.getChannel(channelId)).epoch).to.equal(2n);
    await expect(channels.connect(providerOperator).claim(channelId, 1n, 60n * USDC, unclaimed))
      .to.be.revertedWithCustomError(channels, "ChannelWrongEpoch")
      .withArgs(channelId, 1n, 2n);
    for (const [amount, sig] of [
      [10n * USDC, early],
      [60n * USDC, unclaimed],
    ] as const) {
      await expect(channels.connect(providerOperator).claim(channelId, 2n, amount, sig))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOwner.address);
    }
    await f.solvent();
  });

  it("SG-02 a voucher works only on its own channel and only from the named authorizer", async function () {
    const f = await loadFixture(openChannelFixture);
    const { channels, channelId, clientOwner, clientOperator, providerOperator } = f;
    const other = await f.openChannel(100n * USDC);
    const forA = await signVoucher(channels, clientOwner, channelId, 1n, 10n * USDC);
    await expect(channels.connect(providerOperator).claim(other.channelId, 1n, 10n * USDC, forA))
      .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
      .withArgs(other.channelId, clientOwner.address);
    // Signed by the client's operator, the provider, or a stranger instead of the authorizer (the client owner).
    for (const signer of [clientOperator, providerOperator, f.attacker]) {
      const forged = await signVoucher(channels, signer, channelId, 1n, 100n * USDC);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 100n * USDC, forged))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOwner.address);
    }
    expect((await channels.getChannel(channelId)).claimed).to.equal(0n);
  });

  it("SG-03 a voucher cannot be replayed on another deployment or another chain", async function () {
    const f = await loadFixture(twoDeploymentsFixture);
    const { channels, channelId, clientOwner, providerOperator, other } = f;
    // The other stack has the same agent ids and the same salt, hence the same channel id and epoch.
    await f.usdc.connect(clientOwner).approve(await other.vault.getAddress(), MaxUint256);
    await other.channels.connect(clientOwner).open(other.clientId, other.providerId, f.salt, clientOwner.address, 100n * USDC, fromTransfer());
    expect(channelIdOf(other.clientId, other.providerId, f.salt)).to.equal(channelId);
    const here = await signVoucher(channels, clientOwner, channelId, 1n, 40n * USDC);
    await expect(other.channels.connect(other.providerOperator).claim(channelId, 1n, 40n * USDC, here))
      .to.be.revertedWithCustomError(other.channels, "ChannelInvalidSignature")
      .withArgs(channelId, clientOwner.address);
    // The same voucher for this contract on chain 1 (mainnet) is not valid here.
    const mainnet = await clientOwner.signTypedData(
      { name: "Agora PaymentChannels", version: "1", chainId: 1n, verifyingContract: await channels.getAddress() },
      {
        Voucher: [
          { name: "channelId", type: "bytes32" },
          { name: "epoch", type: "uint64" },
          { name: "cumulativeAmount", type: "uint128" },
        ],
      },
      { channelId, epoch: 1n, cumulativeAmount: 40n * USDC },
    );
    await expect(channels.connect(providerOperator).claim(channelId, 1n, 40n * USDC, mainnet))
      .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
      .withArgs(channelId, clientOwner.address);
    await expect(channels.connect(providerOperator).claim(channelId, 1n, 40n * USDC, here)).to.emit(channels, "ChannelClaimed");
  });

  it("SG-04 malleable twins (high s, v in {0,1}, EIP-2098 compact, padded) of a valid signature are refused everywhere", async function () {
    const f = await loadFixture(openChannelFixture);
    const { channels, channelId, clientOwner, providerOperator, registry, vault, clientId } = f;
    const voucher = await signVoucher(channels, clientOwner, channelId, 1n, 10n * USDC);
    const sig = Signature.from(voucher);
    const twins = [
      malleate(voucher),
      ethers.concat([sig.r, sig.s, ethers.toBeHex(sig.v - 27, 1)]),
      sig.compactSerialized,
      ethers.concat([voucher, "0x00"]),
    ];
    for (const twin of twins) {
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 10n * USDC, twin))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOwner.address);
    }
    await expect(channels.connect(providerOperator).claim(channelId, 1n, 10n * USDC, voucher)).to.emit(channels, "ChannelClaimed");
    // Wallet proof and owner pre-approval: the high-s twin is refused.
    const deadline = BigInt(await time.latest()) + 200n;
    const proof = await signAgentWallet(await registry.getAddress(), f.attacker, clientId, clientOwner.address, await registry.walletNonce(clientId), deadline);
    await expect(registry.connect(clientOwner).setAgentWallet(clientId, f.attacker.address, deadline, malleate(proof)))
      .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
      .withArgs(f.attacker.address);
    const approval = await signCommitmentApproval(vault, clientOwner, {
      agentId: clientId,
      counterpartyId: f.providerId,
      amount: 5n * USDC,
      nonce: 0n,
      deadline,
    });
    await expect(vault.connect(f.attacker).approveCommitment(clientId, f.providerId, 5n * USDC, deadline, malleate(approval)))
      .to.be.revertedWithCustomError(vault, "VaultOwnerApprovalInvalid")
      .withArgs(clientId);
  });

  it("SG-05 a voucher cannot be claimed twice, lowered, doubled in one batch, or exceed the deposit", async function () {
    const f = await loadFixture(openChannelFixture);
    const { channels, channelId, clientOwner, providerOperator, deposit } = f;
    const v = async (amount: bigint) => signVoucher(channels, clientOwner, channelId, 1n, amount);
    const ten = await v(10n * USDC);
    await channels.connect(providerOperator).claim(channelId, 1n, 10n * USDC, ten);
    await expect(channels.connect(providerOperator).claim(channelId, 1n, 10n * USDC, ten))
      .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
      .withArgs(channelId, 10n * USDC, 10n * USDC);
    await expect(channels.connect(providerOperator).claim(channelId, 1n, 5n * USDC, await v(5n * USDC)))
      .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
      .withArgs(channelId, 5n * USDC, 10n * USDC);
    const twenty = { channelId, epoch: 1n, cumulativeAmount: 20n * USDC, signature: await v(20n * USDC) };
    await expect(channels.connect(providerOperator).claimMany([twenty, twenty]))
      .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
      .withArgs(channelId, 20n * USDC, 20n * USDC);
    await expect(channels.connect(providerOperator).claim(channelId, 1n, deposit + 1n, await v(deposit + 1n)))
      .to.be.revertedWithCustomError(channels, "ChannelVoucherExceedsDeposit")
      .withArgs(channelId, deposit + 1n, deposit);
    expect((await channels.getChannel(channelId)).claimed).to.equal(10n * USDC);
    await f.solvent();
  });

  it("SG-06 an operator wallet proof works once: replays after an unset or a round-trip sale fail", async function () {
    const f = await loadFixture(attackFixture);
    const { registry, clientId, clientOwner, attacker, victimOwner } = f;
    const registryAddress = await registry.getAddress();
    const deadline = BigInt(await time.latest()) + 250n;
    const proof = await signAgentWallet(registryAddress, attacker, clientId, clientOwner.address, await registry.walletNonce(clientId), deadline);
    await registry.connect(clientOwner).setAgentWallet(clientId, attacker.address, deadline, proof);
    await registry.connect(clientOwner).unsetAgentWallet(clientId);
    await expect(registry.connect(clientOwner).setAgentWallet(clientId, attacker.address, deadline, proof))
      .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
      .withArgs(attacker.address);
    // Sold and bought back within the proof's five minutes: the transfers bumped the nonce.
    const proof2 = await signAgentWallet(registryAddress, attacker, clientId, clientOwner.address, await registry.walletNonce(clientId), deadline);
    await registry.connect(clientOwner).transferFrom(clientOwner.address, victimOwner.address, clientId);
    await registry.connect(victimOwner).transferFrom(victimOwner.address, clientOwner.address, clientId);
    await expect(registry.connect(clientOwner).setAgentWallet(clientId, attacker.address, deadline, proof2))
      .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
      .withArgs(attacker.address);
    await expect(f.vault.connect(attacker).withdraw(clientId, 1n)).to.be.revertedWithCustomError(registry, "AgentUnauthorized").withArgs(clientId, attacker.address);
  });

  it("SG-07 an owner pre-approval works once, and a cancelled one never", async function () {
    const f = await loadFixture(attackFixture);
    const { vault, clientId, clientOwner, attacker, providerId } = f;
    const deadline = BigInt(await time.latest()) + 3_600n;
    const sign = async (nonce: bigint) => signCommitmentApproval(vault, clientOwner, { agentId: clientId, counterpartyId: providerId, amount: 50n * USDC, nonce, deadline });
    const first = await sign(0n);
    await expect(vault.connect(attacker).approveCommitment(clientId, providerId, 50n * USDC, deadline, first)).to.emit(vault, "OwnerApprovalSet");
    await expect(vault.connect(attacker).approveCommitment(clientId, providerId, 50n * USDC, deadline, first))
      .to.be.revertedWithCustomError(vault, "VaultOwnerApprovalInvalid")
      .withArgs(clientId);
    const second = await sign(1n);
    await vault.connect(clientOwner).cancelCommitmentApproval(clientId);
    await expect(vault.connect(attacker).approveCommitment(clientId, providerId, 50n * USDC, deadline, second))
      .to.be.revertedWithCustomError(vault, "VaultOwnerApprovalInvalid")
      .withArgs(clientId);
    expect(await vault.pendingApproval(clientId)).to.deep.equal([0n, 0n, 0n, 0n]);
  });

  it("SG-08 an ERC-1271 payer authorizer revoked after service voids unclaimed vouchers (open risk: claim before serving more)", async function () {
    const f = await loadFixture(attackFixture);
    const { channels, vault, clientOwner, providerOperator } = f;
    const authorizer = await new ReentrantAuthorizer__factory(clientOwner).deploy(clientOwner.address);
    const authorizerAddress = await authorizer.getAddress();
    const { channelId, epoch } = await f.openChannel(50n * USDC, { authorizer: authorizerAddress });
    const v10 = await signVoucher(channels, clientOwner, channelId, epoch, 10n * USDC);
    const v30 = await signVoucher(channels, clientOwner, channelId, epoch, 30n * USDC);
    // The provider checks each voucher through the authorizer before serving (as the facilitator does).
    const digest30 = await channels.voucherDigest(channelId, epoch, 30n * USDC);
    expect(await authorizer.isValidSignature.staticCall(digest30, v30)).to.equal("0x1626ba7e");
    const providerBalance = await vault.balanceOf(f.providerId);
    const clientBalance = await vault.balanceOf(f.clientId);
    await channels.connect(providerOperator).claim(channelId, epoch, 10n * USDC, v10); // claimed at once: safe
    // The client revokes its authorizer after being served the next $20 of calls, and walks away with the deposit.
    await authorizer.connect(clientOwner).setRevoked(true);
    await expect(channels.connect(providerOperator).claim(channelId, epoch, 30n * USDC, v30))
      .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
      .withArgs(channelId, authorizerAddress);
    await channels.connect(clientOwner).requestClose(channelId);
    await time.increase(GRACE + 1n);
    await channels.connect(f.stranger).finalizeClose(channelId);
    expect((await channels.getChannel(channelId)).status).to.equal(ChannelStatus.Closed);
    expect(await vault.balanceOf(f.providerId)).to.equal(providerBalance + 10n * USDC - feeOn(10n * USDC));
    expect(await vault.balanceOf(f.clientId)).to.equal(clientBalance + 40n * USDC);
    await f.solvent();
  });
});
