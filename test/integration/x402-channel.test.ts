import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { x402Facilitator } from "@x402/core/facilitator";
import { HTTPFacilitatorClient } from "@x402/core/server";
import type { PaymentPayload, PaymentRequired, PaymentRequirements } from "@x402/core/types";
import { ExactEvmScheme as ExactFacilitatorScheme } from "@x402/evm/exact/facilitator";
import { decodePaymentResponseHeader, x402Client, x402HTTPClient } from "@x402/fetch";
import { expect } from "chai";
import { Wallet, ZeroHash } from "ethers";
import { ethers } from "hardhat";
import { type SignedVoucher, VoucherBook, VoucherSigner, claim, closeByProvider, fundFromBalance, openChannel } from "../../sdk/src/channels";
import {
  CHANNEL_SCHEME,
  ChannelEvmClientScheme,
  ChannelEvmFacilitatorScheme,
  ChannelEvmServerScheme,
  createPayingFetch,
  startFacilitatorServer,
  startProviderServer,
  toCaip2,
  toVoucherWire,
  toX402ClientSigner,
  toX402FacilitatorSigner,
} from "../../sdk/src/x402";
import { ERC1271WalletMock__factory } from "../../typechain-types";
import { FEE_BPS, USDC, withAgentsFixture } from "../fixtures/agora";

const PRICE = 1_000n; // $0.001
const CALLS = 1_000;
const DEPOSIT = 1_500_000n; // $1.50

/**
 * Agents and money from the shared fixture, warmed like PROTOCOL.md measures gas ("warm, repeat parties"): one
 * earlier channel was claimed and closed, so the provider's balance, the fee pot and both ledger counters are
 * already non-zero. The chain clock is no earlier than the wall clock (EIP-3009 windows use `Date.now()`).
 */
async function x402Fixture() {
  const base = await withAgentsFixture();
  const wallNow = Math.floor(Date.now() / 1000);
  if ((await time.latest()) < wallNow) await time.increaseTo(wallNow);
  const { chainId } = await ethers.provider.getNetwork();
  const channelsAddress = await base.channels.getAddress();
  const authorizer = new Wallet("0x" + "42".repeat(32));
  const warmSalt = ethers.toBeHex(0xffn, 32);
  const warm = await openChannel(base.channels.connect(base.clientOwner), {
    clientId: base.clientId,
    providerId: base.providerId,
    salt: warmSalt,
    amount: PRICE,
    payerAuthorizer: authorizer.address,
    funding: fundFromBalance(),
  });
  const warmVoucher = new VoucherSigner(authorizer.privateKey, { chainId, verifyingContract: channelsAddress }).sign({
    channelId: warm.channelId,
    epoch: 1n,
    cumulativeAmount: PRICE,
  });
  await closeByProvider(base.channels.connect(base.providerOperator), { channelId: warm.channelId, finalVoucher: warmVoucher });
  return {
    ...base,
    chainId,
    network: toCaip2(chainId),
    usdcAddress: await base.usdc.getAddress(),
    channelsAddress,
    facilitatorAccount: base.others[0],
    authorizer,
  };
}

type Fixture = Awaited<ReturnType<typeof x402Fixture>>;

/** Facilitator (exact + channel) and provider endpoint (offering both), each on 127.0.0.1:<free port>. */
async function startStack(f: Fixture) {
  const facilitator = new x402Facilitator()
    .register(f.network, new ExactFacilitatorScheme(await toX402FacilitatorSigner(f.facilitatorAccount)))
    .register(f.network, new ChannelEvmFacilitatorScheme({ channels: f.channels.connect(ethers.provider), chainId: f.chainId, asset: f.usdcAddress }));
  const facilitatorServer = await startFacilitatorServer({ facilitator });
  const book = new VoucherBook({ domain: { chainId: f.chainId, verifyingContract: f.channelsAddress } });
  let accepted = 0;
  const channelServer = new ChannelEvmServerScheme({ providerId: f.providerId, asset: f.usdcAddress, book, onVoucherAccepted: () => (accepted += 1) });
  // If some earlier test left the chain ahead of the wall clock, widen the EIP-3009 window to match.
  const skew = (await time.latest()) - Math.floor(Date.now() / 1000);
  const provider = await startProviderServer({
    facilitatorUrl: facilitatorServer.url,
    network: f.network,
    asset: { address: f.usdcAddress, name: "USD Coin", version: "2", decimals: 6 },
    price: "$0.001",
    exact: { payTo: f.providerOwner.address },
    channel: { scheme: channelServer, payTo: f.providerOperator.address },
    maxTimeoutSeconds: 300 + Math.max(0, skew),
  });
  return {
    facilitatorUrl: facilitatorServer.url,
    endpoint: provider.endpoint,
    book,
    accepted: () => accepted,
    close: async () => {
      await provider.close();
      await facilitatorServer.close();
    },
  };
}

