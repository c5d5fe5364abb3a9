import { expect } from "chai";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { buildSubgraph } from "../../graph-host/build";
import { GraphHost } from "../../graph-host/host";
import { BigDecimal, type Entity } from "../../graph-host/values";
import { readBigDecimal, readEntity, readStoreValue, writeBigDecimal, writeBigInt, writeEntity, readBigInt } from "../../graph-host/wasm/codec";
import { ethDecode, ethEncode, readEthValue, writeEthValue, type EthValue } from "../../graph-host/wasm/ethereum";
import { AscHeap, runtimeExports } from "../../graph-host/wasm/heap";
import { MappingModule, MissingImportsError } from "../../graph-host/wasm/runtime";
import { Wasm, type WasmImports } from "../../graph-host/wasm/wasm-api";
import { buildWasm } from "./wasm-builder";

const ROOT = path.join(__dirname, "..", "..");
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));
const PROBE_DIR = path.join(ROOT, "subgraph-probe");

/** A heap over a fresh instance of the real probe WASM (graph-cli 0.98 output), imports stubbed. */
function probeHeap(buildDir: string): AscHeap {
  const module = new Wasm.Module(readFileSync(path.join(buildDir, "GraphProbe", "GraphProbe.wasm")));
  const imports: WasmImports = {};
  for (const imp of Wasm.Module.imports(module)) (imports[imp.module] ??= {})[imp.name] = (): number => 0;
  const instance = new Wasm.Instance(module, imports);
  (instance.exports["_start"] as () => void)();
  return new AscHeap(runtimeExports(instance), new Map());
}

