import type { Addr } from "./chain";

/*
 * The TypeScript model of Agora that the stateful fuzzer runs beside the chain. Every action is written from the
 * spec (PROTOCOL.md, docs/DESIGN.md, docs/LIMITS.md, docs/MICROPAYMENTS.md), in the order the contracts check
 * things, against a clone of the state: an action either returns (the chain must succeed and end in the clone's
 * state) or throws `Revert` with the exact custom error the chain must revert with (the clone is dropped, as the
 * EVM drops a reverted call). The model never reads the chain.
 */

export const BPS = 10_000n;
export const MAX_FEE_BPS = 500n;
export const BUCKET = 3n * 3600n;
export const BUCKETS = 9n;
export const DAY = 86_400n;
export const RULING_PERIOD = 7n * DAY;
export const MAX_JOB_DURATION = 365n * DAY;
export const ARBITRATION_FEE_CAP_BPS = 1_000n;
export const GRACE = DAY;
export const MAX_WALLET_PROOF_DELAY = 300n;
export const MIN_SLA = 60n;
export const MAX_SLA = 365n * DAY;
export const MIN_REVIEW = 60n;
export const MAX_REVIEW = 30n * DAY;
export const MAX_COLLATERAL_BPS = 10_000n;
export const MAX_CAPABILITIES = 8;
export const MAX_URI = 512;
export const DEFAULT_RULING_BPS = 5_000n;
export const UINT256_MAX = (1n << 256n) - 1n;
export const ZERO: Addr = "0x0000000000000000000000000000000000000000";

export const JobState = {
  None: 0,
  Funded: 1,
  Accepted: 2,
  Delivered: 3,
  Disputed: 4,
  Completed: 5,
  Refunded: 6,
  Cancelled: 7,
  Resolved: 8,
} as const;
export const JOB_STATE_NAMES = ["None", "Funded", "Accepted", "Delivered", "Disputed", "Completed", "Refunded", "Cancelled", "Resolved"];
export const FINAL_STATES = new Set<number>([5, 6, 7, 8]);
export const ChStatus = { None: 0, Open: 1, Closing: 2, Closed: 3 } as const;
export const LStatus = { None: 0, Active: 1, Paused: 2, Retired: 3 } as const;
export const Pricing = { Fixed: 0, PerCall: 1, Quoted: 2 } as const;
export const Source = { Balance: 0, TransferFrom: 1, Permit: 2, Authorization: 3 } as const;
export const Verdict = { Pending: 0, Approved: 1, Rejected: 2 } as const;

/** Legal job transitions (DESIGN.md "Jobs"); anything else seen on chain breaks invariant 3. */
export const LEGAL_TRANSITIONS: Record<number, number[]> = {
  0: [1],
  1: [2, 3, 5, 6, 7], // deliver may settle at once through a validator (Completed/Refunded)
  2: [3, 5, 6],
  3: [4, 5, 6],
  4: [8],
  5: [],
  6: [],
  7: [],
  8: [],
};

export class Revert extends Error {
  constructor(
    public readonly errName: string,
    public readonly args: unknown[],
  ) {
    super(`${errName}(${args.map(String).join(", ")})`);
  }
}

export function fail(name: string, ...args: unknown[]): never {
  throw new Revert(name, args);
}

/* STATE */

export interface Agent {
  owner: Addr;
  approved: Addr; // ERC-721 single-token approval (cleared by every transfer)
  wallet: Addr; // meaningful when `explicit`; otherwise the wallet is the owner
  explicit: boolean;
  frozen: boolean;
  nonce: bigint;
}

export interface Stats {
  completed: bigint;
  onTime: bigint;
  refundedLate: bigint;
  disputesWon: bigint;
  disputesLost: bigint;
  latencySum: bigint;
  volumeEarned: bigint;
  volumeSpent: bigint;
  feedbackWeight: bigint;
  feedbackWeightedScore: bigint;
  feedbackCount: bigint;
}

export interface Job {
  id: bigint;
  listingId: bigint;
  clientId: bigint;
  providerId: bigint;
  amount: bigint;
  feeBps: bigint;
  state: number;
  selfDealing: boolean;
  collateralTerms: boolean;
  hasValidator: boolean;
  unaccepted: boolean;
  clientFb: boolean;
  providerFb: boolean;
  deadline: bigint;
  reviewEnd: bigint;
  deliveredAt: bigint;
  disputedAt: bigint;
  settledAt: bigint;
  startedAt: bigint;
  onTimeBy: bigint;
  reviewWindow: bigint;
  arbitrator: Addr;
  validator: Addr;
  collateralBps: bigint;
  collateral: bigint;
  arbFee: bigint;
  specHash: string;
  resultHash: string;
  /** Units this job locked in the vault and units it paid out (conservation, invariant 2). */
  funded: bigint;
  paidOut: bigint;
}

export interface Channel {
  id: string;
  clientId: bigint;
  providerId: bigint;
  salt: string;
  deposit: bigint;
  claimed: bigint;
  authorizer: Addr;
  epoch: bigint;
  feeBps: bigint;
  sameOwner: boolean;
  status: number;
  graceEndsAt: bigint;
  /** Paid out in the current epoch (claims, fees, refund): equals the deposit once Closed. */
  paidOut: bigint;
}

export interface Listing {
  id: bigint;
  providerId: bigint;
  price: bigint;
  pricing: number;
  status: number;
  sla: bigint;
  review: bigint;
  collateralBps: bigint;
  arbitrator: Addr;
  validator: Addr;
}

export interface Limits {
  perTx: bigint;
  daily: bigint;
  allowlistOnly: boolean;
  hasApproval: boolean;
}

export interface Approval {
  cp: bigint;
  amount: bigint;
  deadline: bigint;
  nextNonce: bigint;
}

export type ArbKind = "mock" | "silent" | "double" | "revert" | "revertQuote" | "reentrant" | "committee" | "oracle";
export interface Arb {
  addr: Addr;
  kind: ArbKind;
  fee: bigint;
  /** Committee: per job, votes by share and who voted; oracle: created/ruled. */
  disputes: Record<string, { created: boolean; ruled: boolean; votes: Record<string, number>; voted: Record<Addr, boolean> }>;
}

export type ValKind = "hash" | "mock" | "pending";
export interface Val {
  addr: Addr;
  kind: ValKind;
  verdict: number; // mock only
}

export interface Token {
  kind: "usdc" | "fuzz";
  addr: Addr;
  bal: Record<Addr, bigint>;
  allow: Record<Addr, bigint>; // allowance of each holder to this world's vault
  blacklist: Record<Addr, boolean>;
  permitNonce: Record<Addr, bigint>;
  usedAuth: Record<string, boolean>;
  feeOn: boolean;
  armed: boolean;
  armedWith: string; // the re-entry the hook attempts ("" when disarmed)
  authCounter: bigint; // EIP-3009 nonces handed out so far
  lastAuthNonce: string;
}

/** One operator commitment counted in a rolling window (invariant 8 is checked on this log, independently). */
export interface SpendRecord {
  t: bigint;
  amount: bigint;
}

