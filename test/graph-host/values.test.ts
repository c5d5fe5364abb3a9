import { expect } from "chai";
import {
  BigDecimal,
  bigIntToHex,
  bigIntToSignedLE,
  bytesToStringLossy,
  checkBigInt,
  parseBigInt,
  signedLEToBigInt,
  toBase58,
} from "../../graph-host/values";
import { parseJson } from "../../graph-host/wasm/codec";

const dec = (s: string): BigDecimal => {
  const v = BigDecimal.parse(s);
  if (v === null) throw new Error(`not a decimal: ${s}`);
  return v;
};

describe("graph-host values", function () {
  describe("BigInt bytes (graph-ts BigInt: little-endian two's complement)", function () {
    const vectors: Array<[bigint, number[]]> = [
      [0n, [0x00]],
      [1n, [0x01]],
      [127n, [0x7f]],
      [128n, [0x80, 0x00]],
      [255n, [0xff, 0x00]],
      [256n, [0x00, 0x01]],
      [-1n, [0xff]],
      [-128n, [0x80]],
      [-129n, [0x7f, 0xff]],
      [-256n, [0x00, 0xff]],
      [2n ** 255n - 1n, [...Array<number>(31).fill(0xff), 0x7f]],
      [-(2n ** 255n), [...Array<number>(31).fill(0x00), 0x80]],
    ];
    for (const [n, bytes] of vectors) {
      it(`encodes ${n} minimally and decodes it back`, function () {
        expect([...bigIntToSignedLE(n)]).to.deep.equal(bytes);
        expect(signedLEToBigInt(Uint8Array.from(bytes))).to.equal(n);
      });
    }

    it("reads the empty array as zero and sign-extends short negatives", function () {
      expect(signedLEToBigInt(new Uint8Array(0))).to.equal(0n);
      expect(signedLEToBigInt(Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).to.equal(-1n);
    });

    it("prints hex of the magnitude like graph-node's bigIntToHex", function () {
      expect(bigIntToHex(0n)).to.equal("0x0");
      expect(bigIntToHex(255n)).to.equal("0xff");
      expect(bigIntToHex(-255n)).to.equal("0xff");
      expect(bigIntToHex(4096n)).to.equal("0x1000");
    });

    it("parses like num-bigint: sign, digits, underscores between digits", function () {
      expect(parseBigInt("-123")).to.equal(-123n);
      expect(parseBigInt("+7")).to.equal(7n);
      expect(parseBigInt("1_000")).to.equal(1000n);
      expect(parseBigInt("_1")).to.equal(null);
      expect(parseBigInt("0x10")).to.equal(null);
      expect(parseBigInt("")).to.equal(null);
      expect(parseBigInt("1.5")).to.equal(null);
    });

    it("rejects values over graph-node's 435412-bit limit", function () {
      expect(checkBigInt(2n ** 435_410n)).to.equal(2n ** 435_410n);
      expect(() => checkBigInt((2n ** 2000n) ** 255n)).to.throw("BigInt is too big, total bits 510002 (max 435412)");
    });

    it("truncates division toward zero and floors right shifts, as num-bigint does", function () {
      expect(-7n / 2n).to.equal(-3n);
      expect(-7n % 2n).to.equal(-1n);
      expect(-7n >> 1n).to.equal(-4n);
      expect(-1n & 0xffn).to.equal(0xffn);
    });
  });

  describe("BigDecimal (bigdecimal 0.1.2 + graph-node normalisation)", function () {
    const display: Array<[string, string, bigint, number]> = [
      ["1.50", "1.5", 15n, -1],
      ["100", "100", 1n, 2],
      ["-0.000001", "-0.000001", -1n, -6],
      ["1e-30", "0.000000000000000000000000000001", 1n, -30],
      ["1.2345E+40", "12345000000000000000000000000000000000000", 12345n, 36],
      ["-0", "0", 0n, 0],
      ["0.000", "0", 0n, 0],
      [".5", "0.5", 5n, -1],
      ["7.", "7", 7n, 0],
    ];
    for (const [input, text, digits, exp] of display) {
      it(`parses ${input} as ${text} (digits ${digits}, exp ${exp})`, function () {
        const v = dec(input);
        expect(v.toString()).to.equal(text);
        expect(v.digits).to.equal(digits);
        expect(v.exp).to.equal(exp);
      });
    }

    it("rejects malformed text with graph-node's message", function () {
      for (const bad of ["", "abc", "1e", ".", "-", "1.2.3", "0x10"]) expect(BigDecimal.parse(bad), bad).to.equal(null);
      expect(() => BigDecimal.fromString("abc")).to.throw("string  is not a BigDecimal: 'abc'");
    });

    it("rounds positive values half up to 34 significant digits", function () {
      expect(dec("1.23456789012345678901234567890123456789").toString()).to.equal("1.234567890123456789012345678901235");
      expect(dec("1.23456789012345678901234567890123446789").toString()).to.equal("1.234567890123456789012345678901234");
      expect(dec("9999999999999999999999999999999999.5").toString()).to.equal("10000000000000000000000000000000000");
    });

    it("truncates negative values, keeping the crate's 35th digit when its digit estimate is one short", function () {
      // 39 digits; the crate estimates 38 from the bit length, so it drops 4 digits and keeps 35.
      expect(dec("-1.23456789012345678901234567890123456789").toString()).to.equal("-1.2345678901234567890123456789012345");
    });

    it("divides with up to 100 digits, then normalises", function () {
      expect(dec("1").dividedBy(dec("3")).toString()).to.equal("0.3333333333333333333333333333333333");
      expect(dec("2").dividedBy(dec("3")).toString()).to.equal("0.6666666666666666666666666666666667");
      expect(dec("-2").dividedBy(dec("3")).toString()).to.equal("-0.66666666666666666666666666666666666");
      expect(dec("10").dividedBy(dec("4")).toString()).to.equal("2.5");
      expect(dec("-500000000000000000").dividedBy(dec("1000000000000000000")).toString()).to.equal("-0.5");
      expect(dec("1.5").dividedBy(dec("1.5")).toString()).to.equal("1");
    });

    it("adds, subtracts and multiplies exactly before normalising", function () {
      expect(dec("0.1").times(dec("0.2")).toString()).to.equal("0.02");
      expect(dec("1.5").plus(dec("-1.5")).toString()).to.equal("0");
      expect(dec("1").minus(dec("0.0001")).toString()).to.equal("0.9999");
      expect(dec("-1.25").times(dec("4")).toString()).to.equal("-5");
      expect(dec("123456789").times(dec("1e-9")).toString()).to.equal("0.123456789");
    });

    it("handles big exponents in plain notation", function () {
      const big = dec("1e6144").times(dec("1e10"));
      expect(big.exp).to.equal(6154);
      expect(big.toString()).to.equal(`1${"0".repeat(6154)}`);
      expect(dec("1e-6143").times(dec("0.1")).exp).to.equal(-6144);
    });

    it("compares by value", function () {
      expect(dec("1.0").equals(dec("1"))).to.equal(true);
      expect(dec("-0.5").compare(dec("-0.25"))).to.equal(-1);
      expect(dec("1e3").compare(dec("999.999"))).to.equal(1);
    });

    it("refuses division by zero with graph-node's message", function () {
      expect(() => dec("1").dividedBy(dec("0"))).to.throw("attempted to divide BigDecimal `1` by zero");
    });
  });

  describe("type conversions", function () {
    it("decodes bytes lossily and trims trailing NULs (bytesToString)", function () {
      expect(bytesToStringLossy(Uint8Array.from([0x61, 0x62, 0, 0]))).to.equal("ab");
      expect(bytesToStringLossy(Uint8Array.from([0x61, 0xff]))).to.equal("a\uFFFD");
    });

    it("encodes base58 with the bitcoin alphabet (bytesToBase58)", function () {
      expect(toBase58(Buffer.from("hello world"))).to.equal("StV1DL6CwTryKyV");
      expect(toBase58(Uint8Array.from([0, 0, 1]))).to.equal("112");
      expect(toBase58(new Uint8Array(0))).to.equal("");
    });

    it("parses JSON keeping number literals as text", function () {
      expect(parseJson('{"a": 12345678901234567890123, "b": [1.5e3, true, null, "x\\n"]}')).to.deep.equal({
        kind: "object",
        value: [
          ["a", { kind: "number", text: "12345678901234567890123" }],
          [
            "b",
            {
              kind: "array",
              value: [
                { kind: "number", text: "1.5e3" },
                { kind: "bool", value: true },
                { kind: "null" },
                { kind: "string", value: "x\n" },
              ],
            },
          ],
        ],
      });
      expect(() => parseJson("{")).to.throw();
      expect(() => parseJson("[1,]")).to.throw();
      expect(() => parseJson("1 2")).to.throw("trailing characters");
    });
  });
});
