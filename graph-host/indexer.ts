/**
 * Follows a JSON-RPC node and feeds the mappings, in graph-node's order.
 *
 * Each step reads logs with `eth_getLogs` over a block range (from each data source's startBlock, filtered by
 * address and topic0), fetches the blocks that have triggers, and processes them in block order. Within a block:
 * `once` block handlers first, then every log in log-index order (for each log, every matching data source in
 * creation order, and each of its handlers for that event in manifest order), then the other block handlers.
 * Each handler runs in its own WASM instance; its writes are dropped if it fails, and a failure stops indexing at
 * that block (a deterministic error, as graph-node without non-fatal errors). A block's writes are committed
 * together. Data sources created from templates in block N also receive block N's triggers, then the range is
 * restarted at N + 1 with their addresses.
 */
import { getAddress, type EventFragment } from "ethers";
import type { DataSourceDef, EventHandlerDef, Manifest, MappingDef, TemplateDef } from "./manifest";
import { toBlock, toLog, toReceipt, type RpcBlock, type RpcClient } from "./rpc";
import type { Schema } from "./schema";
import { BlockWriter, type EntityStore } from "./store";
import { hexToBytes, HostError, normalizeHex, type Entity } from "./values";
import { decodeLogParams, writeBlock, writeEvent, type EthLog, type EthReceipt } from "./wasm/ethereum";
import { LOG_LEVEL_NAMES, MappingModule } from "./wasm/runtime";

export interface LogEntry {
  readonly level: (typeof LOG_LEVEL_NAMES)[number];
  readonly message: string;
  readonly dataSource: string;
  readonly block: number;
}

export interface BlockPointer {
  readonly number: number;
  readonly hash: string;
  readonly parentHash: string;
  readonly timestamp: number;
}

export interface IndexingFailure {
  readonly message: string;
  readonly block: number;
  readonly dataSource: string;
  readonly handler: string;
}

export interface IndexerOptions {
  readonly rpc: RpcClient;
  /** Milliseconds between polls for new blocks once synced (default 250). */
  readonly pollIntervalMs?: number;
  /** Largest `eth_getLogs` block range (default 2000; halved on provider errors). */
  readonly blockRange?: number;
  /** Receives mapping logs (`log.info` and friends) and host messages. */
  readonly logger?: (entry: LogEntry) => void;
}

interface RunningDataSource {
  readonly name: string;
  readonly addressHex: string | null;
  readonly address: Uint8Array;
  readonly startBlock: number;
  readonly endBlock: number | null;
  readonly network: string;
  readonly context: Entity | null;
  readonly mapping: MappingDef;
  readonly module: MappingModule;
  readonly byTopic: ReadonlyMap<string, readonly EventHandlerDef[]>;
}

/** Compiles one module per distinct WASM file and checks its imports and handler exports. */
function compile(name: string, mapping: MappingDef, cache: Map<string, MappingModule>): MappingModule {
  let m = cache.get(mapping.wasmFile);
  if (!m) {
    const handlers = [...mapping.eventHandlers.map((h) => h.handler), ...mapping.blockHandlers.map((h) => h.handler)];
    m = MappingModule.load(name, mapping.wasm, mapping.apiVersion, handlers);
    cache.set(mapping.wasmFile, m);
  }
  return m;
}

function byTopic(mapping: MappingDef): Map<string, EventHandlerDef[]> {
  const out = new Map<string, EventHandlerDef[]>();
  for (const h of mapping.eventHandlers) out.set(h.topic0, [...(out.get(h.topic0) ?? []), h]);
  return out;
}

export class Indexer {
  private readonly modules = new Map<string, MappingModule>();
  private readonly dataSources: RunningDataSource[] = [];
  private readonly templates: ReadonlyMap<string, TemplateDef>;
  private pointer: BlockPointer | null = null;
  private failure: IndexingFailure | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private range: number;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly waiters: Array<{ block: number; resolve: () => void; reject: (e: Error) => void }> = [];
  /** Event handler calls so far (for benchmarks). */
  eventsProcessed = 0;

  constructor(
    readonly manifest: Manifest,
    readonly schema: Schema,
    readonly store: EntityStore,
    private readonly options: IndexerOptions,
  ) {
    for (const ds of manifest.dataSources) this.dataSources.push(this.fromManifest(ds));
    for (const t of manifest.templates) compile(t.name, t.mapping, this.modules);
    this.templates = new Map(manifest.templates.map((t) => [t.name, t]));
    this.range = options.blockRange ?? 2000;
  }

