import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  AgentRegistry__factory,
  ERC1271WalletMock__factory,
  type AgentRegistry,
} from "../../typechain-types";

const WALLET_KEY = "agentWallet";
const MAX_URI = 512;
const MAX_KEY = 64;
const MAX_VALUE = 1024;
const MAX_ENTRIES = 16;
const PROOF_DELAY = 300n;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const URI_26 = "https://agora.ai/agents/42"; // 26 bytes
const URI_60 = "ipfs://bafybeigdyrztq5gdkx2kqj3qz6fqwxqzhqxqz3fqwxq4l7hm3q7u"; // 60 bytes

const WALLET_TYPES = {
  SetAgentWallet: [
    { name: "agentId", type: "uint256" },
    { name: "newWallet", type: "address" },
    { name: "owner", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

interface WalletProof {
  agentId: bigint;
  newWallet: string;
  owner: string;
  nonce: bigint;
  deadline: bigint;
}

async function walletDomain(registry: AgentRegistry) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "Agora AgentRegistry", version: "1", chainId, verifyingContract: await registry.getAddress() };
}

async function signWalletProof(signer: HardhatEthersSigner, registry: AgentRegistry, proof: WalletProof) {
  return signer.signTypedData(await walletDomain(registry), WALLET_TYPES, proof);
}

function bytesOfLength(length: number, seed = 0): string {
  let s = "";
  for (let i = 0; i < length; i++) s += String.fromCharCode(97 + ((i + seed) % 26));
  return s;
}

async function deployAgentRegistryFixture() {
  const [deployer, alice, bob, operator, stranger, approved, walletSigner] = await ethers.getSigners();
  const registry = await new AgentRegistry__factory(deployer).deploy();
  return { registry, deployer, alice, bob, operator, stranger, approved, walletSigner };
}

/** Alice owns agent 1 (URI_26) and agent 2; bob owns agent 3. */
async function registeredAgentsFixture() {
  const base = await deployAgentRegistryFixture();
  const { registry, alice, bob } = base;
  await registry.connect(alice)["register(string)"](URI_26);
  await registry.connect(alice)["register()"]();
  await registry.connect(bob)["register()"]();

  /** Signs a valid proof for `signer` (or `newWallet` if given) over the agent's current owner and nonce. */
  async function proofFor(agentId: bigint, signer: HardhatEthersSigner, overrides: Partial<WalletProof> = {}) {
    const proof: WalletProof = {
      agentId,
      newWallet: signer.address,
      owner: await registry.ownerOf(agentId),
      nonce: await registry.walletNonce(agentId),
      deadline: BigInt(await time.latest()) + 60n,
      ...overrides,
    };
    return { proof, signature: await signWalletProof(signer, registry, proof) };
  }

  return { ...base, proofFor };
}

/** Agent 1 (alice) has `operator` as its operator wallet (nonce 1). */
async function withOperatorFixture() {
  const base = await registeredAgentsFixture();
  const { registry, alice, operator, proofFor } = base;
  const { proof, signature } = await proofFor(1n, operator);
  await registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature);
  return base;
}

