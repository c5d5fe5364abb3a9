/**
 * AssemblyScript memory as graph-cli 0.98 compiles it (AssemblyScript 0.19, `--runtime stub`, `--exportRuntime`).
 *
 * Every managed object is preceded by a 20-byte header: mmInfo, gcInfo, gcInfo2, rtId (ptr - 8) and rtSize
 * (ptr - 4, the payload size in bytes). The host allocates with the exported `__new(size, rtId)`, and finds the
 * rtId of a class with the exported `id_of_type(TypeId)`, TypeId being graph-ts's enum (global/global.ts),
 * which is what graph-node does for apiVersion >= 0.0.5. Layouts:
 *   String         UTF-16LE code units, length = rtSize / 2
 *   ArrayBuffer    raw bytes, length = rtSize
 *   TypedArray     { buffer: u32, dataStart: u32, byteLength: u32 }              (Uint8Array, BigInt, Bytes, Address)
 *   Array<T>       { buffer: u32, dataStart: u32, byteLength: u32, length: i32 }  (elements of managed T are u32 pointers)
 *   class objects  fields in declaration order at natural alignment (a u64 after an i32 starts at offset 8)
 * Memory may grow during any call into the module, so views are refreshed whenever the buffer changes.
 */

import { isMemory, type WasmInstance, type WasmMemory } from "./wasm-api";

/** graph-ts `TypeId` values used by this host (global/global.ts; must equal graph-node's IndexForAscTypeId). */
export const TypeId = {
  String: 0,
  ArrayBuffer: 1,
  Uint8Array: 6,
  BigDecimal: 12,
  ArrayUint8Array: 14,
  ArrayEthereumValue: 15,
  ArrayStoreValue: 16,
  ArrayJsonValue: 17,
  ArrayString: 18,
  ArrayEventParam: 19,
  ArrayTypedMapEntryStringJsonValue: 20,
  ArrayTypedMapEntryStringStoreValue: 21,
  EventParam: 23,
  EthereumTransaction: 24,
  EthereumBlock: 25,
  WrappedBool: 28,
  WrappedJsonValue: 29,
  EthereumValue: 30,
  StoreValue: 31,
  JsonValue: 32,
  EthereumEvent: 33,
  TypedMapEntryStringStoreValue: 34,
  TypedMapEntryStringJsonValue: 35,
  TypedMapStringStoreValue: 36,
  TypedMapStringJsonValue: 37,
  ResultJsonValueBool: 40,
  TransactionReceipt: 1000,
  Log: 1001,
  ArrayH256: 1002,
  ArrayLog: 1003,
} as const;

export type TypeIdValue = (typeof TypeId)[keyof typeof TypeId];

export interface RuntimeExports {
  readonly memory: WasmMemory;
  __new(size: number, id: number): number;
  id_of_type(typeId: number): number;
}

/** Reads the runtime exports the host needs, or explains what is missing. */
export function runtimeExports(instance: WasmInstance): RuntimeExports {
  const e = instance.exports;
  const memory = e["memory"];
  const alloc = e["__new"];
  const idOfType = e["id_of_type"];
  if (!isMemory(memory)) throw new Error("the module exports no memory");
  if (typeof alloc !== "function" || typeof idOfType !== "function") {
    throw new Error("the module does not export `__new` and `id_of_type`: it was not built by graph-cli with AssemblyScript >= 0.19");
  }
  return {
    memory,
    __new: alloc as (size: number, id: number) => number,
    id_of_type: idOfType as (typeId: number) => number,
  };
}

const utf16 = new TextDecoder("utf-16le");

export class AscHeap {
  private buffer: ArrayBuffer;
  private u8: Uint8Array;
  private dv: DataView;

  constructor(
    private readonly rt: RuntimeExports,
    /** rtIds by TypeId, shared by every instance of one compiled module. */
    private readonly rtIds: Map<number, number>,
  ) {
    this.buffer = rt.memory.buffer;
    this.u8 = new Uint8Array(this.buffer);
    this.dv = new DataView(this.buffer);
  }

  private refresh(): void {
    if (this.rt.memory.buffer !== this.buffer) {
      this.buffer = this.rt.memory.buffer;
      this.u8 = new Uint8Array(this.buffer);
      this.dv = new DataView(this.buffer);
    }
  }

  rtId(typeId: TypeIdValue): number {
    let id = this.rtIds.get(typeId);
    if (id === undefined) {
      id = this.rt.id_of_type(typeId) >>> 0;
      this.rtIds.set(typeId, id);
    }
    return id;
  }

  /** Allocates `size` zeroed bytes for an object of the given graph-ts TypeId. */
  alloc(size: number, typeId: TypeIdValue): number {
    const ptr = this.rt.__new(size, this.rtId(typeId)) >>> 0;
    this.refresh();
    this.u8.fill(0, ptr, ptr + size);
    return ptr;
  }

