/**
 * Store values and the number types graph-node uses, with graph-node's semantics.
 *
 * - BigInt is a JS bigint, bounded like graph-node (131072 decimal digits).
 * - BigDecimal reproduces graph-node's BigDecimal: the `bigdecimal` crate 0.1.2 (which graph-node pins) plus
 *   graph-node's normalisation to 34 significant digits with trailing zeros stripped. The crate's quirks are
 *   kept on purpose (they change results, and results must match graph-node): positive values are rounded half
 *   up on the first dropped digit, negative values are truncated toward zero, division first computes up to 100
 *   digits, and the digit count of a negative value is the crate's estimate from its bit length.
 * - Bytes are kept as lowercase `0x` hex strings: byte order and hex order agree, and hex is what GraphQL returns.
 */

export type ScalarKind = "String" | "Int" | "Int8" | "Timestamp" | "BigInt" | "BigDecimal" | "Boolean" | "Bytes";

export type Value =
  | { readonly kind: "String"; readonly value: string }
  | { readonly kind: "Int"; readonly value: number }
  | { readonly kind: "Int8"; readonly value: bigint }
  | { readonly kind: "Timestamp"; readonly value: bigint }
  | { readonly kind: "BigInt"; readonly value: bigint }
  | { readonly kind: "BigDecimal"; readonly value: BigDecimal }
  | { readonly kind: "Boolean"; readonly value: boolean }
  | { readonly kind: "Bytes"; readonly value: string }
  | { readonly kind: "List"; readonly value: readonly Value[] }
  | { readonly kind: "Null" };

/** An entity: field name to value. The `id` field is always present once stored. */
export type Entity = Map<string, Value>;

export const NULL: Value = Object.freeze({ kind: "Null" });

export class HostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HostError";
  }
}

/* BIGINT */

/** graph-node's `BigInt::MAX_BITS` (131072 decimal digits, sign bit included). */
export const BIGINT_MAX_BITS = 435_412;

export function bitLength(n: bigint): number {
  const mag = n < 0n ? -n : n;
  return mag === 0n ? 0 : mag.toString(2).length;
}

/** Checks graph-node's BigInt size limit. */
export function checkBigInt(n: bigint): bigint {
  const bits = bitLength(n) + 1;
  if (bits > BIGINT_MAX_BITS) throw new HostError(`BigInt is too big, total bits ${bits} (max ${BIGINT_MAX_BITS})`);
  return n;
}

/** Minimal two's complement little-endian bytes, like num-bigint's `to_signed_bytes_le` (0 is `[0]`). */
export function bigIntToSignedLE(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array([0]);
  const out: number[] = [];
  let v = n;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

/** Inverse of `bigIntToSignedLE`; the empty array is 0. */
export function signedLEToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * bytes.length);
  return v;
}

/** num-bigint's `BigInt::from_str`: optional sign, decimal digits, `_` between digits. */
export function parseBigInt(s: string): bigint | null {
  const m = /^([+-]?)([0-9][0-9_]*)$/.exec(s);
  if (!m) return null;
  const digits = (m[2] as string).replace(/_/g, "");
  const v = BigInt(digits);
  return m[1] === "-" ? -v : v;
}

/** graph-node's `bigIntToHex`: the magnitude in hex without leading zeros, `0x0` for zero (the sign is dropped). */
export function bigIntToHex(n: bigint): string {
  const mag = n < 0n ? -n : n;
  return `0x${mag.toString(16)}`;
}

/* BYTES */

export function bytesToHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}`;
}

export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  const out = Buffer.from(h, "hex");
  if (out.length * 2 !== h.length) throw new HostError(`invalid hex string \`${hex}\``);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Normalises a hex string to lowercase with a `0x` prefix; null when it is not valid hex. */
export function normalizeHex(hex: string): string | null {
  const h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) return null;
  return `0x${h.toLowerCase()}`;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Bitcoin-alphabet base58, leading zero bytes as `1`s (what graph-node's bs58 crate produces). */
export function toBase58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = "";
  while (n > 0n) {
    out = (BASE58[Number(n % 58n)] as string) + out;
    n /= 58n;
  }
  return "1".repeat(zeros) + out;
}

/** `String::from_utf8_lossy` followed by trimming trailing NULs, as graph-node's `bytesToString`. */
export function bytesToStringLossy(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/\u0000+$/u, "");
}

/* BIGDECIMAL */