describe("AgentRegistry", function () {
  describe("#constructor", function () {
    it("sets the ERC-721 name and symbol, the EIP-712 domain and the bounds", async function () {
      const { registry } = await loadFixture(deployAgentRegistryFixture);
      expect(await registry.name()).to.equal("Agora Agent");
      expect(await registry.symbol()).to.equal("AGENT");
      const domain = await registry.eip712Domain();
      expect(domain.name).to.equal("Agora AgentRegistry");
      expect(domain.version).to.equal("1");
      expect(domain.verifyingContract).to.equal(await registry.getAddress());
      expect(await registry.MAX_URI_LENGTH()).to.equal(512n);
      expect(await registry.MAX_METADATA_KEY_LENGTH()).to.equal(64n);
      expect(await registry.MAX_METADATA_VALUE_LENGTH()).to.equal(1024n);
      expect(await registry.MAX_METADATA_ENTRIES()).to.equal(16n);
      expect(await registry.MAX_WALLET_PROOF_DELAY()).to.equal(300n);
      expect(await registry.SET_AGENT_WALLET_TYPEHASH()).to.equal(
        ethers.id("SetAgentWallet(uint256 agentId,address newWallet,address owner,uint256 nonce,uint256 deadline)"),
      );
      expect(await registry.totalAgents()).to.equal(0n);
    });

    it("supports the ERC-721 and ERC-165 interfaces", async function () {
      const { registry } = await loadFixture(deployAgentRegistryFixture);
      expect(await registry.supportsInterface("0x80ac58cd")).to.equal(true);
      expect(await registry.supportsInterface("0x5b5e139f")).to.equal(true);
      expect(await registry.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await registry.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("#register()", function () {
    it("mints id 1 to the caller with no URI and the caller as operator", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      expect(await registry.connect(alice)["register()"].staticCall()).to.equal(1n);
      const tx = registry.connect(alice)["register()"]();
      await expect(tx).to.emit(registry, "Transfer").withArgs(ethers.ZeroAddress, alice.address, 1n);
      await expect(tx).to.emit(registry, "Registered").withArgs(1n, "", alice.address);
      await expect(tx).to.emit(registry, "AgentWalletChanged").withArgs(1n, ethers.ZeroAddress, alice.address, 0n);
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, WALLET_KEY, WALLET_KEY, alice.address.toLowerCase());
      expect(await registry.ownerOf(1n)).to.equal(alice.address);
      expect(await registry.tokenURI(1n)).to.equal("");
      expect(await registry.getAgentWallet(1n)).to.equal(alice.address);
      expect(await registry.walletNonce(1n)).to.equal(0n);
      expect(await registry.isFrozen(1n)).to.equal(false);
      expect(await registry.totalAgents()).to.equal(1n);
    });

    it("gives consecutive ids across callers", async function () {
      const { registry, alice, bob } = await loadFixture(deployAgentRegistryFixture);
      await registry.connect(alice)["register()"]();
      await expect(registry.connect(bob)["register()"]()).to.emit(registry, "Registered").withArgs(2n, "", bob.address);
      await expect(registry.connect(alice)["register()"]()).to.emit(registry, "Registered").withArgs(3n, "", alice.address);
      expect(await registry.totalAgents()).to.equal(3n);
      expect(await registry.balanceOf(alice.address)).to.equal(2n);
    });
  });

  describe("#register(string)", function () {
    it("stores the URI and emits Registered with it", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const tx = registry.connect(alice)["register(string)"](URI_60);
      await expect(tx).to.emit(registry, "Registered").withArgs(1n, URI_60, alice.address);
      await expect(tx).to.emit(registry, "AgentWalletChanged").withArgs(1n, ethers.ZeroAddress, alice.address, 0n);
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, WALLET_KEY, WALLET_KEY, alice.address.toLowerCase());
      expect(await registry.tokenURI(1n)).to.equal(URI_60);
      expect(await registry.getAgentWallet(1n)).to.equal(alice.address);
    });

    it("round-trips URIs at every boundary of the packed layout", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const lengths = [0, 1, 29, 30, 31, 32, 61, 62, 63, 93, 94, 95, 200, 511, 512];
      for (const [i, length] of lengths.entries()) {
        const uri = bytesOfLength(length, i);
        await registry.connect(alice)["register(string)"](uri);
        expect(await registry.tokenURI(BigInt(i + 1))).to.equal(uri);
      }
    });

    it("round-trips multi-byte UTF-8 URIs", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const uri = "ipfs://ägörä/🤖/" + "é".repeat(40);
      await registry.connect(alice)["register(string)"](uri);
      expect(await registry.tokenURI(1n)).to.equal(uri);
    });

    it("accepts a URI of MAX_URI_LENGTH bytes", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      await expect(registry.connect(alice)["register(string)"](bytesOfLength(MAX_URI))).to.emit(registry, "Registered");
    });

    it("reverts with AgentValueTooLong for a URI of MAX_URI_LENGTH + 1 bytes", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      await expect(registry.connect(alice)["register(string)"](bytesOfLength(MAX_URI + 1)))
        .to.be.revertedWithCustomError(registry, "AgentValueTooLong")
        .withArgs(513n, 512n);
      expect(await registry.totalAgents()).to.equal(0n);
    });

    it("costs at most 120,000 gas for a warm owner (26- and 60-byte URIs)", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      await registry.connect(alice)["register()"]();
      for (const uri of [URI_26, URI_60]) {
        const receipt = await (await registry.connect(alice)["register(string)"](uri)).wait();
        expect(receipt!.gasUsed).to.be.lte(120_000n);
      }
    });
  });

  describe("#register(string,MetadataEntry[])", function () {
    it("stores every entry and emits MetadataSet for each", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const entries = [
        { metadataKey: "name", metadataValue: ethers.toUtf8Bytes("Translator") },
        { metadataKey: "x402", metadataValue: "0x01" },
      ];
      const tx = registry.connect(alice)["register(string,(string,bytes)[])"](URI_26, entries);
      await expect(tx).to.emit(registry, "Registered").withArgs(1n, URI_26, alice.address);
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, "name", "name", ethers.hexlify(entries[0].metadataValue));
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, "x402", "x402", "0x01");
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, WALLET_KEY, WALLET_KEY, alice.address.toLowerCase());
      expect(await registry.getMetadata(1n, "name")).to.equal(ethers.hexlify(entries[0].metadataValue));
      expect(await registry.getMetadata(1n, "x402")).to.equal("0x01");
      expect(await registry.tokenURI(1n)).to.equal(URI_26);
    });

    it("accepts an empty list and an empty URI", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      await expect(registry.connect(alice)["register(string,(string,bytes)[])"]("", []))
        .to.emit(registry, "Registered")
        .withArgs(1n, "", alice.address);
      expect(await registry.tokenURI(1n)).to.equal("");
    });

    it("accepts MAX_METADATA_ENTRIES entries", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const entries = Array.from({ length: MAX_ENTRIES }, (_, i) => ({ metadataKey: `k${i}`, metadataValue: "0x02" }));
      await registry.connect(alice)["register(string,(string,bytes)[])"]("", entries);
      expect(await registry.getMetadata(1n, "k15")).to.equal("0x02");
    });

    it("reverts with AgentTooManyMetadataEntries for MAX_METADATA_ENTRIES + 1 entries", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const entries = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ metadataKey: `k${i}`, metadataValue: "0x" }));
      await expect(registry.connect(alice)["register(string,(string,bytes)[])"]("", entries))
        .to.be.revertedWithCustomError(registry, "AgentTooManyMetadataEntries")
        .withArgs(17n, 16n);
    });

    it("reverts with AgentReservedMetadataKey for the agentWallet key", async function () {
      const { registry, alice, bob } = await loadFixture(deployAgentRegistryFixture);
      const entries = [{ metadataKey: WALLET_KEY, metadataValue: bob.address }];
      await expect(registry.connect(alice)["register(string,(string,bytes)[])"]("", entries))
        .to.be.revertedWithCustomError(registry, "AgentReservedMetadataKey")
        .withArgs(WALLET_KEY);
    });

    it("reverts with AgentInvalidMetadataKey for an empty or a 65-byte key, accepts 1 and 64 bytes", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const register = registry.connect(alice)["register(string,(string,bytes)[])"];
      await expect(register("", [{ metadataKey: "", metadataValue: "0x" }]))
        .to.be.revertedWithCustomError(registry, "AgentInvalidMetadataKey")
        .withArgs(0n, 64n);
      await expect(register("", [{ metadataKey: bytesOfLength(MAX_KEY + 1), metadataValue: "0x" }]))
        .to.be.revertedWithCustomError(registry, "AgentInvalidMetadataKey")
        .withArgs(65n, 64n);
      await register("", [
        { metadataKey: "a", metadataValue: "0x01" },
        { metadataKey: bytesOfLength(MAX_KEY), metadataValue: "0x02" },
      ]);
      expect(await registry.getMetadata(1n, "a")).to.equal("0x01");
      expect(await registry.getMetadata(1n, bytesOfLength(MAX_KEY))).to.equal("0x02");
    });

    it("reverts with AgentValueTooLong for a 1025-byte value, accepts 1024 bytes", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      const register = registry.connect(alice)["register(string,(string,bytes)[])"];
      await expect(register("", [{ metadataKey: "k", metadataValue: new Uint8Array(MAX_VALUE + 1) }]))
        .to.be.revertedWithCustomError(registry, "AgentValueTooLong")
        .withArgs(1025n, 1024n);
      const value = ethers.hexlify(new Uint8Array(MAX_VALUE).fill(7));
      await register("", [{ metadataKey: "k", metadataValue: value }]);
      expect(await registry.getMetadata(1n, "k")).to.equal(value);
    });

    it("reverts with AgentValueTooLong for a 513-byte URI", async function () {
      const { registry, alice } = await loadFixture(deployAgentRegistryFixture);
      await expect(registry.connect(alice)["register(string,(string,bytes)[])"](bytesOfLength(MAX_URI + 1), []))
        .to.be.revertedWithCustomError(registry, "AgentValueTooLong")
        .withArgs(513n, 512n);
    });
  });

  describe("#setAgentURI", function () {
    it("lets the owner change the URI and emits URIUpdated", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setAgentURI(1n, URI_60))
        .to.emit(registry, "URIUpdated")
        .withArgs(1n, URI_60, alice.address);
      expect(await registry.tokenURI(1n)).to.equal(URI_60);
    });

    it("reads back exactly after shrinking, growing and clearing", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      for (const uri of [bytesOfLength(200, 1), bytesOfLength(10, 2), bytesOfLength(70, 3), "", bytesOfLength(31, 4)]) {
        await registry.connect(alice).setAgentURI(1n, uri);
        expect(await registry.tokenURI(1n)).to.equal(uri);
      }
    });

    it("lets an ERC-721 approved account and an approved operator-for-all change it", async function () {
      const { registry, alice, approved, bob } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).approve(approved.address, 1n);
      await expect(registry.connect(approved).setAgentURI(1n, "a"))
        .to.emit(registry, "URIUpdated")
        .withArgs(1n, "a", approved.address);
      await registry.connect(alice).setApprovalForAll(bob.address, true);
      await expect(registry.connect(bob).setAgentURI(2n, "b")).to.emit(registry, "URIUpdated").withArgs(2n, "b", bob.address);
      expect(await registry.tokenURI(2n)).to.equal("b");
    });

    it("reverts with AgentUnauthorized for the operator wallet and for a stranger", async function () {
      const { registry, operator, stranger } = await loadFixture(withOperatorFixture);
      await expect(registry.connect(operator).setAgentURI(1n, "x"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, operator.address);
      await expect(registry.connect(stranger).setAgentURI(1n, "x"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setAgentURI(99n, "x"))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(99n);
    });

    it("accepts MAX_URI_LENGTH bytes and reverts with AgentValueTooLong above", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).setAgentURI(1n, bytesOfLength(MAX_URI));
      expect(await registry.tokenURI(1n)).to.equal(bytesOfLength(MAX_URI));
      await expect(registry.connect(alice).setAgentURI(1n, bytesOfLength(MAX_URI + 1)))
        .to.be.revertedWithCustomError(registry, "AgentValueTooLong")
        .withArgs(513n, 512n);
    });
  });

  describe("#tokenURI", function () {
    it("reverts with ERC721NonexistentToken for an unknown agent", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      await expect(registry.tokenURI(99n)).to.be.revertedWithCustomError(registry, "ERC721NonexistentToken").withArgs(99n);
    });
  });

  describe("#setMetadata", function () {
    it("lets the owner set, overwrite and clear an entry, emitting MetadataSet each time", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setMetadata(1n, "skill", "0xaa"))
        .to.emit(registry, "MetadataSet")
        .withArgs(1n, "skill", "skill", "0xaa");
      expect(await registry.getMetadata(1n, "skill")).to.equal("0xaa");
      await expect(registry.connect(alice).setMetadata(1n, "skill", "0xbbcc"))
        .to.emit(registry, "MetadataSet")
        .withArgs(1n, "skill", "skill", "0xbbcc");
      expect(await registry.getMetadata(1n, "skill")).to.equal("0xbbcc");
      await expect(registry.connect(alice).setMetadata(1n, "skill", "0x"))
        .to.emit(registry, "MetadataSet")
        .withArgs(1n, "skill", "skill", "0x");
      expect(await registry.getMetadata(1n, "skill")).to.equal("0x");
    });

    it("keeps entries per agent", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).setMetadata(1n, "k", "0x01");
      expect(await registry.getMetadata(2n, "k")).to.equal("0x");
    });

    it("lets an ERC-721 approved account set an entry", async function () {
      const { registry, alice, approved } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).approve(approved.address, 1n);
      await expect(registry.connect(approved).setMetadata(1n, "k", "0x01"))
        .to.emit(registry, "MetadataSet")
        .withArgs(1n, "k", "k", "0x01");
    });

    it("reverts with AgentUnauthorized for the operator wallet and for a stranger", async function () {
      const { registry, operator, stranger } = await loadFixture(withOperatorFixture);
      await expect(registry.connect(operator).setMetadata(1n, "k", "0x01"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, operator.address);
      await expect(registry.connect(stranger).setMetadata(1n, "k", "0x01"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setMetadata(0n, "k", "0x01"))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(0n);
    });

    it("reverts with AgentReservedMetadataKey for agentWallet", async function () {
      const { registry, alice, bob } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setMetadata(1n, WALLET_KEY, bob.address))
        .to.be.revertedWithCustomError(registry, "AgentReservedMetadataKey")
        .withArgs(WALLET_KEY);
    });

    it("enforces the key length 1..64 bytes", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setMetadata(1n, "", "0x01"))
        .to.be.revertedWithCustomError(registry, "AgentInvalidMetadataKey")
        .withArgs(0n, 64n);
      await expect(registry.connect(alice).setMetadata(1n, bytesOfLength(MAX_KEY + 1), "0x01"))
        .to.be.revertedWithCustomError(registry, "AgentInvalidMetadataKey")
        .withArgs(65n, 64n);
      await registry.connect(alice).setMetadata(1n, "k", "0x01");
      await registry.connect(alice).setMetadata(1n, bytesOfLength(MAX_KEY), "0x02");
      expect(await registry.getMetadata(1n, bytesOfLength(MAX_KEY))).to.equal("0x02");
    });

    it("enforces the value length <= 1024 bytes", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setMetadata(1n, "k", new Uint8Array(MAX_VALUE + 1)))
        .to.be.revertedWithCustomError(registry, "AgentValueTooLong")
        .withArgs(1025n, 1024n);
      await registry.connect(alice).setMetadata(1n, "k", new Uint8Array(MAX_VALUE));
      expect(ethers.dataLength(await registry.getMetadata(1n, "k"))).to.equal(MAX_VALUE);
    });
  });

  describe("#getMetadata", function () {
    it("returns empty bytes for an unset key", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      expect(await registry.getMetadata(1n, "nothing")).to.equal("0x");
    });

    it("returns the packed wallet for agentWallet: the owner at first, then the set wallet, then empty", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      expect(await registry.getMetadata(1n, WALLET_KEY)).to.equal(alice.address.toLowerCase());
      const { proof, signature } = await proofFor(1n, operator);
      await registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature);
      expect(await registry.getMetadata(1n, WALLET_KEY)).to.equal(operator.address.toLowerCase());
      await registry.connect(alice).unsetAgentWallet(1n);
      expect(await registry.getMetadata(1n, WALLET_KEY)).to.equal("0x");
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      await expect(registry.getMetadata(99n, "k")).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(99n);
      await expect(registry.getMetadata(99n, WALLET_KEY))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(99n);
    });
  });

  describe("#setAgentWallet", function () {
    it("sets the wallet from a valid EOA proof, bumps the nonce and emits both events", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(1n, operator);
      const tx = registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature);
      await expect(tx).to.emit(registry, "AgentWalletChanged").withArgs(1n, alice.address, operator.address, 1n);
      await expect(tx)
        .to.emit(registry, "MetadataSet")
        .withArgs(1n, WALLET_KEY, WALLET_KEY, operator.address.toLowerCase());
      expect(await registry.getAgentWallet(1n)).to.equal(operator.address);
      expect(await registry.walletNonce(1n)).to.equal(1n);
    });

    it("replaces an existing wallet with the previous one in the event", async function () {
      const { registry, alice, operator, walletSigner, proofFor } = await loadFixture(withOperatorFixture);
      const { proof, signature } = await proofFor(1n, walletSigner);
      expect(proof.nonce).to.equal(1n);
      await expect(registry.connect(alice).setAgentWallet(1n, walletSigner.address, proof.deadline, signature))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, operator.address, walletSigner.address, 2n);
      expect(await registry.getAgentWallet(1n)).to.equal(walletSigner.address);
    });

    it("lets an ERC-721 approved account submit the proof (signed over the token owner)", async function () {
      const { registry, alice, approved, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).approve(approved.address, 1n);
      const { proof, signature } = await proofFor(1n, operator);
      expect(proof.owner).to.equal(alice.address);
      await expect(registry.connect(approved).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, alice.address, operator.address, 1n);
    });

    it("reverts with AgentUnauthorized for the operator wallet and for a stranger", async function () {
      const { registry, operator, stranger, walletSigner, proofFor } = await loadFixture(withOperatorFixture);
      const { proof, signature } = await proofFor(1n, walletSigner);
      await expect(registry.connect(operator).setAgentWallet(1n, walletSigner.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, operator.address);
      await expect(registry.connect(stranger).setAgentWallet(1n, walletSigner.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry, alice, operator } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).setAgentWallet(99n, operator.address, 0n, "0x"))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(99n);
    });

    it("reverts with AgentInvalidWallet for the zero address", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      const deadline = BigInt(await time.latest()) + 60n;
      await expect(registry.connect(alice).setAgentWallet(1n, ethers.ZeroAddress, deadline, "0x"))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWallet")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with AgentWalletProofExpired when deadline = now - 1", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const now = BigInt(await time.latest()) + 10n;
      const { signature } = await proofFor(1n, operator, { deadline: now - 1n });
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, now - 1n, signature))
        .to.be.revertedWithCustomError(registry, "AgentWalletProofExpired")
        .withArgs(now - 1n, now);
    });

    it("accepts deadline = now", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const now = BigInt(await time.latest()) + 10n;
      const { signature } = await proofFor(1n, operator, { deadline: now });
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, now, signature)).to.emit(
        registry,
        "AgentWalletChanged",
      );
      expect(await registry.getAgentWallet(1n)).to.equal(operator.address);
    });

    it("reverts with AgentWalletProofDeadlineTooFar when deadline = now + 301", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const now = BigInt(await time.latest()) + 10n;
      const { signature } = await proofFor(1n, operator, { deadline: now + PROOF_DELAY + 1n });
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, now + PROOF_DELAY + 1n, signature))
        .to.be.revertedWithCustomError(registry, "AgentWalletProofDeadlineTooFar")
        .withArgs(now + PROOF_DELAY + 1n, now + PROOF_DELAY);
    });

    it("accepts deadline = now + 300", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const now = BigInt(await time.latest()) + 10n;
      const { signature } = await proofFor(1n, operator, { deadline: now + PROOF_DELAY });
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, now + PROOF_DELAY, signature)).to.emit(
        registry,
        "AgentWalletChanged",
      );
    });

    it("reverts with AgentInvalidWalletSignature for a proof signed by another key", async function () {
      const { registry, alice, operator, stranger, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof } = await proofFor(1n, operator);
      const signature = await signWalletProof(stranger, registry, proof);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
    });

    it("reverts with AgentInvalidWalletSignature for a proof made for another agent", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(2n, operator);
      expect(proof.owner).to.equal(alice.address);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
    });

    it("reverts with AgentInvalidWalletSignature for a proof made for the previous owner", async function () {
      const { registry, alice, bob, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(1n, operator);
      await registry.connect(alice).transferFrom(alice.address, bob.address, 1n);
      await expect(registry.connect(bob).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
    });

    it("reverts with AgentInvalidWalletSignature for a proof over a wrong nonce", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(1n, operator, { nonce: 1n });
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
    });

    it("reverts with AgentInvalidWalletSignature for a proof made for another registry", async function () {
      const { registry, alice, operator } = await loadFixture(registeredAgentsFixture);
      const other = await new AgentRegistry__factory(alice).deploy();
      const proof: WalletProof = {
        agentId: 1n,
        newWallet: operator.address,
        owner: alice.address,
        nonce: 0n,
        deadline: BigInt(await time.latest()) + 60n,
      };
      const signature = await signWalletProof(operator, other, proof);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
    });

    it("never accepts a used proof again (replay after unset, and immediately)", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(1n, operator);
      await registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
      await registry.connect(alice).unsetAgentWallet(1n);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
      expect(await registry.getAgentWallet(1n)).to.equal(ethers.ZeroAddress);
    });

    it("rejects the high-s twin of a valid signature and accepts the original", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(1n, operator);
      const sig = ethers.Signature.from(signature);
      const highS = SECP256K1_N - BigInt(sig.s);
      const twinV = sig.v === 27 ? 28 : 27;
      const twin = ethers.concat([sig.r, ethers.toBeHex(highS, 32), ethers.toBeHex(twinV, 1)]);
      // The twin is a valid secp256k1 signature of the same digest: the ecrecover precompile accepts it.
      const digest = ethers.TypedDataEncoder.hash(await walletDomain(registry), WALLET_TYPES, proof);
      const recovered = await ethers.provider.call({
        to: "0x0000000000000000000000000000000000000001",
        data: ethers.AbiCoder.defaultAbiCoder().encode(
          ["bytes32", "uint8", "bytes32", "uint256"],
          [digest, twinV, sig.r, highS],
        ),
      });
      expect(ethers.getAddress(ethers.dataSlice(recovered, 12))).to.equal(operator.address);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, twin))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
      await expect(registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, signature)).to.emit(
        registry,
        "AgentWalletChanged",
      );
    });

    it("reverts with AgentInvalidWalletSignature for a malformed signature", async function () {
      const { registry, alice, operator, proofFor } = await loadFixture(registeredAgentsFixture);
      const { proof, signature } = await proofFor(1n, operator);
      await expect(
        registry.connect(alice).setAgentWallet(1n, operator.address, proof.deadline, ethers.dataSlice(signature, 0, 64)),
      )
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(operator.address);
    });

    it("accepts an ERC-1271 wallet that validates the proof", async function () {
      const { registry, alice, walletSigner, proofFor } = await loadFixture(registeredAgentsFixture);
      const wallet = await new ERC1271WalletMock__factory(alice).deploy(walletSigner.address);
      const walletAddress = await wallet.getAddress();
      const { proof, signature } = await proofFor(1n, walletSigner, { newWallet: walletAddress });
      await expect(registry.connect(alice).setAgentWallet(1n, walletAddress, proof.deadline, signature))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, alice.address, walletAddress, 1n);
      expect(await registry.getAgentWallet(1n)).to.equal(walletAddress);
    });

    it("reverts with AgentInvalidWalletSignature for an ERC-1271 wallet that refuses", async function () {
      const { registry, alice, walletSigner, proofFor } = await loadFixture(registeredAgentsFixture);
      const wallet = await new ERC1271WalletMock__factory(alice).deploy(walletSigner.address);
      await wallet.setRefuseAll(true);
      const walletAddress = await wallet.getAddress();
      const { proof, signature } = await proofFor(1n, walletSigner, { newWallet: walletAddress });
      await expect(registry.connect(alice).setAgentWallet(1n, walletAddress, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(walletAddress);
    });

    it("reverts with AgentInvalidWalletSignature for an ERC-1271 wallet given another key's signature", async function () {
      const { registry, alice, walletSigner, stranger, proofFor } = await loadFixture(registeredAgentsFixture);
      const wallet = await new ERC1271WalletMock__factory(alice).deploy(walletSigner.address);
      const walletAddress = await wallet.getAddress();
      const { proof, signature } = await proofFor(1n, stranger, { newWallet: walletAddress });
      await expect(registry.connect(alice).setAgentWallet(1n, walletAddress, proof.deadline, signature))
        .to.be.revertedWithCustomError(registry, "AgentInvalidWalletSignature")
        .withArgs(walletAddress);
    });
  });

  describe("#unsetAgentWallet", function () {
    it("removes the wallet, bumps the nonce and emits both events", async function () {
      const { registry, alice, operator } = await loadFixture(withOperatorFixture);
      const tx = registry.connect(alice).unsetAgentWallet(1n);
      await expect(tx).to.emit(registry, "AgentWalletChanged").withArgs(1n, operator.address, ethers.ZeroAddress, 2n);
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, WALLET_KEY, WALLET_KEY, "0x");
      expect(await registry.getAgentWallet(1n)).to.equal(ethers.ZeroAddress);
      expect(await registry.walletNonce(1n)).to.equal(2n);
      await expect(registry.checkActor(1n, operator.address))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, operator.address);
      const [owner, isOwner] = await registry.checkActor(1n, alice.address);
      expect([owner, isOwner]).to.deep.equal([alice.address, true]);
    });

    it("removes the initial wallet (the owner)", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).unsetAgentWallet(1n))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, alice.address, ethers.ZeroAddress, 1n);
      expect(await registry.getAgentWallet(1n)).to.equal(ethers.ZeroAddress);
    });

    it("lets an ERC-721 approved account unset", async function () {
      const { registry, alice, approved, operator } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).setApprovalForAll(approved.address, true);
      await expect(registry.connect(approved).unsetAgentWallet(1n))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, operator.address, ethers.ZeroAddress, 2n);
    });

    it("reverts with AgentUnauthorized for the operator wallet and for a stranger", async function () {
      const { registry, operator, stranger } = await loadFixture(withOperatorFixture);
      await expect(registry.connect(operator).unsetAgentWallet(1n))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, operator.address);
      await expect(registry.connect(stranger).unsetAgentWallet(1n))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).unsetAgentWallet(99n))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(99n);
    });
  });

  describe("#getAgentWallet", function () {
    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      await expect(registry.getAgentWallet(0n)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(0n);
      await expect(registry.getAgentWallet(4n)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(4n);
    });
  });

  describe("#walletNonce", function () {
    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      await expect(registry.walletNonce(99n)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(99n);
    });
  });

  describe("transfers", function () {
    it("clear the wallet on transferFrom to another owner", async function () {
      const { registry, alice, bob, operator } = await loadFixture(withOperatorFixture);
      const tx = registry.connect(alice).transferFrom(alice.address, bob.address, 1n);
      await expect(tx).to.emit(registry, "AgentWalletChanged").withArgs(1n, operator.address, ethers.ZeroAddress, 2n);
      await expect(tx).to.emit(registry, "MetadataSet").withArgs(1n, WALLET_KEY, WALLET_KEY, "0x");
      expect(await registry.getAgentWallet(1n)).to.equal(ethers.ZeroAddress);
      expect(await registry.getMetadata(1n, WALLET_KEY)).to.equal("0x");
      await expect(registry.checkActor(1n, operator.address))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, operator.address);
      await expect(registry.checkActor(1n, alice.address))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, alice.address);
      const [owner, isOwner] = await registry.checkActor(1n, bob.address);
      expect([owner, isOwner]).to.deep.equal([bob.address, true]);
    });

    it("clear the wallet on safeTransferFrom (with and without data)", async function () {
      const { registry, alice, bob, operator } = await loadFixture(withOperatorFixture);
      await expect(registry.connect(alice)["safeTransferFrom(address,address,uint256)"](alice.address, bob.address, 1n))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, operator.address, ethers.ZeroAddress, 2n);
      expect(await registry.getAgentWallet(1n)).to.equal(ethers.ZeroAddress);
      await expect(
        registry.connect(alice)["safeTransferFrom(address,address,uint256,bytes)"](alice.address, bob.address, 2n, "0x1234"),
      )
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(2n, alice.address, ethers.ZeroAddress, 1n);
      expect(await registry.getAgentWallet(2n)).to.equal(ethers.ZeroAddress);
    });

    it("clear the initial wallet (the previous owner) and let the new owner act", async function () {
      const { registry, alice, bob } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).transferFrom(alice.address, bob.address, 2n))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(2n, alice.address, ethers.ZeroAddress, 1n);
      expect(await registry.getAgentWallet(2n)).to.equal(ethers.ZeroAddress);
      await expect(registry.connect(bob).setAgentURI(2n, "new")).to.emit(registry, "URIUpdated");
      await expect(registry.connect(alice).setAgentURI(2n, "old"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(2n, alice.address);
    });

    it("clear the wallet when an approved account transfers", async function () {
      const { registry, alice, bob, approved, operator } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).approve(approved.address, 1n);
      await expect(registry.connect(approved).transferFrom(alice.address, bob.address, 1n))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, operator.address, ethers.ZeroAddress, 2n);
    });

    it("keep the wallet and the nonce on a self-transfer", async function () {
      const { registry, alice, operator } = await loadFixture(withOperatorFixture);
      const tx = registry.connect(alice).transferFrom(alice.address, alice.address, 1n);
      await expect(tx).to.emit(registry, "Transfer").withArgs(alice.address, alice.address, 1n);
      await expect(tx).not.to.emit(registry, "AgentWalletChanged");
      await expect(tx).not.to.emit(registry, "MetadataSet");
      await expect(registry.connect(alice)["safeTransferFrom(address,address,uint256)"](alice.address, alice.address, 1n))
        .not.to.emit(registry, "AgentWalletChanged");
      expect(await registry.getAgentWallet(1n)).to.equal(operator.address);
      expect(await registry.walletNonce(1n)).to.equal(1n);
    });

    it("keep the freeze flag (the new owner lifts it explicitly)", async function () {
      const { registry, alice, bob } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).freeze(1n);
      await registry.connect(alice).transferFrom(alice.address, bob.address, 1n);
      expect(await registry.isFrozen(1n)).to.equal(true);
      await expect(registry.connect(bob).unfreeze(1n)).to.emit(registry, "AgentFreezeChanged").withArgs(1n, false, bob.address);
    });

    it("let the new owner set a wallet with a proof over the new owner", async function () {
      const { registry, alice, bob, operator, proofFor } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).transferFrom(alice.address, bob.address, 1n);
      const { proof, signature } = await proofFor(1n, operator);
      expect(proof.owner).to.equal(bob.address);
      expect(proof.nonce).to.equal(2n);
      await expect(registry.connect(bob).setAgentWallet(1n, operator.address, proof.deadline, signature))
        .to.emit(registry, "AgentWalletChanged")
        .withArgs(1n, ethers.ZeroAddress, operator.address, 3n);
    });
  });

  describe("#freeze", function () {
    it("lets the owner freeze and emits AgentFreezeChanged", async function () {
      const { registry, alice, operator } = await loadFixture(withOperatorFixture);
      await expect(registry.connect(alice).freeze(1n)).to.emit(registry, "AgentFreezeChanged").withArgs(1n, true, alice.address);
      expect(await registry.isFrozen(1n)).to.equal(true);
      expect(await registry.getAgentWallet(1n)).to.equal(operator.address);
      expect(await registry.walletNonce(1n)).to.equal(1n);
    });

    it("reverts with AgentFreezeUnchanged when already frozen", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).freeze(1n);
      await expect(registry.connect(alice).freeze(1n))
        .to.be.revertedWithCustomError(registry, "AgentFreezeUnchanged")
        .withArgs(1n, true);
    });

    it("reverts with AgentUnauthorized for the operator, an approved account and a stranger", async function () {
      const { registry, alice, operator, approved, stranger } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).setApprovalForAll(approved.address, true);
      for (const caller of [operator, approved, stranger]) {
        await expect(registry.connect(caller).freeze(1n))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).freeze(99n)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(99n);
    });
  });

  describe("#unfreeze", function () {
    it("lets the owner unfreeze and emits AgentFreezeChanged", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await registry.connect(alice).freeze(1n);
      await expect(registry.connect(alice).unfreeze(1n))
        .to.emit(registry, "AgentFreezeChanged")
        .withArgs(1n, false, alice.address);
      expect(await registry.isFrozen(1n)).to.equal(false);
    });

    it("reverts with AgentFreezeUnchanged when not frozen", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).unfreeze(1n))
        .to.be.revertedWithCustomError(registry, "AgentFreezeUnchanged")
        .withArgs(1n, false);
    });

    it("reverts with AgentUnauthorized for the frozen operator and a stranger", async function () {
      const { registry, alice, operator, stranger } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).freeze(1n);
      for (const caller of [operator, stranger]) {
        await expect(registry.connect(caller).unfreeze(1n))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.connect(alice).unfreeze(99n))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(99n);
    });
  });

  describe("#isFrozen", function () {
    it("reverts with AgentNotFound for an unknown agent", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      await expect(registry.isFrozen(99n)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(99n);
    });
  });

  describe("#checkActor", function () {
    it("returns (owner, true) for the owner, frozen or not", async function () {
      const { registry, alice } = await loadFixture(withOperatorFixture);
      expect([...(await registry.checkActor(1n, alice.address))]).to.deep.equal([alice.address, true]);
      await registry.connect(alice).freeze(1n);
      expect([...(await registry.checkActor(1n, alice.address))]).to.deep.equal([alice.address, true]);
    });

    it("returns (owner, true) for the owner while the wallet is still the initial one", async function () {
      const { registry, bob } = await loadFixture(registeredAgentsFixture);
      expect([...(await registry.checkActor(3n, bob.address))]).to.deep.equal([bob.address, true]);
    });

    it("returns (owner, false) for the operator", async function () {
      const { registry, alice, operator } = await loadFixture(withOperatorFixture);
      expect([...(await registry.checkActor(1n, operator.address))]).to.deep.equal([alice.address, false]);
    });

    it("reverts with AgentFrozen for the operator of a frozen agent, and allows it again after unfreeze", async function () {
      const { registry, alice, operator } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).freeze(1n);
      await expect(registry.checkActor(1n, operator.address))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(1n, operator.address);
      await registry.connect(alice).unfreeze(1n);
      expect([...(await registry.checkActor(1n, operator.address))]).to.deep.equal([alice.address, false]);
    });

    it("counts an operator wallet equal to the owner as the owner, even when frozen", async function () {
      const { registry, alice, proofFor } = await loadFixture(withOperatorFixture);
      const { proof, signature } = await proofFor(1n, alice);
      await registry.connect(alice).setAgentWallet(1n, alice.address, proof.deadline, signature);
      expect(await registry.getAgentWallet(1n)).to.equal(alice.address);
      await registry.connect(alice).freeze(1n);
      expect([...(await registry.checkActor(1n, alice.address))]).to.deep.equal([alice.address, true]);
    });

    it("reverts with AgentUnauthorized for a stranger, an approved account and the zero address", async function () {
      const { registry, alice, approved, stranger } = await loadFixture(withOperatorFixture);
      await registry.connect(alice).approve(approved.address, 1n);
      for (const account of [stranger.address, approved.address, ethers.ZeroAddress]) {
        await expect(registry.checkActor(1n, account))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(1n, account);
      }
      await registry.connect(alice).unsetAgentWallet(1n);
      await expect(registry.checkActor(1n, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, ethers.ZeroAddress);
      await expect(registry.checkActor(2n, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(2n, ethers.ZeroAddress);
    });

    it("does not let one agent's operator act for another agent of the same owner", async function () {
      const { registry, operator } = await loadFixture(withOperatorFixture);
      await expect(registry.checkActor(2n, operator.address))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(2n, operator.address);
    });

    it("reverts with AgentNotFound for id 0 and unknown ids", async function () {
      const { registry, alice } = await loadFixture(registeredAgentsFixture);
      await expect(registry.checkActor(0n, alice.address)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(0n);
      await expect(registry.checkActor(4n, alice.address)).to.be.revertedWithCustomError(registry, "AgentNotFound").withArgs(4n);
    });
  });

  describe("#totalAgents", function () {
    it("counts every registration", async function () {
      const { registry } = await loadFixture(registeredAgentsFixture);
      expect(await registry.totalAgents()).to.equal(3n);
    });
  });
});
