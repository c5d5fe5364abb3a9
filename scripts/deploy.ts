/**
 * Deploys Agora to the network given with `--network` and writes `deployments/<network>.json`.
 *
 *   npx hardhat node                                  # in another terminal
 *   npm run deploy -- --network localhost
 *
 * Base networks read BASE_SEPOLIA_RPC_URL / BASE_RPC_URL and DEPLOYER_PRIVATE_KEY from the environment;
 * ADMIN_ADDRESS, GUARDIAN_ADDRESS, FEE_RECIPIENT, FEE_BPS and ORACLE_ADDRESS override the defaults
 * (the deployer, 100 bps).
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
