/**
 * PaymentChannels: channels, their epochs and claims. A channel id is the same for every epoch of a
 * (client, provider, salt) triple; a ChannelEpoch keeps each epoch's own totals, the Channel the current epoch's
 * state and the totals over all epochs. Claim volume reaches reputation through the ledger's ChannelVolumeRecorded.
 */
import { BigInt, Bytes, Entity, ethereum } from "@graphprotocol/graph-ts";
import {
  ChannelClaimed as ChannelClaimedEvent,
  ChannelClosed as ChannelClosedEvent,
  ChannelCloseRequested as ChannelCloseRequestedEvent,
  ChannelOpened as ChannelOpenedEvent,
  ChannelToppedUp as ChannelToppedUpEvent,
} from "../../generated/PaymentChannels/PaymentChannels";
import {
  Channel,
  ChannelClaimed,
  ChannelClosed,
  ChannelCloseRequested,
  ChannelEpoch,
  ChannelOpened,
  ChannelToppedUp,
} from "../../generated/schema";
import { getAgent } from "../helpers/agents";
import { Config, defaultConfig } from "../helpers/config";
import { fundingSource, ZERO } from "../helpers/constants";
import { channelEpochId, eventId, stampEvent } from "../helpers/ids";
import { getDailyStat, getProtocol, saveStats } from "../helpers/protocol";

/** Sets the fields every ChannelEvent carries. */
function stampChannelEvent(entity: Entity, channelId: Bytes, epoch: BigInt, caller: Bytes, event: ethereum.Event): void {
  stampEvent(entity, event);
  entity.setBytes("channel", channelId);
  entity.setBytes("channelEpoch", channelEpochId(channelId, epoch));
  entity.setBigInt("epoch", epoch);
  entity.setBytes("caller", caller);
}

export function handleChannelOpened(event: ChannelOpenedEvent): void {
  handleChannelOpenedImpl(event, defaultConfig());
}

/** Opens (or reopens in a new epoch) the channel. */
export function handleChannelOpenedImpl(event: ChannelOpenedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  protocol.channels = event.address;
  const day = getDailyStat(config, event);
  const client = getAgent(p.clientId, event);
  const provider = getAgent(p.providerId, event);
  const source = fundingSource(p.source);

  let channel = Channel.load(p.channelId);
  if (channel == null) {
    channel = new Channel(p.channelId);
    channel.client = client.id;
    channel.provider = provider.id;
    channel.salt = p.salt;
    channel.totalDeposited = ZERO;
    channel.totalClaimed = ZERO;
    channel.totalFees = ZERO;
    channel.totalRefunded = ZERO;
    channel.claimCount = 0;
    channel.createdAt = event.block.timestamp;
    protocol.channelCount = protocol.channelCount + 1;
  }
  const epochId = channelEpochId(p.channelId, p.epoch);
  const epoch = new ChannelEpoch(epochId);
  epoch.channel = p.channelId;
  epoch.epoch = p.epoch;
  epoch.status = "Open";
  epoch.payerAuthorizer = p.payerAuthorizer;
  epoch.feeBps = p.feeBps;
  epoch.sameOwner = p.sameOwner;
  epoch.deposit = p.deposit;
  epoch.claimed = ZERO;
  epoch.fees = ZERO;
  epoch.refunded = ZERO;
  epoch.claimCount = 0;
  epoch.openedBy = p.caller;
  epoch.source = source;
  epoch.openedAt = event.block.timestamp;
  epoch.save();

  channel.epoch = p.epoch;
  channel.currentEpoch = epochId;
  channel.status = "Open";
  channel.payerAuthorizer = p.payerAuthorizer;
  channel.deposit = p.deposit;
  channel.claimed = ZERO;
  channel.feeBps = p.feeBps;
  channel.sameOwner = p.sameOwner;
  channel.graceEndsAt = null;
  channel.totalDeposited = channel.totalDeposited.plus(p.deposit);
  channel.updatedAt = event.block.timestamp;
  channel.save();

  client.channelsAsClientCount = client.channelsAsClientCount + 1;
  client.save();
  provider.channelsAsProviderCount = provider.channelsAsProviderCount + 1;
  provider.save();

  const entity = new ChannelOpened(eventId(event));
  stampChannelEvent(entity, p.channelId, p.epoch, p.caller, event);
  entity.client = client.id;
  entity.provider = provider.id;
  entity.salt = p.salt;
  entity.payerAuthorizer = p.payerAuthorizer;
  entity.deposit = p.deposit;
  entity.feeBps = p.feeBps;
  entity.sameOwner = p.sameOwner;
  entity.source = source;
  entity.save();

  protocol.channelEpochCount = protocol.channelEpochCount + 1;
  protocol.openChannelCount = protocol.openChannelCount + 1;
  protocol.channelDeposits = protocol.channelDeposits.plus(p.deposit);
  day.channelsOpened = day.channelsOpened + 1;
  day.channelDeposits = day.channelDeposits.plus(p.deposit);
  saveStats(protocol, day);
}

export function handleChannelToppedUp(event: ChannelToppedUpEvent): void {
  handleChannelToppedUpImpl(event, defaultConfig());
}

