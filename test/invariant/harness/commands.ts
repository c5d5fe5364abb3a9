import fc from "fast-check";
import { keccak256, toBeHex } from "ethers";
import type { Addr } from "./chain";
import { type Actions, type FundingKind, type ListingSpec, type VoucherKind } from "./actions";
import { BUCKET, BUCKETS, ChStatus, DAY, JobState, MAX_JOB_DURATION, RULING_PERIOD, UINT256_MAX, ZERO, ZERO_HASH } from "./model";
import { probeExits } from "./probes";
import { DRAIN, H1, H2, type Harness, ROLE, USDC } from "./world";

/*
 * The fuzz commands: every state-changing function of every Agora contract (registry, vault, listings, escrow,
 * channels, ledger writers, the reference arbitrators), the adversarial environment (blacklists, fee-on-transfer,
 * re-entrancy hook, ERC-1271 wallet refusing, arbitrator fees, validator verdicts), illegal calls, and time jumps
 * (plain, and to edge-1, edge, edge+1 of every deadline and window, where the open exits are probed).
 * Parameters are raw picks resolved against the model when the command runs, so every command is always
 * applicable and shrinking can drop any of them.
 */

export interface Ctx {
  h: Harness;
  a: Actions;
  /** Label of the transaction under way (so a failing command still prints what it did). */
  current?: string;
  /** What each command of the current run did, in order (printed for the shrunk counterexample). */
  log: string[];
  /** The commands of the current run, in order. */
  ran: Cmd[];
}

const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);

export class Cmd implements fc.AsyncCommand<Ctx, Ctx> {
  desc = "";
  /** The description from the last failing run this command took part in (what fast-check's report prints). */
  reported?: string;
  constructor(
    readonly name: string,
    readonly p: unknown,
    readonly body: (c: Ctx) => Promise<string>,
  ) {}
  check(): boolean {
    return true;
  }
  async run(_m: Ctx, c: Ctx): Promise<void> {
    c.h.counters.commands++;
    c.ran.push(this);
    this.desc = "";
    c.current = undefined;
    try {
      this.desc = await this.body(c);
      c.log.push(this.desc);
    } catch (e) {
      this.desc = `${c.current ?? this.name} -> FAILED`;
      c.log.push(this.desc);
      throw e;
    }
  }
  toString(): string {
    return this.reported ?? (this.desc || `${this.name} ${JSON.stringify(this.p, replacer)}`);
  }
}

/* PICKERS */

const OPERATOR_KEYS = [ROLE.opA, ROLE.opB, ROLE.opC, ROLE.opD, ROLE.opD, ROLE.opD];

function nAgents(c: Ctx): number {
  return c.h.s.agents.length;
}

/** Picks 0..6 map onto existing agents; 7 is an agent id that does not exist. */
function agentOf(c: Ctx, pick: number): bigint {
  const n = nAgents(c);
  return pick >= 7 ? BigInt(n + 1) : BigInt(1 + (pick % n));
}

/** 0 owner, 1 operator (the agent's wallet, or its usual key when unset), 2 stranger, 3 another agent's owner, 4 W2. */
function actor(c: Ctx, agentId: bigint, role: number): Addr {
  const E = c.h.chain.eoa;
  const a = c.h.s.agents[Number(agentId) - 1];
  switch (role % 5) {
    case 0:
      return a ? a.owner : E[ROLE.stranger];
    case 1:
      if (a && a.explicit && a.wallet !== ZERO) return a.wallet;
      return E[OPERATOR_KEYS[(Number(agentId) - 1) % OPERATOR_KEYS.length] ?? ROLE.opD];
    case 2:
      return E[ROLE.stranger];
    case 3: {
      const other = c.h.s.agents[Number(agentId) % nAgents(c)];
      return other.owner;
    }
    default:
      return c.h.chain.w2;
  }
}

function pickJob(c: Ctx, world: number, pick: number, want: number[] | undefined): bigint {
  const jobs = c.h.s.worlds[world].jobs;
  if (jobs.length === 0) return 1n;
  if (pick === 0) return BigInt(jobs.length + 1); // unknown job
  const pool = want ? jobs.filter((j) => want.includes(j.state)) : jobs;
  const from = pool.length > 0 ? pool : jobs;
  return from[pick % from.length].id;
}

function pickChannel(c: Ctx, world: number, pick: number, want: number[] | undefined): string {
  const w = c.h.s.worlds[world];
  if (w.channelOrder.length === 0 || pick === 0) return keccak256(toBeHex(BigInt(pick) + 77n, 32)).toLowerCase();
  const pool = want ? w.channelOrder.filter((id) => want.includes(w.channels[id].status)) : w.channelOrder;
  const from = pool.length > 0 ? pool : w.channelOrder;
  return from[pick % from.length];
}

function pickListing(c: Ctx, world: number, pick: number): bigint {
  const n = c.h.s.worlds[world].listings.length;
  if (n === 0 || pick === 0) return BigInt(n + 1);
  return BigInt(1 + (pick % n));
}

/* ARBITRARIES */

const world = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.constant(1), weight: 1 });
const agentPick = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 6 }), weight: 20 }, { arbitrary: fc.constant(7), weight: 1 });
const role = fc.oneof({ arbitrary: fc.constantFrom(0, 1), weight: 6 }, { arbitrary: fc.constantFrom(2, 3, 4), weight: 1 });
const pick = fc.nat({ max: 1_000 });
const amountSel = fc.constantFrom(0n, 1n, 999n, 1_000n, 10_000n, 100_000n, 1_000_000n, 5_000_000n, 40_000_000n, 400_000_000n);
const funding: fc.Arbitrary<FundingKind> = fc.oneof(
  { arbitrary: fc.constantFrom<FundingKind>("balance", "transfer"), weight: 8 },
  { arbitrary: fc.constantFrom<FundingKind>("permit", "auth"), weight: 3 },
  {
    arbitrary: fc.constantFrom<FundingKind>("permitBadSigner", "permitExpired", "authExpired", "authReplay", "authBadSigner", "badLength"),
    weight: 1,
  },
);
const voucherKind: fc.Arbitrary<VoucherKind> = fc.oneof(
  { arbitrary: fc.constant<VoucherKind>("ok"), weight: 8 },
  { arbitrary: fc.constantFrom<VoucherKind>("wrongSigner", "wrongEpoch", "stale", "aboveDeposit", "otherChannel", "badLength"), weight: 2 },
);
const cumDelta = fc.constantFrom(1n, 999n, 1_000n, 123_456n, -1n /* the whole rest */, -2n /* one above the deposit */);
const share = fc.constantFrom(0n, 1n, 2_500n, 4_999n, 5_000n, 5_001n, 9_999n, 10_000n, 10_001n);

