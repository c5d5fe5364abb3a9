/**
 * `npm start`: starts a Hardhat node on 127.0.0.1, deploys Agora to it, writes deployments/localhost.json
 * and keeps the node running until Ctrl-C. `npm start -- --once` exits 0 once the deployment is written.
 *
 * PORT (default 8545) picks the node's port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { deployAgora } from "../deploy";

const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 8545);
const RPC_URL = `http://${HOST}:${PORT}`;
/** Hardhat's first default account: a public, well-known test key, only ever used on the local node. */
const HARDHAT_ACCOUNT_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

async function waitForRpc(provider: JsonRpcProvider, node: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (node.exitCode !== null) throw new Error(`hardhat node exited with code ${node.exitCode}`);
    try {
      await provider.getBlockNumber();
      return;
    } catch {
      if (Date.now() - started > timeoutMs) throw new Error(`no JSON-RPC answer at ${RPC_URL} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function main(): Promise<void> {
  const once = process.argv.includes("--once");
  const root = path.join(__dirname, "..");
  console.log(`[1/3] starting a Hardhat node on ${RPC_URL}`);
  const node = spawn(process.execPath, [require.resolve("hardhat/internal/cli/cli"), "node", "--hostname", HOST, "--port", String(PORT)], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = (): void => {
    if (node.exitCode === null) node.kill("SIGTERM");
  };
  process.on("SIGINT", () => {
    stop();
    process.exit(0);
  });
  process.on("exit", stop);

  const provider = new JsonRpcProvider(RPC_URL, undefined, { staticNetwork: true });
  await waitForRpc(provider, node, 60_000);

  console.log("[2/3] deploying Agora");
  const deployer = new Wallet(HARDHAT_ACCOUNT_0, provider);
  const manifest = await deployAgora({ network: "localhost", deployer, log: (line) => console.log(line) });
  const file = path.join(root, "deployments", "localhost.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`[3/3] wrote ${path.relative(process.cwd(), file)}`);

  if (once) {
    stop();
    return;
  }
  console.log(`Agora is running on ${RPC_URL} (chain id ${manifest.chainId}). Ctrl-C stops it.`);
  await new Promise<void>((resolve) => node.on("exit", () => resolve()));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