/** Opens the client's channel (payer authorizer: a local key) and returns the x402 client scheme holding it. */
async function openClientChannel(f: Fixture) {
  const opened = await openChannel(f.channels.connect(f.clientOperator), {
    clientId: f.clientId,
    providerId: f.providerId,
    amount: DEPOSIT,
    payerAuthorizer: f.authorizer.address,
  });
  const scheme = new ChannelEvmClientScheme({
    authorizerKey: f.authorizer.privateKey,
    sessions: [
      {
        channels: f.channelsAddress,
        clientId: f.clientId,
        providerId: f.providerId,
        salt: ZeroHash,
        channelId: opened.channelId,
        epoch: opened.epoch,
        deposit: DEPOSIT,
        payerAuthorizer: f.authorizer.address,
        cumulative: 0n,
      },
    ],
  });
  return { channelId: opened.channelId, scheme };
}

/** The 402 the endpoint answers without payment, decoded. */
async function paymentRequired(endpoint: string): Promise<PaymentRequired> {
  const res = await fetch(endpoint);
  expect(res.status).to.equal(402);
  const body: unknown = await res.json().catch(() => undefined);
  return new x402HTTPClient(new x402Client()).getPaymentRequiredResponse((name) => res.headers.get(name), body);
}

describe("x402 flow: channel vouchers and exact on one endpoint", function () {
  it(`serves ${CALLS} calls at $0.001 paid by channel vouchers and settles them in ONE claim, every balance exact`, async function () {
    const f = await loadFixture(x402Fixture);
    const { channels, vault, ledger, usdc, clientOperator, providerOperator, clientId, providerId, channelsAddress, network, usdcAddress } = f;
    const stack = await startStack(f);
    try {
      const usdcBefore = await usdc.balanceOf(clientOperator.address);
      const clientBalanceBefore = await vault.balanceOf(clientId);
      const providerBalanceBefore = await vault.balanceOf(providerId);
      const feesBefore = await vault.accruedFees();
      const earnedBefore = (await ledger.stats(providerId)).volumeEarned;
      const spentBefore = (await ledger.stats(clientId)).volumeSpent;

      const { channelId, scheme } = await openClientChannel(f);
      expect(await usdc.balanceOf(clientOperator.address)).to.equal(usdcBefore - DEPOSIT);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT);

      const { fetch: payFetch } = createPayingFetch({ network, channel: scheme, allowedAssets: [{ network, asset: usdcAddress }] });
      let last: Response | undefined;
      for (let i = 1; i <= CALLS; i++) {
        last = await payFetch(stack.endpoint);
        expect(last.status, `call ${i}`).to.equal(200);
        expect(await last.json()).to.deep.include({ ok: true, call: i });
      }
      const receipt = decodePaymentResponseHeader(last!.headers.get("PAYMENT-RESPONSE") ?? "");
      expect(receipt.success).to.equal(true);
      expect(receipt.transaction).to.equal("");
      expect(receipt.extra).to.deep.include({ deferred: true, channelId, cumulativeAmount: (PRICE * BigInt(CALLS)).toString() });

      // Off-chain: 1,000 vouchers booked, the client's confirmed total matches; on-chain: nothing moved yet.
      expect(stack.accepted()).to.equal(CALLS);
      expect(scheme.getSession(channelsAddress, providerId)?.cumulative).to.equal(PRICE * BigInt(CALLS));
      expect(stack.book.unclaimedTotal()).to.equal(PRICE * BigInt(CALLS));
      expect(await vault.balanceOf(providerId)).to.equal(providerBalanceBefore);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT);

      // ONE claim settles all 1,000 calls.
      const claimable = stack.book.claimable();
      expect(claimable.length).to.equal(1);
      const total = PRICE * BigInt(CALLS);
      const fee = (total * BigInt(FEE_BPS) + 9_999n) / 10_000n;
      const claimed = await claim(channels.connect(providerOperator), claimable[0]);
      expect([claimed.amount, claimed.fee, claimed.cumulativeAmount]).to.deep.equal([total, fee, total]);
      stack.book.markClaimed(channelId, 1n, claimed.cumulativeAmount);
      expect(stack.book.claimable()).to.deep.equal([]);
      // Gas goal: one claim of a 1,000-call voucher, amortized, <= 100 gas per paid call.
      expect(claimed.receipt.gasUsed / BigInt(CALLS)).to.be.at.most(100n);

      expect(await vault.balanceOf(providerId)).to.equal(providerBalanceBefore + total - fee);
      expect(await vault.accruedFees()).to.equal(feesBefore + fee);
      expect(await vault.locked(channelsAddress)).to.equal(DEPOSIT - total);
      expect((await ledger.stats(providerId)).volumeEarned).to.equal(earnedBefore + total);
      expect((await ledger.stats(clientId)).volumeSpent).to.equal(spentBefore + total);
      expect(await vault.balanceOf(clientId)).to.equal(clientBalanceBefore);

      // The provider closes; the unspent $0.50 returns to the client's protocol balance.
      const closed = await closeByProvider(channels.connect(providerOperator), { channelId });
      expect([closed.claimed, closed.refunded]).to.deep.equal([total, DEPOSIT - total]);
      expect(await vault.balanceOf(clientId)).to.equal(clientBalanceBefore + DEPOSIT - total);
      expect(await vault.locked(channelsAddress)).to.equal(0n);
      // Conservation to the unit.
      expect(total - fee + fee + (DEPOSIT - total)).to.equal(DEPOSIT);
      expect(await usdc.balanceOf(clientOperator.address)).to.equal(usdcBefore - DEPOSIT);
    } finally {
      await stack.close();
    }
  });

  it("serves the same endpoint paid with `exact` (EIP-3009), settled on-chain by the facilitator", async function () {
    const f = await loadFixture(x402Fixture);
    const { usdc, clientOperator, providerOwner, facilitatorAccount, network, usdcAddress } = f;
    const stack = await startStack(f);
    try {
      const { fetch: payFetch } = createPayingFetch({
        network,
        exact: await toX402ClientSigner(clientOperator),
        prefer: "exact",
        allowedAssets: [{ network, asset: usdcAddress }],
      });
      const payerBefore = await usdc.balanceOf(clientOperator.address);
      const payeeBefore = await usdc.balanceOf(providerOwner.address);
      const facilitatorUsdc = await usdc.balanceOf(facilitatorAccount.address);
      for (let i = 1; i <= 2; i++) {
        const res = await payFetch(stack.endpoint);
        expect(res.status).to.equal(200);
        expect(await res.json()).to.deep.include({ ok: true, call: i });
        const receipt = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE") ?? "");
        expect(receipt).to.deep.include({ success: true, network, payer: clientOperator.address });
        const tx = await ethers.provider.getTransactionReceipt(receipt.transaction);
        expect(tx?.status).to.equal(1);
        expect(tx?.from).to.equal(facilitatorAccount.address);
        expect(tx?.to).to.equal(usdcAddress);
      }
      expect(await usdc.balanceOf(clientOperator.address)).to.equal(payerBefore - 2n * PRICE);
      expect(await usdc.balanceOf(providerOwner.address)).to.equal(payeeBefore + 2n * PRICE);
      expect(await usdc.balanceOf(facilitatorAccount.address)).to.equal(facilitatorUsdc);
    } finally {
      await stack.close();
    }
  });

  it("advertises both schemes; defers channel settlement; refuses replayed, over-deposit and foreign vouchers", async function () {
    const f = await loadFixture(x402Fixture);
    const { network, channelsAddress, chainId, authorizer, providerId } = f;
    const stack = await startStack(f);
    try {
      const facilitatorClient = new HTTPFacilitatorClient({ url: stack.facilitatorUrl });
      const supported = await facilitatorClient.getSupported();
      expect(supported.kinds.map((k) => k.scheme).sort()).to.deep.equal([CHANNEL_SCHEME, "exact"]);
      expect(supported.kinds.find((k) => k.scheme === CHANNEL_SCHEME)?.extra).to.deep.equal({
        channels: channelsAddress,
        name: "Agora PaymentChannels",
        version: "1",
      });

      const required = await paymentRequired(stack.endpoint);
      expect(required.accepts.map((a) => a.scheme)).to.deep.equal(["exact", CHANNEL_SCHEME]);
      const channelReq = required.accepts.find((a) => a.scheme === CHANNEL_SCHEME) as PaymentRequirements;
      expect(channelReq).to.deep.include({ network, amount: PRICE.toString(), asset: f.usdcAddress, payTo: f.providerOperator.address });
      expect(channelReq.extra).to.deep.include({ channels: channelsAddress, providerId: providerId.toString() });

      const { channelId, scheme } = await openClientChannel(f);
      const client = new x402Client().register(network, scheme);
      client.setSpendControls({ allowedAssets: [{ network, asset: f.usdcAddress }] });
      const http = new x402HTTPClient(client);
      const send = (payload: PaymentPayload) => fetch(stack.endpoint, { headers: http.encodePaymentSignatureHeader(payload) });
      const reasonOf = async (res: Response): Promise<string | undefined> => {
        expect(res.status).to.equal(402);
        return http.getPaymentRequiredResponse((name) => res.headers.get(name), await res.json().catch(() => undefined)).error;
      };

      // A fresh voucher pays; the very same header sent again is refused as stale.
      const payload = await client.createPaymentPayload({ ...required, accepts: [channelReq] });
      expect((await send(payload)).status).to.equal(200);
      expect(await reasonOf(await send(payload))).to.equal("invalid_channel_voucher_stale");

      // The facilitator's /settle for a channel voucher moves nothing: settlement is the provider's claim.
      const signer = new VoucherSigner(authorizer.privateKey, { chainId, verifyingContract: channelsAddress });
      const withVoucher = (v: SignedVoucher): PaymentPayload => ({
        ...payload,
        payload: { ...payload.payload, voucher: toVoucherWire(v) },
      });
      const settled = await facilitatorClient.settle(withVoucher(signer.sign({ channelId, epoch: 1n, cumulativeAmount: 5_000n })), channelReq);
      expect(settled).to.deep.include({ success: true, transaction: "", amount: PRICE.toString() });
      expect(settled.extra).to.deep.include({ deferred: true, cumulativeAmount: "5000" });

      // Over the deposit, another chain's domain, another deployment's domain: 402 with the reason.
      expect(await reasonOf(await send(withVoucher(signer.sign({ channelId, epoch: 1n, cumulativeAmount: DEPOSIT + PRICE }))))).to.equal(
        "invalid_channel_voucher_exceeds_deposit",
      );
      const otherChain = new VoucherSigner(authorizer.privateKey, { chainId: 8453n, verifyingContract: channelsAddress });
      expect(await reasonOf(await send(withVoucher(otherChain.sign({ channelId, epoch: 1n, cumulativeAmount: 2n * PRICE }))))).to.equal(
        "invalid_channel_voucher_wrong_signer",
      );
      const otherContract = new VoucherSigner(authorizer.privateKey, { chainId, verifyingContract: f.usdcAddress });
      expect(await reasonOf(await send(withVoucher(otherContract.sign({ channelId, epoch: 1n, cumulativeAmount: 2n * PRICE }))))).to.equal(
        "invalid_channel_voucher_wrong_signer",
      );
      // A voucher of the right size but an increment below the price is refused by the provider's book.
      expect(await reasonOf(await send(withVoucher(signer.sign({ channelId, epoch: 1n, cumulativeAmount: PRICE + 1n }))))).to.equal(
        "invalid_channel_voucher_insufficient_increment",
      );
      expect(stack.accepted()).to.equal(1);
    } finally {
      await stack.close();
    }
  });

  it("pays from a channel whose payer authorizer is an ERC-1271 wallet; the provider claims the vouchers as they are", async function () {
    const f = await loadFixture(x402Fixture);
    const { channels, deployer, clientOperator, providerOperator, clientId, providerId, authorizer, network, usdcAddress, channelsAddress } = f;
    const stack = await startStack(f);
    try {
      const wallet = await new ERC1271WalletMock__factory(deployer).deploy(authorizer.address);
      const walletAddress = await wallet.getAddress();
      const salt = ethers.toBeHex(0x1271n, 32);
      const opened = await openChannel(channels.connect(clientOperator), { clientId, providerId, salt, amount: DEPOSIT, payerAuthorizer: walletAddress });
      const scheme = new ChannelEvmClientScheme({
        authorizerKey: authorizer.privateKey,
        sessions: [
          {
            channels: channelsAddress,
            clientId,
            providerId,
            salt,
            channelId: opened.channelId,
            epoch: opened.epoch,
            deposit: DEPOSIT,
            payerAuthorizer: walletAddress,
            cumulative: 0n,
          },
        ],
      });
      const { fetch: payFetch } = createPayingFetch({ network, channel: scheme, allowedAssets: [{ network, asset: usdcAddress }] });
      for (let i = 1; i <= 5; i++) expect((await payFetch(stack.endpoint)).status).to.equal(200);
      const claimable = stack.book.claimable();
      expect(claimable.map((v) => v.cumulativeAmount)).to.deep.equal([5n * PRICE]);
      const claimed = await claim(channels.connect(providerOperator), claimable[0]);
      expect(claimed.amount).to.equal(5n * PRICE);
      // Once the wallet refuses, so does the facilitator.
      await wallet.setRefuseAll(true);
      expect((await payFetch(stack.endpoint)).status).to.equal(402);
      expect(stack.accepted()).to.equal(5);
    } finally {
      await stack.close();
    }
  });
});