  /* PRIMITIVES */

  u32(ptr: number): number {
    this.refresh();
    return this.dv.getUint32(ptr, true);
  }

  i32(ptr: number): number {
    this.refresh();
    return this.dv.getInt32(ptr, true);
  }

  i64(ptr: number): bigint {
    this.refresh();
    return this.dv.getBigInt64(ptr, true);
  }

  setU32(ptr: number, v: number): void {
    this.refresh();
    this.dv.setUint32(ptr, v >>> 0, true);
  }

  setI64(ptr: number, v: bigint): void {
    this.refresh();
    this.dv.setBigInt64(ptr, v, true);
  }

  /** Payload size from the object header. */
  rtSize(ptr: number): number {
    return this.u32(ptr - 4);
  }

  private checkNotNull(ptr: number, what: string): void {
    if (ptr === 0) {
      throw new Error(
        `Tried to read AssemblyScript value that is 'null' (${what}). Suggestion: look into the function that the error happened and add 'log' calls till you find where a 'null' value is being used as non-nullable.`,
      );
    }
  }

  /* STRINGS */

  readString(ptr: number): string {
    this.checkNotNull(ptr, "string");
    const len = this.rtSize(ptr);
    return utf16.decode(this.u8.subarray(ptr, ptr + len));
  }

  writeString(s: string): number {
    const ptr = this.alloc(s.length * 2, TypeId.String);
    for (let i = 0; i < s.length; i++) this.dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
    return ptr;
  }

  /* TYPED ARRAYS (Uint8Array and its subclasses: Bytes, Address, BigInt) */

  readBytes(ptr: number): Uint8Array {
    this.checkNotNull(ptr, "typed array");
    const dataStart = this.u32(ptr + 4);
    const byteLength = this.u32(ptr + 8);
    return this.u8.slice(dataStart, dataStart + byteLength);
  }

  writeBytes(bytes: Uint8Array): number {
    const buf = this.alloc(bytes.length, TypeId.ArrayBuffer);
    this.u8.set(bytes, buf);
    const ptr = this.alloc(12, TypeId.Uint8Array);
    this.dv.setUint32(ptr, buf, true);
    this.dv.setUint32(ptr + 4, buf, true);
    this.dv.setUint32(ptr + 8, bytes.length, true);
    return ptr;
  }

  /* ARRAYS (of managed references: u32 elements) */

  readPtrArray(ptr: number): number[] {
    this.checkNotNull(ptr, "array");
    const dataStart = this.u32(ptr + 4);
    const length = this.i32(ptr + 12);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.dv.getUint32(dataStart + 4 * i, true);
    return out;
  }

  writePtrArray(ptrs: readonly number[], typeId: TypeIdValue): number {
    const byteLength = ptrs.length * 4;
    const buf = this.alloc(byteLength, TypeId.ArrayBuffer);
    for (let i = 0; i < ptrs.length; i++) this.dv.setUint32(buf + 4 * i, ptrs[i] as number, true);
    const ptr = this.alloc(16, typeId);
    this.dv.setUint32(ptr, buf, true);
    this.dv.setUint32(ptr + 4, buf, true);
    this.dv.setUint32(ptr + 8, byteLength, true);
    this.dv.setInt32(ptr + 12, ptrs.length, true);
    return ptr;
  }

  /** An object whose fields are all u32 (pointers or 32-bit values), in order. */
  writeStruct(fields: readonly number[], typeId: TypeIdValue): number {
    const ptr = this.alloc(fields.length * 4, typeId);
    for (let i = 0; i < fields.length; i++) this.dv.setUint32(ptr + 4 * i, (fields[i] as number) >>> 0, true);
    return ptr;
  }

  /** An enum-like `{ kind: i32, data: u64 }` object (store Value, ethereum.Value, JSONValue). */
  writeTagged(kind: number, data: bigint, typeId: TypeIdValue): number {
    const ptr = this.alloc(16, typeId);
    this.dv.setInt32(ptr, kind, true);
    this.dv.setBigUint64(ptr + 8, BigInt.asUintN(64, data), true);
    return ptr;
  }

  readTagged(ptr: number): { kind: number; data: bigint } {
    this.checkNotNull(ptr, "value");
    this.refresh();
    return { kind: this.dv.getInt32(ptr, true), data: this.dv.getBigUint64(ptr + 8, true) };
  }

  /** A `Wrapped<bool>`. */
  writeWrappedBool(v: boolean): number {
    const ptr = this.alloc(4, TypeId.WrappedBool);
    this.u8[ptr] = v ? 1 : 0;
    return ptr;
  }
}
