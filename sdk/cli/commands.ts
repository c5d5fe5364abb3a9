/**
 * The `agora` commands: one entry per action, each with its options, help text and a `run` that calls the SDK.
 * Write commands simulate first (`action.call`), so a revert is reported before any gas is spent, then send with
 * progress on stderr.
 */
import { Result, ZeroAddress, type ContractTransactionReceipt } from "ethers";
import type { ParseArgsConfig } from "node:util";
import {
  AgoraError,
  accept,
  acceptSync,
  approve,
  approveCommitment,
  approveCommitmentSync,
  approveSync,
  approveVault,
  approveVaultSync,
  cancel,
  cancelCommitmentApproval,
  cancelCommitmentApprovalSync,
  cancelSync,
  committeeVote,
  committeeVoteSync,
  createGraphClient,
  decline,
  declineSync,
  deliver,
  deliverSync,
  deposit,
  depositSync,
  findProviders,
  finalizeClose,
  formatBps,
  formatDuration,
  formatUsdc,
  freeze,
  freezeSync,
  getAgent,
  getAgentProfile,
  getBalance,
  getChannel,
  getJob,
  getLeaderboard,
  getListing,
  getOpenJobs,
  getReputation,
  getSpendingLimits,
  giveFeedback,
  giveFeedbackSync,
  guardianPause,
  guardianPauseSync,
  guardianUnpause,
  guardianUnpauseSync,
  hire,
  hireSync,
  isPaused,
  mintUsdc,
  mintUsdcSync,
  openChannel,
  oracleVerdict,
  oracleVerdictSync,
  pauseListing,
  pauseListingSync,
  pollValidator,
  pollValidatorSync,
  prepareFunding,
  publishListing,
  publishListingSync,
  refund,
  refundSync,
  requiredCollateral,
  registerAgent,
  registerAgentSync,
  reject,
  rejectSync,
  release,
  releaseSync,
  requestClose,
  resolveByDefault,
  resolveByDefaultSync,
  resumeListing,
  resumeListingSync,
  retireListing,
  retireListingSync,
  setAgentUri,
  setAgentUriSync,
  setAllowlisted,
  setAllowlistedSync,
  setMetadata,
  setMetadataSync,
  setOperator,
  setOperatorSync,
  setPayoutAddress,
  setPayoutAddressSync,
  setSpendingLimits,
  setSpendingLimitsSync,
  signCommitmentApproval,
  signOperatorProof,
  submitEvidence,
  submitEvidenceSync,
  unfreeze,
  unfreezeSync,
  unsetOperator,
  unsetOperatorSync,
  updateListing,
  updateListingSync,
  usdcBalance,
  vaultAllowance,
  withdraw,
  withdrawSync,
  type AgoraClient,
  type FundingKind,
  type ListingTerms,
  type PricingModel,
  type JobIdParameters,
  type SyncOptions,
  type WriteAction,
} from "./sdk";
import { addressArg, durationArg, fundingArg, hexArg, idArg, intArg, oneOf, pairsArg, usage, usdcArg } from "./args";
import { graphUrlOf, privateKeyOf, requireKey, type CliContext } from "./context";
import { Wallet, ZeroHash } from "ethers";
import { IArbitrator__factory } from "../../typechain-types/factories/contracts/interfaces/IArbitrator.sol/IArbitrator__factory";

type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** What a command prints: `data` for `--json`, `lines` for people. */
export interface Output {
  data: Record<string, unknown>;
  lines: string[];
}

export interface Command {
  /** `group sub` or a single word. */
  name: string;
  /** `<agentId>` style names of the positionals. */
  args?: string[];
  summary: string;
  /** Extra help lines (examples, notes). */
  help?: string[];
  options?: Options;
  /** Needs no deployment or node (e.g. help). */
  offline?: boolean;
  run(ctx: CliContext, values: Values, positionals: string[]): Promise<Output>;
}

/* HELPERS */

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}
function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** JSON-safe copy: bigints as strings, ethers `Result`s as objects or arrays. */
export function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Result) {
    const obj = value.toObject();
    const keys = Object.keys(obj);
    return keys.length > 0 && !keys.every((k) => /^\d+$/.test(k)) && !("_" in obj) ? plain(obj) : value.toArray().map(plain);
  }
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Simulates, then sends with progress, then reports the receipt and the event. */
async function write<E extends { receipt: ContractTransactionReceipt }>(
  ctx: CliContext,
  label: string,
  simulate: () => Promise<unknown>,
  send: (options: SyncOptions) => Promise<E>,
): Promise<Omit<E, "receipt"> & { txHash: string; blockNumber: number; gasUsed: bigint }> {
  requireKey(ctx);
  ctx.progress(`${label}: checking…`);
  await simulate();
  const result = await send({ onSent: (hash) => ctx.progress(`${label}: transaction ${hash} sent, waiting for it to be mined…`) });
  const { receipt, ...event } = result;
  ctx.progress(`${label}: mined in block ${receipt.blockNumber} (gas used ${receipt.gasUsed.toString()})`);
  return { ...event, txHash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed };
}

function txLines(r: { txHash: string; blockNumber: number }, ...lines: string[]): string[] {
  return [...lines, `  tx ${r.txHash} (block ${r.blockNumber})`];
}

/** The `Funding` for a commitment of `amount`, approving the vault first for `transfer` when the allowance is short. */
async function fundingFor(ctx: CliContext, kind: FundingKind, amount: bigint) {
  if (kind === "transfer" && amount > 0n && (await vaultAllowance(ctx.client)) < amount) {
    await write(ctx, `approving the vault for ${formatUsdc(amount)} USDC`, () => approveVault.call(ctx.client, { amount }), (o) => approveVaultSync(ctx.client, { amount }, o));
  }
  return prepareFunding(ctx.client, kind, amount);
}

const ARBITRATORS = (c: AgoraClient): Record<string, string> => ({ committee: c.addresses.committeeArbitrator, oracle: c.addresses.oracleArbitrator });
const PRICING: Record<string, PricingModel> = { fixed: "Fixed", "per-call": "PerCall", percall: "PerCall", quoted: "Quoted" };

const LISTING_OPTIONS: Options = {
  agent: { type: "string" },
  capability: { type: "string", multiple: true },
  price: { type: "string" },
  pricing: { type: "string" },
  sla: { type: "string" },
  review: { type: "string" },
  "collateral-bps": { type: "string" },
  arbitrator: { type: "string" },
  validator: { type: "string" },
  uri: { type: "string" },
};

