import type { Network } from "@x402/core/types";

/** The CAIP-2 id x402 uses for an EVM chain: `eip155:<chainId>` (the local Hardhat chain is `eip155:31337`). */
export function toCaip2(chainId: bigint | number): Network {
  return `eip155:${chainId.toString()}`;
}

/** The chain id of an `eip155:<id>` network; throws for anything else. */
export function chainIdOf(network: string): bigint {
  const match = /^eip155:(\d+)$/.exec(network);
  if (!match) throw new Error(`not an EVM CAIP-2 network: ${network}`);
  return BigInt(match[1]);
}

/** A `0x`-prefixed hex string, typed the way the x402 packages (viem) want it. */
export type Hex = `0x${string}`;

/** Narrows a string to {@link Hex}; throws when it is not hex. */
export function asHex(value: string): Hex {
  if (!/^0x[0-9a-fA-F]*$/.test(value)) throw new Error(`not a hex string: ${value}`);
  return value as Hex;
}
