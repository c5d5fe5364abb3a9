import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ROOT } from "./helpers";

/** A TCP port nothing listens on right now (127.0.0.1). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `npm start -- --once` end to end (the script `npm start` runs after its compile step): its own Hardhat node,
 * deployment, graph host and demo economy on free ports, then the summary read from the subgraph.
 */
describe("npm start -- --once", function () {
  this.timeout(240_000);

  it("runs the demo economy and prints agents ranked by reputation from the subgraph, then exits 0", async function () {
    const [port, graphPort] = [await freePort(), await freePort()];
    const deployment = path.join(mkdtempSync(path.join(tmpdir(), "agora-start-")), "localhost.json");
    const shared = path.join(ROOT, "deployments", "localhost.json");
    const sharedBefore = existsSync(shared) ? statSync(shared).mtimeMs : undefined;
    const started = Date.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/start.ts", "--once", "--deployment", deployment], {
        cwd: ROOT,
        env: { ...process.env, PORT: String(port), GRAPH_PORT: String(graphPort) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("exit", (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const seconds = (Date.now() - started) / 1000;
    expect(code, `${stdout}\n${stderr}`).to.equal(0);
    expect(seconds).to.be.below(180);

    for (const step of ["[1/5] starting a Hardhat node", "[2/5] deploying Agora", "[3/5] starting the graph host", "[4/5] running the demo economy", "[5/5] agents ranked by reputation"]) {
      expect(stdout).to.contain(step);
    }
    // The story: chain of hires, x402 micropayments, validator, oracle ruling, limit then freeze.
    expect(stdout).to.match(/discovered ml\.deploy: listing \d+ of agent \d+/);
    expect(stdout).to.match(/250 paid calls served/);
    expect(stdout).to.match(/claimed 0\.25 USDC for 250 calls in ONE transaction/);
    expect(stdout).to.match(/validator verdict → Completed/);
    expect(stdout).to.match(/the AI jury's verdict: 30\.00% to translator/);
    expect(stdout).to.contain("refused (VaultDailyCapExceeded): spending limit: 24h cap 50.00 USDC, already committed 48.00, asked 5.00");
    expect(stdout).to.match(/refused \(AgentFrozen\): agent \d+ is frozen/);

    // The summary comes from the subgraph, best score first, every agent present.
    expect(stdout).to.match(/from the subgraph \(indexed to block \d+\)/);
    expect(stdout).to.not.contain("NOT the subgraph");
    const table = stdout.slice(stdout.indexOf("[5/5]")).split("\n");
    const rows = table.filter((l) => /^\s+\d+\s{2}\S/.test(l) && /%/.test(l));
    expect(rows.length).to.equal(10);
    for (const name of ["deploy-bot", "trainer", "data-cleaner", "market-data", "auditor", "translator", "acme-app", "quant", "wallet-app", "shopper (frozen)"]) {
      expect(rows.some((r) => r.includes(` ${name} `)), name).to.equal(true);
    }
    const scores = rows.map((r) => Number(/\s(\d+\.\d\d)%/.exec(r)?.[1]));
    expect(scores).to.deep.equal([...scores].sort((a, b) => b - a));
    expect(scores[0]).to.be.greaterThan(0);
    expect(stdout).to.contain(`GraphQL    http://127.0.0.1:${graphPort}/subgraphs/name/agora`);
    expect(stdout).to.contain(`JSON-RPC   http://127.0.0.1:${port}`);

    // The manifest went where it was told; the shared one was not touched.
    expect(JSON.parse(readFileSync(deployment, "utf8"))).to.include({ network: "localhost", chainId: 31337 });
    expect(existsSync(shared) ? statSync(shared).mtimeMs : undefined).to.equal(sharedBefore);
  });
});