const listingSpec: fc.Arbitrary<ListingSpec> = fc.record({
  price: fc.constantFrom(1n, 9n, 999n, 2_500n, USDC, 10n * USDC),
  pricing: fc.oneof({ arbitrary: fc.constantFrom(0, 2), weight: 5 }, { arbitrary: fc.constant(1), weight: 1 }),
  sla: fc.constantFrom(60n, 600n, 3_600n, DAY),
  review: fc.constantFrom(60n, 3_600n, DAY, 30n * DAY),
  collateralBps: fc.constantFrom(0n, 0n, 2_000n, 5_000n, 10_000n),
  arbitrator: fc.nat({ max: 7 }),
  validator: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 7 }), weight: 2 }),
  bad: fc.oneof(
    { arbitrary: fc.constant<ListingSpec["bad"]>(""), weight: 12 },
    {
      arbitrary: fc.constantFrom<ListingSpec["bad"]>(
        "noCaps",
        "dupCap",
        "zeroCap",
        "zeroPrice",
        "badSla",
        "badReview",
        "highCollateral",
        "eoaArbitrator",
        "eoaValidator",
        "longUri",
      ),
      weight: 1,
    },
  ),
});

function cmd<T>(name: string, arb: fc.Arbitrary<T>, body: (c: Ctx, p: T) => Promise<string>): fc.Arbitrary<Cmd> {
  return arb.map((p) => new Cmd(name, p, (c) => body(c, p)));
}

async function run(c: Ctx, x: Parameters<Actions["run"]>[0] | undefined): Promise<string> {
  if (x === undefined) return "(no-op)";
  const e = await x;
  c.current = e.label;
  const r = await c.h.exec(e);
  return `${e.label} -> ${r.ok ? "ok" : r.error.name}`;
}

/* REGISTRY */

const registryCommands = [
  cmd(
    "Register",
    fc.record({
      who: fc.constantFrom(ROLE.buyer, ROLE.stranger),
      variant: fc.constantFrom("uri", "plain", "meta", "meta", "longUri", "tooMany", "badKey", "reserved"),
    }),
    async (c, p) => (nAgents(c) >= 6 ? "Register skipped (6 agents)" : run(c, c.a.register(c.h.chain.eoa[p.who], p.variant as never))),
  ),
  cmd(
    "ApproveAgentNft",
    fc.record({ agent: agentPick, role: fc.constantFrom(0, 0, 2), to: fc.constantFrom(ROLE.stranger, ROLE.buyer, -1) }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      return run(c, c.a.approveAgentNft(id, p.to < 0 ? ZERO : c.h.chain.eoa[p.to], actor(c, id, p.role)));
    },
  ),
  cmd(
    "SetApprovalForAll",
    fc.record({ agent: agentPick, operator: fc.constantFrom(ROLE.stranger, ROLE.buyer, -1), on: fc.boolean() }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      return run(c, c.a.setApprovalForAll(p.operator < 0 ? ZERO : c.h.chain.eoa[p.operator], p.on, actor(c, id, 0)));
    },
  ),
  cmd(
    "SetAgentWallet",
    fc.record({
      agent: agentPick,
      role: fc.constantFrom(0, 0, 0, 1, 2),
      wallet: fc.constantFrom(0, 1, 2, 3),
      kind: fc.constantFrom("ok", "ok", "ok", "wrongSigner", "expired", "tooFar", "staleNonce", "zero"),
    }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      const E = c.h.chain.eoa;
      const wallets = [E[OPERATOR_KEYS[(Number(id) - 1) % OPERATOR_KEYS.length] ?? ROLE.opD], c.h.chain.w2, E[ROLE.opD], E[ROLE.stranger]];
      return run(c, c.a.setAgentWallet(id, actor(c, id, p.role), wallets[p.wallet], p.kind as never));
    },
  ),
  cmd("UnsetAgentWallet", fc.record({ agent: agentPick, role }), async (c, p) => {
    const id = agentOf(c, p.agent);
    return run(c, c.a.unsetAgentWallet(id, actor(c, id, p.role)));
  }),
  cmd("Freeze", fc.record({ agent: agentPick, role: fc.constantFrom(0, 0, 1, 2), on: fc.boolean() }), async (c, p) => {
    const id = agentOf(c, p.agent);
    return run(c, c.a.setFrozen(id, p.on, actor(c, id, p.role)));
  }),
  cmd(
    "TransferAgent",
    fc.record({ agent: agentPick, role: fc.constantFrom(0, 0, 0, 1, 2), to: fc.constantFrom(ROLE.buyer, ROLE.oB, -1, ROLE.oA) }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      const to = p.to < 0 ? c.h.chain.w : c.h.chain.eoa[p.to];
      return run(c, c.a.transferAgent(id, to, actor(c, id, p.role)));
    },
  ),
  cmd("SetAgentURI", fc.record({ agent: agentPick, role, long: fc.boolean() }), async (c, p) => {
    const id = agentOf(c, p.agent);
    return run(c, c.a.setAgentURI(id, actor(c, id, p.role), p.long));
  }),
  cmd("SetMetadata", fc.record({ agent: agentPick, role, key: fc.constantFrom("model", "agentWallet", "") }), async (c, p) => {
    const id = agentOf(c, p.agent);
    return run(c, c.a.setMetadata(id, actor(c, id, p.role), p.key));
  }),
];

/* VAULT */

const pauseCommand = cmd(
  "Pause",
  fc.record({ world, toggle: fc.boolean(), on: fc.boolean(), who: fc.constantFrom(0, 0, 0, ROLE.guardian2, ROLE.stranger) }),
  async (c, p) => {
    const w = c.h.s.worlds[p.world];
    const on = p.toggle ? !w.paused : p.on;
    return run(c, c.a.pause(p.world, on, p.who === 0 ? w.guardian : c.h.chain.eoa[p.who]));
  },
);

