import { type Wallet, ZeroHash, id as keccakId } from "ethers";
import { ethers } from "hardhat";
import {
  type Addr,
  type Decoded,
  type TxResult,
  addrOf,
  callAt,
  callPending,
  iface,
  localKeys,
  lower,
  parseUintArray,
  rpc,
  sendAt,
} from "./chain";
import {
  type Arb,
  type ArbKind,
  type FundingMeta,
  type Job,
  type State,
  type Token,
  type Val,
  type World,
  BUCKET,
  BUCKETS,
  DAY,
  FINAL_STATES,
  JOB_STATE_NAMES,
  LEGAL_TRANSITIONS,
  Revert,
  Sim,
  Source,
  UINT256_MAX,
  ZERO,
  simulate,
} from "./model";

/*
 * Deployment of the two fuzzed worlds (MockUSDC, and an adversarial FuzzToken with its own vault), the executor
 * that runs one transaction on the model and on the chain and compares them, and the checks run after every
 * transaction: model against chain for every figure the lens reads, plus invariants 1, 3, 6, 7, 8 checked on the
 * chain figures alone.
 */

export const USDC = 1_000_000n;
export const H1 = keccakId("fuzz: spec one");
export const H2 = keccakId("fuzz: something else");
export const DRAIN: Addr = "0x000000000000000000000000000000000000d1a1"; // never blacklisted; receives liveness withdrawals

/** Named signers: index into the Hardhat accounts. */
export const ROLE = {
  deployer: 0,
  guardian: 1,
  feeRecipient: 2,
  oracle: 3,
  oA: 4,
  opA: 5,
  oB: 6,
  opB: 7,
  cW: 8,
  opC: 9,
  stranger: 10,
  m1: 11,
  m2: 12,
  m3: 13,
  payout1: 14,
  buyer: 15,
  opD: 16,
  cW2: 17,
  guardian2: 18,
  payout2: 19,
} as const;

export interface WorldChain {
  token: Addr;
  vault: Addr;
  ledger: Addr;
  listings: Addr;
  escrow: Addr;
  channels: Addr;
  arbs: { addr: Addr; kind: ArbKind; label: string }[];
  vals: { addr: Addr; kind: "hash" | "mock" | "pending"; label: string }[];
  /** Addresses whose token balance the lens reads (every address the fuzzer can pay or fund). */
  holders: Addr[];
  /** Addresses whose vault credit the lens reads (only arbitrators are ever credited). */
  creditors: Addr[];
  chainId: bigint;
}

export interface ChainInfo {
  chainId: bigint;
  registry: Addr;
  lens: Addr;
  w: Addr; // FuzzWallet of cW: owner of agent 3
  w2: Addr; // FuzzWallet of cW2: candidate operator and voucher authorizer
  keys: Record<Addr, Wallet>; // EOA -> local key
  eoa: Addr[]; // by ROLE index
  labels: Record<Addr, string>;
  worlds: WorldChain[];
}

export interface Counters {
  txs: number;
  reverts: number;
  commands: number;
  probes: number;
  runs: number;
  byCommand: Record<string, { ok: number; reverted: number; errors: Record<string, number> }>;
  ms: Record<string, number>;
}

export class MismatchError extends Error {}

const I = {
  vault: () => iface("AgoraVault"),
  escrow: () => iface("JobEscrow"),
  channels: () => iface("PaymentChannels"),
  registry: () => iface("AgentRegistry"),
  listings: () => iface("ListingRegistry"),
  ledger: () => iface("ReputationLedger"),
  usdc: () => iface("MockUSDC"),
  ftoken: () => iface("FuzzToken"),
  wallet: () => iface("FuzzWallet"),
  lens: () => iface("FuzzLens"),
};
export { I };

function fmt(v: unknown): string {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return `[${v.map(fmt).join(",")}]`;
  return String(v);
}

export function fmtError(e: { name: string; args: unknown[] }): string {
  return `${e.name}(${e.args.map(fmt).join(", ")})`;
}

function sameError(pred: Revert, got: Decoded): boolean {
  if (pred.errName !== got.name) return false;
  if (pred.args.length !== got.args.length) return false;
  return pred.args.every((a, i) => fmt(a).toLowerCase() === fmt(got.args[i]).toLowerCase());
}

