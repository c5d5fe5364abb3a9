import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HDNodeWallet, Mnemonic } from "ethers";
import { ethers, network, run } from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { deployAgora } from "../../deploy";

export const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "agora.js");

/** Private key of Hardhat test account `i` (public, well-known; local networks only). */
export function hardhatKey(i: number): string {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase("test test test test test test test test test test test junk"), `m/44'/60'/0'/0/${i}`).privateKey;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/agora.js <args>` as a child process. */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { ...process.env, AGORA_PRIVATE_KEY: undefined, AGORA_RPC_URL: undefined, AGORA_NETWORK: undefined, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Parses the JSON object `--json` printed on stdout. */
export function json(r: CliResult): Record<string, unknown> {
  return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
}

export interface LocalNode {
  rpcUrl: string;
  deployment: string;
  close(): Promise<void>;
}

/**
 * The Hardhat network served over JSON-RPC on 127.0.0.1:<free port> (what `hardhat node` runs), with Agora
 * deployed and its manifest in a temp file (never deployments/localhost.json).
 */
export async function startLocalNode(): Promise<LocalNode> {
  const server = (await run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: network.provider })) as {
    listen(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  };
  const { port } = await server.listen();
  const [deployer] = await ethers.getSigners();
  const manifest = await deployAgora({ network: "localhost", deployer });
  const dir = mkdtempSync(path.join(tmpdir(), "agora-cli-"));
  const deployment = path.join(dir, "deployment.json");
  writeFileSync(deployment, JSON.stringify(manifest, null, 2));
  return { rpcUrl: `http://127.0.0.1:${port}`, deployment, close: () => server.close() };
}