export interface World {
  idx: number;
  name: string;
  token: Token;
  vault: Addr;
  escrow: Addr;
  channelsAddr: Addr;
  ledger: Addr;
  listingsAddr: Addr;
  balances: Record<string, bigint>;
  credits: Record<Addr, bigint>;
  fees: bigint;
  paused: boolean;
  feeBps: bigint;
  feeRecipient: Addr;
  guardian: Addr;
  admin: Addr;
  pendingAdmin: Addr;
  payouts: Record<string, Addr>; // `${agentId}:${owner}` -> payout set by that owner (a sale never carries it)
  limits: Record<string, Limits>;
  allowlist: Record<string, boolean>;
  window: Record<string, { p: bigint; amount: bigint }[]>;
  spendLog: Record<string, SpendRecord[]>;
  approvals: Record<string, Approval>;
  lockedEscrow: bigint;
  lockedChannels: bigint;
  donated: bigint;
  burned: bigint;
  jobs: Job[];
  channels: Record<string, Channel>;
  channelOrder: string[];
  listings: Listing[];
  stats: Record<string, Stats>;
  arbs: Arb[];
  vals: Val[];
}

export interface State {
  now: bigint; // timestamp of the next transaction
  lastBlock: bigint; // timestamp of the last mined block
  registry: Addr;
  agents: Agent[]; // agent id i at index i - 1
  operatorsForAll: Record<string, boolean>; // ERC-721 `${owner}:${operator}`
  worlds: World[];
  walletRefuse: Record<Addr, boolean>; // FuzzWallet.refuseAll
  walletController: Record<Addr, Addr>; // FuzzWallet -> its controller key
  oracleKey: Addr;
  committeeMembers: Addr[];
  committeeOwner: Addr;
  oracleOwner: Addr;
  usdcOwner: Addr;
  /** `CreateJobParams.termsHash` exists in the compiled ABI (the escrow then checks the listing's terms hash). */
  termsHashCheck: boolean;
}

/** What a funding argument carries for the model: the source and who really signed what. */
export interface FundingMeta {
  source: number;
  signer: Addr; // key that signed the permit / authorization
  validAfter: bigint;
  validBefore: bigint; // EIP-3009 validBefore or EIP-2612 deadline
  nonce: string; // EIP-3009 nonce
  sigLen: number;
  /** Nonce the permit was signed with (the holder's nonce when signed). */
  permitNonce: bigint;
}

export function emptyStats(): Stats {
  return {
    completed: 0n,
    onTime: 0n,
    refundedLate: 0n,
    disputesWon: 0n,
    disputesLost: 0n,
    latencySum: 0n,
    volumeEarned: 0n,
    volumeSpent: 0n,
    feedbackWeight: 0n,
    feedbackWeightedScore: 0n,
    feedbackCount: 0n,
  };
}

const get = (r: Record<string, bigint>, k: string): bigint => r[k] ?? 0n;
const ceilDiv = (a: bigint, d: bigint): bigint => (a + d - 1n) / d;
export const feeUp = (amount: bigint, bps: bigint): bigint => ceilDiv(amount * bps, BPS);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

export function log2(x: bigint): bigint {
  let r = 0n;
  while (x > 1n) {
    x >>= 1n;
    r++;
  }
  return r;
}

/* THE SIMULATOR */

/**
 * One transaction (or one `eth_call`) simulated on `s` (mutated: pass a clone). `sender` is msg.sender of the
 * outermost Agora call (a FuzzWallet when the wallet acts), `now` its block time.
 */
export class Sim {
  constructor(
    public readonly s: State,
    public readonly w: World,
    public readonly sender: Addr,
  ) {}

  get now(): bigint {
    return this.s.now;
  }

  /* REGISTRY */

  agent(id: bigint): Agent | undefined {
    if (id < 1n || id > BigInt(this.s.agents.length)) return undefined;
    return this.s.agents[Number(id) - 1];
  }

  ownerOf(id: bigint): Addr {
    const a = this.agent(id);
    if (!a) fail("ERC721NonexistentToken", id);
    return a.owner;
  }

  /** `IAgentRegistry.checkActor`. */
  checkActor(id: bigint, account: Addr): { owner: Addr; isOwner: boolean } {
    const a = this.agent(id);
    if (!a) fail("AgentNotFound", id);
    if (account === a.owner) return { owner: a.owner, isOwner: true };
    if (!a.explicit || a.wallet !== account || account === ZERO) fail("AgentUnauthorized", id, account);
    if (a.frozen) fail("AgentFrozen", id, account);
    return { owner: a.owner, isOwner: false };
  }

  isActor(id: bigint, account: Addr): boolean {
    try {
      this.checkActor(id, account);
      return true;
    } catch (e) {
      if (e instanceof Revert) return false;
      throw e;
    }
  }

  walletOf(id: bigint): Addr {
    const a = this.agent(id)!;
    return a.explicit ? a.wallet : a.owner;
  }

  /** ERC-721 `_isAuthorized`: the owner, an operator for all its tokens, or the token's approved account. */
  nftAuthorized(a: Agent, spender: Addr): boolean {
    return spender !== ZERO && (a.owner === spender || !!this.s.operatorsForAll[`${a.owner}:${spender}`] || a.approved === spender);
  }

  /** Owner or ERC-721 approved account (ERC-8004); not the operator wallet. */
  requireAuthorized(id: bigint): Addr {
    const a = this.agent(id);
    if (!a) fail("AgentNotFound", id);
    if (!this.nftAuthorized(a, this.sender)) fail("AgentUnauthorized", id, this.sender);
    return a.owner;
  }

  approveNft(to: Addr, id: bigint): void {
    const a = this.agent(id);
    if (!a) fail("ERC721NonexistentToken", id);
    if (a.owner !== this.sender && !this.s.operatorsForAll[`${a.owner}:${this.sender}`]) fail("ERC721InvalidApprover", this.sender);
    a.approved = to;
  }

  setApprovalForAll(operator: Addr, approved: boolean): void {
    if (operator === ZERO) fail("ERC721InvalidOperator", operator);
    this.s.operatorsForAll[`${this.sender}:${operator}`] = approved;
  }

  writeWallet(id: bigint, wallet: Addr): void {
    const a = this.agent(id)!;
    a.nonce += 1n;
    a.wallet = wallet;
    a.explicit = true;
  }

  /** `register(agentURI, metadata)` (the shorter overloads are the same with no URI or no entries). */
  register(uriLength = 0, metadata: { key: string; valueLength: number }[] = []): bigint {
    if (metadata.length > 16) fail("AgentTooManyMetadataEntries", BigInt(metadata.length), 16n);
    this.s.agents.push({ owner: this.sender, approved: ZERO, wallet: ZERO, explicit: false, frozen: false, nonce: 0n });
    const id = BigInt(this.s.agents.length);
    if (uriLength > 512) fail("AgentValueTooLong", BigInt(uriLength), 512n);
    for (const m of metadata) this.metadataEntry(m.key, m.valueLength);
    return id;
  }

  metadataEntry(key: string, valueLength: number): void {
    if (key.length === 0 || key.length > 64) fail("AgentInvalidMetadataKey", BigInt(key.length), 64n);
    if (key === "agentWallet") fail("AgentReservedMetadataKey", key);
    if (valueLength > 1024) fail("AgentValueTooLong", BigInt(valueLength), 1024n);
  }

  setAgentURI(id: bigint, uriLength: number): void {
    this.requireAuthorized(id);
    if (uriLength > 512) fail("AgentValueTooLong", BigInt(uriLength), 512n);
  }

  setMetadata(id: bigint, key: string, valueLength: number): void {
    this.requireAuthorized(id);
    this.metadataEntry(key, valueLength);
  }

