import { subtask } from "hardhat/config";
import { readdirSync } from "node:fs";
import path from "node:path";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

const SOLC_VERSION = "0.8.28";

// No compiler downloads: compile with the solc-js build that npm installed (package `solc`).
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion === SOLC_VERSION) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc") as { version(): string };
    return {
      compilerPath: require.resolve("solc/soljson.js"),
      isSolcJs: true,
      version: args.solcVersion,
      longVersion: solc.version(),
    };
  }
  return runSuper();
});

// `hardhat test` with no file arguments also runs the subgraph's end-to-end tests (STYLE: subgraph/tests).
subtask(TASK_TEST_GET_TEST_FILES, async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files: string[] = await runSuper(args);
  if (args.testFiles.length > 0) return files;
  const dir = path.join(__dirname, "subgraph", "tests");
  const extra = readdirSync(dir)
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => path.join(dir, name));
  return [...files, ...extra];
});

// Remote networks read everything from the environment; nothing secret is committed.
function remote(urlVar: string, chainId: number) {
  const key = process.env.DEPLOYER_PRIVATE_KEY;
  return {
    url: process.env[urlVar] ?? "",
    chainId,
    accounts: key ? [key] : [],
  };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
    },
  },
  networks: {
    // Base runs a Prague-level EVM; Osaka's per-transaction gas cap (EIP-7825) also breaks eth_estimateGas here.
    hardhat: { hardfork: "prague" },
    localhost: { url: process.env.LOCAL_RPC_URL ?? "http://127.0.0.1:8545" },
    baseSepolia: remote("BASE_SEPOLIA_RPC_URL", 84532),
    base: remote("BASE_RPC_URL", 8453),
  },
  // HH_ARTIFACTS / HH_CACHE let several builds run side by side in one checkout.
  paths: {
    artifacts: process.env.HH_ARTIFACTS ?? "artifacts",
    cache: process.env.HH_CACHE ?? "cache",
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: { enabled: process.env.REPORT_GAS === "true", currency: "USD" },
  mocha: { timeout: 120_000 },
};

export default config;
