/**
 * Runs the WASM that `graph build` produces, as graph-node's runtime/wasm does: one fresh instance per trigger
 * (globals and memory never carry over between handlers), `_start` first, then the handler with the trigger
 * object. It links the host functions graph-ts declares by name (graph-node ignores the import module name) and
 * refuses to load a module that imports a function this host lacks, naming every one.
 */
import { keccak256 } from "ethers";
import type { Entity } from "../values";
import {
  BigDecimal,
  bigIntToHex,
  bytesToHex,
  bytesToStringLossy,
  checkBigInt,
  hexToBytes,
  HostError,
  normalizeHex,
  parseBigInt,
  toBase58,
} from "../values";
import { parseId, type BlockWriter } from "../store";
import { parseJson, readBigDecimal, readBigInt, readEntity, writeBigDecimal, writeBigInt, writeEntity, writeJson } from "./codec";
import { ethDecode, ethEncode, readEthValue, writeEthValue, apiAtLeast, type ApiVersion } from "./ethereum";
import { AscHeap, runtimeExports, TypeId } from "./heap";
import { Wasm, type WasmImports, type WasmImportValue, type WasmModule } from "./wasm-api";

export const LogLevel = { CRITICAL: 0, ERROR: 1, WARNING: 2, INFO: 3, DEBUG: 4 } as const;
export const LOG_LEVEL_NAMES = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] as const;

/** What the host functions of one trigger act on. */
export interface TriggerContext {
  readonly writer: BlockWriter;
  readonly dataSourceName: string;
  /** The data source's address (empty for data sources without one). */
  readonly address: Uint8Array;
  readonly network: string;
  readonly context: Entity | null;
  log(level: number, message: string): void;
  createDataSource(template: string, params: readonly string[], context: Entity | null): void;
}

type HostFn = (...args: number[]) => number | bigint | undefined;

/** Host functions graph-node provides that this host does not (see docs/GRAPH_HOST.md). */
export const UNSUPPORTED_HOST_FUNCTIONS = [
  "ethereum.call",
  "ethereum.getBalance",
  "ethereum.hasCode",
  "ipfs.cat",
  "ipfs.map",
  "ipfs.getBlock",
  "ens.nameByHash",
  "arweave.transactionData",
  "box.profile",
  "yaml.fromBytes",
  "yaml.try_fromBytes",
] as const;

export class MissingImportsError extends Error {
  constructor(
    readonly dataSource: string,
    readonly missing: readonly string[],
  ) {
    super(
      `graph-host cannot run data source \`${dataSource}\`: its WASM imports ${missing.length === 1 ? "a host function" : "host functions"} this host does not provide: ${missing.join(", ")}`,
    );
    this.name = "MissingImportsError";
  }
}

export class MappingModule {
  private readonly rtIds = new Map<number, number>();
  private current: { heap: AscHeap; ctx: TriggerContext } | null = null;
  private readonly imports: WasmImports;
  readonly functionNames: ReadonlySet<string>;

  private constructor(
    readonly name: string,
    private readonly module: WasmModule,
    readonly apiVersion: ApiVersion,
  ) {
    const fns = this.hostFunctions();
    this.functionNames = new Set(Object.keys(fns));
    const imports: WasmImports = {};
    for (const imp of Wasm.Module.imports(module)) {
      const fn = fns[imp.name];
      if (imp.kind === "function" && fn) (imports[imp.module] ??= {})[imp.name] = fn as WasmImportValue;
    }
    this.imports = imports;
  }

  /** Compiles and checks a module: every function it imports must be implemented, every export named exist. */
  static load(name: string, wasm: Uint8Array, apiVersion: ApiVersion, handlers: readonly string[]): MappingModule {
    if (!apiAtLeast(apiVersion, 5)) {
      throw new HostError(
        `data source \`${name}\`: apiVersion ${apiVersion.join(".")} is not supported (this host runs AssemblyScript >= 0.19 builds, apiVersion 0.0.5 and later)`,
      );
    }
    const module = new Wasm.Module(wasm);
    const m = new MappingModule(name, module, apiVersion);
    const missing = Wasm.Module.imports(module)
      .filter((imp) => imp.kind !== "function" || !m.functionNames.has(imp.name))
      .map((imp) => (imp.kind === "function" ? `${imp.name} (module "${imp.module}")` : `${imp.module}.${imp.name} (${imp.kind})`));
    if (missing.length > 0) throw new MissingImportsError(name, missing);
    const exports = new Set(Wasm.Module.exports(module).map((e) => e.name));
    for (const required of ["memory", "__new", "id_of_type", "_start", ...handlers]) {
      if (!exports.has(required)) throw new HostError(`data source \`${name}\`: the WASM does not export \`${required}\``);
    }
    return m;
  }

