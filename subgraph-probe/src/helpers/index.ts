// Shared helpers for the probe mappings.
import { Address, BigDecimal, BigInt, Bytes, dataSource, ethereum } from "@graphprotocol/graph-ts";
import { Account, Item } from "../../generated/schema";

/** Configuration a handler's Impl receives, so tests could inject other values. */
export class ProbeConfig {
  constructor(public weiPerEther: BigDecimal, public zero: BigInt) {}
}

export function probeConfig(): ProbeConfig {
  return new ProbeConfig(BigInt.fromI32(10).pow(18).toBigDecimal(), BigInt.zero());
}

/** Event entity id: transaction hash followed by the log index. */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** 10^decimals as a BigDecimal. */
export function decimalsToDivisor(decimals: i32): BigDecimal {
  return BigInt.fromI32(10).pow(decimals as u8).toBigDecimal();
}

/** Loads or creates the account and stamps it with the event's block. The caller saves it. */
export function touchAccount(address: Address, event: ethereum.Event): Account {
  let account = Account.load(address);
  if (account == null) {
    account = new Account(address);
    account.eventCount = 0;
    account.bigSum = BigInt.zero();
    account.listedValue = BigDecimal.zero();
    account.itemCount = 0;
  }
  account.eventCount = account.eventCount + 1;
  account.lastSeen = event.block.timestamp.toI64() * 1000000;
  account.lastBlock = event.block.number.toI64();
  return account;
}

/** Creates (or replaces) an item and adds its value to the owner's aggregate. Shared by GraphProbe and its children. */
export function listItem(
  event: ethereum.Event,
  itemId: BigInt,
  owner: Address,
  tags: Array<Bytes>,
  price: BigInt,
  decimals: i32,
  score: BigInt,
  name: string,
): void {
  const account = touchAccount(owner, event);
  const item = new Item(itemId.toString());
  item.owner = account.id;
  item.tags = tags;
  item.price = price;
  item.priceUsd = price.toBigDecimal().div(decimalsToDivisor(decimals));
  item.score = score.toI32();
  item.name = name;
  item.listedAt = event.block.number;
  item.source = dataSource.address();
  item.save();

  account.listedValue = account.listedValue.plus(item.priceUsd);
  account.itemCount = account.itemCount + 1;
  account.save();
}
