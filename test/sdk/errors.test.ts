import { expect } from "chai";
import { Interface, ZeroAddress, ZeroHash } from "ethers";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  AgoraError,
  BaseError,
  addressesFromManifest,
  decodeRevert,
  findRevertData,
  formatBps,
  formatDuration,
  formatUsdc,
  hasErrorMessage,
  knownErrorNames,
  loadAddresses,
  parseUsdc,
  toAgoraError,
} from "../../sdk/src";
import { VoucherRejectedError } from "../../sdk/src/channels";
import {
  AgentRegistry__factory,
  AgoraVault__factory,
  CommitteeArbitrator__factory,
  JobEscrow__factory,
  ListingRegistry__factory,
  MockUSDC__factory,
  OracleArbitrator__factory,
  PaymentChannels__factory,
  ReputationLedger__factory,
} from "../../typechain-types";

const A = "0x00000000000000000000000000000000000000A1";
const CH = "0x" + "ab".repeat(32);

/** One vector per custom error family: the contract's interface, the error, its arguments, the expected sentence. */
const VECTORS: { iface: Interface; name: string; args: unknown[]; message: string }[] = [
  {
    iface: AgoraVault__factory.createInterface(),
    name: "VaultDailyCapExceeded",
    args: [3n, 50_000_000n, 48_000_000n, 5_000_000n],
    message: "spending limit: 24h cap 50.00 USDC, already committed 48.00, asked 5.00",
  },
  {
    iface: AgoraVault__factory.createInterface(),
    name: "VaultPerTxCapExceeded",
    args: [3n, 1_000n, 1_500n],
    message: "spending limit: per-transaction cap 0.001 USDC, asked 0.0015",
  },
  {
    iface: AgoraVault__factory.createInterface(),
    name: "VaultInsufficientBalance",
    args: [7n, 1_250_000n, 20_000_000n],
    message: "insufficient balance: agent 7 has 1.25 USDC in the vault, needs 20.00",
  },
  { iface: AgoraVault__factory.createInterface(), name: "VaultPaused", args: [], message: "the protocol is paused by the guardian: no new jobs, channels, deposits or listings (exits keep working)" },
  { iface: AgentRegistry__factory.createInterface(), name: "AgentNotFound", args: [42n], message: "unknown agent 42" },
  {
    iface: AgentRegistry__factory.createInterface(),
    name: "AgentUnauthorized",
    args: [2n, A],
    message: `${A} is neither the owner nor the operator of agent 2`,
  },
  { iface: AgentRegistry__factory.createInterface(), name: "ERC721NonexistentToken", args: [9n], message: "unknown agent 9" },
  {
    iface: JobEscrow__factory.createInterface(),
    name: "EscrowUnexpectedState",
    args: [5n, 5, 3],
    message: "wrong job state: job 5 is Completed, this action needs it Delivered",
  },
  {
    iface: JobEscrow__factory.createInterface(),
    name: "EscrowTooLate",
    args: [5n, 1_700_000_001n, 1_700_000_000n],
    message: "job 5: too late, this closed at 2023-11-14T22:13:20Z (chain time 2023-11-14T22:13:21Z)",
  },
  {
    iface: JobEscrow__factory.createInterface(),
    name: "EscrowPriceAboveMax",
    args: [1n, 25_000_000n, 20_000_000n],
    message: "listing 1 costs 25.00 USDC, above the maximum of 20.00",
  },
  {
    iface: JobEscrow__factory.createInterface(),
    name: "EscrowListingNotHireable",
    args: [4n, 1],
    message: "listing 4 is priced PerCall: pay it per call through a payment channel, not a job",
  },
  { iface: ListingRegistry__factory.createInterface(), name: "ListingInvalidSla", args: [10, 60, 31_536_000], message: "SLA 10 s is outside 60 .. 31536000 s" },
  { iface: ListingRegistry__factory.createInterface(), name: "ListingNotFound", args: [8n], message: "unknown listing 8" },
  {
    iface: PaymentChannels__factory.createInterface(),
    name: "ChannelVoucherExceedsDeposit",
    args: [CH, 2_000_000n, 1_500_000n],
    message: `channel ${CH}: voucher of 2.00 USDC exceeds the deposit of 1.50`,
  },
  {
    iface: PaymentChannels__factory.createInterface(),
    name: "ChannelWrongEpoch",
    args: [CH, 1n, 2n],
    message: `channel ${CH}: voucher for epoch 1, the channel is in epoch 2`,
  },
  { iface: ReputationLedger__factory.createInterface(), name: "LedgerInvalidScore", args: [101], message: "feedback score 101 is outside 0 .. 100" },
  { iface: CommitteeArbitrator__factory.createInterface(), name: "CommitteeNotMember", args: [A], message: `${A} is not a committee member` },
  { iface: OracleArbitrator__factory.createInterface(), name: "OracleAlreadyRuled", args: [3n], message: "the oracle already ruled on dispute 3" },
  { iface: MockUSDC__factory.createInterface(), name: "USDCBlacklisted", args: [A], message: `${A} is blacklisted by USDC` },
  {
    iface: MockUSDC__factory.createInterface(),
    name: "ERC20InsufficientBalance",
    args: [A, 0n, 1n],
    message: `insufficient USDC: ${A} holds 0.00, needs 0.000001`,
  },
  {
    iface: AgoraVault__factory.createInterface(),
    name: "SafeCastOverflowedUintDowncast",
    args: [64, 2n ** 64n],
    message: "value 18446744073709551616 does not fit in 64 bits",
  },
];

