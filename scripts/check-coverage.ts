import { existsSync, readFileSync } from "fs";
import { join, relative } from "path";

/*
 * Coverage gate: reads coverage/coverage-summary.json (istanbul `json-summary`, written by `npm run coverage`)
 * and fails unless, mocks excluded,
 *   - overall: lines >= 95% and branches >= 90%;
 *   - 100% branches in JobEscrow, PaymentChannels, AgoraVault and libraries/SpendingWindow.sol.
 * Usage: npm run coverage && npm run coverage:check   (COVERAGE_SUMMARY=<path> to read another file)
 */

interface Metric {
  total: number;
  covered: number;
  skipped: number;
  pct: number | string;
}
interface FileSummary {
  lines: Metric;
  statements: Metric;
  functions: Metric;
  branches: Metric;
}

const OVERALL = { lines: 95, branches: 90 };
const FULL_BRANCHES = [
  "contracts/JobEscrow.sol",
  "contracts/PaymentChannels.sol",
  "contracts/AgoraVault.sol",
  "contracts/libraries/SpendingWindow.sol",
];

const root = join(__dirname, "..");
const file = process.env.COVERAGE_SUMMARY ?? join(root, "coverage", "coverage-summary.json");
if (!existsSync(file)) {
  console.error(`coverage gate: ${file} not found; run \`npm run coverage\` first`);
  process.exit(1);
}
const summary = JSON.parse(readFileSync(file, "utf8")) as Record<string, FileSummary>;

const pct = (m: { covered: number; total: number }) => (m.total === 0 ? 100 : (100 * m.covered) / m.total);
const fmt = (m: { covered: number; total: number }) => `${pct(m).toFixed(2)}% (${m.covered}/${m.total})`;
const rel = (p: string) => relative(root, p).split("\\").join("/");

const files = Object.entries(summary)
  .filter(([name]) => name !== "total")
  .map(([name, s]) => [rel(name), s] as const)
  .filter(([name]) => !name.includes("/mocks/"));
if (files.length === 0) {
  console.error("coverage gate: the summary lists no contract");
  process.exit(1);
}

const total = { lines: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 } };
console.log("file                                          lines                 branches");
for (const [name, s] of files.sort(([a], [b]) => a.localeCompare(b))) {
  total.lines.covered += s.lines.covered;
  total.lines.total += s.lines.total;
  total.branches.covered += s.branches.covered;
  total.branches.total += s.branches.total;
  console.log(`${name.padEnd(45)} ${fmt(s.lines).padEnd(21)} ${fmt(s.branches)}`);
}
console.log(`${"overall (mocks excluded)".padEnd(45)} ${fmt(total.lines).padEnd(21)} ${fmt(total.branches)}`);

const failures: string[] = [];
if (pct(total.lines) < OVERALL.lines) failures.push(`overall lines ${fmt(total.lines)} < ${OVERALL.lines}%`);
if (pct(total.branches) < OVERALL.branches) failures.push(`overall branches ${fmt(total.branches)} < ${OVERALL.branches}%`);
for (const name of FULL_BRANCHES) {
  const entry = files.find(([n]) => n === name);
  if (!entry) failures.push(`${name}: not in the coverage summary`);
  else if (entry[1].branches.covered < entry[1].branches.total) failures.push(`${name}: branches ${fmt(entry[1].branches)} < 100%`);
}

if (failures.length > 0) {
  console.error(`\ncoverage gate FAILED:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("\ncoverage gate passed");
