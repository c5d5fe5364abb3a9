import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { ethers } from "hardhat";
import { main } from "../../sdk/cli/agora";
import {
  addressesFromManifest,
  approveVaultSync,
  createAgoraClient,
  depositSync,
  loadManifest,
  mintUsdcSync,
  publishListingSync,
  registerAgentSync,
  setOperatorSync,
  setSpendingLimitsSync,
  type AgoraClient,
} from "../../sdk/src";
import { hardhatKey, json, runCli, startLocalNode, type CliResult, type LocalNode } from "./helpers";

/** Runs the CLI in this process (for the many malformed-input cases), capturing its output. */
async function runInProcess(args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const DEPLOYER = hardhatKey(0);
const PROVIDER = hardhatKey(12);
const CLIENT = hardhatKey(13);
const OPERATOR = hardhatKey(14);
const BROKE = hardhatKey(15);

/** No stack trace, ever: only readable lines. */
function expectNoStack(r: CliResult): void {
  expect(r.stderr).to.not.match(/\n\s+at /);
  expect(r.stdout).to.not.match(/\n\s+at /);
}

describe("agora CLI (child process against a local node)", function () {
  this.timeout(180_000);
  let node: LocalNode;
  let base: string[];
  const ids: Record<string, string> = {};

  const as = (key: string) => ({ AGORA_PRIVATE_KEY: key, AGORA_RPC_URL: node.rpcUrl });
  const ok = async (args: string[], key: string): Promise<Record<string, unknown>> => {
    const r = await runCli([...args, ...base, "--json"], as(key));
    expectNoStack(r);
    expect(r.code, `${args.join(" ")}\n${r.stderr}\n${r.stdout}`).to.equal(0);
    const out = json(r);
    expect(out.ok).to.equal(true);
    return out;
  };

  before(async function () {
    node = await startLocalNode();
    base = ["--deployment", node.deployment];
    // Setup through the SDK in this process (the CLI's own writes are exercised by the tests below).
    const addresses = addressesFromManifest(loadManifest({ file: node.deployment }));
    const sdk = (key: string): AgoraClient => createAgoraClient({ addresses, signer: new Wallet(key, ethers.provider) });
    const admin = sdk(DEPLOYER);
    const client = new Wallet(CLIENT).address;
    await mintUsdcSync(admin, { to: client, amount: 500_000_000n });
    ids.provider = String((await ok(["agent", "register", "--uri", "https://agents.example/p.json", "--meta", "name=provider"], PROVIDER)).agentId);
    ids.client = String((await registerAgentSync(sdk(CLIENT), { uri: "https://agents.example/c.json" })).agentId);
    ids.broke = String((await registerAgentSync(sdk(BROKE), {})).agentId);
    await approveVaultSync(sdk(CLIENT), { amount: 140_000_000n });
    await depositSync(sdk(CLIENT), { agentId: BigInt(ids.client), amount: 40_000_000n });
    ids.listing = String(
      (await ok(["listing", "publish", "--agent", ids.provider, "--capability", "translate.en-fr", "--price", "20", "--sla", "2h", "--review", "1h"], PROVIDER)).listingId,
    );
    // A second client agent run on an operator key under a 10 USDC daily cap.
    ids.limited = String((await registerAgentSync(sdk(CLIENT), {})).agentId);
    await setOperatorSync(sdk(CLIENT), { agentId: BigInt(ids.limited), operator: new Wallet(OPERATOR, ethers.provider) });
    await depositSync(sdk(CLIENT), { agentId: BigInt(ids.limited), amount: 50_000_000n });
    await setSpendingLimitsSync(sdk(CLIENT), { agentId: BigInt(ids.limited), perTxCap: 0n, dailyCap: 10_000_000n });
    const other = await publishListingSync(sdk(PROVIDER), {
      providerId: BigInt(ids.provider),
      capabilities: ["summarize"],
      price: 20_000_000n,
      slaSeconds: 3600,
      reviewWindow: 3600,
      arbitrator: addresses.committeeArbitrator,
    });
    ids.other = String(other.listingId);
  });

  after(async function () {
    await node?.close();
  });

  describe("good input", function () {
    it("prints help without a node or a deployment", async function () {
      const r = await runCli(["--help"]);
      expect(r.code).to.equal(0);
      expect(r.stdout).to.contain("Usage: agora <command>");
      for (const c of ["agent register", "job hire", "limits set", "dispute verdict", "discover providers", "guardian pause"]) expect(r.stdout).to.contain(c);
      const one = await runCli(["job", "hire", "--help"]);
      expect(one.code).to.equal(0);
      expect(one.stdout).to.contain("--max-price <usdc>");
    });

    it("runs a job from hire to reputation, funding by permit, with progress on stderr and JSON on stdout", async function () {
      const dep = await runCli(["vault", "deposit", "--agent", ids.client, "--amount", "100", "--funding", "permit", ...base], as(CLIENT));
      expect(dep.code, dep.stderr).to.equal(0);
      expect(dep.stdout).to.contain(`deposited 100.00 USDC for agent ${ids.client}; balance 140.00 USDC`);
      expect(dep.stderr).to.match(/sent, waiting for it to be mined…/);
      expect(dep.stderr).to.match(/mined in block \d+/);

      const hired = await ok(["job", "hire", "--client", ids.client, "--listing", ids.listing, "--max-price", "20"], CLIENT);
      const jobId = String(hired.jobId);
      expect(hired).to.deep.include({ command: "job hire", providerId: ids.provider });
      await ok(["job", "deliver", jobId, "--result", "bonjour", "--uri", "ipfs://r"], PROVIDER);
      const done = await ok(["job", "approve", jobId], CLIENT);
      expect(BigInt(String(done.toProvider)) + BigInt(String(done.fee))).to.equal(20_000_000n);
      await ok(["job", "feedback", jobId, "--score", "90", "--tag1", "fast"], CLIENT);
      const rep = await ok(["reputation", ids.provider], CLIENT);
      expect(rep.completed).to.equal(1);
      expect(rep.feedbackAverage).to.equal(90);
    });
  });

  describe("bad input: a clear message and a non-zero exit code", function () {
    it("refuses a malformed address (exit 2)", async function () {
      const r = await runCli(["vault", "payout", "--agent", ids.client, "--address", "0x1234", ...base], as(CLIENT));
      expectNoStack(r);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('error: invalid --address "0x1234": expected a 0x-prefixed 20-byte hex address');
    });

    it("reports an unknown agent (exit 1)", async function () {
      const r = await runCli(["agent", "show", "999", ...base], as(CLIENT));
      expectNoStack(r);
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.equal("error: unknown agent 999");
    });

    it("reports an insufficient balance before sending anything", async function () {
      const r = await runCli(["job", "hire", "--client", ids.broke, "--listing", ids.listing, ...base], as(BROKE));
      expectNoStack(r);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`error: insufficient balance: agent ${ids.broke} has 0.00 USDC in the vault, needs 20.00`);
      expect(r.stderr).to.not.contain("sent, waiting");
    });

    it("stops an operator over its owner's limit, with the amounts in USDC (--json, --key-file)", async function () {
      const keyFile = path.join(tmpdir(), `agora-cli-operator-${process.pid}.key`);
      writeFileSync(keyFile, OPERATOR);
      const over = await runCli(["job", "hire", "--client", ids.limited, "--listing", ids.listing, "--key-file", keyFile, "--json", ...base], { AGORA_RPC_URL: node.rpcUrl });
      expectNoStack(over);
      expect(over.code).to.equal(1);
      expect(json(over)).to.deep.equal({
        ok: false,
        error: {
          code: "CONTRACT_REVERT",
          message: "spending limit: 24h cap 10.00 USDC, already committed 0.00, asked 20.00",
          errorName: "VaultDailyCapExceeded",
          args: { agentId: ids.limited, cap: "10000000", spent: "0", amount: "20000000" },
        },
      });
    });

    it("reports a job in the wrong state", async function () {
      const hired = await ok(["job", "hire", "--client", ids.client, "--listing", ids.other], CLIENT);
      const r = await runCli(["job", "approve", String(hired.jobId), ...base], as(CLIENT));
      expectNoStack(r);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`\nerror: wrong job state: job ${String(hired.jobId)} is Funded, this action needs it Delivered\n`);
      expect(r.stderr).to.not.contain("sent, waiting");
    });

    it("says when there is no deployment for the network, or the node is down", async function () {
      const missing = await runCli(["info", "--deployment", path.join(tmpdir(), "no-such-agora-deployment.json")], as(CLIENT));
      expectNoStack(missing);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/^error: no deployment for .*no-such-agora-deployment\.json: .* does not exist \(check the path\)/);
      const down = await runCli(["info", ...base, "--rpc", "http://127.0.0.1:9"]);
      expectNoStack(down);
      expect(down.code).to.equal(1);
      expect(down.stderr).to.match(/^error: cannot reach the node/);
    });

    it("refuses an unknown command and a write without a key (child process, exit 2)", async function () {
      const [unknown, noKey] = await Promise.all([
        runCli(["frobnicate"]),
        runCli(["job", "hire", "--client", ids.client, "--listing", ids.listing, ...base], { AGORA_RPC_URL: node.rpcUrl }),
      ]);
      for (const r of [unknown, noKey]) {
        expectNoStack(r);
        expect(r.code).to.equal(2);
      }
      expect(unknown.stderr).to.contain('error: unknown command "frobnicate"');
      expect(noKey.stderr).to.contain("error: this command sends a transaction: set AGORA_PRIVATE_KEY or pass --key-file <file>");
    });

    it("refuses unknown options, networks and malformed values (exit 2, in process)", async function () {
      const rpc = ["--rpc", node.rpcUrl];
      const cases: [string[], RegExp][] = [
        [["job", "frob", "1"], /error: unknown command "job frob": job has hire, show, accept/],
        [["job", "show", "abc", ...base, ...rpc], /error: invalid <jobId> "abc": expected a positive integer/],
        [["job", "show", "0", ...base, ...rpc], /error: invalid <jobId> "0": expected a positive integer/],
        [["job", "show", "1", "2", ...base, ...rpc], /error: unexpected argument "2"/],
        [["job", "hire", "--client", "1", "--bogus", ...base], /Unknown option '--bogus'/],
        [["vault", "deposit", "--agent", "1", "--amount", "1.0000001", ...base, ...rpc], /invalid --amount "1.0000001"/],
        [["vault", "deposit", "--agent", "1", "--amount", "-5", ...base, ...rpc], /Option '--amount' argument is ambiguous/],
        [["vault", "deposit", "--agent", "1", "--amount=-5", ...base, ...rpc], /invalid --amount "-5"/],
        [["vault", "deposit", "--agent", "1", "--amount", "5", "--funding", "cash", ...base, ...rpc], /invalid --funding "cash"/],
        [["info", "--network", "mainnet"], /error: unknown network "mainnet": use localhost, baseSepolia, base/],
        [["info", "--network", "base"], /error: no RPC URL for base: pass --rpc <url> or set AGORA_RPC_URL or BASE_RPC_URL/],
        [["listing", "publish", "--agent", "1", "--price", "1", ...base, ...rpc], /error: give at least one --capability <tag>/],
        [["listing", "publish", "--agent", "1", "--capability", "x", "--price", "1", "--sla", "soon", ...base, ...rpc], /invalid --sla "soon"/],
        [["job", "feedback", "1", "--score", "101", ...base, ...rpc], /invalid --score "101": expected an integer 0..100/],
        [["dispute", "vote", "1", "--share-bps", "20000", ...base, ...rpc], /invalid --share-bps "20000"/],
        [["agent", "set-operator", "1", "--operator", "nope", "--deadline", "1", "--signature", "0x00", ...base, ...rpc], /invalid --operator "nope"/],
        [["info", "--key-file", "/nonexistent/agora.key", ...base, ...rpc], /key file \/nonexistent\/agora.key does not exist/],
      ];
      const saved = process.env.BASE_RPC_URL;
      delete process.env.BASE_RPC_URL;
      try {
        for (const [args, message] of cases) {
          const r = await runInProcess(args);
          expect(r.code, args.join(" ")).to.equal(2);
          expect(r.stderr, args.join(" ")).to.match(message);
        }
      } finally {
        if (saved !== undefined) process.env.BASE_RPC_URL = saved;
      }
      const leading = await runInProcess(["--json", ...rpc, ...base, "agent", "show", String(ids.provider)]);
      expect(leading.code, leading.stderr).to.equal(0);
      expect(json(leading)).to.deep.include({ ok: true, command: "agent show", agentId: ids.provider });
      expect((await runInProcess(["--verbose", "info"])).stderr).to.contain("error: unknown option --verbose before the command");
      const asJson = await runInProcess(["agent", "show", "x", "--json", ...base, ...rpc]);
      expect(asJson.code).to.equal(2);
      expect(json(asJson)).to.deep.equal({ ok: false, error: { code: "INVALID_INPUT", message: 'invalid <agentId> "x": expected a positive integer', args: {} } });
    });
  });
});
