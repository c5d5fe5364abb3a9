/**
 * The one way Agora measures the gas of a user-facing operation: `gasUsed` from the receipt on the Hardhat network,
 * warm (repeat parties: every balance, ledger record, counter and window slot the operation touches is already in
 * use), and cold where it differs (first registration of an owner, first job between two new agents).
 *
 * `measureOperations()` runs every operation once on one fresh deployment (`withControlsFixture`) and returns the
 * gas by key. `npm run bench` prints it against PROTOCOL.md §6, and the gas snapshot gate
 * (test/gas/gas-snapshot.test.ts) checks it against test/gas/snapshot.json: both call this function, so a figure in
 * the docs, in the bench and in the gate is the same measurement.
 *
 * Determinism: the figures depend only on the contracts and on this code. Signatures that are random (EIP-3009
 * nonces) are derived from a counter, limit windows are pinned inside one 3-hour period, and the x402 client's clock
 * is set to the chain's (see `withChainClock`), so a run is independent of the wall clock and of earlier tests.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { x402Facilitator } from "@x402/core/facilitator";
import type { PaymentRequirements } from "@x402/core/types";
import { ExactEvmScheme as ExactClientScheme } from "@x402/evm/exact/client";
import { ExactEvmScheme as ExactFacilitatorScheme } from "@x402/evm/exact/facilitator";
import { x402Client } from "@x402/fetch";
import { type ContractTransactionResponse, Wallet, toBeHex } from "ethers";
import { ethers } from "hardhat";
import { VoucherSigner } from "../../sdk/src/channels";
import { toCaip2, toX402ClientSigner, toX402FacilitatorSigner } from "../../sdk/src/x402";
import { USDC, signAgentWallet } from "../../test/fixtures/agora";
import { BUCKET, LONG_DEADLINE, nextPeriodStart, withControlsFixture } from "../../test/fixtures/controls";
import { CAPABILITIES, PRICE, REVIEW, RESULT, RULING_PERIOD, SPEC, Verdict } from "../../test/fixtures/jobs";
import { fromAuthorization, fromBalance, fromPermit, fromTransfer } from "../../test/helpers/funding";
import type { IAgoraVault } from "../../typechain-types";
import type { Goal } from "./figures";

export type Fixture = Awaited<ReturnType<typeof withControlsFixture>>;
type Funding = IAgoraVault.FundingStruct;
type Actor = HardhatEthersSigner | Wallet;

/** One measured operation: its label in the bench table and its PROTOCOL.md §6 goal, if it has one. */
export interface Operation {
  readonly label: string;
  readonly goal?: Goal;
}

/** PROTOCOL.md §6 goals of single operations. */
export const GOALS = {
  register: { op: "<=", limit: 120_000 },
  publish: { op: "<=", limit: 120_000 },
  feedback: { op: "<=", limit: 70_000 },
  lifecycleTransferFrom: { op: "<=", limit: 200_000 },
  lifecycleBalance: { op: "<=", limit: 150_000 },
} as const satisfies Record<string, Goal>;

