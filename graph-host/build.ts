/**
 * Runs `graph codegen` and `graph build` (the local graph-cli, offline) for a subgraph directory, skipping the
 * build when none of its inputs changed since the last one. Used by the tests, the bench and the CLI's `--build`.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface BuildOptions {
  /** Directory holding subgraph.yaml. */
  readonly subgraphDir: string;
  /** Where `graph build` writes (default `<subgraphDir>/build`). */
  readonly outputDir?: string;
  /** Build even when the inputs did not change. */
  readonly force?: boolean;
}

export interface BuildResult {
  readonly outputDir: string;
  readonly rebuilt: boolean;
}

const STAMP = ".graph-host-inputs";
const SKIP = new Set(["node_modules", "build", "generated", ".git", ".graph-host-build.lock"]);

function hashInputs(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      if (SKIP.has(name)) continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        h.update(path.relative(dir, p));
        h.update(readFileSync(p));
      }
    }
  };
  walk(dir);
  return h.digest("hex");
}

/** Serialises builds of one subgraph directory across processes (a test run and a bench, say). */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, ".graph-host-build.lock");
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (existsSync(lock) ? statSync(lock).mtimeMs : Date.now());
      if (age > 300_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() - started > 300_000) throw new Error(`timed out waiting for ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function buildSubgraph(options: BuildOptions): Promise<BuildResult> {
  const dir = path.resolve(options.subgraphDir);
  return withLock(dir, () => buildUnlocked(dir, options));
}

async function buildUnlocked(dir: string, options: BuildOptions): Promise<BuildResult> {
  const outputDir = path.resolve(options.outputDir ?? path.join(dir, "build"));
  const stampFile = path.join(outputDir, STAMP);
  const inputs = hashInputs(dir);
  if (!options.force && existsSync(stampFile) && readFileSync(stampFile, "utf8") === inputs) {
    return { outputDir, rebuilt: false };
  }
  const cli = require.resolve("@graphprotocol/graph-cli/bin/run.js");
  const env = { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: "1", NO_UPDATE_NOTIFIER: "1", FORCE_COLOR: "0" };
  const exec = async (args: string[]): Promise<void> => {
    try {
      await run(process.execPath, [cli, ...args], { cwd: dir, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`graph ${args[0] ?? ""} failed in ${dir}:\n${err.stdout ?? ""}${err.stderr ?? ""}${err.message}`);
    }
  };
  await exec(["codegen", "--output-dir", "generated", "--skip-migrations"]);
  await exec(["build", "--output-dir", outputDir, "--skip-migrations"]);
  writeFileSync(stampFile, inputs);
  return { outputDir, rebuilt: true };
}
