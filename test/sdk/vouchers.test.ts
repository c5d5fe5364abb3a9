import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { AbiCoder, TypedDataEncoder, Wallet, ZeroAddress, ZeroHash, keccak256 } from "ethers";
import { ethers } from "hardhat";
import {
  ChannelStatus,
  type ChannelsDomain,
  type SignedVoucher,
  VoucherBook,
  VoucherHasher,
  VoucherSigner,
  VoucherVerifier,
  claim,
  claimMany,
  closeByProvider,
  defaultBackend,
  ethersBackend,
  finalizeClose,
  getChannel,
  hashVoucher,
  nativeBackend,
  openChannel,
  requestClose,
  signVoucher,
  topUp,
  verifyVoucher,
  voucherDomain,
} from "../../sdk/src/channels";
import { USDC, withAgentsFixture } from "../fixtures/agora";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const DEPOSIT = 10n * USDC;

function highSTwin(signature: string): string {
  const bytes = ethers.getBytes(signature);
  const s = BigInt(ethers.hexlify(bytes.subarray(32, 64)));
  return ethers.concat([bytes.subarray(0, 32), ethers.toBeHex(SECP256K1_N - s, 32), ethers.toBeHex(bytes[64] === 27 ? 28 : 27, 1)]);
}

/** A channel whose vouchers are signed by a local key (so the fast signer can be used). */
async function sdkFixture() {
  const base = await withAgentsFixture();
  const { channels, clientOperator, clientId, providerId } = base;
  const { chainId } = await ethers.provider.getNetwork();
  const domain: ChannelsDomain = { chainId, verifyingContract: await channels.getAddress() };
  const authorizer = new Wallet("0x" + "11".repeat(32));
  const opened = await openChannel(channels.connect(clientOperator), { clientId, providerId, amount: DEPOSIT, payerAuthorizer: authorizer.address });
  const signer = new VoucherSigner(authorizer.privateKey, domain);
  return { ...base, domain, authorizer, signer, channelId: opened.channelId, opened };
}