const vaultCommands = [
  cmd("Deposit", fc.record({ world, agent: agentPick, role: fc.constantFrom(0, 1, 2), amount: amountSel, funding }), async (c, p) => {
    const id = agentOf(c, p.agent);
    return run(c, c.a.deposit(p.world, id, p.amount, actor(c, id, p.role), p.funding));
  }),
  cmd("Withdraw", fc.record({ world, agent: agentPick, role, amount: fc.constantFrom(0n, 1n, 1_000n, USDC, -1n, -2n) }), async (c, p) => {
    const id = agentOf(c, p.agent);
    const bal = c.h.s.worlds[p.world].balances[id.toString()] ?? 0n;
    const amount = p.amount === -1n ? bal : p.amount === -2n ? bal + 1n : p.amount;
    return run(c, c.a.withdraw(p.world, id, amount, actor(c, id, p.role)));
  }),
  cmd(
    "SetPayoutAddress",
    fc.record({ world, agent: agentPick, role, to: fc.constantFrom(ROLE.payout1, ROLE.payout2, -1, -2) }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      const to = p.to === -1 ? ZERO : p.to === -2 ? c.h.chain.w2 : c.h.chain.eoa[p.to];
      return run(c, c.a.setPayout(p.world, id, to, actor(c, id, p.role)));
    },
  ),
  cmd(
    "WithdrawCredit",
    fc.record({ world, arb: fc.nat({ max: 7 }), byOwner: fc.boolean(), amount: fc.constantFrom(0n, 1n, USDC, -1n) }),
    async (c, p) => {
      const E = c.h.chain.eoa;
      const a = c.h.chain.worlds[p.world].arbs[p.arb % c.h.chain.worlds[p.world].arbs.length];
      const credit = c.h.s.worlds[p.world].credits[a.addr] ?? 0n;
      const amount = p.amount === -1n ? credit : p.amount;
      const x = c.a.arbitratorWithdraw(p.world, p.arb, DRAIN, amount, p.byOwner ? E[ROLE.deployer] : E[ROLE.stranger]);
      // Arbitrators without a withdraw function: an EOA with no credit tries instead (illegal).
      return run(c, x ?? c.a.withdrawCredit(p.world, DRAIN, amount === 0n ? 0n : amount + 1n, E[ROLE.stranger]));
    },
  ),
  cmd("ClaimFees", fc.record({ world, who: fc.constantFrom(ROLE.stranger, ROLE.feeRecipient) }), async (c, p) =>
    run(c, c.a.claimFees(p.world, c.h.chain.eoa[p.who])),
  ),
  cmd(
    "SetSpendingLimits",
    fc.record({
      world,
      agent: agentPick,
      role: fc.constantFrom(0, 0, 0, 1),
      perTx: fc.constantFrom(0n, 1_000n, USDC, 10n * USDC),
      daily: fc.constantFrom(0n, 0n, USDC, 3n * USDC, 20n * USDC, 300n * USDC),
      allowlistOnly: fc.boolean(),
    }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      return run(c, c.a.setLimits(p.world, id, p.perTx, p.daily, p.allowlistOnly, actor(c, id, p.role)));
    },
  ),
  cmd(
    "SetAllowlisted",
    fc.record({ world, agent: agentPick, cp: agentPick, allowed: fc.boolean(), role: fc.constantFrom(0, 0, 1) }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      return run(c, c.a.setAllowlisted(p.world, id, agentOf(c, p.cp), p.allowed, actor(c, id, p.role)));
    },
  ),
  cmd(
    "ApproveCommitment",
    fc.record({
      world,
      agent: agentPick,
      cp: agentPick,
      amount: fc.constantFrom(0n, 1_000n, 5n * USDC, 50n * USDC),
      ttl: fc.constantFrom(0n, 60n, DAY),
      kind: fc.constantFrom("ok", "ok", "ok", "wrongSigner", "staleNonce", "expired"),
      role: fc.constantFrom(1, 2, 0),
    }),
    async (c, p) => {
      const id = agentOf(c, p.agent);
      return run(
        c,
        c.a.approveCommitment(p.world, id, agentOf(c, p.cp), p.amount, c.h.s.now + p.ttl, p.kind as never, actor(c, id, p.role)),
      );
    },
  ),
  cmd("CancelCommitmentApproval", fc.record({ world, agent: agentPick, role: fc.constantFrom(0, 0, 1) }), async (c, p) => {
    const id = agentOf(c, p.agent);
    return run(c, c.a.cancelApproval(p.world, id, actor(c, id, p.role)));
  }),
  pauseCommand,
  cmd("SetProtocolFee", fc.record({ world, bps: fc.constantFrom(0n, 1n, 100n, 333n, 500n, 501n), admin: fc.boolean() }), async (c, p) =>
    run(c, c.a.setProtocolFee(p.world, p.bps, p.admin ? c.h.s.worlds[p.world].admin : c.h.chain.eoa[ROLE.stranger])),
  ),
  cmd(
    "SetFeeRecipient",
    fc.record({ world, to: fc.constantFrom(ROLE.feeRecipient, ROLE.payout2, -1), admin: fc.boolean() }),
    async (c, p) =>
      run(
        c,
        c.a.setFeeRecipient(
          p.world,
          p.to < 0 ? ZERO : c.h.chain.eoa[p.to],
          p.admin ? c.h.s.worlds[p.world].admin : c.h.chain.eoa[ROLE.stranger],
        ),
      ),
  ),
  cmd("SetGuardian", fc.record({ world, to: fc.constantFrom(ROLE.guardian, ROLE.guardian2, -1), admin: fc.boolean() }), async (c, p) =>
    run(
      c,
      c.a.setGuardian(p.world, p.to < 0 ? ZERO : c.h.chain.eoa[p.to], p.admin ? c.h.s.worlds[p.world].admin : c.h.chain.eoa[ROLE.stranger]),
    ),
  ),
  cmd(
    "VaultOwnership",
    fc.record({
      world,
      step: fc.constantFrom("transfer", "transfer", "accept", "accept", "renounce"),
      to: fc.constantFrom(ROLE.deployer, ROLE.guardian2),
      who: fc.constantFrom(0, 1, 2),
    }),
    async (c, p) => {
      const w = c.h.s.worlds[p.world];
      const E = c.h.chain.eoa;
      const who = [
        w.admin === ZERO ? E[ROLE.deployer] : w.admin,
        w.pendingAdmin === ZERO ? E[ROLE.stranger] : w.pendingAdmin,
        E[ROLE.stranger],
      ][p.who];
      if (p.step === "renounce") return run(c, c.a.renounceOwnership(p.world, who));
      // With a transfer pending, "accept" is mostly made by the pending owner.
      if (p.step === "accept" && w.pendingAdmin !== ZERO && p.who !== 2) return run(c, c.a.acceptOwnership(p.world, w.pendingAdmin));
      return run(c, p.step === "transfer" ? c.a.transferOwnership(p.world, E[p.to], who) : c.a.acceptOwnership(p.world, who));
    },
  ),
  cmd("SetOracle", fc.record({ to: fc.constantFrom(ROLE.oracle, ROLE.stranger, -1), owner: fc.boolean() }), async (c, p) =>
    run(c, c.a.setOracle(p.to < 0 ? ZERO : c.h.chain.eoa[p.to], p.owner ? c.h.chain.eoa[ROLE.deployer] : c.h.chain.eoa[ROLE.stranger])),
  ),
  cmd(
    "IllegalCall",
    fc.record({ world, which: fc.nat({ max: 10 }), who: fc.constantFrom(ROLE.stranger, ROLE.deployer, ROLE.opA) }),
    async (c, p) => run(c, c.a.illegal(p.world, p.which, c.h.chain.eoa[p.who])),
  ),
  cmd("Donate", fc.record({ world, amount: fc.constantFrom(1n, 777n, USDC) }), async (c, p) =>
    run(c, c.a.donate(p.world, c.h.chain.eoa[ROLE.stranger], p.amount)),
  ),
];

