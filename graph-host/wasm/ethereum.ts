/**
 * Ethereum data in AssemblyScript memory, laid out as graph-node's chain/ethereum runtime does for each mapping
 * apiVersion: ethereum.Value trees for event parameters (decoded from the ABI with ethers), and the Event, Block,
 * Transaction, TransactionReceipt and Log objects of graph-ts chain/ethereum.ts.
 */
import { AbiCoder, getAddress, ParamType } from "ethers";
import { hexToBytes, HostError } from "../values";
import { abiDecode, indexedAsHash } from "./abi";
import { readBigInt, writeBigInt } from "./codec";
import { TypeId, type AscHeap } from "./heap";

/** graph-ts `ethereum.ValueKind`. */
export const EthKind = {
  ADDRESS: 0,
  FIXED_BYTES: 1,
  BYTES: 2,
  INT: 3,
  UINT: 4,
  BOOL: 5,
  STRING: 6,
  FIXED_ARRAY: 7,
  ARRAY: 8,
  TUPLE: 9,
} as const;

export type EthValue =
  | { readonly kind: "address"; readonly value: Uint8Array }
  | { readonly kind: "fixedBytes"; readonly value: Uint8Array }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "int"; readonly value: bigint; readonly bits?: number }
  | { readonly kind: "uint"; readonly value: bigint; readonly bits?: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "fixedArray"; readonly value: readonly EthValue[] }
  | { readonly kind: "array"; readonly value: readonly EthValue[] }
  | { readonly kind: "tuple"; readonly value: readonly EthValue[] };

export interface EthBlock {
  readonly hash: string;
  readonly parentHash: string;
  readonly unclesHash: string;
  readonly author: string;
  readonly stateRoot: string;
  readonly transactionsRoot: string;
  readonly receiptsRoot: string;
  readonly number: bigint;
  readonly gasUsed: bigint;
  readonly gasLimit: bigint;
  readonly timestamp: bigint;
  readonly difficulty: bigint;
  readonly totalDifficulty: bigint;
  readonly size: bigint | null;
  readonly baseFeePerGas: bigint | null;
}

export interface EthTransaction {
  readonly hash: string;
  readonly index: bigint;
  readonly from: string;
  readonly to: string | null;
  readonly value: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice: bigint;
  readonly input: string;
  readonly nonce: bigint;
}

export interface EthLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly blockHash: string;
  readonly blockNumber: number;
  readonly transactionHash: string;
  readonly transactionIndex: number;
  readonly logIndex: number;
  readonly removed: boolean;
}

export interface EthReceipt {
  readonly transactionHash: string;
  readonly transactionIndex: bigint;
  readonly blockHash: string;
  readonly blockNumber: bigint;
  readonly cumulativeGasUsed: bigint;
  readonly gasUsed: bigint;
  readonly contractAddress: string | null;
  readonly logs: readonly EthLog[];
  readonly status: bigint | null;
  readonly root: string | null;
  readonly logsBloom: string;
}

export interface EthEvent {
  readonly address: string;
  readonly logIndex: bigint;
  readonly block: EthBlock;
  readonly transaction: EthTransaction;
  readonly params: ReadonlyArray<{ readonly name: string; readonly value: EthValue }>;
  readonly receipt: EthReceipt | null;
}

/** A mapping apiVersion as [major, minor, patch]. */
export type ApiVersion = readonly [number, number, number];

export function parseApiVersion(text: string): ApiVersion {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) throw new HostError(`invalid apiVersion \`${text}\``);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function apiAtLeast(v: ApiVersion, patch: number): boolean {
  return v[0] > 0 || v[1] > 0 || v[2] >= patch;
}

/* ABI DECODING */

/**
 * Decodes a log's parameters in ABI order. Indexed parameters of reference type (string, bytes, arrays, tuples)
 * are only present as their keccak256 topic: they become FixedBytes(32), as in graph-node.
 */
export function decodeLogParams(
  inputs: readonly ParamType[],
  topics: readonly string[],
  data: string,
): Array<{ name: string; value: EthValue }> {
  const nonIndexed = inputs.filter((p) => p.indexed !== true);
  const decoded = abiDecode(nonIndexed, hexToBytes(data));
  const out: Array<{ name: string; value: EthValue }> = [];
  let topic = 1;
  let dataIndex = 0;
  for (const p of inputs) {
    if (p.indexed === true) {
      const t = topics[topic++];
      if (t === undefined) throw new HostError("log has fewer topics than the event has indexed parameters");
      const word = hexToBytes(t);
      out.push({ name: p.name, value: indexedAsHash(p) ? { kind: "fixedBytes", value: word } : (abiDecode([p], word)[0] as EthValue) });
    } else {
      out.push({ name: p.name, value: decoded[dataIndex++] as EthValue });
    }
  }
  return out;
}

