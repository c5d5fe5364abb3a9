/**
 * The demo economy `npm start` runs: ten agents, every action through the SDK (sdk/src), on the local node.
 *
 * - a deployment agent, a model-training agent and a data-cleaning agent hire each other in a chain, three rounds
 *   (discovered through the subgraph when it runs), with review windows passed by local time jumps;
 * - a market-data agent sells quotes per call at $0.001 over x402 with payment channels (the SDK's facilitator and
 *   provider servers on 127.0.0.1 free ports); the buyer's calls settle in one claim;
 * - a security-audit agent whose jobs settle on the HashValidator's verdict;
 * - a translation dispute ruled by the AI-oracle arbitrator (the deploy config's `oracle` key);
 * - a shopping agent stopped by its owner's spending limit, then frozen.
 */
import { x402Facilitator } from "@x402/core/facilitator";
import type { JsonRpcProvider } from "ethers";
import {
  AgoraError,
  ChannelEvmClientScheme,
  ChannelEvmFacilitatorScheme,
  ChannelEvmServerScheme,
  VoucherBook,
  acceptSync,
  approveSync,
  approveVaultSync,
  claimMany,
  createPayingFetch,
  deliverSync,
  depositSync,
  findProviders,
  formatBps,
  formatUsdc,
  freezeSync,
  fundFromTransfer,
  getReputation,
  giveFeedbackSync,
  hireSync,
  mintUsdcSync,
  openChannel,
  oracleVerdictSync,
  parseUsdc,
  prepareFunding,
  publishListingSync,
  registerAgentSync,
  rejectSync,
  releaseSync,
  setOperatorSync,
  setSpendingLimitsSync,
  startFacilitatorServer,
  startProviderServer,
  submitEvidenceSync,
  toCaip2,
  waitForIndexed,
  type AgoraAddresses,
  type AgoraClient,
  type GraphClient,
} from "../../sdk/src";
import { CAST, agentUri, clientsFor, hardhatAccount, type DemoAgent, type Role } from "./agents";

export interface EconomyParameters {
  provider: JsonRpcProvider;
  addresses: AgoraAddresses;
  /** The subgraph, when the graph host runs: clients then discover providers through it. */
  graph?: GraphClient;
  log: (line: string) => void;
}

export interface EconomyResult {
  agents: DemoAgent[];
  /** Running x402 servers (market-data endpoint and facilitator); stopped by `close`. */
  endpoints: { marketData: string; facilitator: string };
  close(): Promise<void>;
}

const USD = (n: string): bigint => parseUsdc(n);

/** Moves the local node's clock (review windows, latencies): `evm_increaseTime` + `evm_mine`. */
async function advance(provider: JsonRpcProvider, seconds: number): Promise<void> {
  await provider.send("evm_increaseTime", [seconds]);
  await provider.send("evm_mine", []);
}

/** Short label of an agent for the log. */
function who(a: DemoAgent): string {
  return `${a.slug}#${a.agentId}`;
}

