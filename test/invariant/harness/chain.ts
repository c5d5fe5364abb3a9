import { AbiCoder, HDNodeWallet, Interface, type InterfaceAbi, type Wallet, getAddress, keccak256 } from "ethers";
import { artifacts, network } from "hardhat";

/*
 * The chain side of the stateful fuzzer: raw JSON-RPC against the in-process Hardhat network (one round trip per
 * transaction, no gas estimation, no receipt polling), ABI interfaces read from the artifacts, revert decoding into
 * `{ name, args }`, and the local keys that sign permits, authorizations, vouchers and proofs.
 */

export type Addr = string; // lowercase hex

/** Gas of every fuzzer transaction: enough for the gas-capped module calls (validator 200k, arbitrator 500k). */
export const TX_GAS = "0x4c4b40"; // 5,000,000

export const lower = (a: string): Addr => a.toLowerCase();

export async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  return (await network.provider.request({ method, params })) as T;
}

const ifaceCache = new Map<string, Interface>();
/** The ABI interface of a compiled contract (from the artifacts of this build). */
export function iface(name: string): Interface {
  let i = ifaceCache.get(name);
  if (!i) {
    i = new Interface(artifacts.readArtifactSync(name).abi as InterfaceAbi);
    ifaceCache.set(name, i);
  }
  return i;
}

/** A decoded revert: custom error name and arguments (addresses lowercase), `<empty>` or `Panic`. */
export interface Decoded {
  name: string;
  args: unknown[];
}

let errorIface: Interface | undefined;
const ERROR_SOURCES = [
  "AgoraVault",
  "JobEscrow",
  "PaymentChannels",
  "AgentRegistry",
  "ListingRegistry",
  "ReputationLedger",
  "MockUSDC",
  "FuzzToken",
  "FuzzWallet",
  "CommitteeArbitrator",
  "OracleArbitrator",
  "RevertingArbitrator",
  "RevertingValidator",
  "MockArbitrable",
];

function errors(): Interface {
  if (errorIface) return errorIface;
  const seen = new Set<string>();
  const frags: string[] = [];
  for (const name of ERROR_SOURCES) {
    for (const f of iface(name).fragments) {
      if (f.type !== "error") continue;
      const sig = f.format("sighash");
      if (seen.has(sig)) continue;
      seen.add(sig);
      frags.push(f.format("full"));
    }
  }
  errorIface = new Interface(frags);
  return errorIface;
}

function normalize(v: unknown): unknown {
  if (typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v)) return v.toLowerCase();
  if (typeof v === "number") return BigInt(v);
  if (Array.isArray(v)) return v.map(normalize);
  return v;
}

export function decodeRevert(data: string | undefined): Decoded {
  if (!data || data === "0x") return { name: "<empty>", args: [] };
  if (data.startsWith("0x4e487b71")) {
    const [code] = AbiCoder.defaultAbiCoder().decode(["uint256"], "0x" + data.slice(10));
    return { name: "Panic", args: [code as bigint] };
  }
  if (data.startsWith("0x08c379a0")) {
    const [msg] = AbiCoder.defaultAbiCoder().decode(["string"], "0x" + data.slice(10));
    return { name: "Error", args: [msg as string] };
  }
  try {
    const parsed = errors().parseError(data);
    if (parsed) return { name: parsed.name, args: [...parsed.args].map(normalize) };
  } catch {
    // fall through
  }
  return { name: `<unknown ${data.slice(0, 10)}>`, args: [data] };
}

export type TxResult = { ok: true } | { ok: false; error: Decoded; raw: string };

function revertData(e: unknown): string | undefined {
  const err = e as { data?: unknown; error?: { data?: unknown } };
  if (typeof err.data === "string") return err.data;
  if (err.data && typeof err.data === "object" && typeof (err.data as { data?: unknown }).data === "string") {
    return (err.data as { data: string }).data;
  }
  if (err.error && typeof err.error.data === "string") return err.error.data;
  return undefined;
}

/** Sends one transaction mined at exactly `timestamp`; a revert is returned, not thrown. */
export async function sendAt(timestamp: bigint, from: Addr, to: Addr, data: string): Promise<TxResult> {
  await rpc("evm_setNextBlockTimestamp", [Number(timestamp)]);
  try {
    await rpc("eth_sendTransaction", [{ from, to, data, gas: TX_GAS }]);
    return { ok: true };
  } catch (e) {
    const raw = revertData(e);
    if (raw === undefined) throw e;
    return { ok: false, error: decodeRevert(raw), raw };
  }
}

/** `eth_call` on the pending block (its timestamp is the one last set with `evm_setNextBlockTimestamp`). */
export async function callPending(from: Addr, to: Addr, data: string): Promise<TxResult> {
  try {
    await rpc("eth_call", [{ from, to, data, gas: TX_GAS }, "pending"]);
    return { ok: true };
  } catch (e) {
    const raw = revertData(e);
    if (raw === undefined) throw e;
    return { ok: false, error: decodeRevert(raw), raw };
  }
}

export async function callAt(to: Addr, data: string, block: string): Promise<string> {
  return rpc<string>("eth_call", [{ to, data }, block]);
}

/** Parses a flat `uint256[]` return (the lens) without the ABI coder. */
export function parseUintArray(hex: string): bigint[] {
  const body = hex.slice(2);
  const len = Number(BigInt("0x" + body.slice(64, 128)));
  const out = new Array<bigint>(len);
  for (let i = 0; i < len; i++) {
    const start = 128 + i * 64;
    out[i] = BigInt("0x" + body.slice(start, start + 64));
  }
  return out;
}

export function addrOf(word: bigint): Addr {
  return "0x" + word.toString(16).padStart(40, "0");
}

/** Local keys of the Hardhat accounts (default mnemonic unless the config names another). */
export function localKeys(count: number): Wallet[] {
  const accounts = network.config.accounts as { mnemonic?: string; path?: string } | string[];
  const phrase =
    !Array.isArray(accounts) && accounts.mnemonic ? accounts.mnemonic : "test test test test test test test test test test test junk";
  const path = !Array.isArray(accounts) && accounts.path ? accounts.path : "m/44'/60'/0'/0";
  const root = HDNodeWallet.fromPhrase(phrase, undefined, path);
  const out: Wallet[] = [];
  for (let i = 0; i < count; i++) out.push(root.deriveChild(i) as unknown as Wallet);
  return out;
}

export const checksum = (a: Addr): string => getAddress(a);

export function channelIdOf(clientId: bigint, providerId: bigint, salt: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256", "bytes32"], [clientId, providerId, salt])).toLowerCase();
}
