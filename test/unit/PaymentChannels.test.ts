import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { type Signer, AbiCoder, TypedDataEncoder, ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import { ethers } from "hardhat";
import { deployAgora } from "../../deploy";
import { AgentRegistry__factory, ERC1271WalletMock__factory, MockUSDC__factory, PaymentChannels__factory } from "../../typechain-types";
import {
  type ChannelsDomain,
  type SignedVoucher,
  VOUCHER_TYPEHASH,
  VoucherHasher,
  hashVoucher,
  signVoucher,
  voucherDomain,
} from "../../sdk/src/channels";
import { FEE_BPS, USDC, withAgentsFixture } from "../fixtures/agora";
import { fromBalance, fromTransfer } from "../helpers/funding";

/** `IPaymentChannels.ChannelStatus`. */
const Status = { None: 0n, Open: 1n, Closing: 2n, Closed: 3n } as const;
const GRACE = 24n * 3600n;
const DEPOSIT = 10n * USDC;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const UINT128_MAX = (1n << 128n) - 1n;

/** ceil(x * bps / 10000), the contract's fee rounding. */
function feeUp(x: bigint, bps: bigint): bigint {
  return (x * bps + 9_999n) / 10_000n;
}

function channelIdOf(clientId: bigint, providerId: bigint, salt: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256", "bytes32"], [clientId, providerId, salt]));
}

/** The same signature with s' = n - s and the other v: valid for raw ecrecover, rejected by OZ ECDSA. */
function highSTwin(signature: string): string {
  const sig = ethers.Signature.from(signature);
  const highS = SECP256K1_N - BigInt(sig.s);
  return ethers.concat([sig.r, ethers.toBeHex(highS, 32), ethers.toBeHex(sig.v === 27 ? 28 : 27, 1)]);
}

async function channelsFixture() {
  const base = await withAgentsFixture();
  const { chainId } = await ethers.provider.getNetwork();
  const channelsAddress = await base.channels.getAddress();
  const domain: ChannelsDomain = { chainId, verifyingContract: channelsAddress };
  const sign = (signer: Signer, channelId: string, epoch: bigint, cumulativeAmount: bigint, d: ChannelsDomain = domain) =>
    signVoucher(signer, d, { channelId, epoch, cumulativeAmount });
  return { ...base, domain, channelsAddress, sign };
}

/** A channel opened by the client operator with $10 by transferFrom; the operator signs the vouchers. */
async function openFixture() {
  const f = await channelsFixture();
  const { channels, clientOperator, clientId, providerId } = f;
  await channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer());
  const channelId = channelIdOf(clientId, providerId, ZeroHash);
  return { ...f, channelId };
}

/** The open channel after the client asked to close; `graceEndsAt` is the last second to claim. */
async function closingFixture() {
  const f = await openFixture();
  const voucher = await f.sign(f.clientOperator, f.channelId, 1n, 3_000n);
  await f.channels.connect(f.clientOperator).requestClose(f.channelId);
  const graceEndsAt = (await f.channels.getChannel(f.channelId)).graceEndsAt;
  return { ...f, voucher, graceEndsAt };
}

/** Three open channels (salts 1, 2, 3) of the same pair, plus one to a second provider of the same owner. */
async function manyChannelsFixture() {
  const f = await openFixture();
  const { channels, clientOperator, clientId, providerId, providerOwner, registerAgent } = f;
  const salts = [1n, 2n, 3n].map((s) => ethers.toBeHex(s, 32));
  for (const salt of salts) {
    await channels.connect(clientOperator).open(clientId, providerId, salt, ZeroAddress, DEPOSIT, fromTransfer());
  }
  const ids = salts.map((salt) => channelIdOf(clientId, providerId, salt));
  const provider2Id = await registerAgent(providerOwner, "ipfs://provider2");
  await channels.connect(clientOperator).open(clientId, provider2Id, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer());
  const otherProviderChannel = channelIdOf(clientId, provider2Id, ZeroHash);
  return { ...f, ids, provider2Id, otherProviderChannel };
}

/** A second, independent Agora deployment with the same agent ids, and the same channel open in both. */
async function twoDeploymentsFixture() {
  const f = await channelsFixture();
  const { deployer, clientOwner, providerOwner, clientId, providerId, channels } = f;
  const manifest = await deployAgora({ network: "hardhat", deployer });
  const at = (name: string): string => {
    const entry = manifest.contracts[name];
    if (!entry) throw new Error(`missing ${name}`);
    return entry.address;
  };
  const registryB = AgentRegistry__factory.connect(at("AgentRegistry"), deployer);
  const usdcB = MockUSDC__factory.connect(at("MockUSDC"), deployer);
  const channelsB = PaymentChannels__factory.connect(at("PaymentChannels"), deployer);
  // Same registration order as withAgentsFixture: ids match.
  await registryB.connect(clientOwner)["register(string)"]("ipfs://client");
  await registryB.connect(providerOwner)["register(string)"]("ipfs://provider");
  expect(await registryB.totalAgents()).to.equal(providerId);
  await usdcB.mint(clientOwner.address, DEPOSIT);
  await usdcB.connect(clientOwner).approve(at("AgoraVault"), DEPOSIT);
  await channelsB.connect(clientOwner).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer());
  await f.fund(clientOwner, DEPOSIT);
  await channels.connect(clientOwner).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer());
  return { ...f, channelsB, channelId: channelIdOf(clientId, providerId, ZeroHash) };
}