/** Every operation the bench reports and the gate snapshots, by snapshot key, in table order. */
export const OPERATIONS = {
  "identity.register.uri26": { label: "register, 26-byte URI (warm: owner already holds an agent)", goal: GOALS.register },
  "identity.register.uri26.cold": { label: "register, 26-byte URI (cold: the owner's first agent)", goal: GOALS.register },
  "identity.register.uri60": { label: "register, 60-byte URI (warm)", goal: GOALS.register },
  "identity.register.uri60.cold": { label: "register, 60-byte URI (cold)", goal: GOALS.register },

  "listing.publish.tags1": { label: "publish a listing, 1 capability", goal: GOALS.publish },
  "listing.publish.tags3": { label: "publish a listing, 3 capabilities", goal: GOALS.publish },
  "listing.publish.tags8": { label: "publish a listing, 8 capabilities", goal: GOALS.publish },

  "job.create.balance": { label: "createJob, from the protocol balance" },
  "job.create.transferFrom": { label: "createJob, by transferFrom" },
  "job.create.permit": { label: "createJob, by EIP-2612 permit" },
  "job.create.authorization": { label: "createJob, by EIP-3009 receiveWithAuthorization" },
  "job.accept": { label: "accept (no collateral)" },
  "job.accept.collateral": { label: "accept, posting collateral from the balance" },
  "job.decline": { label: "decline" },
  "job.deliver": { label: "deliver" },
  "job.deliver.hashValidator": { label: "deliver, HashValidator approves and settles" },
  "job.approve": { label: "approve (pays provider, fee, ledger)" },
  "job.reject": { label: "reject (arbitration fee from the balance, MockArbitrator)" },
  "job.reject.committee": { label: "reject, committee arbitrator" },
  "job.reject.oracle": { label: "reject, AI-oracle arbitrator" },
  "job.release": { label: "release after the review window (pays provider, fee, ledger)" },
  "job.refund.deadline": { label: "refund after the deadline (accepted job, ledger)" },
  "job.refund.unaccepted": { label: "refund after the deadline (never accepted)" },
  "job.cancel": { label: "cancel" },
  "job.pollValidator": { label: "pollValidator (verdict Approved, settles)" },
  "job.rule.committee": { label: "rule via committee (the deciding 2-of-3 vote)" },
  "job.vote.committee": { label: "committee vote that does not decide" },
  "job.rule.oracle": { label: "rule via AI oracle (submitVerdict)" },
  "job.resolveByDefault": { label: "resolveByDefault (no ruling in time)" },
  "job.lifecycle.balance": { label: "job lifecycle, warm, from the balance (create+deliver+release)", goal: GOALS.lifecycleBalance },
  "job.lifecycle.transferFrom": { label: "job lifecycle, warm, by transferFrom", goal: GOALS.lifecycleTransferFrom },
  "job.lifecycle.balance.cold": { label: "job lifecycle, cold (two new agents), from the balance", goal: GOALS.lifecycleBalance },
  "job.lifecycle.transferFrom.cold": { label: "job lifecycle, cold (two new agents), by transferFrom", goal: GOALS.lifecycleTransferFrom },
  "job.feedback": { label: "feedback on a settled job (client rates provider)", goal: GOALS.feedback },
  "job.feedback.provider": { label: "feedback on a settled job (provider rates client)", goal: GOALS.feedback },

  "limits.createJob.owner": { label: "createJob by the owner (no limit check)" },
  "limits.createJob.operator": { label: "createJob by the operator, no caps set" },
  "limits.createJob.operatorLimited": { label: "createJob by the operator, per-tx + daily caps + allow-list" },
  "limits.createJob.operatorLimited.newPeriod": { label: "the same, first commitment of a new 3-hour period" },

  "channel.open.transferFrom": { label: "channel open (operator, transferFrom)" },
  "channel.open.balance": { label: "channel open (owner, protocol balance)" },
  "channel.reopen": { label: "channel reopen (next epoch)" },
  "channel.topUp": { label: "channel topUp" },
  "channel.claim.first": { label: "claim, first on a channel" },
  "channel.claim": { label: "claim, later on a channel" },
  "channel.claimMany.1": { label: "claimMany, 1 channel (total)" },
  "channel.claimMany.10": { label: "claimMany, 10 channels (total)" },
  "channel.claimMany.50": { label: "claimMany, 50 channels (total)" },
  "channel.requestClose": { label: "channel requestClose" },
  "channel.finalizeClose": { label: "channel finalizeClose" },
  "channel.closeByProvider": { label: "closeByProvider (no voucher)" },
  "channel.closeByProvider.withClaim": { label: "closeByProvider with a final claim" },
  "x402.exact.settle": { label: "x402 exact settlement (EIP-3009 transferWithAuthorization)" },
} as const satisfies Record<string, Operation>;

export type OperationKey = keyof typeof OPERATIONS;

export interface GasMeasurement {
  /** Gas by operation key (lifecycles are sums of their three transactions). */
  readonly gas: Record<OperationKey, bigint>;
  /** The transaction of each single-transaction figure (and `<key>.create|deliver|release` for lifecycles). */
  readonly txs: Record<string, string>;
  /** The fixture the figures were measured on (the bench traces and extends it). */
  readonly fixture: Fixture;
}

