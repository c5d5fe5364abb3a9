/**
 * Where the gas of a transaction goes: replays it with the Hardhat network's `debug_traceTransaction` (struct logs)
 * and sums the gas of every opcode by the contract whose code ran it and by kind (SSTORE, SLOAD, LOG, call overhead,
 * ...), plus the intrinsic gas (21,000 + calldata) and the refund. The parts add up to the receipt's `gasUsed`
 * exactly (checked).
 *
 * Attribution: an opcode's cost is the drop in remaining gas to the next opcode of the same frame. A CALL-family
 * opcode is charged only its own overhead (address access, value, memory; the callee's execution is subtracted and
 * charged to the callee), so the "call" kind is what crossing a contract boundary costs the caller. A call to a
 * precompile (ecrecover) runs no opcodes: its whole cost is the "precompile" kind of the caller. DELEGATECALL code
 * is charged to the contract it runs for.
 */
import { network } from "hardhat";

interface StructLog {
  depth: number;
  gas: number;
  gasCost: number;
  op: string;
  stack?: string[];
}

interface Trace {
  failed: boolean;
  gas: number;
  structLogs: StructLog[];
}

/** Opcode kinds of the breakdown, in report order. */
export const KINDS = [
  "SSTORE new slot",
  "SSTORE update",
  "SSTORE dirty/no-op",
  "SLOAD cold",
  "SLOAD warm",
  "LOG",
  "call overhead",
  "precompile",
  "KECCAK256",
  "TLOAD/TSTORE",
  "account access",
  "compute & memory",
] as const;
export type Kind = (typeof KINDS)[number];

export interface Breakdown {
  readonly hash: string;
  readonly gasUsed: bigint;
  /** 21,000 + calldata. */
  readonly intrinsic: number;
  /** Storage refunds subtracted at the end (negative in sums). */
  readonly refund: number;
  /** Execution gas by contract name and kind. */
  readonly byContract: Record<string, Partial<Record<Kind, number>>>;
  /** Counts: SSTOREs by kind, SLOADs, LOGs, external calls (CALL/STATICCALL/DELEGATECALL to code). */
  readonly counts: Record<string, number>;
}

function kindOf(log: StructLog, cost: number): Kind {
  switch (log.op) {
    case "SSTORE":
      return cost >= 20_000 ? "SSTORE new slot" : cost >= 2_900 ? "SSTORE update" : "SSTORE dirty/no-op";
    case "SLOAD":
      return cost >= 2_100 ? "SLOAD cold" : "SLOAD warm";
    case "LOG0":
    case "LOG1":
    case "LOG2":
    case "LOG3":
    case "LOG4":
      return "LOG";
    case "CALL":
    case "STATICCALL":
    case "DELEGATECALL":
    case "CALLCODE":
      return "call overhead";
    case "KECCAK256":
    case "SHA3":
      return "KECCAK256";
    case "TLOAD":
    case "TSTORE":
      return "TLOAD/TSTORE";
    case "EXTCODESIZE":
    case "EXTCODEHASH":
    case "EXTCODECOPY":
    case "BALANCE":
      return "account access";
    default:
      return "compute & memory";
  }
}

function addressOn(stack: string[] | undefined, fromTop: number): string {
  if (!stack || stack.length <= fromTop) throw new Error("trace: stack missing (tracer options)");
  return ("0x" + stack[stack.length - 1 - fromTop].slice(-40)).toLowerCase();
}