  /** `setAgentWallet`: `proofSigner` signed the proof over `proofNonce` (for an ERC-1271 wallet: its controller). */
  setAgentWallet(id: bigint, newWallet: Addr, deadline: bigint, proofSigner: Addr, proofNonce: bigint, proofOwner: Addr): void {
    const owner = this.requireAuthorized(id);
    if (newWallet === ZERO) fail("AgentInvalidWallet", newWallet);
    if (deadline < this.now) fail("AgentWalletProofExpired", deadline, this.now);
    const max = this.now + MAX_WALLET_PROOF_DELAY;
    if (deadline > max) fail("AgentWalletProofDeadlineTooFar", deadline, max);
    const a = this.agent(id)!;
    const digestOk = proofNonce === a.nonce && proofOwner === owner;
    const valid = digestOk && this.signatureValid(newWallet, proofSigner);
    if (!valid) fail("AgentInvalidWalletSignature", newWallet);
    this.writeWallet(id, newWallet);
  }

  /** Whether a signature by `signer` over the right digest is valid for `account` (ECDSA, else ERC-1271). */
  signatureValid(account: Addr, signer: Addr): boolean {
    if (signer === account) return true;
    const controller = this.s.walletController[account];
    if (controller === undefined) return false;
    return !this.s.walletRefuse[account] && controller === signer;
  }

  unsetAgentWallet(id: bigint): void {
    this.requireAuthorized(id);
    this.writeWallet(id, ZERO);
  }

  setFrozen(id: bigint, frozen: boolean): void {
    const a = this.agent(id);
    if (!a) fail("AgentNotFound", id);
    if (this.sender !== a.owner) fail("AgentUnauthorized", id, this.sender);
    if (a.frozen === frozen) fail("AgentFreezeUnchanged", id, frozen);
    a.frozen = frozen;
  }

  /** ERC-721 `transferFrom(from, to, id)` with `from` the current owner. */
  transferAgent(id: bigint, to: Addr): void {
    if (to === ZERO) fail("ERC721InvalidReceiver", to);
    const a = this.agent(id);
    if (!a) fail("ERC721NonexistentToken", id);
    if (!this.nftAuthorized(a, this.sender)) fail("ERC721InsufficientApproval", this.sender, id);
    const from = a.owner;
    a.owner = to;
    a.approved = ZERO;
    if (from !== to) this.writeWallet(id, ZERO);
  }

  /* TOKEN */

  tokenTransfer(from: Addr, to: Addr, value: bigint): void {
    const t = this.w.token;
    if (t.kind === "usdc") {
      if (t.blacklist[from]) fail("USDCBlacklisted", from);
      if (t.blacklist[to]) fail("USDCBlacklisted", to);
    } else {
      if (t.blacklist[from]) fail("FuzzTokenBlacklisted", from);
      if (t.blacklist[to]) fail("FuzzTokenBlacklisted", to);
      // An armed hook re-enters the vault mid-call: it must fail (the token reverts if it does not).
    }
    const fee = t.kind === "fuzz" && t.feeOn && value >= 1n ? 1n : 0n;
    const bal = get(t.bal, from);
    if (fee !== 0n) {
      if (bal < fee) fail("ERC20InsufficientBalance", from, bal, fee);
      if (bal - fee < value - fee) fail("ERC20InsufficientBalance", from, bal - fee, value - fee);
      this.w.burned += fee;
    } else if (bal < value) {
      fail("ERC20InsufficientBalance", from, bal, value);
    }
    t.bal[from] = bal - value;
    t.bal[to] = get(t.bal, to) + value - fee;
  }

  tokenTransferFrom(spender: Addr, from: Addr, to: Addr, value: bigint): void {
    const t = this.w.token;
    const allowance = get(t.allow, from);
    if (allowance !== UINT256_MAX) {
      if (allowance < value) fail("ERC20InsufficientAllowance", spender, allowance, value);
      t.allow[from] = allowance - value;
    }
    this.tokenTransfer(from, to, value);
  }

  /** `TokenFunding.pull` (never `Balance`). */
  pull(from: Addr, amount: bigint, f: FundingMeta): void {
    const t = this.w.token;
    const vault = this.w.vault;
    const before = get(t.bal, vault);
    if (f.source === Source.TransferFrom) {
      this.tokenTransferFrom(vault, from, vault, amount);
    } else if (f.source === Source.Permit) {
      if (f.sigLen !== 65) fail("VaultInvalidSignature");
      let permitted = false;
      if (t.kind === "usdc" && this.now <= f.validBefore && f.signer === from && f.permitNonce === get(t.permitNonce, from)) {
        permitted = true;
        t.permitNonce[from] = get(t.permitNonce, from) + 1n;
        t.allow[from] = amount;
      }
      if (!permitted && get(t.allow, from) < amount) fail("VaultInvalidSignature");
      this.tokenTransferFrom(vault, from, vault, amount);
    } else {
      if (f.sigLen !== 65) fail("VaultInvalidSignature");
      if (t.kind !== "usdc") fail("<empty>");
      if (this.now <= f.validAfter) fail("USDCAuthorizationNotYetValid", f.validAfter, this.now);
      if (this.now >= f.validBefore) fail("USDCAuthorizationExpired", f.validBefore, this.now);
      const key = `${from}:${f.nonce}`;
      if (t.usedAuth[key]) fail("USDCAuthorizationUsed", from, f.nonce);
      if (f.signer !== from) fail("USDCInvalidSignature", from, f.signer);
      t.usedAuth[key] = true;
      this.tokenTransfer(from, vault, amount);
    }
    const received = get(t.bal, vault) - before;
    if (received !== amount) fail("VaultTransferMismatch", amount, received > 0n ? received : 0n);
  }

  /* VAULT */

  limits(id: bigint): Limits {
    const k = id.toString();
    if (!this.w.limits[k]) this.w.limits[k] = { perTx: 0n, daily: 0n, allowlistOnly: false, hasApproval: false };
    return this.w.limits[k];
  }

  approval(id: bigint): Approval {
    const k = id.toString();
    if (!this.w.approvals[k]) this.w.approvals[k] = { cp: 0n, amount: 0n, deadline: 0n, nextNonce: 0n };
    return this.w.approvals[k];
  }

  spentAt(id: bigint, t: bigint): bigint {
    const p = t / BUCKET;
    let sum = 0n;
    for (const r of this.w.window[id.toString()] ?? []) if (r.p + BUCKETS - 1n >= p && r.p <= p) sum += r.amount;
    return sum;
  }

  requireAgentOwner(id: bigint): void {
    const owner = this.ownerOf(id);
    if (owner !== this.sender) fail("VaultNotOwner", id, this.sender);
  }

  deposit(id: bigint, amount: bigint, f: FundingMeta): void {
    if (this.w.paused) fail("VaultPaused");
    if (amount === 0n) fail("VaultZeroAmount");
    if (f.source === Source.Balance) fail("VaultInvalidFundingSource", 0n);
    this.ownerOf(id);
    this.w.balances[id.toString()] = get(this.w.balances, id.toString()) + amount;
    this.pull(this.sender, amount, f);
  }

  withdraw(id: bigint, amount: bigint): void {
    const { owner } = this.checkActor(id, this.sender);
    if (amount === 0n) fail("VaultZeroAmount");
    const bal = get(this.w.balances, id.toString());
    if (bal < amount) fail("VaultInsufficientBalance", id, bal, amount);
    this.w.balances[id.toString()] = bal - amount;
    const payout = this.w.payouts[`${id}:${owner}`] ?? ZERO;
    this.tokenTransfer(this.w.vault, payout === ZERO ? owner : payout, amount);
  }

  setPayoutAddress(id: bigint, payout: Addr): void {
    this.requireAgentOwner(id);
    this.w.payouts[`${id}:${this.sender}`] = payout;
  }