describe("SDK errors", function () {
  describe("decodeRevert", function () {
    it("has a written message for every custom error of every Agora contract and USDC", function () {
      const names = knownErrorNames();
      expect(names.length).to.be.greaterThan(100);
      expect(names.filter((n) => !hasErrorMessage(n))).to.deep.equal([]);
    });

    for (const v of VECTORS) {
      it(`decodes ${v.name}`, function () {
        const data = v.iface.encodeErrorResult(v.name, v.args);
        const decoded = decodeRevert(data);
        expect(decoded?.errorName).to.equal(v.name);
        expect(decoded?.message).to.equal(v.message);
        expect(Object.values(decoded?.args ?? {}).map(String)).to.deep.equal(v.args.map(String));
      });
    }

    it("decodes every declared error without throwing (all families, zero arguments)", function () {
      for (const iface of [AgoraVault__factory, JobEscrow__factory, AgentRegistry__factory, ListingRegistry__factory, PaymentChannels__factory, ReputationLedger__factory, CommitteeArbitrator__factory, OracleArbitrator__factory, MockUSDC__factory].map((f) => f.createInterface())) {
        iface.forEachError((fragment) => {
          const zero = fragment.inputs.map((i) =>
            i.type === "address" ? ZeroAddress : i.type === "bytes32" ? ZeroHash : i.type === "string" ? "" : i.type === "bool" ? false : 0n,
          );
          const decoded = decodeRevert(iface.encodeErrorResult(fragment, zero));
          expect(decoded?.errorName, fragment.format()).to.equal(fragment.name);
          expect(decoded?.message, fragment.format()).to.be.a("string").and.not.match(/^\w+\(/);
        });
      }
    });

    it("leaves unknown selectors undecoded", function () {
      expect(decodeRevert("0xdeadbeef")).to.equal(undefined);
      expect(decodeRevert("0x")).to.equal(undefined);
    });
  });

  describe("toAgoraError", function () {
    const data = AgoraVault__factory.createInterface().encodeErrorResult("VaultDailyCapExceeded", [3n, 50_000_000n, 48_000_000n, 5_000_000n]);

    it("finds revert data in every place ethers and JSON-RPC nodes put it", function () {
      for (const shape of [{ data }, { code: "CALL_EXCEPTION", info: { error: { data } } }, { error: { error: { data } } }, { cause: { data: { data } } }]) {
        expect(findRevertData(shape)).to.equal(data);
        const e = toAgoraError(shape);
        expect(e).to.be.instanceOf(AgoraError).and.instanceOf(BaseError);
        expect(e.code).to.equal("CONTRACT_REVERT");
        expect(e.errorName).to.equal("VaultDailyCapExceeded");
        expect(e.args).to.deep.equal({ agentId: 3n, cap: 50_000_000n, spent: 48_000_000n, amount: 5_000_000n });
        expect(e.shortMessage).to.equal("spending limit: 24h cap 50.00 USDC, already committed 48.00, asked 5.00");
        expect(e.docsUrl).to.equal("docs/ARCHITECTURE.md#errors");
        expect(e.cause).to.equal(shape);
      }
    });

    it("reports reason strings, panics, unknown reverts, gas shortage and network failures", function () {
      expect(toAgoraError({ code: "CALL_EXCEPTION", revert: { name: "Error", args: ["FiatToken: paused"] } }).shortMessage).to.equal("reverted: FiatToken: paused");
      expect(toAgoraError({ code: "CALL_EXCEPTION", revert: { name: "Panic", args: [17n] } }).shortMessage).to.equal(
        "reverted with a panic: arithmetic overflow or underflow",
      );
      const unknown = toAgoraError({ code: "CALL_EXCEPTION", data: "0xdeadbeef00" });
      expect(unknown.code).to.equal("REVERT");
      expect(unknown.shortMessage).to.equal("reverted with unknown data 0xdeadbeef");
      expect(toAgoraError({ code: "INSUFFICIENT_FUNDS", message: "x" }).code).to.equal("INSUFFICIENT_FUNDS");
      const net = toAgoraError(Object.assign(new Error("fetch failed"), { cause: { code: "ECONNREFUSED" } }));
      expect(net.code).to.equal("NETWORK");
      expect(net.shortMessage).to.match(/^cannot reach the node/);
      const plain = toAgoraError(new Error("boom"));
      expect(plain.code).to.equal("UNKNOWN");
      expect(plain.shortMessage).to.equal("boom");
    });

    it("returns an AgoraError unchanged, and wraps the channel SDK's errors (same BaseError)", function () {
      const e = new AgoraError("x", { code: "INVALID_INPUT" });
      expect(toAgoraError(e)).to.equal(e);
      const voucher = new VoucherRejectedError("stale", CH);
      expect(voucher).to.be.instanceOf(BaseError);
      expect(voucher.docsUrl).to.equal("docs/MICROPAYMENTS.md#vouchers");
      expect(toAgoraError(voucher).shortMessage).to.equal(`Voucher for channel ${CH} rejected: stale`);
    });
  });

  describe("USDC formatting", function () {
    const cases: [string, bigint, string][] = [
      ["0.001", 1_000n, "0.001"],
      ["1.5", 1_500_000n, "1.50"],
      ["$20", 20_000_000n, "20.00"],
      ["1,000.25", 1_000_250_000n, "1000.25"],
      [".000001", 1n, "0.000001"],
      ["0", 0n, "0.00"],
    ];
    for (const [text, units, formatted] of cases) {
      it(`parses "${text}" and formats it back as "${formatted}"`, function () {
        expect(parseUsdc(text)).to.equal(units);
        expect(formatUsdc(units)).to.equal(formatted);
      });
    }

    it("refuses what is not a USDC amount", function () {
      for (const bad of ["", "-1", "1e6", "0.0000001", "abc", "1.2.3"]) {
        expect(() => parseUsdc(bad), bad).to.throw(AgoraError, /invalid USDC amount/);
      }
      expect(formatUsdc(-2_500_000n)).to.equal("-2.50");
      expect(formatBps(9250)).to.equal("92.50%");
      expect(formatDuration(5400)).to.equal("1h30m");
      expect(formatDuration(2n ** 64n - 1n)).to.equal("∞");
    });
  });

  describe("addresses", function () {
    const manifest = {
      network: "localhost",
      chainId: 31337,
      deployer: A,
      usdc: A,
      startBlock: 3,
      contracts: Object.fromEntries(
        ["AgentRegistry", "ListingRegistry", "AgoraVault", "JobEscrow", "PaymentChannels", "ReputationLedger", "CommitteeArbitrator", "OracleArbitrator", "HashValidator"].map(
          (name, i) => [name, { address: "0x" + (i + 1).toString(16).padStart(40, "0"), blockNumber: 3 + i, txHash: ZeroHash }],
        ),
      ),
    };

    it("loads a manifest file into typed, checksummed addresses", function () {
      const dir = mkdtempSync(path.join(tmpdir(), "agora-addresses-"));
      writeFileSync(path.join(dir, "localhost.json"), JSON.stringify(manifest));
      const a = loadAddresses({ network: "localhost", dir });
      expect(a.chainId).to.equal(31337);
      expect(a.startBlock).to.equal(3);
      expect(a.vault).to.equal("0x0000000000000000000000000000000000000003");
      expect(loadAddresses({ file: path.join(dir, "localhost.json") })).to.deep.equal(a);
    });

    it("says plainly when there is no deployment for a network, or the manifest is incomplete", function () {
      const dir = mkdtempSync(path.join(tmpdir(), "agora-addresses-"));
      const missing = (() => {
        try {
          loadAddresses({ network: "baseSepolia", dir });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(missing).to.be.instanceOf(AgoraError);
      expect((missing as AgoraError).code).to.equal("DEPLOYMENT_NOT_FOUND");
      expect((missing as AgoraError).shortMessage).to.match(/^no deployment for network baseSepolia: .*baseSepolia\.json does not exist \(deploy first: npm run deploy -- --network baseSepolia\)$/);
      const { HashValidator: _dropped, ...rest } = manifest.contracts;
      expect(() => addressesFromManifest({ ...manifest, contracts: rest }, "m.json")).to.throw(AgoraError, "invalid deployment manifest m.json: no HashValidator address");
    });
  });
});