export function handleChannelToppedUpImpl(event: ChannelToppedUpEvent, config: Config): void {
  const p = event.params;
  const channel = Channel.load(p.channelId);
  if (channel == null) return; // unreachable: only open channels take top-ups
  channel.deposit = p.depositAfter;
  channel.totalDeposited = channel.totalDeposited.plus(p.amount);
  channel.updatedAt = event.block.timestamp;
  channel.save();
  const epoch = ChannelEpoch.load(channelEpochId(p.channelId, p.epoch));
  if (epoch != null) {
    epoch.deposit = p.depositAfter;
    epoch.save();
  }

  const entity = new ChannelToppedUp(eventId(event));
  stampChannelEvent(entity, p.channelId, p.epoch, p.caller, event);
  entity.amount = p.amount;
  entity.depositAfter = p.depositAfter;
  entity.source = fundingSource(p.source);
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.channelDeposits = protocol.channelDeposits.plus(p.amount);
  day.channelDeposits = day.channelDeposits.plus(p.amount);
  saveStats(protocol, day);
}

export function handleChannelClaimed(event: ChannelClaimedEvent): void {
  handleChannelClaimedImpl(event, defaultConfig());
}

/** A claim: `amount` (fee included) left the channel; the claimed total is the voucher's cumulative amount. */
export function handleChannelClaimedImpl(event: ChannelClaimedEvent, config: Config): void {
  const p = event.params;
  const channel = Channel.load(p.channelId);
  if (channel == null) return; // unreachable: only open or closing channels pay claims
  channel.claimed = p.cumulativeAmount;
  channel.totalClaimed = channel.totalClaimed.plus(p.amount);
  channel.totalFees = channel.totalFees.plus(p.fee);
  channel.claimCount = channel.claimCount + 1;
  channel.updatedAt = event.block.timestamp;
  channel.save();
  const epoch = ChannelEpoch.load(channelEpochId(p.channelId, p.epoch));
  if (epoch != null) {
    epoch.claimed = p.cumulativeAmount;
    epoch.fees = epoch.fees.plus(p.fee);
    epoch.claimCount = epoch.claimCount + 1;
    epoch.save();
  }

  const entity = new ChannelClaimed(eventId(event));
  stampChannelEvent(entity, p.channelId, p.epoch, p.caller, event);
  entity.provider = channel.provider;
  entity.client = channel.client;
  entity.cumulativeAmount = p.cumulativeAmount;
  entity.amount = p.amount;
  entity.fee = p.fee;
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.claimCount = protocol.claimCount + 1;
  protocol.claimVolume = protocol.claimVolume.plus(p.amount);
  protocol.volume = protocol.volume.plus(p.amount);
  day.claims = day.claims + 1;
  day.claimVolume = day.claimVolume.plus(p.amount);
  day.volume = day.volume.plus(p.amount);
  saveStats(protocol, day);
}

export function handleChannelCloseRequested(event: ChannelCloseRequestedEvent): void {
  handleChannelCloseRequestedImpl(event, defaultConfig());
}

export function handleChannelCloseRequestedImpl(event: ChannelCloseRequestedEvent, config: Config): void {
  const p = event.params;
  const channel = Channel.load(p.channelId);
  if (channel == null) return;
  channel.status = "Closing";
  channel.graceEndsAt = p.graceEndsAt;
  channel.updatedAt = event.block.timestamp;
  channel.save();
  const epoch = ChannelEpoch.load(channelEpochId(p.channelId, p.epoch));
  if (epoch != null) {
    epoch.status = "Closing";
    epoch.closeRequestedAt = event.block.timestamp;
    epoch.graceEndsAt = p.graceEndsAt;
    epoch.save();
  }

  const entity = new ChannelCloseRequested(eventId(event));
  stampChannelEvent(entity, p.channelId, p.epoch, p.caller, event);
  entity.graceEndsAt = p.graceEndsAt;
  entity.save();
}

export function handleChannelClosed(event: ChannelClosedEvent): void {
  handleChannelClosedImpl(event, defaultConfig());
}

export function handleChannelClosedImpl(event: ChannelClosedEvent, config: Config): void {
  const p = event.params;
  const channel = Channel.load(p.channelId);
  if (channel == null) return;
  channel.status = "Closed";
  channel.claimed = p.claimed;
  channel.graceEndsAt = null;
  channel.totalRefunded = channel.totalRefunded.plus(p.refunded);
  channel.updatedAt = event.block.timestamp;
  channel.save();
  const epoch = ChannelEpoch.load(channelEpochId(p.channelId, p.epoch));
  if (epoch != null) {
    epoch.status = "Closed";
    epoch.claimed = p.claimed;
    epoch.refunded = p.refunded;
    epoch.closedAt = event.block.timestamp;
    epoch.closedByProvider = p.byProvider;
    epoch.save();
  }

  const entity = new ChannelClosed(eventId(event));
  stampChannelEvent(entity, p.channelId, p.epoch, p.caller, event);
  entity.byProvider = p.byProvider;
  entity.claimed = p.claimed;
  entity.refunded = p.refunded;
  entity.save();

  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  protocol.openChannelCount = protocol.openChannelCount - 1;
  day.channelsClosed = day.channelsClosed + 1;
  saveStats(protocol, day);
}