  withdrawCredit(to: Addr, amount: bigint): void {
    if (to === ZERO) fail("VaultZeroAddress");
    if (amount === 0n) fail("VaultZeroAmount");
    const credit = get(this.w.credits, this.sender);
    if (credit < amount) fail("VaultInsufficientCredit", this.sender, credit, amount);
    this.w.credits[this.sender] = credit - amount;
    this.tokenTransfer(this.w.vault, to, amount);
  }

  claimFees(): void {
    const amount = this.w.fees;
    if (amount === 0n) fail("VaultZeroAmount");
    this.w.fees = 0n;
    this.tokenTransfer(this.w.vault, this.w.feeRecipient, amount);
  }

  /** `vault.commit` called by `module` with `caller` (the module's msg.sender). Returns byOwner. */
  commit(
    module: "escrow" | "channels",
    id: bigint,
    cp: bigint,
    caller: Addr,
    amount: bigint,
    newBusiness: boolean,
    f: FundingMeta,
  ): boolean {
    if (newBusiness && this.w.paused) fail("VaultPaused");
    if (amount === 0n) fail("VaultZeroAmount");
    const { isOwner } = this.checkActor(id, caller);
    if (!isOwner) this.applyLimits(id, cp, amount);
    if (f.source === Source.Balance) {
      const bal = get(this.w.balances, id.toString());
      if (bal < amount) fail("VaultInsufficientBalance", id, bal, amount);
      this.w.balances[id.toString()] = bal - amount;
    }
    if (module === "escrow") this.w.lockedEscrow += amount;
    else this.w.lockedChannels += amount;
    if (f.source !== Source.Balance) this.pull(caller, amount, f);
    return isOwner;
  }

  applyLimits(id: bigint, cp: bigint, amount: bigint): void {
    const c = this.limits(id);
    if (c.hasApproval && this.useApproval(id, cp, amount)) return;
    if (c.perTx !== 0n && amount > c.perTx) fail("VaultPerTxCapExceeded", id, c.perTx, amount);
    if (c.allowlistOnly && !this.w.allowlist[`${id}:${cp}`]) fail("VaultCounterpartyNotAllowed", id, cp);
    if (c.daily === 0n) return; // no daily cap: the window is not touched (docs/LIMITS.md)
    const spent = this.spentAt(id, this.now);
    if (spent + amount > c.daily) fail("VaultDailyCapExceeded", id, c.daily, spent, amount);
    const k = id.toString();
    (this.w.window[k] ??= []).push({ p: this.now / BUCKET, amount });
    // Invariant 8, checked on the raw log (not on the bucket arithmetic): no 24-hour interval closed at both ends
    // ending now sees more than the cap.
    const log = (this.w.spendLog[k] ??= []);
    log.push({ t: this.now, amount });
    let inDay = 0n;
    for (const r of log) if (r.t >= this.now - DAY) inDay += r.amount;
    if (inDay > c.daily) throw new Error(`invariant 8: agent ${id} committed ${inDay} in the 24h before ${this.now}, cap ${c.daily}`);
  }

  useApproval(id: bigint, cp: bigint, amount: bigint): boolean {
    const a = this.approval(id);
    if (a.cp !== cp || amount > a.amount || this.now > a.deadline) return false;
    this.w.approvals[id.toString()] = { cp: 0n, amount: 0n, deadline: 0n, nextNonce: a.nextNonce };
    this.limits(id).hasApproval = false;
    return true;
  }

  debitLocked(module: "escrow" | "channels", amount: bigint): void {
    const locked = module === "escrow" ? this.w.lockedEscrow : this.w.lockedChannels;
    const addr = module === "escrow" ? this.w.escrow : this.w.channelsAddr;
    if (locked < amount) fail("VaultModuleUnderflow", addr, locked, amount);
    if (module === "escrow") this.w.lockedEscrow = locked - amount;
    else this.w.lockedChannels = locked - amount;
  }

  release(module: "escrow" | "channels", id: bigint, amount: bigint, fee: bigint): void {
    this.debitLocked(module, amount + fee);
    this.w.balances[id.toString()] = get(this.w.balances, id.toString()) + amount;
    this.w.fees += fee;
  }

  releaseTo(module: "escrow" | "channels", account: Addr, amount: bigint): void {
    if (account === ZERO) fail("VaultZeroAddress");
    this.debitLocked(module, amount);
    this.w.credits[account] = get(this.w.credits, account) + amount;
  }

  setSpendingLimits(id: bigint, perTx: bigint, daily: bigint, allowlistOnly: boolean): void {
    this.requireAgentOwner(id);
    const c = this.limits(id);
    c.perTx = perTx;
    c.daily = daily;
    c.allowlistOnly = allowlistOnly;
  }

  setAllowlisted(id: bigint, cp: bigint, allowed: boolean): void {
    this.requireAgentOwner(id);
    this.w.allowlist[`${id}:${cp}`] = allowed;
  }

  /** `approveCommitment`; `signer` signed over nonce `sigNonce`, agent `sigAgent`. */
  approveCommitment(id: bigint, cp: bigint, amount: bigint, deadline: bigint, signer: Addr, sigNonce: bigint): void {
    if (this.now > deadline) fail("VaultOwnerApprovalExpired", deadline);
    if (amount === 0n) fail("VaultZeroAmount");
    const owner = this.ownerOf(id);
    const a = this.approval(id);
    if (sigNonce !== a.nextNonce || !this.signatureValid(owner, signer)) fail("VaultOwnerApprovalInvalid", id);
    const maxU40 = (1n << 40n) - 1n;
    this.w.approvals[id.toString()] = { cp, amount, deadline: deadline > maxU40 ? maxU40 : deadline, nextNonce: a.nextNonce + 1n };
    this.limits(id).hasApproval = true;
  }

  cancelCommitmentApproval(id: bigint): void {
    this.requireAgentOwner(id);
    const a = this.approval(id);
    this.w.approvals[id.toString()] = { cp: 0n, amount: 0n, deadline: 0n, nextNonce: a.nextNonce + 1n };
    this.limits(id).hasApproval = false;
  }

  pause(): void {
    if (this.sender !== this.w.guardian) fail("VaultNotGuardian", this.sender);
    if (this.w.paused) fail("VaultPaused");
    this.w.paused = true;
  }

  unpause(): void {
    if (this.sender !== this.w.guardian) fail("VaultNotGuardian", this.sender);
    if (!this.w.paused) fail("VaultNotPaused");
    this.w.paused = false;
  }

  onlyAdmin(): void {
    if (this.sender !== this.w.admin) fail("OwnableUnauthorizedAccount", this.sender);
  }

  setProtocolFee(bps: bigint): void {
    this.onlyAdmin();
    if (bps > MAX_FEE_BPS) fail("VaultFeeTooHigh", bps, MAX_FEE_BPS);
    this.w.feeBps = bps;
  }

  setFeeRecipient(to: Addr): void {
    this.onlyAdmin();
    if (to === ZERO) fail("VaultZeroAddress");
    this.w.feeRecipient = to;
  }

  setGuardian(to: Addr): void {
    this.onlyAdmin();
    if (to === ZERO) fail("VaultZeroAddress");
    this.w.guardian = to;
  }

  transferOwnership(to: Addr): void {
    this.onlyAdmin();
    this.w.pendingAdmin = to;
  }

  renounceOwnership(): void {
    this.onlyAdmin();
    this.w.admin = ZERO;
    this.w.pendingAdmin = ZERO;
  }

