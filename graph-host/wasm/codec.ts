/**
 * Conversions between host values and graph-ts objects in AssemblyScript memory: BigInt, BigDecimal, store
 * `Value` and `Entity` (a TypedMap<string, Value>), and `JSONValue`.
 */
import {
  BIGDECIMAL_MAX_EXP,
  BIGDECIMAL_MIN_EXP,
  BigDecimal,
  bigIntToSignedLE,
  bytesToHex,
  hexToBytes,
  HostError,
  signedLEToBigInt,
  type Entity,
  type Value,
} from "../values";
import { TypeId, type AscHeap } from "./heap";

/** graph-ts `ValueKind` (common/value.ts). */
export const StoreValueKind = {
  STRING: 0,
  INT: 1,
  BIGDECIMAL: 2,
  BOOL: 3,
  ARRAY: 4,
  NULL: 5,
  BYTES: 6,
  BIGINT: 7,
  INT8: 8,
  TIMESTAMP: 9,
} as const;

/* NUMBERS */

export function readBigInt(heap: AscHeap, ptr: number): bigint {
  return signedLEToBigInt(heap.readBytes(ptr));
}

export function writeBigInt(heap: AscHeap, n: bigint): number {
  return heap.writeBytes(bigIntToSignedLE(n));
}

/** graph-node reads `{digits, exp}`, normalises, then checks the exponent range. */
export function readBigDecimal(heap: AscHeap, ptr: number): BigDecimal {
  if (ptr === 0) throw new HostError("Tried to read AssemblyScript value that is 'null' (BigDecimal)");
  const digits = readBigInt(heap, heap.u32(ptr));
  const expBig = readBigInt(heap, heap.u32(ptr + 4));
  const exp = Number(BigInt.asIntN(64, expBig));
  const value = BigDecimal.fromParts(digits, exp);
  if (value.exp < BIGDECIMAL_MIN_EXP || value.exp > BIGDECIMAL_MAX_EXP) {
    throw new HostError(
      `big decimal exponent \`${value.exp}\` is outside the \`${BIGDECIMAL_MIN_EXP}\` to \`${BIGDECIMAL_MAX_EXP}\` range`,
    );
  }
  return value;
}

export function writeBigDecimal(heap: AscHeap, v: BigDecimal): number {
  const digits = writeBigInt(heap, v.digits);
  const exp = writeBigInt(heap, BigInt(v.exp));
  return heap.writeStruct([digits, exp], TypeId.BigDecimal);
}

/* STORE VALUES */

export function readStoreValue(heap: AscHeap, ptr: number): Value {
  const { kind, data } = heap.readTagged(ptr);
  const p = Number(data & 0xffffffffn);
  switch (kind) {
    case StoreValueKind.STRING:
      return { kind: "String", value: heap.readString(p) };
    case StoreValueKind.INT:
      return { kind: "Int", value: Number(BigInt.asIntN(32, data)) };
    case StoreValueKind.BIGDECIMAL:
      return { kind: "BigDecimal", value: readBigDecimal(heap, p) };
    case StoreValueKind.BOOL:
      return { kind: "Boolean", value: data !== 0n };
    case StoreValueKind.ARRAY:
      return { kind: "List", value: heap.readPtrArray(p).map((e) => readStoreValue(heap, e)) };
    case StoreValueKind.NULL:
      return { kind: "Null" };
    case StoreValueKind.BYTES:
      return { kind: "Bytes", value: bytesToHex(heap.readBytes(p)) };
    case StoreValueKind.BIGINT:
      return { kind: "BigInt", value: readBigInt(heap, p) };
    case StoreValueKind.INT8:
      return { kind: "Int8", value: BigInt.asIntN(64, data) };
    case StoreValueKind.TIMESTAMP:
      return { kind: "Timestamp", value: BigInt.asIntN(64, data) };
    default:
      throw new HostError(`invalid store value kind ${kind}`);
  }
}

export function writeStoreValue(heap: AscHeap, v: Value): number {
  const tag = (kind: number, data: bigint): number => heap.writeTagged(kind, data, TypeId.StoreValue);
  switch (v.kind) {
    case "String":
      return tag(StoreValueKind.STRING, BigInt(heap.writeString(v.value)));
    case "Int":
      return tag(StoreValueKind.INT, BigInt(v.value));
    case "BigDecimal":
      return tag(StoreValueKind.BIGDECIMAL, BigInt(writeBigDecimal(heap, v.value)));
    case "Boolean":
      return tag(StoreValueKind.BOOL, v.value ? 1n : 0n);
    case "List": {
      const items = v.value.map((e) => writeStoreValue(heap, e));
      return tag(StoreValueKind.ARRAY, BigInt(heap.writePtrArray(items, TypeId.ArrayStoreValue)));
    }
    case "Null":
      return tag(StoreValueKind.NULL, 0n);
    case "Bytes":
      return tag(StoreValueKind.BYTES, BigInt(heap.writeBytes(hexToBytes(v.value))));
    case "BigInt":
      return tag(StoreValueKind.BIGINT, BigInt(writeBigInt(heap, v.value)));
    case "Int8":
      return tag(StoreValueKind.INT8, v.value);
    case "Timestamp":
      return tag(StoreValueKind.TIMESTAMP, v.value);
  }
}

