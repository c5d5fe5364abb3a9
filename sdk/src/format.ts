/**
 * USDC amounts: the protocol counts in base units (6 decimals: 1 unit is $0.000001, $0.001 is 1000). These two
 * functions are the only conversions between base units and decimal strings in the SDK and the CLI.
 */
import { AgoraError } from "./errors";

/** USDC has 6 decimals on every supported chain (Circle's token and the local mock alike). */
export const USDC_DECIMALS = 6;
const UNIT = 10n ** BigInt(USDC_DECIMALS);

/**
 * Formats base units as a decimal string with at least two decimals and no trailing zeros beyond them:
 * `50_000_000n` → `"50.00"`, `1_000n` → `"0.001"`, `1n` → `"0.000001"`, `-2_500_000n` → `"-2.50"`.
 *
 * @example formatUsdc(48_000_000n) // "48.00"
 */
export function formatUsdc(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / UNIT;
  let fraction = (abs % UNIT).toString().padStart(USDC_DECIMALS, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole.toString()}.${fraction}`;
}

/**
 * Parses a decimal USDC amount (`"1.5"`, `"0.001"`, `"$20"`, `"1,000.25"`) into base units. Throws
 * `AgoraError` (`INVALID_INPUT`) for anything else: negative numbers, more than 6 decimals, exponents, garbage.
 *
 * @example parseUsdc("0.001") // 1000n
 */
export function parseUsdc(value: string): bigint {
  const text = value.trim().replace(/^\$/, "").replace(/,/g, "");
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text) ?? /^()\.(\d+)$/.exec(text);
  if (!match) {
    throw new AgoraError(`invalid USDC amount "${value}": expected a decimal number such as 1.50 or 0.001`, { code: "INVALID_INPUT" });
  }
  const whole = match[1] === "" ? "0" : (match[1] ?? "0");
  const fraction = match[2] ?? "";
  if (fraction.length > USDC_DECIMALS) {
    throw new AgoraError(`invalid USDC amount "${value}": at most ${USDC_DECIMALS} decimals`, { code: "INVALID_INPUT" });
  }
  return BigInt(whole) * UNIT + BigInt(fraction.padEnd(USDC_DECIMALS, "0"));
}

/** Basis points as a percentage string: `9250` → `"92.50%"`. */
export function formatBps(bps: bigint | number): string {
  const n = BigInt(bps);
  return `${(n / 100n).toString()}.${(n % 100n).toString().padStart(2, "0")}%`;
}

/** Seconds as a short duration: `45` → `"45s"`, `5400` → `"1h30m"`, `2^64-1` → `"∞"`. */
export function formatDuration(seconds: bigint | number): string {
  const s = BigInt(seconds);
  if (s >= 2n ** 63n) return "∞";
  if (s < 60n) return `${s.toString()}s`;
  if (s < 3600n) return `${(s / 60n).toString()}m${s % 60n === 0n ? "" : `${(s % 60n).toString()}s`}`;
  if (s < 86_400n) return `${(s / 3600n).toString()}h${(s % 3600n) / 60n === 0n ? "" : `${((s % 3600n) / 60n).toString()}m`}`;
  return `${(s / 86_400n).toString()}d${(s % 86_400n) / 3600n === 0n ? "" : `${((s % 86_400n) / 3600n).toString()}h`}`;
}
