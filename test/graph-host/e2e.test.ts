import { loadFixture, mine } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { AbiCoder, keccak256, toUtf8Bytes, type ContractTransactionResponse, type TransactionReceipt } from "ethers";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { artifacts, ethers, network, run } from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { buildSubgraph } from "../../graph-host/build";
import { GraphHost } from "../../graph-host/host";
import type { Json } from "../../graph-host/graphql";
import type { LogEntry } from "../../graph-host/indexer";
import { GraphProbe__factory } from "../../typechain-types";

const PROBE_DIR = path.join(__dirname, "..", "..", "subgraph-probe");
const TAG_A = keccak256(toUtf8Bytes("capability:a"));
const TAG_B = keccak256(toUtf8Bytes("capability:b"));
const INT256_MIN = -(2n ** 255n);
const UINT64_MAX = 2n ** 64n - 1n;

interface JsonRpcServer {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** Keeps the probe subgraph's ABIs equal to the compiled contracts. */
async function syncProbeAbis(): Promise<void> {
  for (const name of ["GraphProbe", "GraphProbeChild"]) {
    const file = path.join(PROBE_DIR, "abis", `${name}.json`);
    const text = `${JSON.stringify((await artifacts.readArtifact(name)).abi, null, 2)}\n`;
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) writeFileSync(file, text);
  }
}

/** `eventId` of the probe mappings: transaction hash followed by the log index as 4 little-endian bytes. */
function eventId(receipt: TransactionReceipt, logIndex: number): string {
  const le = Buffer.alloc(4);
  le.writeInt32LE(logIndex);
  return `${receipt.hash}${le.toString("hex")}`;
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("not mined");
  return receipt;
}

async function timestampOf(blockNumber: number): Promise<number> {
  const block = await ethers.provider.getBlock(blockNumber);
  if (!block) throw new Error(`no block ${blockNumber}`);
  return block.timestamp;
}

/** Deploys GraphProbe and emits one of each event, including three transactions in one block. */
async function probeEventsFixture() {
  const [deployer, alice, bob] = await ethers.getSigners();
  if (!deployer || !alice || !bob) throw new Error("signers");
  const probe = await new GraphProbe__factory(deployer).deploy();
  const deployed = await probe.deploymentTransaction()?.wait();
  if (!deployed) throw new Error("not deployed");
  const scalars1 = await mined(probe.emitScalars(1, -5n * 10n ** 17n, 200, -3, 123_456_789_012n, -7, true, TAG_A));
  const scalars2 = await mined(probe.emitScalars(2, INT256_MIN, 0, -128, UINT64_MAX, -(2 ** 31), false, TAG_B));
  const dynamic = await mined(
    probe.emitDynamic(3, "héllo", "0xdeadbeef", [1n, 2n, 3n], [alice.address, bob.address], { a: 9n, b: bob.address, c: "pair" }, [TAG_A, TAG_B]),
  );
  const topics = await mined(probe.emitTopics("label", "0x0102", 65535));
  // One block, three transactions: list 1 (alice), list 2 (bob), remove 1 (alice).
  await network.provider.send("evm_setAutomine", [false]);
  const sent = [
    await probe.connect(alice).listItem(1, [TAG_A, TAG_B], 2_500_000n, 6, 7, "one"),
    await probe.connect(bob).listItem(2, [TAG_B], 1_234_567n, 6, 9_999, "two"),
    await probe.connect(alice).removeItem(1),
  ];
  await mine(1);
  await network.provider.send("evm_setAutomine", [true]);
  const sameBlock = await Promise.all(sent.map((t) => t.wait().then((r) => r as TransactionReceipt)));
  const spawn = await mined(probe.spawnChild(99, [TAG_A]));
  return { probe, deployer, alice, bob, deployed, scalars1, scalars2, dynamic, topics, sameBlock, spawn };
}

/** A probe whose mapping fails (log.critical) in the second transaction of a block. */
async function failingBlockFixture() {
  const [deployer] = await ethers.getSigners();
  if (!deployer) throw new Error("signers");
  const probe = await new GraphProbe__factory(deployer).deploy();
  const deployed = await probe.deploymentTransaction()?.wait();
  if (!deployed) throw new Error("not deployed");
  const good = await mined(probe.listItem(5, [TAG_A], 1n, 0, 1, "five"));
  await network.provider.send("evm_setAutomine", [false]);
  const sent = [await probe.listItem(6, [TAG_A], 1n, 0, 1, "six"), await probe.listItem(7, [TAG_A], 1n, 0, 1, "fail")];
  await mine(1);
  await network.provider.send("evm_setAutomine", [true]);
  const failing = await Promise.all(sent.map((t) => t.wait().then((r) => r as TransactionReceipt)));
  await mined(probe.listItem(8, [TAG_A], 1n, 0, 1, "eight"));
  return { probe, deployed, good, failing };
}

