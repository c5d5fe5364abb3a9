/**
 * Deploys Agora to the network given with `--network` and writes `deployments/<network>.json`.
 *
 *   npx hardhat node                                  # in another terminal
 *   npm run deploy -- --network localhost
 *
 * Base networks read BASE_SEPOLIA_RPC_URL / BASE_RPC_URL and DEPLOYER_PRIVATE_KEY from the environment;
 * ADMIN_ADDRESS, GUARDIAN_ADDRESS, FEE_RECIPIENT, FEE_BPS, ORACLE_ADDRESS, COMMITTEE_MEMBERS (comma-separated),
 * COMMITTEE_THRESHOLD and ARBITRATION_FEE (USDC base units) override the defaults (the deployer, 100 bps,
 * a 1-of-1 committee of the deployer, $1).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { deployAgora, type DeployConfig, type DeploymentManifest } from "../deploy";

function configFromEnv(): Partial<DeployConfig> {
  const config: Partial<DeployConfig> = {};
  if (process.env.ADMIN_ADDRESS) config.admin = process.env.ADMIN_ADDRESS;
  if (process.env.GUARDIAN_ADDRESS) config.guardian = process.env.GUARDIAN_ADDRESS;
  if (process.env.FEE_RECIPIENT) config.feeRecipient = process.env.FEE_RECIPIENT;
  if (process.env.ORACLE_ADDRESS) config.oracle = process.env.ORACLE_ADDRESS;
  if (process.env.FEE_BPS) config.feeBps = Number(process.env.FEE_BPS);
  if (process.env.COMMITTEE_MEMBERS) config.committee = process.env.COMMITTEE_MEMBERS.split(",").map((a) => a.trim());
  if (process.env.COMMITTEE_THRESHOLD) config.committeeThreshold = Number(process.env.COMMITTEE_THRESHOLD);
  if (process.env.ARBITRATION_FEE) config.arbitrationFee = BigInt(process.env.ARBITRATION_FEE);
  return config;
}

function manifestPath(network: string): string {
  return path.join(__dirname, "..", "deployments", `${network}.json`);
}

async function main(): Promise<void> {
  const network = hre.network.name;
  const [deployer] = await hre.ethers.getSigners();
  if (!deployer) throw new Error(`no deployer account for network ${network} (set DEPLOYER_PRIVATE_KEY)`);
  const file = manifestPath(network);
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DeploymentManifest) : undefined;
  console.log(`Deploying Agora to ${network} from ${await deployer.getAddress()}`);
  const manifest = await deployAgora({
    network,
    deployer,
    config: configFromEnv(),
    manifest: previous,
    log: (line) => console.log(line),
  });
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
