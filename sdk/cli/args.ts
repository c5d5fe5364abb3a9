/**
 * Value parsers for the CLI. Every bad value becomes an `AgoraError` with code `INVALID_INPUT` (exit code 2) and a
 * message that names the option.
 */
import { isHexString } from "ethers";
import { AgoraError, parseUsdc, toAddress, type FundingKind, FUNDING_KINDS } from "./sdk";

export function usage(message: string): AgoraError {
  return new AgoraError(message, { code: "INVALID_INPUT", docsPath: "ARCHITECTURE.md#cli" });
}

/** A positive integer id (agent, listing, job). */
export function idArg(value: string | undefined, what: string): bigint {
  if (value === undefined) throw usage(`missing ${what}`);
  if (!/^\d+$/.test(value) || BigInt(value) === 0n) throw usage(`invalid ${what} "${value}": expected a positive integer`);
  return BigInt(value);
}

export function intArg(value: string | undefined, what: string, min: number, max: number): number {
  if (value === undefined) throw usage(`missing ${what}`);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw usage(`invalid ${what} "${value}": expected an integer ${min}..${max}`);
  return Number(value);
}

export function usdcArg(value: string | undefined, what: string): bigint {
  if (value === undefined) throw usage(`missing ${what}`);
  try {
    return parseUsdc(value);
  } catch {
    throw usage(`invalid ${what} "${value}": expected a USDC amount such as 20, 1.50 or 0.001`);
  }
}

export function addressArg(value: string | undefined, what: string): string {
  if (value === undefined) throw usage(`missing ${what}`);
  return toAddress(value, what);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds, plain (`3600`) or with a unit (`90s`, `30m`, `2h`, `1d`). */
export function durationArg(value: string | undefined, what: string): number {
  if (value === undefined) throw usage(`missing ${what}`);
  const m = /^(\d+)([smhd]?)$/.exec(value);
  if (!m) throw usage(`invalid ${what} "${value}": expected seconds or a duration such as 90s, 30m, 2h, 1d`);
  return Number(m[1]) * (UNITS[m[2] || "s"] ?? 1);
}

export function fundingArg(value: string | undefined, fallback: FundingKind): FundingKind {
  const v = value ?? fallback;
  if (!(FUNDING_KINDS as readonly string[]).includes(v)) throw usage(`invalid --funding "${v}": use ${FUNDING_KINDS.join(", ")}`);
  return v as FundingKind;
}

export function hexArg(value: string | undefined, what: string, bytes?: number): string {
  if (value === undefined) throw usage(`missing ${what}`);
  if (!isHexString(value, bytes)) throw usage(`invalid ${what}: expected ${bytes ? `${bytes} bytes of ` : ""}0x-prefixed hex`);
  return value;
}

/** `key=value` pairs (`--meta name=translator`). */
export function pairsArg(values: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const i = v.indexOf("=");
    if (i <= 0) throw usage(`invalid ${what} "${v}": expected key=value`);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

export function oneOf<T extends string>(value: string | undefined, what: string, allowed: Readonly<Record<string, T>>, fallback: T): T {
  if (value === undefined) return fallback;
  const v = allowed[value.toLowerCase()];
  if (v === undefined) throw usage(`invalid ${what} "${value}": use ${Object.keys(allowed).join(", ")}`);
  return v;
}