/* LISTINGS */

const listingStatusCommand = cmd(
  "ListingStatus",
  fc.record({ world, listing: pick, role, op: fc.constantFrom("toggle", "toggle", "toggle", "pause", "resume", "retire") }),
  async (c, p) => {
    const lid = pickListing(c, p.world, p.listing);
    const l = c.h.s.worlds[p.world].listings[Number(lid) - 1];
    const op = p.op === "toggle" ? (l && l.status === 2 ? "resume" : "pause") : p.op;
    return run(c, c.a.listingStatus(p.world, lid, op as never, actor(c, l ? l.providerId : 1n, p.role)));
  },
);

const listingCommands = [
  cmd("Publish", fc.record({ world, provider: agentPick, role, spec: listingSpec }), async (c, p) => {
    const id = agentOf(c, p.provider);
    return run(c, c.a.publish(p.world, id, p.spec, actor(c, id, p.role)));
  }),
  cmd("UpdateListing", fc.record({ world, listing: pick, role, spec: listingSpec }), async (c, p) => {
    const lid = pickListing(c, p.world, p.listing);
    const l = c.h.s.worlds[p.world].listings[Number(lid) - 1];
    return run(c, c.a.updateListing(p.world, lid, p.spec, actor(c, l ? l.providerId : 1n, p.role)));
  }),
  listingStatusCommand,
];

/* ESCROW */

const LIVE = [JobState.Funded, JobState.Accepted, JobState.Delivered, JobState.Disputed];

const escrowCommands: [number, fc.Arbitrary<Cmd>][] = [
  [
    8,
    cmd(
      "CreateJob",
      fc.record({
        world,
        client: agentPick,
        role,
        listing: pick,
        price: fc.constantFrom("exact", "exact", "exact", "above", "above", "above", "above", "below"),
        deadline: fc.constantFrom("min", "min", "mid", "mid", "long", "long", "max", "min", "min-1", "max+1"),
        spec: fc.constantFrom(ZERO_HASH, H1, H1),
        terms: fc.constantFrom("current", "current", "current", "current", "current", "current", "current", "stale"),
        funding,
      }),
      async (c, p) => {
        const lid = pickListing(c, p.world, p.listing);
        const l = c.h.s.worlds[p.world].listings[Number(lid) - 1];
        const price = l ? l.price : USDC;
        const maxPrice = p.price === "exact" ? price : p.price === "above" ? price * 2n + 1n : price - 1n;
        const sla = l ? l.sla : 60n;
        const now = c.h.s.now;
        const deadline = {
          min: now + sla,
          mid: now + sla + 3_600n,
          long: now + sla + 3n * DAY,
          max: now + MAX_JOB_DURATION,
          "min-1": now + sla - 1n,
          "max+1": now + MAX_JOB_DURATION + 1n,
        }[p.deadline]!;
        const clientId = agentOf(c, p.client);
        const amount = l && l.pricing === 0 ? l.price : maxPrice;
        // The terms the client read: the listing's current ones, or (stale) some other terms.
        const currentTermsHash = l ? await c.a.termsHashOnChain(p.world, lid) : H2;
        const termsHash = p.terms === "current" ? currentTermsHash : H2;
        const input = { clientId, listingId: lid, maxPrice, deadline, specHash: p.spec, termsHash, currentTermsHash };
        return run(c, c.a.createJob(p.world, input, actor(c, clientId, p.role), p.funding, amount));
      },
    ),
  ],
  [
    1,
    cmd("Cancel", fc.record({ world, job: pick, role }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Funded]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.cancel(p.world, id, actor(c, j ? j.clientId : 1n, p.role)));
    }),
  ],
  [
    1,
    cmd("Decline", fc.record({ world, job: pick, role }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Funded]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.decline(p.world, id, actor(c, j ? j.providerId : 1n, p.role)));
    }),
  ],
  [
    4,
    cmd("Accept", fc.record({ world, job: pick, role, funding }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Funded]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.accept(p.world, id, actor(c, j ? j.providerId : 1n, p.role), p.funding));
    }),
  ],
  [
    6,
    cmd("Deliver", fc.record({ world, job: pick, role, result: fc.constantFrom(H1, H1, H2, ZERO_HASH) }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Funded, JobState.Accepted]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.deliver(p.world, id, p.result, actor(c, j ? j.providerId : 1n, p.role)));
    }),
  ],
  [
    3,
    cmd("Approve", fc.record({ world, job: pick, role }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Delivered]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.approve(p.world, id, actor(c, j ? j.clientId : 1n, p.role)));
    }),
  ],
  [
    3,
    cmd("Reject", fc.record({ world, job: pick, role, funding }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Delivered]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.reject(p.world, id, actor(c, j ? j.clientId : 1n, p.role), p.funding));
    }),
  ],
  [
    2,
    cmd("Release", fc.record({ world, job: pick }), async (c, p) =>
      run(c, c.a.release(p.world, pickJob(c, p.world, p.job, [JobState.Delivered]), c.h.chain.eoa[ROLE.stranger])),
    ),
  ],
  [
    2,
    cmd("Refund", fc.record({ world, job: pick }), async (c, p) =>
      run(c, c.a.refund(p.world, pickJob(c, p.world, p.job, [JobState.Funded, JobState.Accepted]), c.h.chain.eoa[ROLE.stranger])),
    ),
  ],
  [
    1,
    cmd("PollValidator", fc.record({ world, job: pick }), async (c, p) =>
      run(c, c.a.pollValidator(p.world, pickJob(c, p.world, p.job, [JobState.Delivered]), c.h.chain.eoa[ROLE.stranger])),
    ),
  ],
  [
    1,
    cmd("SubmitEvidence", fc.record({ world, job: pick, role, side: fc.boolean() }), async (c, p) => {
      const id = pickJob(c, p.world, p.job, [JobState.Disputed]);
      const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
      return run(c, c.a.submitEvidence(p.world, id, actor(c, j ? (p.side ? j.clientId : j.providerId) : 1n, p.role)));
    }),
  ],
  [
    3,
    cmd(
      "Rule",
      fc.record({
        world,
        job: pick,
        via: fc.oneof({ arbitrary: fc.constant(-1), weight: 4 }, { arbitrary: fc.nat({ max: 7 }), weight: 1 }),
        share,
        second: share,
        who: fc.nat({ max: 3 }),
      }),
      async (c, p) => {
        const id = pickJob(c, p.world, p.job, [JobState.Disputed]);
        const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
        const arbs = c.h.chain.worlds[p.world].arbs;
        let idx = p.via;
        if (idx < 0)
          idx = j
            ? Math.max(
                0,
                arbs.findIndex((a) => a.addr === j.arbitrator),
              )
            : 0;
        const E = c.h.chain.eoa;
        const kind = arbs[idx % arbs.length].kind;
        const who =
          kind === "committee"
            ? [E[ROLE.m1], E[ROLE.m2], E[ROLE.m3], E[ROLE.stranger]][p.who]
            : kind === "oracle" && p.who < 3
              ? c.h.s.oracleKey
              : E[ROLE.stranger];
        return run(c, c.a.rule(p.world, id, idx, p.share, p.second, who));
      },
    ),
  ],
  [
    2,
    cmd("ResolveByDefault", fc.record({ world, job: pick }), async (c, p) =>
      run(c, c.a.resolveByDefault(p.world, pickJob(c, p.world, p.job, [JobState.Disputed]), c.h.chain.eoa[ROLE.stranger])),
    ),
  ],
  [
    3,
    cmd(
      "GiveFeedback",
      fc.record({ world, job: pick, role, side: fc.boolean(), score: fc.constantFrom(0n, 37n, 100n, 101n) }),
      async (c, p) => {
        const id = pickJob(c, p.world, p.job, [JobState.Completed, JobState.Refunded, JobState.Resolved]);
        const j = c.h.s.worlds[p.world].jobs[Number(id) - 1];
        return run(c, c.a.giveFeedback(p.world, id, p.score, actor(c, j ? (p.side ? j.clientId : j.providerId) : 1n, p.role)));
      },
    ),
  ],
  [
    1,
    cmd("SetValidatorVerdict", fc.record({ world, verdict: fc.constantFrom(0, 1, 2) }), async (c, p) =>
      run(c, c.a.setMockVerdict(p.world, p.verdict)),
    ),
  ],
  [
    1,
    cmd(
      "SetArbitratorFee",
      fc.record({ world, arb: fc.nat({ max: 7 }), fee: fc.constantFrom(0n, 1n, USDC, 10n ** 30n), owner: fc.boolean() }),
      async (c, p) =>
        run(c, c.a.setArbitratorFee(p.world, p.arb, p.fee, p.owner ? c.h.chain.eoa[ROLE.deployer] : c.h.chain.eoa[ROLE.stranger])),
    ),
  ],
];