/** Mines `tx` and returns its receipt's `gasUsed` and hash. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<{ gas: bigint; hash: string }> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return { gas: receipt.gasUsed, hash: receipt.hash };
}

class Recorder {
  readonly gas: Partial<Record<OperationKey, bigint>> = {};
  readonly txs: Record<string, string> = {};

  async record(key: OperationKey, tx: Promise<ContractTransactionResponse>): Promise<bigint> {
    const { gas, hash } = await gasOf(tx);
    this.set(key, gas);
    this.txs[key] = hash;
    return gas;
  }

  set(key: OperationKey, gas: bigint): void {
    if (this.gas[key] !== undefined) throw new Error(`gas: ${key} measured twice`);
    this.gas[key] = gas;
  }

  result(): Record<OperationKey, bigint> {
    const missing = Object.keys(OPERATIONS).filter((k) => this.gas[k as OperationKey] === undefined);
    if (missing.length > 0) throw new Error(`gas: not measured: ${missing.join(", ")}`);
    return this.gas as Record<OperationKey, bigint>;
  }
}

/** A URI of exactly `length` bytes. */
export function uriOf(length: number): string {
  const prefix = "ipfs://";
  const body = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi".repeat(20);
  return prefix + body.slice(0, length - prefix.length);
}

/** `count` distinct capability tag hashes. */
export function capabilities(count: number): string[] {
  return Array.from({ length: count }, (_, i) => ethers.id(`capability-${i}`));
}

let walletCounter = 0;
/** A fresh funded EOA (deterministic key), as a never-seen party. */
export async function freshWallet(): Promise<Wallet> {
  walletCounter += 1;
  const wallet = new Wallet(ethers.id(`agora-bench-wallet-${walletCounter}`), ethers.provider);
  await ethers.provider.send("hardhat_setBalance", [wallet.address, toBeHex(10n ** 21n)]);
  return wallet;
}

let nonceCounter = 0;
/** A deterministic EIP-3009 nonce. */
function nextNonce(): string {
  nonceCounter += 1;
  return ethers.id(`agora-bench-nonce-${nonceCounter}`);
}

/**
 * Runs `fn` with `Date.now` following the chain's clock when the chain is ahead of the wall clock (earlier tests or
 * bench steps moved time forward): the x402 client and facilitator date EIP-3009 authorizations by `Date.now`.
 */
