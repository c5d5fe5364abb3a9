import { expect } from "chai";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, join } from "path";

/**
 * Committed gas snapshots: a measured figure may not exceed its snapshot by more than `toleranceBps` (default
 * 1%). `UPDATE_GAS_SNAPSHOT=1` rewrites the figures instead of asserting (other keys in the file are kept), so an
 * intended change is reviewed as a diff of `test/gas/snapshot.json`.
 *
 *   await expectGasSnapshot({ "job.create.balance": gas });
 */

/** The shared snapshot file. */
export const GAS_SNAPSHOT_FILE = join(__dirname, "..", "gas", "snapshot.json");
/** Allowed increase over the snapshot, in basis points (1%). */
export const DEFAULT_TOLERANCE_BPS = 100n;

export type GasFigures = Record<string, bigint | number>;

export interface GasSnapshotOptions {
  /** Snapshot file (default `GAS_SNAPSHOT_FILE`). */
  file?: string;
  /** Allowed increase in bps (default 100 = 1%). */
  toleranceBps?: bigint;
}

/** Whether this run rewrites snapshots instead of checking them. */
export function updatingGasSnapshot(): boolean {
  const flag = process.env.UPDATE_GAS_SNAPSHOT;
  return flag !== undefined && flag !== "" && flag !== "0" && flag !== "false";
}

export function readGasSnapshot(file: string = GAS_SNAPSHOT_FILE): Record<string, number> {
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error(`${file}: not a JSON object`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error(`${file}: "${key}" is not a gas figure`);
  }
  return parsed as Record<string, number>;
}

/** Merges `figures` into the file (keys sorted, so the diff stays readable). */
export function writeGasSnapshot(figures: GasFigures, file: string = GAS_SNAPSHOT_FILE): void {
  const merged: Record<string, number> = { ...readGasSnapshot(file) };
  for (const [key, value] of Object.entries(figures)) merged[key] = Number(value);
  const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(sorted, null, 2) + "\n");
}

/** One line per figure: measured, snapshot, and the difference. */
export interface GasComparison {
  key: string;
  measured: bigint;
  snapshot: bigint | undefined;
  /** measured - snapshot, in bps of the snapshot (undefined without a snapshot). */
  deltaBps: bigint | undefined;
  ok: boolean;
}

/** Compares figures with the snapshot: a figure fails when it has no snapshot or exceeds it by more than the tolerance. */
export function compareGasSnapshot(figures: GasFigures, options: GasSnapshotOptions = {}): GasComparison[] {
  const snapshot = readGasSnapshot(options.file);
  const tolerance = options.toleranceBps ?? DEFAULT_TOLERANCE_BPS;
  return Object.entries(figures).map(([key, value]) => {
    const measured = BigInt(value);
    const stored = snapshot[key];
    if (stored === undefined) return { key, measured, snapshot: undefined, deltaBps: undefined, ok: false };
    const base = BigInt(stored);
    const deltaBps = base === 0n ? (measured === 0n ? 0n : 10_000n) : ((measured - base) * 10_000n) / base;
    // Exact integer check: measured <= base * (1 + tolerance).
    const ok = measured * 10_000n <= base * (10_000n + tolerance);
    return { key, measured, snapshot: base, deltaBps, ok };
  });
}

/**
 * Asserts every figure against the snapshot (or rewrites them under `UPDATE_GAS_SNAPSHOT=1`). The failure message
 * lists every figure with its snapshot and difference.
 */
export function expectGasSnapshot(figures: GasFigures, options: GasSnapshotOptions = {}): void {
  if (updatingGasSnapshot()) {
    writeGasSnapshot(figures, options.file);
    return;
  }
  const rows = compareGasSnapshot(figures, options);
  const tolerance = options.toleranceBps ?? DEFAULT_TOLERANCE_BPS;
  const table = rows
    .map((r) => {
      const snap = r.snapshot === undefined ? "no snapshot" : `snapshot ${r.snapshot}`;
      const delta = r.deltaBps === undefined ? "" : ` (${r.deltaBps >= 0n ? "+" : ""}${Number(r.deltaBps) / 100}%)`;
      return `${r.ok ? "  ok  " : "  FAIL"} ${r.key}: ${r.measured} vs ${snap}${delta}`;
    })
    .join("\n");
  const failed = rows.filter((r) => !r.ok).map((r) => r.key);
  expect(
    failed,
    `gas above snapshot + ${Number(tolerance) / 100}% (or missing); if intended, rerun with UPDATE_GAS_SNAPSHOT=1 and commit ` +
      `test/gas/snapshot.json\n${table}`,
  ).to.deep.equal([]);
}
