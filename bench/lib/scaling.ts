/**
 * How gas grows with the work already on chain: the same operation measured at two sizes of prior state (jobs,
 * agents, listings, claims on a channel). An O(1) operation costs the same at both sizes, up to calldata bytes of a
 * larger id (16 gas per non-zero byte). Bench only (`npm run bench`): building 10,000 prior claims takes a while.
 */
import { time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { ethers } from "hardhat";
import { USDC } from "../../test/fixtures/agora";
import { REVIEW, RESULT, withEscrowFixture } from "../../test/fixtures/jobs";
import { fromBalance, fromTransfer } from "../../test/helpers/funding";
import { VAULT_ALLOWANCE, channelKit, gasOf, uriOf } from "./gas";

export interface ScalingRow {
  /** What is measured, e.g. "createJob". */
  readonly operation: string;
  /** What grows, e.g. "prior jobs". */
  readonly dimension: string;
  readonly small: number;
  readonly large: number;
  readonly gasSmall: bigint;
  readonly gasLarge: bigint;
}

export interface ScalingOptions {
  /** Prior jobs, agents and listings at the large size (default 1,000). */
  readonly priorLarge?: number;
  /** Prior claims on one channel at the large size (default 10,000). */
  readonly claimsLarge?: number;
  readonly log?: (line: string) => void;
}

/** Runs `count` transactions through `send`, mined one by one (automine). */
async function repeat(count: number, send: (i: number) => Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  for (let i = 0; i < count; i++) await (await send(i)).wait();
}

export async function measureScaling(options: ScalingOptions = {}): Promise<ScalingRow[]> {
  const large = options.priorLarge ?? 1_000;
  const claimsLarge = options.claimsLarge ?? 10_000;
  const log = options.log ?? (() => {});
  const f = await withEscrowFixture();
  const { escrow, listings, registry, vault, usdc, clientOwner, clientOperator, providerOperator, stranger, clientId, providerId } = f;
  await usdc.mint(clientOwner.address, 100_000n * USDC);
  await usdc.connect(clientOwner).approve(await vault.getAddress(), VAULT_ALLOWANCE);
  await vault.connect(clientOwner).deposit(clientId, 100_000n * USDC, fromTransfer());
  await usdc.mint(clientOperator.address, 100_000n * USDC);
  await usdc.connect(clientOperator).approve(await vault.getAddress(), VAULT_ALLOWANCE);
  const rows: ScalingRow[] = [];

  // Jobs: a warm lifecycle after `small` and after `large` jobs on the escrow (prior jobs are left Funded).
  const cheap = await f.publish({ price: 10_000n }); // $0.01, so 1,000 prior jobs cost $10
  const lifecycleAt = async () => {
    const create = await gasOf(escrow.connect(clientOperator).createJob(await f.jobParams(cheap, { maxPrice: 10_000n }), fromBalance()));
    const jobId = await escrow.totalJobs();
    const deliver = await gasOf(escrow.connect(providerOperator).deliver(jobId, RESULT, "ipfs://result"));
    await time.increase(REVIEW + 1n);
    const release = await gasOf(escrow.connect(stranger).release(jobId));
    return { create: create.gas, lifecycle: create.gas + deliver.gas + release.gas };
  };
  await lifecycleAt(); // warm-up
  const priorJobs = async (target: number) => {
    const have = Number(await escrow.totalJobs());
    const params = await f.jobParams(cheap, { maxPrice: 10_000n, deadline: BigInt(await time.latest()) + 30n * 86_400n });
    await repeat(target - have, () => escrow.connect(clientOperator).createJob(params, fromBalance()));
  };
  await priorJobs(10);
  const jobsSmall = await lifecycleAt();
  const small = Number(await escrow.totalJobs()) - 1;
  log(`  scaling: ${large} prior jobs`);
  await priorJobs(large);
  const jobsLarge = await lifecycleAt();
  const largeJobs = Number(await escrow.totalJobs()) - 1;
  rows.push({ operation: "createJob (from the balance)", dimension: "prior jobs", small, large: largeJobs, gasSmall: jobsSmall.create, gasLarge: jobsLarge.create });
  rows.push({ operation: "job lifecycle (create+deliver+release)", dimension: "prior jobs", small, large: largeJobs, gasSmall: jobsSmall.lifecycle, gasLarge: jobsLarge.lifecycle });

  // Agents: register (26-byte URI, warm owner) after ~10 and after `large` agents.
  const register = () => gasOf(registry.connect(stranger)["register(string)"](uriOf(26)));
  await register();
  await repeat(10 - Number(await registry.totalAgents()), () => registry.connect(stranger)["register(string)"](uriOf(26)));
  const agentsSmall = Number(await registry.totalAgents());
  const regSmall = await register();
  log(`  scaling: ${large} prior agents`);
  await repeat(large - agentsSmall - 1, () => registry.connect(stranger)["register(string)"](uriOf(26)));
  const agentsLarge = Number(await registry.totalAgents());
  const regLarge = await register();
  rows.push({ operation: "register (26-byte URI)", dimension: "prior agents", small: agentsSmall, large: agentsLarge, gasSmall: regSmall.gas, gasLarge: regLarge.gas });

  // Listings: publish (3 capabilities) after ~10 and after `large` listings.
  const params = f.listingParams({ capabilities: [1, 2, 3].map((i) => ethers.id(`capability-${i}`)) });
  const publish = () => gasOf(listings.connect(providerOperator).publish(providerId, params));
  await repeat(10 - Number(await listings.totalListings()), () => listings.connect(providerOperator).publish(providerId, params));
  const listingsSmall = Number(await listings.totalListings());
  const pubSmall = await publish();
  log(`  scaling: ${large} prior listings`);
  await repeat(large - listingsSmall - 1, () => listings.connect(providerOperator).publish(providerId, params));
  const listingsLarge = Number(await listings.totalListings());
  const pubLarge = await publish();
  rows.push({ operation: "publish (3 capabilities)", dimension: "prior listings", small: listingsSmall, large: listingsLarge, gasSmall: pubSmall.gas, gasLarge: pubLarge.gas });

  // Channel calls: claim after 1 and after `claimsLarge` claims on the same channel (each claim = 1 call of $0.001).
  const k = await channelKit(f);
  await (await k.open(k.salt(1000), 10n * USDC)).wait();
  const warmV = await k.sign(k.salt(1000), 1n, 1_000n);
  await (await k.asProvider.claim(warmV.channelId, 1n, warmV.cumulativeAmount, warmV.signature)).wait();
  const deposit = BigInt(claimsLarge + 10) * 1_000n;
  await (await k.open(k.salt(1), deposit)).wait();
  let claimed = 0n;
  const claimNext = async () => {
    claimed += 1_000n;
    const v = await k.sign(k.salt(1), 1n, claimed);
    return k.asProvider.claim(v.channelId, 1n, v.cumulativeAmount, v.signature);
  };
  await (await claimNext()).wait();
  const claimSmall = await gasOf(claimNext());
  log(`  scaling: ${claimsLarge} prior claims on one channel`);
  await repeat(claimsLarge - 2, () => claimNext());
  const claimLarge = await gasOf(claimNext());
  rows.push({ operation: "claim (1 call per claim)", dimension: "prior claims on the channel", small: 1, large: claimsLarge, gasSmall: claimSmall.gas, gasLarge: claimLarge.gas });
  return rows;
}