export async function runEconomy(p: EconomyParameters): Promise<EconomyResult> {
  const { provider, addresses, log } = p;
  const admin = clientsFor({ slug: "deployer", role: "", ownerAccount: 0 }, addresses, provider).owner;

  /* 1. IDENTITIES */
  log("agents: registering ten agents (ERC-8004 identities)");
  const agents = {} as Record<Role, DemoAgent>;
  for (const [role, spec] of Object.entries(CAST) as [Role, (typeof CAST)[Role]][]) {
    const c = clientsFor(spec, addresses, provider);
    await mintUsdcSync(admin, { to: c.ownerWallet.address, amount: USD("2000") });
    const { agentId } = await registerAgentSync(c.owner, { uri: agentUri(spec.slug), metadata: { name: spec.slug } });
    agents[role] = { role, slug: spec.slug, agentId, ...c };
    if (c.operatorWallet.address !== c.ownerWallet.address) {
      await mintUsdcSync(admin, { to: c.operatorWallet.address, amount: USD("100") });
      await setOperatorSync(c.owner, { agentId, operator: c.operatorWallet });
    }
    log(`  ${who(agents[role])}  ${spec.role}`);
  }
  const { customer, deployer, trainer, cleaner, marketData, quant, auditor, wallet, translator, shopper } = agents;

  /* 2. MONEY IN, BY EVERY FUNDING PATH */
  log("vault: clients deposit USDC (EIP-2612 permit, EIP-3009 authorization, transferFrom)");
  const depositBy = async (a: DemoAgent, amount: bigint, kind: "permit" | "authorization" | "transfer"): Promise<void> => {
    if (kind === "transfer") await approveVaultSync(a.owner, { amount });
    await depositSync(a.owner, { agentId: a.agentId, amount, funding: await prepareFunding(a.owner, kind, amount) });
    log(`  ${who(a)} deposited ${formatUsdc(amount)} USDC by ${kind}`);
  };
  await depositBy(customer, USD("800"), "permit");
  await depositBy(deployer, USD("400"), "authorization");
  await depositBy(trainer, USD("200"), "transfer");
  await depositBy(wallet, USD("200"), "permit");
  await depositBy(shopper, USD("200"), "transfer");

  /* 3. LISTINGS */
  log("listings: providers publish their services (capabilities hashed with keccak256)");
  const publish = async (a: DemoAgent, capability: string, price: string, extra: Partial<Parameters<typeof publishListingSync>[1]> = {}) => {
    const { listingId } = await publishListingSync(a.operator, {
      providerId: a.agentId,
      capabilities: [capability],
      price: USD(price),
      slaSeconds: 6 * 3600,
      reviewWindow: 86_400,
      arbitrator: addresses.committeeArbitrator,
      metadataURI: `https://agents.agora.example/${a.slug}/openapi.json`,
      ...extra,
    });
    log(`  ${who(a)} listing ${listingId}: ${capability} at ${formatUsdc(USD(price))} USDC${extra.pricing === "PerCall" ? " per call" : ""}`);
    return listingId;
  };
  const listings = {
    clean: await publish(cleaner, "data.clean", "5", { slaSeconds: 3600, reviewWindow: 3600 }),
    train: await publish(trainer, "ml.train", "60", { slaSeconds: 8 * 3600, collateralBps: 1000 }),
    deploy: await publish(deployer, "ml.deploy", "120", { slaSeconds: 12 * 3600 }),
    quotes: await publish(marketData, "market.quotes", "0.001", { pricing: "PerCall", slaSeconds: 60, reviewWindow: 60 }),
    audit: await publish(auditor, "security.audit", "40", { validator: addresses.hashValidator, arbitrator: addresses.oracleArbitrator }),
    translate: await publish(translator, "translate.en-fr", "24", { slaSeconds: 3600, arbitrator: addresses.oracleArbitrator }),
  };

  /** The listing to hire for `capability`: best reputation first from the subgraph, else the known one. */
  const discover = async (capability: string, fallback: bigint, maxPrice: bigint): Promise<bigint> => {
    if (!p.graph) return fallback;
    await waitForIndexed(p.graph, await provider.getBlockNumber());
    const offers = await findProviders(p.graph, { capability, maxPrice });
    const best = offers[0];
    if (!best) return fallback;
    log(`  discovered ${capability}: listing ${best.listingId} of agent ${best.providerId}, score ${formatBps(best.providerScore)}, ${formatUsdc(best.price)} USDC (${offers.length} offer(s), subgraph)`);
    return best.listingId;
  };

  /* 4. THE SUPPLY CHAIN: deploy-bot ← acme-app, trainer ← deploy-bot, data-cleaner ← trainer */
  const latencies = [
    { clean: [900, 1500], train: 2 * 3600, deploy: 3 * 3600 },
    { clean: [1200, 2400], train: 3 * 3600, deploy: 4 * 3600 },
    { clean: [600, 700], train: 90 * 60, deploy: 2 * 3600 },
  ];
  for (const [round, lat] of latencies.entries()) {
    log(`supply chain, round ${round + 1}: ${who(customer)} → ${who(deployer)} → ${who(trainer)} → ${who(cleaner)}`);
    const deployListing = round === 0 ? await discover("ml.deploy", listings.deploy, USD("150")) : listings.deploy;
    const top = await hireSync(customer.operator, { clientId: customer.agentId, listingId: deployListing, maxPrice: USD("120") });
    await acceptSync(deployer.operator, { jobId: top.jobId });
    log(`  job ${top.jobId}: ${who(customer)} hired ${who(deployer)} for 120.00 USDC; accepted`);

    const trainListing = round === 0 ? await discover("ml.train", listings.train, USD("100")) : listings.train;
    const mid = await hireSync(deployer.operator, { clientId: deployer.agentId, listingId: trainListing, maxPrice: USD("60") });
    const accepted = await acceptSync(trainer.operator, { jobId: mid.jobId });
    log(`  job ${mid.jobId}: ${who(deployer)} hired ${who(trainer)} for 60.00 USDC; accepted with ${formatUsdc(accepted.collateral)} USDC collateral`);

    for (const [i, seconds] of lat.clean.entries()) {
      const cleanJob = await hireSync(trainer.operator, { clientId: trainer.agentId, listingId: listings.clean, maxPrice: USD("5") });
      await advance(provider, seconds);
      await deliverSync(cleaner.operator, { jobId: cleanJob.jobId, result: `cleaned dataset ${round}-${i}`, resultURI: `ipfs://datasets/${round}-${i}` });
      await approveSync(trainer.operator, { jobId: cleanJob.jobId });
      await giveFeedbackSync(trainer.operator, { jobId: cleanJob.jobId, score: 92 - i * 4, tag1: "data-quality" });
      log(`  job ${cleanJob.jobId}: ${who(trainer)} hired ${who(cleaner)} (5.00 USDC), delivered after ${Math.round(seconds / 60)} min, approved`);
    }

    await advance(provider, lat.train);
    await deliverSync(trainer.operator, { jobId: mid.jobId, result: `model weights r${round}`, resultURI: `ipfs://models/r${round}` });
    await approveSync(deployer.operator, { jobId: mid.jobId });
    await giveFeedbackSync(deployer.operator, { jobId: mid.jobId, score: 88, tag1: "accuracy" });
    await giveFeedbackSync(trainer.operator, { jobId: mid.jobId, score: 95 });
    log(`  job ${mid.jobId}: ${who(trainer)} delivered the model, approved, collateral returned`);

    await advance(provider, lat.deploy);
    await deliverSync(deployer.operator, { jobId: top.jobId, result: `endpoint r${round}`, resultURI: `https://models.acme.example/r${round}` });
    if (round === 1) {
      log(`  job ${top.jobId}: delivered; ${who(customer)} stays silent, so after the 1-day review window anyone may release`);
      await advance(provider, 86_400 + 1);
      await releaseSync(deployer.operator, { jobId: top.jobId });
      log(`  job ${top.jobId}: released to ${who(deployer)} after the window (time jump)`);
    } else {
      await approveSync(customer.operator, { jobId: top.jobId });
      log(`  job ${top.jobId}: ${who(deployer)} delivered the deployment, approved`);
    }
    await giveFeedbackSync(customer.operator, { jobId: top.jobId, score: round === 1 ? 70 : 96, tag1: "uptime" });
  }

  /* 5. MARKET DATA PER CALL: x402 + channel vouchers */
  log(`market data: ${who(quant)} buys quotes from ${who(marketData)} at $0.001 per call over x402 (channel scheme)`);
  const chainId = BigInt(addresses.chainId);
  const network = toCaip2(chainId);
  const facilitator = new x402Facilitator().register(
    network,
    new ChannelEvmFacilitatorScheme({ channels: admin.contracts.channels.connect(provider), chainId, asset: addresses.usdc }),
  );
  const facilitatorServer = await startFacilitatorServer({ facilitator });
  const book = new VoucherBook({ domain: { chainId, verifyingContract: addresses.paymentChannels } });
  let served = 0;
  const providerServer = await startProviderServer({
    facilitatorUrl: facilitatorServer.url,
    network,
    asset: { address: addresses.usdc, name: "USD Coin", version: "2", decimals: 6 },
    price: "$0.001",
    path: "/quotes/ETH-USD",
    channel: { scheme: new ChannelEvmServerScheme({ providerId: marketData.agentId, asset: addresses.usdc, book }), payTo: marketData.operatorWallet.address },
    handler: (_req, res) => {
      served += 1;
      res.json({ pair: "ETH-USD", price: (3000 + Math.sin(served / 10) * 25).toFixed(2), seq: served });
    },
  });
  log(`  facilitator ${facilitatorServer.url}, paid endpoint ${providerServer.endpoint}`);
  const deposit = USD("1");
  await approveVaultSync(quant.owner, { amount: deposit });
  const opened = await openChannel(quant.owner.contracts.channels, { clientId: quant.agentId, providerId: marketData.agentId, amount: deposit, funding: fundFromTransfer() });
  log(`  channel ${opened.channelId.slice(0, 10)}… opened with 1.00 USDC (epoch ${opened.epoch})`);
  const scheme = new ChannelEvmClientScheme({
    authorizerKey: quant.ownerWallet.privateKey,
    sessions: [
      {
        channels: addresses.paymentChannels,
        clientId: quant.agentId,
        providerId: marketData.agentId,
        salt: "0x" + "00".repeat(32),
        channelId: opened.channelId,
        epoch: opened.epoch,
        deposit,
        payerAuthorizer: quant.ownerWallet.address,
        cumulative: 0n,
      },
    ],
  });
  const { fetch: payFetch } = createPayingFetch({ network, channel: scheme, allowedAssets: [{ network, asset: addresses.usdc }] });
  const CALLS = 250;
  const started = Date.now();
  for (let i = 0; i < CALLS; i++) {
    const res = await payFetch(providerServer.endpoint);
    if (res.status !== 200) throw new AgoraError(`market-data call ${i + 1} answered HTTP ${res.status}`, { code: "UNKNOWN" });
    await res.json();
  }
  const seconds = (Date.now() - started) / 1000;
  log(`  ${CALLS} paid calls served in ${seconds.toFixed(1)} s (${Math.round(CALLS / seconds)} calls/s), each paid with a signed voucher, no transaction`);
  const claimed = await claimMany(marketData.operator.contracts.channels, book.claimable());
  log(`  ${who(marketData)} claimed ${formatUsdc(claimed.total)} USDC for ${CALLS} calls in ONE transaction (${claimed.receipt.gasUsed} gas, ${(Number(claimed.receipt.gasUsed) / CALLS).toFixed(0)} gas per call)`);

  /* 6. SECURITY AUDITS SETTLED BY THE HASH VALIDATOR */
  log(`audits: ${who(wallet)} hires ${who(auditor)}; the HashValidator settles on the report hash`);
  for (const target of ["vault-v2", "bridge-v1"]) {
    const expected = `audit:${target}:no-critical-findings`;
    const job = await hireSync(wallet.operator, { clientId: wallet.agentId, listingId: listings.audit, maxPrice: USD("40"), spec: expected });
    await advance(provider, 5400);
    const d = await deliverSync(auditor.operator, { jobId: job.jobId, result: expected, resultURI: `ipfs://audits/${target}` });
    log(`  job ${job.jobId}: audit of ${target} delivered; validator verdict → ${d.settled ?? "pending"}`);
    await giveFeedbackSync(wallet.operator, { jobId: job.jobId, score: 98, tag1: "thorough" });
  }

  /* 7. A DISPUTE RULED BY THE AI ORACLE */
  log(`dispute: ${who(customer)} rejects a translation; the AI-oracle arbitrator rules`);
  const tJob = await hireSync(customer.operator, { clientId: customer.agentId, listingId: listings.translate, maxPrice: USD("24") });
  await advance(provider, 1800);
  await deliverSync(translator.operator, { jobId: tJob.jobId, result: "machine translation draft", resultURI: "ipfs://translations/draft" });
  const disputed = await rejectSync(customer.operator, { jobId: tJob.jobId, reasonURI: "ipfs://disputes/legal-terms-mistranslated" });
  await submitEvidenceSync(translator.operator, { jobId: tJob.jobId, evidenceURI: "ipfs://disputes/glossary-followed" });
  log(`  job ${tJob.jobId}: rejected, dispute opened at the oracle arbitrator (fee ${formatUsdc(disputed.arbitrationFee)} USDC); evidence from both sides`);
  const oracleKey = await admin.contracts.oracle.oracle();
  const oracleIndex = [...Array(20).keys()].find((i) => hardhatAccount(i, provider).address === oracleKey);
  if (oracleIndex === undefined) {
    log(`  the oracle key ${oracleKey} is not a local test account: the verdict is left to it (or to the default ruling)`);
  } else {
    const oracle = clientsFor({ slug: "oracle", role: "", ownerAccount: oracleIndex }, addresses, provider).owner;
    const verdict = await oracleVerdictSync(oracle, {
      jobId: tJob.jobId,
      providerShareBps: 3000,
      reasoning: "jury: 3 of 5 legal terms mistranslated; partial credit",
      reasoningURI: "ipfs://jury/verdicts/translation",
    });
    log(`  the AI jury's verdict: ${formatBps(verdict.providerShareBps)} to ${who(translator)}, the rest back to ${who(customer)} (reasoning ${verdict.reasoningHash.slice(0, 10)}…)`);
  }

  /* 8. SPENDING LIMIT, THEN FREEZE */
  log(`limits: ${who(shopper)}'s owner caps its operator at 30 USDC per transaction and 50 USDC per 24 h`);
  await setSpendingLimitsSync(shopper.owner, { agentId: shopper.agentId, perTxCap: USD("30"), dailyCap: USD("50") });
  for (let i = 0; i < 2; i++) {
    const job = await hireSync(shopper.operator, { clientId: shopper.agentId, listingId: listings.translate, maxPrice: USD("24") });
    await advance(provider, 1200 + i * 600);
    await deliverSync(translator.operator, { jobId: job.jobId, result: `product page ${i} (fr)` });
    await approveSync(shopper.operator, { jobId: job.jobId });
    await giveFeedbackSync(shopper.operator, { jobId: job.jobId, score: 90, tag1: "fluent" });
    log(`  job ${job.jobId}: the operator hired ${who(translator)} for 24.00 USDC, delivered, approved`);
  }
  const tryHire = async (label: string): Promise<void> => {
    try {
      await hireSync(shopper.operator, { clientId: shopper.agentId, listingId: listings.clean, maxPrice: USD("5") });
      log(`  ${label}: unexpectedly went through`);
    } catch (error) {
      const e = AgoraError.from(error);
      log(`  ${label}: refused (${e.errorName}): ${e.shortMessage}`);
    }
  };
  await tryHire("a third hire (5.00 USDC)");
  await freezeSync(shopper.owner, { agentId: shopper.agentId });
  log(`  the owner froze ${who(shopper)}`);
  await tryHire("the operator tries again");

  return {
    agents: Object.values(agents),
    endpoints: { marketData: providerServer.endpoint, facilitator: facilitatorServer.url },
    close: async () => {
      await providerServer.close();
      await facilitatorServer.close();
    },
  };
}

/** Ledger figures of every demo agent, read from the contracts (the fallback when no subgraph runs). */
export async function reputationFromContracts(client: AgoraClient, agents: readonly DemoAgent[]) {
  return Promise.all(agents.map(async (a) => ({ agent: a, rep: await getReputation(client, a.agentId) })));
}