  acceptOwnership(): void {
    if (this.sender !== this.w.pendingAdmin) fail("OwnableUnauthorizedAccount", this.sender);
    this.w.admin = this.sender;
    this.w.pendingAdmin = ZERO;
  }

  /* LEDGER */

  stats(id: bigint): Stats {
    const k = id.toString();
    if (!this.w.stats[k]) this.w.stats[k] = emptyStats();
    return this.w.stats[k];
  }

  score(id: bigint): bigint {
    const c = this.stats(id);
    const completion = ((c.completed + 1n) * BPS) / (c.completed + c.refundedLate + c.disputesLost + 2n);
    const punctuality = ((c.onTime + 1n) * BPS) / (c.completed + 2n);
    const satisfaction = c.feedbackWeight === 0n ? 5_000n : (c.feedbackWeightedScore * 100n) / c.feedbackWeight;
    const quality = (5n * completion + 2n * punctuality + 3n * satisfaction) / 10n;
    const confidence = min(BPS, (log2(1n + c.volumeEarned / 1_000_000n) * BPS) / 14n);
    return (quality * confidence) / BPS;
  }

  recordCompleted(providerId: bigint, clientId: bigint, toProvider: bigint, latency: bigint, onTime: boolean): void {
    const p = this.stats(providerId);
    p.completed += 1n;
    if (onTime) p.onTime += 1n;
    p.volumeEarned += toProvider;
    p.latencySum += latency;
    this.stats(clientId).volumeSpent += toProvider;
  }

  recordDispute(providerId: bigint, clientId: bigint, share: bigint, toProvider: bigint): void {
    const p = this.stats(providerId);
    const c = this.stats(clientId);
    if (share >= 5_000n) {
      p.disputesWon += 1n;
      c.disputesLost += 1n;
    } else {
      p.disputesLost += 1n;
      c.disputesWon += 1n;
    }
    if (toProvider !== 0n) {
      p.volumeEarned += toProvider;
      c.volumeSpent += toProvider;
    }
  }

  /* LISTINGS */

  listing(id: bigint): Listing | undefined {
    if (id < 1n || id > BigInt(this.w.listings.length)) return undefined;
    return this.w.listings[Number(id) - 1];
  }

  validateListing(p: ListingInput): void {
    const n = p.capabilities.length;
    if (n === 0) fail("ListingNoCapabilities");
    if (n > MAX_CAPABILITIES) fail("ListingTooManyCapabilities", BigInt(n), BigInt(MAX_CAPABILITIES));
    for (let i = 0; i < n; i++) {
      const cap = p.capabilities[i];
      if (/^0x0+$/.test(cap)) fail("ListingInvalidCapability", BigInt(i), cap);
      for (let j = 0; j < i; j++) if (p.capabilities[j] === cap) fail("ListingDuplicateCapability", cap);
    }
    if (p.price === 0n) fail("ListingPriceZero");
    if (p.sla < MIN_SLA || p.sla > MAX_SLA) fail("ListingInvalidSla", p.sla, MIN_SLA, MAX_SLA);
    if (p.review < MIN_REVIEW || p.review > MAX_REVIEW) fail("ListingInvalidReviewWindow", p.review, MIN_REVIEW, MAX_REVIEW);
    if (p.collateralBps > MAX_COLLATERAL_BPS) fail("ListingCollateralTooHigh", p.collateralBps, MAX_COLLATERAL_BPS);
    if (!p.arbitratorHasCode) fail("ListingInvalidArbitrator", p.arbitrator);
    if (p.validator !== ZERO && !p.validatorHasCode) fail("ListingInvalidValidator", p.validator);
    if (p.uriLength > MAX_URI) fail("ListingUriTooLong", BigInt(p.uriLength), BigInt(MAX_URI));
  }

  publish(providerId: bigint, p: ListingInput): bigint {
    if (this.w.paused) fail("ListingPaused");
    this.checkActor(providerId, this.sender);
    this.validateListing(p);
    const id = BigInt(this.w.listings.length + 1);
    this.w.listings.push({
      id,
      providerId,
      price: p.price,
      pricing: p.pricing,
      status: LStatus.Active,
      sla: p.sla,
      review: p.review,
      collateralBps: p.collateralBps,
      arbitrator: p.arbitrator,
      validator: p.validator,
    });
    return id;
  }

  requireManager(id: bigint): Listing {
    const l = this.listing(id);
    if (!l) fail("ListingNotFound", id);
    this.checkActor(l.providerId, this.sender);
    return l;
  }

  updateListing(id: bigint, p: ListingInput): void {
    if (this.w.paused) fail("ListingPaused");
    const l = this.requireManager(id);
    if (l.status === LStatus.Retired) fail("ListingRetired", id);
    this.validateListing(p);
    Object.assign(l, {
      price: p.price,
      pricing: p.pricing,
      sla: p.sla,
      review: p.review,
      collateralBps: p.collateralBps,
      arbitrator: p.arbitrator,
      validator: p.validator,
    });
  }

  transitionListing(id: bigint, from: number, to: number): void {
    const l = this.requireManager(id);
    if (l.status === LStatus.Retired) fail("ListingRetired", id);
    if (l.status !== from) fail("ListingStatusUnchanged", id, BigInt(l.status));
    l.status = to;
  }

  pauseListing(id: bigint): void {
    this.transitionListing(id, LStatus.Active, LStatus.Paused);
  }

  resumeListing(id: bigint): void {
    if (this.w.paused) fail("ListingPaused");
    this.transitionListing(id, LStatus.Paused, LStatus.Active);
  }

  retireListing(id: bigint): void {
    const l = this.requireManager(id);
    if (l.status === LStatus.Retired) fail("ListingRetired", id);
    l.status = LStatus.Retired;
  }

  /* ESCROW */

  job(id: bigint): Job | undefined {
    if (id < 1n || id > BigInt(this.w.jobs.length)) return undefined;
    return this.w.jobs[Number(id) - 1];
  }

  /** `_requireState`: `expected` is the earliest allowed state. */
  requireState(id: bigint, allowed: number[]): Job {
    const j = this.job(id);
    const current = j ? j.state : JobState.None;
    if (!allowed.includes(current)) fail("EscrowUnexpectedState", id, BigInt(current), BigInt(Math.min(...allowed)));
    return j!;
  }

  requiredCollateral(amount: bigint, bps: bigint, score: bigint): bigint {
    if (score >= BPS) return 0n;
    return ceilDiv(amount * bps * (BPS - score), BPS * BPS);
  }

