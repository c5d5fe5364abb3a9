/**
 * JSON-RPC access for the indexer: raw `send(method, params)` over ethers' JsonRpcProvider (which batches
 * concurrent requests and maps JSON-RPC errors), plus the conversions from JSON-RPC objects to the indexer's
 * block, transaction, log and receipt records.
 */
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult } from "ethers";
import type { EthBlock, EthLog, EthReceipt, EthTransaction } from "./wasm/ethereum";

export interface RpcClient {
  send(method: string, params: readonly unknown[]): Promise<unknown>;
  destroy?(): void;
}

/**
 * ethers' JsonRpcProvider with its transport replaced by Node's fetch and native JSON parsing (ethers' documented
 * `_send` override point). ethers decodes response bodies with its own UTF-8 decoder, which took about half a
 * second per 2 MB `eth_getLogs` answer: most of the indexing time.
 */
class FetchJsonRpcProvider extends JsonRpcProvider {
  constructor(private readonly endpoint: string) {
    super(endpoint, undefined, { staticNetwork: true, batchMaxCount: 100, batchStallTime: 2 });
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const res = await fetch(this.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
    });
    if (!res.ok) throw new Error(`JSON-RPC endpoint ${this.endpoint} answered HTTP ${res.status}`);
    const json = (await res.json()) as JsonRpcResult | JsonRpcResult[];
    return Array.isArray(json) ? json : [json];
  }
}

/** An RPC client for an HTTP JSON-RPC endpoint. */
export function httpRpc(url: string): RpcClient {
  const provider = new FetchJsonRpcProvider(url);
  return {
    send: (method, params) => provider.send(method, [...params]) as Promise<unknown>,
    destroy: () => provider.destroy(),
  };
}

type Json = Record<string, unknown>;

function hexNum(v: unknown, fallback = 0n): bigint {
  return typeof v === "string" && v.length > 0 ? BigInt(v) : fallback;
}

function hexStr(v: unknown, fallback = "0x"): string {
  return typeof v === "string" ? v.toLowerCase() : fallback;
}

const ZERO32 = `0x${"0".repeat(64)}`;

export interface RpcBlock {
  readonly block: EthBlock;
  readonly transactions: ReadonlyMap<string, EthTransaction>;
}

export function toBlock(raw: unknown): RpcBlock {
  const b = raw as Json;
  const block: EthBlock = {
    hash: hexStr(b["hash"]),
    parentHash: hexStr(b["parentHash"], ZERO32),
    unclesHash: hexStr(b["sha3Uncles"], ZERO32),
    author: hexStr(b["miner"], `0x${"0".repeat(40)}`),
    stateRoot: hexStr(b["stateRoot"], ZERO32),
    transactionsRoot: hexStr(b["transactionsRoot"], ZERO32),
    receiptsRoot: hexStr(b["receiptsRoot"], ZERO32),
    number: hexNum(b["number"]),
    gasUsed: hexNum(b["gasUsed"]),
    gasLimit: hexNum(b["gasLimit"]),
    timestamp: hexNum(b["timestamp"]),
    difficulty: hexNum(b["difficulty"]),
    totalDifficulty: hexNum(b["totalDifficulty"]),
    size: typeof b["size"] === "string" ? BigInt(b["size"]) : null,
    baseFeePerGas: typeof b["baseFeePerGas"] === "string" ? BigInt(b["baseFeePerGas"]) : null,
  };
  const transactions = new Map<string, EthTransaction>();
  for (const t of Array.isArray(b["transactions"]) ? (b["transactions"] as unknown[]) : []) {
    if (typeof t !== "object" || t === null) continue;
    const tx = t as Json;
    const hash = hexStr(tx["hash"]);
    transactions.set(hash, {
      hash,
      index: hexNum(tx["transactionIndex"]),
      from: hexStr(tx["from"]),
      to: typeof tx["to"] === "string" ? tx["to"].toLowerCase() : null,
      value: hexNum(tx["value"]),
      gasLimit: hexNum(tx["gas"]),
      gasPrice: hexNum(tx["gasPrice"], hexNum(tx["maxFeePerGas"])),
      input: hexStr(tx["input"] ?? tx["data"]),
      nonce: hexNum(tx["nonce"]),
    });
  }
  return { block, transactions };
}

export function toLog(raw: unknown): EthLog {
  const l = raw as Json;
  return {
    address: hexStr(l["address"]),
    topics: (Array.isArray(l["topics"]) ? (l["topics"] as unknown[]) : []).map((t) => hexStr(t)),
    data: hexStr(l["data"]),
    blockHash: hexStr(l["blockHash"]),
    blockNumber: Number(hexNum(l["blockNumber"])),
    transactionHash: hexStr(l["transactionHash"]),
    transactionIndex: Number(hexNum(l["transactionIndex"])),
    logIndex: Number(hexNum(l["logIndex"])),
    removed: l["removed"] === true,
  };
}

export function toReceipt(raw: unknown): EthReceipt {
  const r = raw as Json;
  return {
    transactionHash: hexStr(r["transactionHash"]),
    transactionIndex: hexNum(r["transactionIndex"]),
    blockHash: hexStr(r["blockHash"]),
    blockNumber: hexNum(r["blockNumber"]),
    cumulativeGasUsed: hexNum(r["cumulativeGasUsed"]),
    gasUsed: hexNum(r["gasUsed"]),
    contractAddress: typeof r["contractAddress"] === "string" ? r["contractAddress"].toLowerCase() : null,
    logs: (Array.isArray(r["logs"]) ? (r["logs"] as unknown[]) : []).map(toLog),
    status: typeof r["status"] === "string" ? BigInt(r["status"]) : null,
    root: typeof r["root"] === "string" ? r["root"].toLowerCase() : null,
    logsBloom: hexStr(r["logsBloom"], `0x${"0".repeat(512)}`),
  };
}
