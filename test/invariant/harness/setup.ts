import type { Addr } from "./chain";
import { Actions } from "./actions";
import { DAY, Pricing, type State, UINT256_MAX } from "./model";
import { Harness, ROLE, USDC, alignedStart, deployWorlds } from "./world";

/*
 * The base state every run starts from (snapshot): both worlds deployed, agents 1..4 registered (agent 3 owned by
 * the ERC-1271 FuzzWallet W, agent 4 owned by agent 1's owner so the pair self-deals), operators set, tokens
 * minted and approved, protocol balances deposited, and a few listings. Everything here goes through the same
 * executor as the fuzz commands, so the model is built by prediction, not by reading the chain.
 */

export interface Base {
  h: Harness;
  acts: Actions;
  state: State;
  prev: bigint[][];
}

export async function buildBase(): Promise<Base> {
  const { chain, state } = await deployWorlds();
  const h = new Harness(chain);
  h.s = state;
  const t0 = await alignedStart();
  h.s.now = t0;
  h.s.lastBlock = t0 - 1n;
  h.checkEveryTx = false;
  const a = new Actions(h);
  const E = chain.eoa;
  const must = async (x: Parameters<Actions["run"]>[0]) => {
    const e = await x;
    e.mustSucceed = true;
    await h.exec(e);
  };

  await must(a.register(E[ROLE.oA])); // 1
  await must(a.register(E[ROLE.oB])); // 2
  await must(a.register(chain.w)); // 3, owned by the ERC-1271 wallet
  await must(a.register(E[ROLE.oA])); // 4, same owner as 1
  await must(a.setAgentWallet(1n, E[ROLE.oA], E[ROLE.opA], "ok"));
  await must(a.setAgentWallet(2n, E[ROLE.oB], E[ROLE.opB], "ok"));
  await must(a.setAgentWallet(3n, chain.w, E[ROLE.opC], "ok"));

  const holders: Addr[] = [
    E[ROLE.oA],
    E[ROLE.opA],
    E[ROLE.oB],
    E[ROLE.opB],
    E[ROLE.opC],
    E[ROLE.stranger],
    E[ROLE.buyer],
    E[ROLE.opD],
    chain.w,
    chain.w2,
  ];
  for (const world of [0, 1]) {
    const unit = world === 0 ? USDC : USDC / 10n;
    for (const holder of holders) {
      await must(a.mint(world, holder, 1_000n * unit));
      await must(a.approveVault(world, holder, UINT256_MAX));
    }
    await must(a.deposit(world, 1n, 300n * unit, E[ROLE.oA], "transfer"));
    await must(a.deposit(world, 2n, 300n * unit, E[ROLE.oB], "transfer"));
    await must(a.deposit(world, 3n, 300n * unit, chain.w, "transfer"));
    await must(a.deposit(world, 4n, 300n * unit, E[ROLE.oA], "transfer"));
  }

  // Main world listings: arbitrators and validators by index (world.ts order).
  const l = (
    price: bigint,
    pricing: number,
    sla: bigint,
    review: bigint,
    collateralBps: bigint,
    arbitrator: number,
    validator: number,
  ) => ({
    price,
    pricing,
    sla,
    review,
    collateralBps,
    arbitrator,
    validator,
  });
  await must(a.publish(0, 2n, l(10n * USDC, Pricing.Fixed, 3_600n, 3_600n, 0n, 0, 0), E[ROLE.opB]));
  await must(a.publish(0, 3n, l(USDC, Pricing.Quoted, 60n, 60n, 5_000n, 6, 0), E[ROLE.opC]));
  await must(a.publish(0, 1n, l(2_500n, Pricing.Fixed, 600n, DAY, 10_000n, 7, 2), E[ROLE.opA]));
  await must(a.publish(0, 2n, l(1_000n, Pricing.PerCall, 60n, 60n, 0n, 1, 0), E[ROLE.opB]));
  await must(a.publish(0, 4n, l(5n * USDC, Pricing.Fixed, 300n, 600n, 0n, 2, 1), E[ROLE.oA]));
  await must(a.publish(0, 2n, l(3n * USDC, Pricing.Fixed, 120n, 120n, 2_000n, 5, 6), E[ROLE.oB]));
  await must(a.publish(0, 3n, l(2n * USDC, Pricing.Fixed, 60n, 300n, 0n, 3, 4), E[ROLE.opC]));
  await must(a.publish(0, 1n, l(1_000n, Pricing.Quoted, 3_600n, 600n, 0n, 1, 0), E[ROLE.opA]));
  await must(a.publish(0, 4n, l(4n * USDC, Pricing.Fixed, 600n, 600n, 0n, 4, 5), E[ROLE.oA]));
  await must(a.publish(0, 2n, l(USDC, Pricing.Fixed, 60n, 60n, 0n, 2, 3), E[ROLE.opB]));
  await must(a.publish(0, 1n, l(2n * USDC, Pricing.Fixed, 600n, 3_600n, 0n, 6, 7), E[ROLE.opA]));
  // Adversarial-token world.
  await must(a.publish(1, 2n, l((5n * USDC) / 10n, Pricing.Fixed, 600n, 600n, 0n, 0, 0), E[ROLE.opB]));
  await must(a.publish(1, 1n, l(USDC / 10n, Pricing.Quoted, 60n, 3_600n, 5_000n, 1, 1), E[ROLE.opA]));
  await must(a.publish(1, 3n, l((2n * USDC) / 10n, Pricing.Fixed, 60n, 60n, 0n, 2, 0), E[ROLE.opC]));
  await must(a.publish(1, 4n, l((3n * USDC) / 10n, Pricing.Fixed, 600n, 600n, 0n, 0, 2), E[ROLE.oA]));

  h.s.now = t0 + DAY;
  h.checkEveryTx = true;
  h.prev = [];
  await h.check("setup", true, true);
  return { h, acts: a, state: structuredClone(h.s), prev: h.prev.map((x) => [...x]) };
}