function cumFor(c: Ctx, world: number, id: string, delta: bigint): bigint {
  const ch = c.h.s.worlds[world].channels[id];
  const claimed = ch ? ch.claimed : 0n;
  const deposit = ch ? ch.deposit : 0n;
  if (delta === -1n) return deposit > claimed ? deposit : claimed + 1n;
  if (delta === -2n) return deposit + 1n;
  return claimed + delta;
}

const ACTIVE = [ChStatus.Open, ChStatus.Closing];

/** A hire that is valid unless the world's state says otherwise (limits, balances, pause, frozen keys...). */
const hire = cmd(
  "Hire",
  fc.record({
    listing: pick,
    client: fc.integer({ min: 0, max: 5 }),
    operator: fc.boolean(),
    late: fc.constantFrom(0n, 0n, 600n, 3_600n, 2n * DAY),
    quotedExtra: fc.constantFrom(0n, 1n, 999_999n),
    transfer: fc.boolean(),
    spec: fc.constantFrom(ZERO_HASH, H1, H1),
  }),
  async (c, p) => {
    const all: [number, bigint][] = [];
    c.h.s.worlds.forEach((w, wi) => w.listings.forEach((l) => l.status === 1 && l.pricing !== 1 && all.push([wi, l.id])));
    if (all.length === 0) return "hire: no hireable listing";
    const [wi, lid] = all[p.listing % all.length];
    const l = c.h.s.worlds[wi].listings[Number(lid) - 1];
    let clientId = BigInt(1 + (p.client % nAgents(c)));
    if (clientId === l.providerId) clientId = BigInt((Number(clientId) % nAgents(c)) + 1);
    const maxPrice = l.pricing === 0 ? l.price : l.price + p.quotedExtra;
    const termsHash = await c.a.termsHashOnChain(wi, lid);
    const input = {
      clientId,
      listingId: lid,
      maxPrice,
      deadline: c.h.s.now + l.sla + p.late,
      specHash: p.spec,
      termsHash,
      currentTermsHash: termsHash,
    };
    return run(c, c.a.createJob(wi, input, actor(c, clientId, p.operator ? 1 : 0), p.transfer ? "transfer" : "balance", maxPrice));
  },
);

/** A channel open that is valid unless the world's state says otherwise. */
const openHappy = cmd(
  "OpenChannelHappy",
  fc.record({
    world,
    client: fc.integer({ min: 0, max: 5 }),
    provider: fc.integer({ min: 1, max: 5 }),
    salt: fc.nat({ max: 2 }),
    operator: fc.boolean(),
    amount: fc.constantFrom(10_000n, USDC, 7n * USDC),
    transfer: fc.boolean(),
    authorizer: fc.constantFrom(0, 0, 0, 1, 2),
  }),
  async (c, p) => {
    const n = nAgents(c);
    const clientId = BigInt(1 + (p.client % n));
    const providerId = BigInt(1 + ((p.client + p.provider) % n));
    if (providerId === clientId) return "openChannelHappy: same agent";
    const authorizer = [ZERO, c.h.chain.w2, c.h.chain.w][p.authorizer];
    const amount = p.world === 0 ? p.amount : p.amount / 10n;
    return run(
      c,
      c.a.open(
        p.world,
        clientId,
        providerId,
        p.salt,
        authorizer,
        amount,
        actor(c, clientId, p.operator ? 1 : 0),
        p.transfer ? "transfer" : "balance",
      ),
    );
  },
);