function calldataGas(data: string): number {
  let gas = 0;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

/**
 * Traces `hash` and returns its gas breakdown. `names` maps lower-case addresses to contract names (others are
 * shown as their address).
 */
export async function traceGas(hash: string, names: Record<string, string>): Promise<Breakdown> {
  const trace = (await network.provider.send("debug_traceTransaction", [hash, { disableMemory: true, disableStorage: true }])) as Trace;
  const tx = (await network.provider.send("eth_getTransactionByHash", [hash])) as { to: string; input: string };
  const receipt = (await network.provider.send("eth_getTransactionReceipt", [hash])) as { gasUsed: string };
  const logs = trace.structLogs;
  const nameOf = (address: string) => names[address.toLowerCase()] ?? address.toLowerCase();

  const byContract: Record<string, Partial<Record<Kind, number>>> = {};
  const counts: Record<string, number> = {};
  const add = (contract: string, kind: Kind, gas: number) => {
    const row = (byContract[contract] ??= {});
    row[kind] = (row[kind] ?? 0) + gas;
  };
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);

  // Frames: the executing contract (by name), and for each open CALL its index and the callee's first gas.
  const frames: { contract: string }[] = [{ contract: nameOf(tx.to) }];
  const pendingCalls: { index: number; childStart: number; childEnd: number }[] = [];
  let topEnd = 0;

  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    const next = logs[i + 1] as StructLog | undefined;
    const frame = frames[log.depth - 1];
    if (!frame) throw new Error(`trace: no frame at depth ${log.depth}`);
    if (next && next.depth > log.depth) {
      // Entering a call: the cost is settled when the caller resumes.
      const target = addressOn(log.stack, 1);
      const contract = log.op === "DELEGATECALL" || log.op === "CALLCODE" ? frame.contract : nameOf(target);
      frames[next.depth - 1] = { contract };
      pendingCalls.push({ index: i, childStart: next.gas, childEnd: 0 });
      count("external calls");
      continue;
    }
    let cost: number;
    if (next && next.depth === log.depth) {
      cost = log.gas - next.gas;
    } else {
      // The frame's last opcode (STOP, RETURN, REVERT, ...): its reported cost, then the caller resumes.
      cost = log.gasCost;
      const remaining = log.gas - cost;
      if (log.depth === 1) topEnd = remaining;
      else {
        const call = pendingCalls.pop();
        if (!call) throw new Error("trace: return without a call");
        const callLog = logs[call.index];
        if (!next) throw new Error("trace: the transaction ends inside a call");
        // The caller's drop across the call, minus what the callee consumed, is the CALL's own overhead.
        const overhead = callLog.gas - next.gas - (call.childStart - remaining);
        const caller = frames[callLog.depth - 1];
        add(caller.contract, "call overhead", overhead);
      }
    }
    let kind = kindOf(log, cost);
    if (kind === "call overhead") {
      // A call that ran no opcodes: a precompile (ecrecover) or an account without code.
      const target = BigInt(addressOn(log.stack, 1));
      kind = target > 0n && target <= 0x11n ? "precompile" : "call overhead";
      if (kind === "precompile") count("precompile calls");
    }
    if (kind.startsWith("SSTORE")) count(kind);
    if (kind.startsWith("SLOAD")) count(kind);
    if (kind === "LOG") count("LOG");
    add(frame.contract, kind, cost);
  }

  const gasUsed = BigInt(receipt.gasUsed);
  const intrinsic = 21_000 + calldataGas(tx.input);
  const execution = logs.length > 0 ? logs[0].gas - topEnd : 0;
  const refund = intrinsic + execution - Number(gasUsed);
  let summed = intrinsic - refund;
  for (const row of Object.values(byContract)) for (const g of Object.values(row)) summed += g ?? 0;
  if (BigInt(summed) !== gasUsed) throw new Error(`trace: parts sum to ${summed}, gasUsed is ${gasUsed}`);
  return { hash, gasUsed, intrinsic, refund, byContract, counts };
}

/** Sums breakdowns (e.g. the three transactions of a lifecycle). */
export function sumBreakdowns(parts: readonly Breakdown[]): Omit<Breakdown, "hash"> {
  const byContract: Record<string, Partial<Record<Kind, number>>> = {};
  const counts: Record<string, number> = {};
  let gasUsed = 0n;
  let intrinsic = 0;
  let refund = 0;
  for (const p of parts) {
    gasUsed += p.gasUsed;
    intrinsic += p.intrinsic;
    refund += p.refund;
    for (const [c, row] of Object.entries(p.byContract)) {
      const out = (byContract[c] ??= {});
      for (const [k, g] of Object.entries(row)) out[k as Kind] = (out[k as Kind] ?? 0) + (g ?? 0);
    }
    for (const [k, n] of Object.entries(p.counts)) counts[k] = (counts[k] ?? 0) + n;
  }
  return { gasUsed, intrinsic, refund, byContract, counts };
}

/** Total execution gas of one contract's row. */
export function rowTotal(row: Partial<Record<Kind, number>>): number {
  return Object.values(row).reduce<number>((a, g) => a + (g ?? 0), 0);
}

/** A Markdown table: one row per contract (execution gas by kind), then intrinsic, refund and the total. */
export function breakdownTable(b: Omit<Breakdown, "hash">): string {
  const kinds = KINDS.filter((k) => Object.values(b.byContract).some((row) => (row[k] ?? 0) !== 0));
  const fmt = (n: number) => (n === 0 ? "" : n.toLocaleString("en-US"));
  const lines = [`| contract | ${kinds.join(" | ")} | total |`, `|---|${kinds.map(() => "---:").join("|")}|---:|`];
  const rows = Object.entries(b.byContract).sort(([, a], [, c]) => rowTotal(c) - rowTotal(a));
  for (const [contract, row] of rows) {
    lines.push(`| ${contract} | ${kinds.map((k) => fmt(row[k] ?? 0)).join(" | ")} | ${fmt(rowTotal(row))} |`);
  }
  const totals = kinds.map((k) => rows.reduce((a, [, row]) => a + (row[k] ?? 0), 0));
  lines.push(`| **all contracts** | ${totals.map(fmt).join(" | ")} | ${fmt(totals.reduce((a, g) => a + g, 0))} |`);
  lines.push(`| intrinsic (21,000 + calldata) | ${kinds.map(() => "").join(" | ")} | ${fmt(b.intrinsic)} |`);
  lines.push(`| refund | ${kinds.map(() => "").join(" | ")} | ${b.refund === 0 ? "0" : "−" + b.refund.toLocaleString("en-US")} |`);
  lines.push(`| **gasUsed** | ${kinds.map(() => "").join(" | ")} | **${b.gasUsed.toLocaleString("en-US")}** |`);
  return lines.join("\n");
}