const LOG2_10_CRATE = 3.3219280949;
const MAX_SIGNIFICANT_DIGITS = 34;
const DIVISION_PRECISION = 100;
export const BIGDECIMAL_MIN_EXP = -6143;
export const BIGDECIMAL_MAX_EXP = 6144;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** The crate's `count_decimal_digits`: exact for non-negative values, the bit-length estimate for negative ones. */
function crateDigitCount(int: bigint): number {
  if (int === 0n) return 1;
  let digits = Math.floor(bitLength(int) / LOG2_10_CRATE);
  let num = pow10(digits);
  while (int >= num) {
    num *= 10n;
    digits += 1;
  }
  return digits;
}

/** The crate's `get_rounding_term`: 1 when the leading digit of a positive remainder is 5 or more. */
function crateRoundingTerm(num: bigint): bigint {
  if (num === 0n) return 0n;
  const digits = Math.floor(bitLength(num) / LOG2_10_CRATE);
  let n = pow10(digits);
  for (;;) {
    if (num < n) return 1n;
    n *= 5n;
    if (num < n) return 0n;
    n *= 2n;
  }
}

/**
 * A decimal `int * 10^-scale`, always normalised as graph-node normalises (see the module comment).
 * `digits` and `exp` are what graph-ts sees: value = digits * 10^exp.
 */
export class BigDecimal {
  private constructor(
    /** Unscaled integer. */
    readonly int: bigint,
    /** Power of ten to divide by (the crate's `scale`); `exp` is its negation. */
    readonly scale: number,
  ) {}

  static readonly ZERO = new BigDecimal(0n, 0);

  /** graph-node's `BigDecimal::new(digits, exp)`, which normalises. */
  static fromParts(digits: bigint, exp: number): BigDecimal {
    return BigDecimal.normalized(digits, -exp);
  }

  static fromBigInt(n: bigint): BigDecimal {
    return BigDecimal.normalized(n, 0);
  }

  /** The crate's `from_str` (plain or exponent notation), then normalised. Null when the text is not a number. */
  static parse(s: string): BigDecimal | null {
    let base = s;
    let exponent = 0;
    const e = s.search(/[eE]/);
    if (e >= 0) {
      base = s.slice(0, e);
      const expText = s.slice(e + 1);
      if (!/^[+-]?[0-9]+$/.test(expText)) return null;
      exponent = Number(expText);
      if (!Number.isSafeInteger(exponent)) return null;
    }
    if (base === "") return null;
    let digits = base;
    let offset = 0;
    const dot = base.indexOf(".");
    if (dot >= 0) {
      digits = base.slice(0, dot) + base.slice(dot + 1);
      offset = base.length - dot - 1;
    }
    const int = parseBigInt(digits);
    if (int === null) return null;
    return BigDecimal.normalized(int, offset - exponent);
  }

  /** Like `parse`, throwing graph-node's error text. */
  static fromString(s: string): BigDecimal {
    const v = BigDecimal.parse(s);
    if (v === null) throw new HostError(`string  is not a BigDecimal: '${s}'`);
    return v;
  }

  private static normalized(int: bigint, scale: number): BigDecimal {
    if (int === 0n) return BigDecimal.ZERO;
    // with_prec(34)
    let q = int;
    let sc = scale;
    const digits = crateDigitCount(int);
    if (digits > MAX_SIGNIFICANT_DIGITS) {
      const diff = digits - MAX_SIGNIFICANT_DIGITS;
      const p = pow10(diff);
      const r = int % p;
      q = int / p;
      if (p < 10n * r) q += crateRoundingTerm(r);
      sc = scale - diff;
    }
    // Strip trailing zeros.
    if (q === 0n) return BigDecimal.ZERO;
    while (q % 10n === 0n) {
      q /= 10n;
      sc -= 1;
    }
    return new BigDecimal(q, sc);
  }

  get digits(): bigint {
    return this.int;
  }

  get exp(): number {
    return -this.scale;
  }

  isZero(): boolean {
    return this.int === 0n;
  }

  plus(other: BigDecimal): BigDecimal {
    const [a, b, scale] = align(this, other);
    return BigDecimal.normalized(a + b, scale);
  }

  minus(other: BigDecimal): BigDecimal {
    const [a, b, scale] = align(this, other);
    return BigDecimal.normalized(a - b, scale);
  }

  times(other: BigDecimal): BigDecimal {
    return BigDecimal.normalized(this.int * other.int, this.scale + other.scale);
  }