export async function withChainClock<T>(fn: () => Promise<T>): Promise<T> {
  const offset = ((await time.latest()) + 1) * 1000 - Date.now();
  if (offset <= 0) return fn();
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

/** Registers an agent for `owner` with `operator` as its agent wallet; returns its id. */
export async function registerWithOperator(f: Fixture, owner: Actor, operator: Actor, uri = "ipfs://agent"): Promise<bigint> {
  await (await f.registry.connect(owner)["register(string)"](uri)).wait();
  const agentId = await f.registry.totalAgents();
  const deadline = BigInt(await time.latest()) + 300n;
  const signature = await signAgentWallet(
    await f.registry.getAddress(),
    operator as HardhatEthersSigner,
    agentId,
    owner.address,
    await f.registry.walletNonce(agentId),
    deadline,
  );
  await (await f.registry.connect(owner).setAgentWallet(agentId, operator.address, deadline, signature)).wait();
  return agentId;
}

/**
 * The allowance the paying keys give the vault: large but finite. Circle's USDC (FiatToken) decrements an allowance
 * on every `transferFrom`, even an "infinite" one, while MockUSDC (OpenZeppelin ERC20) skips the write for
 * `MaxUint256`: a finite allowance makes MockUSDC pay what USDC pays.
 */
export const VAULT_ALLOWANCE = 10n ** 15n;

/** Mints `amount` to `account` and approves the vault for `VAULT_ALLOWANCE`. */
async function fundWallet(f: Fixture, account: Actor, amount: bigint): Promise<void> {
  await (await f.usdc.mint(account.address, amount)).wait();
  await (await f.usdc.connect(account).approve(f.vaultAddress, VAULT_ALLOWANCE)).wait();
}

/* SCENARIOS */

/** One x402 `exact` settlement (EIP-3009 transferWithAuthorization) through the official facilitator code, warm. */
async function measureX402Exact(f: Fixture, m: Recorder): Promise<void> {
  const { chainId } = await ethers.provider.getNetwork();
  const network = toCaip2(chainId);
  const usdcAddress = await f.usdc.getAddress();
  const [facilitatorKey] = f.others;
  const facilitator = new x402Facilitator().register(network, new ExactFacilitatorScheme(await toX402FacilitatorSigner(facilitatorKey)));
  const requirements: PaymentRequirements = {
    scheme: "exact",
    network,
    asset: usdcAddress,
    amount: "1000",
    payTo: f.providerOwner.address,
    maxTimeoutSeconds: 300,
    extra: { name: "USD Coin", version: "2" },
  };
  const client = new x402Client().register(network, new ExactClientScheme(await toX402ClientSigner(f.clientOperator)));
  client.setSpendControls({ allowedAssets: [{ network, asset: usdcAddress }] });
  const required = { x402Version: 2, resource: { url: "http://127.0.0.1/paid" }, accepts: [requirements] };
  await withChainClock(async () => {
    await facilitator.settle(await client.createPaymentPayload(required), requirements); // warms the payer and payee
    const settled = await facilitator.settle(await client.createPaymentPayload(required), requirements);
    if (!settled.success) throw new Error(`x402 exact settle failed: ${settled.errorReason}`);
    const receipt = await ethers.provider.getTransactionReceipt(settled.transaction);
    if (!receipt) throw new Error("x402 exact: no receipt");
    m.set("x402.exact.settle", receipt.gasUsed);
    m.txs["x402.exact.settle"] = receipt.hash;
  });
}

async function measureIdentity(f: Fixture, m: Recorder): Promise<void> {
  for (const [length, warmKey, coldKey] of [
    [26, "identity.register.uri26", "identity.register.uri26.cold"],
    [60, "identity.register.uri60", "identity.register.uri60.cold"],
  ] as const) {
    const owner = await freshWallet();
    await m.record(coldKey, f.registry.connect(owner)["register(string)"](uriOf(length)));
    await m.record(warmKey, f.registry.connect(owner)["register(string)"](uriOf(length)));
  }
}

async function measureListings(f: Fixture, m: Recorder): Promise<void> {
  const publish = (tags: number) =>
    f.listings.connect(f.providerOperator).publish(f.providerId, f.listingParams({ capabilities: capabilities(tags), metadataURI: uriOf(46) }));
  await m.record("listing.publish.tags1", publish(1));
  await m.record("listing.publish.tags3", publish(3));
  await m.record("listing.publish.tags8", publish(8));
}

interface LifecycleGas {
  create: bigint;
  deliver: bigint;
  release: bigint;
  total: bigint;
  feedback: bigint;
  hashes: { create: string; deliver: string; release: string; feedback: string };
}

/** One lifecycle (create by the client operator, deliver, release by a stranger) then the client's feedback. */
async function lifecycle(
  f: Fixture,
  parties: { clientId: bigint; listingId: bigint; client: Actor; provider: Actor },
  funding: Funding,
): Promise<LifecycleGas> {
  const { escrow, stranger } = f;
  const create = await gasOf(escrow.connect(parties.client).createJob(await f.jobParams(parties.listingId, { clientId: parties.clientId }), funding));
  const jobId = await escrow.totalJobs();
  const deliver = await gasOf(escrow.connect(parties.provider).deliver(jobId, RESULT, "ipfs://result"));
  await time.increase(REVIEW + 1n);
  const release = await gasOf(escrow.connect(stranger).release(jobId));
  const feedback = await gasOf(
    escrow.connect(parties.client).giveFeedback(jobId, 90, "quality", "speed", "ipfs://feedback", ethers.id("feedback")),
  );
  return {
    create: create.gas,
    deliver: deliver.gas,
    release: release.gas,
    total: create.gas + deliver.gas + release.gas,
    feedback: feedback.gas,
    hashes: { create: create.hash, deliver: deliver.hash, release: release.hash, feedback: feedback.hash },
  };
}

function recordLifecycle(m: Recorder, key: OperationKey, g: LifecycleGas): void {
  m.set(key, g.total);
  m.txs[`${key}.create`] = g.hashes.create;
  m.txs[`${key}.deliver`] = g.hashes.deliver;
  m.txs[`${key}.release`] = g.hashes.release;
}

/** Two new agents (fresh owners and operators): a client with $10,000 in its balance and wallet, a provider with one listing. */
async function newPair(f: Fixture) {
  const [clientOwner, client, providerOwner, provider] = [await freshWallet(), await freshWallet(), await freshWallet(), await freshWallet()];
  const clientId = await registerWithOperator(f, clientOwner, client, "ipfs://client");
  const providerId = await registerWithOperator(f, providerOwner, provider, "ipfs://provider");
  await fundWallet(f, clientOwner, 10_000n * USDC);
  await fundWallet(f, client, 10_000n * USDC);
  await (await f.vault.connect(clientOwner).deposit(clientId, 10_000n * USDC, fromTransfer())).wait();
  await (await f.listings.connect(provider).publish(providerId, f.listingParams())).wait();
  const listingId = await f.listings.totalListings();
  return { clientId, providerId, listingId, client, provider };
}

async function measureLifecycles(f: Fixture, m: Recorder, listingId: bigint): Promise<void> {
  const parties = { clientId: f.clientId, listingId, client: f.clientOperator, provider: f.providerOperator };
  // Cold: the first job between two new agents (their ledger records, the provider's balance start at zero).
  const coldBalance = await lifecycle(f, await newPair(f), fromBalance());
  recordLifecycle(m, "job.lifecycle.balance.cold", coldBalance);
  const coldTransfer = await lifecycle(f, await newPair(f), fromTransfer());
  recordLifecycle(m, "job.lifecycle.transferFrom.cold", coldTransfer);

  // Warm: each funding path twice; the second run is the figure.
  await lifecycle(f, parties, fromBalance());
  const balance = await lifecycle(f, parties, fromBalance());
  await lifecycle(f, parties, fromTransfer());
  const transfer = await lifecycle(f, parties, fromTransfer());
  recordLifecycle(m, "job.lifecycle.balance", balance);
  recordLifecycle(m, "job.lifecycle.transferFrom", transfer);
  m.set("job.create.balance", balance.create);
  m.txs["job.create.balance"] = balance.hashes.create;
  m.set("job.create.transferFrom", transfer.create);
  m.txs["job.create.transferFrom"] = transfer.hashes.create;
  m.set("job.deliver", balance.deliver);
  m.txs["job.deliver"] = balance.hashes.deliver;
  m.set("job.release", balance.release);
  m.txs["job.release"] = balance.hashes.release;
  m.set("job.feedback", balance.feedback);
  m.txs["job.feedback"] = balance.hashes.feedback;
  if (transfer.deliver !== balance.deliver || transfer.release !== balance.release) {
    throw new Error("gas: delivery and release must not depend on how the job was funded");
  }

  // The provider rates the client on the last job (the client rated first), after rating it once before (warm).
  const jobId = await f.escrow.totalJobs();
  await (await f.escrow.connect(f.providerOperator).giveFeedback(jobId - 1n, 80, "clarity", "", "ipfs://feedback", ethers.id("warm-up"))).wait();
  await m.record(
    "job.feedback.provider",
    f.escrow.connect(f.providerOperator).giveFeedback(jobId, 80, "clarity", "", "ipfs://feedback", ethers.id("feedback-provider")),
  );
}

async function measureFundingPaths(f: Fixture, m: Recorder, listingId: bigint): Promise<void> {
  const { usdc, escrow, clientOperator, vaultAddress } = f;
  const horizon = async () => BigInt(await time.latest()) + LONG_DEADLINE;
  const permit = async () => fromPermit(usdc, clientOperator, vaultAddress, PRICE, await horizon());
  const authorization = async () =>
    fromAuthorization(usdc, clientOperator, vaultAddress, PRICE, { validAfter: 0n, validBefore: await horizon(), nonce: nextNonce() });
  await f.hire(listingId, {}, clientOperator, await permit());
  await m.record("job.create.permit", escrow.connect(clientOperator).createJob(await f.jobParams(listingId), await permit()));
  await f.hire(listingId, {}, clientOperator, await authorization());
  await m.record("job.create.authorization", escrow.connect(clientOperator).createJob(await f.jobParams(listingId), await authorization()));
  // The permit replaced the operator's approval: restore it for the transferFrom paths that follow.
  await (await usdc.connect(clientOperator).approve(vaultAddress, VAULT_ALLOWANCE)).wait();
}

/** Runs `scenario` twice (the first run warms every slot it touches) and records the second run under `key`. */
async function warm(m: Recorder, key: OperationKey, scenario: () => Promise<ContractTransactionResponse>): Promise<void> {
  await (await scenario()).wait();
  await m.record(key, scenario());
}

async function measureJobSteps(f: Fixture, m: Recorder, listingId: bigint): Promise<void> {
  const { escrow, clientOperator, providerOperator, stranger } = f;
  const asClient = escrow.connect(clientOperator);
  const asProvider = escrow.connect(providerOperator);
  const delivered = async (listing: bigint, result = RESULT) => {
    const jobId = await f.hire(listing);
    await (await asProvider.deliver(jobId, result, "ipfs://result")).wait();
    return jobId;
  };
  const disputed = async (listing: bigint) => {
    const jobId = await delivered(listing);
    await (await asClient.reject(jobId, "ipfs://reason", fromBalance())).wait();
    return jobId;
  };

  await warm(m, "job.accept", async () => asProvider.accept(await f.hire(listingId), fromBalance()));
  const collateralListing = await f.publish({ collateralBps: 5_000n });
  await warm(m, "job.accept.collateral", async () => asProvider.accept(await f.hire(collateralListing), fromBalance()));
  await warm(m, "job.decline", async () => asProvider.decline(await f.hire(listingId), "ipfs://busy"));
  await warm(m, "job.cancel", async () => asClient.cancel(await f.hire(listingId)));
  await warm(m, "job.approve", async () => asClient.approve(await delivered(listingId)));
  await warm(m, "job.reject", async () => asClient.reject(await delivered(listingId), "ipfs://reason", fromBalance()));

  await warm(m, "job.refund.unaccepted", async () => {
    const jobId = await f.hire(listingId);
    await time.increaseTo((await escrow.getJob(jobId)).deadline + 1n);
    return escrow.connect(stranger).refund(jobId);
  });
  await warm(m, "job.refund.deadline", async () => {
    const jobId = await f.hire(listingId);
    await (await asProvider.accept(jobId, fromBalance())).wait();
    await time.increaseTo((await escrow.getJob(jobId)).deadline + 1n);
    return escrow.connect(stranger).refund(jobId);
  });

  const hashListing = await f.publish({ validator: await f.hashValidator.getAddress() });
  await warm(m, "job.deliver.hashValidator", async () => {
    const jobId = await f.hire(hashListing, { specHash: SPEC });
    return asProvider.deliver(jobId, SPEC, "ipfs://result");
  });
  const mockListing = await f.publish({ validator: await f.mockValidator.getAddress() });
  await warm(m, "job.pollValidator", async () => {
    await (await f.mockValidator.setVerdict(Verdict.Pending)).wait();
    const jobId = await delivered(mockListing);
    await (await f.mockValidator.setVerdict(Verdict.Approved)).wait();
    return escrow.connect(stranger).pollValidator(jobId);
  });

  const committeeListing = await f.publish({ arbitrator: await f.committee.getAddress() });
  const oracleListing = await f.publish({ arbitrator: await f.oracleArbitrator.getAddress() });
  const [m1, m2] = f.members;
  await warm(m, "job.reject.committee", async () => asClient.reject(await delivered(committeeListing), "ipfs://reason", fromBalance()));
  await warm(m, "job.reject.oracle", async () => asClient.reject(await delivered(oracleListing), "ipfs://reason", fromBalance()));
  await warm(m, "job.vote.committee", async () => f.committee.connect(m1).vote(await disputed(committeeListing), 7_000n));
  await warm(m, "job.rule.committee", async () => {
    const jobId = await disputed(committeeListing);
    await (await f.committee.connect(m1).vote(jobId, 7_000n)).wait();
    return f.committee.connect(m2).vote(jobId, 7_000n);
  });
  await warm(m, "job.rule.oracle", async () =>
    f.oracleArbitrator.connect(f.oracle).submitVerdict(await disputed(oracleListing), 7_000n, ethers.id("reasoning"), "ipfs://reasoning"),
  );
  await warm(m, "job.resolveByDefault", async () => {
    const jobId = await disputed(listingId);
    await time.increase(RULING_PERIOD + 1n);
    return escrow.connect(stranger).resolveByDefault(jobId);
  });
}

/**
 * What a limit check adds to `createJob` (warm, from the balance, Fixed $100 listing, 60-day deadline): the owner,
 * the operator without caps, the operator under a per-tx cap + daily cap + allow-list (both jobs pinned inside one
 * 3-hour period, at a fixed ring position), and the first commitment of the next period (the ring moves its head).
 * Limits are removed after.
 */
async function measureLimits(f: Fixture, m: Recorder, listingId: bigint): Promise<void> {
  const { escrow, vault, clientId, providerId, clientOwner, clientOperator } = f;
  const params = async () => f.jobParams(listingId, { deadline: BigInt(await time.latest()) + LONG_DEADLINE });
  const twice = async (key: OperationKey, signer: HardhatEthersSigner, at?: bigint) => {
    if (at !== undefined) await time.setNextBlockTimestamp(at);
    await (await escrow.connect(signer).createJob(await params(), fromBalance())).wait();
    if (at !== undefined) await time.setNextBlockTimestamp(at + 60n);
    await m.record(key, escrow.connect(signer).createJob(await params(), fromBalance()));
  };
  await twice("limits.createJob.owner", clientOwner);
  await twice("limits.createJob.operator", clientOperator);

  await (await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 200n * USDC, dailyCap: 1_000n * USDC, allowlistOnly: true })).wait();
  await (await vault.connect(clientOwner).setAllowlisted(clientId, providerId, true)).wait();
  let period = nextPeriodStart(BigInt(await time.latest()), 2n);
  // Pin the ring position too: the bucket a period maps to (period index mod 9) decides which storage slots a
  // commitment touches (the same pin as test/integration/limits-gas.test.ts).
  while ((period / BUCKET) % 9n !== 3n) period += BUCKET;
  await twice("limits.createJob.operatorLimited", clientOperator, period + 100n);
  await time.setNextBlockTimestamp(period + BUCKET + 100n);
  await m.record("limits.createJob.operatorLimited.newPeriod", escrow.connect(clientOperator).createJob(await params(), fromBalance()));
  await (await vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 0n, dailyCap: 0n, allowlistOnly: false })).wait();
}