/* ethereum.Value IN MEMORY */

export function writeEthValue(heap: AscHeap, v: EthValue): number {
  const tag = (kind: number, data: number): number => heap.writeTagged(kind, BigInt(data), TypeId.EthereumValue);
  switch (v.kind) {
    case "address":
      return tag(EthKind.ADDRESS, heap.writeBytes(v.value));
    case "fixedBytes":
      return tag(EthKind.FIXED_BYTES, heap.writeBytes(v.value));
    case "bytes":
      return tag(EthKind.BYTES, heap.writeBytes(v.value));
    case "int":
      return tag(EthKind.INT, writeBigInt(heap, v.value));
    case "uint":
      return tag(EthKind.UINT, writeBigInt(heap, v.value));
    case "bool":
      return tag(EthKind.BOOL, v.value ? 1 : 0);
    case "string":
      return tag(EthKind.STRING, heap.writeString(v.value));
    case "fixedArray":
      return tag(EthKind.FIXED_ARRAY, heap.writePtrArray(v.value.map((e) => writeEthValue(heap, e)), TypeId.ArrayEthereumValue));
    case "array":
      return tag(EthKind.ARRAY, heap.writePtrArray(v.value.map((e) => writeEthValue(heap, e)), TypeId.ArrayEthereumValue));
    case "tuple":
      return tag(EthKind.TUPLE, heap.writePtrArray(v.value.map((e) => writeEthValue(heap, e)), TypeId.ArrayEthereumValue));
  }
}

export function readEthValue(heap: AscHeap, ptr: number): EthValue {
  const { kind, data } = heap.readTagged(ptr);
  const p = Number(data & 0xffffffffn);
  switch (kind) {
    case EthKind.ADDRESS:
      return { kind: "address", value: heap.readBytes(p) };
    case EthKind.FIXED_BYTES:
      return { kind: "fixedBytes", value: heap.readBytes(p) };
    case EthKind.BYTES:
      return { kind: "bytes", value: heap.readBytes(p) };
    case EthKind.INT:
      return { kind: "int", value: readBigInt(heap, p) };
    case EthKind.UINT:
      return { kind: "uint", value: readBigInt(heap, p) };
    case EthKind.BOOL:
      return { kind: "bool", value: data !== 0n };
    case EthKind.STRING:
      return { kind: "string", value: heap.readString(p) };
    case EthKind.FIXED_ARRAY:
      return { kind: "fixedArray", value: heap.readPtrArray(p).map((e) => readEthValue(heap, e)) };
    case EthKind.ARRAY:
      return { kind: "array", value: heap.readPtrArray(p).map((e) => readEthValue(heap, e)) };
    case EthKind.TUPLE:
      return { kind: "tuple", value: heap.readPtrArray(p).map((e) => readEthValue(heap, e)) };
    default:
      throw new HostError(`invalid ethereum value kind ${kind}`);
  }
}