/* LENS LAYOUT (contracts/mocks/fuzz/FuzzLens.sol) */

const HEADER = 10;
const PER_AGENT = 16;
const PER_JOB = 3;
const PER_CHANNEL = 4;
const PER_LISTING = 3;
const MASK32 = (1n << 32n) - 1n;
const MASK64 = (1n << 64n) - 1n;

export interface Exec {
  label: string;
  world: number;
  sender: Addr;
  to: Addr;
  data: string;
  model: (sim: Sim) => unknown;
  /** Whether this call may write the reputation ledger (settlements, claims, feedback): invariant 7. */
  ledger?: boolean;
  /** The harness itself needs this call to succeed (setup, liveness): a predicted revert is a failure. */
  mustSucceed?: boolean;
  /** The call changes state both worlds read (the shared agent registry): check both, not only `world`. */
  allWorlds?: boolean;
}

export class Harness {
  s!: State;
  prev: bigint[][] = [];
  counters: Counters = { txs: 0, reverts: 0, commands: 0, probes: 0, runs: 0, byCommand: {}, ms: {} };

  private t(key: string, since: number): void {
    this.counters.ms[key] = (this.counters.ms[key] ?? 0) + (performance.now() - since);
  }
  checkEveryTx = true;
  /** Label of the last transaction sent (names the failing step of a liveness drive). */
  lastLabel = "";

  constructor(public readonly chain: ChainInfo) {}

  label(a: Addr): string {
    return this.chain.labels[a] ?? a.slice(0, 10);
  }

  /** The EOA that signs a transaction sent "by" `sender` (a FuzzWallet acts through its controller). */
  route(sender: Addr, to: Addr, data: string): { from: Addr; to: Addr; data: string } {
    const controller = this.s.walletController[sender];
    if (controller !== undefined) {
      return { from: controller, to: sender, data: I.wallet().encodeFunctionData("execute", [to, data]) };
    }
    return { from: sender, to, data };
  }

  /** Runs one transaction on the model and the chain, compares the outcomes, then every figure. */
  async exec(x: Exec): Promise<TxResult> {
    this.lastLabel = x.label;
    let t0 = performance.now();
    const pred = simulate(this.s, x.world, x.sender, x.model);
    this.t("model", t0);
    const r = this.route(x.sender, x.to, x.data);
    t0 = performance.now();
    const res = await sendAt(this.s.now, r.from, r.to, r.data);
    this.t("tx", t0);
    this.counters.txs++;
    const stat = (this.counters.byCommand[x.label.split("(")[0]] ??= { ok: 0, reverted: 0, errors: {} });
    if (res.ok) stat.ok++;
    else {
      stat.reverted++;
      stat.errors[res.error.name] = (stat.errors[res.error.name] ?? 0) + 1;
      this.counters.reverts++;
    }
    const at = this.s.now;
    if (process.env.FC_DEBUG) console.log(`        [${at}] ${x.label} -> ${res.ok ? "ok" : fmtError(res.error)}`);
    if (pred.ok !== res.ok || (!pred.ok && !res.ok && !sameError(pred.error, res.error))) {
      const p = pred.ok ? "success" : fmtError({ name: pred.error.errName, args: pred.error.args });
      const g = res.ok ? "success" : fmtError(res.error);
      throw new MismatchError(`${x.label} at t=${at}: model predicted ${p}, chain gave ${g}`);
    }
    if (x.mustSucceed && !res.ok) throw new MismatchError(`${x.label} at t=${at} must succeed but reverted ${fmtError(res.error)}`);
    if (pred.ok) this.s = pred.state;
    this.s.lastBlock = at;
    this.s.now = at + 1n;
    if (this.checkEveryTx) await this.check(x.label, res.ok, x.ledger ?? false, x.allWorlds ? undefined : [x.world]);
    return res;
  }