/** Channel parties and helpers: vouchers are signed by a dedicated payer authorizer key through the SDK. */
export async function channelKit(f: Pick<Fixture, "channels" | "clientId" | "providerId" | "clientOperator" | "providerOperator">) {
  const { channels, clientId, providerId } = f;
  const { chainId } = await ethers.provider.getNetwork();
  const authorizer = new Wallet("0x" + "42".repeat(32));
  const signer = new VoucherSigner(authorizer.privateKey, { chainId, verifyingContract: await channels.getAddress() });
  const salt = (n: number) => toBeHex(n, 32);
  const idOf = (s: string) => channels.channelIdOf(clientId, providerId, s);
  const sign = async (s: string, epoch: bigint, amount: bigint) => signer.sign({ channelId: await idOf(s), epoch, cumulativeAmount: amount });
  const asClient = channels.connect(f.clientOperator);
  const asProvider = channels.connect(f.providerOperator);
  const open = (s: string, amount: bigint) => asClient.open(clientId, providerId, s, authorizer.address, amount, fromTransfer());
  return { authorizer, signer, salt, idOf, sign, asClient, asProvider, open };
}

/** Calls per claim in the bench's micropayment figures: each voucher pays this many $0.001 calls. */
const CALLS = 1_000n;
const CALL_PRICE = 1_000n;

