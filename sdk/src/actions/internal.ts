/**
 * The machinery every write action shares. A write action is a function `action(client, params, overrides?)`
 * that sends the transaction and returns the `ContractTransactionResponse` (not waiting), with two companions:
 * - `action.call(client, params)` simulates it (`eth_call` from the client's account) and returns what the
 *   contract function returns, or throws the decoded `AgoraError`: use it to check before sending;
 * - `action.populate(client, params)` builds the unsigned transaction (batching, relayers, multisigs).
 * Each action also has an `actionSync(client, params, options?)` variant (in its own module) that waits for the
 * receipt and returns `{ receipt, ...eventArgs }`. Every failure is an `AgoraError`.
 */
import type { BaseContract, ContractTransaction, ContractTransactionReceipt, ContractTransactionResponse, Interface, Overrides } from "ethers";
import type { TypedContractMethod } from "../../../typechain-types/common";
import type { AgoraClient } from "../client";
import { requireSigner } from "../client";
import { AgoraError, findRevertData, toAgoraError } from "../errors";

/** A contract call bound to its arguments. */
export interface Prepared<R> {
  send(overrides: Overrides): Promise<ContractTransactionResponse>;
  simulate(): Promise<R>;
  populate(): Promise<ContractTransaction>;
}

/** Binds a typechain method to its arguments. */
export function bind<A extends Array<unknown>, R>(method: TypedContractMethod<A, R, "nonpayable">, ...args: A): Prepared<ReturnOf<R>> {
  // typechain's argument tuples are the ABI's; the mapped `| Typed` variant only widens them.
  type Args = Parameters<typeof method.send>;
  return {
    send: (overrides) => method.send(...([...args, overrides] as unknown as Args)),
    simulate: () => method.staticCall(...(args as unknown as Args)) as Promise<ReturnOf<R>>,
    populate: () => method.populateTransaction(...(args as unknown as Args)),
  };
}

/** What `staticCall` resolves to: the single return value (typechain's `DefaultReturnType`). */
export type ReturnOf<R> = R extends Array<unknown> ? R[0] : R;

export interface WriteAction<P, R> {
  /** Sends the transaction; resolves once the node accepted it (not mined). */
  (client: AgoraClient, params: P, overrides?: Overrides): Promise<ContractTransactionResponse>;
  /** Simulates the call from the client's account; resolves to the function's return value. */
  call(client: AgoraClient, params: P): Promise<R>;
  /** The unsigned transaction. */
  populate(client: AgoraClient, params: P): Promise<ContractTransaction>;
}

/** Builds a {@link WriteAction} from a function that binds the call. Input errors thrown by `prepare` pass through. */
export function defineWrite<P, R>(prepare: (client: AgoraClient, params: P) => Prepared<R> | Promise<Prepared<R>>): WriteAction<P, R> {
  const send = async (client: AgoraClient, params: P, overrides: Overrides = {}): Promise<ContractTransactionResponse> => {
    requireSigner(client);
    const prepared = await prepare(client, params);
    try {
      return await prepared.send(overrides);
    } catch (error) {
      throw toAgoraError(error);
    }
  };
  const call = async (client: AgoraClient, params: P): Promise<R> => {
    const prepared = await prepare(client, params);
    try {
      return await prepared.simulate();
    } catch (error) {
      throw toAgoraError(error);
    }
  };
  const populate = async (client: AgoraClient, params: P): Promise<ContractTransaction> => (await prepare(client, params)).populate();
  // An own `call` property shadows Function.prototype.call on purpose (the STYLE.md action shape); the
  // interface above declares it, so callers get the typed signature.
  return Object.assign(send, { call, populate }) as unknown as WriteAction<P, R>;
}

/** Options of every `xSync` action. */
export interface SyncOptions {
  overrides?: Overrides;
  /** Blocks to wait for (default 1). */
  confirmations?: number;
  /** Called with the hash once the transaction is sent, before waiting (progress output). */
  onSent?: (hash: string) => void;
}

/** Sends with `action` and waits for the receipt; a revert while mining is decoded too. */
export async function sendAndWait<P, R>(action: WriteAction<P, R>, client: AgoraClient, params: P, options: SyncOptions = {}): Promise<ContractTransactionReceipt> {
  const tx = await action(client, params, options.overrides);
  options.onSent?.(tx.hash);
  return waitForReceipt(tx, options.confirmations);
}