const LISTING_HELP = [
  "  --capability <tag>     capability tag, repeat for several (hashed with keccak256 on-chain)",
  "  --price <usdc>         price in USDC: per job, per call (--pricing per-call) or the floor (quoted)",
  "  --pricing <model>      fixed (default), per-call or quoted",
  "  --sla <duration>       promised delivery time, e.g. 2h (default 1h)",
  "  --review <duration>    the client's review window, e.g. 1d (default 1d)",
  "  --collateral-bps <n>   provider collateral at score 0, bps of the job amount (default 0)",
  "  --arbitrator <a>       committee (default), oracle, or a contract address",
  "  --validator <v>        hash (the HashValidator) or a contract address; default none",
  "  --uri <uri>            metadata URI (schema, x402 endpoint)",
];

function listingTerms(ctx: CliContext, v: Values): ListingTerms {
  const capabilities = list(v, "capability");
  if (capabilities.length === 0) throw usage("give at least one --capability <tag>");
  const arbitratorName = str(v, "arbitrator") ?? "committee";
  const arbitrator = ARBITRATORS(ctx.client)[arbitratorName] ?? addressArg(arbitratorName, "--arbitrator (committee, oracle or an address)");
  const validatorName = str(v, "validator");
  const validator = validatorName === undefined ? undefined : validatorName === "hash" ? ctx.client.addresses.hashValidator : addressArg(validatorName, "--validator (hash or an address)");
  return {
    capabilities,
    price: usdcArg(str(v, "price"), "--price"),
    pricing: oneOf<PricingModel>(str(v, "pricing"), "--pricing", PRICING, "Fixed"),
    slaSeconds: durationArg(str(v, "sla") ?? "1h", "--sla"),
    reviewWindow: durationArg(str(v, "review") ?? "1d", "--review"),
    collateralBps: intArg(str(v, "collateral-bps") ?? "0", "--collateral-bps", 0, 10_000),
    arbitrator,
    validator,
    metadataURI: str(v, "uri") ?? "",
  };
}

/** A job action taking only the job id: verb, summary, the action, its Sync variant, what to print. */
type SimpleJobAction = [
  string,
  string,
  WriteAction<JobIdParameters, unknown>,
  (client: AgoraClient, params: JobIdParameters, options?: SyncOptions) => Promise<{ receipt: ContractTransactionReceipt }>,
  string,
];

function jobCommand(
  name: string,
  summary: string,
  fn: (ctx: CliContext, jobId: bigint, v: Values) => Promise<Output>,
  options?: Options,
  help?: string[],
): Command {
  return { name: `job ${name}`, args: ["<jobId>"], summary, options, help, run: (ctx, v, p) => fn(ctx, idArg(p[0], "<jobId>"), v) };
}

/* COMMANDS */