  /** A call on the pending block at `this.s.now` (no state change), compared with the model. */
  async probe(label: string, world: number, sender: Addr, to: Addr, data: string, model: (sim: Sim) => unknown): Promise<TxResult> {
    const pred = simulate(this.s, world, sender, model);
    const r = this.route(sender, to, data);
    await rpc("evm_setNextBlockTimestamp", [Number(this.s.now)]);
    const res = await callPending(r.from, r.to, r.data);
    this.counters.probes++;
    if (pred.ok !== res.ok || (!pred.ok && !res.ok && !sameError(pred.error, res.error))) {
      const p = pred.ok ? "success" : fmtError({ name: pred.error.errName, args: pred.error.args });
      const g = res.ok ? "success" : fmtError(res.error);
      throw new MismatchError(`probe ${label} at t=${this.s.now}: model predicted ${p}, chain gave ${g}`);
    }
    return res;
  }

  query(world: number): string {
    const w = this.chain.worlds[world];
    const agentIds = this.s.agents.map((_, i) => BigInt(i + 1));
    return I.lens().encodeFunctionData("read", [
      [
        w.vault,
        w.escrow,
        w.channels,
        w.ledger,
        w.listings,
        this.chain.registry,
        agentIds,
        w.holders,
        w.creditors,
        this.s.worlds[world].channelOrder,
      ],
    ]);
  }

  async read(world: number): Promise<bigint[]> {
    // An explicit block number is several times faster on the Hardhat network than "latest".
    const block = await rpc<string>("eth_blockNumber");
    return parseUintArray(await callAt(this.chain.lens, this.query(world), block));
  }

  /** Model against chain for both worlds, and the chain-only invariants against the previous read. */
  async check(label: string, ok: boolean, mayWriteLedger: boolean, worlds?: number[]): Promise<void> {
    for (let wi = 0; wi < this.s.worlds.length; wi++) {
      // A call on one world leaves the other untouched (separate token, vault and modules): its last read stands.
      if (worlds && !worlds.includes(wi) && this.prev[wi]) continue;
      let t0 = performance.now();
      const out = await this.read(wi);
      this.t("lens", t0);
      t0 = performance.now();
      const problems = this.compare(wi, out);
      this.t("compare", t0);
      const prev = this.prev[wi];
      if (prev) problems.push(...this.chainInvariants(wi, prev, out, ok, mayWriteLedger));
      if (problems.length > 0) {
        throw new MismatchError(
          `after ${label} (world ${this.s.worlds[wi].name}, t=${this.s.lastBlock}):\n  ${problems.slice(0, 12).join("\n  ")}`,
        );
      }
      this.prev[wi] = out;
    }
  }