  createJob(p: CreateJobInput, f: FundingMeta): bigint {
    const l = this.listing(p.listingId);
    if (!l) fail("ListingNotFound", p.listingId);
    if (l.status !== LStatus.Active) fail("EscrowListingNotActive", p.listingId, BigInt(l.status));
    if (l.pricing === Pricing.PerCall) fail("EscrowListingNotHireable", p.listingId, BigInt(l.pricing));
    if (this.s.termsHashCheck && p.currentTermsHash !== p.termsHash) {
      fail("EscrowListingTermsChanged", p.listingId, p.termsHash, p.currentTermsHash);
    }
    if (l.price > p.maxPrice) fail("EscrowPriceAboveMax", p.listingId, l.price, p.maxPrice);
    const amount = l.pricing === Pricing.Fixed ? l.price : p.maxPrice;
    const onTimeBy = this.now + l.sla;
    const maxDeadline = this.now + MAX_JOB_DURATION;
    if (p.deadline < onTimeBy || p.deadline > maxDeadline) fail("EscrowInvalidDeadline", p.deadline, onTimeBy, maxDeadline);
    const selfDealing = this.ownerOf(p.clientId) === this.ownerOf(l.providerId);
    const id = BigInt(this.w.jobs.length + 1);
    const hasValidator = l.validator !== ZERO;
    this.w.jobs.push({
      id,
      listingId: p.listingId,
      clientId: p.clientId,
      providerId: l.providerId,
      amount,
      feeBps: this.w.feeBps,
      state: JobState.Funded,
      selfDealing,
      collateralTerms: l.collateralBps !== 0n,
      hasValidator,
      unaccepted: false,
      clientFb: false,
      providerFb: false,
      deadline: p.deadline,
      reviewEnd: 0n,
      deliveredAt: 0n,
      disputedAt: 0n,
      settledAt: 0n,
      startedAt: this.now,
      onTimeBy,
      reviewWindow: l.review,
      arbitrator: l.arbitrator,
      validator: l.validator,
      collateralBps: l.collateralBps,
      collateral: 0n,
      arbFee: 0n,
      specHash: hasValidator ? p.specHash : ZERO_HASH,
      resultHash: ZERO_HASH,
      funded: amount,
      paidOut: 0n,
    });
    this.commit("escrow", p.clientId, l.providerId, this.sender, amount, true, f);
    return id;
  }

  /** Pays `amount` + `fee` of a job out of the escrow's locked money, counting it against the job. */
  jobRelease(j: Job, agentId: bigint, amount: bigint, fee: bigint): void {
    this.release("escrow", agentId, amount, fee);
    j.paidOut += amount + fee;
  }

  finalize(j: Job, state: number): void {
    j.state = state;
    j.settledAt = this.now;
  }

  cancel(id: bigint): void {
    const j = this.requireState(id, [JobState.Funded]);
    this.checkActor(j.clientId, this.sender);
    this.finalize(j, JobState.Cancelled);
    this.jobRelease(j, j.clientId, j.amount, 0n);
    this.assertConserved(j);
  }

  decline(id: bigint): void {
    const j = this.requireState(id, [JobState.Funded]);
    this.checkActor(j.providerId, this.sender);
    this.finalize(j, JobState.Cancelled);
    this.jobRelease(j, j.clientId, j.amount, 0n);
    this.assertConserved(j);
  }

  accept(id: bigint, f: FundingMeta): void {
    const j = this.requireState(id, [JobState.Funded]);
    if (this.now > j.deadline) fail("EscrowTooLate", id, this.now, j.deadline);
    let collateral = 0n;
    if (j.collateralTerms) collateral = this.requiredCollateral(j.amount, j.collateralBps, this.score(j.providerId));
    if (collateral === 0n) this.checkActor(j.providerId, this.sender);
    j.state = JobState.Accepted;
    j.startedAt = this.now;
    if (collateral !== 0n) {
      j.collateral = collateral;
      j.funded += collateral;
      this.commit("escrow", j.providerId, j.clientId, this.sender, collateral, false, f);
    }
  }

  verdictOf(validator: Addr, specHash: string, resultHash: string): number {
    const v = this.w.vals.find((x) => x.addr === validator);
    if (!v) return Verdict.Pending;
    if (v.kind === "hash") return specHash === resultHash ? Verdict.Approved : Verdict.Rejected;
    if (v.kind === "mock") return v.verdict;
    return Verdict.Pending;
  }

  deliver(id: bigint, resultHash: string): void {
    const j = this.requireState(id, [JobState.Funded, JobState.Accepted]);
    if (this.now > j.deadline) fail("EscrowTooLate", id, this.now, j.deadline);
    this.checkActor(j.providerId, this.sender);
    if (j.state === JobState.Funded && j.collateralTerms) {
      const required = this.requiredCollateral(j.amount, j.collateralBps, this.score(j.providerId));
      if (required !== 0n) fail("EscrowCollateralRequired", id, required);
    }
    j.state = JobState.Delivered;
    j.deliveredAt = this.now;
    j.reviewEnd = this.now + j.reviewWindow;
    if (j.hasValidator) {
      const v = this.verdictOf(j.validator, j.specHash, resultHash);
      if (v === Verdict.Approved) this.complete(j);
      else if (v === Verdict.Rejected) this.refundJob(j, "validator");
      else if (resultHash !== ZERO_HASH) j.resultHash = resultHash;
    }
  }

  complete(j: Job): void {
    const collateral = j.collateralTerms ? j.collateral : 0n;
    const fee = feeUp(j.amount, j.feeBps);
    const toProvider = j.amount - fee;
    this.finalize(j, JobState.Completed);
    this.jobRelease(j, j.providerId, toProvider + collateral, fee);
    if (!j.selfDealing) {
      // Volume is the amount before the fee (docs/REPUTATION.md), as for channel claims.
      this.recordCompleted(j.providerId, j.clientId, j.amount, j.deliveredAt - j.startedAt, j.deliveredAt <= j.onTimeBy);
    }
    this.assertConserved(j);
  }

  refundJob(j: Job, kind: "deadline" | "validator" | "unaccepted"): void {
    const collateral = j.collateralTerms ? j.collateral : 0n;
    this.finalize(j, JobState.Refunded);
    this.jobRelease(j, j.clientId, j.amount + collateral, 0n);
    if (!j.selfDealing) {
      if (kind === "deadline") this.stats(j.providerId).refundedLate += 1n;
      else if (kind === "validator") this.recordDispute(j.providerId, j.clientId, 0n, 0n);
    }
    this.assertConserved(j);
  }

  assertConserved(j: Job): void {
    if (j.paidOut !== j.funded) throw new Error(`invariant 2: job ${j.id} locked ${j.funded} but paid out ${j.paidOut}`);
  }

  approve(id: bigint): void {
    const j = this.requireState(id, [JobState.Delivered]);
    this.checkActor(j.clientId, this.sender);
    this.complete(j);
  }

  arb(addr: Addr): Arb | undefined {
    return this.w.arbs.find((a) => a.addr === addr);
  }

  /** `(fee, quoted)` of `_quoteArbitration`. */
  quote(arbitrator: Addr, amount: bigint): bigint {
    const a = this.arb(arbitrator);
    if (!a || a.kind === "revertQuote") return 0n;
    return min(a.fee, (amount * ARBITRATION_FEE_CAP_BPS) / BPS);
  }

  reject(id: bigint, f: FundingMeta): void {
    const j = this.requireState(id, [JobState.Delivered]);
    if (this.now > j.reviewEnd) fail("EscrowTooLate", id, this.now, j.reviewEnd);
    const fee = this.quote(j.arbitrator, j.amount);
    if (fee === 0n) this.checkActor(j.clientId, this.sender);
    j.state = JobState.Disputed;
    j.disputedAt = this.now;
    j.arbFee = fee;
    if (fee !== 0n) {
      j.funded += fee;
      this.commit("escrow", j.clientId, j.providerId, this.sender, fee, false, f);
    }
    // createDispute: failures are swallowed (ArbitratorNotificationFailed); the reference arbitrators record it.
    const a = this.arb(j.arbitrator);
    if (a && (a.kind === "committee" || a.kind === "oracle")) {
      const d = a.disputes[id.toString()];
      if (!d) a.disputes[id.toString()] = { created: true, ruled: false, votes: {}, voted: {} };
    }
  }

  release_(id: bigint): void {
    const j = this.requireState(id, [JobState.Delivered]);
    if (this.now <= j.reviewEnd) fail("EscrowTooEarly", id, this.now, j.reviewEnd + 1n);
    this.complete(j);
  }

