import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { compareGasSnapshot, expectGasSnapshot, readGasSnapshot, writeGasSnapshot } from "../helpers/gasSnapshot";

describe("test/helpers/gasSnapshot", function () {
  let dir: string;
  let file: string;
  let saved: string | undefined;

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "gas-snapshot-"));
    file = join(dir, "snapshot.json");
    saved = process.env.UPDATE_GAS_SNAPSHOT;
    delete process.env.UPDATE_GAS_SNAPSHOT;
  });

  afterEach(function () {
    if (saved === undefined) delete process.env.UPDATE_GAS_SNAPSHOT;
    else process.env.UPDATE_GAS_SNAPSHOT = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes up to exactly 1% above the snapshot and fails one unit beyond", function () {
    writeFileSync(file, JSON.stringify({ a: 100_000 }));
    expect(compareGasSnapshot({ a: 101_000n }, { file })[0].ok).to.equal(true);
    expect(compareGasSnapshot({ a: 101_001n }, { file })[0].ok).to.equal(false);
    expect(compareGasSnapshot({ a: 50_000n }, { file })[0].ok).to.equal(true);
    expect(() => expectGasSnapshot({ a: 101_000n }, { file })).not.to.throw();
    expect(() => expectGasSnapshot({ a: 101_001n }, { file })).to.throw(/FAIL a: 101001 vs snapshot 100000 \(\+1%\)/);
  });

  it("fails a figure that has no snapshot", function () {
    writeFileSync(file, JSON.stringify({ a: 1 }));
    expect(() => expectGasSnapshot({ b: 1n }, { file })).to.throw(/FAIL b: 1 vs no snapshot/);
  });

  it("rewrites instead of asserting under UPDATE_GAS_SNAPSHOT=1, keeping other keys, sorted", function () {
    writeFileSync(file, JSON.stringify({ z: 5, a: 100 }));
    process.env.UPDATE_GAS_SNAPSHOT = "1";
    expectGasSnapshot({ a: 999n, m: 7 }, { file });
    expect(readFileSync(file, "utf8")).to.equal('{\n  "a": 999,\n  "m": 7,\n  "z": 5\n}\n');
    writeGasSnapshot({ b: 2n }, file);
    expect(Object.keys(readGasSnapshot(file))).to.deep.equal(["a", "b", "m", "z"]);
  });

  it("rejects a malformed snapshot file", function () {
    writeFileSync(file, JSON.stringify({ a: "12" }));
    expect(() => readGasSnapshot(file)).to.throw(/"a" is not a gas figure/);
  });
});