  /** Every figure of world `wi` against the model. */
  compare(wi: number, out: bigint[]): string[] {
    const s = this.s;
    const w = s.worlds[wi];
    const sim = new Sim(s, w, ZERO);
    const p: string[] = [];
    const eq = (what: string, chain: bigint | string | boolean, model: bigint | string | boolean) => {
      if (chain !== model) p.push(`${what}: chain ${fmt(chain)} model ${fmt(model)}`);
    };
    eq("timestamp", out[0], s.lastBlock);
    eq("vault token balance", out[1], w.token.bal[w.vault] ?? 0n);
    eq("paused", out[2] === 1n, w.paused);
    eq("accrued fees", out[3], w.fees);
    eq("locked(escrow)", out[4], w.lockedEscrow);
    eq("locked(channels)", out[5], w.lockedChannels);
    eq("protocol fee", out[6], w.feeBps);
    eq("total jobs", out[7], BigInt(w.jobs.length));
    eq("total agents", out[8], BigInt(s.agents.length));
    eq("total listings", out[9], BigInt(w.listings.length));
    // Invariant 1 (exactly, with the model's donations and nothing else unaccounted).
    let k = HEADER;
    let owed = out[3] + out[4] + out[5];
    for (let i = 0; i < s.agents.length; i++) {
      const id = BigInt(i + 1);
      const a = s.agents[i];
      const st = sim.stats(id);
      const lim = sim.limits(id);
      const ap = sim.approval(id);
      const tag = `agent ${id}`;
      owed += out[k];
      eq(`${tag} balance`, out[k], w.balances[id.toString()] ?? 0n);
      eq(`${tag} spentInWindow`, out[k + 1], sim.spentAt(id, s.lastBlock));
      eq(`${tag} approvalNonce`, out[k + 2], ap.nextNonce);
      const apWord = ap.amount === 0n ? 0n : ap.amount | (ap.cp << 96n) | (ap.deadline << 160n);
      eq(`${tag} pendingApproval`, out[k + 3], apWord);
      const c = out[k + 4];
      eq(`${tag} completed`, c & MASK32, st.completed);
      eq(`${tag} onTime`, (c >> 32n) & MASK32, st.onTime);
      eq(`${tag} refundedLate`, (c >> 64n) & MASK32, st.refundedLate);
      eq(`${tag} disputesWon`, (c >> 96n) & MASK32, st.disputesWon);
      eq(`${tag} disputesLost`, (c >> 128n) & MASK32, st.disputesLost);
      eq(`${tag} feedbackCount`, (c >> 160n) & MASK32, st.feedbackCount);
      eq(`${tag} volumeEarned`, out[k + 5], st.volumeEarned);
      eq(`${tag} volumeSpent`, out[k + 6], st.volumeSpent);
      eq(`${tag} feedbackWeight`, out[k + 7], st.feedbackWeight);
      eq(`${tag} feedbackWeightedScore`, out[k + 8], st.feedbackWeightedScore);
      eq(`${tag} latencySum`, out[k + 9], st.latencySum);
      eq(`${tag} owner`, addrOf(out[k + 10]), a.owner);
      eq(`${tag} wallet`, addrOf(out[k + 11]), a.explicit ? a.wallet : a.owner);
      eq(`${tag} frozen`, out[k + 12] === 1n, a.frozen);
      const lw = out[k + 13];
      eq(`${tag} perTxCap`, lw & MASK64, lim.perTx);
      eq(`${tag} dailyCap`, (lw >> 64n) & MASK64, lim.daily);
      eq(`${tag} allowlistOnly`, ((lw >> 128n) & 1n) === 1n, lim.allowlistOnly);
      const payout = w.payouts[`${id}:${a.owner}`] ?? ZERO;
      eq(`${tag} payout`, addrOf(out[k + 14]), payout === ZERO ? a.owner : payout);
      eq(`${tag} score`, out[k + 15], sim.score(id));
      k += PER_AGENT;
    }
    for (const acc of this.chain.worlds[wi].holders) {
      eq(`token ${this.label(acc)}`, out[k], w.token.bal[acc] ?? 0n);
      k++;
    }
    for (const acc of this.chain.worlds[wi].creditors) {
      owed += out[k];
      eq(`credit ${this.label(acc)}`, out[k], w.credits[acc] ?? 0n);
      k++;
    }
    if (out[1] < owed) p.push(`invariant 1 (solvency): vault holds ${out[1]} < owed ${owed}`);
    eq("vault token balance = owed + donations", out[1], owed + w.donated);
    for (let j = 0; j < w.jobs.length; j++) {
      const job = w.jobs[j];
      const tag = `job ${job.id}`;
      const core = out[k];
      const final = FINAL_STATES.has(job.state);
      const state = Number(core & 0xffn);
      if (state !== job.state) p.push(`${tag} state: chain ${JOB_STATE_NAMES[state]} model ${JOB_STATE_NAMES[job.state]}`);
      eq(`${tag} amount`, (core >> 8n) & MASK64, job.amount);
      eq(`${tag} collateral`, (core >> 72n) & MASK64, final || !job.collateralTerms ? 0n : job.collateral);
      eq(`${tag} arbitrationFee`, (core >> 136n) & MASK64, job.state === 4 ? job.arbFee : 0n);
      eq(`${tag} feeBps`, (core >> 200n) & 0xffffn, job.feeBps);
      eq(`${tag} selfDealing`, ((core >> 216n) & 1n) === 1n, job.selfDealing);
      eq(`${tag} clientFeedback`, ((core >> 217n) & 1n) === 1n, job.clientFb);
      eq(`${tag} providerFeedback`, ((core >> 218n) & 1n) === 1n, job.providerFb);
      const t = out[k + 1];
      const live = job.state === 1 || job.state === 2;
      eq(`${tag} deadline`, t & MASK32, live ? job.deadline : 0n);
      eq(`${tag} reviewEndsAt`, (t >> 32n) & MASK32, job.state === 3 ? job.reviewEnd : 0n);
      eq(`${tag} disputedAt`, (t >> 64n) & MASK32, job.state === 4 ? job.disputedAt : 0n);
      eq(`${tag} settledAt`, (t >> 96n) & MASK32, final ? job.settledAt : 0n);
      eq(`${tag} startedAt`, (t >> 128n) & MASK32, final ? 0n : job.startedAt);
      eq(`${tag} onTimeBy`, (t >> 160n) & MASK32, final ? 0n : job.onTimeBy);
      eq(`${tag} reviewWindow`, (t >> 192n) & MASK32, final ? 0n : job.reviewWindow);
      eq(`${tag} parties`, out[k + 2], job.clientId | (job.providerId << 64n));
      k += PER_JOB;
    }
    for (const cid of w.channelOrder) {
      const c = w.channels[cid];
      const tag = `channel ${cid.slice(0, 10)}`;
      eq(`${tag} deposit`, out[k], c.deposit);
      eq(`${tag} claimed`, out[k + 1], c.claimed);
      const x = out[k + 2];
      eq(`${tag} epoch`, x & MASK64, c.epoch);
      eq(`${tag} status`, (x >> 64n) & 0xffn, BigInt(c.status));
      eq(`${tag} graceEndsAt`, (x >> 72n) & ((1n << 40n) - 1n), c.graceEndsAt);
      eq(`${tag} feeBps`, (x >> 112n) & 0xffffn, c.feeBps);
      eq(`${tag} sameOwner`, ((x >> 128n) & 1n) === 1n, c.sameOwner);
      eq(`${tag} authorizer`, addrOf(out[k + 3]), c.authorizer);
      k += PER_CHANNEL;
    }
    for (const l of w.listings) {
      const tag = `listing ${l.id}`;
      const x = out[k];
      eq(`${tag} status`, x & 0xffn, BigInt(l.status));
      eq(`${tag} pricing`, (x >> 8n) & 0xffn, BigInt(l.pricing));
      eq(`${tag} price`, (x >> 16n) & MASK64, l.price);
      eq(`${tag} provider`, (x >> 80n) & MASK64, l.providerId);
      eq(`${tag} collateralBps`, (x >> 144n) & 0xffffn, l.collateralBps);
      eq(`${tag} sla`, (x >> 160n) & MASK32, l.sla);
      eq(`${tag} review`, (x >> 192n) & MASK32, l.review);
      eq(`${tag} arbitrator`, addrOf(out[k + 1]), l.arbitrator);
      eq(`${tag} validator`, addrOf(out[k + 2]), l.validator);
      k += PER_LISTING;
    }
    if (k !== out.length) p.push(`lens layout: read ${out.length} words, parsed ${k}`);
    return p;
  }

