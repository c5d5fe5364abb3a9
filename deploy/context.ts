import type { ContractTransactionResponse, Signer } from "ethers";

/** Circle's USDC on the Base networks (PROTOCOL.md §5). */
export const CIRCLE_USDC: Readonly<Record<string, string>> = {
  base: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
  baseSepolia: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
};

export interface DeployedContract {
  address: string;
  blockNumber: number;
  txHash: string;
}

/** The manifest written to `deployments/<network>.json`; the subgraph and the SDK read it. */
export interface DeploymentManifest {
  network: string;
  chainId: number;
  deployer: string;
  usdc: string;
  /** Lowest deployment block of the Agora contracts: where an indexer starts. */
  startBlock: number;
  contracts: Record<string, DeployedContract>;
}

export interface DeployConfig {
  admin: string;
  guardian: string;
  feeRecipient: string;
  feeBps: number;
  /** Key that posts verdicts for the AI-oracle arbitrator. */
  oracle: string;
  /** Members of the reference m-of-n committee arbitrator. */
  committee: string[];
  /** Votes the committee needs to rule (m). */
  committeeThreshold: number;
  /** Flat fee of the reference arbitrators, in USDC base units. */
  arbitrationFee: bigint;
}

export interface DeployContext {
  network: string;
  chainId: number;
  deployer: Signer;
  config: DeployConfig;
  manifest: DeploymentManifest;
  log: (line: string) => void;
}

/** A contract deployment as returned by a typechain factory's `deploy()`. */
interface Deployable {
  getAddress(): Promise<string>;
  deploymentTransaction(): ContractTransactionResponse | null;
  waitForDeployment(): Promise<unknown>;
}

/** One ordered, idempotent deployment step. */
export interface DeployStep {
  name: string;
  run(ctx: DeployContext): Promise<void>;
}

/** Whether `name` is already in the manifest with code at its address (the step can be skipped). */
export async function isDeployed(ctx: DeployContext, name: string): Promise<boolean> {
  const entry = ctx.manifest.contracts[name];
  if (!entry) return false;
  const provider = ctx.deployer.provider;
  if (!provider) throw new Error("deployer has no provider");
  return (await provider.getCode(entry.address)) !== "0x";
}

/** Waits for a deployment and records it in the manifest. */
export async function record(ctx: DeployContext, name: string, pending: Deployable): Promise<string> {
  await pending.waitForDeployment();
  const tx = pending.deploymentTransaction();
  if (!tx) throw new Error(`${name}: no deployment transaction`);
  const receipt = await tx.wait();
  if (!receipt) throw new Error(`${name}: no receipt`);
  const address = await pending.getAddress();
  ctx.manifest.contracts[name] = { address, blockNumber: receipt.blockNumber, txHash: receipt.hash };
  ctx.log(`  ${name.padEnd(22)} ${address}  (block ${receipt.blockNumber})`);
  return address;
}

/** The recorded address of `name`; throws if an earlier step did not deploy it. */
export function addressOf(ctx: DeployContext, name: string): string {
  const entry = ctx.manifest.contracts[name];
  if (!entry) throw new Error(`deployment step order: ${name} is not deployed yet`);
  return entry.address;
}