  /** Runs `handler` in a fresh instance; `makeArg` writes the trigger object and returns its pointer. */
  run(handler: string, ctx: TriggerContext, makeArg: (heap: AscHeap) => number): void {
    const instance = new Wasm.Instance(this.module, this.imports);
    const heap = new AscHeap(runtimeExports(instance), this.rtIds);
    this.current = { heap, ctx };
    try {
      (instance.exports["_start"] as () => void)();
      const arg = makeArg(heap);
      (instance.exports[handler] as (p: number) => void)(arg);
    } finally {
      this.current = null;
    }
  }

  private ctx(): { heap: AscHeap; ctx: TriggerContext } {
    if (!this.current) throw new HostError("host function called outside a trigger");
    return this.current;
  }

  /** The host functions, by import name (graph-node's runtime/wasm/src/module/instance.rs). */
  private hostFunctions(): Record<string, HostFn> {
    const heap = (): AscHeap => this.ctx().heap;
    const str = (p: number): string => heap().readString(p);
    const big = (p: number): bigint => readBigInt(heap(), p);
    const dec = (p: number): BigDecimal => readBigDecimal(heap(), p);
    const outBig = (n: bigint): number => writeBigInt(heap(), checkBigInt(n));
    const outDec = (d: BigDecimal): number => writeBigDecimal(heap(), d);
    const outStr = (s: string): number => heap().writeString(s);
    const strict = apiAtLeast(this.apiVersion, 8);
    const bigBinary = (f: (x: bigint, y: bigint) => bigint) => (x: number, y: number): number => outBig(f(big(x), big(y)));
    const json = (p: number): ReturnType<typeof parseJson> => parseJson(bytesToStringLossy(heap().readBytes(p)));

    return {
      abort: (msg: number, file: number, line: number, column: number): never => {
        const message = msg === 0 ? "no message" : `message: ${str(msg)}`;
        const location =
          file === 0 ? "an unknown location" : `${str(file)}${line ? `, line ${line}` : ""}${column ? `, column ${column}` : ""}`;
        throw new HostError(`Mapping aborted at ${location}, with ${message}`);
      },

      "store.get": (entity: number, id: number): number => this.storeGet(str(entity), str(id), "store"),
      "store.get_in_block": (entity: number, id: number): number => this.storeGet(str(entity), str(id), "block"),
      "store.loadRelated": (entity: number, id: number, field: number): number => {
        const { heap: h, ctx } = this.ctx();
        const related = ctx.writer.loadRelated(str(entity), str(id), str(field));
        return h.writePtrArray(
          related.map((r) => writeEntity(h, r.entity)),
          TypeId.ArrayTypedMapEntryStringStoreValue,
        );
      },
      "store.set": (entity: number, id: number, data: number): undefined => {
        const { heap: h, ctx } = this.ctx();
        ctx.writer.set(str(entity), str(id), readEntity(h, data), strict);
        return undefined;
      },
      "store.remove": (entity: number, id: number): undefined => {
        this.ctx().ctx.writer.remove(str(entity), str(id));
        return undefined;
      },

      "typeConversion.bytesToString": (p: number): number => outStr(bytesToStringLossy(heap().readBytes(p))),
      "typeConversion.bytesToHex": (p: number): number => outStr(bytesToHex(heap().readBytes(p))),
      "typeConversion.bigIntToString": (p: number): number => outStr(big(p).toString()),
      "typeConversion.bigIntToHex": (p: number): number => outStr(bigIntToHex(big(p))),
      "typeConversion.stringToH160": (p: number): number => {
        const s = str(p);
        const hex = normalizeHex(s);
        if (hex === null || hex.length !== 42) throw new HostError(`Failed to convert string to Address: '${s}'`);
        return heap().writeBytes(hexToBytes(hex));
      },
      "typeConversion.bytesToBase58": (p: number): number => outStr(toBase58(heap().readBytes(p))),

      "json.fromBytes": (p: number): number => writeJson(heap(), json(p)),
      "json.try_fromBytes": (p: number): number => {
        const h = heap();
        let parsed: ReturnType<typeof parseJson> | null = null;
        try {
          parsed = json(p);
        } catch {
          parsed = null;
        }
        if (parsed === null) return h.writeStruct([0, h.writeWrappedBool(true)], TypeId.ResultJsonValueBool);
        const wrapped = h.writeStruct([writeJson(h, parsed)], TypeId.WrappedJsonValue);
        return h.writeStruct([wrapped, 0], TypeId.ResultJsonValueBool);
      },
      "json.toI64": (p: number): bigint => {
        const s = str(p);
        const n = /^[+-]?[0-9]+$/.test(s) ? BigInt(s) : null;
        if (n === null || n !== BigInt.asIntN(64, n)) throw new HostError(`JSON \`${s}\` cannot be parsed as i64`);
        return n;
      },
      "json.toU64": (p: number): bigint => {
        const s = str(p);
        const n = /^\+?[0-9]+$/.test(s) ? BigInt(s) : null;
        if (n === null || n !== BigInt.asUintN(64, n)) throw new HostError(`JSON \`${s}\` cannot be parsed as u64`);
        return BigInt.asIntN(64, n);
      },
      "json.toF64": (p: number): number => {
        const s = str(p);
        const n = Number(s);
        if (s.trim() === "" || Number.isNaN(n)) throw new HostError(`JSON \`${s}\` cannot be parsed as f64`);
        return n;
      },
      "json.toBigInt": (p: number): number => {
        const s = str(p);
        const n = parseBigInt(s);
        if (n === null) throw new HostError(`JSON \`${s}\` is not a decimal string`);
        return outBig(n);
      },

      "crypto.keccak256": (p: number): number => heap().writeBytes(hexToBytes(keccak256(heap().readBytes(p)))),

      "bigInt.plus": bigBinary((x, y) => x + y),
      "bigInt.minus": bigBinary((x, y) => x - y),
      "bigInt.times": bigBinary((x, y) => x * y),
      "bigInt.dividedBy": bigBinary((x, y) => {
        if (y === 0n) throw new HostError(`attempted to divide BigInt \`${x}\` by zero`);
        return x / y;
      }),
      "bigInt.mod": bigBinary((x, y) => {
        if (y === 0n) throw new HostError(`attempted to calculate the remainder of \`${x}\` with a divisor of zero`);
        return x % y;
      }),
      "bigInt.bitOr": bigBinary((x, y) => x | y),
      "bigInt.bitAnd": bigBinary((x, y) => x & y),
      "bigInt.pow": (x: number, exp: number): number => outBig(big(x) ** BigInt(exp & 0xff)),
      "bigInt.leftShift": (x: number, bits: number): number => outBig(big(x) << BigInt(bits & 0xff)),
      "bigInt.rightShift": (x: number, bits: number): number => outBig(big(x) >> BigInt(bits & 0xff)),
      "bigInt.fromString": (p: number): number => {
        const s = str(p);
        const n = parseBigInt(s);
        if (n === null) throw new HostError(`string is not a BigInt: \`${s}\``);
        return outBig(n);
      },
      "bigInt.dividedByDecimal": (x: number, y: number): number => outDec(BigDecimal.fromBigInt(big(x)).dividedBy(dec(y))),

      "bigDecimal.plus": (x: number, y: number): number => outDec(dec(x).plus(dec(y))),
      "bigDecimal.minus": (x: number, y: number): number => outDec(dec(x).minus(dec(y))),
      "bigDecimal.times": (x: number, y: number): number => outDec(dec(x).times(dec(y))),
      "bigDecimal.dividedBy": (x: number, y: number): number => outDec(dec(x).dividedBy(dec(y))),
      "bigDecimal.equals": (x: number, y: number): number => (dec(x).equals(dec(y)) ? 1 : 0),
      "bigDecimal.toString": (x: number): number => outStr(dec(x).toString()),
      "bigDecimal.fromString": (p: number): number => outDec(BigDecimal.fromString(str(p))),

      "dataSource.address": (): number => heap().writeBytes(this.ctx().ctx.address),
      "dataSource.network": (): number => outStr(this.ctx().ctx.network),
      "dataSource.context": (): number => {
        const { heap: h, ctx } = this.ctx();
        // graph-node passes an empty context when the data source has none.
        return writeEntity(h, ctx.context ?? new Map());
      },
      "dataSource.create": (name: number, params: number): undefined => {
        const { heap: h, ctx } = this.ctx();
        ctx.createDataSource(str(name), h.readPtrArray(params).map(str), null);
        return undefined;
      },
      "dataSource.createWithContext": (name: number, params: number, context: number): undefined => {
        const { heap: h, ctx } = this.ctx();
        ctx.createDataSource(str(name), h.readPtrArray(params).map(str), readEntity(h, context));
        return undefined;
      },

      "log.log": (level: number, msg: number): undefined => {
        const message = str(msg);
        this.ctx().ctx.log(level, message);
        if (level === LogLevel.CRITICAL) throw new HostError(`Critical error logged in mapping with log message: ${message}`);
        return undefined;
      },

      "ethereum.encode": (p: number): number => {
        const h = heap();
        try {
          return h.writeBytes(ethEncode(readEthValue(h, p)));
        } catch {
          return 0;
        }
      },
      "ethereum.decode": (types: number, data: number): number => {
        const h = heap();
        const v = ethDecode(str(types), h.readBytes(data));
        return v === null ? 0 : writeEthValue(h, v);
      },
    };
  }

  private storeGet(entity: string, id: string, scope: "store" | "block"): number {
    const { heap: h, ctx } = this.ctx();
    const type = ctx.writer.schema.entityType(entity);
    const { key } = parseId(type, id);
    const found = ctx.writer.get(type.name, key, scope);
    return found === null ? 0 : writeEntity(h, found);
  }
}
