/**
 * The bench's output format (PROTOCOL.md §6): every figure is a `{ name, value, unit, goal, met }` record, printed
 * as a table with its goal beside it and written as a JSON array. Shared by every bench script.
 */
import { writeFileSync } from "node:fs";

export interface Figure {
  readonly name: string;
  /** The measured value; `null` when it could not be measured (see `note`). */
  readonly value: number | null;
  readonly unit: string;
  /** The PROTOCOL.md §6 goal, e.g. "<= 200000"; "" when the figure has no goal of its own. */
  readonly goal: string;
  /** Whether the goal is met; `null` for a figure without a goal. A figure that could not be measured is `false`. */
  readonly met: boolean | null;
  /** Why a figure was not measured, or how to read it. */
  readonly note?: string;
}

/** A goal `op limit`, checked against a value. */
export interface Goal {
  readonly op: "<=" | ">=";
  readonly limit: number;
}

export function goalText(goal: Goal | undefined): string {
  return goal ? `${goal.op} ${goal.limit}` : "";
}

export function meets(value: number, goal: Goal): boolean {
  return goal.op === "<=" ? value <= goal.limit : value >= goal.limit;
}

/** A measured figure, with `met` computed from its goal (if any). */
export function figure(name: string, value: number | bigint, unit: string, goal?: Goal, note?: string): Figure {
  const v = typeof value === "bigint" ? Number(value) : value;
  return { name, value: v, unit, goal: goalText(goal), met: goal ? meets(v, goal) : null, ...(note ? { note } : {}) };
}

/** A figure that could not be measured: no value, `met: false`, and the reason. Never an invented number. */
export function notMeasured(name: string, unit: string, goal: Goal | undefined, reason: string): Figure {
  return { name, value: null, unit, goal: goalText(goal), met: false, note: `not measured: ${reason}` };
}

function formatValue(f: Figure): string {
  if (f.value === null) return "not measured";
  if (Number.isInteger(f.value)) return f.value.toLocaleString("en-US");
  return f.value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** Prints the figures as an aligned table: name, value, unit, goal, met. */
export function printTable(figures: readonly Figure[], log: (line: string) => void = console.log): void {
  const rows = figures.map((f) => [f.name, formatValue(f), f.unit, f.goal, f.met === null ? "" : f.met ? "yes" : "NO", f.note ?? ""]);
  const header = ["figure", "value", "unit", "goal (PROTOCOL §6)", "met", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  log(line(header));
  log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) log(line(r));
}

export function writeFigures(file: string, figures: readonly Figure[]): void {
  writeFileSync(file, JSON.stringify(figures, null, 2) + "\n");
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The nearest-rank percentile of ascending `sorted` values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of nothing");
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

/** Runs `measure` `runs` times and returns the median of each named rate, plus every run's values. */
export function medianOfRuns<K extends string>(runs: number, measure: () => Record<K, number>): { median: Record<K, number>; runs: Record<K, number>[] } {
  const all: Record<K, number>[] = [];
  for (let i = 0; i < runs; i++) all.push(measure());
  const keys = Object.keys(all[0]) as K[];
  const med = {} as Record<K, number>;
  for (const k of keys) med[k] = median(all.map((r) => r[k]));
  return { median: med, runs: all };
}