  /** Invariants 3, 6, 7, 8 on two consecutive chain reads (no model involved). */
  chainInvariants(wi: number, prev: bigint[], out: bigint[], ok: boolean, mayWriteLedger: boolean): string[] {
    const p: string[] = [];
    const s = this.s;
    const nAgents = s.agents.length;
    const prevAgents = Number(prev[8]);
    const nAccounts = this.chain.worlds[wi].holders.length + this.chain.worlds[wi].creditors.length;
    if (!ok) {
      // Invariant 8 (and the EVM's own promise): a reverted call changes nothing but the clock.
      for (let i = 1; i < prev.length && i < out.length; i++) {
        const inAgent = i >= HEADER && i < HEADER + prevAgents * PER_AGENT;
        if (inAgent && (i - HEADER) % PER_AGENT === 1) continue; // spentInWindow moves with time
        if (prev[i] !== out[i]) {
          p.push(`invariant 8: a reverted call changed lens word ${i}: ${prev[i]} -> ${out[i]}`);
          break;
        }
      }
      if (prev.length !== out.length) p.push("invariant 8: a reverted call changed the number of entities");
    }
    // Invariant 7: the ledger moves only through settlement (claims, completions, refunds, rulings, feedback).
    if (!mayWriteLedger && nAgents === prevAgents) {
      for (let i = 0; i < nAgents; i++) {
        const base = HEADER + i * PER_AGENT;
        for (const off of [4, 5, 6, 7, 8, 9]) {
          if (prev[base + off] !== out[base + off]) p.push(`invariant 7: agent ${i + 1} ledger word ${off} changed outside settlement`);
        }
      }
    }
    // Invariant 3: only legal job transitions; a final state stays final.
    const pJobsAt = HEADER + prevAgents * PER_AGENT + nAccounts;
    const jobsAt = HEADER + nAgents * PER_AGENT + nAccounts;
    const prevJobs = Number(prev[7]);
    for (let j = 0; j < prevJobs; j++) {
      const before = Number(prev[pJobsAt + j * PER_JOB] & 0xffn);
      const after = Number(out[jobsAt + j * PER_JOB] & 0xffn);
      if (before !== after && !LEGAL_TRANSITIONS[before].includes(after)) {
        p.push(`invariant 3: job ${j + 1} went ${JOB_STATE_NAMES[before]} -> ${JOB_STATE_NAMES[after]}`);
      }
    }
    // Invariant 6: claimed <= deposit; within an epoch claimed and deposit only grow; epochs only grow.
    const prevChannels = (prev.length - (pJobsAt + prevJobs * PER_JOB) - Number(prev[9]) * PER_LISTING) / PER_CHANNEL;
    const chAt = jobsAt + Number(out[7]) * PER_JOB;
    const pChAt = pJobsAt + prevJobs * PER_JOB;
    const nChannels = s.worlds[wi].channelOrder.length;
    for (let c = 0; c < nChannels; c++) {
      const dep = out[chAt + c * PER_CHANNEL];
      const cl = out[chAt + c * PER_CHANNEL + 1];
      const ep = out[chAt + c * PER_CHANNEL + 2] & MASK64;
      if (cl > dep) p.push(`invariant 6: channel ${c} claimed ${cl} > deposit ${dep}`);
      if (c < prevChannels) {
        const pdep = prev[pChAt + c * PER_CHANNEL];
        const pcl = prev[pChAt + c * PER_CHANNEL + 1];
        const pep = prev[pChAt + c * PER_CHANNEL + 2] & MASK64;
        if (ep < pep) p.push(`invariant 6: channel ${c} epoch went back ${pep} -> ${ep}`);
        if (ep === pep && (cl < pcl || dep < pdep)) p.push(`invariant 6: channel ${c} claimed/deposit shrank within epoch ${ep}`);
      }
    }
    return p;
  }