  refund(id: bigint): void {
    const j = this.requireState(id, [JobState.Funded, JobState.Accepted]);
    if (this.now <= j.deadline) fail("EscrowTooEarly", id, this.now, j.deadline + 1n);
    if (j.state === JobState.Funded) {
      j.unaccepted = true;
      this.refundJob(j, "unaccepted");
    } else {
      this.refundJob(j, "deadline");
    }
  }

  pollValidator(id: bigint): number {
    const j = this.requireState(id, [JobState.Delivered]);
    if (!j.hasValidator) fail("EscrowNoValidator", id);
    const v = this.verdictOf(j.validator, j.specHash, j.resultHash);
    if (v === Verdict.Approved) this.complete(j);
    else if (v === Verdict.Rejected) this.refundJob(j, "validator");
    return v;
  }

  submitEvidence(id: bigint): void {
    const j = this.requireState(id, [JobState.Disputed]);
    if (!this.isActor(j.clientId, this.sender) && !this.isActor(j.providerId, this.sender)) fail("EscrowNotParty", id, this.sender);
  }

  /** `rule` with msg.sender `arbitrator`. */
  rule(id: bigint, arbitrator: Addr, share: bigint): void {
    const j = this.requireState(id, [JobState.Disputed]);
    if (arbitrator !== j.arbitrator) fail("EscrowNotArbitrator", id, arbitrator, j.arbitrator);
    const rulingEnd = j.disputedAt + RULING_PERIOD;
    if (this.now > rulingEnd) fail("EscrowTooLate", id, this.now, rulingEnd);
    if (share > BPS) fail("EscrowInvalidRuling", id, share);
    this.resolve(j, share, false);
  }

  resolveByDefault(id: bigint): void {
    const j = this.requireState(id, [JobState.Disputed]);
    const opensAt = j.disputedAt + RULING_PERIOD + 1n;
    if (this.now < opensAt) fail("EscrowTooEarly", id, this.now, opensAt);
    this.resolve(j, DEFAULT_RULING_BPS, true);
  }

  resolve(j: Job, share: bigint, byDefault: boolean): void {
    const gross = (j.amount * share) / BPS;
    const fee = feeUp(gross, j.feeBps);
    const toProvider = gross - fee;
    const toClient = j.amount - gross;
    const collateral = j.collateralTerms ? j.collateral : 0n;
    const collateralToProvider = (collateral * share) / BPS;
    const collateralToClient = collateral - collateralToProvider;
    const arbFee = j.arbFee;
    this.finalize(j, JobState.Resolved);
    j.arbFee = 0n;
    const providerCredit = toProvider + collateralToProvider;
    if (providerCredit !== 0n || fee !== 0n) this.jobRelease(j, j.providerId, providerCredit, fee);
    const clientCredit = toClient + collateralToClient + (byDefault ? arbFee : 0n);
    if (clientCredit !== 0n) this.jobRelease(j, j.clientId, clientCredit, 0n);
    if (!byDefault) {
      if (arbFee !== 0n) {
        this.releaseTo("escrow", j.arbitrator, arbFee);
        j.paidOut += arbFee;
      }
      if (!j.selfDealing) this.recordDispute(j.providerId, j.clientId, share, gross);
    }
    this.assertConserved(j);
  }

  giveFeedback(id: bigint, score: bigint): void {
    const j = this.requireState(id, [JobState.Completed, JobState.Refunded, JobState.Resolved]);
    if (j.selfDealing) fail("EscrowSelfDealing", id);
    if (j.unaccepted) fail("EscrowNeverAccepted", id);
    const clientFirst = !j.clientFb;
    const [first, second] = clientFirst ? [j.clientId, j.providerId] : [j.providerId, j.clientId];
    let fromId: bigint;
    let subjectId: bigint;
    if (this.isActor(first, this.sender)) [fromId, subjectId] = [first, second];
    else if (this.isActor(second, this.sender)) [fromId, subjectId] = [second, first];
    else fail("EscrowNotParty", id, this.sender);
    const isClient = fromId === j.clientId;
    if (isClient ? j.clientFb : j.providerFb) fail("EscrowFeedbackAlreadyGiven", id, fromId);
    if (isClient) j.clientFb = true;
    else j.providerFb = true;
    if (score > 100n) fail("LedgerInvalidScore", score);
    const s = this.stats(subjectId);
    s.feedbackWeight += j.amount;
    s.feedbackWeightedScore += score * j.amount;
    s.feedbackCount += 1n;
  }

  /* ARBITRATORS */

  /** MockArbitrator-style `giveRuling` (anyone may call it): the arbitrator contract calls `rule`. */
  giveRuling(arbitrator: Addr, id: bigint, share: bigint): void {
    this.rule(id, arbitrator, share);
  }

  /** DoubleRulingArbitrator.ruleTwice: the first ruling must pass, the second always fails (caught). */
  ruleTwice(arbitrator: Addr, id: bigint, first: bigint): void {
    this.rule(id, arbitrator, first);
  }

  committeeVote(arbitrator: Addr, id: bigint, share: bigint): void {
    if (!this.s.committeeMembers.includes(this.sender)) fail("CommitteeNotMember", this.sender);
    if (share > BPS) fail("CommitteeInvalidShare", share);
    const a = this.arb(arbitrator)!;
    const d = a.disputes[id.toString()];
    if (!d || !d.created) fail("CommitteeUnknownDispute", id);
    if (d.ruled) fail("CommitteeAlreadyRuled", id);
    if (d.voted[this.sender]) fail("CommitteeAlreadyVoted", id, this.sender);
    d.voted[this.sender] = true;
    const count = (d.votes[share.toString()] ?? 0) + 1;
    d.votes[share.toString()] = count;
    if (count === 2) {
      d.ruled = true;
      this.rule(id, arbitrator, share);
    }
  }

  setOracle(oracle: Addr): void {
    if (this.sender !== this.s.oracleOwner) fail("OwnableUnauthorizedAccount", this.sender);
    if (oracle === ZERO) fail("OracleZeroAddress");
    this.s.oracleKey = oracle;
  }

  oracleVerdict(arbitrator: Addr, id: bigint, share: bigint): void {
    if (this.sender !== this.s.oracleKey) fail("OracleNotOracle", this.sender);
    if (share > BPS) fail("OracleInvalidShare", share);
    const a = this.arb(arbitrator)!;
    const d = a.disputes[id.toString()];
    if (!d || !d.created) fail("OracleUnknownDispute", id);
    if (d.ruled) fail("OracleAlreadyRuled", id);
    d.ruled = true;
    this.rule(id, arbitrator, share);
  }

  /** Committee/Oracle `withdrawCredit(to, amount)` (owner only), which calls the vault as the arbitrator. */
  arbitratorWithdraw(arbitrator: Addr, owner: Addr, to: Addr, amount: bigint): void {
    if (this.sender !== owner) fail("OwnableUnauthorizedAccount", this.sender);
    new Sim(this.s, this.w, arbitrator).withdrawCredit(to, amount);
  }

  /* CHANNELS */

  open(clientId: bigint, providerId: bigint, salt: string, id: string, authorizer: Addr, amount: bigint, f: FundingMeta): bigint {
    if (amount === 0n) fail("ChannelZeroAmount");
    if (clientId === providerId) fail("ChannelSameAgent", clientId);
    const ch = this.w.channels[id];
    const status = ch ? ch.status : ChStatus.None;
    if (status === ChStatus.Open || status === ChStatus.Closing) fail("ChannelAlreadyOpen", id, BigInt(status));
    const feeBps = this.w.feeBps;
    const sameOwner = this.ownerOf(clientId) === this.ownerOf(providerId);
    const epoch = (ch ? ch.epoch : 0n) + 1n;
    const c: Channel = {
      id,
      clientId,
      providerId,
      salt,
      deposit: amount,
      claimed: 0n,
      authorizer: authorizer === ZERO ? this.sender : authorizer,
      epoch,
      feeBps,
      sameOwner,
      status: ChStatus.Open,
      graceEndsAt: 0n,
      paidOut: 0n,
    };
    if (!ch) this.w.channelOrder.push(id);
    this.w.channels[id] = c;
    this.commit("channels", clientId, providerId, this.sender, amount, true, f);
    return epoch;
  }