async function measureChannels(f: Fixture, m: Recorder): Promise<void> {
  const { channels, clientOwner, clientId, providerId } = f;
  const k = await channelKit(f);
  // Warm-up: one open + claim so every balance and counter the hot paths touch is already non-zero.
  await (await k.open(k.salt(1000), 10n * USDC)).wait();
  const w = await k.sign(k.salt(1000), 1n, CALLS * CALL_PRICE);
  await (await k.asProvider.claim(w.channelId, 1n, w.cumulativeAmount, w.signature)).wait();

  const deposit = 5n * USDC;
  await m.record("channel.open.transferFrom", k.open(k.salt(1), deposit));
  await m.record("channel.open.balance", channels.connect(clientOwner).open(clientId, providerId, k.salt(2), k.authorizer.address, deposit, fromBalance()));
  await m.record("channel.topUp", k.asClient.topUp(await k.idOf(k.salt(1)), USDC, fromTransfer()));
  const v1 = await k.sign(k.salt(1), 1n, CALLS * CALL_PRICE);
  await m.record("channel.claim.first", k.asProvider.claim(v1.channelId, 1n, v1.cumulativeAmount, v1.signature));
  const v2 = await k.sign(k.salt(1), 1n, 2n * CALLS * CALL_PRICE);
  await m.record("channel.claim", k.asProvider.claim(v2.channelId, 1n, v2.cumulativeAmount, v2.signature));

  // claimMany over N fresh channels of one provider (each voucher = 1,000 calls).
  let next = 10;
  for (const n of [1, 10, 50] as const) {
    const vouchers = [];
    for (let i = 0; i < n; i++) {
      await (await k.open(k.salt(next), 2n * USDC)).wait();
      vouchers.push(await k.sign(k.salt(next), 1n, CALLS * CALL_PRICE));
      next += 1;
    }
    await m.record(`channel.claimMany.${n}`, k.asProvider.claimMany(vouchers));
  }

  await m.record("channel.requestClose", k.asClient.requestClose(await k.idOf(k.salt(1))));
  await time.increase(24n * 3600n + 1n);
  await m.record("channel.finalizeClose", channels.connect(f.stranger).finalizeClose(await k.idOf(k.salt(1))));
  await m.record("channel.closeByProvider", k.asProvider.closeByProvider(await k.idOf(k.salt(2)), 0n, 0n, "0x"));
  await (await k.open(k.salt(3), deposit)).wait();
  const vf = await k.sign(k.salt(3), 1n, CALLS * CALL_PRICE);
  await m.record("channel.closeByProvider.withClaim", k.asProvider.closeByProvider(vf.channelId, 1n, vf.cumulativeAmount, vf.signature));
  await m.record("channel.reopen", k.open(k.salt(2), deposit));
}

