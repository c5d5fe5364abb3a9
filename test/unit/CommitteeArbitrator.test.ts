import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { CommitteeArbitrator__factory, MockArbitrable__factory } from "../../typechain-types";
import { deployAgoraFixture, USDC } from "../fixtures/agora";

const FEE = 3n * USDC;

/** A 2-of-3 committee serving a `MockArbitrable`, with dispute 7 opened. */
async function committeeFixture() {
  const base = await deployAgoraFixture();
  const [m1, m2, m3, m4] = base.others;
  const arbitrable = await new MockArbitrable__factory(base.deployer).deploy();
  const factory = new CommitteeArbitrator__factory(base.deployer);
  const members = [m1.address, m2.address, m3.address];
  const committee = await factory.deploy(await arbitrable.getAddress(), await base.vault.getAddress(), members, 2n, FEE, base.deployer.address);
  await arbitrable.openDispute(await committee.getAddress(), 7n, 1n, 2n, 100n * USDC);
  return { ...base, arbitrable, committee, factory, members, m1, m2, m3, outsider: m4 };
}

describe("CommitteeArbitrator", function () {
  describe("constructor", function () {
    it("stores the committee and emits CommitteeFormed", async function () {
      const { committee, arbitrable, vault, members, factory, deployer } = await loadFixture(committeeFixture);
      expect(await committee.ARBITRABLE()).to.equal(await arbitrable.getAddress());
      expect(await committee.VAULT()).to.equal(await vault.getAddress());
      expect(await committee.THRESHOLD()).to.equal(2n);
      expect(await committee.FEE()).to.equal(FEE);
      expect(await committee.members()).to.deep.equal(members);
      expect(await committee.owner()).to.equal(deployer.address);
      for (const m of members) expect(await committee.isMember(m)).to.equal(true);
      const again = await factory.deploy(await arbitrable.getAddress(), await vault.getAddress(), members, 3n, FEE, deployer.address);
      await expect(again.deploymentTransaction()).to.emit(again, "CommitteeFormed").withArgs(await arbitrable.getAddress(), members, 3n, FEE);
    });

    it("reverts with CommitteeInvalidThreshold for m = 0 or m > n", async function () {
      const { factory, arbitrable, vault, members, deployer } = await loadFixture(committeeFixture);
      const a = await arbitrable.getAddress();
      const v = await vault.getAddress();
      await expect(factory.deploy(a, v, members, 0n, FEE, deployer.address)).to.be.revertedWithCustomError(factory, "CommitteeInvalidThreshold").withArgs(0n, 3n);
      await expect(factory.deploy(a, v, members, 4n, FEE, deployer.address)).to.be.revertedWithCustomError(factory, "CommitteeInvalidThreshold").withArgs(4n, 3n);
      await expect(factory.deploy(a, v, [], 1n, FEE, deployer.address)).to.be.revertedWithCustomError(factory, "CommitteeInvalidThreshold").withArgs(1n, 0n);
    });

    it("reverts with CommitteeInvalidMember for a zero or duplicate member", async function () {
      const { factory, arbitrable, vault, members, deployer } = await loadFixture(committeeFixture);
      const a = await arbitrable.getAddress();
      const v = await vault.getAddress();
      await expect(factory.deploy(a, v, [members[0], ethers.ZeroAddress], 1n, FEE, deployer.address))
        .to.be.revertedWithCustomError(factory, "CommitteeInvalidMember")
        .withArgs(ethers.ZeroAddress);
      await expect(factory.deploy(a, v, [members[0], members[1], members[0]], 1n, FEE, deployer.address))
        .to.be.revertedWithCustomError(factory, "CommitteeInvalidMember")
        .withArgs(members[0]);
    });

    it("reverts with CommitteeTooManyMembers above MAX_MEMBERS", async function () {
      const { factory, arbitrable, vault, deployer } = await loadFixture(committeeFixture);
      const many = Array.from({ length: 33 }, (_, i) => ethers.getAddress(`0x${(i + 1).toString(16).padStart(40, "0")}`));
      await expect(factory.deploy(await arbitrable.getAddress(), await vault.getAddress(), many, 2n, FEE, deployer.address))
        .to.be.revertedWithCustomError(factory, "CommitteeTooManyMembers")
        .withArgs(33n, 32n);
      const max = await factory.deploy(await arbitrable.getAddress(), await vault.getAddress(), many.slice(0, 32), 32n, FEE, deployer.address);
      expect((await max.members()).length).to.equal(32);
    });

    it("reverts with CommitteeZeroAddress for a zero arbitrable or vault", async function () {
      const { factory, arbitrable, vault, members, deployer } = await loadFixture(committeeFixture);
      await expect(factory.deploy(ethers.ZeroAddress, await vault.getAddress(), members, 2n, FEE, deployer.address)).to.be.revertedWithCustomError(factory, "CommitteeZeroAddress");
      await expect(factory.deploy(await arbitrable.getAddress(), ethers.ZeroAddress, members, 2n, FEE, deployer.address)).to.be.revertedWithCustomError(factory, "CommitteeZeroAddress");
    });
  });

  describe("#arbitrationCost", function () {
    it("is the flat fee whatever the amount", async function () {
      const { committee } = await loadFixture(committeeFixture);
      expect(await committee.arbitrationCost(0n)).to.equal(FEE);
      expect(await committee.arbitrationCost(10n ** 12n)).to.equal(FEE);
    });
  });

  describe("#createDispute", function () {
    it("records the dispute and emits DisputeOpened", async function () {
      const { committee, arbitrable } = await loadFixture(committeeFixture);
      await expect(arbitrable.openDispute(await committee.getAddress(), 8n, 3n, 4n, 5n))
        .to.emit(committee, "DisputeOpened")
        .withArgs(8n, 3n, 4n, 5n);
      expect(await committee.getDispute(8n)).to.deep.equal([true, false, 0n]);
    });

    it("reverts with CommitteeNotArbitrable for anyone but the arbitrable", async function () {
      const { committee, outsider } = await loadFixture(committeeFixture);
      await expect(committee.connect(outsider).createDispute(9n, 1n, 2n, 3n))
        .to.be.revertedWithCustomError(committee, "CommitteeNotArbitrable")
        .withArgs(outsider.address);
    });

    it("reverts with CommitteeDisputeExists for a known id", async function () {
      const { committee, arbitrable } = await loadFixture(committeeFixture);
      await expect(arbitrable.openDispute(await committee.getAddress(), 7n, 1n, 2n, 3n))
        .to.be.revertedWithCustomError(committee, "CommitteeDisputeExists")
        .withArgs(7n);
    });
  });

  describe("#vote", function () {
    it("rules when a share reaches the threshold, and only then", async function () {
      const { committee, arbitrable, m1, m2, m3 } = await loadFixture(committeeFixture);
      await expect(committee.connect(m1).vote(7n, 6_000n)).to.emit(committee, "Voted").withArgs(7n, m1.address, 6_000n, 1n);
      await expect(committee.connect(m2).vote(7n, 4_000n)).not.to.emit(arbitrable, "Ruling");
      expect(await committee.votes(7n, 6_000n)).to.equal(1n);
      const tx = committee.connect(m3).vote(7n, 6_000n);
      await expect(tx).to.emit(committee, "Voted").withArgs(7n, m3.address, 6_000n, 2n);
      await expect(tx).to.emit(committee, "Ruled").withArgs(7n, 6_000n, m3.address);
      await expect(tx).to.emit(arbitrable, "Ruling").withArgs(await committee.getAddress(), 7n, 6_000n);
      expect(await arbitrable.rulings(7n)).to.equal(6_000n);
      expect(await arbitrable.rulingCount(7n)).to.equal(1n);
      expect(await committee.getDispute(7n)).to.deep.equal([true, true, 6_000n]);
      expect(await committee.hasVoted(7n, m3.address)).to.equal(true);
    });

    it("reverts with CommitteeAlreadyRuled after the ruling", async function () {
      const { committee, m1, m2, m3 } = await loadFixture(committeeFixture);
      await committee.connect(m1).vote(7n, 0n);
      await committee.connect(m2).vote(7n, 0n);
      await expect(committee.connect(m3).vote(7n, 0n)).to.be.revertedWithCustomError(committee, "CommitteeAlreadyRuled").withArgs(7n);
    });

    it("reverts with CommitteeAlreadyVoted on a second vote by the same member", async function () {
      const { committee, m1 } = await loadFixture(committeeFixture);
      await committee.connect(m1).vote(7n, 0n);
      await expect(committee.connect(m1).vote(7n, 10_000n)).to.be.revertedWithCustomError(committee, "CommitteeAlreadyVoted").withArgs(7n, m1.address);
    });

    it("reverts with CommitteeNotMember, CommitteeInvalidShare and CommitteeUnknownDispute", async function () {
      const { committee, m1, outsider } = await loadFixture(committeeFixture);
      await expect(committee.connect(outsider).vote(7n, 0n)).to.be.revertedWithCustomError(committee, "CommitteeNotMember").withArgs(outsider.address);
      await expect(committee.connect(m1).vote(7n, 10_001n)).to.be.revertedWithCustomError(committee, "CommitteeInvalidShare").withArgs(10_001n);
      await expect(committee.connect(m1).vote(8n, 0n)).to.be.revertedWithCustomError(committee, "CommitteeUnknownDispute").withArgs(8n);
    });

    it("undoes the deciding vote when the arbitrable refuses the ruling", async function () {
      const { committee, arbitrable, m1, m2 } = await loadFixture(committeeFixture);
      await committee.connect(m1).vote(7n, 10_000n);
      await arbitrable.setRejectRulings(true);
      await expect(committee.connect(m2).vote(7n, 10_000n)).to.be.revertedWithCustomError(arbitrable, "MockArbitrableRejected").withArgs(7n);
      expect(await committee.hasVoted(7n, m2.address)).to.equal(false);
      await arbitrable.setRejectRulings(false);
      await expect(committee.connect(m2).vote(7n, 10_000n)).to.emit(committee, "Ruled");
    });

    it("a 1-of-1 committee rules on its first vote", async function () {
      const { factory, arbitrable, vault, m1, deployer } = await loadFixture(committeeFixture);
      const solo = await factory.deploy(await arbitrable.getAddress(), await vault.getAddress(), [m1.address], 1n, 0n, deployer.address);
      await arbitrable.openDispute(await solo.getAddress(), 1n, 1n, 2n, 3n);
      await expect(solo.connect(m1).vote(1n, 2_500n)).to.emit(arbitrable, "Ruling").withArgs(await solo.getAddress(), 1n, 2_500n);
    });
  });

  describe("#withdrawCredit", function () {
    it("is the owner's only", async function () {
      const { committee, outsider } = await loadFixture(committeeFixture);
      await expect(committee.connect(outsider).withdrawCredit(outsider.address, 1n))
        .to.be.revertedWithCustomError(committee, "OwnableUnauthorizedAccount")
        .withArgs(outsider.address);
    });

    it("forwards to the vault, which checks the credit", async function () {
      const { committee, vault, deployer } = await loadFixture(committeeFixture);
      await expect(committee.connect(deployer).withdrawCredit(deployer.address, 1n))
        .to.be.revertedWithCustomError(vault, "VaultInsufficientCredit")
        .withArgs(await committee.getAddress(), 0n, 1n);
    });

    it("follows a two-step ownership transfer", async function () {
      const { committee, vault, deployer, outsider } = await loadFixture(committeeFixture);
      await committee.connect(deployer).transferOwnership(outsider.address);
      await committee.connect(outsider).acceptOwnership();
      await expect(committee.connect(deployer).withdrawCredit(deployer.address, 1n)).to.be.revertedWithCustomError(committee, "OwnableUnauthorizedAccount");
      await expect(committee.connect(outsider).withdrawCredit(outsider.address, 1n)).to.be.revertedWithCustomError(vault, "VaultInsufficientCredit");
    });
  });
});
