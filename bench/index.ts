/**
 * `npm run bench`: every figure of PROTOCOL.md §6 and the measurements docs/PERFORMANCE.md is built from.
 *
 *   npm run bench                                               (fresh clone, default artifacts)
 *   HH_ARTIFACTS=artifacts-h12 HH_CACHE=cache-h12 npx hardhat run bench/index.ts
 *   BENCH_SECTIONS=gas,vouchers npx hardhat run bench/index.ts   (a subset: gas, plan, scaling, vouchers, graph)
 *
 * 1. gas: every user-facing operation on the Hardhat network (`bench/lib/gas.ts`, the same code as the gas snapshot
 *    gate), micropayment gas per paid call over 1 to 10,000 calls per claim beside one x402 `exact` settlement, and
 *    where the gas of one job lifecycle goes (`debug_traceTransaction`, `bench/lib/trace.ts`); plan: the same
 *    lifecycle on the bench-only redesign prototypes of docs/PERFORMANCE.md (`bench/prototype/`, not the protocol);
 * 2. scaling: the same operations at two sizes of prior state (O(1) checks);
 * 3. vouchers: sign + verify per second on one core (median of 3 runs), and the 100k calls/s arithmetic;
 * 4. graph: the local graph host on the Agora subgraph, indexing events/s and discovery query p50/p95 over 1,000
 *    and 10,000 listings (median of 3 indexing runs), plus `bench/graph-host.ts`'s synthetic GraphProbe figures.
 *
 * Writes bench/results.json (`[{ name, value, unit, goal, met, note? }]`; `value: null, met: false` and a
 * "not measured: <reason>" note for a figure that could not be measured), bench/gas-breakdown.json, and prints
 * a table with the goal beside each figure. Throughput figures are noisy on a shared machine: run it a few times.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Figure, figure, printTable, writeFigures } from "./lib/figures";
import { GOALS, measureOperations, type GasMeasurement } from "./lib/gas";
import { benchAgoraGraph, graphNotMeasured } from "./lib/graph";
import { capacity, capacityFigures, gasFigures, micropaymentFigures, scalingFigures } from "./lib/report";
import { measurePrototype } from "./lib/prototype";
import { measureScaling } from "./lib/scaling";
import { breakdownTable, sumBreakdowns, traceGas, type Breakdown } from "./lib/trace";
import { benchVouchers } from "./lib/vouchers";

const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? "gas,plan,scaling,vouchers,graph").split(",").map((s) => s.trim()));
/** Name prefix of the redesign prototype's figures (not the protocol's own figures). */
const PROTOTYPE = "redesign prototype (bench-only)";
const log = (line: string) => console.log(line);

function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return (message.split("\n").find((l) => l.trim() !== "") ?? "unknown error").slice(0, 200);
}

/** Contract names by lower-case address, for the gas breakdown. */
function namesOf(m: GasMeasurement): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [name, c] of Object.entries(m.fixture.manifest.contracts)) names[c.address.toLowerCase()] = name;
  return names;
}

/** Where the gas of the warm lifecycles goes, per transaction and summed. */
async function lifecycleBreakdowns(m: GasMeasurement) {
  const names = namesOf(m);
  const out: Record<string, { steps: Record<string, Breakdown>; total: Omit<Breakdown, "hash"> }> = {};
  for (const key of ["job.lifecycle.balance", "job.lifecycle.transferFrom"]) {
    const steps: Record<string, Breakdown> = {};
    for (const step of ["create", "deliver", "release"]) steps[step] = await traceGas(m.txs[`${key}.${step}`], names);
    out[key] = { steps, total: sumBreakdowns(Object.values(steps)) };
  }
  return out;
}