describe("SDK: vouchers", function () {
  describe("hashing and signing", function () {
    it("VoucherHasher matches the generic EIP-712 encoder and the contract", async function () {
      const { channels, domain, channelId } = await loadFixture(sdkFixture);
      const hasher = new VoucherHasher(domain);
      expect(hasher.domainSeparator).to.equal(TypedDataEncoder.hashDomain(voucherDomain(domain)));
      for (const [epoch, amount] of [
        [1n, 0n],
        [1n, 1_000n],
        [(1n << 64n) - 1n, (1n << 128n) - 1n],
      ] as const) {
        const v = { channelId, epoch, cumulativeAmount: amount };
        expect(hasher.digestHex(v)).to.equal(hashVoucher(domain, v));
        expect(hasher.digestHex(v)).to.equal(await channels.voucherDigest(channelId, epoch, amount));
      }
    });

    it("rejects out-of-range fields", async function () {
      const { domain, channelId } = await loadFixture(sdkFixture);
      const hasher = new VoucherHasher(domain);
      expect(() => hasher.digest({ channelId, epoch: 1n << 64n, cumulativeAmount: 1n })).to.throw(RangeError);
      expect(() => hasher.digest({ channelId, epoch: 1n, cumulativeAmount: 1n << 128n })).to.throw(RangeError);
      expect(() => hasher.digest({ channelId: "0x1234", epoch: 1n, cumulativeAmount: 1n })).to.throw(RangeError);
    });

    it("signs byte-identically with an ethers Wallet, the ethers backend and the native backend", async function () {
      const { domain, channelId, authorizer } = await loadFixture(sdkFixture);
      const v = { channelId, epoch: 1n, cumulativeAmount: 123_456n };
      const viaWallet = await signVoucher(authorizer, domain, v);
      const viaEthers = new VoucherSigner(authorizer.privateKey, domain, ethersBackend).sign(v);
      const viaDefault = new VoucherSigner(authorizer.privateKey, domain, defaultBackend()).sign(v);
      expect(viaEthers.signature).to.equal(viaWallet.signature);
      expect(viaDefault.signature).to.equal(viaWallet.signature);
      const native = nativeBackend();
      if (native !== undefined) expect(new VoucherSigner(authorizer.privateKey, domain, native).sign(v).signature).to.equal(viaWallet.signature);
      expect(new VoucherSigner(authorizer.privateKey, domain).address).to.equal(authorizer.address);
    });

    it("produces vouchers the contract accepts", async function () {
      const { channels, providerOperator, signer, channelId } = await loadFixture(sdkFixture);
      const v = signer.sign({ channelId, epoch: 1n, cumulativeAmount: 5_000n });
      const res = await claim(channels.connect(providerOperator), v);
      expect(res.amount).to.equal(5_000n);
      expect(res.cumulativeAmount).to.equal(5_000n);
    });
  });

  describe("verifyVoucher", function () {
    async function cases() {
      const f = await sdkFixture();
      const channel = { epoch: 1n, deposit: DEPOSIT, claimed: 0n, payerAuthorizer: f.authorizer.address };
      const good = f.signer.sign({ channelId: f.channelId, epoch: 1n, cumulativeAmount: 2_000n });
      return { ...f, channel, good };
    }

    it("accepts a valid voucher and reports the signer and digest", async function () {
      const { domain, good, channel, authorizer } = await loadFixture(cases);
      const res = verifyVoucher({ domain, voucher: good, channel });
      expect(res).to.deep.equal({ valid: true, signer: authorizer.address, digest: new VoucherHasher(domain).digestHex(good) });
    });

    it("checks the domain, epoch, deposit and staleness like the contract", async function () {
      const { domain, good, channel, signer, channelId } = await loadFixture(cases);
      const r = (voucher: SignedVoucher, ch = channel, claimedDomain?: Partial<ChannelsDomain>) => verifyVoucher({ domain, voucher, channel: ch, claimedDomain });
      expect(r(good, channel, { chainId: 1n })).to.deep.include({ valid: false, reason: "domain_mismatch" });
      expect(r(good, channel, { verifyingContract: ZeroAddress })).to.deep.include({ valid: false, reason: "domain_mismatch" });
      expect(r(good, { ...channel, epoch: 2n })).to.deep.include({ valid: false, reason: "wrong_epoch" });
      expect(r(good, { ...channel, deposit: 1_999n })).to.deep.include({ valid: false, reason: "exceeds_deposit" });
      expect(r(good, { ...channel, deposit: 2_000n }).valid).to.equal(true);
      expect(r(good, { ...channel, claimed: 2_000n })).to.deep.include({ valid: false, reason: "stale" });
      expect(r(good, { ...channel, claimed: 1_999n }).valid).to.equal(true);
      expect(r(signer.sign({ channelId, epoch: 1n, cumulativeAmount: 0n }))).to.deep.include({ valid: false, reason: "stale" });
    });

    it("rejects other signers, other chains, high-s twins, bad v and bad lengths", async function () {
      const { domain, good, channel, channelId } = await loadFixture(cases);
      const stranger = Wallet.createRandom();
      const other = await signVoucher(stranger, domain, good);
      const res = verifyVoucher({ domain, voucher: other, channel });
      expect(res).to.deep.include({ valid: false, reason: "wrong_signer", signer: stranger.address });
      const otherChain = new VoucherSigner("0x" + "11".repeat(32), { ...domain, chainId: 8453n }).sign(good);
      expect(verifyVoucher({ domain, voucher: otherChain, channel })).to.deep.include({ valid: false, reason: "wrong_signer" });
      expect(verifyVoucher({ domain, voucher: { ...good, signature: highSTwin(good.signature) }, channel })).to.deep.include({
        valid: false,
        reason: "high_s",
      });
      const bytes = ethers.getBytes(good.signature);
      const rawV = ethers.concat([bytes.subarray(0, 64), "0x00"]);
      expect(verifyVoucher({ domain, voucher: { ...good, signature: rawV }, channel })).to.deep.include({ valid: false, reason: "invalid_signature" });
      const zeroR = ethers.concat([ZeroHash, bytes.subarray(32, 65)]);
      expect(verifyVoucher({ domain, voucher: { ...good, signature: zeroR }, channel })).to.deep.include({ valid: false, reason: "invalid_signature" });
      expect(verifyVoucher({ domain, voucher: { ...good, signature: ethers.hexlify(bytes.subarray(0, 64)) }, channel })).to.deep.include({
        valid: false,
        reason: "invalid_format",
      });
      expect(verifyVoucher({ domain, voucher: { ...good, channelId: keccak256("0x01") }, channel })).to.deep.include({
        valid: false,
        reason: "wrong_signer",
      });
      void channelId;
    });

    it("agrees with the contract on every case (claim staticCall)", async function () {
      const { channels, providerOperator, domain, signer, channelId, channel, good } = await loadFixture(cases);
      const stranger = new VoucherSigner(Wallet.createRandom().privateKey, domain);
      const vouchers: SignedVoucher[] = [
        good,
        { ...good, signature: highSTwin(good.signature) },
        stranger.sign(good),
        new VoucherSigner("0x" + "11".repeat(32), { ...domain, chainId: 1n }).sign(good),
        new VoucherSigner("0x" + "11".repeat(32), { ...domain, verifyingContract: ZeroAddress }).sign(good),
        signer.sign({ channelId, epoch: 1n, cumulativeAmount: DEPOSIT + 1n }),
        signer.sign({ channelId, epoch: 1n, cumulativeAmount: DEPOSIT }),
        signer.sign({ channelId, epoch: 2n, cumulativeAmount: 1n }),
        signer.sign({ channelId, epoch: 1n, cumulativeAmount: 0n }),
      ];
      for (const v of vouchers) {
        const offchain = verifyVoucher({ domain, voucher: v, channel }).valid;
        const onchain = await channels
          .connect(providerOperator)
          .claim.staticCall(v.channelId, v.epoch, v.cumulativeAmount, v.signature)
          .then(
            () => true,
            () => false,
          );
        expect(offchain, `voucher ${v.cumulativeAmount} epoch ${v.epoch}`).to.equal(onchain);
      }
    });

    it("VoucherVerifier gives the same answers with its key cache", async function () {
      const { domain, good, channel, signer, channelId } = await loadFixture(cases);
      const verifier = new VoucherVerifier(domain);
      const stranger = new VoucherSigner(Wallet.createRandom().privateKey, domain);
      const seq: SignedVoucher[] = [
        good,
        signer.sign({ channelId, epoch: 1n, cumulativeAmount: 3_000n }),
        stranger.sign({ channelId, epoch: 1n, cumulativeAmount: 4_000n }),
        { ...good, signature: highSTwin(good.signature) },
        signer.sign({ channelId, epoch: 1n, cumulativeAmount: DEPOSIT + 1n }),
      ];
      for (const v of seq) {
        expect(verifier.verify(v, channel)).to.deep.equal(verifyVoucher({ domain, voucher: v, channel }));
      }
    });
  });

  describe("v byte", function () {
    it("VoucherVerifier accepts the authorizer's signature with the other v once its key is known; the book hands it out fixed", async function () {
      const { channels, providerOperator, domain, signer, channelId, authorizer, providerId } = await loadFixture(sdkFixture);
      const channel = { epoch: 1n, deposit: DEPOSIT, claimed: 0n, payerAuthorizer: authorizer.address };
      const first = signer.sign({ channelId, epoch: 1n, cumulativeAmount: 1_000n });
      const second = signer.sign({ channelId, epoch: 1n, cumulativeAmount: 2_000n });
      const bytes = ethers.getBytes(second.signature);
      const flipped: SignedVoucher = { ...second, signature: ethers.concat([bytes.subarray(0, 64), ethers.toBeHex(bytes[64] === 27 ? 28 : 27, 1)]) };
      // Stateless check and contract agree: the flipped v recovers someone else.
      expect(verifyVoucher({ domain, voucher: flipped, channel })).to.deep.include({ valid: false, reason: "wrong_signer" });
      await expect(channels.connect(providerOperator).claim.staticCall(channelId, 1n, 2_000n, flipped.signature)).to.be.revertedWithCustomError(
        channels,
        "ChannelInvalidSignature",
      );
      // The book learns the key from the first voucher, accepts the flipped one, and returns it with the right v.
      const book = new VoucherBook({ domain });
      const snapshot = { channelId, epoch: 1n, deposit: DEPOSIT, claimed: 0n, payerAuthorizer: authorizer.address, providerId };
      expect(book.accept(first, snapshot).accepted).to.equal(true);
      expect(book.accept(flipped, snapshot).accepted).to.equal(true);
      expect(book.highest(channelId)?.signature).to.equal(second.signature);
      expect(book.claimable()[0].signature).to.equal(second.signature);
      await expect(claim(channels.connect(providerOperator), book.claimable()[0])).to.not.be.reverted;
      // canonicalize leaves a correct voucher unchanged and refuses a foreign one.
      const verifier = new VoucherVerifier(domain);
      expect(verifier.canonicalize(second, authorizer.address)).to.equal(second);
      expect(verifier.canonicalize(second, Wallet.createRandom().address)).to.equal(undefined);
    });
  });

  describe("VoucherBook", function () {
    async function bookFixture() {
      const f = await sdkFixture();
      const snapshot = { channelId: f.channelId, epoch: 1n, deposit: DEPOSIT, claimed: 0n, payerAuthorizer: f.authorizer.address, providerId: f.providerId };
      const at = (amount: bigint, epoch = 1n) => f.signer.sign({ channelId: f.channelId, epoch, cumulativeAmount: amount });
      // loadFixture caches returned objects: each test builds its own (stateful) book.
      const newBook = () => new VoucherBook({ domain: f.domain });
      return { ...f, newBook, snapshot, at };
    }

    it("keeps the highest voucher and refuses stale ones", async function () {
      const { newBook, snapshot, at, channelId } = await loadFixture(bookFixture);
      const book = newBook();
      expect(book.accept(at(1_000n), snapshot, 1_000n)).to.deep.include({ accepted: true, increment: 1_000n });
      expect(book.accept(at(2_000n), snapshot, 1_000n)).to.deep.include({ accepted: true, increment: 1_000n });
      expect(book.accept(at(2_000n), snapshot, 1_000n)).to.deep.equal({ accepted: false, reason: "stale", signer: undefined });
      expect(book.accept(at(1_500n), snapshot, 0n)).to.deep.include({ accepted: false, reason: "stale" });
      expect(book.accept(at(2_500n), snapshot, 1_000n)).to.deep.equal({ accepted: false, reason: "insufficient_increment" });
      expect(book.highest(channelId)?.cumulativeAmount).to.equal(2_000n);
      expect(book.acceptedAmount(channelId)).to.equal(2_000n);
    });

    it("refuses vouchers above the deposit, of another epoch, another channel or another signer", async function () {
      const { newBook, snapshot, at, domain, channelId } = await loadFixture(bookFixture);
      const book = newBook();
      expect(book.accept(at(DEPOSIT + 1n), snapshot)).to.deep.include({ accepted: false, reason: "exceeds_deposit" });
      expect(book.accept(at(1_000n, 2n), snapshot)).to.deep.include({ accepted: false, reason: "wrong_epoch" });
      const stranger = new VoucherSigner(Wallet.createRandom().privateKey, domain);
      expect(book.accept(stranger.sign({ channelId, epoch: 1n, cumulativeAmount: 1_000n }), snapshot)).to.deep.include({
        accepted: false,
        reason: "wrong_signer",
      });
      expect(book.accept(at(1_000n), { ...snapshot, channelId: keccak256("0x02") })).to.deep.equal({ accepted: false, reason: "channel_mismatch" });
      expect(book.highest(channelId)).to.equal(undefined);
    });

    it("check() does not store; a top-up in a fresher snapshot raises the ceiling", async function () {
      const { newBook, snapshot, at, channelId } = await loadFixture(bookFixture);
      const book = newBook();
      expect(book.check(at(1_000n), snapshot).accepted).to.equal(true);
      expect(book.highest(channelId)).to.equal(undefined);
      expect(book.accept(at(DEPOSIT + 5n), { ...snapshot, deposit: DEPOSIT + 5n }).accepted).to.equal(true);
      // An older snapshot (smaller deposit) does not lower what the book knows.
      expect(book.accept(at(DEPOSIT + 6n), { ...snapshot, deposit: DEPOSIT + 10n }).accepted).to.equal(true);
      expect(book.accept(at(DEPOSIT + 7n), snapshot).accepted).to.equal(true);
    });

    it("drops an old epoch's vouchers when a newer epoch appears and refuses older snapshots", async function () {
      const { newBook, snapshot, at, channelId } = await loadFixture(bookFixture);
      const book = newBook();
      book.accept(at(5_000n), snapshot);
      const epoch2 = { ...snapshot, epoch: 2n };
      expect(book.accept(at(1_000n, 2n), epoch2)).to.deep.include({ accepted: true, increment: 1_000n });
      expect(book.highest(channelId)?.epoch).to.equal(2n);
      expect(book.accept(at(9_000n, 1n), snapshot)).to.deep.include({ accepted: false, reason: "wrong_epoch" });
    });

    it("trusts an ERC-1271 verification for the signature only, and hands such vouchers out unchanged", async function () {
      const { newBook, snapshot, domain, channelId } = await loadFixture(bookFixture);
      const book = newBook();
      const walletSnapshot = { ...snapshot, payerAuthorizer: Wallet.createRandom().address, erc1271Verified: true };
      const owner = new VoucherSigner(Wallet.createRandom().privateKey, domain);
      const v = owner.sign({ channelId, epoch: 1n, cumulativeAmount: 1_000n });
      expect(book.accept(v, walletSnapshot, 1_000n)).to.deep.include({ accepted: true, increment: 1_000n });
      expect(book.accept(owner.sign({ channelId, epoch: 1n, cumulativeAmount: DEPOSIT + 1n }), walletSnapshot)).to.deep.include({
        accepted: false,
        reason: "exceeds_deposit",
      });
      expect(book.accept(v, walletSnapshot)).to.deep.include({ accepted: false, reason: "stale" });
      expect(book.claimable()).to.deep.equal([v]);
      // Without the flag the same voucher is someone else's signature.
      expect(newBook().accept(v, { ...walletSnapshot, erc1271Verified: false })).to.deep.include({ accepted: false, reason: "wrong_signer" });
    });

    it("lists claimable vouchers by provider, tracks claims and totals", async function () {
      const { newBook, snapshot, at, channelId, domain, authorizer } = await loadFixture(bookFixture);
      const book = newBook();
      const otherChannel = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [7n]));
      const otherSigner = new VoucherSigner(authorizer.privateKey, domain);
      book.accept(otherSigner.sign({ channelId: otherChannel, epoch: 1n, cumulativeAmount: 700n }), {
        ...snapshot,
        channelId: otherChannel,
        providerId: 1n,
      });
      book.accept(at(3_000n), snapshot);
      expect(book.claimable().map((v) => v.channelId)).to.deep.equal([otherChannel, channelId]);
      expect(book.unclaimedTotal()).to.equal(3_700n);
      book.markClaimed(channelId, 1n, 3_000n);
      expect(book.claimable().map((v) => v.channelId)).to.deep.equal([otherChannel]);
      expect(book.unclaimedTotal()).to.equal(700n);
      expect(book.accept(at(3_000n), snapshot)).to.deep.include({ accepted: false, reason: "stale" });
      book.forget(otherChannel);
      expect(book.claimable()).to.deep.equal([]);
    });
  });

  describe("actions", function () {
    it("open, topUp, claim, claimMany, requestClose, finalizeClose and closeByProvider return the decoded events", async function () {
      const { channels, vault, clientOperator, providerOperator, stranger, clientId, providerId, signer, channelId, opened, domain, authorizer } =
        await loadFixture(sdkFixture);
      expect(opened).to.deep.include({ channelId, epoch: 1n, deposit: DEPOSIT, sameOwner: false, payerAuthorizer: authorizer.address });
      expect(opened.feeBps).to.equal(BigInt(await vault.protocolFeeBps()));
      const asClient = channels.connect(clientOperator);
      const asProvider = channels.connect(providerOperator);
      expect(await topUp(asClient, { channelId, amount: 1_000n })).to.deep.include({ epoch: 1n, depositAfter: DEPOSIT + 1_000n });
      const c1 = await claim(asProvider, signer.sign({ channelId, epoch: 1n, cumulativeAmount: 1_000n }));
      expect([c1.amount, c1.fee, c1.cumulativeAmount]).to.deep.equal([1_000n, 10n, 1_000n]);

      const salt = ethers.toBeHex(1n, 32);
      const second = await openChannel(asClient, { clientId, providerId, salt, amount: DEPOSIT, payerAuthorizer: authorizer.address });
      const many = await claimMany(asProvider, [
        signer.sign({ channelId, epoch: 1n, cumulativeAmount: 3_000n }),
        new VoucherSigner(authorizer.privateKey, domain).sign({ channelId: second.channelId, epoch: 1n, cumulativeAmount: 5_000n }),
      ]);
      expect(many.total).to.equal(7_000n);
      expect(many.fees).to.equal(20n + 50n);
      expect(many.claims.map((c) => c.channelId)).to.deep.equal([channelId, second.channelId]);

      const rc = await requestClose(asClient, channelId);
      expect((await getChannel(channels, channelId)).status).to.equal(ChannelStatus.Closing);
      await time.increaseTo(rc.graceEndsAt + 1n);
      const fin = await finalizeClose(channels.connect(stranger), channelId);
      expect(fin).to.deep.include({ epoch: 1n, claimed: 3_000n, refunded: DEPOSIT + 1_000n - 3_000n });

      const last = new VoucherSigner(authorizer.privateKey, domain).sign({ channelId: second.channelId, epoch: 1n, cumulativeAmount: 6_000n });
      const closed = await closeByProvider(asProvider, { channelId: second.channelId, finalVoucher: last });
      expect(closed).to.deep.include({ epoch: 1n, claimed: 6_000n, refunded: DEPOSIT - 6_000n });
    });

    it("populate builds the same transactions unsigned", async function () {
      const { channels, providerOperator, signer, channelId } = await loadFixture(sdkFixture);
      const v = signer.sign({ channelId, epoch: 1n, cumulativeAmount: 2_000n });
      const tx = await claim.populate(channels, v);
      expect(tx.to).to.equal(await channels.getAddress());
      expect(tx.data).to.equal(channels.interface.encodeFunctionData("claim", [channelId, 1n, 2_000n, v.signature]));
      await (await providerOperator.sendTransaction(tx)).wait();
      expect((await getChannel(channels, channelId)).claimed).to.equal(2_000n);
      const batch = await claimMany.populate(channels, [v]);
      expect(batch.data.slice(0, 10)).to.equal(channels.interface.getFunction("claimMany").selector);
    });
  });
});