/** Measures every operation of `OPERATIONS` on one fresh deployment. */
export async function measureOperations(): Promise<GasMeasurement> {
  const f = await withControlsFixture();
  const m = new Recorder();
  // The client's balance pays for every job below ($100 each); its operator pays by transferFrom from a finite allowance.
  await (await f.vault.connect(f.clientOwner).deposit(f.clientId, 100_000n * USDC, fromTransfer())).wait();
  for (const key of [f.clientOperator, f.providerOperator]) await (await f.usdc.connect(key).approve(f.vaultAddress, VAULT_ALLOWANCE)).wait();
  const listingId = await f.publish({ capabilities: CAPABILITIES });

  await measureX402Exact(f, m);
  await measureIdentity(f, m);
  await measureListings(f, m);
  await measureLifecycles(f, m, listingId);
  await measureFundingPaths(f, m, listingId);
  await measureJobSteps(f, m, listingId);
  await measureLimits(f, m, listingId);
  await measureChannels(f, m);
  return { gas: m.result(), txs: m.txs, fixture: f };
}

/** On-chain gas per paid call when one claim of `claimGas` settles `callsPerClaim` calls. */
export function gasPerCall(claimGas: bigint, callsPerClaim: number): number {
  return Number(claimGas) / callsPerClaim;
}