  /* TIME */

  /** Sets the time of the next transaction (never before the last block + 1). Returns false if in the past. */
  warpTo(t: bigint): boolean {
    if (t <= this.s.lastBlock) return false;
    this.s.now = t;
    return true;
  }
}

/* FUNDING */

export function fundingArg(f: FundingMeta, signature: string): unknown {
  return [f.source, f.validAfter, f.validBefore, f.nonce, signature];
}

export const BALANCE: FundingMeta = {
  source: Source.Balance,
  signer: ZERO,
  validAfter: 0n,
  validBefore: 0n,
  nonce: ZeroHash,
  sigLen: 0,
  permitNonce: 0n,
};
export const TRANSFER: FundingMeta = { ...BALANCE, source: Source.TransferFrom };

/* DEPLOYMENT */

async function deploy(name: string, args: unknown[] = []): Promise<Addr> {
  const [deployer] = await ethers.getSigners();
  const f = await ethers.getContractFactory(name, deployer);
  const c = await f.deploy(...args);
  await c.waitForDeployment();
  return lower(await c.getAddress());
}

function token(kind: "usdc" | "fuzz", addr: Addr): Token {
  return {
    kind,
    addr,
    bal: {},
    allow: {},
    blacklist: {},
    permitNonce: {},
    usedAuth: {},
    feeOn: false,
    armed: false,
    armedWith: "",
    authCounter: 0n,
    lastAuthNonce: ZeroHash,
  };
}

