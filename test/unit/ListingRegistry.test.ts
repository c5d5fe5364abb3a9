import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import {
  AgentRegistry__factory,
  ListingRegistry__factory,
  PausedFlagMock__factory,
  type AgentRegistry,
  type IListingRegistry,
} from "../../typechain-types";

enum Pricing {
  Fixed = 0,
  PerCall = 1,
  Quoted = 2,
}

enum Status {
  None = 0,
  Active = 1,
  Paused = 2,
  Retired = 3,
}

const MIN_SLA = 60n;
const MAX_SLA = 365n * 24n * 3600n;
const MIN_REVIEW = 60n;
const MAX_REVIEW = 30n * 24n * 3600n;
const MAX_COLLATERAL_BPS = 10_000n;
const MAX_URI = 512;
const MAX_UINT64 = 2n ** 64n - 1n;
const CAPS = ["translate.en-fr", "summarize", "ocr"].map((tag) => ethers.id(tag));
const METADATA_URI = "ipfs://bafybeigdyrztq5gdkx2kqj3qz6fqwxqzhqxqz3fqwxq4l7hm3q7u";

type Params = IListingRegistry.ListingParamsStruct;

async function setWallet(registry: AgentRegistry, agentId: bigint, owner: string, wallet: Awaited<ReturnType<typeof ethers.getSigners>>[number]) {
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "Agora AgentRegistry", version: "1", chainId, verifyingContract: await registry.getAddress() };
  const types = {
    SetAgentWallet: [
      { name: "agentId", type: "uint256" },
      { name: "newWallet", type: "address" },
      { name: "owner", type: "address" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  };
  const deadline = BigInt(await time.latest()) + 60n;
  const nonce = await registry.walletNonce(agentId);
  const signature = await wallet.signTypedData(domain, types, { agentId, newWallet: wallet.address, owner, nonce, deadline });
  const ownerSigner = await ethers.getSigner(owner);
  await registry.connect(ownerSigner).setAgentWallet(agentId, wallet.address, deadline, signature);
}

/** Provider agent 1 (owner `provider`, operator `operator`), agent 2 owned by `other`. */
async function deployListingRegistryFixture() {
  const [deployer, provider, operator, other, stranger] = await ethers.getSigners();
  const registry = await new AgentRegistry__factory(deployer).deploy();
  const vault = await new PausedFlagMock__factory(deployer).deploy();
  const listings = await new ListingRegistry__factory(deployer).deploy(
    await registry.getAddress(),
    await vault.getAddress(),
  );
  const arbitrator = await (await ethers.deployContract("CodeMock")).getAddress();
  const validator = await (await ethers.deployContract("CodeMock")).getAddress();

  await registry.connect(provider)["register(string)"]("https://provider.example/agent.json");
  await registry.connect(other)["register()"]();
  await setWallet(registry, 1n, provider.address, operator);

  function params(overrides: Partial<Params> = {}): Params {
    return {
      capabilities: CAPS,
      price: 1_000n,
      pricing: Pricing.Fixed,
      slaSeconds: 3_600n,
      reviewWindow: 86_400n,
      collateralBps: 2_000n,
      arbitrator,
      validator: ethers.ZeroAddress,
      metadataURI: METADATA_URI,
      ...overrides,
    };
  }

  return { registry, vault, listings, arbitrator, validator, params, deployer, provider, operator, other, stranger };
}

/** Listing 1 published by the provider owner with the default params. */
async function publishedListingFixture() {
  const base = await deployListingRegistryFixture();
  await base.listings.connect(base.provider).publish(1n, base.params());
  return base;
}

function expectedEventArgs(listingId: bigint, providerId: bigint, caller: string, p: Params) {
  return [
    listingId,
    providerId,
    caller,
    p.capabilities,
    p.price,
    p.pricing,
    p.slaSeconds,
    p.reviewWindow,
    p.collateralBps,
    p.arbitrator,
    p.validator,
    p.metadataURI,
  ] as const;
}

function storedListing(providerId: bigint, status: Status, p: Params) {
  return [
    providerId,
    BigInt(p.price),
    BigInt(p.pricing),
    BigInt(status),
    BigInt(p.slaSeconds),
    BigInt(p.reviewWindow),
    BigInt(p.collateralBps),
    p.arbitrator,
    p.validator,
  ];
}

interface BoundCase {
  name: string;
  overrides: (f: Awaited<ReturnType<typeof deployListingRegistryFixture>>) => Promise<Partial<Params>> | Partial<Params>;
  error: string;
  args: (f: Awaited<ReturnType<typeof deployListingRegistryFixture>>) => Promise<unknown[]> | unknown[];
}

const INVALID: BoundCase[] = [
  { name: "no capability", overrides: () => ({ capabilities: [] }), error: "ListingNoCapabilities", args: () => [] },
  {
    name: "9 capabilities",
    overrides: () => ({ capabilities: Array.from({ length: 9 }, (_, i) => ethers.id(`cap${i}`)) }),
    error: "ListingTooManyCapabilities",
    args: () => [9n, 8n],
  },
  {
    name: "a zero capability",
    overrides: () => ({ capabilities: [CAPS[0], CAPS[1], ethers.ZeroHash] }),
    error: "ListingInvalidCapability",
    args: () => [2n, ethers.ZeroHash],
  },
  {
    name: "a duplicate capability",
    overrides: () => ({ capabilities: [CAPS[0], CAPS[1], CAPS[2], CAPS[1]] }),
    error: "ListingDuplicateCapability",
    args: () => [CAPS[1]],
  },
  { name: "price 0", overrides: () => ({ price: 0n }), error: "ListingPriceZero", args: () => [] },
  {
    name: "SLA MIN_SLA - 1",
    overrides: () => ({ slaSeconds: MIN_SLA - 1n }),
    error: "ListingInvalidSla",
    args: () => [MIN_SLA - 1n, MIN_SLA, MAX_SLA],
  },
  {
    name: "SLA MAX_SLA + 1",
    overrides: () => ({ slaSeconds: MAX_SLA + 1n }),
    error: "ListingInvalidSla",
    args: () => [MAX_SLA + 1n, MIN_SLA, MAX_SLA],
  },
  {
    name: "review window MIN_REVIEW - 1",
    overrides: () => ({ reviewWindow: MIN_REVIEW - 1n }),
    error: "ListingInvalidReviewWindow",
    args: () => [MIN_REVIEW - 1n, MIN_REVIEW, MAX_REVIEW],
  },
  {
    name: "review window MAX_REVIEW + 1",
    overrides: () => ({ reviewWindow: MAX_REVIEW + 1n }),
    error: "ListingInvalidReviewWindow",
    args: () => [MAX_REVIEW + 1n, MIN_REVIEW, MAX_REVIEW],
  },
  {
    name: "collateral MAX_COLLATERAL_BPS + 1",
    overrides: () => ({ collateralBps: MAX_COLLATERAL_BPS + 1n }),
    error: "ListingCollateralTooHigh",
    args: () => [MAX_COLLATERAL_BPS + 1n, MAX_COLLATERAL_BPS],
  },
  {
    name: "a zero arbitrator",
    overrides: () => ({ arbitrator: ethers.ZeroAddress }),
    error: "ListingInvalidArbitrator",
    args: () => [ethers.ZeroAddress],
  },
  {
    name: "an EOA arbitrator",
    overrides: (f) => ({ arbitrator: f.stranger.address }),
    error: "ListingInvalidArbitrator",
    args: (f) => [f.stranger.address],
  },
  {
    name: "an EOA validator",
    overrides: (f) => ({ validator: f.stranger.address }),
    error: "ListingInvalidValidator",
    args: (f) => [f.stranger.address],
  },
  {
    name: "a metadata URI of MAX_URI_LENGTH + 1 bytes",
    overrides: () => ({ metadataURI: "x".repeat(MAX_URI + 1) }),
    error: "ListingUriTooLong",
    args: () => [513n, 512n],
  },
];

const VALID: { name: string; overrides: (f: Awaited<ReturnType<typeof deployListingRegistryFixture>>) => Partial<Params> }[] = [
  { name: "1 capability", overrides: () => ({ capabilities: [CAPS[0]] }) },
  { name: "8 capabilities", overrides: () => ({ capabilities: Array.from({ length: 8 }, (_, i) => ethers.id(`cap${i}`)) }) },
  { name: "price 1", overrides: () => ({ price: 1n }) },
  { name: "price max uint64", overrides: () => ({ price: MAX_UINT64 }) },
  { name: "SLA MIN_SLA", overrides: () => ({ slaSeconds: MIN_SLA }) },
  { name: "SLA MAX_SLA", overrides: () => ({ slaSeconds: MAX_SLA }) },
  { name: "review window MIN_REVIEW", overrides: () => ({ reviewWindow: MIN_REVIEW }) },
  { name: "review window MAX_REVIEW", overrides: () => ({ reviewWindow: MAX_REVIEW }) },
  { name: "collateral 0", overrides: () => ({ collateralBps: 0n }) },
  { name: "collateral MAX_COLLATERAL_BPS", overrides: () => ({ collateralBps: MAX_COLLATERAL_BPS }) },
  { name: "a contract validator", overrides: (f) => ({ validator: f.validator }) },
  { name: "an empty metadata URI", overrides: () => ({ metadataURI: "" }) },
  { name: "a metadata URI of MAX_URI_LENGTH bytes", overrides: () => ({ metadataURI: "x".repeat(MAX_URI) }) },
  { name: "PerCall pricing", overrides: () => ({ pricing: Pricing.PerCall }) },
  { name: "Quoted pricing", overrides: () => ({ pricing: Pricing.Quoted }) },
];

describe("ListingRegistry", function () {
  describe("#constructor", function () {
    it("stores the registry and the vault and exposes the bounds", async function () {
      const { listings, registry, vault } = await loadFixture(deployListingRegistryFixture);
      expect(await listings.AGENT_REGISTRY()).to.equal(await registry.getAddress());
      expect(await listings.VAULT()).to.equal(await vault.getAddress());
      expect(await listings.MAX_CAPABILITIES()).to.equal(8n);
      expect(await listings.MIN_SLA()).to.equal(MIN_SLA);
      expect(await listings.MAX_SLA()).to.equal(MAX_SLA);
      expect(await listings.MIN_REVIEW()).to.equal(MIN_REVIEW);
      expect(await listings.MAX_REVIEW()).to.equal(MAX_REVIEW);
      expect(await listings.MAX_COLLATERAL_BPS()).to.equal(MAX_COLLATERAL_BPS);
      expect(await listings.MAX_URI_LENGTH()).to.equal(512n);
      expect(await listings.totalListings()).to.equal(0n);
    });
  });

  describe("#publish", function () {
    it("publishes listing 1 for the owner, stores the terms and emits every field", async function () {
      const { listings, provider, params } = await loadFixture(deployListingRegistryFixture);
      const p = params();
      expect(await listings.connect(provider).publish.staticCall(1n, p)).to.equal(1n);
      await expect(listings.connect(provider).publish(1n, p))
        .to.emit(listings, "ListingPublished")
        .withArgs(...expectedEventArgs(1n, 1n, provider.address, p));
      expect([...(await listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Active, p));
      expect(await listings.totalListings()).to.equal(1n);
    });

    it("gives consecutive ids", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).publish(1n, params()))
        .to.emit(listings, "ListingPublished")
        .withArgs(...expectedEventArgs(2n, 1n, provider.address, params()));
      expect(await listings.totalListings()).to.equal(2n);
    });

    it("stores a validator", async function () {
      const { listings, provider, params, validator } = await loadFixture(deployListingRegistryFixture);
      const p = params({ validator, pricing: Pricing.Quoted });
      await expect(listings.connect(provider).publish(1n, p))
        .to.emit(listings, "ListingPublished")
        .withArgs(...expectedEventArgs(1n, 1n, provider.address, p));
      expect([...(await listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Active, p));
    });

    it("lets the operator publish", async function () {
      const { listings, operator, params } = await loadFixture(deployListingRegistryFixture);
      await expect(listings.connect(operator).publish(1n, params()))
        .to.emit(listings, "ListingPublished")
        .withArgs(...expectedEventArgs(1n, 1n, operator.address, params()));
    });

    it("reverts with AgentFrozen for the operator of a frozen agent, and lets the owner publish", async function () {
      const { listings, registry, provider, operator, params } = await loadFixture(deployListingRegistryFixture);
      await registry.connect(provider).freeze(1n);
      await expect(listings.connect(operator).publish(1n, params()))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(1n, operator.address);
      await expect(listings.connect(provider).publish(1n, params())).to.emit(listings, "ListingPublished");
    });

    it("reverts with AgentUnauthorized for a stranger and for the owner of another agent", async function () {
      const { listings, registry, stranger, other, params } = await loadFixture(deployListingRegistryFixture);
      for (const caller of [stranger, other]) {
        await expect(listings.connect(caller).publish(1n, params()))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts with AgentNotFound for an unknown provider", async function () {
      const { listings, registry, provider, params } = await loadFixture(deployListingRegistryFixture);
      await expect(listings.connect(provider).publish(99n, params()))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(99n);
      await expect(listings.connect(provider).publish(0n, params()))
        .to.be.revertedWithCustomError(registry, "AgentNotFound")
        .withArgs(0n);
    });

    it("reverts with ListingPaused while the protocol is paused", async function () {
      const { listings, vault, provider, params } = await loadFixture(deployListingRegistryFixture);
      await vault.setPaused(true);
      await expect(listings.connect(provider).publish(1n, params())).to.be.revertedWithCustomError(listings, "ListingPaused");
      await vault.setPaused(false);
      await expect(listings.connect(provider).publish(1n, params())).to.emit(listings, "ListingPublished");
    });

    it("reverts on an out-of-range pricing model", async function () {
      const { listings, provider, params } = await loadFixture(deployListingRegistryFixture);
      await expect(listings.connect(provider).publish(1n, params({ pricing: 3 }))).to.be.reverted;
    });

    it("costs at most 120,000 gas with 3 capabilities (warm)", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      const receipt = await (await listings.connect(provider).publish(1n, params())).wait();
      expect(receipt!.gasUsed).to.be.lte(120_000n);
    });

    for (const c of VALID) {
      it(`accepts ${c.name}`, async function () {
        const f = await loadFixture(deployListingRegistryFixture);
        const p = f.params(c.overrides(f));
        await expect(f.listings.connect(f.provider).publish(1n, p))
          .to.emit(f.listings, "ListingPublished")
          .withArgs(...expectedEventArgs(1n, 1n, f.provider.address, p));
        expect([...(await f.listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Active, p));
      });
    }

    for (const c of INVALID) {
      it(`reverts with ${c.error} for ${c.name}`, async function () {
        const f = await loadFixture(deployListingRegistryFixture);
        await expect(f.listings.connect(f.provider).publish(1n, f.params(await c.overrides(f))))
          .to.be.revertedWithCustomError(f.listings, c.error)
          .withArgs(...(await c.args(f)));
      });
    }
  });

  describe("#update", function () {
    it("replaces every term, keeps the status and emits every field", async function () {
      const { listings, provider, params, validator, arbitrator } = await loadFixture(publishedListingFixture);
      const p = params({
        capabilities: [ethers.id("new")],
        price: 5_000n,
        pricing: Pricing.PerCall,
        slaSeconds: 120n,
        reviewWindow: 600n,
        collateralBps: 0n,
        arbitrator: validator,
        validator: arbitrator,
        metadataURI: "ipfs://new",
      });
      await expect(listings.connect(provider).update(1n, p))
        .to.emit(listings, "ListingUpdated")
        .withArgs(...expectedEventArgs(1n, 1n, provider.address, p));
      expect([...(await listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Active, p));
    });

    it("clears a validator", async function () {
      const { listings, provider, params, validator } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).update(1n, params({ validator }));
      expect((await listings.getListing(1n)).validator).to.equal(validator);
      await listings.connect(provider).update(1n, params());
      expect((await listings.getListing(1n)).validator).to.equal(ethers.ZeroAddress);
      // Set again after a clear, and kept across a status change (the flag shares the status slot).
      await listings.connect(provider).update(1n, params({ validator }));
      await listings.connect(provider).pause(1n);
      expect((await listings.getListing(1n)).validator).to.equal(validator);
      await listings.connect(provider).retire(1n);
      expect([...(await listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Retired, params({ validator })));
    });

    it("updates a paused listing and keeps it paused", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      const p = params({ price: 7n });
      await expect(listings.connect(provider).update(1n, p)).to.emit(listings, "ListingUpdated");
      expect([...(await listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Paused, p));
    });

    it("lets the operator update", async function () {
      const { listings, operator, params } = await loadFixture(publishedListingFixture);
      const p = params({ price: 2n });
      await expect(listings.connect(operator).update(1n, p))
        .to.emit(listings, "ListingUpdated")
        .withArgs(...expectedEventArgs(1n, 1n, operator.address, p));
    });

    it("reverts with AgentFrozen for a frozen operator", async function () {
      const { listings, registry, provider, operator, params } = await loadFixture(publishedListingFixture);
      await registry.connect(provider).freeze(1n);
      await expect(listings.connect(operator).update(1n, params()))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(1n, operator.address);
    });

    it("reverts with AgentUnauthorized for a stranger and for the owner of another agent", async function () {
      const { listings, registry, stranger, other, params } = await loadFixture(publishedListingFixture);
      for (const caller of [stranger, other]) {
        await expect(listings.connect(caller).update(1n, params()))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(1n, caller.address);
      }
    });

    it("follows the agent: after a transfer the new owner manages the listing, the old one cannot", async function () {
      const { listings, registry, provider, other, params } = await loadFixture(publishedListingFixture);
      await registry.connect(provider).transferFrom(provider.address, other.address, 1n);
      await expect(listings.connect(provider).update(1n, params()))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, provider.address);
      await expect(listings.connect(other).update(1n, params()))
        .to.emit(listings, "ListingUpdated")
        .withArgs(...expectedEventArgs(1n, 1n, other.address, params()));
    });

    it("reverts with ListingNotFound for an unknown listing", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).update(99n, params()))
        .to.be.revertedWithCustomError(listings, "ListingNotFound")
        .withArgs(99n);
    });

    it("reverts with ListingRetired for a retired listing", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).retire(1n);
      await expect(listings.connect(provider).update(1n, params()))
        .to.be.revertedWithCustomError(listings, "ListingRetired")
        .withArgs(1n);
    });

    it("reverts with ListingPaused while the protocol is paused", async function () {
      const { listings, vault, provider, params } = await loadFixture(publishedListingFixture);
      await vault.setPaused(true);
      await expect(listings.connect(provider).update(1n, params())).to.be.revertedWithCustomError(listings, "ListingPaused");
    });

    for (const c of VALID) {
      it(`accepts ${c.name}`, async function () {
        const f = await loadFixture(publishedListingFixture);
        const p = f.params(c.overrides(f));
        await expect(f.listings.connect(f.provider).update(1n, p))
          .to.emit(f.listings, "ListingUpdated")
          .withArgs(...expectedEventArgs(1n, 1n, f.provider.address, p));
        expect([...(await f.listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Active, p));
      });
    }

    for (const c of INVALID) {
      it(`reverts with ${c.error} for ${c.name}`, async function () {
        const f = await loadFixture(publishedListingFixture);
        await expect(f.listings.connect(f.provider).update(1n, f.params(await c.overrides(f))))
          .to.be.revertedWithCustomError(f.listings, c.error)
          .withArgs(...(await c.args(f)));
      });
    }
  });

  describe("#pause", function () {
    it("moves Active to Paused and emits ListingStatusChanged", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).pause(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Paused, provider.address);
      expect((await listings.getListing(1n)).status).to.equal(BigInt(Status.Paused));
    });

    it("works while the protocol is paused", async function () {
      const { listings, vault, provider } = await loadFixture(publishedListingFixture);
      await vault.setPaused(true);
      await expect(listings.connect(provider).pause(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Paused, provider.address);
    });

    it("reverts with ListingStatusUnchanged when already paused", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      await expect(listings.connect(provider).pause(1n))
        .to.be.revertedWithCustomError(listings, "ListingStatusUnchanged")
        .withArgs(1n, Status.Paused);
    });

    it("reverts with ListingRetired for a retired listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).retire(1n);
      await expect(listings.connect(provider).pause(1n)).to.be.revertedWithCustomError(listings, "ListingRetired").withArgs(1n);
    });

    it("lets the operator pause; reverts for a frozen operator and a stranger", async function () {
      const { listings, registry, provider, operator, stranger } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(stranger).pause(1n))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
      await registry.connect(provider).freeze(1n);
      await expect(listings.connect(operator).pause(1n))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(1n, operator.address);
      await registry.connect(provider).unfreeze(1n);
      await expect(listings.connect(operator).pause(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Paused, operator.address);
    });

    it("reverts with ListingNotFound for an unknown listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).pause(2n)).to.be.revertedWithCustomError(listings, "ListingNotFound").withArgs(2n);
    });
  });

  describe("#resume", function () {
    it("moves Paused to Active and emits ListingStatusChanged", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      await expect(listings.connect(provider).resume(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Active, provider.address);
      expect((await listings.getListing(1n)).status).to.equal(BigInt(Status.Active));
    });

    it("reverts with ListingStatusUnchanged for an active listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).resume(1n))
        .to.be.revertedWithCustomError(listings, "ListingStatusUnchanged")
        .withArgs(1n, Status.Active);
    });

    it("reverts with ListingRetired for a retired listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      await listings.connect(provider).retire(1n);
      await expect(listings.connect(provider).resume(1n)).to.be.revertedWithCustomError(listings, "ListingRetired").withArgs(1n);
    });

    it("reverts with ListingPaused while the protocol is paused", async function () {
      const { listings, vault, provider } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      await vault.setPaused(true);
      await expect(listings.connect(provider).resume(1n)).to.be.revertedWithCustomError(listings, "ListingPaused");
      await vault.setPaused(false);
      await expect(listings.connect(provider).resume(1n)).to.emit(listings, "ListingStatusChanged");
    });

    it("lets the operator resume; reverts for a frozen operator and a stranger", async function () {
      const { listings, registry, provider, operator, stranger } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      await expect(listings.connect(stranger).resume(1n))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
      await registry.connect(provider).freeze(1n);
      await expect(listings.connect(operator).resume(1n))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(1n, operator.address);
      await registry.connect(provider).unfreeze(1n);
      await expect(listings.connect(operator).resume(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Active, operator.address);
    });

    it("reverts with ListingNotFound for an unknown listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).resume(2n)).to.be.revertedWithCustomError(listings, "ListingNotFound").withArgs(2n);
    });
  });

  describe("#retire", function () {
    it("retires an active listing and emits ListingStatusChanged", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).retire(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Retired, provider.address);
      expect([...(await listings.getListing(1n))]).to.deep.equal(storedListing(1n, Status.Retired, params()));
    });

    it("retires a paused listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).pause(1n);
      await expect(listings.connect(provider).retire(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Retired, provider.address);
    });

    it("works while the protocol is paused", async function () {
      const { listings, vault, provider } = await loadFixture(publishedListingFixture);
      await vault.setPaused(true);
      await expect(listings.connect(provider).retire(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Retired, provider.address);
    });

    it("is final: retire, pause, resume and update all revert with ListingRetired", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).retire(1n);
      await expect(listings.connect(provider).retire(1n)).to.be.revertedWithCustomError(listings, "ListingRetired").withArgs(1n);
      await expect(listings.connect(provider).pause(1n)).to.be.revertedWithCustomError(listings, "ListingRetired").withArgs(1n);
      await expect(listings.connect(provider).resume(1n)).to.be.revertedWithCustomError(listings, "ListingRetired").withArgs(1n);
      await expect(listings.connect(provider).update(1n, params()))
        .to.be.revertedWithCustomError(listings, "ListingRetired")
        .withArgs(1n);
      expect((await listings.getListing(1n)).status).to.equal(BigInt(Status.Retired));
    });

    it("lets the operator retire; reverts for a frozen operator and a stranger", async function () {
      const { listings, registry, provider, operator, stranger } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(stranger).retire(1n))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(1n, stranger.address);
      await registry.connect(provider).freeze(1n);
      await expect(listings.connect(operator).retire(1n))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(1n, operator.address);
      await registry.connect(provider).unfreeze(1n);
      await expect(listings.connect(operator).retire(1n))
        .to.emit(listings, "ListingStatusChanged")
        .withArgs(1n, 1n, Status.Retired, operator.address);
    });

    it("reverts with ListingNotFound for an unknown listing", async function () {
      const { listings, provider } = await loadFixture(publishedListingFixture);
      await expect(listings.connect(provider).retire(0n)).to.be.revertedWithCustomError(listings, "ListingNotFound").withArgs(0n);
    });
  });

  describe("#getListing", function () {
    it("reverts with ListingNotFound for unknown ids", async function () {
      const { listings } = await loadFixture(publishedListingFixture);
      await expect(listings.getListing(0n)).to.be.revertedWithCustomError(listings, "ListingNotFound").withArgs(0n);
      await expect(listings.getListing(2n)).to.be.revertedWithCustomError(listings, "ListingNotFound").withArgs(2n);
    });
  });

  describe("#totalListings", function () {
    it("counts every published listing, retired ones included", async function () {
      const { listings, provider, params } = await loadFixture(publishedListingFixture);
      await listings.connect(provider).retire(1n);
      await listings.connect(provider).publish(1n, params());
      expect(await listings.totalListings()).to.equal(2n);
    });
  });
});
