import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { MockArbitrable__factory, OracleArbitrator__factory } from "../../typechain-types";
import { deployAgoraFixture, USDC } from "../fixtures/agora";

const FEE = 4n * USDC;
const REASONING = ethers.id("the delivery misses two of five requirements");

/** The AI-oracle adapter serving a `MockArbitrable`, with dispute 7 opened. */
async function oracleFixture() {
  const base = await deployAgoraFixture();
  const arbitrable = await new MockArbitrable__factory(base.deployer).deploy();
  const factory = new OracleArbitrator__factory(base.deployer);
  const adapter = await factory.deploy(await arbitrable.getAddress(), await base.vault.getAddress(), base.oracle.address, FEE, base.deployer.address);
  await arbitrable.openDispute(await adapter.getAddress(), 7n, 1n, 2n, 100n * USDC);
  return { ...base, arbitrable, adapter, factory, newKey: base.others[0] };
}

describe("OracleArbitrator", function () {
  describe("constructor", function () {
    it("stores the oracle and fee and emits OracleSet and FeeSet", async function () {
      const { adapter, arbitrable, vault, oracle, deployer } = await loadFixture(oracleFixture);
      expect(await adapter.ARBITRABLE()).to.equal(await arbitrable.getAddress());
      expect(await adapter.VAULT()).to.equal(await vault.getAddress());
      expect(await adapter.oracle()).to.equal(oracle.address);
      expect(await adapter.fee()).to.equal(FEE);
      expect(await adapter.owner()).to.equal(deployer.address);
      const deployTx = adapter.deploymentTransaction();
      await expect(deployTx).to.emit(adapter, "OracleSet").withArgs(ethers.ZeroAddress, oracle.address);
      await expect(deployTx).to.emit(adapter, "FeeSet").withArgs(FEE);
    });

    it("reverts with OracleZeroAddress for a zero arbitrable, vault or oracle", async function () {
      const { factory, arbitrable, vault, oracle, deployer } = await loadFixture(oracleFixture);
      const a = await arbitrable.getAddress();
      const v = await vault.getAddress();
      for (const args of [
        [ethers.ZeroAddress, v, oracle.address],
        [a, ethers.ZeroAddress, oracle.address],
        [a, v, ethers.ZeroAddress],
      ]) {
        await expect(factory.deploy(args[0], args[1], args[2], FEE, deployer.address)).to.be.revertedWithCustomError(factory, "OracleZeroAddress");
      }
    });
  });

  describe("#createDispute", function () {
    it("emits VerdictRequested for the jury", async function () {
      const { adapter, arbitrable } = await loadFixture(oracleFixture);
      await expect(arbitrable.openDispute(await adapter.getAddress(), 8n, 3n, 4n, 5n))
        .to.emit(adapter, "VerdictRequested")
        .withArgs(8n, 3n, 4n, 5n);
      expect((await adapter.getDispute(8n)).created).to.equal(true);
    });

    it("reverts with OracleNotArbitrable and OracleDisputeExists", async function () {
      const { adapter, arbitrable, newKey } = await loadFixture(oracleFixture);
      await expect(adapter.connect(newKey).createDispute(9n, 1n, 2n, 3n)).to.be.revertedWithCustomError(adapter, "OracleNotArbitrable").withArgs(newKey.address);
      await expect(arbitrable.openDispute(await adapter.getAddress(), 7n, 1n, 2n, 3n)).to.be.revertedWithCustomError(adapter, "OracleDisputeExists").withArgs(7n);
    });
  });

  describe("#submitVerdict", function () {
    it("forwards the verdict as the ruling and keeps the reasoning hash", async function () {
      const { adapter, arbitrable, oracle } = await loadFixture(oracleFixture);
      const tx = adapter.connect(oracle).submitVerdict(7n, 3_500n, REASONING, "ipfs://reasoning");
      await expect(tx).to.emit(adapter, "VerdictSubmitted").withArgs(7n, 3_500n, REASONING, "ipfs://reasoning", oracle.address);
      await expect(tx).to.emit(arbitrable, "Ruling").withArgs(await adapter.getAddress(), 7n, 3_500n);
      expect(await adapter.getDispute(7n)).to.deep.equal([true, true, 3_500n, REASONING]);
    });

    it("rules once: a second verdict reverts with OracleAlreadyRuled", async function () {
      const { adapter, oracle } = await loadFixture(oracleFixture);
      await adapter.connect(oracle).submitVerdict(7n, 0n, REASONING, "");
      await expect(adapter.connect(oracle).submitVerdict(7n, 10_000n, REASONING, "")).to.be.revertedWithCustomError(adapter, "OracleAlreadyRuled").withArgs(7n);
    });

    it("reverts with OracleNotOracle, OracleInvalidShare and OracleUnknownDispute", async function () {
      const { adapter, oracle, newKey } = await loadFixture(oracleFixture);
      await expect(adapter.connect(newKey).submitVerdict(7n, 0n, REASONING, "")).to.be.revertedWithCustomError(adapter, "OracleNotOracle").withArgs(newKey.address);
      await expect(adapter.connect(oracle).submitVerdict(7n, 10_001n, REASONING, "")).to.be.revertedWithCustomError(adapter, "OracleInvalidShare").withArgs(10_001n);
      await expect(adapter.connect(oracle).submitVerdict(8n, 0n, REASONING, "")).to.be.revertedWithCustomError(adapter, "OracleUnknownDispute").withArgs(8n);
    });
  });

  describe("admin", function () {
    it("rotates the oracle key: the old key loses its power", async function () {
      const { adapter, oracle, newKey, deployer } = await loadFixture(oracleFixture);
      await expect(adapter.connect(deployer).setOracle(newKey.address)).to.emit(adapter, "OracleSet").withArgs(oracle.address, newKey.address);
      await expect(adapter.connect(oracle).submitVerdict(7n, 0n, REASONING, "")).to.be.revertedWithCustomError(adapter, "OracleNotOracle").withArgs(oracle.address);
      await expect(adapter.connect(newKey).submitVerdict(7n, 0n, REASONING, "")).to.emit(adapter, "VerdictSubmitted");
    });

    it("setOracle reverts for a zero key and for non-owners", async function () {
      const { adapter, newKey, deployer } = await loadFixture(oracleFixture);
      await expect(adapter.connect(deployer).setOracle(ethers.ZeroAddress)).to.be.revertedWithCustomError(adapter, "OracleZeroAddress");
      await expect(adapter.connect(newKey).setOracle(newKey.address)).to.be.revertedWithCustomError(adapter, "OwnableUnauthorizedAccount").withArgs(newKey.address);
    });

    it("setFee changes the quote for later disputes; owner only", async function () {
      const { adapter, newKey, deployer } = await loadFixture(oracleFixture);
      await expect(adapter.connect(deployer).setFee(7n)).to.emit(adapter, "FeeSet").withArgs(7n);
      expect(await adapter.arbitrationCost(123n)).to.equal(7n);
      await expect(adapter.connect(newKey).setFee(0n)).to.be.revertedWithCustomError(adapter, "OwnableUnauthorizedAccount").withArgs(newKey.address);
    });

    it("withdrawCredit is the owner's only and forwards to the vault", async function () {
      const { adapter, vault, newKey, deployer } = await loadFixture(oracleFixture);
      await expect(adapter.connect(newKey).withdrawCredit(newKey.address, 1n)).to.be.revertedWithCustomError(adapter, "OwnableUnauthorizedAccount").withArgs(newKey.address);
      await expect(adapter.connect(deployer).withdrawCredit(deployer.address, 1n))
        .to.be.revertedWithCustomError(vault, "VaultInsufficientCredit")
        .withArgs(await adapter.getAddress(), 0n, 1n);
    });
  });
});
