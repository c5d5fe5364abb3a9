import { BigInt, Bytes, Entity, ethereum } from "@graphprotocol/graph-ts";

/** Id of an immutable event entity: transaction hash ++ log index (4 bytes, little-endian). */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** Sets the fields every event entity carries (the interfaces' common fields). */
export function stampEvent(entity: Entity, event: ethereum.Event): void {
  entity.setBigInt("blockNumber", event.block.number);
  entity.setBigInt("timestamp", event.block.timestamp);
  entity.setBytes("transactionHash", event.transaction.hash);
  entity.setBigInt("logIndex", event.logIndex);
}

/** Id of an entity keyed by a uint256 (agents, listings, jobs): the number in decimal. */
export function idOf(value: BigInt): string {
  return value.toString();
}

/** Id of an entity keyed by two numbers: `<a>-<b>`. */
export function pairId(a: BigInt, b: BigInt): string {
  return a.toString() + "-" + b.toString();
}

/** A uint256 as the bytes32 it was cast from (big-endian, 32 bytes). */
export function uint256ToBytes32(value: BigInt): Bytes {
  const out = new Bytes(32);
  // BigInt bytes are little-endian two's complement; a uint256 may carry one extra zero sign byte.
  const n = value.length < 32 ? value.length : 32;
  for (let i = 0; i < n; i++) out[31 - i] = value[i];
  return out;
}

/** A u64 as 8 big-endian bytes. */
export function u64ToBytes(value: u64): Bytes {
  const out = new Bytes(8);
  for (let i = 0; i < 8; i++) out[7 - i] = <u8>((value >> (<u64>(8 * i))) & 0xff);
  return out;
}

/** Id of a channel epoch: channel id ++ epoch (8 bytes, big-endian). */
export function channelEpochId(channelId: Bytes, epoch: BigInt): Bytes {
  return channelId.concat(u64ToBytes(epoch.toU64()));
}

/** Id of a payout address setting: `<agentId>-<owner>`. */
export function payoutAddressId(agentId: string, owner: Bytes): string {
  return agentId + "-" + owner.toHexString();
}
