import type { Signer } from "ethers";
import { deployUsdc } from "./01_usdc";
import { deployCore } from "./02_core";
import { wireModules } from "./03_wire";
import { deployPeriphery } from "./04_periphery";
import type { DeployConfig, DeployStep, DeploymentManifest } from "./context";

export * from "./context";

/** Every deployment step, in order. */
export const DEPLOY_STEPS: readonly DeployStep[] = [deployUsdc, deployCore, wireModules, deployPeriphery];

export interface DeployOptions {
  network: string;
  deployer: Signer;
  config?: Partial<DeployConfig>;
  /** A manifest from an earlier run: steps whose contracts have code are skipped. */
  manifest?: DeploymentManifest;
  log?: (line: string) => void;
}

/** Runs every step and returns the manifest (not written anywhere: callers decide). */
export async function deployAgora(opts: DeployOptions): Promise<DeploymentManifest> {
  const provider = opts.deployer.provider;
  if (!provider) throw new Error("deployer has no provider");
  const chainId = Number((await provider.getNetwork()).chainId);
  const deployerAddress = await opts.deployer.getAddress();
  const config: DeployConfig = {
    admin: deployerAddress,
    guardian: deployerAddress,
    feeRecipient: deployerAddress,
    feeBps: 100,
    oracle: deployerAddress,
    committee: [deployerAddress],
    committeeThreshold: 1,
    arbitrationFee: 1_000_000n,
    ...opts.config,
  };
  const manifest: DeploymentManifest =
    opts.manifest && opts.manifest.chainId === chainId
      ? opts.manifest
      : { network: opts.network, chainId, deployer: deployerAddress, usdc: "", startBlock: 0, contracts: {} };
  const ctx = { network: opts.network, chainId, deployer: opts.deployer, config, manifest, log: opts.log ?? (() => {}) };
  for (const step of DEPLOY_STEPS) {
    await step.run(ctx);
  }
  const blocks = Object.values(manifest.contracts).map((c) => c.blockNumber);
  manifest.startBlock = blocks.length > 0 ? Math.min(...blocks) : 0;
  return manifest;
}
