/**
 * `npm start`: a live agent economy on one machine.
 *
 *   1. starts a Hardhat node on 127.0.0.1:$PORT (default 8545);
 *   2. deploys Agora to it and writes the manifest (deployments/localhost.json);
 *   3. builds the subgraph and runs the graph host on 127.0.0.1:$GRAPH_PORT (default 8000) at /subgraphs/name/agora;
 *   4. runs the demo economy (scripts/demo/): ten agents hiring and paying each other through the SDK only;
 *   5. prints the agents ranked by reputation, read from the subgraph (or from the contracts, saying so, when the
 *      graph host cannot run), and keeps everything running until Ctrl-C.
 *
 * Options: `--once` exits 0 after the summary; `--no-demo` skips step 4; `--deployment <file>` writes the manifest
 * there instead (tests use it so they never touch deployments/localhost.json; also AGORA_DEPLOYMENT_FILE).
 * The spawned node inherits the environment, so HH_ARTIFACTS / HH_CACHE (hardhat.config.ts) apply to it when set.
 * ORACLE_ADDRESS sets the AI-oracle arbitrator's key (default: Hardhat account 0, the deployer); the demo posts the
 * verdict when that key is one of the node's test accounts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import { JsonRpcProvider, Network } from "ethers";
import { deployAgora } from "../deploy";
import { addressesFromManifest, createAgoraClient, createGraphClient, formatUsdc, toAgoraError, waitForIndexed, type GraphClient } from "../sdk/src";
import { hardhatAccount } from "./demo/agents";
import { runEconomy, type EconomyResult } from "./demo/economy";
import { startGraph, type RunningGraph } from "./demo/graph";
import { renderTable, rowsFromContracts, rowsFromSubgraph } from "./demo/summary";

const HOST = "127.0.0.1";
const ROOT = path.join(__dirname, "..");

function portOf(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name}=${raw ?? ""} is not a TCP port`);
  return port;
}

/** Fails fast when something already listens on the port (a second node would otherwise answer our RPC calls). */
async function assertPortFree(port: number, name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `port ${port} on ${HOST} is in use: stop what runs there or set ${name}=<free port>` : e.message)),
    );
    server.listen(port, HOST, () => server.close(() => resolve()));
  });
}