/** A live job of either world, moved by a step its state allows (with the usual actor variants). */
const advanceJob = cmd(
  "AdvanceJob",
  fc.record({
    job: pick,
    step: fc.nat({ max: 99 }),
    role,
    funding,
    share,
    second: share,
    result: fc.constantFrom(H1, H1, H2, ZERO_HASH),
    score: fc.constantFrom(0n, 64n, 100n, 101n),
    side: fc.boolean(),
  }),
  async (c, p) => {
    const live: [number, bigint, number][] = [];
    const settled: [number, bigint][] = [];
    c.h.s.worlds.forEach((w, wi) =>
      w.jobs.forEach((j) => {
        if (LIVE.includes(j.state as never)) live.push([wi, j.id, j.state]);
        else if (j.state !== JobState.Cancelled && !j.unaccepted && !j.selfDealing && (!j.clientFb || !j.providerFb))
          settled.push([wi, j.id]);
      }),
    );
    if (live.length === 0 || (settled.length > 0 && p.step % 5 === 0)) {
      if (settled.length === 0) return "advanceJob: no job";
      const [wi, id] = settled[p.job % settled.length];
      const j = c.h.s.worlds[wi].jobs[Number(id) - 1];
      const from = !j.clientFb && (j.providerFb || p.side) ? j.clientId : j.providerId;
      return run(c, c.a.giveFeedback(wi, id, p.score, actor(c, from, p.role)));
    }
    const [wi, id, state] = live[p.job % live.length];
    const j = c.h.s.worlds[wi].jobs[Number(id) - 1];
    const client = actor(c, j.clientId, p.role);
    const provider = actor(c, j.providerId, p.role);
    const stranger = c.h.chain.eoa[ROLE.stranger];
    const k = p.step;
    const now = c.h.s.now;
    // Mostly the exits the spec opens at this time (the wrong-time attempts come from the single-call commands and
    // the edge probes); 10% of the time any step, to hit the closed side too.
    const timely = k >= 10;
    switch (state) {
      case JobState.Funded:
        if (timely && now > j.deadline)
          return run(c, k < 70 ? c.a.refund(wi, id, stranger) : k < 85 ? c.a.cancel(wi, id, client) : c.a.decline(wi, id, provider));
        if (k < 50) return run(c, j.collateralTerms ? c.a.accept(wi, id, provider, p.funding) : c.a.deliver(wi, id, p.result, provider));
        if (k < 70) return run(c, c.a.accept(wi, id, provider, p.funding));
        if (k < 80) return run(c, c.a.cancel(wi, id, client));
        if (k < 88) return run(c, c.a.decline(wi, id, provider));
        return run(c, c.a.refund(wi, id, stranger));
      case JobState.Accepted:
        if (timely && now > j.deadline) return run(c, c.a.refund(wi, id, stranger));
        if (k < 85) return run(c, c.a.deliver(wi, id, p.result, provider));
        return run(c, c.a.refund(wi, id, stranger));
      case JobState.Delivered:
        if (j.hasValidator && k % 7 === 0) return run(c, c.a.pollValidator(wi, id, stranger));
        if (k >= 90 && now <= j.reviewEnd) {
          c.h.warpTo(j.reviewEnd + BigInt(k % 3) - 1n);
          return (
            `warp to review edge t=${c.h.s.now}; ` +
            (await run(c, k % 2 === 0 ? c.a.release(wi, id, stranger) : c.a.reject(wi, id, client, p.funding)))
          );
        }
        if (timely && now > j.reviewEnd) return run(c, k < 70 ? c.a.release(wi, id, stranger) : c.a.approve(wi, id, client));
        if (k < 40) return run(c, c.a.approve(wi, id, client));
        if (k < 80) return run(c, c.a.reject(wi, id, client, p.funding));
        if (k < 92) return run(c, c.a.release(wi, id, stranger));
        return run(c, c.a.pollValidator(wi, id, stranger));
      default: {
        // Disputed: its own arbitrator rules (a committee needs two votes), the default applies, or evidence.
        if (k < 12) return run(c, c.a.submitEvidence(wi, id, p.side ? client : provider));
        if (k >= 80 && now <= j.disputedAt + RULING_PERIOD) {
          // Let the ruling period run out to its edge, then the default (or a late ruling) is tried there.
          c.h.warpTo(j.disputedAt + RULING_PERIOD + BigInt(k % 3) - 1n);
          const warped = `warp to ruling edge t=${c.h.s.now}; `;
          return (
            warped +
            (await run(
              c,
              k % 2 === 0
                ? c.a.resolveByDefault(wi, id, stranger)
                : (c.a.rule(
                    wi,
                    id,
                    Math.max(
                      0,
                      c.h.chain.worlds[wi].arbs.findIndex((a) => a.addr === j.arbitrator),
                    ),
                    p.share,
                    p.second,
                    c.h.chain.worlds[wi].arbs.find((a) => a.addr === j.arbitrator)?.kind === "oracle"
                      ? c.h.s.oracleKey
                      : c.h.chain.worlds[wi].arbs.find((a) => a.addr === j.arbitrator)?.kind === "committee"
                        ? c.h.chain.eoa[ROLE.m1]
                        : stranger,
                  ) ?? c.a.resolveByDefault(wi, id, stranger)),
            ))
          );
        }
        if ((timely && now > j.disputedAt + RULING_PERIOD) || k < 22) return run(c, c.a.resolveByDefault(wi, id, stranger));
        const arbs = c.h.chain.worlds[wi].arbs;
        const idx = Math.max(
          0,
          arbs.findIndex((a) => a.addr === j.arbitrator),
        );
        const E = c.h.chain.eoa;
        const kind = arbs[idx].kind;
        if (kind === "committee") {
          const d = c.h.s.worlds[wi].arbs[idx].disputes[id.toString()];
          const member = [E[ROLE.m1], E[ROLE.m2], E[ROLE.m3]].find((m) => !d || !d.voted[m]) ?? E[ROLE.m1];
          const shareToUse = d && Object.keys(d.votes).length > 0 && k % 2 === 0 ? BigInt(Object.keys(d.votes)[0]) : p.share;
          return run(c, c.a.rule(wi, id, idx, shareToUse, p.second, member));
        }
        if (kind === "silent") {
          // Nobody can rule: time passes until the default ruling opens.
          if (now <= j.disputedAt + RULING_PERIOD) {
            c.h.warpTo(j.disputedAt + RULING_PERIOD + BigInt(k % 3) - 1n);
            return `silent arbitrator: warp to t=${c.h.s.now}; ` + (await run(c, c.a.resolveByDefault(wi, id, stranger)));
          }
          return run(c, c.a.resolveByDefault(wi, id, stranger));
        }
        return run(c, c.a.rule(wi, id, idx, p.share, p.second, kind === "oracle" ? c.h.s.oracleKey : stranger));
      }
    }
  },
);