async function main(): Promise<void> {
  const started = Date.now();
  const figures: Figure[] = [];
  const json = (_key: string, value: unknown) => (typeof value === "bigint" ? Number(value) : value);

  let gas: GasMeasurement | undefined;
  if (SECTIONS.has("gas") || SECTIONS.has("vouchers") || SECTIONS.has("scaling")) {
    log("gas: measuring every operation");
    gas = await measureOperations();
  }
  if (gas && SECTIONS.has("gas")) {
    figures.push(...gasFigures(gas.gas), ...micropaymentFigures(gas.gas));
    const breakdowns = await lifecycleBreakdowns(gas);
    for (const [key, b] of Object.entries(breakdowns)) {
      log(`\nWhere the gas of ${key} goes (warm; create + deliver + release):\n`);
      log(breakdownTable(b.total));
      log(`counts: ${JSON.stringify(b.total.counts)}`);
    }
    const plan: Record<string, unknown> = {};
    if (SECTIONS.has("plan")) {
      for (const [name, steps] of [["LeanJobs", "steps 1-6"], ["LeanJobsPacked", "steps 1-8"]] as const) {
        const p = await measurePrototype(name);
        for (const [path, goal] of [["balance", GOALS.lifecycleBalance], ["transferFrom", GOALS.lifecycleTransferFrom]] as const) {
          const lc = p[path];
          figures.push(figure(`${PROTOTYPE}: ${name} (${steps}), lifecycle ${path === "balance" ? "from the balance" : "by transferFrom"}`, lc.total, "gas", goal, `create ${lc.create} + deliver ${lc.deliver} + release ${lc.release}`));
          const parts = await Promise.all((["create", "deliver", "release"] as const).map((step) => traceGas(lc.hashes[step], p.names)));
          const total = sumBreakdowns(parts);
          plan[`${name}.${path}`] = { steps: { create: parts[0], deliver: parts[1], release: parts[2] }, total };
          if (path === "balance") {
            log(`\nWhere the gas of the ${name} prototype's lifecycle from the balance goes:\n`);
            log(breakdownTable(total));
          }
        }
      }
    }
    writeFileSync(join(__dirname, "gas-breakdown.json"), JSON.stringify({ ...breakdowns, prototypes: plan }, json, 2) + "\n");
  }
  if (gas && SECTIONS.has("scaling")) {
    log("\nscaling: building prior state (1,000 jobs, agents and listings; 10,000 claims)");
    figures.push(...scalingFigures(await measureScaling({ log }), gas.gas));
  }
  if (SECTIONS.has("vouchers")) {
    log("vouchers: sign + verify on one core, 3 runs per backend");
    const v = benchVouchers({ runs: 3 });
    figures.push(...v.figures);
    if (gas) figures.push(...capacityFigures(capacity(v.headline.pairs, gas.gas), v.headline.pairs));
  }
  if (SECTIONS.has("graph")) {
    log("graph: Agora subgraph on the local graph host (1,000 and 10,000 listings)");
    try {
      figures.push(...(await benchAgoraGraph({ runs: 3, log })).figures);
    } catch (e) {
      figures.push(...graphNotMeasured(`graph host failed: ${reasonOf(e)}`));
    }
    try {
      const probe = (await import("./graph-host")) as { benchGraphHost?: () => Promise<Figure[]> };
      if (!probe.benchGraphHost) throw new Error("bench/graph-host.ts exports no benchGraphHost");
      log("graph: synthetic GraphProbe entities (bench/graph-host.ts)");
      for (const f of await probe.benchGraphHost()) figures.push({ ...f, name: `GraphProbe synthetic: ${f.name}` });
    } catch (e) {
      figures.push({ name: "GraphProbe synthetic (bench/graph-host.ts)", value: null, unit: "", goal: "", met: null, note: `not measured: ${reasonOf(e)}` });
    }
  }

  const seconds = Math.round((Date.now() - started) / 1000);
  log("");
  printTable(figures);
  const withGoal = figures.filter((f) => f.goal !== "" && !f.name.startsWith(PROTOTYPE));
  log(`\n${withGoal.filter((f) => f.met === true).length} of ${withGoal.length} figures with a PROTOCOL §6 goal meet it. Bench time: ${seconds} s.`);
  writeFigures(join(__dirname, "results.json"), figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