  private fromManifest(ds: DataSourceDef): RunningDataSource {
    return {
      name: ds.name,
      addressHex: ds.address,
      address: ds.address === null ? new Uint8Array(0) : hexToBytes(ds.address),
      startBlock: ds.startBlock,
      endBlock: ds.endBlock,
      network: ds.network,
      context: ds.context,
      mapping: ds.mapping,
      module: compile(ds.name, ds.mapping, this.modules),
      byTopic: byTopic(ds.mapping),
    };
  }

  get block(): BlockPointer | null {
    return this.pointer;
  }

  get failed(): IndexingFailure | null {
    return this.failure;
  }

  private log(level: number, message: string, dataSource: string, block: number): void {
    const entry: LogEntry = { level: LOG_LEVEL_NAMES[level] ?? "INFO", message, dataSource, block };
    if (this.options.logger) this.options.logger(entry);
  }

  /** Starts following the chain in the background (see `stop`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        while (!this.stopped && (await this.step())) {
          /* keep going while there is work */
        }
      } catch (e) {
        this.log(1, `indexer: ${(e as Error).message}`, "host", this.pointer?.number ?? -1);
      }
      if (!this.stopped) this.timer = setTimeout(() => void (this.running = tick()), this.options.pollIntervalMs ?? 250);
    };
    this.running = tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    for (const w of this.waiters.splice(0)) w.reject(new Error("indexer stopped"));
  }

  /** Processes ranges until the indexer has reached the node's head (or failed). */
  async syncToHead(): Promise<void> {
    while (await this.step()) {
      /* next range */
    }
  }

  /** Resolves when the indexer has processed `block` (rejects if indexing fails first). */
  waitForBlock(block: number, timeoutMs = 30_000): Promise<void> {
    if (this.failure) return Promise.reject(new Error(`indexing failed: ${this.failure.message}`));
    if (this.pointer && this.pointer.number >= block) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for block ${block}`)), timeoutMs);
      this.waiters.push({
        block,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  private notify(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as (typeof this.waiters)[number];
      if (this.failure) {
        w.reject(new Error(`indexing failed: ${this.failure.message}`));
        this.waiters.splice(i, 1);
      } else if (this.pointer && this.pointer.number >= w.block) {
        w.resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  /**
   * Processes up to one block range. Returns whether there may be more work right away. Calls are serialised, so
   * `syncToHead` and the polling loop never process a range twice.
   */
  step(): Promise<boolean> {
    const next = this.queue.then(() => this.stepExclusive());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async stepExclusive(): Promise<boolean> {
    if (this.failure) return false;
    const head = Number(BigInt((await this.options.rpc.send("eth_blockNumber", [])) as string));
    if (this.pointer !== null) {
      // No reorg handling: if the last processed block is no longer canonical, stop rather than serve stale data.
      const current = (await this.options.rpc.send("eth_getBlockByNumber", [`0x${this.pointer.number.toString(16)}`, false])) as {
        hash?: string;
      } | null;
      if (!current || current.hash?.toLowerCase() !== this.pointer.hash) {
        this.failure = {
          message: `the chain reorganised at or below block ${this.pointer.number} (its hash changed); this host does not revert blocks, restart it to reindex`,
          block: this.pointer.number,
          dataSource: "host",
          handler: "",
        };
        this.log(0, this.failure.message, "host", this.pointer.number);
        this.notify();
        return false;
      }
    }
    const first = Math.min(...this.dataSources.map((d) => d.startBlock));
    const from = this.pointer === null ? (Number.isFinite(first) ? first : 0) : this.pointer.number + 1;
    if (from > head) return false;
    const to = Math.min(head, from + this.range - 1);
    const logs = await this.getLogs(from, to);
    const blocks = this.blocksWithTriggers(from, to, logs);
    const fetched = new Map<number, Promise<RpcBlock>>();
    const fetchBlock = (n: number): Promise<RpcBlock> => {
      let p = fetched.get(n);
      if (!p) {
        p = this.options.rpc.send("eth_getBlockByNumber", [`0x${n.toString(16)}`, true]).then((raw) => {
          if (raw === null) throw new HostError(`block ${n} not found`);
          return toBlock(raw);
        });
        fetched.set(n, p);
      }
      return p;
    };
    const AHEAD = 32;
    blocks.slice(0, AHEAD).forEach((n) => void fetchBlock(n).catch(() => undefined));
    let last = to;
    for (let i = 0; i < blocks.length; i++) {
      const n = blocks[i] as number;
      const next = blocks[i + AHEAD];
      if (next !== undefined) void fetchBlock(next).catch(() => undefined);
      const block = await fetchBlock(n);
      const created = await this.processBlock(n, block, logs.get(n) ?? []);
      fetched.delete(n);
      if (this.failure) {
        this.notify();
        return false;
      }
      this.setPointer(block);
      if (created) {
        last = n;
        break;
      }
    }
    if (this.pointer === null || this.pointer.number < last) this.setPointer(await fetchBlock(last));
    this.notify();
    return last < head;
  }

  private setPointer(b: RpcBlock): void {
    this.pointer = {
      number: Number(b.block.number),
      hash: b.block.hash,
      parentHash: b.block.parentHash,
      timestamp: Number(b.block.timestamp),
    };
  }

  private activeAt(ds: RunningDataSource, block: number): boolean {
    return block >= ds.startBlock && (ds.endBlock === null || block <= ds.endBlock);
  }

  /** eth_getLogs for the range, split in halves when the node refuses a large range. Grouped by block. */
  private async getLogs(from: number, to: number, sources: readonly RunningDataSource[] = this.dataSources): Promise<Map<number, EthLog[]>> {
    const active = sources.filter((d) => d.startBlock <= to && (d.endBlock === null || d.endBlock >= from) && d.byTopic.size > 0);
    const out = new Map<number, EthLog[]>();
    if (active.length === 0) return out;
    const topics = [...new Set(active.flatMap((d) => [...d.byTopic.keys()]))];
    const anyAddress = active.some((d) => d.addressHex === null);
    const filter: Record<string, unknown> = {
      fromBlock: `0x${from.toString(16)}`,
      toBlock: `0x${to.toString(16)}`,
      topics: [topics],
    };
    if (!anyAddress) filter["address"] = [...new Set(active.map((d) => d.addressHex as string))];
    let raw: unknown;
    try {
      raw = await this.options.rpc.send("eth_getLogs", [filter]);
    } catch (e) {
      if (to <= from) throw e;
      const mid = Math.floor((from + to) / 2);
      this.range = Math.max(1, Math.floor(this.range / 2));
      const a = await this.getLogs(from, mid, sources);
      const b = await this.getLogs(mid + 1, to, sources);
      for (const [k, v] of b) a.set(k, v);
      return a;
    }
    for (const l of (raw as unknown[]).map(toLog)) {
      if (l.removed) continue;
      const list = out.get(l.blockNumber);
      if (list) list.push(l);
      else out.set(l.blockNumber, [l]);
    }
    for (const list of out.values()) list.sort((a, b) => a.logIndex - b.logIndex);
    return out;
  }

  private blocksWithTriggers(from: number, to: number, logs: ReadonlyMap<number, EthLog[]>): number[] {
    const set = new Set<number>(logs.keys());
    for (const ds of this.dataSources) {
      for (const bh of ds.mapping.blockHandlers) {
        const lo = Math.max(from, ds.startBlock);
        const hi = ds.endBlock === null ? to : Math.min(to, ds.endBlock);
        if (bh.filter.kind === "once") {
          if (ds.startBlock >= from && ds.startBlock <= to) set.add(ds.startBlock);
        } else {
          const every = bh.filter.kind === "polling" ? bh.filter.every : 1;
          const firstHit = lo + ((((ds.startBlock - lo) % every) + every) % every);
          for (let b = firstHit; b <= hi; b += every) set.add(b);
        }
      }
    }
    return [...set].sort((a, b) => a - b);
  }

  /** Runs one block's triggers and commits it. Returns whether data sources were created. */
  private async processBlock(n: number, rpcBlock: RpcBlock, logs: readonly EthLog[]): Promise<boolean> {
    const writer = new BlockWriter(this.store, n);
    const created: RunningDataSource[] = [];
    const receipts = new Map<string, Promise<EthReceipt>>();
    const receiptOf = (hash: string): Promise<EthReceipt> => {
      let p = receipts.get(hash);
      if (!p) {
        p = this.options.rpc.send("eth_getTransactionReceipt", [hash]).then(toReceipt);
        receipts.set(hash, p);
      }
      return p;
    };

    const runBlockHandlers = (sources: readonly RunningDataSource[], once: boolean): boolean => {
      for (const ds of sources) {
        if (!this.activeAt(ds, n)) continue;
        for (const bh of ds.mapping.blockHandlers) {
          if ((bh.filter.kind === "once") !== once) continue;
          if (bh.filter.kind === "once" && n !== ds.startBlock) continue;
          if (bh.filter.kind === "polling" && (n - ds.startBlock) % bh.filter.every !== 0) continue;
          const ok = this.runHandler(ds, bh.handler, writer, created, (heap) => writeBlock(heap, ds.mapping.apiVersion, rpcBlock.block));
          if (!ok) return false;
        }
      }
      return true;
    };

    const runLogs = async (sources: readonly RunningDataSource[], blockLogs: readonly EthLog[]): Promise<boolean> => {
      for (const log of blockLogs) {
        const topic0 = log.topics[0];
        if (topic0 === undefined) continue;
        for (const ds of sources) {
          if (!this.activeAt(ds, n)) continue;
          if (ds.addressHex !== null && ds.addressHex !== log.address) continue;
          const handlers = ds.byTopic.get(topic0);
          if (!handlers) continue;
          for (const h of handlers) {
            if (!matchesTopicFilters(h, log)) continue;
            const tx = rpcBlock.transactions.get(log.transactionHash);
            if (!tx) throw new HostError(`block ${n} has no transaction ${log.transactionHash}`);
            const receipt = h.receipt ? await receiptOf(log.transactionHash) : null;
            this.eventsProcessed += 1;
            // Decoding happens inside the handler run, so an undecodable log fails the subgraph at this block.
            const ok = this.runHandler(ds, h.handler, writer, created, (heap) =>
              writeEvent(heap, ds.mapping.apiVersion, {
                address: log.address,
                logIndex: BigInt(log.logIndex),
                block: rpcBlock.block,
                transaction: tx,
                params: decodeParams(h.fragment, log),
                receipt,
              }),
            );
            if (!ok) return false;
          }
        }
      }
      return true;
    };

    if (!runBlockHandlers(this.dataSources, true)) return false;
    if (!(await runLogs(this.dataSources, logs))) return false;
    if (!runBlockHandlers(this.dataSources, false)) return false;
    // Data sources created in this block also get this block's triggers (and may create more).
    let fresh = created.splice(0);
    const anyCreated = fresh.length > 0;
    while (fresh.length > 0) {
      this.dataSources.push(...fresh);
      const freshLogs = (await this.getLogs(n, n, fresh)).get(n) ?? [];
      if (!runBlockHandlers(fresh, true)) return false;
      if (!(await runLogs(fresh, freshLogs))) return false;
      if (!runBlockHandlers(fresh, false)) return false;
      fresh = created.splice(0);
    }
    writer.commit();
    return anyCreated;
  }

  private runHandler(
    ds: RunningDataSource,
    handler: string,
    writer: BlockWriter,
    created: RunningDataSource[],
    makeArg: Parameters<MappingModule["run"]>[2],
  ): boolean {
    writer.beginHandler();
    try {
      ds.module.run(
        handler,
        {
          writer,
          dataSourceName: ds.name,
          address: ds.address,
          network: ds.network,
          context: ds.context,
          log: (level, message) => this.log(level, message, ds.name, writer.blockNumber),
          createDataSource: (template, params, context) => created.push(this.instantiate(template, params, context, writer.blockNumber, ds.name)),
        },
        makeArg,
      );
      writer.endHandler(true);
      return true;
    } catch (e) {
      writer.endHandler(false);
      const message = e instanceof Error ? e.message : String(e);
      this.failure = { message, block: writer.blockNumber, dataSource: ds.name, handler };
      this.log(0, `handler ${handler} failed at block ${writer.blockNumber}: ${message}`, ds.name, writer.blockNumber);
      return false;
    }
  }

  private instantiate(name: string, params: readonly string[], context: Entity | null, block: number, parent: string): RunningDataSource {
    const t = this.templates.get(name);
    if (!t) {
      throw new HostError(
        `Failed to create data source from name \`${name}\`: No template with this name in parent data source \`${parent}\`. Available names: ${[...this.templates.keys()].join(", ")}.`,
      );
    }
    const address = normalizeHex(params[0] ?? "");
    if (address === null || address.length !== 42) throw new HostError(`data source template ${name} needs an address parameter, got ${params.join(",")}`);
    this.log(3, `Create data source ${name} ${getAddress(address)}`, parent, block);
    return {
      name: t.name,
      addressHex: address,
      address: hexToBytes(address),
      startBlock: block,
      endBlock: null,
      network: t.network,
      context,
      mapping: t.mapping,
      module: compile(t.name, t.mapping, this.modules),
      byTopic: byTopic(t.mapping),
    };
  }
}

function matchesTopicFilters(h: EventHandlerDef, log: EthLog): boolean {
  for (let i = 0; i < 3; i++) {
    const allowed = h.topicFilters[i];
    if (allowed && !allowed.includes(log.topics[i + 1] ?? "")) return false;
  }
  return true;
}

function decodeParams(fragment: EventFragment, log: EthLog): ReturnType<typeof decodeLogParams> {
  try {
    return decodeLogParams(fragment.inputs, log.topics, log.data);
  } catch (e) {
    throw new HostError(`Unable to decode log ${log.transactionHash}#${log.logIndex} as ${fragment.format("sighash")}: ${(e as Error).message}`);
  }
}