async function waitForRpc(provider: JsonRpcProvider, node: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (node.exitCode !== null) throw new Error(`the Hardhat node exited with code ${node.exitCode}`);
    try {
      await provider.getBlockNumber();
      return;
    } catch {
      if (Date.now() - started > timeoutMs) throw new Error(`no JSON-RPC answer at ${url} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const { values } = parseArgs({
    options: { once: { type: "boolean", default: false }, "no-demo": { type: "boolean", default: false }, deployment: { type: "string" } },
    allowPositionals: false,
  });
  const port = portOf("PORT", 8545);
  const graphPort = portOf("GRAPH_PORT", 8000);
  const rpcUrl = `http://${HOST}:${port}`;
  const manifestFile = path.resolve(values.deployment ?? process.env.AGORA_DEPLOYMENT_FILE ?? path.join(ROOT, "deployments", "localhost.json"));
  const log = (line: string): void => console.log(line);

  await assertPortFree(port, "PORT");
  await assertPortFree(graphPort, "GRAPH_PORT");

  log(`[1/5] starting a Hardhat node on ${rpcUrl}`);
  const node = spawn(process.execPath, [require.resolve("hardhat/internal/cli/cli"), "node", "--hostname", HOST, "--port", String(port)], {
    cwd: ROOT,
    env: process.env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  let graph: RunningGraph | undefined;
  let economy: EconomyResult | undefined;
  const stop = async (): Promise<void> => {
    await economy?.close().catch(() => undefined);
    await graph?.stop().catch(() => undefined);
    if (node.exitCode === null) node.kill("SIGTERM");
  };
  process.on("SIGINT", () => {
    log("\nstopping…");
    void stop().then(() => process.exit(0));
  });
  process.on("exit", () => {
    if (node.exitCode === null) node.kill("SIGTERM");
  });

  try {
    // cacheTimeout -1: ethers would otherwise serve a cached nonce to back-to-back transactions on an automining node.
    const provider = new JsonRpcProvider(rpcUrl, Network.from(31337), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
    await waitForRpc(provider, node, rpcUrl, 60_000);

    log("[2/5] deploying Agora");
    const deployer = hardhatAccount(0, provider);
    // ORACLE_ADDRESS (as for npm run deploy) names the AI-oracle key; by default it is the deployer, account 0.
    const manifest = await deployAgora({ network: "localhost", deployer, log, config: process.env.ORACLE_ADDRESS ? { oracle: process.env.ORACLE_ADDRESS } : {} });
    mkdirSync(path.dirname(manifestFile), { recursive: true });
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    log(`  wrote ${path.relative(process.cwd(), manifestFile) || manifestFile}`);
    const addresses = addressesFromManifest(manifest, manifestFile);

    log(`[3/5] starting the graph host on ${HOST}:${graphPort}`);
    let graphClient: GraphClient | undefined;
    let graphProblem = "";
    try {
      graph = await startGraph({ root: ROOT, rpcUrl, manifest, port: graphPort, log });
      graphClient = createGraphClient({ url: graph.url });
      await waitForIndexed(graphClient, await provider.getBlockNumber(), { timeoutMs: 60_000 });
      log(`  indexing; GraphQL at ${graph.url}`);
    } catch (error) {
      graphProblem = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
      log(`  the graph host is not available: ${graphProblem}`);
      await graph?.stop().catch(() => undefined);
      graph = undefined;
      graphClient = undefined;
    }

    if (values["no-demo"]) {
      log("[4/5] demo economy skipped (--no-demo)");
    } else {
      log("[4/5] running the demo economy (every agent uses only the SDK)");
      economy = await runEconomy({ provider, addresses, graph: graphClient, log: (line) => log(`  ${line}`) });
    }

    log("[5/5] agents ranked by reputation");
    const client = createAgoraClient({ addresses, provider });
    let rows;
    if (graphClient) {
      const head = await provider.getBlockNumber();
      await waitForIndexed(graphClient, head, { timeoutMs: 60_000 });
      rows = await rowsFromSubgraph(graphClient);
      log(`  from the subgraph (indexed to block ${head}):`);
    } else {
      rows = economy ? await rowsFromContracts(client, economy.agents) : [];
      log(`  read from the contracts, NOT the subgraph: the graph host did not start (${graphProblem})`);
    }
    for (const line of renderTable(rows)) log(`  ${line}`);
    const fees = await client.contracts.vault.accruedFees();
    log("");
    log(`  protocol fees accrued: ${formatUsdc(fees)} USDC; jobs: ${(await client.contracts.escrow.totalJobs()).toString()}`);
    log(`  JSON-RPC   ${rpcUrl} (chain 31337)`);
    if (graph) {
      log(`  GraphQL    ${graph.url}`);
      log(`             curl -s ${graph.url} -H 'content-type: application/json' \\`);
      log(`               -d '{"query":"{ reputations(first: 5, orderBy: score, orderDirection: desc) { agent { id uri } score volumeEarned } }"}'`);
    } else {
      log("  GraphQL    not running (see above)");
    }
    if (economy) log(`  x402       ${economy.endpoints.marketData} (402 without a voucher)`);
    log(`  CLI        AGORA_RPC_URL=${rpcUrl} npx agora discover leaderboard${graph && graphPort !== 8000 ? ` --graph ${graph.url}` : ""}`);
    log(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    if (values.once) {
      await stop();
      return;
    }
    log("Agora is running. Ctrl-C stops it.");
    await new Promise<void>((resolve) => node.on("exit", () => resolve()));
  } catch (error) {
    await stop();
    throw error;
  }
}

main().then(
  () => {
    // --once: every server is closed; leftover keep-alive sockets must not hold the exit.
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`npm start failed: ${toAgoraError(error).shortMessage}`);
    process.exit(1);
  },
);