describe("graph-host WASM runtime", function () {
  let buildDir = "";

  before(async function () {
    this.timeout(120_000);
    buildDir = (await buildSubgraph({ subgraphDir: PROBE_DIR })).outputDir;
  });

  describe("AssemblyScript memory (graph-cli 0.98 build)", function () {
    it("uses the AssemblyScript 0.19 stub runtime exports graph-node relies on", function () {
      const module = new Wasm.Module(readFileSync(path.join(buildDir, "GraphProbe", "GraphProbe.wasm")));
      const exports = Wasm.Module.exports(module).map((e) => e.name);
      expect(exports).to.include.members(["memory", "__new", "id_of_type", "allocate", "_start", "handleItemListed"]);
      const yaml = readFileSync(path.join(buildDir, "subgraph.yaml"), "utf8");
      expect(yaml).to.match(/apiVersion: 0\.0\.9/);
    });

    it("writes strings with the object header and reads them back (UTF-16)", function () {
      const heap = probeHeap(buildDir);
      const text = "héllo, wörld 🌍";
      const ptr = heap.writeString(text);
      expect(heap.rtSize(ptr)).to.equal(text.length * 2);
      expect(heap.u32(ptr - 8)).to.equal(heap.rtId(0));
      expect(heap.readString(ptr)).to.equal(text);
    });

    it("round-trips an entity with every store value kind", function () {
      const heap = probeHeap(buildDir);
      const e: Entity = new Map([
        ["id", { kind: "Bytes", value: "0x00ff10" }],
        ["s", { kind: "String", value: "∑" }],
        ["i", { kind: "Int", value: -2147483648 }],
        ["i8", { kind: "Int8", value: -(2n ** 63n) }],
        ["ts", { kind: "Timestamp", value: 1_700_000_000_000_000n }],
        ["b", { kind: "BigInt", value: -(2n ** 255n) }],
        ["d", { kind: "BigDecimal", value: BigDecimal.fromString("-123.456e-7") }],
        ["t", { kind: "Boolean", value: true }],
        ["n", { kind: "Null" }],
        ["l", { kind: "List", value: [{ kind: "BigInt", value: 1n }, { kind: "List", value: [] }] }],
      ]);
      expect(readEntity(heap, writeEntity(heap, e))).to.deep.equal(e);
    });

    it("reads BigDecimals as graph-node does: normalised, exponent within -6143..6144", function () {
      const heap = probeHeap(buildDir);
      const raw = (digits: bigint, exp: bigint): number => heap.writeStruct([writeBigInt(heap, digits), writeBigInt(heap, exp)], 12);
      expect(readBigDecimal(heap, raw(1500n, -3n)).toString()).to.equal("1.5");
      expect(readBigDecimal(heap, raw(10n, 6143n)).exp).to.equal(6144);
      expect(() => readBigDecimal(heap, raw(1n, 6145n))).to.throw("big decimal exponent `6145` is outside the `-6143` to `6144` range");
      expect(() => readBigDecimal(heap, raw(1n, -6144n))).to.throw("big decimal exponent `-6144` is outside the `-6143` to `6144` range");
      const d = BigDecimal.fromString("-0.000000000000000000000000000000000001");
      expect(readBigDecimal(heap, writeBigDecimal(heap, d)).equals(d)).to.equal(true);
      expect(readBigInt(heap, writeBigInt(heap, -129n))).to.equal(-129n);
    });

    it("reads a null pointer as an error naming the suggestion graph-node gives", function () {
      const heap = probeHeap(buildDir);
      expect(() => readStoreValue(heap, 0)).to.throw("Tried to read AssemblyScript value that is 'null'");
    });

    it("round-trips ethereum.Value trees and ABI-encodes them like ethabi", function () {
      const heap = probeHeap(buildDir);
      const value: EthValue = {
        kind: "tuple",
        value: [
          { kind: "address", value: hex("00000000000000000000000000000000000000ff") },
          { kind: "int", value: -5n },
          { kind: "array", value: [{ kind: "string", value: "a" }, { kind: "string", value: "bc" }] },
          { kind: "fixedBytes", value: hex("0102") },
          { kind: "bool", value: true },
        ],
      };
      expect(readEthValue(heap, writeEthValue(heap, value))).to.deep.equal(value);
      const encoded = ethEncode(value);
      expect(ethDecode("(address,int256,string[],bytes2,bool)", encoded)).to.deep.equal(value);
      expect(ethDecode("(uint256)", Uint8Array.from([1, 2]))).to.equal(null);
    });
  });

  describe("loading mappings", function () {
    it("refuses a module that imports host functions it lacks, naming every one", function () {
      const wasm = buildWasm({
        imports: [
          { module: "index", name: "store.get" },
          { module: "ethereum", name: "ethereum.call" },
          { module: "index", name: "ipfs.cat" },
        ],
        handlers: ["handle"],
        memoryImport: true,
      });
      let error: unknown;
      try {
        MappingModule.load("Broken", wasm, [0, 0, 9], ["handle"]);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(MissingImportsError);
      expect((error as MissingImportsError).missing).to.deep.equal([
        'ethereum.call (module "ethereum")',
        'ipfs.cat (module "index")',
        "env.memory (memory)",
      ]);
      expect((error as Error).message).to.equal(
        'graph-host cannot run data source `Broken`: its WASM imports host functions this host does not provide: ethereum.call (module "ethereum"), ipfs.cat (module "index"), env.memory (memory)',
      );
    });

    it("links host functions by name, whatever the import module", function () {
      const wasm = buildWasm({ imports: [{ module: "anything", name: "bigInt.plus" }, { module: "env", name: "abort" }], handlers: ["handle"] });
      expect(MappingModule.load("Fine", wasm, [0, 0, 9], ["handle"]).name).to.equal("Fine");
    });

    it("refuses a missing handler export and apiVersions before 0.0.5", function () {
      const wasm = buildWasm({ imports: [], handlers: ["handle"] });
      expect(() => MappingModule.load("X", wasm, [0, 0, 9], ["handleOther"])).to.throw("the WASM does not export `handleOther`");
      expect(() => MappingModule.load("X", wasm, [0, 0, 4], ["handle"])).to.throw("apiVersion 0.0.4 is not supported");
    });

    it("refuses to start a built subgraph whose WASM needs a missing import (library and CLI)", async function () {
      this.timeout(60_000);
      const dir = mkdtempSync(path.join(tmpdir(), "graph-host-"));
      try {
        cpSync(buildDir, dir, { recursive: true });
        writeFileSync(
          path.join(dir, "GraphProbe", "GraphProbe.wasm"),
          buildWasm({ imports: [{ module: "ethereum", name: "ethereum.getBalance" }], handlers: [] }),
        );
        expect(() => GraphHost.load({ buildDir: dir, rpcUrl: "http://127.0.0.1:9" })).to.throw(MissingImportsError, "ethereum.getBalance");
        const cli = promisify(execFile)(
          process.execPath,
          ["-r", "ts-node/register/transpile-only", path.join(ROOT, "graph-host", "cli.ts"), "--subgraph", dir, "--rpc", "http://127.0.0.1:9", "--port", "0"],
          { cwd: ROOT },
        );
        const failure = (await cli.then(
          () => null,
          (e: unknown) => e,
        )) as { code: number; stderr: string } | null;
        expect(failure?.code).to.equal(1);
        expect(failure?.stderr).to.contain('ethereum.getBalance (module "ethereum")');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