  topUp(id: string, amount: bigint, f: FundingMeta): void {
    if (amount === 0n) fail("ChannelZeroAmount");
    const c = this.w.channels[id];
    const status = c ? c.status : ChStatus.None;
    if (status !== ChStatus.Open) fail("ChannelUnexpectedStatus", id, BigInt(status), BigInt(ChStatus.Open));
    c.deposit += amount;
    this.commit("channels", c.clientId, c.providerId, this.sender, amount, true, f);
  }

  requireClaimable(id: string): Channel {
    const c = this.w.channels[id];
    const status = c ? c.status : ChStatus.None;
    if (status === ChStatus.Open) return c;
    if (status === ChStatus.Closing) {
      if (this.now > c.graceEndsAt) fail("ChannelGracePeriodOver", id, c.graceEndsAt);
      return c;
    }
    fail("ChannelNotActive", id, BigInt(status));
  }

  /** `_claim`: `v.signer` signed `(v.channelId, v.epoch, v.cumulative)`. Returns [amount, fee]. */
  claimOne(c: Channel, v: VoucherMeta): [bigint, bigint] {
    if (v.epoch !== c.epoch) fail("ChannelWrongEpoch", c.id, v.epoch, c.epoch);
    if (v.cumulative > c.deposit) fail("ChannelVoucherExceedsDeposit", c.id, v.cumulative, c.deposit);
    if (v.cumulative <= c.claimed) fail("ChannelVoucherStale", c.id, v.cumulative, c.claimed);
    const digestOk = v.signedChannel === c.id && v.signedEpoch === v.epoch && v.signedCumulative === v.cumulative;
    if (!digestOk || !this.signatureValid(c.authorizer, v.signer)) fail("ChannelInvalidSignature", c.id, c.authorizer);
    const amount = v.cumulative - c.claimed;
    const fee = feeUp(v.cumulative, c.feeBps) - feeUp(c.claimed, c.feeBps);
    c.claimed = v.cumulative;
    return [amount, fee];
  }

  payProvider(c: Channel, amount: bigint, fee: bigint): void {
    this.release("channels", c.providerId, amount - fee, fee);
    c.paidOut += amount;
    if (!c.sameOwner) {
      this.stats(c.providerId).volumeEarned += amount;
      this.stats(c.clientId).volumeSpent += amount;
    }
  }

  claim(v: VoucherMeta): bigint {
    const c = this.requireClaimable(v.channelId);
    this.checkActor(c.providerId, this.sender);
    const [amount, fee] = this.claimOne(c, v);
    this.payProvider(c, amount, fee);
    return amount;
  }

  claimMany(vs: VoucherMeta[]): void {
    if (vs.length === 0) fail("ChannelEmptyBatch");
    let last = 0n;
    const pays: [Channel, bigint, bigint][] = [];
    for (const v of vs) {
      const c = this.requireClaimable(v.channelId);
      if (c.providerId !== last) {
        last = c.providerId;
        this.checkActor(last, this.sender);
      }
      const [amount, fee] = this.claimOne(c, v);
      pays.push([c, amount, fee]);
    }
    for (const [c, amount, fee] of pays) this.payProvider(c, amount, fee);
  }

  requestClose(id: string): void {
    const c = this.w.channels[id];
    const status = c ? c.status : ChStatus.None;
    if (status !== ChStatus.Open) fail("ChannelUnexpectedStatus", id, BigInt(status), BigInt(ChStatus.Open));
    this.checkActor(c.clientId, this.sender);
    c.status = ChStatus.Closing;
    c.graceEndsAt = this.now + GRACE;
  }

  closeChannel(c: Channel): bigint {
    const refunded = c.deposit - c.claimed;
    c.status = ChStatus.Closed;
    return refunded;
  }

  refundChannel(c: Channel, refunded: bigint): void {
    if (refunded !== 0n) this.release("channels", c.clientId, refunded, 0n);
    c.paidOut += refunded;
    if (c.paidOut !== c.deposit)
      throw new Error(`invariant 2: channel ${c.id} epoch ${c.epoch} deposit ${c.deposit} paid out ${c.paidOut}`);
  }

  finalizeClose(id: string): void {
    const c = this.w.channels[id];
    const status = c ? c.status : ChStatus.None;
    if (status !== ChStatus.Closing) fail("ChannelUnexpectedStatus", id, BigInt(status), BigInt(ChStatus.Closing));
    if (this.now <= c.graceEndsAt) fail("ChannelGracePeriodActive", id, c.graceEndsAt);
    this.refundChannel(c, this.closeChannel(c));
  }

  closeByProvider(id: string, v: VoucherMeta | undefined): void {
    const c = this.w.channels[id];
    const status = c ? c.status : ChStatus.None;
    if (status !== ChStatus.Open && status !== ChStatus.Closing) fail("ChannelNotActive", id, BigInt(status));
    this.checkActor(c.providerId, this.sender);
    let amount = 0n;
    let fee = 0n;
    if (v) {
      this.requireClaimable(id);
      [amount, fee] = this.claimOne(c, v);
    }
    const refunded = this.closeChannel(c);
    if (amount !== 0n) this.payProvider(c, amount, fee);
    this.refundChannel(c, refunded);
  }
}

export const ZERO_HASH = "0x0000000000000000000000000000000000000000000000000000000000000000";

export interface CreateJobInput {
  clientId: bigint;
  listingId: bigint;
  maxPrice: bigint;
  deadline: bigint;
  specHash: string;
  /** What the client commits to (`CreateJobParams.termsHash`, when the ABI has it). */
  termsHash: string;
  /**
   * `IListingRegistry.termsHash(listingId)` read just before the hire. The model does not recompute the hash (its
   * exact coverage is unit-tested with the library); it predicts what a match or a mismatch does.
   */
  currentTermsHash: string;
}

export interface ListingInput {
  capabilities: string[];
  price: bigint;
  pricing: number;
  sla: bigint;
  review: bigint;
  collateralBps: bigint;
  arbitrator: Addr;
  arbitratorHasCode: boolean;
  validator: Addr;
  validatorHasCode: boolean;
  uriLength: number;
}

/** A voucher as the model sees it: what is submitted and what was really signed, by whom. */
export interface VoucherMeta {
  channelId: string;
  epoch: bigint;
  cumulative: bigint;
  signer: Addr;
  signedChannel: string;
  signedEpoch: bigint;
  signedCumulative: bigint;
}

/** Runs `fn` on a clone of `state`: the clone on success, or the predicted revert. */
export function simulate<T>(
  state: State,
  world: number,
  sender: Addr,
  fn: (sim: Sim) => T,
): { ok: true; state: State; value: T } | { ok: false; error: Revert } {
  const clone = structuredClone(state);
  try {
    const value = fn(new Sim(clone, clone.worlds[world], sender));
    return { ok: true, state: clone, value };
  } catch (e) {
    if (e instanceof Revert) return { ok: false, error: e };
    throw e;
  }
}
