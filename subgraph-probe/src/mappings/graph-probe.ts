// Handlers for the GraphProbe data source: one handler per event, each split into handleX(event) and
// handleXImpl(event, config) as the subgraph style asks.
import { BigInt, Bytes, ethereum, crypto, dataSource, log, store } from "@graphprotocol/graph-ts";
import {
  ChildSpawned as ChildSpawnedEvent,
  DynamicEmitted as DynamicEmittedEvent,
  ItemListed as ItemListedEvent,
  ItemRemoved as ItemRemovedEvent,
  ScalarsEmitted as ScalarsEmittedEvent,
  TopicsHashed as TopicsHashedEvent,
} from "../../generated/GraphProbe/GraphProbe";
import { DynamicEmitted, Item, ProbeStart, ScalarsEmitted, TopicsHashed } from "../../generated/schema";
import { GraphProbeChild } from "../../generated/templates";
import { eventId, listItem, ProbeConfig, probeConfig, touchAccount } from "../helpers";

export function handleScalarsEmitted(event: ScalarsEmittedEvent): void {
  handleScalarsEmittedImpl(event, probeConfig());
}

export function handleScalarsEmittedImpl(event: ScalarsEmittedEvent, config: ProbeConfig): void {
  const account = touchAccount(event.params.sender, event);
  account.bigSum = account.bigSum.plus(event.params.big);
  account.save();

  const entity = new ScalarsEmitted(eventId(event));
  entity.kind = "SCALARS";
  entity.sender = account.id;
  entity.blockNumber = event.block.number;
  entity.timestamp = event.block.timestamp;
  entity.transactionHash = event.transaction.hash;
  entity.probeId = event.params.probeId;
  entity.big = event.params.big;
  entity.bigScaled = event.params.big.toBigDecimal().div(config.weiPerEther);
  entity.bigHex = event.params.big.toHexString();
  entity.small = event.params.small;
  entity.tiny = event.params.tiny;
  entity.mid = event.params.mid;
  entity.signed32 = event.params.signed32;
  entity.flag = event.params.flag;
  entity.tag = event.params.tag;
  entity.tagHash = Bytes.fromByteArray(crypto.keccak256(event.params.tag));
  entity.emitter = dataSource.address();
  entity.save();
  log.info("ScalarsEmitted probe {} big {}", [event.params.probeId.toString(), event.params.big.toString()]);
}

export function handleDynamicEmitted(event: DynamicEmittedEvent): void {
  handleDynamicEmittedImpl(event, probeConfig());
}

export function handleDynamicEmittedImpl(event: DynamicEmittedEvent, config: ProbeConfig): void {
  const account = touchAccount(event.params.sender, event);
  account.save();

  const entity = new DynamicEmitted(eventId(event));
  entity.kind = "DYNAMIC";
  entity.sender = account.id;
  entity.blockNumber = event.block.number;
  entity.timestamp = event.block.timestamp;
  entity.transactionHash = event.transaction.hash;
  entity.probeId = event.params.probeId;
  entity.name = event.params.name;
  if (event.params.name.length > 0) {
    entity.nickname = event.params.name;
  }
  entity.blob = event.params.blob;
  const amounts = event.params.amounts;
  let total = BigInt.zero();
  for (let i = 0; i < amounts.length; i++) {
    total = total.plus(amounts[i]);
  }
  entity.amounts = amounts;
  entity.total = total;
  const parties = event.params.parties;
  const partyBytes = new Array<Bytes>(parties.length);
  for (let i = 0; i < parties.length; i++) {
    partyBytes[i] = parties[i];
  }
  entity.parties = partyBytes;
  entity.pairA = event.params.pair.a;
  entity.pairB = event.params.pair.b;
  entity.pairC = event.params.pair.c;
  entity.fixedTags = event.params.fixedTags;
  const receipt = event.receipt;
  entity.gasUsed = receipt === null ? config.zero : receipt.gasUsed;
  entity.save();
}

export function handleTopicsHashed(event: TopicsHashedEvent): void {
  handleTopicsHashedImpl(event, probeConfig());
}

export function handleTopicsHashedImpl(event: TopicsHashedEvent, _config: ProbeConfig): void {
  const account = touchAccount(event.transaction.from, event);
  account.save();

  const entity = new TopicsHashed(eventId(event));
  entity.kind = "TOPICS";
  entity.sender = account.id;
  entity.blockNumber = event.block.number;
  entity.timestamp = event.block.timestamp;
  entity.transactionHash = event.transaction.hash;
  entity.labelHash = event.params.label;
  entity.payloadHash = event.params.payload;
  entity.value = event.params.value;
  entity.save();
}

export function handleItemListed(event: ItemListedEvent): void {
  handleItemListedImpl(event, probeConfig());
}

export function handleItemListedImpl(event: ItemListedEvent, _config: ProbeConfig): void {
  if (event.params.name == "fail") {
    // Lets the tests check that a critical log fails the subgraph at this block and drops the block's writes.
    log.critical("item {} asked the subgraph to fail", [event.params.itemId.toString()]);
  }
  listItem(
    event,
    event.params.itemId,
    event.params.owner,
    event.params.tags,
    event.params.price,
    event.params.decimals,
    event.params.score,
    event.params.name,
  );
}

export function handleItemRemoved(event: ItemRemovedEvent): void {
  handleItemRemovedImpl(event, probeConfig());
}

export function handleItemRemovedImpl(event: ItemRemovedEvent, _config: ProbeConfig): void {
  const id = event.params.itemId.toString();
  const account = touchAccount(event.params.owner, event);
  if (Item.load(id) == null) {
    log.warning("ItemRemoved for unknown item {}", [id]);
  } else {
    store.remove("Item", id);
  }
  // Recount with store.loadRelated: it must already see the removal made in this handler.
  account.itemCount = account.items.load().length;
  account.save();
}

export function handleChildSpawned(event: ChildSpawnedEvent): void {
  handleChildSpawnedImpl(event, probeConfig());
}

export function handleChildSpawnedImpl(event: ChildSpawnedEvent, _config: ProbeConfig): void {
  GraphProbeChild.create(event.params.child);
}

export function handleStart(block: ethereum.Block): void {
  const start = new ProbeStart("start");
  start.block = block.number;
  start.network = dataSource.network();
  start.save();
}