function emptyWorld(idx: number, name: string, wc: WorldChain, eoa: Addr[]): World {
  return {
    idx,
    name,
    token: token(idx === 0 ? "usdc" : "fuzz", wc.token),
    vault: wc.vault,
    escrow: wc.escrow,
    channelsAddr: wc.channels,
    ledger: wc.ledger,
    listingsAddr: wc.listings,
    balances: {},
    credits: {},
    fees: 0n,
    paused: false,
    feeBps: 100n,
    feeRecipient: eoa[ROLE.feeRecipient],
    guardian: eoa[ROLE.guardian],
    admin: eoa[ROLE.deployer],
    pendingAdmin: ZERO,
    payouts: {},
    limits: {},
    allowlist: {},
    window: {},
    spendLog: {},
    approvals: {},
    lockedEscrow: 0n,
    lockedChannels: 0n,
    donated: 0n,
    burned: 0n,
    jobs: [],
    channels: {},
    channelOrder: [],
    listings: [],
    stats: {},
    arbs: wc.arbs.map((a): Arb => ({ addr: a.addr, kind: a.kind, fee: 0n, disputes: {} })),
    vals: wc.vals.map((v): Val => ({ addr: v.addr, kind: v.kind, verdict: 0 })),
  };
}

const ARB_FEES: Record<string, bigint> = {};