/** Waits for a transaction; throws `AgoraError` if it reverted or was dropped. */
export async function waitForReceipt(tx: ContractTransactionResponse, confirmations = 1): Promise<ContractTransactionReceipt> {
  let receipt: ContractTransactionReceipt | null;
  try {
    receipt = await tx.wait(confirmations);
  } catch (error) {
    throw toAgoraError(error);
  }
  if (!receipt) throw new AgoraError(`transaction ${tx.hash} was dropped`, { code: "TRANSACTION" });
  return receipt;
}

/** A contract whose logs can be decoded (any typechain instance). */
interface LogSource {
  readonly target: BaseContract["target"];
  readonly interface: Interface;
}

/** Every `eventName` log `source` emitted in `receipt`, decoded as typechain's `OutputObject` for that event. */
export function eventsOf<T>(source: LogSource, receipt: ContractTransactionReceipt, eventName: string): T[] {
  const address = String(source.target).toLowerCase();
  const out: T[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = source.interface.parseLog(log);
    // The ABI fixes the shape: typechain's OutputObject for that event.
    if (parsed?.name === eventName) out.push(parsed.args.toObject() as T);
  }
  return out;
}

/** The first `eventName` log of `receipt`, or an `AgoraError` (`TRANSACTION`). */
export function eventOf<T>(source: LogSource, receipt: ContractTransactionReceipt, eventName: string): T {
  const [first] = eventsOf<T>(source, receipt, eventName);
  if (first === undefined) throw new AgoraError(`no ${eventName} event in transaction ${receipt.hash}`, { code: "TRANSACTION" });
  return first;
}

/** The latest block's timestamp (chain time, which a local node may have moved ahead of the wall clock). */
export async function chainTime(client: AgoraClient): Promise<bigint> {
  try {
    const block = await client.provider.getBlock("latest");
    if (!block) throw new AgoraError("the node returned no latest block", { code: "NETWORK" });
    return BigInt(block.timestamp);
  } catch (error) {
    throw toAgoraError(error);
  }
}

/** Runs a read and decodes its failure. */
export async function read<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toAgoraError(error);
  }
}

/** The return of an `xSync` action: the receipt and the decoded arguments of the action's event. */
export type SyncReturn<E> = { receipt: ContractTransactionReceipt } & E;

/**
 * Builds the `xSync` variant of `action`: sends, waits for the receipt, and returns it with the arguments of the
 * first `eventName` log emitted by `source(client)`.
 */
export function defineSync<P, E>(
  action: WriteAction<P, unknown>,
  source: (client: AgoraClient) => LogSource,
  eventName: string,
): (client: AgoraClient, params: P, options?: SyncOptions) => Promise<SyncReturn<E>> {
  return async (client, params, options) => {
    const receipt = await sendAndWait(action, client, params, options);
    return { receipt, ...eventOf<E>(source(client), receipt, eventName) };
  };
}

/**
 * Like {@link bind}, but when no `gasLimit` is given the estimate gets 25% headroom: calls that hand a gas-capped
 * sub-call to an untrusted module (validator, arbitrator) must forward enough gas for it, and an exact estimate
 * can fall short once state changes between estimation and mining. When the node cannot estimate at all without
 * reverting (Hardhat's EDR on the Osaka hardfork fails `eth_estimateGas` for calls that must keep 63/64 of a large
 * gas cap, with "transaction gas limit ... is greater than the cap"), `fallbackGas` is used instead; a real revert
 * is still reported.
 */
export function bindWithHeadroom<A extends Array<unknown>, R>(
  fallbackGas: bigint,
  method: TypedContractMethod<A, R, "nonpayable">,
  ...args: A
): Prepared<ReturnOf<R>> {
  type Args = Parameters<typeof method.send>;
  const base = bind(method, ...args);
  return {
    ...base,
    send: async (overrides) => {
      if (overrides.gasLimit !== undefined && overrides.gasLimit !== null) return base.send(overrides);
      let gasLimit: bigint;
      try {
        gasLimit = ((await method.estimateGas(...(args as unknown as Args))) * 5n) / 4n + 20_000n;
      } catch (error) {
        if (findRevertData(error)) throw error;
        gasLimit = fallbackGas;
      }
      return base.send({ ...overrides, gasLimit });
    },
  };
}
