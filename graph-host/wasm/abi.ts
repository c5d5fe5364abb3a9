/**
 * A small ABI decoder straight into ethereum.Value trees. ethers' AbiCoder builds several objects per value and
 * was the largest cost per event; this reads the words in place. Types come from ethers' ParamType (parsed once
 * per event at load time). Integers are read as full 256-bit words (two's complement for intN), strings are
 * decoded lossily like graph-node's `from_utf8_lossy`.
 */
import type { ParamType } from "ethers";
import { HostError } from "../values";
import type { EthValue } from "./ethereum";

const WORD = 32;
const lossyUtf8 = new TextDecoder("utf-8", { fatal: false });

function isDynamicType(p: ParamType): boolean {
  if (p.baseType === "string" || p.baseType === "bytes") return true;
  if (p.baseType === "array") return p.arrayLength === -1 || isDynamicType(p.arrayChildren as ParamType);
  if (p.baseType === "tuple") return (p.components ?? []).some(isDynamicType);
  return false;
}

/** Head size in bytes of a static type. */
function staticSize(p: ParamType): number {
  if (p.baseType === "tuple") return (p.components ?? []).reduce((s, c) => s + staticSize(c), 0);
  if (p.baseType === "array") return (p.arrayLength ?? 0) * staticSize(p.arrayChildren as ParamType);
  return WORD;
}

class Reader {
  constructor(private readonly data: Uint8Array) {}

  check(at: number, len: number): void {
    if (at < 0 || at + len > this.data.length) throw new HostError(`ABI data too short: reading ${len} bytes at ${at} of ${this.data.length}`);
  }

  word(at: number): Uint8Array {
    this.check(at, WORD);
    return this.data.subarray(at, at + WORD);
  }

  uint(at: number): bigint {
    const w = this.word(at);
    return BigInt(`0x${Buffer.from(w.buffer, w.byteOffset, WORD).toString("hex")}`);
  }

  /** A word used as an offset or length; must fit a JS number. */
  size(at: number): number {
    const v = this.uint(at);
    if (v > BigInt(this.data.length)) throw new HostError(`ABI offset or length ${v} is out of range`);
    return Number(v);
  }

  bytes(at: number, len: number): Uint8Array {
    this.check(at, len);
    return this.data.slice(at, at + len);
  }
}

function decodeSequence(r: Reader, types: readonly ParamType[], start: number): EthValue[] {
  const out: EthValue[] = [];
  let head = start;
  for (const t of types) {
    if (isDynamicType(t)) {
      out.push(decodeAt(r, t, start + r.size(head)));
      head += WORD;
    } else {
      out.push(decodeAt(r, t, head));
      head += staticSize(t);
    }
  }
  return out;
}

/** Decodes one value whose encoding starts at `at` (for dynamic types: where the offset pointed). */
function decodeAt(r: Reader, p: ParamType, at: number): EthValue {
  switch (p.baseType) {
    case "address":
      return { kind: "address", value: r.bytes(at + 12, 20) };
    case "bool":
      return { kind: "bool", value: r.uint(at) !== 0n };
    case "string": {
      const len = r.size(at);
      return { kind: "string", value: lossyUtf8.decode(r.bytes(at + WORD, len)) };
    }
    case "bytes": {
      const len = r.size(at);
      return { kind: "bytes", value: r.bytes(at + WORD, len) };
    }
    case "tuple":
      return { kind: "tuple", value: decodeSequence(r, p.components ?? [], at) };
    case "array": {
      const child = p.arrayChildren as ParamType;
      if (p.arrayLength === -1) {
        const len = r.size(at);
        return { kind: "array", value: decodeSequence(r, new Array<ParamType>(len).fill(child), at + WORD) };
      }
      return { kind: "fixedArray", value: decodeSequence(r, new Array<ParamType>(p.arrayLength ?? 0).fill(child), at) };
    }
    default: {
      if (p.baseType.startsWith("uint")) return { kind: "uint", value: r.uint(at) };
      if (p.baseType.startsWith("int")) return { kind: "int", value: BigInt.asIntN(256, r.uint(at)) };
      if (p.baseType.startsWith("bytes")) {
        const n = Number(p.baseType.slice(5));
        return { kind: "fixedBytes", value: r.bytes(at, n) };
      }
      throw new HostError(`unsupported ABI type ${p.type}`);
    }
  }
}

/** Decodes `data` as the ABI encoding of the sequence `types`. */
export function abiDecode(types: readonly ParamType[], data: Uint8Array): EthValue[] {
  return decodeSequence(new Reader(data), types, 0);
}

/** Whether an indexed parameter of this type is stored as a keccak256 hash in its topic. */
export function indexedAsHash(p: ParamType): boolean {
  return p.baseType === "tuple" || p.baseType === "array" || isDynamicType(p);
}