describe("graph-host end to end: GraphProbe events -> graph build -> host -> GraphQL", function () {
  this.timeout(120_000);
  let rpcServer: JsonRpcServer;
  let rpcUrl = "";
  let buildDir = "";

  before(async function () {
    await syncProbeAbis();
    buildDir = (await buildSubgraph({ subgraphDir: PROBE_DIR })).outputDir;
    rpcServer = (await run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: network.provider })) as JsonRpcServer;
    rpcUrl = `http://127.0.0.1:${(await rpcServer.listen()).port}`;
  });

  after(async function () {
    await rpcServer.close();
  });

  async function startHost(address: string, startBlock: number, logs: LogEntry[] = []): Promise<{ host: GraphHost; url: string }> {
    const host = GraphHost.load({
      buildDir,
      rpcUrl,
      pollIntervalMs: 20,
      logger: (e) => logs.push(e),
      dataSources: { GraphProbe: { address, startBlock } },
    });
    const server = await host.listen({ port: 0 });
    return { host, url: server.url };
  }

  async function post(url: string, query: string, variables?: Record<string, Json>): Promise<{ data?: Json; errors?: unknown }> {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    expect(res.status).to.equal(200);
    return (await res.json()) as { data?: Json; errors?: unknown };
  }

  async function data(url: string, query: string, variables?: Record<string, Json>): Promise<Json> {
    const body = await post(url, query, variables);
    expect(body.errors, JSON.stringify(body.errors)).to.equal(undefined);
    return body.data as Json;
  }

  it("indexes every ABI type graph-ts maps and answers graph-node's query shape", async function () {
    const f = await loadFixture(probeEventsFixture);
    const probeAddress = (await f.probe.getAddress()).toLowerCase();
    const logs: LogEntry[] = [];
    const { host, url } = await startHost(probeAddress, f.deployed.blockNumber, logs);
    try {
      await host.indexer.syncToHead();
      expect(host.indexer.failed).to.equal(null);
      const deployer = f.deployer.address.toLowerCase();
      const alice = f.alice.address.toLowerCase();
      const bob = f.bob.address.toLowerCase();

      expect(await data(url, `{ scalarsEmitteds(orderBy: probeId) {
        id kind sender { id } blockNumber transactionHash probeId big bigScaled bigHex small tiny mid signed32 flag tag tagHash emitter
      } }`)).to.deep.equal({
        scalarsEmitteds: [
          {
            id: eventId(f.scalars1, 0),
            kind: "SCALARS",
            sender: { id: deployer },
            blockNumber: String(f.scalars1.blockNumber),
            transactionHash: f.scalars1.hash,
            probeId: "1",
            big: "-500000000000000000",
            bigScaled: "-0.5",
            bigHex: "0x6f05b59d3b20000",
            small: 200,
            tiny: -3,
            mid: "123456789012",
            signed32: -7,
            flag: true,
            tag: TAG_A,
            tagHash: keccak256(TAG_A),
            emitter: probeAddress,
          },
          {
            id: eventId(f.scalars2, 0),
            kind: "SCALARS",
            sender: { id: deployer },
            blockNumber: String(f.scalars2.blockNumber),
            transactionHash: f.scalars2.hash,
            probeId: "2",
            big: INT256_MIN.toString(),
            // int256 min has 77 digits: normalised to 34 significant digits, truncated toward zero (negative).
            bigScaled: `-5789604461865809771178549250434395${"0".repeat(25)}`,
            bigHex: `0x8${"0".repeat(63)}`,
            small: 0,
            tiny: -128,
            mid: UINT64_MAX.toString(),
            signed32: -2147483648,
            flag: false,
            tag: TAG_B,
            tagHash: keccak256(TAG_B),
            emitter: probeAddress,
          },
        ],
      });

      expect(await data(url, `{ dynamicEmitteds {
        id probeId name nickname blob amounts total parties pairA pairB pairC fixedTags gasUsed timestamp
      } }`)).to.deep.equal({
        dynamicEmitteds: [
          {
            id: eventId(f.dynamic, 0),
            probeId: "3",
            name: "héllo",
            nickname: "héllo",
            blob: "0xdeadbeef",
            amounts: ["1", "2", "3"],
            total: "6",
            parties: [alice, bob],
            pairA: "9",
            pairB: bob,
            pairC: "pair",
            fixedTags: [TAG_A, TAG_B],
            gasUsed: f.dynamic.gasUsed.toString(),
            timestamp: String(await timestampOf(f.dynamic.blockNumber)),
          },
        ],
      });

      expect(await data(url, "{ topicsHasheds { labelHash payloadHash value sender { id } } }")).to.deep.equal({
        topicsHasheds: [{ labelHash: keccak256(toUtf8Bytes("label")), payloadHash: keccak256("0x0102"), value: 65535, sender: { id: deployer } }],
      });

      const [list1, list2, remove1] = f.sameBlock as [TransactionReceipt, TransactionReceipt, TransactionReceipt];
      expect([list1.blockNumber, list2.blockNumber, remove1.blockNumber]).to.deep.equal([list1.blockNumber, list1.blockNumber, list1.blockNumber]);
      expect([list1.index, list2.index, remove1.index]).to.deep.equal([0, 1, 2]);
      const child = AbiCoder.defaultAbiCoder().decode(["address"], f.spawn.logs[0]?.topics[1] ?? "0x")[0] as string;

      expect(await data(url, "{ items(orderBy: id) { id owner { id } tags price priceUsd score name listedAt source } }")).to.deep.equal({
        items: [
          {
            id: "2",
            owner: { id: bob },
            tags: [TAG_B],
            price: "1234567",
            priceUsd: "1.234567",
            score: 9999,
            name: "two",
            listedAt: String(list2.blockNumber),
            source: probeAddress,
          },
          {
            id: "99",
            owner: { id: probeAddress },
            tags: [TAG_A],
            price: "1000000",
            priceUsd: "1",
            score: 1,
            name: "child",
            listedAt: String(f.spawn.blockNumber),
            source: child.toLowerCase(),
          },
        ],
      });

      const lastSeen = async (blockNumber: number): Promise<string> => String(BigInt(await timestampOf(blockNumber)) * 1_000_000n);
      const expectedAccounts = [
        {
          id: deployer,
          eventCount: 4,
          bigSum: (-5n * 10n ** 17n + INT256_MIN).toString(),
          listedValue: "0",
          itemCount: 0,
          lastSeen: await lastSeen(f.topics.blockNumber),
          lastBlock: String(f.topics.blockNumber),
          items: [],
          events: [
            { __typename: "ScalarsEmitted", id: eventId(f.scalars1, 0) },
            { __typename: "ScalarsEmitted", id: eventId(f.scalars2, 0) },
            { __typename: "DynamicEmitted", id: eventId(f.dynamic, 0) },
            { __typename: "TopicsHashed", id: eventId(f.topics, 0) },
          ],
        },
        {
          id: alice,
          eventCount: 2,
          bigSum: "0",
          listedValue: "2.5",
          itemCount: 0,
          lastSeen: await lastSeen(remove1.blockNumber),
          lastBlock: String(remove1.blockNumber),
          items: [],
          events: [],
        },
        {
          id: bob,
          eventCount: 1,
          bigSum: "0",
          listedValue: "1.234567",
          itemCount: 1,
          lastSeen: await lastSeen(list2.blockNumber),
          lastBlock: String(list2.blockNumber),
          items: [{ id: "2" }],
          events: [],
        },
        {
          id: probeAddress,
          eventCount: 1,
          bigSum: "0",
          listedValue: "1",
          itemCount: 1,
          lastSeen: await lastSeen(f.spawn.blockNumber),
          lastBlock: String(f.spawn.blockNumber),
          items: [{ id: "99" }],
          events: [],
        },
      ].sort((a, b) => (a.id < b.id ? -1 : 1));
      expect(
        await data(url, `{ accounts(orderBy: id) {
          id eventCount bigSum listedValue itemCount lastSeen lastBlock
          items { id }
          events(orderBy: blockNumber) { __typename id }
        } }`),
      ).to.deep.equal({ accounts: expectedAccounts });

      expect(
        await data(url, `query Discover($tag: Bytes!) {
          items(where: { tags_contains: [$tag], price_lt: "2000000" }, orderBy: score, orderDirection: desc) { id }
          probeEvents(where: { kind_in: [DYNAMIC, TOPICS] }, orderBy: blockNumber) { kind }
          probeStart(id: "start") { block network }
          _meta { block { number hash } hasIndexingErrors }
        }`, { tag: TAG_B }),
      ).to.deep.equal({
        items: [{ id: "2" }],
        probeEvents: [{ kind: "DYNAMIC" }, { kind: "TOPICS" }],
        probeStart: { block: String(f.deployed.blockNumber), network: "hardhat" },
        _meta: {
          block: { number: f.spawn.blockNumber, hash: (await ethers.provider.getBlock(f.spawn.blockNumber))?.hash ?? "" },
          hasIndexingErrors: false,
        },
      });

      expect(logs.filter((l) => l.level === "INFO" && l.dataSource === "GraphProbe").map((l) => l.message)).to.include.members([
        "ScalarsEmitted probe 1 big -500000000000000000",
        "ScalarsEmitted probe 2 big -57896044618658097711785492504343953926634992332820282019728792003956564819968",
      ]);
      const get = await fetch(`${url}?query=${encodeURIComponent('{ item(id: "2") { name } }')}`);
      expect(await get.json()).to.deep.equal({ data: { item: { name: "two" } } });
      const missing = await fetch(url.replace("/agora", "/other"), { method: "POST", body: "{}" });
      expect(missing.status).to.equal(404);
    } finally {
      await host.stop();
    }
  });

  it("follows new blocks while running", async function () {
    const f = await loadFixture(probeEventsFixture);
    const { host, url } = await startHost((await f.probe.getAddress()).toLowerCase(), f.deployed.blockNumber);
    try {
      host.start();
      await host.indexer.waitForBlock(f.spawn.blockNumber);
      const next = await mined(f.probe.connect(f.alice).listItem(3, [TAG_A], 10n, 1, 5, "three"));
      await host.indexer.waitForBlock(next.blockNumber);
      expect(await data(url, '{ item(id: "3") { priceUsd listedAt } _meta { block { number } } }')).to.deep.equal({
        item: { priceUsd: "1", listedAt: String(next.blockNumber) },
        _meta: { block: { number: next.blockNumber } },
      });
    } finally {
      await host.stop();
    }
  });

  it("stops rather than serve stale data when the chain reorganises", async function () {
    const f = await loadFixture(probeEventsFixture);
    const { host, url } = await startHost((await f.probe.getAddress()).toLowerCase(), f.deployed.blockNumber);
    try {
      const snapshot = (await network.provider.send("evm_snapshot", [])) as string;
      const orphan = await mined(f.probe.listItem(3, [TAG_A], 1n, 0, 1, "orphan"));
      await host.indexer.syncToHead();
      expect(await data(url, '{ item(id: "3") { name } }')).to.deep.equal({ item: { name: "orphan" } });
      await network.provider.send("evm_revert", [snapshot]);
      await mined(f.probe.listItem(4, [TAG_A], 1n, 0, 1, "canonical"));
      await host.indexer.syncToHead();
      expect(host.indexer.failed?.message).to.equal(
        `the chain reorganised at or below block ${orphan.blockNumber} (its hash changed); this host does not revert blocks, restart it to reindex`,
      );
      expect(await data(url, "{ _meta { hasIndexingErrors } }")).to.deep.equal({ _meta: { hasIndexingErrors: true } });
    } finally {
      await host.stop();
    }
  });

  it("stops at the block whose handler fails, dropping that block's writes", async function () {
    const f = await loadFixture(failingBlockFixture);
    const { host, url } = await startHost((await f.probe.getAddress()).toLowerCase(), f.deployed.blockNumber);
    try {
      await host.indexer.syncToHead();
      const failingBlock = (f.failing[0] as TransactionReceipt).blockNumber;
      expect((f.failing[1] as TransactionReceipt).blockNumber).to.equal(failingBlock);
      expect(host.indexer.failed).to.deep.equal({
        message: "Critical error logged in mapping with log message: item 7 asked the subgraph to fail",
        block: failingBlock,
        dataSource: "GraphProbe",
        handler: "handleItemListed",
      });
      expect(await data(url, "{ items { id listedAt } _meta { block { number } hasIndexingErrors } }")).to.deep.equal({
        items: [{ id: "5", listedAt: String(f.good.blockNumber) }],
        _meta: { block: { number: failingBlock - 1 }, hasIndexingErrors: true },
      });
    } finally {
      await host.stop();
    }
  });
});
