import { expect } from "chai";
import fc from "fast-check";
import hre from "hardhat";
import { rpc } from "./harness/chain";
import { type Ctx, allCommands } from "./harness/commands";
import { driveToEmpty } from "./harness/liveness";
import { type Base, buildBase } from "./harness/setup";

/*
 * Stateful fuzzing of the whole protocol (PROTOCOL.md §3, invariants 1-9) with fast-check's model-based testing
 * against the in-process Hardhat network. Each run starts from one EVM snapshot of a deployed, funded base state
 * and a clone of the model built with it, executes up to MAX_COMMANDS random commands (every state-changing
 * function, illegal calls, adversarial modules and tokens, time jumps to edge-1/edge/edge+1), compares model and
 * chain after every transaction (harness/world.ts) and, at the end, drains everything while paused
 * (harness/liveness.ts). The snapshot is reverted after every run (a fresh snapshot id each time).
 *
 * CI: a fixed seed and 200 runs. Deeper: FC_RUNS=5000 FC_SEED=123 npx hardhat test test/invariant/*.test.ts
 * A failure prints the seed, the replay path and the shrunk command sequence (fast-check's report); replay it with
 * FC_SEED=<seed> FC_PATH=<path>. FC_DEBUG=1 logs every transaction, FC_STATS=1 the outcome count per function,
 * FC_MAX_COMMANDS=<n> raises the run length, FC_ESCROW_ARTIFACT=<contract> fuzzes another escrow build (mutants).
 */

/** Under `npm run coverage` every EVM step is traced into JS: a shorter default keeps that run in minutes. */
const COVERAGE = Boolean((hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING);
const RUNS = Number(process.env.FC_RUNS ?? (COVERAGE ? 25 : 200));
const SEED = Number(process.env.FC_SEED ?? 0x4a6f7261);
const MAX_COMMANDS = Number(process.env.FC_MAX_COMMANDS ?? 60);

describe("Agora stateful fuzzing (invariants 1-9)", function () {
  this.timeout(0);

  it(`holds every invariant over ${RUNS} runs of up to ${MAX_COMMANDS} commands (seed ${SEED})`, async function () {
    const started = Date.now();
    const base: Base = await buildBase();
    const { h, acts } = base;
    const ctx: Ctx = { h, a: acts, log: [], ran: [] };
    let lastFailure: { log: string[]; error: string } | undefined;
    let commandsInRun = 0;
    const lengths: number[] = [];

    const property = fc.asyncProperty(fc.commands(allCommands(), { size: "max", maxCommands: MAX_COMMANDS }), async (cmds) => {
      const snapshot = await rpc<string>("evm_snapshot");
      h.s = structuredClone(base.state);
      h.prev = base.prev.map((x) => [...x]);
      h.counters.runs++;
      ctx.log = [];
      ctx.ran = [];
      const before = h.counters.commands;
      try {
        await fc.asyncModelRun(() => ({ model: ctx, real: ctx }), cmds);
        ctx.current = undefined;
        await driveToEmpty(h, acts);
      } catch (e) {
        // fast-check reports the last failing run, which is the shrunk counterexample: keep what it executed.
        if (!ctx.log.some((l) => l.endsWith("FAILED"))) ctx.log.push(`${h.lastLabel || "liveness drive"} -> FAILED`);
        lastFailure = { log: [...ctx.log], error: (e as Error).message };
        for (const cmd of ctx.ran) cmd.reported = cmd.desc;
        throw e;
      } finally {
        commandsInRun = h.counters.commands - before;
        lengths.push(commandsInRun);
        const reverted = await rpc<boolean>("evm_revert", [snapshot]);
        if (!reverted) throw new Error(`evm_revert(${snapshot}) failed`);
      }
    });

    // FC_PATH replays one reported failure (with its FC_SEED) without generating anything else.
    const path = process.env.FC_PATH;
    try {
      await fc.assert(property, { numRuns: RUNS, seed: SEED, verbose: fc.VerbosityLevel.Verbose, ...(path ? { path } : {}) });
    } catch (e) {
      if (lastFailure) {
        console.log(`\n      shrunk counterexample as executed (seed ${SEED}):`);
        lastFailure.log.forEach((l, i) => console.log(`        ${i + 1}. ${l}`));
        console.log(`      ${lastFailure.error.split("\n").join("\n      ")}\n`);
      }
      throw e;
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const total = lengths.reduce((x, y) => x + y, 0);
    const max = lengths.reduce((x, y) => Math.max(x, y), 0);
    const c = h.counters;
    console.log(
      `      fuzz: ${c.runs} runs x up to ${MAX_COMMANDS} commands = ${total} commands (max ${max}/run), ` +
        `${c.txs} transactions (${c.reverts} predicted reverts), ${c.probes} exit probes, ${seconds}s, seed ${SEED}`,
    );
    const quiet = Object.entries(c.byCommand)
      .filter(([k, v]) => v.ok === 0 && !k.includes("illegal"))
      .map(([k]) => k);
    if (process.env.FC_STATS) {
      for (const [k, v] of Object.entries(c.byCommand).sort()) {
        console.log(`        ${k}: ${v.ok} ok, ${v.reverted} reverted ${JSON.stringify(v.errors)}`);
      }
      console.log(`        time (ms): ${JSON.stringify(Object.fromEntries(Object.entries(c.ms).map(([k, v]) => [k, Math.round(v)])))}`);
    }
    if (quiet.length > 0) console.log(`      never succeeded: ${quiet.join(", ")}`);
    expect(c.runs).to.be.at.least(RUNS);
  });
});