  dividedBy(other: BigDecimal): BigDecimal {
    if (other.isZero()) throw new HostError(`attempted to divide BigDecimal \`${this.toString()}\` by zero`);
    if (this.isZero() || other.equals(ONE)) return this;
    const scale = this.scale - other.scale;
    if (this.int === other.int) return BigDecimal.normalized(1n, scale);
    const [int, sc] = crateDivision(this.int, other.int, scale);
    return BigDecimal.normalized(int, sc);
  }

  compare(other: BigDecimal): number {
    const [a, b] = align(this, other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  equals(other: BigDecimal): boolean {
    return this.compare(other) === 0;
  }

  /** Plain notation, as the crate's `Display` (no exponent notation, however large the exponent). */
  toString(): string {
    const negative = this.int < 0n;
    let abs = (negative ? -this.int : this.int).toString();
    let text: string;
    if (this.scale >= abs.length) {
      text = `0.${"0".repeat(this.scale - abs.length)}${abs}`;
    } else {
      const location = abs.length - this.scale;
      if (location > abs.length) {
        text = abs + "0".repeat(location - abs.length);
      } else {
        const after = abs.slice(location);
        abs = abs.slice(0, location);
        text = after.length > 0 ? `${abs}.${after}` : abs;
      }
    }
    return negative ? `-${text}` : text;
  }
}

const ONE = BigDecimal.fromBigInt(1n);

function align(a: BigDecimal, b: BigDecimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.int, b.int, a.scale];
  if (a.scale > b.scale) return [a.int, b.int * pow10(a.scale - b.scale), a.scale];
  return [a.int * pow10(b.scale - a.scale), b.int, b.scale];
}

/** The crate's `impl_division` with a precision of 100 digits; returns (int, scale), not yet normalised. */
function crateDivision(num: bigint, den: bigint, scale: number): [bigint, number] {
  if (num === 0n) return [0n, 0];
  if (num < 0n && den < 0n) return crateDivision(-num, -den, scale);
  if (num < 0n) {
    const [i, s] = crateDivision(-num, den, scale);
    return [-i, s];
  }
  if (den < 0n) {
    const [i, s] = crateDivision(num, -den, scale);
    return [-i, s];
  }
  let n = num;
  let sc = scale;
  while (n < den) {
    sc += 1;
    n *= 10n;
  }
  let quotient = n / den;
  let remainder = n % den;
  if (remainder === 0n) return [quotient, sc];
  let precision = crateDigitCount(quotient);
  remainder *= 10n;
  while (remainder !== 0n && precision < DIVISION_PRECISION) {
    quotient = quotient * 10n + remainder / den;
    remainder = (remainder % den) * 10n;
    precision += 1;
    sc += 1;
  }
  if (remainder !== 0n) quotient += crateRoundingTerm(remainder / den);
  return [quotient, sc];
}

/* VALUE HELPERS */

export function typeName(v: Value): string {
  switch (v.kind) {
    case "List": {
      const first = v.value[0];
      return first === undefined ? "[Any]" : `[${typeName(first)}]`;
    }
    case "Null":
      return "Null";
    default:
      return v.kind;
  }
}

/** graph-node's `Display` for values, used in error messages. */
export function displayValue(v: Value): string {
  switch (v.kind) {
    case "Null":
      return "null";
    case "List":
      return `[${v.value.map(displayValue).join(", ")}]`;
    case "BigDecimal":
      return v.value.toString();
    default:
      return String(v.value);
  }
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case "Null":
      return true;
    case "BigDecimal":
      return a.value.equals((b as { value: BigDecimal }).value);
    case "List": {
      const bl = (b as { value: readonly Value[] }).value;
      return a.value.length === bl.length && a.value.every((x, i) => valuesEqual(x, bl[i] as Value));
    }
    default:
      return a.value === (b as { value: unknown }).value;
  }
}

/** Total order on two values of the same kind (Null sorts last). */
export function compareValues(a: Value, b: Value): number {
  if (a.kind === "Null" || b.kind === "Null") {
    if (a.kind === b.kind) return 0;
    return a.kind === "Null" ? 1 : -1;
  }
  switch (a.kind) {
    case "BigDecimal":
      return a.value.compare((b as { value: BigDecimal }).value);
    case "Boolean": {
      const x = a.value ? 1 : 0;
      const y = (b as { value: boolean }).value ? 1 : 0;
      return x - y;
    }
    case "List": {
      const bl = (b as { value: readonly Value[] }).value;
      const n = Math.min(a.value.length, bl.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(a.value[i] as Value, bl[i] as Value);
        if (c !== 0) return c;
      }
      return a.value.length - bl.length;
    }
    default: {
      const x = a.value as string | number | bigint;
      const y = (b as { value: string | number | bigint }).value;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}