/** A live channel of either world, moved by a step its status allows. */
const advanceChannel = cmd(
  "AdvanceChannel",
  fc.record({
    ch: pick,
    step: fc.nat({ max: 99 }),
    role,
    delta: cumDelta,
    kind: voucherKind,
    amount: fc.constantFrom(1_000n, USDC),
    funding,
  }),
  async (c, p) => {
    const live: [number, string][] = [];
    c.h.s.worlds.forEach((w, wi) => w.channelOrder.forEach((id) => ACTIVE.includes(w.channels[id].status as never) && live.push([wi, id])));
    if (live.length === 0) return "advanceChannel: no channel";
    const [wi, id] = live[p.ch % live.length];
    const ch = c.h.s.worlds[wi].channels[id];
    const provider = actor(c, ch.providerId, p.role);
    const client = actor(c, ch.clientId, p.role);
    const k = p.step;
    if (ch.status === ChStatus.Closing && k >= 85 && c.h.s.now <= ch.graceEndsAt) {
      c.h.warpTo(ch.graceEndsAt + BigInt(k % 3) - 1n);
      const warped = `warp to grace edge t=${c.h.s.now}; `;
      return (
        warped +
        (await run(
          c,
          k % 2 === 0
            ? c.a.finalizeClose(wi, id, c.h.chain.eoa[ROLE.stranger])
            : c.a.claim(wi, id, cumFor(c, wi, id, p.delta), p.kind, provider),
        ))
      );
    }
    if (k < 45) return run(c, c.a.claim(wi, id, cumFor(c, wi, id, p.delta), p.kind, provider));
    if (k < 55)
      return run(
        c,
        ch.status === ChStatus.Open
          ? c.a.topUp(wi, id, p.amount, client, p.funding)
          : c.a.finalizeClose(wi, id, c.h.chain.eoa[ROLE.stranger]),
      );
    if (k < 75)
      return run(
        c,
        ch.status === ChStatus.Open ? c.a.requestClose(wi, id, client) : c.a.finalizeClose(wi, id, c.h.chain.eoa[ROLE.stranger]),
      );
    return run(c, c.a.closeByProvider(wi, id, k % 2 === 0, cumFor(c, wi, id, p.delta), p.kind, provider));
  },
);

/* CHANNELS */

const channelCommands: [number, fc.Arbitrary<Cmd>][] = [
  [
    5,
    cmd(
      "OpenChannel",
      fc.record({
        world,
        client: agentPick,
        provider: agentPick,
        salt: fc.nat({ max: 2 }),
        role,
        authorizer: fc.constantFrom(0, 0, 0, 1, 2, 3),
        amount: fc.constantFrom(0n, 1_000n, 100_000n, USDC, 7n * USDC),
        funding,
      }),
      async (c, p) => {
        const clientId = agentOf(c, p.client);
        let providerId = agentOf(c, p.provider);
        // Mostly two different agents; now and then the same one (ChannelSameAgent).
        if (providerId === clientId && p.salt !== 2) providerId = BigInt((Number(clientId) % nAgents(c)) + 1);
        const sender = actor(c, clientId, p.role);
        const E = c.h.chain.eoa;
        const authorizer = [ZERO, c.h.chain.w2, c.h.chain.w, E[ROLE.stranger]][p.authorizer];
        return run(c, c.a.open(p.world, clientId, providerId, p.salt, authorizer, p.amount, sender, p.funding));
      },
    ),
  ],
  [
    2,
    cmd("TopUp", fc.record({ world, ch: pick, role, amount: fc.constantFrom(0n, 1_000n, USDC), funding }), async (c, p) => {
      const id = pickChannel(c, p.world, p.ch, [ChStatus.Open]);
      const ch = c.h.s.worlds[p.world].channels[id];
      return run(c, c.a.topUp(p.world, id, p.amount, actor(c, ch ? ch.clientId : 1n, p.role), p.funding));
    }),
  ],
  [
    5,
    cmd("Claim", fc.record({ world, ch: pick, role, delta: cumDelta, kind: voucherKind }), async (c, p) => {
      const id = pickChannel(c, p.world, p.ch, ACTIVE);
      const ch = c.h.s.worlds[p.world].channels[id];
      return run(c, c.a.claim(p.world, id, cumFor(c, p.world, id, p.delta), p.kind, actor(c, ch ? ch.providerId : 1n, p.role)));
    }),
  ],
  [
    2,
    cmd(
      "ClaimMany",
      fc.record({
        world,
        items: fc.oneof(
          { arbitrary: fc.array(fc.record({ ch: pick, delta: cumDelta, kind: voucherKind }), { minLength: 1, maxLength: 4 }), weight: 9 },
          { arbitrary: fc.constant([]), weight: 1 },
        ),
        role,
      }),
      async (c, p) => {
        const items = (p.items as { ch: number; delta: bigint; kind: VoucherKind }[]).map((it) => {
          const id = pickChannel(c, p.world, it.ch, ACTIVE);
          return { channelId: id, cumulative: cumFor(c, p.world, id, it.delta), kind: it.kind };
        });
        // The same channel twice in a batch must be a strictly growing voucher: bump later ones.
        const seen: Record<string, bigint> = {};
        for (const it of items) {
          const last = seen[it.channelId];
          if (last !== undefined && it.cumulative <= last) it.cumulative = last + 1n;
          seen[it.channelId] = it.cumulative;
        }
        const first = items[0] ? c.h.s.worlds[p.world].channels[items[0].channelId] : undefined;
        return run(c, c.a.claimMany(p.world, items, actor(c, first ? first.providerId : 1n, p.role)));
      },
    ),
  ],
  [
    2,
    cmd("RequestClose", fc.record({ world, ch: pick, role }), async (c, p) => {
      const id = pickChannel(c, p.world, p.ch, [ChStatus.Open]);
      const ch = c.h.s.worlds[p.world].channels[id];
      return run(c, c.a.requestClose(p.world, id, actor(c, ch ? ch.clientId : 1n, p.role)));
    }),
  ],
  [
    2,
    cmd("FinalizeClose", fc.record({ world, ch: pick }), async (c, p) =>
      run(c, c.a.finalizeClose(p.world, pickChannel(c, p.world, p.ch, [ChStatus.Closing]), c.h.chain.eoa[ROLE.stranger])),
    ),
  ],
  [
    2,
    cmd(
      "CloseByProvider",
      fc.record({ world, ch: pick, role, voucher: fc.boolean(), delta: cumDelta, kind: voucherKind }),
      async (c, p) => {
        const id = pickChannel(c, p.world, p.ch, ACTIVE);
        const ch = c.h.s.worlds[p.world].channels[id];
        return run(
          c,
          c.a.closeByProvider(p.world, id, p.voucher, cumFor(c, p.world, id, p.delta), p.kind, actor(c, ch ? ch.providerId : 1n, p.role)),
        );
      },
    ),
  ],
];

/* ENVIRONMENT */

const BLACKLISTABLE = [ROLE.oA, ROLE.opA, ROLE.oB, ROLE.opB, ROLE.opC, ROLE.payout1, ROLE.feeRecipient, ROLE.stranger, -1];