export const COMMANDS: Command[] = [
  {
    name: "info",
    summary: "network, deployment addresses, your account and its balances",
    run: async (ctx) => {
      const c = ctx.client;
      const account = c.signer ? await c.signer.getAddress() : undefined;
      const [paused, eth, usdc] = await Promise.all([
        isPaused(c),
        account ? c.provider.getBalance(account) : Promise.resolve(undefined),
        account ? usdcBalance(c, account) : Promise.resolve(undefined),
      ]);
      const data = { network: ctx.network, chainId: c.chainId, rpc: ctx.rpcUrl, paused, account, eth, usdc, addresses: c.addresses };
      const lines = [
        `network   ${ctx.network} (chain ${c.chainId}) at ${ctx.rpcUrl}${paused ? "  [PAUSED by the guardian]" : ""}`,
        `account   ${account ?? "(none: read-only; set AGORA_PRIVATE_KEY or --key-file)"}`,
        ...(usdc !== undefined ? [`USDC      ${formatUsdc(usdc)} in the wallet`] : []),
        ...Object.entries(c.addresses)
          .filter(([, a]) => typeof a === "string" && a.startsWith("0x"))
          .map(([k, a]) => `${k.padEnd(20)} ${String(a)}`),
      ];
      return { data, lines };
    },
  },

  /* AGENTS */
  {
    name: "agent register",
    summary: "register an agent (an ERC-8004 identity NFT) owned by your account",
    options: { uri: { type: "string" }, meta: { type: "string", multiple: true } },
    help: ["  --uri <uri>            agent URI (ERC-8004 registration file)", "  --meta <key=value>     metadata entry, repeatable", "", "example: agora agent register --uri https://example.com/agent.json --meta name=translator"],
    run: async (ctx, v) => {
      const params = { uri: str(v, "uri") ?? "", metadata: pairsArg(list(v, "meta"), "--meta") };
      const r = await write(ctx, "registering an agent", () => registerAgent.call(ctx.client, params), (o) => registerAgentSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `registered agent ${r.agentId} owned by ${r.owner}`) };
    },
  },
  {
    name: "agent show",
    args: ["<agentId>"],
    summary: "owner, operator, freeze flag, URI, balance and reputation of an agent",
    run: async (ctx, _v, p) => {
      const agentId = idArg(p[0], "<agentId>");
      const [agent, balance, rep] = await Promise.all([getAgent(ctx.client, agentId), getBalance(ctx.client, agentId), getReputation(ctx.client, agentId)]);
      return {
        data: plain({ ...agent, balance: balance.balance, payoutAddress: balance.payoutAddress, score: rep.score }) as Record<string, unknown>,
        lines: [
          `agent ${agentId}${agent.frozen ? "  [FROZEN]" : ""}`,
          `  owner     ${agent.owner}`,
          `  operator  ${agent.operator === ZeroAddress ? "(none)" : agent.operator}`,
          `  uri       ${agent.uri || "(none)"}`,
          `  balance   ${formatUsdc(balance.balance)} USDC (withdrawals go to ${balance.payoutAddress})`,
          `  score     ${formatBps(rep.score)}`,
        ],
      };
    },
  },
  {
    name: "agent set-uri",
    args: ["<agentId>", "<uri>"],
    summary: "set the agent URI (owner)",
    run: async (ctx, _v, p) => {
      const params = { agentId: idArg(p[0], "<agentId>"), uri: p[1] ?? "" };
      if (!p[1]) throw usage("missing <uri>");
      const r = await write(ctx, "setting the agent URI", () => setAgentUri.call(ctx.client, params), (o) => setAgentUriSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.agentId} URI set to ${params.uri}`) };
    },
  },
  {
    name: "agent set-metadata",
    args: ["<agentId>", "<key>", "<value>"],
    summary: "set one ERC-8004 metadata entry (owner)",
    run: async (ctx, _v, p) => {
      if (p[1] === undefined || p[2] === undefined) throw usage("usage: agora agent set-metadata <agentId> <key> <value>");
      const params = { agentId: idArg(p[0], "<agentId>"), key: p[1], value: p[2] };
      const r = await write(ctx, "setting metadata", () => setMetadata.call(ctx.client, params), (o) => setMetadataSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.agentId} metadata ${params.key} set`) };
    },
  },
  {
    name: "agent operator-proof",
    args: ["<agentId>"],
    summary: "sign, with your key, the proof that you accept to operate an agent (give it to its owner)",
    options: { owner: { type: "string" }, deadline: { type: "string" } },
    help: ["  --owner <address>      the agent's owner, who submits the proof", "  --deadline <unix>      at most 5 minutes ahead (default: 4 minutes)"],
    run: async (ctx, v, p) => {
      requireKey(ctx);
      const signer = ctx.client.signer;
      if (!signer) throw usage("this command signs: set AGORA_PRIVATE_KEY or pass --key-file <file>");
      const agentId = idArg(p[0], "<agentId>");
      const deadline = str(v, "deadline");
      const proof = await signOperatorProof(ctx.client, signer, {
        agentId,
        owner: addressArg(str(v, "owner"), "--owner"),
        deadline: deadline === undefined ? undefined : idArg(deadline, "--deadline"),
      });
      return {
        data: plain(proof) as Record<string, unknown>,
        lines: [
          `operator proof for agent ${agentId}, valid until ${new Date(Number(proof.deadline) * 1000).toISOString()}:`,
          `  agora agent set-operator ${agentId} --operator ${proof.operator} --deadline ${proof.deadline} --signature ${proof.signature}`,
        ],
      };
    },
  },
  {
    name: "agent set-operator",
    args: ["<agentId>"],
    summary: "set the agent's operator wallet (owner), with the operator's EIP-712 proof",
    options: { "operator-key-file": { type: "string" }, operator: { type: "string" }, signature: { type: "string" }, deadline: { type: "string" } },
    help: [
      "  --operator-key-file <f>  the operator's key: the proof is signed on the spot",
      "  --operator <address> --deadline <unix> --signature <0x…>",
      "                           a proof from `agora agent operator-proof`",
    ],
    run: async (ctx, v, p) => {
      const agentId = idArg(p[0], "<agentId>");
      const keyFile = str(v, "operator-key-file");
      let params: Parameters<typeof setOperator>[1];
      if (keyFile !== undefined) {
        const key = privateKeyOf(keyFile);
        if (!key) throw usage(`no key in ${keyFile}`);
        params = { agentId, operator: new Wallet(key, ctx.client.provider) };
      } else {
        params = {
          agentId,
          proof: {
            operator: addressArg(str(v, "operator"), "--operator"),
            deadline: idArg(str(v, "deadline"), "--deadline"),
            nonce: 0n,
            signature: hexArg(str(v, "signature"), "--signature"),
          },
        };
      }
      const r = await write(ctx, "setting the operator", () => setOperator.call(ctx.client, params), (o) => setOperatorSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${agentId} operator is now ${r.newWallet}`) };
    },
  },
  {
    name: "agent unset-operator",
    args: ["<agentId>"],
    summary: "remove the operator wallet (owner)",
    run: async (ctx, _v, p) => {
      const params = { agentId: idArg(p[0], "<agentId>") };
      const r = await write(ctx, "removing the operator", () => unsetOperator.call(ctx.client, params), (o) => unsetOperatorSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.agentId} has no operator`) };
    },
  },
  {
    name: "agent freeze",
    args: ["<agentId>"],
    summary: "freeze the agent's operator at once (owner)",
    run: async (ctx, _v, p) => {
      const params = { agentId: idArg(p[0], "<agentId>") };
      const r = await write(ctx, "freezing", () => freeze.call(ctx.client, params), (o) => freezeSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.agentId} frozen: its operator can do nothing`) };
    },
  },
  {
    name: "agent unfreeze",
    args: ["<agentId>"],
    summary: "lift a freeze (owner)",
    run: async (ctx, _v, p) => {
      const params = { agentId: idArg(p[0], "<agentId>") };
      const r = await write(ctx, "unfreezing", () => unfreeze.call(ctx.client, params), (o) => unfreezeSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.agentId} unfrozen`) };
    },
  },

  /* LISTINGS */
  {
    name: "listing publish",
    summary: "publish a service listing for an agent (owner or operator)",
    options: LISTING_OPTIONS,
    help: [
      "  --agent <id>           the provider agent",
      ...LISTING_HELP,
      "",
      "example: agora listing publish --agent 1 --capability translate.en-fr --price 5 --sla 2h",
    ],
    run: async (ctx, v) => {
      const params = { providerId: idArg(str(v, "agent"), "--agent"), ...listingTerms(ctx, v) };
      const r = await write(ctx, "publishing a listing", () => publishListing.call(ctx.client, params), (o) => publishListingSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `published listing ${r.listingId} for agent ${params.providerId} at ${formatUsdc(r.price)} USDC`) };
    },
  },
  {
    name: "listing update",
    args: ["<listingId>"],
    summary: "replace every term of a listing",
    options: LISTING_OPTIONS,
    help: LISTING_HELP,
    run: async (ctx, v, p) => {
      const params = { listingId: idArg(p[0], "<listingId>"), ...listingTerms(ctx, v) };
      const r = await write(ctx, "updating the listing", () => updateListing.call(ctx.client, params), (o) => updateListingSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `listing ${params.listingId} updated`) };
    },
  },
  ...(
    [
      ["pause", "stop new hires of a listing", pauseListing, pauseListingSync],
      ["resume", "resume a paused listing", resumeListing, resumeListingSync],
      ["retire", "retire a listing for good", retireListing, retireListingSync],
    ] as const
  ).map(
    ([verb, summary, action, sync]): Command => ({
      name: `listing ${verb}`,
      args: ["<listingId>"],
      summary,
      run: async (ctx, _v, p) => {
        const params = { listingId: idArg(p[0], "<listingId>") };
        const r = await write(ctx, `${verb === "pause" ? "pausing" : verb === "resume" ? "resuming" : "retiring"} listing ${params.listingId}`, () => action.call(ctx.client, params), (o) => sync(ctx.client, params, o));
        return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `listing ${params.listingId}: ${verb}d`) };
      },
    }),
  ),
  {
    name: "listing show",
    args: ["<listingId>"],
    summary: "a listing's stored terms",
    run: async (ctx, _v, p) => {
      const l = await getListing(ctx.client, idArg(p[0], "<listingId>"));
      return {
        data: plain(l) as Record<string, unknown>,
        lines: [
          `listing ${l.listingId} of agent ${l.providerId}: ${l.status}`,
          `  price ${formatUsdc(l.price)} USDC (${l.pricing}), SLA ${formatDuration(l.slaSeconds)}, review ${formatDuration(l.reviewWindow)}, collateral ${l.collateralBps} bps`,
          `  arbitrator ${l.arbitrator}${l.validator !== ZeroAddress ? `, validator ${l.validator}` : ""}`,
        ],
      };
    },
  },

  /* VAULT AND USDC */
  {
    name: "vault deposit",
    summary: "deposit USDC from your wallet into an agent's protocol balance",
    options: { agent: { type: "string" }, amount: { type: "string" }, funding: { type: "string" } },
    help: ["  --agent <id>           the agent credited", "  --amount <usdc>        e.g. 25 or 0.50", "  --funding <source>     transfer (default; approves the vault if needed), permit or authorization"],
    run: async (ctx, v) => {
      const agentId = idArg(str(v, "agent"), "--agent");
      const amount = usdcArg(str(v, "amount"), "--amount");
      const kind = fundingArg(str(v, "funding"), "transfer");
      if (kind === "balance") throw usage("a deposit cannot be funded from the protocol balance: use transfer, permit or authorization");
      const params = { agentId, amount, funding: await fundingFor(ctx, kind, amount) };
      const r = await write(ctx, `depositing ${formatUsdc(amount)} USDC`, () => deposit.call(ctx.client, params), (o) => depositSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `deposited ${formatUsdc(amount)} USDC for agent ${agentId}; balance ${formatUsdc(r.balanceAfter)} USDC`) };
    },
  },
  {
    name: "vault withdraw",
    summary: "withdraw from an agent's balance to its payout address (owner or operator)",
    options: { agent: { type: "string" }, amount: { type: "string" } },
    run: async (ctx, v) => {
      const params = { agentId: idArg(str(v, "agent"), "--agent"), amount: usdcArg(str(v, "amount"), "--amount") };
      const r = await write(ctx, `withdrawing ${formatUsdc(params.amount)} USDC`, () => withdraw.call(ctx.client, params), (o) => withdrawSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `withdrew ${formatUsdc(params.amount)} USDC to ${r.to}; balance ${formatUsdc(r.balanceAfter)} USDC`) };
    },
  },
  {
    name: "vault payout",
    summary: "set where an agent's withdrawals go (owner)",
    options: { agent: { type: "string" }, address: { type: "string" } },
    run: async (ctx, v) => {
      const params = { agentId: idArg(str(v, "agent"), "--agent"), payout: addressArg(str(v, "address"), "--address") };
      const r = await write(ctx, "setting the payout address", () => setPayoutAddress.call(ctx.client, params), (o) => setPayoutAddressSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.agentId} withdrawals now go to ${params.payout}`) };
    },
  },
  {
    name: "vault balance",
    args: ["<agentId>"],
    summary: "an agent's protocol balance and payout address",
    run: async (ctx, _v, p) => {
      const b = await getBalance(ctx.client, idArg(p[0], "<agentId>"));
      return { data: plain(b) as Record<string, unknown>, lines: [`agent ${b.agentId}: ${formatUsdc(b.balance)} USDC (withdrawals go to ${b.payoutAddress})`] };
    },
  },
  {
    name: "usdc balance",
    args: ["[address]"],
    summary: "USDC in a wallet (default: yours)",
    run: async (ctx, _v, p) => {
      const who = p[0] !== undefined ? addressArg(p[0], "address") : ctx.client.signer ? await ctx.client.signer.getAddress() : undefined;
      if (!who) throw usage("give an address, or a key");
      const balance = await usdcBalance(ctx.client, who);
      return { data: { address: who, balance: balance.toString() }, lines: [`${who}: ${formatUsdc(balance)} USDC`] };
    },
  },
  {
    name: "usdc mint",
    summary: "mint mock USDC (local network only; the deployer's key)",
    options: { to: { type: "string" }, amount: { type: "string" } },
    run: async (ctx, v) => {
      if (ctx.network !== "localhost") throw usage("usdc mint exists only on the local mock USDC");
      const params = { to: addressArg(str(v, "to"), "--to"), amount: usdcArg(str(v, "amount"), "--amount") };
      const r = await write(ctx, `minting ${formatUsdc(params.amount)} USDC`, () => mintUsdc.call(ctx.client, params), (o) => mintUsdcSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `minted ${formatUsdc(params.amount)} USDC to ${params.to}`) };
    },
  },

  /* JOBS */
  {
    name: "job hire",
    summary: "hire a listing: create the job and lock its price in escrow (client owner or operator)",
    options: { client: { type: "string" }, listing: { type: "string" }, "max-price": { type: "string" }, deadline: { type: "string" }, spec: { type: "string" }, funding: { type: "string" } },
    help: [
      "  --client <id>          the hiring agent",
      "  --listing <id>         the listing",
      "  --max-price <usdc>     the most you pay (default: the listing's current price); the quoted amount for quoted listings",
      "  --deadline <duration>  delivery deadline from now (default: the SLA + 1h)",
      "  --spec <text|0xhash>   commitment to the job spec; what a validator checks",
      "  --funding <source>     balance (default), transfer, permit or authorization",
      "",
      "example: agora job hire --client 2 --listing 1 --max-price 5 --funding permit",
    ],
    run: async (ctx, v) => {
      const clientId = idArg(str(v, "client"), "--client");
      const listingId = idArg(str(v, "listing"), "--listing");
      const listing = await getListing(ctx.client, listingId);
      const maxPrice = str(v, "max-price") !== undefined ? usdcArg(str(v, "max-price"), "--max-price") : listing.price;
      const deadlineIn = str(v, "deadline");
      const now = BigInt((await ctx.client.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000));
      const deadline = deadlineIn === undefined ? undefined : now + BigInt(durationArg(deadlineIn, "--deadline"));
      const amount = listing.pricing === "Quoted" ? maxPrice : listing.price;
      const funding = await fundingFor(ctx, fundingArg(str(v, "funding"), "balance"), amount);
      const params = { clientId, listingId, maxPrice, deadline, spec: str(v, "spec"), funding, termsHash: listing.termsHash };
      const r = await write(ctx, `hiring listing ${listingId}`, () => hire.call(ctx.client, params), (o) => hireSync(ctx.client, params, o));
      return {
        data: plain(r) as Record<string, unknown>,
        lines: txLines(r, `job ${r.jobId} created: agent ${clientId} hired agent ${r.providerId} for ${formatUsdc(r.terms.amount)} USDC`),
      };
    },
  },
  {
    name: "job show",
    args: ["<jobId>"],
    summary: "a job's state and terms",
    run: async (ctx, _v, p) => {
      const j = await getJob(ctx.client, idArg(p[0], "<jobId>"));
      const when = (t: bigint): string => (t === 0n ? "-" : new Date(Number(t) * 1000).toISOString());
      return {
        data: plain(j) as Record<string, unknown>,
        lines: [
          `job ${j.jobId}: ${j.state}`,
          `  client ${j.clientId} → provider ${j.providerId}, ${formatUsdc(j.amount)} USDC, fee ${j.feeBps} bps${j.selfDealing ? " (self-dealing)" : ""}`,
          ...(j.deadline !== 0n ? [`  deadline ${when(j.deadline)}`] : []),
          ...(j.reviewEndsAt !== 0n ? [`  review ends ${when(j.reviewEndsAt)}`] : []),
          ...(j.settledAt !== 0n ? [`  settled ${when(j.settledAt)}`] : []),
        ],
      };
    },
  },
  jobCommand(
    "accept",
    "accept a funded job and post the collateral the listing requires (provider)",
    async (ctx, jobId, v) => {
      const job = await getJob(ctx.client, jobId);
      const collateral = await requiredCollateral(ctx.client, job.providerId, job.amount, job.collateralBps);
      const kind = fundingArg(str(v, "funding"), "balance");
      const params = { jobId, funding: await fundingFor(ctx, kind, collateral) };
      const r = await write(ctx, `accepting job ${jobId}`, () => accept.call(ctx.client, params), (o) => acceptSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `job ${jobId} accepted, collateral ${formatUsdc(r.collateral)} USDC`) };
    },
    { funding: { type: "string" } },
    ["  --funding <source>     pays the collateral: balance (default), transfer, permit or authorization"],
  ),
  jobCommand(
    "decline",
    "decline a funded job; the client gets everything back (provider)",
    async (ctx, jobId, v) => {
      const params = { jobId, reasonURI: str(v, "reason") };
      const r = await write(ctx, `declining job ${jobId}`, () => decline.call(ctx.client, params), (o) => declineSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `job ${jobId} declined, ${formatUsdc(r.refunded)} USDC back to the client`) };
    },
    { reason: { type: "string" } },
  ),
  jobCommand(
    "deliver",
    "deliver a result (provider); a job with a validator settles at once",
    async (ctx, jobId, v) => {
      const result = str(v, "result");
      if (!result) throw usage("missing --result <text|0xhash>");
      const params = { jobId, result, resultURI: str(v, "uri") };
      const r = await write(ctx, `delivering job ${jobId}`, () => deliver.call(ctx.client, params), (o) => deliverSync(ctx.client, params, o));
      return {
        data: plain(r) as Record<string, unknown>,
        lines: txLines(r, `job ${jobId} delivered (latency ${formatDuration(r.latency)}, ${r.onTime ? "on time" : "late"})${r.settled ? `; the validator settled it: ${r.settled}` : ""}`),
      };
    },
    { result: { type: "string" }, uri: { type: "string" } },
    ["  --result <text|0xhash> the result's hash (text is hashed with keccak256)", "  --uri <uri>            where the result is"],
  ),
  jobCommand("approve", "approve a delivery: the provider is paid (client)", async (ctx, jobId) => {
    const params = { jobId };
    const r = await write(ctx, `approving job ${jobId}`, () => approve.call(ctx.client, params), (o) => approveSync(ctx.client, params, o));
    return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `job ${jobId} completed: ${formatUsdc(r.toProvider)} USDC to the provider, fee ${formatUsdc(r.fee)}`) };
  }),
  jobCommand(
    "reject",
    "reject a delivery within the review window; opens a dispute (client)",
    async (ctx, jobId, v) => {
      const job = await getJob(ctx.client, jobId);
      const cost = await IArbitrator__factory.connect(job.arbitrator, ctx.client.provider)
        .arbitrationCost(job.amount)
        .catch(() => 0n);
      const params = { jobId, reasonURI: str(v, "reason"), funding: await fundingFor(ctx, fundingArg(str(v, "funding"), "balance"), cost) };
      const r = await write(ctx, `rejecting job ${jobId}`, () => reject.call(ctx.client, params), (o) => rejectSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `job ${jobId} disputed at ${r.arbitrator}, arbitration fee ${formatUsdc(r.arbitrationFee)} USDC`) };
    },
    { reason: { type: "string" }, funding: { type: "string" } },
    ["  --reason <uri>         why", "  --funding <source>     pays the arbitration fee: balance (default), transfer, permit or authorization"],
  ),
  ...(
    [
      ["release", "release a delivery after a silent review window (anyone)", release, releaseSync, "released to the provider"],
      ["refund", "refund a job not delivered by its deadline (anyone)", refund, refundSync, "refunded to the client"],
      ["cancel", "cancel a job nobody accepted yet (client)", cancel, cancelSync, "cancelled"],
      ["resolve-default", "apply the default ruling to a dispute nobody ruled on in time (anyone)", resolveByDefault, resolveByDefaultSync, "resolved by default (even split)"],
    ] satisfies SimpleJobAction[] as SimpleJobAction[]
  ).map(([verb, summary, action, sync, done]) =>
    jobCommand(verb, summary, async (ctx, jobId) => {
      const params = { jobId };
      const r = await write(ctx, `${verb} job ${jobId}`, () => action.call(ctx.client, params), (o) => sync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `job ${jobId} ${done}`) };
    }),
  ),
  jobCommand("poll", "ask a delivered job's validator for its verdict and settle on it (anyone)", async (ctx, jobId) => {
    const params = { jobId };
    const r = await write(ctx, `polling the validator of job ${jobId}`, () => pollValidator.call(ctx.client, params), (o) => pollValidatorSync(ctx.client, params, o));
    return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `verdict ${["Pending", "Approved", "Rejected"][Number(r.verdict)] ?? r.verdict}${r.settled ? `; job ${r.settled}` : ""}`) };
  }),
  jobCommand(
    "evidence",
    "add evidence to a disputed job (client or provider)",
    async (ctx, jobId, v) => {
      const uri = str(v, "uri");
      if (!uri) throw usage("missing --uri <evidence uri>");
      const params = { jobId, evidenceURI: uri };
      const r = await write(ctx, `submitting evidence on job ${jobId}`, () => submitEvidence.call(ctx.client, params), (o) => submitEvidenceSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `evidence recorded on job ${jobId}`) };
    },
    { uri: { type: "string" } },
  ),
  jobCommand(
    "feedback",
    "rate the other side of a settled job, 0..100 (client or provider, once)",
    async (ctx, jobId, v) => {
      const params = { jobId, score: intArg(str(v, "score"), "--score", 0, 100), tag1: str(v, "tag1"), tag2: str(v, "tag2"), feedbackURI: str(v, "uri") };
      const r = await write(ctx, `rating job ${jobId}`, () => giveFeedback.call(ctx.client, params), (o) => giveFeedbackSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${r.fromId} rated agent ${r.subjectId} ${params.score}/100`) };
    },
    { score: { type: "string" }, tag1: { type: "string" }, tag2: { type: "string" }, uri: { type: "string" } },
  ),

  /* DISPUTES */
  {
    name: "dispute vote",
    args: ["<jobId>"],
    summary: "vote a ruling as a member of the reference committee arbitrator",
    options: { "share-bps": { type: "string" } },
    help: ["  --share-bps <0..10000> the provider's share of the job amount"],
    run: async (ctx, v, p) => {
      const params = { jobId: idArg(p[0], "<jobId>"), providerShareBps: intArg(str(v, "share-bps"), "--share-bps", 0, 10_000) };
      const r = await write(ctx, `voting on dispute ${params.jobId}`, () => committeeVote.call(ctx.client, params), (o) => committeeVoteSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `voted ${params.providerShareBps} bps on job ${params.jobId} (${r.votesForShare} vote(s) for that share)`) };
    },
  },
  {
    name: "dispute verdict",
    args: ["<jobId>"],
    summary: "post the AI jury's verdict as the oracle key of the reference oracle arbitrator",
    options: { "share-bps": { type: "string" }, reasoning: { type: "string" }, "reasoning-uri": { type: "string" } },
    help: ["  --share-bps <0..10000> the provider's share", "  --reasoning <text|0xhash>  the jury's reasoning (hashed)", "  --reasoning-uri <uri>  where the reasoning is"],
    run: async (ctx, v, p) => {
      const params = {
        jobId: idArg(p[0], "<jobId>"),
        providerShareBps: intArg(str(v, "share-bps"), "--share-bps", 0, 10_000),
        reasoning: str(v, "reasoning"),
        reasoningURI: str(v, "reasoning-uri"),
      };
      const r = await write(ctx, `posting the verdict on job ${params.jobId}`, () => oracleVerdict.call(ctx.client, params), (o) => oracleVerdictSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `verdict on job ${params.jobId}: ${formatBps(params.providerShareBps)} to the provider`) };
    },
  },

  /* REPUTATION */
  {
    name: "reputation",
    args: ["<agentId>"],
    summary: "an agent's score, completion, latency percentiles and volume, from the ledger",
    run: async (ctx, _v, p) => {
      const r = await getReputation(ctx.client, idArg(p[0], "<agentId>"));
      return {
        data: plain(r) as Record<string, unknown>,
        lines: [
          `agent ${r.agentId}: score ${formatBps(r.score)}`,
          `  completed ${r.completed} (${r.onTime} on time), refunded late ${r.refundedLate}, disputes won ${r.disputesWon} / lost ${r.disputesLost}`,
          `  completion ${formatBps(r.completionBps)}, latency mean ${formatDuration(r.latencyMean)}, p50 ≤ ${formatDuration(r.latencyP50)}, p90 ≤ ${formatDuration(r.latencyP90)}`,
          `  volume earned ${formatUsdc(r.volumeEarned)} USDC, spent ${formatUsdc(r.volumeSpent)} USDC, feedback ${r.feedbackCount} (average ${r.feedbackAverage}/100)`,
        ],
      };
    },
  },

  /* LIMITS */
  {
    name: "limits show",
    args: ["<agentId>"],
    summary: "the operator's caps, what it spent in the window, and any pending owner approval",
    run: async (ctx, _v, p) => {
      const l = await getSpendingLimits(ctx.client, idArg(p[0], "<agentId>"));
      const cap = (c: bigint): string => (c === 0n ? "none" : `${formatUsdc(c)} USDC`);
      return {
        data: plain(l) as Record<string, unknown>,
        lines: [
          `agent ${l.agentId}: per-transaction cap ${cap(l.perTxCap)}, 24h cap ${cap(l.dailyCap)}${l.allowlistOnly ? ", allow-listed counterparties only" : ""}`,
          `  spent in the window ${formatUsdc(l.spentInWindow)} USDC`,
          ...(l.pendingApproval.amount > 0n ? [`  pending approval: up to ${formatUsdc(l.pendingApproval.amount)} USDC toward agent ${l.pendingApproval.counterpartyId}`] : []),
        ],
      };
    },
  },
  {
    name: "limits set",
    args: ["<agentId>"],
    summary: "set the operator's caps (owner); options not given keep their current value",
    options: { "per-tx": { type: "string" }, daily: { type: "string" }, "allowlist-only": { type: "boolean" }, "no-allowlist-only": { type: "boolean" } },
    help: ["  --per-tx <usdc>        per-commitment cap, 0 for none", "  --daily <usdc>         rolling 24-hour cap, 0 for none", "  --allowlist-only | --no-allowlist-only"],
    run: async (ctx, v, p) => {
      const agentId = idArg(p[0], "<agentId>");
      const current = await getSpendingLimits(ctx.client, agentId);
      const perTx = str(v, "per-tx");
      const daily = str(v, "daily");
      const params = {
        agentId,
        perTxCap: perTx === undefined ? current.perTxCap : usdcArg(perTx, "--per-tx"),
        dailyCap: daily === undefined ? current.dailyCap : usdcArg(daily, "--daily"),
        allowlistOnly: flag(v, "allowlist-only") ? true : flag(v, "no-allowlist-only") ? false : current.allowlistOnly,
      };
      const r = await write(ctx, "setting spending limits", () => setSpendingLimits.call(ctx.client, params), (o) => setSpendingLimitsSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${agentId}: per-tx cap ${formatUsdc(params.perTxCap)}, 24h cap ${formatUsdc(params.dailyCap)} USDC`) };
    },
  },
  {
    name: "limits allow",
    args: ["<agentId>"],
    summary: "add (or with --remove, remove) a counterparty on the allow-list (owner)",
    options: { counterparty: { type: "string" }, remove: { type: "boolean" } },
    run: async (ctx, v, p) => {
      const params = { agentId: idArg(p[0], "<agentId>"), counterpartyId: idArg(str(v, "counterparty"), "--counterparty"), allowed: !flag(v, "remove") };
      const r = await write(ctx, "updating the allow-list", () => setAllowlisted.call(ctx.client, params), (o) => setAllowlistedSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `agent ${params.counterpartyId} ${params.allowed ? "added to" : "removed from"} agent ${params.agentId}'s allow-list`) };
    },
  },
  {
    name: "limits sign-approval",
    args: ["<agentId>"],
    summary: "sign, as the owner, a one-shot approval of one operator commitment above the limits",
    options: { counterparty: { type: "string" }, amount: { type: "string" }, deadline: { type: "string" } },
    help: ["  --counterparty <id>    the agent the commitment goes to", "  --amount <usdc>        the most it may lock", "  --deadline <duration>  how long it stays usable (default 1h)"],
    run: async (ctx, v, p) => {
      requireKey(ctx);
      const agentId = idArg(p[0], "<agentId>");
      const now = BigInt((await ctx.client.provider.getBlock("latest"))?.timestamp ?? 0);
      const a = await signCommitmentApproval(ctx.client, {
        agentId,
        counterpartyId: idArg(str(v, "counterparty"), "--counterparty"),
        amount: usdcArg(str(v, "amount"), "--amount"),
        deadline: now + BigInt(durationArg(str(v, "deadline") ?? "1h", "--deadline")),
      });
      return {
        data: plain(a) as Record<string, unknown>,
        lines: [
          `approval signed (nonce ${a.nonce}); the operator submits it with:`,
          `  agora limits submit-approval ${agentId} --counterparty ${a.counterpartyId} --amount ${formatUsdc(a.amount)} --deadline ${a.deadline} --signature ${a.signature}`,
        ],
      };
    },
  },
  {
    name: "limits submit-approval",
    args: ["<agentId>"],
    summary: "submit an owner's signed approval (anyone, typically the operator)",
    options: { counterparty: { type: "string" }, amount: { type: "string" }, deadline: { type: "string" }, signature: { type: "string" } },
    run: async (ctx, v, p) => {
      const params = {
        agentId: idArg(p[0], "<agentId>"),
        counterpartyId: idArg(str(v, "counterparty"), "--counterparty"),
        amount: usdcArg(str(v, "amount"), "--amount"),
        deadline: idArg(str(v, "deadline"), "--deadline"),
        nonce: 0n,
        signature: hexArg(str(v, "signature"), "--signature"),
      };
      const r = await write(ctx, "submitting the approval", () => approveCommitment.call(ctx.client, params), (o) => approveCommitmentSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `approval stored: one commitment of up to ${formatUsdc(params.amount)} USDC toward agent ${params.counterpartyId}`) };
    },
  },
  {
    name: "limits cancel-approval",
    args: ["<agentId>"],
    summary: "drop the pending approval and invalidate signed ones (owner)",
    run: async (ctx, _v, p) => {
      const params = { agentId: idArg(p[0], "<agentId>") };
      const r = await write(ctx, "cancelling approvals", () => cancelCommitmentApproval.call(ctx.client, params), (o) => cancelCommitmentApprovalSync(ctx.client, params, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, `approvals of agent ${params.agentId} cancelled`) };
    },
  },

  /* GUARDIAN */
  {
    name: "guardian pause",
    summary: "stop new jobs, channels, deposits and listings protocol-wide (guardian); exits keep working",
    run: async (ctx) => {
      const r = await write(ctx, "pausing the protocol", () => guardianPause.call(ctx.client, {}), (o) => guardianPauseSync(ctx.client, {}, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, "protocol paused") };
    },
  },
  {
    name: "guardian unpause",
    summary: "lift the pause (guardian)",
    run: async (ctx) => {
      const r = await write(ctx, "unpausing the protocol", () => guardianUnpause.call(ctx.client, {}), (o) => guardianUnpauseSync(ctx.client, {}, o));
      return { data: plain(r) as Record<string, unknown>, lines: txLines(r, "protocol unpaused") };
    },
  },

  /* CHANNELS */
  {
    name: "channel open",
    summary: "open a payment channel to a provider for per-call payments (client owner or operator)",
    options: { client: { type: "string" }, provider: { type: "string" }, amount: { type: "string" }, authorizer: { type: "string" }, salt: { type: "string" }, funding: { type: "string" } },
    help: ["  --client <id> --provider <id> --amount <usdc>", "  --authorizer <address>  the key that signs vouchers (default: you)", "  --salt <0x32 bytes>     a second channel for the same pair", "  --funding <source>      transfer (default), balance or permit"],
    run: async (ctx, v) => {
      requireKey(ctx);
      const amount = usdcArg(str(v, "amount"), "--amount");
      const funding = await fundingFor(ctx, fundingArg(str(v, "funding"), "transfer"), amount);
      const salt = str(v, "salt");
      const authorizer = str(v, "authorizer");
      ctx.progress("opening a channel: sending…");
      const r = await openChannel(ctx.client.contracts.channels, {
        clientId: idArg(str(v, "client"), "--client"),
        providerId: idArg(str(v, "provider"), "--provider"),
        amount,
        funding,
        salt: salt === undefined ? ZeroHash : hexArg(salt, "--salt", 32),
        payerAuthorizer: authorizer === undefined ? undefined : addressArg(authorizer, "--authorizer"),
      }).catch((e: unknown) => {
        throw AgoraError.from(e);
      });
      const { receipt, ...rest } = r;
      return {
        data: plain({ ...rest, txHash: receipt.hash, blockNumber: receipt.blockNumber }) as Record<string, unknown>,
        lines: [`channel ${r.channelId} open (epoch ${r.epoch}), deposit ${formatUsdc(r.deposit)} USDC`, `  tx ${receipt.hash} (block ${receipt.blockNumber})`],
      };
    },
  },
  {
    name: "channel show",
    args: ["<channelId>"],
    summary: "a channel's deposit, claimed total, epoch and status",
    run: async (ctx, _v, p) => {
      const c = await getChannel(ctx.client.contracts.channels, hexArg(p[0], "<channelId>", 32)).catch((e: unknown) => {
        throw AgoraError.from(e);
      });
      const status = ["None", "Open", "Closing", "Closed"][Number(c.status)] ?? String(c.status);
      return {
        data: plain({ ...c, status }) as Record<string, unknown>,
        lines: [`channel ${c.channelId}: ${status}, epoch ${c.epoch}`, `  agent ${c.clientId} → agent ${c.providerId}: deposit ${formatUsdc(c.deposit)}, claimed ${formatUsdc(c.claimed)} USDC`],
      };
    },
  },
  {
    name: "channel close",
    args: ["<channelId>"],
    summary: "start closing a channel: the provider may still claim for 24 h (client)",
    run: async (ctx, _v, p) => {
      requireKey(ctx);
      const id = hexArg(p[0], "<channelId>", 32);
      ctx.progress("requesting close: sending…");
      const r = await requestClose(ctx.client.contracts.channels, id).catch((e: unknown) => {
        throw AgoraError.from(e);
      });
      return { data: { graceEndsAt: r.graceEndsAt.toString(), txHash: r.receipt.hash }, lines: [`channel closing; finalize after ${new Date(Number(r.graceEndsAt) * 1000).toISOString()}`] };
    },
  },
  {
    name: "channel finalize",
    args: ["<channelId>"],
    summary: "finish closing a channel after its grace period; the rest returns to the client (anyone)",
    run: async (ctx, _v, p) => {
      requireKey(ctx);
      const id = hexArg(p[0], "<channelId>", 32);
      ctx.progress("finalizing: sending…");
      const r = await finalizeClose(ctx.client.contracts.channels, id).catch((e: unknown) => {
        throw AgoraError.from(e);
      });
      return { data: { claimed: r.claimed.toString(), refunded: r.refunded.toString(), txHash: r.receipt.hash }, lines: [`channel closed: ${formatUsdc(r.refunded)} USDC back to the client`] };
    },
  },

  /* DISCOVERY (subgraph) */
  {
    name: "discover providers",
    summary: "providers of a capability, best reputation first (subgraph)",
    options: { capability: { type: "string", multiple: true }, "max-price": { type: "string" }, "max-latency": { type: "string" }, first: { type: "string" } },
    help: ["  --capability <tag>     repeatable: listings must offer all", "  --max-price <usdc>     price ceiling", "  --max-latency <dur>    p90 delivery latency ceiling, e.g. 1h", "  --graph <url>          subgraph endpoint (default for localhost: http://127.0.0.1:8000/subgraphs/name/agora)"],
    run: async (ctx, v) => {
      const capability = list(v, "capability");
      if (capability.length === 0) throw usage("give --capability <tag>");
      const graph = createGraphClient({ url: graphUrlOf(ctx.network, str(v, "graph")) });
      const maxPrice = str(v, "max-price");
      const maxLatency = str(v, "max-latency");
      const rows = await findProviders(graph, {
        capability,
        maxPrice: maxPrice === undefined ? undefined : usdcArg(maxPrice, "--max-price"),
        maxLatencyP90: maxLatency === undefined ? undefined : BigInt(durationArg(maxLatency, "--max-latency")),
        first: str(v, "first") === undefined ? undefined : intArg(str(v, "first"), "--first", 1, 1000),
      });
      return {
        data: { providers: plain(rows) },
        lines:
          rows.length === 0
            ? ["no active listing offers that"]
            : rows.map((l) => `listing ${l.listingId}  agent ${l.providerId}  score ${formatBps(l.providerScore)}  ${formatUsdc(l.price)} USDC ${l.pricing}  p90 ≤ ${formatDuration(l.providerLatencyP90)}  ${l.providerUri}`),
      };
    },
  },
  {
    name: "discover profile",
    args: ["<agentId>"],
    summary: "an agent's profile and history (subgraph)",
    run: async (ctx, v, p) => {
      const graph = createGraphClient({ url: graphUrlOf(ctx.network, str(v, "graph")) });
      const agentId = idArg(p[0], "<agentId>");
      const profile = await getAgentProfile(graph, agentId);
      if (!profile) throw new AgoraError(`unknown agent ${agentId} (not in the subgraph)`, { code: "NOT_FOUND" });
      return {
        data: plain(profile) as Record<string, unknown>,
        lines: [
          `agent ${profile.agentId} ${profile.uri}${profile.frozen ? " [FROZEN]" : ""}: score ${formatBps(profile.reputation.score)}, ${profile.reputation.completed} completed, earned ${formatUsdc(profile.reputation.volumeEarned)} USDC`,
          ...profile.listings.map((l) => `  listing ${l.listingId}: ${l.status}, ${formatUsdc(l.price)} USDC ${l.pricing}`),
          ...profile.jobsAsProvider.map((j) => `  job ${j.jobId} for agent ${j.clientId}: ${j.state}, ${formatUsdc(j.amount)} USDC`),
          ...profile.jobsAsClient.map((j) => `  job ${j.jobId} hired agent ${j.providerId}: ${j.state}, ${formatUsdc(j.amount)} USDC`),
        ],
      };
    },
  },
  {
    name: "discover jobs",
    summary: "open jobs, optionally for one provider or client (subgraph)",
    options: { provider: { type: "string" }, client: { type: "string" } },
    run: async (ctx, v) => {
      const graph = createGraphClient({ url: graphUrlOf(ctx.network, str(v, "graph")) });
      const provider = str(v, "provider");
      const client = str(v, "client");
      const jobs = await getOpenJobs(graph, {
        providerId: provider === undefined ? undefined : idArg(provider, "--provider"),
        clientId: client === undefined ? undefined : idArg(client, "--client"),
      });
      return {
        data: { jobs: plain(jobs) },
        lines: jobs.length === 0 ? ["no open job"] : jobs.map((j) => `job ${j.jobId}: ${j.state}, agent ${j.clientId} → agent ${j.providerId}, ${formatUsdc(j.amount)} USDC`),
      };
    },
  },
  {
    name: "discover leaderboard",
    summary: "agents ranked by reputation (subgraph)",
    options: { first: { type: "string" } },
    run: async (ctx, v) => {
      const graph = createGraphClient({ url: graphUrlOf(ctx.network, str(v, "graph")) });
      const first = str(v, "first");
      const rows = await getLeaderboard(graph, { first: first === undefined ? undefined : intArg(first, "--first", 1, 1000) });
      return {
        data: { agents: plain(rows) },
        lines: rows.map((r, i) => `${String(i + 1).padStart(3)}. agent ${r.agentId}  score ${formatBps(r.score)}  completed ${r.completed}  earned ${formatUsdc(r.volumeEarned)} USDC  ${r.uri}`),
      };
    },
  },
];

/** Options every command takes. */
export const GLOBAL_OPTIONS: Options = {
  network: { type: "string" },
  rpc: { type: "string" },
  "key-file": { type: "string" },
  deployment: { type: "string" },
  graph: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

export function findCommand(words: readonly string[]): { command: Command; used: number } | undefined {
  for (const used of [2, 1]) {
    const name = words.slice(0, used).join(" ");
    const command = COMMANDS.find((c) => c.name === name);
    if (command && words.length >= used) return { command, used };
  }
  return undefined;
}