describe("PaymentChannels", function () {
  describe("deployment", function () {
    it("wires the vault, registry and ledger and exposes the constants", async function () {
      const { channels, vault, registry, ledger } = await loadFixture(channelsFixture);
      expect(await channels.VAULT()).to.equal(await vault.getAddress());
      expect(await channels.REGISTRY()).to.equal(await registry.getAddress());
      expect(await channels.LEDGER()).to.equal(await ledger.getAddress());
      expect(await channels.GRACE_PERIOD()).to.equal(GRACE);
      expect(await channels.VOUCHER_TYPEHASH()).to.equal(keccak256(toUtf8Bytes("Voucher(bytes32 channelId,uint64 epoch,uint128 cumulativeAmount)")));
      expect(await channels.VOUCHER_TYPEHASH()).to.equal(VOUCHER_TYPEHASH);
    });

    it("uses the EIP-712 domain (Agora PaymentChannels, 1, chainId, this)", async function () {
      const { channels, domain } = await loadFixture(channelsFixture);
      expect(await channels.domainSeparator()).to.equal(TypedDataEncoder.hashDomain(voucherDomain(domain)));
      const d = await channels.eip712Domain();
      expect(d.name).to.equal("Agora PaymentChannels");
      expect(d.version).to.equal("1");
      expect(d.chainId).to.equal(domain.chainId);
      expect(d.verifyingContract).to.equal(domain.verifyingContract);
    });

    it("computes the same voucher digest as the SDK (generic and fast encoders)", async function () {
      const { channels, domain } = await loadFixture(channelsFixture);
      const voucher = { channelId: keccak256("0x1234"), epoch: 7n, cumulativeAmount: 123_456_789n };
      const onchain = await channels.voucherDigest(voucher.channelId, voucher.epoch, voucher.cumulativeAmount);
      expect(onchain).to.equal(hashVoucher(domain, voucher));
      expect(onchain).to.equal(new VoucherHasher(domain).digestHex(voucher));
    });

    it("derives the channel id from (clientId, providerId, salt)", async function () {
      const { channels } = await loadFixture(channelsFixture);
      const salt = ethers.toBeHex(42n, 32);
      expect(await channels.channelIdOf(1n, 2n, salt)).to.equal(channelIdOf(1n, 2n, salt));
    });
  });

  describe("#open", function () {
    it("locks the deposit through the vault and stores the epoch-1 channel", async function () {
      const { channels, vault, usdc, clientOperator, clientId, providerId, channelsAddress } = await loadFixture(channelsFixture);
      const channelId = channelIdOf(clientId, providerId, ZeroHash);
      const tx = channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer());
      await expect(tx)
        .to.emit(channels, "ChannelOpened")
        .withArgs(channelId, clientId, providerId, ZeroHash, 1n, clientOperator.address, clientOperator.address, DEPOSIT, FEE_BPS, false, 1n);
      await expect(tx)
        .to.emit(vault, "Committed")
        .withArgs(channelsAddress, clientId, providerId, clientOperator.address, DEPOSIT, 1n, false, 1_000n * USDC);
      await expect(tx).to.changeTokenBalances(usdc, [clientOperator, vault], [-DEPOSIT, DEPOSIT]);
      const c = await channels.getChannel(channelId);
      expect(c.deposit).to.equal(DEPOSIT);
      expect(c.claimed).to.equal(0n);
      expect(c.payerAuthorizer).to.equal(clientOperator.address);
      expect(c.epoch).to.equal(1n);
      expect(c.feeBps).to.equal(FEE_BPS);
      expect(c.sameOwner).to.equal(false);
      expect(c.status).to.equal(Status.Open);
      expect(c.clientId).to.equal(clientId);
      expect(c.providerId).to.equal(providerId);
      expect(c.graceEndsAt).to.equal(0n);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT);
    });

    it("funds from the client's protocol balance and names an explicit payer authorizer", async function () {
      const { channels, vault, clientOwner, clientId, providerId, stranger } = await loadFixture(channelsFixture);
      const salt = ethers.toBeHex(9n, 32);
      const before = await vault.balanceOf(clientId);
      await expect(channels.connect(clientOwner).open(clientId, providerId, salt, stranger.address, DEPOSIT, fromBalance()))
        .to.emit(channels, "ChannelOpened")
        .withArgs(channelIdOf(clientId, providerId, salt), clientId, providerId, salt, 1n, clientOwner.address, stranger.address, DEPOSIT, FEE_BPS, false, 0n);
      expect(await vault.balanceOf(clientId)).to.equal(before - DEPOSIT);
      expect((await channels.getChannel(channelIdOf(clientId, providerId, salt))).payerAuthorizer).to.equal(stranger.address);
    });

    it("flags a channel between two agents of one owner as self-dealing", async function () {
      const { channels, clientOwner, clientId, registerAgent, fund } = await loadFixture(channelsFixture);
      const sibling = await registerAgent(clientOwner, "ipfs://sibling");
      await fund(clientOwner, DEPOSIT);
      await expect(channels.connect(clientOwner).open(clientId, sibling, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.emit(channels, "ChannelOpened")
        .withArgs(channelIdOf(clientId, sibling, ZeroHash), clientId, sibling, ZeroHash, 1n, clientOwner.address, clientOwner.address, DEPOSIT, FEE_BPS, true, 1n);
    });

    it("reverts ChannelZeroAmount for a zero deposit", async function () {
      const { channels, clientOperator, clientId, providerId } = await loadFixture(channelsFixture);
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, 0n, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelZeroAmount");
    });

    it("reverts ChannelSameAgent for a channel to itself", async function () {
      const { channels, clientOperator, clientId } = await loadFixture(channelsFixture);
      await expect(channels.connect(clientOperator).open(clientId, clientId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelSameAgent")
        .withArgs(clientId);
    });

    it("reverts ChannelAgentIdTooLarge for ids beyond 64 bits", async function () {
      const { channels, clientOperator, clientId, providerId } = await loadFixture(channelsFixture);
      const big = 1n << 64n;
      await expect(channels.connect(clientOperator).open(big, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelAgentIdTooLarge")
        .withArgs(big);
      await expect(channels.connect(clientOperator).open(clientId, big, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelAgentIdTooLarge")
        .withArgs(big);
    });

    it("reverts ChannelDepositOverflow above 2^128 - 1", async function () {
      const { channels, clientOperator, clientId, providerId } = await loadFixture(channelsFixture);
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, UINT128_MAX + 1n, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelDepositOverflow")
        .withArgs(channelIdOf(clientId, providerId, ZeroHash), 0n, UINT128_MAX + 1n);
    });

    it("reverts ChannelAlreadyOpen while the epoch is Open or Closing", async function () {
      const { channels, clientOperator, clientId, providerId, channelId } = await loadFixture(openFixture);
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelAlreadyOpen")
        .withArgs(channelId, Status.Open);
      await channels.connect(clientOperator).requestClose(channelId);
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelAlreadyOpen")
        .withArgs(channelId, Status.Closing);
    });

    it("reverts for an unknown provider (registry ERC721NonexistentToken)", async function () {
      const { channels, registry, clientOperator, clientId } = await loadFixture(channelsFixture);
      await expect(channels.connect(clientOperator).open(clientId, 99n, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(registry, "ERC721NonexistentToken")
        .withArgs(99n);
    });

    it("reverts when the caller is not the client's owner or operator (vault checkActor)", async function () {
      const { channels, registry, stranger, providerOperator, clientId, providerId, fund } = await loadFixture(channelsFixture);
      await fund(stranger, DEPOSIT);
      await expect(channels.connect(stranger).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, stranger.address);
      await expect(channels.connect(providerOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, providerOperator.address);
    });

    it("reverts AgentFrozen for a frozen client operator; the owner still opens", async function () {
      const { channels, registry, clientOwner, clientOperator, clientId, providerId } = await loadFixture(channelsFixture);
      await registry.connect(clientOwner).freeze(clientId);
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(clientId, clientOperator.address);
      await expect(channels.connect(clientOwner).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromBalance())).to.emit(
        channels,
        "ChannelOpened",
      );
    });

    it("applies the owner's per-transaction cap to the operator, not to the owner", async function () {
      const { channels, vault, clientOwner, clientOperator, clientId, providerId } = await loadFixture(channelsFixture);
      await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 5n * USDC, dailyCap: 0n, allowlistOnly: false });
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded")
        .withArgs(clientId, 5n * USDC, DEPOSIT);
      await expect(channels.connect(clientOwner).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromBalance())).to.emit(
        channels,
        "ChannelOpened",
      );
    });

    it("snapshots the protocol fee: a later fee change does not touch the open epoch", async function () {
      const { channels, vault, deployer, clientOperator, providerOperator, channelId, sign, providerId } = await loadFixture(openFixture);
      await vault.connect(deployer).setProtocolFee(500);
      const v = await sign(clientOperator, channelId, 1n, 10_000n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 10_000n, v.signature))
        .to.emit(vault, "Released")
        .withArgs(await channels.getAddress(), providerId, 10_000n - feeUp(10_000n, BigInt(FEE_BPS)), feeUp(10_000n, BigInt(FEE_BPS)), anyValue);
    });
  });

  describe("#topUp", function () {
    it("adds to the deposit through the vault", async function () {
      const { channels, vault, clientOperator, channelId, clientId, providerId, channelsAddress } = await loadFixture(openFixture);
      await expect(channels.connect(clientOperator).topUp(channelId, 5n * USDC, fromTransfer()))
        .to.emit(channels, "ChannelToppedUp")
        .withArgs(channelId, clientId, providerId, 1n, clientOperator.address, 5n * USDC, DEPOSIT + 5n * USDC, 1n);
      expect((await channels.getChannel(channelId)).deposit).to.equal(DEPOSIT + 5n * USDC);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT + 5n * USDC);
    });

    it("reverts ChannelZeroAmount", async function () {
      const { channels, clientOperator, channelId } = await loadFixture(openFixture);
      await expect(channels.connect(clientOperator).topUp(channelId, 0n, fromTransfer())).to.be.revertedWithCustomError(channels, "ChannelZeroAmount");
    });

    it("reverts ChannelUnexpectedStatus unless Open", async function () {
      const { channels, clientOperator, providerOperator, channelId } = await loadFixture(openFixture);
      const unknown = keccak256("0xdead");
      await expect(channels.connect(clientOperator).topUp(unknown, 1n, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(unknown, Status.None, Status.Open);
      await channels.connect(clientOperator).requestClose(channelId);
      await expect(channels.connect(clientOperator).topUp(channelId, 1n, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(channelId, Status.Closing, Status.Open);
      await channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x");
      await expect(channels.connect(clientOperator).topUp(channelId, 1n, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(channelId, Status.Closed, Status.Open);
    });

    it("reverts ChannelDepositOverflow past 2^128 - 1", async function () {
      const { channels, clientOperator, channelId } = await loadFixture(openFixture);
      const amount = UINT128_MAX - DEPOSIT + 1n;
      await expect(channels.connect(clientOperator).topUp(channelId, amount, fromTransfer()))
        .to.be.revertedWithCustomError(channels, "ChannelDepositOverflow")
        .withArgs(channelId, DEPOSIT, amount);
    });

    it("reverts for a caller that is not the client's (vault checkActor)", async function () {
      const { channels, registry, providerOperator, channelId, clientId } = await loadFixture(openFixture);
      await expect(channels.connect(providerOperator).topUp(channelId, 1n, fromTransfer()))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, providerOperator.address);
    });
  });

  describe("#claim", function () {
    it("pays the provider minus the fee, records the volume and emits everything", async function () {
      const { channels, vault, ledger, clientOperator, providerOperator, channelId, clientId, providerId, sign, channelsAddress } =
        await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, 1_000n);
      const fee = feeUp(1_000n, BigInt(FEE_BPS));
      const providerBefore = await vault.balanceOf(providerId);
      const feesBefore = await vault.accruedFees();
      const tx = channels.connect(providerOperator).claim(channelId, 1n, 1_000n, v.signature);
      await expect(tx).to.emit(channels, "ChannelClaimed").withArgs(channelId, providerId, clientId, 1n, providerOperator.address, 1_000n, 1_000n, fee);
      await expect(tx).to.emit(vault, "Released").withArgs(channelsAddress, providerId, 1_000n - fee, fee, providerBefore + 1_000n - fee);
      await expect(tx).to.emit(ledger, "ChannelVolumeRecorded").withArgs(providerId, clientId, BigInt(channelId), 1_000n);
      expect(await vault.balanceOf(providerId)).to.equal(providerBefore + 1_000n - fee);
      expect(await vault.accruedFees()).to.equal(feesBefore + fee);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT - 1_000n);
      expect((await channels.getChannel(channelId)).claimed).to.equal(1_000n);
      expect((await ledger.stats(providerId)).volumeEarned).to.equal(1_000n);
      expect((await ledger.stats(clientId)).volumeSpent).to.equal(1_000n);
    });

    it("claims only the increment of a higher voucher", async function () {
      const { channels, clientOperator, providerOperator, channelId, clientId, providerId, sign } = await loadFixture(openFixture);
      await channels.connect(providerOperator).claim(channelId, 1n, 1_000n, (await sign(clientOperator, channelId, 1n, 1_000n)).signature);
      const fee = feeUp(5_000n, BigInt(FEE_BPS)) - feeUp(1_000n, BigInt(FEE_BPS));
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 5_000n, (await sign(clientOperator, channelId, 1n, 5_000n)).signature))
        .to.emit(channels, "ChannelClaimed")
        .withArgs(channelId, providerId, clientId, 1n, providerOperator.address, 5_000n, 4_000n, fee);
    });

    it("charges a path-independent fee: many small claims pay what one claim would", async function () {
      const { channels, vault, clientOperator, providerOperator, channelId, sign } = await loadFixture(openFixture);
      const feesBefore = await vault.accruedFees();
      for (const cum of [1n, 2n, 150n, 151n, 9_999n]) {
        await channels.connect(providerOperator).claim(channelId, 1n, cum, (await sign(clientOperator, channelId, 1n, cum)).signature);
      }
      expect((await vault.accruedFees()) - feesBefore).to.equal(feeUp(9_999n, BigInt(FEE_BPS)));
    });

    it("lets the provider's owner claim too", async function () {
      const { channels, clientOperator, providerOwner, channelId, sign } = await loadFixture(openFixture);
      await expect(channels.connect(providerOwner).claim(channelId, 1n, 1n, (await sign(clientOperator, channelId, 1n, 1n)).signature)).to.emit(
        channels,
        "ChannelClaimed",
      );
    });

    it("reverts AgentUnauthorized for the client or a stranger, AgentFrozen for a frozen provider operator", async function () {
      const { channels, registry, clientOperator, stranger, providerOwner, providerOperator, channelId, providerId, sign } =
        await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, 1_000n);
      for (const caller of [clientOperator, stranger]) {
        await expect(channels.connect(caller).claim(channelId, 1n, 1_000n, v.signature))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(providerId, caller.address);
      }
      await registry.connect(providerOwner).freeze(providerId);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, v.signature))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(providerId, providerOperator.address);
    });

    it("reverts ChannelVoucherExceedsDeposit for a voucher above the deposit", async function () {
      const { channels, clientOperator, providerOperator, channelId, sign } = await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, DEPOSIT + 1n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, DEPOSIT + 1n, v.signature))
        .to.be.revertedWithCustomError(channels, "ChannelVoucherExceedsDeposit")
        .withArgs(channelId, DEPOSIT + 1n, DEPOSIT);
      // Exactly the deposit is fine.
      const all = await sign(clientOperator, channelId, 1n, DEPOSIT);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, DEPOSIT, all.signature)).to.emit(channels, "ChannelClaimed");
    });

    it("reverts ChannelVoucherStale for zero, an equal voucher, and a lower one after a higher claim", async function () {
      const { channels, clientOperator, providerOperator, channelId, sign } = await loadFixture(openFixture);
      const zero = await sign(clientOperator, channelId, 1n, 0n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 0n, zero.signature))
        .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
        .withArgs(channelId, 0n, 0n);
      const low = await sign(clientOperator, channelId, 1n, 2_000n);
      const high = await sign(clientOperator, channelId, 1n, 5_000n);
      await channels.connect(providerOperator).claim(channelId, 1n, 5_000n, high.signature);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 5_000n, high.signature))
        .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
        .withArgs(channelId, 5_000n, 5_000n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 2_000n, low.signature))
        .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
        .withArgs(channelId, 2_000n, 5_000n);
    });

    it("reverts ChannelInvalidSignature for a voucher signed by someone else", async function () {
      const { channels, stranger, providerOperator, channelId, clientOperator, sign } = await loadFixture(openFixture);
      const v = await sign(stranger, channelId, 1n, 1_000n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, v.signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOperator.address);
    });

    it("reverts ChannelInvalidSignature for the high-s twin of a valid signature", async function () {
      const { channels, clientOperator, providerOperator, channelId, sign } = await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, 1_000n);
      const twin = highSTwin(v.signature);
      // The twin recovers to the same key through the raw ecrecover precompile: only the low-s rule stops it.
      const digest = await channels.voucherDigest(channelId, 1n, 1_000n);
      const twinBytes = ethers.getBytes(twin);
      const input = AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "uint8", "bytes32", "bytes32"],
        [digest, twinBytes[64], twinBytes.subarray(0, 32), twinBytes.subarray(32, 64)],
      );
      const raw = await ethers.provider.call({ to: "0x0000000000000000000000000000000000000001", data: input });
      expect(ethers.getAddress(ethers.dataSlice(raw, 12))).to.equal(clientOperator.address);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, twin))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOperator.address);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, v.signature)).to.emit(channels, "ChannelClaimed");
    });

    it("reverts ChannelInvalidSignature for a wrong length or a v other than 27/28", async function () {
      const { channels, clientOperator, providerOperator, channelId, sign } = await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, 1_000n);
      const sig = ethers.getBytes(v.signature);
      const short = ethers.hexlify(sig.subarray(0, 64));
      const rawV = ethers.concat([sig.subarray(0, 64), ethers.toBeHex(sig[64] - 27, 1)]);
      for (const bad of [short, rawV, "0x"]) {
        await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, bad))
          .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
          .withArgs(channelId, clientOperator.address);
      }
    });

    it("reverts ChannelInvalidSignature for a voucher signed for another chain id", async function () {
      const { channels, clientOperator, providerOperator, channelId, sign, domain } = await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, 1_000n, { ...domain, chainId: 8453n });
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, v.signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOperator.address);
    });

    it("reverts ChannelInvalidSignature for a voucher of another channel (no replay across channels)", async function () {
      const { channels, clientOperator, providerOperator, channelId, clientId, providerId, sign } = await loadFixture(openFixture);
      const salt = ethers.toBeHex(1n, 32);
      await channels.connect(clientOperator).open(clientId, providerId, salt, ZeroAddress, DEPOSIT, fromTransfer());
      const other = channelIdOf(clientId, providerId, salt);
      const v = await sign(clientOperator, channelId, 1n, 1_000n);
      await expect(channels.connect(providerOperator).claim(other, 1n, 1_000n, v.signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(other, clientOperator.address);
    });

    it("reverts ChannelInvalidSignature for a voucher of another deployment with the same channel id", async function () {
      const { channels, channelsB, clientOwner, providerOwner, channelId, sign, domain } = await loadFixture(twoDeploymentsFixture);
      const v = await sign(clientOwner, channelId, 1n, 1_000n, domain);
      await expect(channelsB.connect(providerOwner).claim(channelId, 1n, 1_000n, v.signature))
        .to.be.revertedWithCustomError(channelsB, "ChannelInvalidSignature")
        .withArgs(channelId, clientOwner.address);
      await expect(channels.connect(providerOwner).claim(channelId, 1n, 1_000n, v.signature)).to.emit(channels, "ChannelClaimed");
      const vB = await sign(clientOwner, channelId, 1n, 1_000n, { ...domain, verifyingContract: await channelsB.getAddress() });
      await expect(channelsB.connect(providerOwner).claim(channelId, 1n, 1_000n, vB.signature)).to.emit(channelsB, "ChannelClaimed");
    });

    it("reverts ChannelWrongEpoch / ChannelInvalidSignature for a voucher of an earlier epoch", async function () {
      const { channels, clientOperator, providerOperator, channelId, clientId, providerId, sign } = await loadFixture(openFixture);
      const old = await sign(clientOperator, channelId, 1n, 3_000n);
      await channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x");
      await expect(channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer()))
        .to.emit(channels, "ChannelOpened")
        .withArgs(channelId, clientId, providerId, ZeroHash, 2n, clientOperator.address, clientOperator.address, DEPOSIT, FEE_BPS, false, 1n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 3_000n, old.signature))
        .to.be.revertedWithCustomError(channels, "ChannelWrongEpoch")
        .withArgs(channelId, 1n, 2n);
      await expect(channels.connect(providerOperator).claim(channelId, 2n, 3_000n, old.signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOperator.address);
      const fresh = await sign(clientOperator, channelId, 2n, 3_000n);
      await expect(channels.connect(providerOperator).claim(channelId, 2n, 3_000n, fresh.signature)).to.emit(channels, "ChannelClaimed");
    });

    it("reverts ChannelNotActive for an unknown or closed channel", async function () {
      const { channels, clientOperator, providerOperator, channelId, sign } = await loadFixture(openFixture);
      const unknown = keccak256("0xbeef");
      const v = await sign(clientOperator, unknown, 1n, 1n);
      await expect(channels.connect(providerOperator).claim(unknown, 1n, 1n, v.signature))
        .to.be.revertedWithCustomError(channels, "ChannelNotActive")
        .withArgs(unknown, Status.None);
      await channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x");
      const w = await sign(clientOperator, channelId, 1n, 1n);
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1n, w.signature))
        .to.be.revertedWithCustomError(channels, "ChannelNotActive")
        .withArgs(channelId, Status.Closed);
    });

    it("accepts an ERC-1271 payer authorizer, and refuses when the wallet refuses", async function () {
      const { channels, deployer, clientOperator, providerOperator, clientId, providerId, domain } = await loadFixture(channelsFixture);
      const wallet = await new ERC1271WalletMock__factory(deployer).deploy(clientOperator.address);
      const walletAddress = await wallet.getAddress();
      const salt = ethers.toBeHex(77n, 32);
      await channels.connect(clientOperator).open(clientId, providerId, salt, walletAddress, DEPOSIT, fromTransfer());
      const channelId = channelIdOf(clientId, providerId, salt);
      const v = await signVoucher(clientOperator, domain, { channelId, epoch: 1n, cumulativeAmount: 1_000n });
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 1_000n, v.signature)).to.emit(channels, "ChannelClaimed");
      await wallet.setRefuseAll(true);
      const w = await signVoucher(clientOperator, domain, { channelId, epoch: 1n, cumulativeAmount: 2_000n });
      await expect(channels.connect(providerOperator).claim(channelId, 1n, 2_000n, w.signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, walletAddress);
    });

    it("writes nothing to the ledger for a self-dealing channel, but still charges the fee", async function () {
      const { channels, vault, ledger, clientOwner, clientId, registerAgent, fund, sign } = await loadFixture(channelsFixture);
      const sibling = await registerAgent(clientOwner, "ipfs://sibling");
      await fund(clientOwner, DEPOSIT);
      await channels.connect(clientOwner).open(clientId, sibling, ZeroHash, ZeroAddress, DEPOSIT, fromTransfer());
      const channelId = channelIdOf(clientId, sibling, ZeroHash);
      const feesBefore = await vault.accruedFees();
      const tx = channels.connect(clientOwner).claim(channelId, 1n, 100_000n, (await sign(clientOwner, channelId, 1n, 100_000n)).signature);
      await expect(tx).to.emit(channels, "ChannelClaimed");
      await expect(tx).not.to.emit(ledger, "ChannelVolumeRecorded");
      expect((await ledger.stats(sibling)).volumeEarned).to.equal(0n);
      expect((await vault.accruedFees()) - feesBefore).to.equal(feeUp(100_000n, BigInt(FEE_BPS)));
    });
  });

  describe("#claimMany", function () {
    it("claims several channels of one provider with one role check and one payout", async function () {
      const { channels, vault, ledger, clientOperator, providerOperator, ids, providerId, sign, channelsAddress } = await loadFixture(manyChannelsFixture);
      const amounts = [1_000n, 2_500n, 7_777n];
      const vouchers: SignedVoucher[] = [];
      for (let i = 0; i < ids.length; i++) vouchers.push(await sign(clientOperator, ids[i], 1n, amounts[i]));
      const fees = amounts.map((a) => feeUp(a, BigInt(FEE_BPS)));
      const total = amounts.reduce((s, a) => s + a, 0n);
      const totalFee = fees.reduce((s, a) => s + a, 0n);
      const before = await vault.balanceOf(providerId);
      const tx = channels.connect(providerOperator).claimMany(vouchers);
      for (let i = 0; i < ids.length; i++) {
        await expect(tx).to.emit(channels, "ChannelClaimed").withArgs(ids[i], providerId, anyValue, 1n, providerOperator.address, amounts[i], amounts[i], fees[i]);
        await expect(tx).to.emit(ledger, "ChannelVolumeRecorded").withArgs(providerId, anyValue, BigInt(ids[i]), amounts[i]);
      }
      await expect(tx).to.emit(vault, "Released").withArgs(channelsAddress, providerId, total - totalFee, totalFee, before + total - totalFee);
      const receipt = await (await tx).wait();
      const released = receipt!.logs.filter((l) => l.address === (vault.target as string) && vault.interface.parseLog(l)?.name === "Released");
      expect(released.length).to.equal(1);
      expect(await channels.connect(providerOperator).claimMany.staticCall([await sign(clientOperator, ids[0], 1n, 1_001n)])).to.equal(1n);
    });

    it("makes one payout per run of the same provider", async function () {
      const { channels, vault, clientOperator, providerOwner, ids, otherProviderChannel, sign } = await loadFixture(manyChannelsFixture);
      const a = await sign(clientOperator, ids[0], 1n, 1_000n);
      const b = await sign(clientOperator, otherProviderChannel, 1n, 1_000n);
      const c = await sign(clientOperator, ids[1], 1n, 1_000n);
      const receipt = await (await channels.connect(providerOwner).claimMany([a, b, c])).wait();
      const released = receipt!.logs.filter((l) => l.address === (vault.target as string) && vault.interface.parseLog(l)?.name === "Released");
      expect(released.length).to.equal(3);
    });

    it("accepts the same channel twice in increasing order", async function () {
      const { channels, clientOperator, providerOperator, ids, sign } = await loadFixture(manyChannelsFixture);
      const v1 = await sign(clientOperator, ids[0], 1n, 1_000n);
      const v2 = await sign(clientOperator, ids[0], 1n, 4_000n);
      await channels.connect(providerOperator).claimMany([v1, v2]);
      expect((await channels.getChannel(ids[0])).claimed).to.equal(4_000n);
      const v3 = await sign(clientOperator, ids[1], 1n, 4_000n);
      const v4 = await sign(clientOperator, ids[1], 1n, 1_000n);
      await expect(channels.connect(providerOperator).claimMany([v3, v4]))
        .to.be.revertedWithCustomError(channels, "ChannelVoucherStale")
        .withArgs(ids[1], 1_000n, 4_000n);
    });

    it("reverts ChannelEmptyBatch", async function () {
      const { channels, providerOperator } = await loadFixture(openFixture);
      await expect(channels.connect(providerOperator).claimMany([])).to.be.revertedWithCustomError(channels, "ChannelEmptyBatch");
    });

    it("is all or nothing: one bad voucher reverts the batch", async function () {
      const { channels, clientOperator, providerOperator, ids, sign } = await loadFixture(manyChannelsFixture);
      const good = await sign(clientOperator, ids[0], 1n, 1_000n);
      const tooBig = await sign(clientOperator, ids[1], 1n, DEPOSIT + 1n);
      await expect(channels.connect(providerOperator).claimMany([good, tooBig]))
        .to.be.revertedWithCustomError(channels, "ChannelVoucherExceedsDeposit")
        .withArgs(ids[1], DEPOSIT + 1n, DEPOSIT);
      expect((await channels.getChannel(ids[0])).claimed).to.equal(0n);
    });

    it("reverts AgentUnauthorized when the caller does not act for every provider", async function () {
      const { channels, registry, clientOperator, providerOperator, ids, otherProviderChannel, provider2Id, sign } = await loadFixture(manyChannelsFixture);
      const a = await sign(clientOperator, ids[0], 1n, 1_000n);
      const b = await sign(clientOperator, otherProviderChannel, 1n, 1_000n);
      await expect(channels.connect(providerOperator).claimMany([a, b]))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(provider2Id, providerOperator.address);
    });
  });

  describe("#requestClose", function () {
    it("moves to Closing with the grace period and keeps the money locked", async function () {
      const { channels, vault, clientOperator, channelId, clientId, providerId, channelsAddress } = await loadFixture(openFixture);
      const tx = await channels.connect(clientOperator).requestClose(channelId);
      const ts = BigInt((await tx.getBlock())!.timestamp);
      await expect(tx)
        .to.emit(channels, "ChannelCloseRequested")
        .withArgs(channelId, clientId, providerId, 1n, clientOperator.address, ts + GRACE);
      const c = await channels.getChannel(channelId);
      expect(c.status).to.equal(Status.Closing);
      expect(c.graceEndsAt).to.equal(ts + GRACE);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT);
    });

    it("reverts for the provider or a stranger", async function () {
      const { channels, registry, providerOperator, stranger, channelId, clientId } = await loadFixture(openFixture);
      for (const caller of [providerOperator, stranger]) {
        await expect(channels.connect(caller).requestClose(channelId))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(clientId, caller.address);
      }
    });

    it("reverts ChannelUnexpectedStatus unless Open", async function () {
      const { channels, clientOperator, channelId } = await loadFixture(closingFixture);
      await expect(channels.connect(clientOperator).requestClose(channelId))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(channelId, Status.Closing, Status.Open);
    });
  });

  describe("grace period edges (claim vs finalize: exactly one is open at every second)", function () {
    // Each side is probed from a fresh state at the same second (a reverted transaction still mines a block).
    for (const offset of [-1n, 0n, 1n]) {
      const label = offset < 0n ? "graceEndsAt - 1" : offset === 0n ? "graceEndsAt" : "graceEndsAt + 1";
      it(`at ${label}: the provider ${offset <= 0n ? "can" : "cannot"} claim`, async function () {
        const { channels, providerOperator, channelId, voucher, graceEndsAt } = await loadFixture(closingFixture);
        await time.setNextBlockTimestamp(graceEndsAt + offset);
        const tx = channels.connect(providerOperator).claim(channelId, 1n, 3_000n, voucher.signature);
        if (offset <= 0n) await expect(tx).to.emit(channels, "ChannelClaimed");
        else await expect(tx).to.be.revertedWithCustomError(channels, "ChannelGracePeriodOver").withArgs(channelId, graceEndsAt);
      });
      it(`at ${label}: the channel ${offset <= 0n ? "cannot" : "can"} be finalized`, async function () {
        const { channels, stranger, channelId, graceEndsAt } = await loadFixture(closingFixture);
        await time.setNextBlockTimestamp(graceEndsAt + offset);
        const tx = channels.connect(stranger).finalizeClose(channelId);
        if (offset <= 0n) await expect(tx).to.be.revertedWithCustomError(channels, "ChannelGracePeriodActive").withArgs(channelId, graceEndsAt);
        else await expect(tx).to.emit(channels, "ChannelClosed");
      });
    }

    it("closeByProvider with a final voucher follows the claim side of the edge; without one it always works", async function () {
      const { channels, providerOperator, channelId, voucher, graceEndsAt } = await loadFixture(closingFixture);
      await time.setNextBlockTimestamp(graceEndsAt + 1n);
      await expect(channels.connect(providerOperator).closeByProvider(channelId, 1n, 3_000n, voucher.signature))
        .to.be.revertedWithCustomError(channels, "ChannelGracePeriodOver")
        .withArgs(channelId, graceEndsAt);
      await expect(channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x")).to.emit(channels, "ChannelClosed");
    });
  });

  describe("#finalizeClose", function () {
    it("returns the unclaimed remainder to the client's balance; anyone may call", async function () {
      const { channels, vault, providerOperator, stranger, channelId, clientId, providerId, voucher, graceEndsAt, channelsAddress } =
        await loadFixture(closingFixture);
      await channels.connect(providerOperator).claim(channelId, 1n, 3_000n, voucher.signature);
      const clientBefore = await vault.balanceOf(clientId);
      await time.increaseTo(graceEndsAt + 1n);
      const tx = channels.connect(stranger).finalizeClose(channelId);
      await expect(tx).to.emit(channels, "ChannelClosed").withArgs(channelId, clientId, providerId, 1n, stranger.address, false, 3_000n, DEPOSIT - 3_000n);
      await expect(tx).to.emit(vault, "Released").withArgs(channelsAddress, clientId, DEPOSIT - 3_000n, 0n, clientBefore + DEPOSIT - 3_000n);
      expect((await channels.getChannel(channelId)).status).to.equal(Status.Closed);
      expect(await vault.locked(channelsAddress)).to.equal(0n);
    });

    it("makes no payout when everything was claimed", async function () {
      const { channels, vault, clientOperator, providerOperator, channelId, sign, graceEndsAt } = await loadFixture(closingFixture);
      await channels.connect(providerOperator).claim(channelId, 1n, DEPOSIT, (await sign(clientOperator, channelId, 1n, DEPOSIT)).signature);
      await time.increaseTo(graceEndsAt + 1n);
      const tx = channels.connect(clientOperator).finalizeClose(channelId);
      await expect(tx).to.emit(channels, "ChannelClosed");
      await expect(tx).not.to.emit(vault, "Released");
    });

    it("reverts ChannelUnexpectedStatus unless Closing", async function () {
      const { channels, clientOperator, channelId, graceEndsAt } = await loadFixture(closingFixture);
      const unknown = keccak256("0x01");
      await expect(channels.finalizeClose(unknown))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(unknown, Status.None, Status.Closing);
      await time.increaseTo(graceEndsAt + 1n);
      await channels.connect(clientOperator).finalizeClose(channelId);
      await expect(channels.finalizeClose(channelId))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(channelId, Status.Closed, Status.Closing);
    });

    it("reverts ChannelUnexpectedStatus on an Open channel", async function () {
      const { channels, channelId } = await loadFixture(openFixture);
      await expect(channels.finalizeClose(channelId))
        .to.be.revertedWithCustomError(channels, "ChannelUnexpectedStatus")
        .withArgs(channelId, Status.Open, Status.Closing);
    });
  });

  describe("#closeByProvider", function () {
    it("closes an Open channel at once and refunds everything", async function () {
      const { channels, vault, providerOperator, channelId, clientId, providerId, channelsAddress } = await loadFixture(openFixture);
      const clientBefore = await vault.balanceOf(clientId);
      const tx = channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x");
      await expect(tx).to.emit(channels, "ChannelClosed").withArgs(channelId, clientId, providerId, 1n, providerOperator.address, true, 0n, DEPOSIT);
      await expect(tx).not.to.emit(channels, "ChannelClaimed");
      expect(await vault.balanceOf(clientId)).to.equal(clientBefore + DEPOSIT);
      expect(await vault.locked(channelsAddress)).to.equal(0n);
    });

    it("claims a final voucher and refunds the rest in one transaction", async function () {
      const { channels, vault, ledger, clientOperator, providerOperator, channelId, clientId, providerId, sign } = await loadFixture(openFixture);
      const v = await sign(clientOperator, channelId, 1n, 4_321n);
      const fee = feeUp(4_321n, BigInt(FEE_BPS));
      const providerBefore = await vault.balanceOf(providerId);
      const clientBefore = await vault.balanceOf(clientId);
      const tx = channels.connect(providerOperator).closeByProvider(channelId, 1n, 4_321n, v.signature);
      await expect(tx).to.emit(channels, "ChannelClaimed").withArgs(channelId, providerId, clientId, 1n, providerOperator.address, 4_321n, 4_321n, fee);
      await expect(tx).to.emit(channels, "ChannelClosed").withArgs(channelId, clientId, providerId, 1n, providerOperator.address, true, 4_321n, DEPOSIT - 4_321n);
      await expect(tx).to.emit(ledger, "ChannelVolumeRecorded").withArgs(providerId, clientId, BigInt(channelId), 4_321n);
      expect(await vault.balanceOf(providerId)).to.equal(providerBefore + 4_321n - fee);
      expect(await vault.balanceOf(clientId)).to.equal(clientBefore + DEPOSIT - 4_321n);
    });

    it("closes a Closing channel within the grace period, with a final voucher", async function () {
      const { channels, providerOperator, channelId, voucher } = await loadFixture(closingFixture);
      await expect(channels.connect(providerOperator).closeByProvider(channelId, 1n, 3_000n, voucher.signature)).to.emit(channels, "ChannelClosed");
    });

    it("reverts for the client (AgentUnauthorized) and on a closed channel (ChannelNotActive)", async function () {
      const { channels, registry, clientOperator, providerOperator, channelId, providerId } = await loadFixture(openFixture);
      await expect(channels.connect(clientOperator).closeByProvider(channelId, 0n, 0n, "0x"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(providerId, clientOperator.address);
      await channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x");
      await expect(channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x"))
        .to.be.revertedWithCustomError(channels, "ChannelNotActive")
        .withArgs(channelId, Status.Closed);
    });

    it("reverts the whole close when the final voucher is invalid", async function () {
      const { channels, stranger, providerOperator, clientOperator, channelId, sign } = await loadFixture(openFixture);
      const bad = await sign(stranger, channelId, 1n, 1_000n);
      await expect(channels.connect(providerOperator).closeByProvider(channelId, 1n, 1_000n, bad.signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, clientOperator.address);
      expect((await channels.getChannel(channelId)).status).to.equal(Status.Open);
    });
  });

  describe("reopening", function () {
    it("starts the next epoch with a fresh deposit, claimed total, authorizer and fee snapshot", async function () {
      const { channels, vault, deployer, clientOperator, providerOperator, stranger, channelId, clientId, providerId, sign } =
        await loadFixture(openFixture);
      await channels.connect(providerOperator).claim(channelId, 1n, 2_000n, (await sign(clientOperator, channelId, 1n, 2_000n)).signature);
      await channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x");
      await vault.connect(deployer).setProtocolFee(250);
      await channels.connect(clientOperator).open(clientId, providerId, ZeroHash, stranger.address, 3n * USDC, fromTransfer());
      const c = await channels.getChannel(channelId);
      expect([c.epoch, c.deposit, c.claimed, c.payerAuthorizer, c.feeBps, c.status, c.graceEndsAt]).to.deep.equal([
        2n,
        3n * USDC,
        0n,
        stranger.address,
        250n,
        Status.Open,
        0n,
      ]);
      // Epoch-2 vouchers are signed by the new authorizer.
      await expect(channels.connect(providerOperator).claim(channelId, 2n, 1_000n, (await sign(clientOperator, channelId, 2n, 1_000n)).signature))
        .to.be.revertedWithCustomError(channels, "ChannelInvalidSignature")
        .withArgs(channelId, stranger.address);
      await expect(channels.connect(providerOperator).claim(channelId, 2n, 1_000n, (await sign(stranger, channelId, 2n, 1_000n)).signature))
        .to.emit(channels, "ChannelClaimed")
        .withArgs(channelId, providerId, clientId, 2n, providerOperator.address, 1_000n, 1_000n, feeUp(1_000n, 250n));
    });
  });

  describe("guardian pause", function () {
    async function pausedFixture() {
      const f = await closingFixture();
      // A second, open channel to exercise open-channel exits.
      const salt = ethers.toBeHex(5n, 32);
      await f.channels.connect(f.clientOperator).open(f.clientId, f.providerId, salt, ZeroAddress, DEPOSIT, fromTransfer());
      const openId = channelIdOf(f.clientId, f.providerId, salt);
      const openVoucher = await f.sign(f.clientOperator, openId, 1n, 1_000n);
      await f.vault.connect(f.guardian).pause();
      return { ...f, openId, openVoucher };
    }

    it("stops open with VaultPaused", async function () {
      const { channels, vault, clientOperator, clientId, providerId } = await loadFixture(pausedFixture);
      await expect(
        channels.connect(clientOperator).open(clientId, providerId, ethers.toBeHex(6n, 32), ZeroAddress, DEPOSIT, fromTransfer()),
      ).to.be.revertedWithCustomError(vault, "VaultPaused");
    });

    it("stops topUp with VaultPaused", async function () {
      const { channels, vault, clientOperator, openId } = await loadFixture(pausedFixture);
      await expect(channels.connect(clientOperator).topUp(openId, 1n, fromTransfer())).to.be.revertedWithCustomError(vault, "VaultPaused");
    });

    it("lets claim work", async function () {
      const { channels, providerOperator, openId, openVoucher } = await loadFixture(pausedFixture);
      await expect(channels.connect(providerOperator).claim(openId, 1n, 1_000n, openVoucher.signature)).to.emit(channels, "ChannelClaimed");
    });

    it("lets claimMany work", async function () {
      const { channels, providerOperator, openVoucher } = await loadFixture(pausedFixture);
      await expect(channels.connect(providerOperator).claimMany([openVoucher])).to.emit(channels, "ChannelClaimed");
    });

    it("lets requestClose work", async function () {
      const { channels, clientOperator, openId } = await loadFixture(pausedFixture);
      await expect(channels.connect(clientOperator).requestClose(openId)).to.emit(channels, "ChannelCloseRequested");
    });

    it("lets finalizeClose work", async function () {
      const { channels, stranger, channelId, graceEndsAt } = await loadFixture(pausedFixture);
      await time.increaseTo(graceEndsAt + 1n);
      await expect(channels.connect(stranger).finalizeClose(channelId)).to.emit(channels, "ChannelClosed");
    });

    it("lets closeByProvider work (with and without a final voucher)", async function () {
      const { channels, providerOperator, openId, openVoucher, channelId } = await loadFixture(pausedFixture);
      await expect(channels.connect(providerOperator).closeByProvider(openId, 1n, 1_000n, openVoucher.signature)).to.emit(channels, "ChannelClaimed");
      await expect(channels.connect(providerOperator).closeByProvider(channelId, 0n, 0n, "0x")).to.emit(channels, "ChannelClosed");
    });
  });

  describe("conservation and invariant 6", function () {
    it("pays out exactly the deposits, to the unit, across top-ups, claims, a reopen and both closes", async function () {
      const f = await loadFixture(openFixture);
      const { channels, vault, usdc, clientOperator, providerOperator, channelId, clientId, providerId, sign, channelsAddress } = f;
      const vaultAddress = await vault.getAddress();
      const start = {
        client: await vault.balanceOf(clientId),
        provider: await vault.balanceOf(providerId),
        fees: await vault.accruedFees(),
        usdc: await usdc.balanceOf(vaultAddress),
      };
      let deposited = DEPOSIT;
      await channels.connect(clientOperator).topUp(channelId, 1_234_567n, fromTransfer());
      deposited += 1_234_567n;
      const claims = [1n, 999n, 1_000n, 333_333n, 1_234_567n, DEPOSIT + 1_234_567n - 1n];
      for (const cum of claims) {
        await channels.connect(providerOperator).claim(channelId, 1n, cum, (await sign(clientOperator, channelId, 1n, cum)).signature);
        const c = await channels.getChannel(channelId);
        expect(c.claimed).to.equal(cum);
        expect(c.claimed <= c.deposit).to.equal(true);
        expect(await vault.locked(channelsAddress)).to.equal(c.deposit - c.claimed);
      }
      await channels.connect(clientOperator).requestClose(channelId);
      await time.increase(GRACE + 1n);
      await channels.connect(clientOperator).finalizeClose(channelId);
      const epoch1Claimed = claims[claims.length - 1];
      // Epoch 2: from the balance, closed by the provider with a final voucher.
      await channels.connect(clientOperator).open(clientId, providerId, ZeroHash, ZeroAddress, 777_777n, fromTransfer());
      deposited += 777_777n;
      await channels.connect(providerOperator).closeByProvider(channelId, 2n, 500_001n, (await sign(clientOperator, channelId, 2n, 500_001n)).signature);
      const totalClaimed = epoch1Claimed + 500_001n;
      const fees = feeUp(epoch1Claimed, BigInt(FEE_BPS)) + feeUp(500_001n, BigInt(FEE_BPS));
      const end = {
        client: await vault.balanceOf(clientId),
        provider: await vault.balanceOf(providerId),
        fees: await vault.accruedFees(),
        usdc: await usdc.balanceOf(vaultAddress),
      };
      expect(end.provider - start.provider).to.equal(totalClaimed - fees);
      expect(end.fees - start.fees).to.equal(fees);
      expect(end.client - start.client).to.equal(deposited - totalClaimed);
      expect(end.provider - start.provider + (end.fees - start.fees) + (end.client - start.client)).to.equal(deposited);
      // The first deposit was already in the vault at `start`.
      expect(end.usdc - start.usdc).to.equal(deposited - DEPOSIT);
      expect(await vault.locked(channelsAddress)).to.equal(0n);
    });
  });
});