const environmentCommands = [
  cmd("Blacklist", fc.record({ world, who: fc.constantFrom(...BLACKLISTABLE), on: fc.boolean() }), async (c, p) =>
    run(c, c.a.blacklist(p.world, p.who < 0 ? c.h.chain.w : c.h.chain.eoa[p.who], p.on)),
  ),
  cmd(
    "Mint",
    fc.record({
      world,
      who: fc.constantFrom(ROLE.oA, ROLE.opA, ROLE.oB, ROLE.opB, ROLE.opC, -1),
      amount: fc.constantFrom(USDC, 100n * USDC),
    }),
    async (c, p) => run(c, c.a.mint(p.world, p.who < 0 ? c.h.chain.w : c.h.chain.eoa[p.who], p.amount)),
  ),
  cmd(
    "ApproveVault",
    fc.record({ world, who: fc.constantFrom(ROLE.oA, ROLE.opA, ROLE.oB, ROLE.opB, ROLE.opC, -1), max: fc.boolean() }),
    async (c, p) => run(c, c.a.approveVault(p.world, p.who < 0 ? c.h.chain.w : c.h.chain.eoa[p.who], p.max ? UINT256_MAX : 0n)),
  ),
  cmd("SetFeeOnTransfer", fc.boolean(), async (c, on) => run(c, c.a.setFeeOnTransfer(on))),
  cmd("ArmReentrancy", fc.nat({ max: 4 }), async (c, which) => run(c, c.a.arm(which))),
  cmd("WalletRefusesSignatures", fc.record({ w2: fc.boolean(), on: fc.boolean() }), async (c, p) =>
    run(c, c.a.setRefuseAll(p.w2 ? c.h.chain.w2 : c.h.chain.w, p.on)),
  ),
];

/* TIME */

const EDGE_KINDS = [
  "deadline",
  "reviewEnd",
  "rulingEnd",
  "graceEnd",
  "approvalDeadline",
  "windowBucket",
  "windowExpiry",
  "onTimeBy",
] as const;

/** The edge of `kind` for an entity picked by `pick` (undefined when there is none). */
export function edgeOf(c: Ctx, worldIdx: number, kind: (typeof EDGE_KINDS)[number], pick: number): bigint | undefined {
  const w = c.h.s.worlds[worldIdx];
  const choose = <T>(xs: T[]): T | undefined => (xs.length === 0 ? undefined : xs[pick % xs.length]);
  switch (kind) {
    case "deadline":
      return choose(w.jobs.filter((j) => j.state === JobState.Funded || j.state === JobState.Accepted))?.deadline;
    case "onTimeBy":
      return choose(w.jobs.filter((j) => j.state === JobState.Funded || j.state === JobState.Accepted))?.onTimeBy;
    case "reviewEnd":
      return choose(w.jobs.filter((j) => j.state === JobState.Delivered))?.reviewEnd;
    case "rulingEnd": {
      const j = choose(w.jobs.filter((x) => x.state === JobState.Disputed));
      return j ? j.disputedAt + RULING_PERIOD : undefined;
    }
    case "graceEnd":
      return choose(Object.values(w.channels).filter((ch) => ch.status === ChStatus.Closing))?.graceEndsAt;
    case "approvalDeadline":
      return choose(Object.values(w.approvals).filter((a) => a.amount !== 0n))?.deadline;
    case "windowBucket":
      return (c.h.s.now / BUCKET + 1n) * BUCKET;
    case "windowExpiry": {
      const recs = Object.values(w.window).flat();
      const r = choose(recs);
      return r ? (r.p + BUCKETS) * BUCKET : undefined;
    }
  }
}

const timeCommands: [number, fc.Arbitrary<Cmd>][] = [
  [
    3,
    cmd("Warp", fc.constantFrom(1n, 59n, 601n, 3_601n, BUCKET, DAY, RULING_PERIOD + 1n, 30n * DAY), async (c, dt) => {
      c.h.warpTo(c.h.s.now + dt);
      return `warp +${dt}s -> next tx at ${c.h.s.now}`;
    }),
  ],
  [
    6,
    cmd(
      "WarpToEdge",
      fc.record({ world, kind: fc.constantFrom(...EDGE_KINDS), pick, delta: fc.constantFrom(-1n, 0n, 1n) }),
      async (c, p) => {
        // The preferred kind in the preferred world, else any edge that exists (a window bucket always does).
        let found: { world: number; kind: string; edge: bigint } | undefined;
        const edge = edgeOf(c, p.world, p.kind, p.pick);
        if (edge !== undefined && edge + p.delta > c.h.s.lastBlock) found = { world: p.world, kind: p.kind, edge };
        if (!found) {
          const all: { world: number; kind: string; edge: bigint }[] = [];
          for (let wi = 0; wi < c.h.s.worlds.length; wi++) {
            for (const kind of EDGE_KINDS) {
              const e = edgeOf(c, wi, kind, p.pick);
              if (e !== undefined && e + p.delta > c.h.s.lastBlock && kind !== "windowBucket") all.push({ world: wi, kind, edge: e });
            }
          }
          found =
            all.length > 0
              ? all[p.pick % all.length]
              : { world: p.world, kind: "windowBucket", edge: edgeOf(c, p.world, "windowBucket", 0)! };
        }
        const target = found.edge + p.delta;
        const what = `warpToEdge(${["usdc", "ft"][found.world]} ${found.kind} ${found.edge}${p.delta >= 0n ? "+" : ""}${p.delta})`;
        if (!c.h.warpTo(target)) return `${what}: in the past`;
        c.current = `${what} -> t=${target}, probing every open exit`;
        const probed = await probeExits(c.h, c.a);
        return `${what} -> t=${target}, ${probed} exits probed`;
      },
    ),
  ],
];

/** The guardian pause (invariant 9) and the listing pause/resume come up more often than other admin calls. */
const PAUSE_INDEX = vaultCommands.findIndex((c) => c === pauseCommand);
const LISTING_STATUS_INDEX = listingCommands.findIndex((c) => c === listingStatusCommand);

/** Every command, weighted. */
export function allCommands(): fc.Arbitrary<Cmd>[] {
  // Weights in tenths: the job and channel lifecycles dominate so that runs reach deep states; every other
  // function still comes up a few times per run on average.
  const weighted: { arbitrary: fc.Arbitrary<Cmd>; weight: number }[] = [
    ...registryCommands.map((arbitrary) => ({ arbitrary, weight: 4 })),
    ...vaultCommands.map((arbitrary, i) => ({ arbitrary, weight: i === PAUSE_INDEX ? 20 : 5 })),
    ...listingCommands.map((arbitrary, i) => ({ arbitrary, weight: i === LISTING_STATUS_INDEX ? 15 : 8 })),
    ...escrowCommands.map(([weight, arbitrary]) => ({ arbitrary, weight: weight * 5 })),
    ...channelCommands.map(([weight, arbitrary]) => ({ arbitrary, weight: weight * 5 })),
    ...environmentCommands.map((arbitrary) => ({ arbitrary, weight: 4 })),
    ...timeCommands.map(([weight, arbitrary]) => ({ arbitrary, weight: weight * 10 })),
    { arbitrary: advanceJob, weight: 300 },
    { arbitrary: advanceChannel, weight: 110 },
    { arbitrary: hire, weight: 120 },
    { arbitrary: openHappy, weight: 45 },
  ];
  return [fc.oneof(...weighted)];
}