/** The ABI type and ethers value for `ethereum.encode` (integers are 256-bit, as ethabi encodes them). */
export function toAbi(v: EthValue): { type: string; value: unknown } {
  const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString("hex")}`;
  switch (v.kind) {
    case "address":
      return { type: "address", value: getAddress(hex(v.value)) };
    case "fixedBytes":
      return { type: `bytes${v.value.length}`, value: hex(v.value) };
    case "bytes":
      return { type: "bytes", value: hex(v.value) };
    case "int":
      return { type: "int256", value: v.value };
    case "uint":
      return { type: "uint256", value: v.value };
    case "bool":
      return { type: "bool", value: v.value };
    case "string":
      return { type: "string", value: v.value };
    case "fixedArray":
    case "array": {
      const items = v.value.map(toAbi);
      const child = items[0]?.type ?? "uint256";
      return { type: `${child}[${v.kind === "fixedArray" ? v.value.length : ""}]`, value: items.map((i) => i.value) };
    }
    case "tuple": {
      const items = v.value.map(toAbi);
      return { type: `(${items.map((i) => i.type).join(",")})`, value: items.map((i) => i.value) };
    }
  }
}

const coder = AbiCoder.defaultAbiCoder();

export function ethEncode(v: EthValue): Uint8Array {
  const { type, value } = toAbi(v);
  return hexToBytes(coder.encode([type], [value]));
}

/** `ethereum.decode(types, data)`: `types` is one ABI type, e.g. `(address,uint256)`. Null when it fails. */
export function ethDecode(types: string, data: Uint8Array): EthValue | null {
  try {
    return abiDecode([ParamType.from(types)], data)[0] ?? null;
  } catch {
    return null;
  }
}

/* BLOCK, TRANSACTION, RECEIPT, EVENT */

function bytes(heap: AscHeap, hex: string): number {
  return heap.writeBytes(hexToBytes(hex));
}

function bigOrNull(heap: AscHeap, n: bigint | null): number {
  return n === null ? 0 : writeBigInt(heap, n);
}

export function writeBlock(heap: AscHeap, api: ApiVersion, b: EthBlock): number {
  const fields = [
    bytes(heap, b.hash),
    bytes(heap, b.parentHash),
    bytes(heap, b.unclesHash),
    bytes(heap, b.author),
    bytes(heap, b.stateRoot),
    bytes(heap, b.transactionsRoot),
    bytes(heap, b.receiptsRoot),
    writeBigInt(heap, b.number),
    writeBigInt(heap, b.gasUsed),
    writeBigInt(heap, b.gasLimit),
    writeBigInt(heap, b.timestamp),
    writeBigInt(heap, b.difficulty),
    writeBigInt(heap, b.totalDifficulty),
    bigOrNull(heap, b.size),
  ];
  if (apiAtLeast(api, 6)) fields.push(bigOrNull(heap, b.baseFeePerGas));
  return heap.writeStruct(fields, TypeId.EthereumBlock);
}

export function writeTransaction(heap: AscHeap, api: ApiVersion, t: EthTransaction): number {
  const fields = [
    bytes(heap, t.hash),
    writeBigInt(heap, t.index),
    bytes(heap, t.from),
    t.to === null ? 0 : bytes(heap, t.to),
    writeBigInt(heap, t.value),
    writeBigInt(heap, t.gasLimit),
    writeBigInt(heap, t.gasPrice),
  ];
  if (apiAtLeast(api, 2)) fields.push(bytes(heap, t.input));
  if (apiAtLeast(api, 6)) fields.push(writeBigInt(heap, t.nonce));
  return heap.writeStruct(fields, TypeId.EthereumTransaction);
}

function writeLog(heap: AscHeap, l: EthLog): number {
  return heap.writeStruct(
    [
      bytes(heap, l.address),
      heap.writePtrArray(l.topics.map((t) => bytes(heap, t)), TypeId.ArrayH256),
      bytes(heap, l.data),
      bytes(heap, l.blockHash),
      writeBigInt(heap, BigInt(l.blockNumber)),
      bytes(heap, l.transactionHash),
      writeBigInt(heap, BigInt(l.transactionIndex)),
      writeBigInt(heap, BigInt(l.logIndex)),
      0, // transactionLogIndex: not available from standard JSON-RPC, null as in graph-node
      0, // logType: null as in graph-node
      heap.writeWrappedBool(l.removed),
    ],
    TypeId.Log,
  );
}

export function writeReceipt(heap: AscHeap, r: EthReceipt): number {
  return heap.writeStruct(
    [
      bytes(heap, r.transactionHash),
      writeBigInt(heap, r.transactionIndex),
      bytes(heap, r.blockHash),
      writeBigInt(heap, r.blockNumber),
      writeBigInt(heap, r.cumulativeGasUsed),
      writeBigInt(heap, r.gasUsed),
      r.contractAddress === null ? 0 : bytes(heap, r.contractAddress),
      heap.writePtrArray(r.logs.map((l) => writeLog(heap, l)), TypeId.ArrayLog),
      bigOrNull(heap, r.status),
      r.root === null ? 0 : bytes(heap, r.root),
      bytes(heap, r.logsBloom),
    ],
    TypeId.TransactionReceipt,
  );
}

export function writeEvent(heap: AscHeap, api: ApiVersion, e: EthEvent): number {
  const params = e.params.map((p) => heap.writeStruct([heap.writeString(p.name), writeEthValue(heap, p.value)], TypeId.EventParam));
  const logIndex = writeBigInt(heap, e.logIndex);
  const fields = [
    bytes(heap, e.address),
    logIndex,
    // graph-node passes the log index as transactionLogIndex (geth has no transaction log index).
    writeBigInt(heap, e.logIndex),
    0, // logType: null
    writeBlock(heap, api, e.block),
    writeTransaction(heap, api, e.transaction),
    heap.writePtrArray(params, TypeId.ArrayEventParam),
  ];
  if (apiAtLeast(api, 7)) fields.push(e.receipt === null ? 0 : writeReceipt(heap, e.receipt));
  return heap.writeStruct(fields, TypeId.EthereumEvent);
}

