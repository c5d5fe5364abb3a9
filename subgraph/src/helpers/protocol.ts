import { BigInt, ethereum } from "@graphprotocol/graph-ts";
import { DailyStat, Protocol } from "../../generated/schema";
import { Config } from "./config";
import { ZERO } from "./constants";

/** The Protocol singleton, created with zero totals on first use; its `updatedAt*` fields are set to `event`. */
export function getProtocol(config: Config, event: ethereum.Event): Protocol {
  let protocol = Protocol.load(config.protocolId);
  if (protocol == null) {
    protocol = new Protocol(config.protocolId);
    protocol.protocolFeeBps = 0;
    protocol.paused = false;
    protocol.agentCount = 0;
    protocol.ownerCount = 0;
    protocol.listingCount = 0;
    protocol.activeListingCount = 0;
    protocol.capabilityCount = 0;
    protocol.jobCount = 0;
    protocol.openJobCount = 0;
    protocol.jobsCompleted = 0;
    protocol.jobsRefunded = 0;
    protocol.jobsCancelled = 0;
    protocol.jobsDeclined = 0;
    protocol.disputesOpened = 0;
    protocol.disputesResolved = 0;
    protocol.jobVolume = ZERO;
    protocol.volume = ZERO;
    protocol.feesAccrued = ZERO;
    protocol.feesClaimed = ZERO;
    protocol.channelEpochCount = 0;
    protocol.channelCount = 0;
    protocol.openChannelCount = 0;
    protocol.channelDeposits = ZERO;
    protocol.claimCount = 0;
    protocol.claimVolume = ZERO;
    protocol.feedbackCount = 0;
    protocol.totalDeposited = ZERO;
    protocol.totalWithdrawn = ZERO;
    protocol.creditsWithdrawn = ZERO;
    protocol.valueLocked = ZERO;
    protocol.escrowLocked = ZERO;
    protocol.channelsLocked = ZERO;
  }
  protocol.updatedAtBlock = event.block.number;
  protocol.updatedAt = event.block.timestamp;
  return protocol;
}

/** The DailyStat of the event's day (UTC with the default configuration), created with zero counts. */
export function getDailyStat(config: Config, event: ethereum.Event): DailyStat {
  const dayNumber = event.block.timestamp.toI64() / config.secondsPerDay;
  const id = dayNumber.toString();
  let stat = DailyStat.load(id);
  if (stat == null) {
    stat = new DailyStat(id);
    stat.day = <i32>dayNumber;
    stat.date = BigInt.fromI64(dayNumber * config.secondsPerDay);
    stat.agentsRegistered = 0;
    stat.listingsPublished = 0;
    stat.listingsUpdated = 0;
    stat.jobsCreated = 0;
    stat.jobsCompleted = 0;
    stat.jobsRefunded = 0;
    stat.jobsCancelled = 0;
    stat.jobsDeclined = 0;
    stat.disputesOpened = 0;
    stat.disputesResolved = 0;
    stat.jobVolume = ZERO;
    stat.volume = ZERO;
    stat.fees = ZERO;
    stat.channelsOpened = 0;
    stat.channelsClosed = 0;
    stat.channelDeposits = ZERO;
    stat.claims = 0;
    stat.claimVolume = ZERO;
    stat.feedbackCount = 0;
    stat.deposits = ZERO;
    stat.withdrawals = ZERO;
    stat.valueLocked = ZERO;
  }
  return stat;
}

/** Saves the protocol and the day, copying the protocol's valueLocked into the day (its end-of-day value). */
export function saveStats(protocol: Protocol, day: DailyStat): void {
  day.valueLocked = protocol.valueLocked;
  protocol.save();
  day.save();
}