/** Reads a TypedMap<string, Value> (Entity, DataSourceContext). Later entries win. */
export function readEntity(heap: AscHeap, ptr: number): Entity {
  if (ptr === 0) throw new HostError("Tried to read AssemblyScript value that is 'null' (entity)");
  const out: Entity = new Map();
  for (const entry of heap.readPtrArray(heap.u32(ptr))) {
    const key = heap.readString(heap.u32(entry));
    out.set(key, readStoreValue(heap, heap.u32(entry + 4)));
  }
  return out;
}

/** Writes an entity as graph-node does: entries sorted by field name. */
export function writeEntity(heap: AscHeap, entity: Entity): number {
  const entries: number[] = [];
  for (const [key, value] of [...entity].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const k = heap.writeString(key);
    const v = writeStoreValue(heap, value);
    entries.push(heap.writeStruct([k, v], TypeId.TypedMapEntryStringStoreValue));
  }
  const array = heap.writePtrArray(entries, TypeId.ArrayTypedMapEntryStringStoreValue);
  return heap.writeStruct([array], TypeId.TypedMapStringStoreValue);
}

/* JSON (JSONValue keeps numbers as their decimal text) */

export type Json =
  | { readonly kind: "null" }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "number"; readonly text: string }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "array"; readonly value: readonly Json[] }
  | { readonly kind: "object"; readonly value: ReadonlyArray<readonly [string, Json]> };

/** A strict JSON parser that keeps number literals as text (JSON.parse would round big numbers). */
export function parseJson(text: string): Json {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new HostError(`${what} at line 1 column ${i + 1}`);
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: Array<readonly [string, Json]> = [];
      ws();
      if (text[i] === "}") {
        i++;
        return { kind: "object", value: entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("key must be a string");
        const key = str();
        ws();
        if (text[i] !== ":") fail("expected `:`");
        i++;
        entries.push([key, value()]);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return { kind: "object", value: entries };
        }
        fail("expected `,` or `}`");
      }
    }
    if (c === "[") {
      i++;
      const items: Json[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { kind: "array", value: items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return { kind: "array", value: items };
        }
        fail("expected `,` or `]`");
      }
    }
    if (c === '"') return { kind: "string", value: str() };
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (m && m[0].length > 0) {
      i += m[0].length;
      return { kind: "number", text: m[0] };
    }
    for (const [word, v] of [
      ["true", { kind: "bool", value: true }],
      ["false", { kind: "bool", value: false }],
      ["null", { kind: "null" }],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail("expected value");
  };
  const str = (): string => {
    const start = i;
    i++;
    let escaped = false;
    while (i < text.length) {
      const ch = text[i] as string;
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') break;
      else if (ch < " ") fail("control character in string");
      i++;
    }
    if (i >= text.length) fail("EOF while parsing a string");
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail("trailing characters");
  return v;
}

export const JsonKind = { NULL: 0, BOOL: 1, NUMBER: 2, STRING: 3, ARRAY: 4, OBJECT: 5 } as const;

export function writeJson(heap: AscHeap, v: Json): number {
  const tag = (kind: number, data: bigint): number => heap.writeTagged(kind, data, TypeId.JsonValue);
  switch (v.kind) {
    case "null":
      return tag(JsonKind.NULL, 0n);
    case "bool":
      return tag(JsonKind.BOOL, v.value ? 1n : 0n);
    case "number":
      return tag(JsonKind.NUMBER, BigInt(heap.writeString(v.text)));
    case "string":
      return tag(JsonKind.STRING, BigInt(heap.writeString(v.value)));
    case "array":
      return tag(JsonKind.ARRAY, BigInt(heap.writePtrArray(v.value.map((e) => writeJson(heap, e)), TypeId.ArrayJsonValue)));
    case "object": {
      const entries = v.value.map(([k, e]) =>
        heap.writeStruct([heap.writeString(k), writeJson(heap, e)], TypeId.TypedMapEntryStringJsonValue),
      );
      const map = heap.writeStruct([heap.writePtrArray(entries, TypeId.ArrayTypedMapEntryStringJsonValue)], TypeId.TypedMapStringJsonValue);
      return tag(JsonKind.OBJECT, BigInt(map));
    }
  }
}
