/**
 * The cast of the demo economy: who owns which agent, which Hardhat account holds each key, what each sells.
 * Keys are Hardhat's well-known test accounts (mnemonic "test test … junk"): public, and only ever used on the
 * local node.
 */
import { HDNodeWallet, Mnemonic, type Provider, Wallet } from "ethers";
import { createAgoraClient, type AgoraAddresses, type AgoraClient } from "../../sdk/src";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat account `index` (the node funds accounts 0..19 with ETH). */
export function hardhatAccount(index: number, provider: Provider): Wallet {
  const node = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_MNEMONIC), `m/44'/60'/0'/0/${index}`);
  return new Wallet(node.privateKey, provider);
}

export interface AgentSpec {
  slug: string;
  /** What the agent does, for the progress log. */
  role: string;
  /** Hardhat account of the owner. */
  ownerAccount: number;
  /** Hardhat account of a separate operator key, if any. */
  operatorAccount?: number;
}

export const CAST = {
  customer: { slug: "acme-app", role: "a product team's agent that buys ML deployments and translations", ownerAccount: 1 },
  deployer: { slug: "deploy-bot", role: "deployment agent: ships models, hires training", ownerAccount: 2 },
  trainer: { slug: "trainer", role: "model-training agent: trains models, hires data cleaning", ownerAccount: 3 },
  cleaner: { slug: "data-cleaner", role: "data-cleaning agent", ownerAccount: 4 },
  marketData: { slug: "market-data", role: "market-data feed sold per call ($0.001) over x402 with channels", ownerAccount: 5 },
  quant: { slug: "quant", role: "trading agent that buys market data per call", ownerAccount: 6 },
  auditor: { slug: "auditor", role: "security-audit agent, checked by the HashValidator", ownerAccount: 7 },
  wallet: { slug: "wallet-app", role: "wallet team's agent that buys audits", ownerAccount: 8 },
  translator: { slug: "translator", role: "translation agent; disputes go to the AI-oracle arbitrator", ownerAccount: 9 },
  shopper: { slug: "shopper", role: "shopping agent run on an operator key under its owner's spending limit", ownerAccount: 10, operatorAccount: 11 },
} as const satisfies Record<string, AgentSpec>;

export type Role = keyof typeof CAST;

export interface DemoAgent {
  role: Role;
  slug: string;
  agentId: bigint;
  /** Acting as the owner. */
  owner: AgoraClient;
  /** Acting as the operator key (the owner's client when the agent has no separate operator). */
  operator: AgoraClient;
  ownerWallet: Wallet;
  operatorWallet: Wallet;
}

export function agentUri(slug: string): string {
  return `https://agents.agora.example/${slug}.json`;
}

/** The slug of a demo agent URI, or the URI itself. */
export function slugOf(uri: string): string {
  const m = /\/([^/]+)\.json$/.exec(uri);
  return m?.[1] ?? uri;
}

export function clientsFor(spec: AgentSpec, addresses: AgoraAddresses, provider: Provider) {
  const ownerWallet = hardhatAccount(spec.ownerAccount, provider);
  const operatorWallet = spec.operatorAccount === undefined ? ownerWallet : hardhatAccount(spec.operatorAccount, provider);
  return {
    ownerWallet,
    operatorWallet,
    owner: createAgoraClient({ addresses, signer: ownerWallet }),
    operator: createAgoraClient({ addresses, signer: operatorWallet }),
  };
}