/** Deploys both worlds and returns the chain description and an empty model at deployment. */
export async function deployWorlds(): Promise<{ chain: ChainInfo; state: State }> {
  const signers = await ethers.getSigners();
  const eoa = signers.slice(0, 20).map((s) => lower(s.address));
  const keyList = localKeys(20);
  const keys: Record<Addr, Wallet> = {};
  keyList.forEach((k, i) => {
    if (lower(k.address) !== eoa[i]) throw new Error("fuzz: local keys do not match the Hardhat accounts");
    keys[eoa[i]] = k;
  });
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const registry = await deploy("AgentRegistry");
  const lens = await deploy("FuzzLens");
  const w = await deploy("FuzzWallet", [eoa[ROLE.cW]]);
  const w2 = await deploy("FuzzWallet", [eoa[ROLE.cW2]]);
  const worlds: WorldChain[] = [];
  for (const kind of ["usdc", "fuzz"] as const) {
    const tokenAddr = await deploy(kind === "usdc" ? "MockUSDC" : "FuzzToken");
    const vault = await deploy("AgoraVault", [tokenAddr, registry, eoa[ROLE.deployer], eoa[ROLE.guardian], eoa[ROLE.feeRecipient], 100]);
    const ledger = await deploy("ReputationLedger");
    const listings = await deploy("ListingRegistry", [registry, vault]);
    // FC_ESCROW_ARTIFACT deploys another build of the escrow (same ABI): how a planted bug is fed to the fuzzer.
    const escrow = await deploy(process.env.FC_ESCROW_ARTIFACT ?? "JobEscrow", [vault, registry, listings, ledger]);
    const channels = await deploy("PaymentChannels", [vault, registry, ledger]);
    const [deployer] = signers;
    await (await (await ethers.getContractAt("AgoraVault", vault, deployer)).setModules(escrow, channels)).wait();
    await (await (await ethers.getContractAt("ReputationLedger", ledger, deployer)).setWriters(escrow, channels)).wait();
    const arbs: WorldChain["arbs"] = [];
    const vals: WorldChain["vals"] = [];
    const arb = async (kind: ArbKind, label: string, name: string, args: unknown[], fee: bigint) => {
      const addr = await deploy(name, args);
      ARB_FEES[addr] = fee;
      arbs.push({ addr, kind, label });
    };
    const val = async (kind: "hash" | "mock" | "pending", label: string, name: string, args: unknown[] = []) => {
      vals.push({ addr: await deploy(name, args), kind, label });
    };
    if (kind === "usdc") {
      await arb("mock", "arbMock", "MockArbitrator", [escrow, 2n * USDC], 2n * USDC);
      await arb("silent", "arbSilent", "SilentArbitrator", [USDC], USDC);
      await arb("double", "arbDouble", "DoubleRulingArbitrator", [escrow, USDC / 2n], USDC / 2n);
      await arb("revert", "arbRevert", "RevertingArbitrator", [escrow, USDC, false], USDC);
      await arb("revertQuote", "arbRevertQuote", "RevertingArbitrator", [escrow, USDC, true], 0n);
      await arb("reentrant", "arbReentrant", "ReentrantArbitrator", [escrow, 0n], 0n);
      await arb(
        "committee",
        "committee",
        "CommitteeArbitrator",
        [escrow, vault, [eoa[ROLE.m1], eoa[ROLE.m2], eoa[ROLE.m3]], 2n, 3n * USDC, eoa[ROLE.deployer]],
        3n * USDC,
      );
      await arb("oracle", "oracleArb", "OracleArbitrator", [escrow, vault, eoa[ROLE.oracle], 4n * USDC, eoa[ROLE.deployer]], 4n * USDC);
      await val("hash", "hashV", "HashValidator");
      await val("mock", "mockV", "MockValidator");
      await val("pending", "revertV", "RevertingValidator");
      await val("pending", "gasV", "GasBurningValidator");
      await val("pending", "bombV", "ReturnBombValidator", [100_000n]);
      await val("pending", "reentrantV", "ReentrantValidator", [escrow]);
      await val("pending", "garbageV", "GarbageValidator", [0]);
    } else {
      await arb("mock", "ftArbMock", "MockArbitrator", [escrow, USDC], USDC);
      await arb("silent", "ftArbSilent", "SilentArbitrator", [0n], 0n);
      await arb("reentrant", "ftArbReentrant", "ReentrantArbitrator", [escrow, USDC / 4n], USDC / 4n);
      await val("mock", "ftMockV", "MockValidator");
      await val("pending", "ftGasV", "GasBurningValidator");
    }
    const holderRoles = [
      ROLE.oA,
      ROLE.opA,
      ROLE.oB,
      ROLE.opB,
      ROLE.opC,
      ROLE.stranger,
      ROLE.buyer,
      ROLE.opD,
      ROLE.payout1,
      ROLE.payout2,
      ROLE.feeRecipient,
    ];
    const holders = [...holderRoles.map((r) => eoa[r]), w, w2, DRAIN];
    const creditors = arbs.map((a) => a.addr);
    worlds.push({ token: tokenAddr, vault, ledger, listings, escrow, channels, arbs, vals, holders, creditors, chainId });
  }
  const labels: Record<Addr, string> = {};
  for (const [name, i] of Object.entries(ROLE)) labels[eoa[i]] = name;
  labels[w] = "W";
  labels[w2] = "W2";
  labels[DRAIN] = "drain";
  labels[ZERO] = "0x0";
  worlds.forEach((wc, i) => {
    const pre = i === 0 ? "" : "ft.";
    labels[wc.vault] = pre + "vault";
    labels[wc.escrow] = pre + "escrow";
    labels[wc.channels] = pre + "channels";
    labels[wc.token] = pre + "token";
    for (const a of wc.arbs) labels[a.addr] = a.label;
    for (const v of wc.vals) labels[v.addr] = v.label;
  });
  const chain: ChainInfo = { chainId, registry, lens, w, w2, keys, eoa, labels, worlds };
  const state: State = {
    now: 0n,
    lastBlock: 0n,
    registry,
    agents: [],
    operatorsForAll: {},
    worlds: worlds.map((wc, i) => {
      const world = emptyWorld(i, i === 0 ? "usdc" : "fuzz-token", wc, eoa);
      for (const a of world.arbs) a.fee = ARB_FEES[a.addr];
      return world;
    }),
    walletRefuse: {},
    walletController: { [w]: eoa[ROLE.cW], [w2]: eoa[ROLE.cW2] },
    oracleKey: eoa[ROLE.oracle],
    committeeMembers: [eoa[ROLE.m1], eoa[ROLE.m2], eoa[ROLE.m3]],
    committeeOwner: eoa[ROLE.deployer],
    oracleOwner: eoa[ROLE.deployer],
    usdcOwner: eoa[ROLE.deployer],
    termsHashCheck: (I.escrow().getFunction("createJob")?.inputs[0].components?.length ?? 5) > 5,
  };
  return { chain, state };
}

/** Block time window used by the fuzzer: starts at a multiple of 27 h (nine 3-hour buckets) for reproducibility. */
export async function alignedStart(): Promise<bigint> {
  const latest = BigInt((await rpc<{ timestamp: string }>("eth_getBlockByNumber", ["latest", false])).timestamp);
  const ring = BUCKET * BUCKETS;
  return ((latest + DAY) / ring + 1n) * ring;
}
