import { Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Agent, Capability, Listing, Protocol, Reputation } from "../../generated/schema";

export const ACTIVE = "Active";
export const PAUSED = "Paused";
export const RETIRED = "Retired";

/** Collateral bps a provider of `score` posts under `collateralBps`: ceil(collateralBps * (10000 - score) / 10000). */
export function effectiveCollateralBps(collateralBps: i32, score: i32): i32 {
  const product = <i64>collateralBps * <i64>(10000 - score);
  return <i32>((product + 9999) / 10000);
}

/** Copies the provider's reputation and freeze flag into a listing; returns whether anything changed. */
export function copyProviderFields(listing: Listing, rep: Reputation, frozen: bool): bool {
  const collateral = effectiveCollateralBps(listing.collateralBps, rep.score);
  if (
    listing.providerScore == rep.score &&
    listing.providerLatencyP50.equals(rep.latencyP50) &&
    listing.providerLatencyP90.equals(rep.latencyP90) &&
    listing.providerCompletedJobs == rep.completed &&
    listing.providerFrozen == frozen &&
    listing.effectiveCollateralBps == collateral
  ) {
    return false;
  }
  listing.providerScore = rep.score;
  listing.providerLatencyP50 = rep.latencyP50;
  listing.providerLatencyP90 = rep.latencyP90;
  listing.providerCompletedJobs = rep.completed;
  listing.providerFrozen = frozen;
  listing.effectiveCollateralBps = collateral;
  return true;
}

/**
 * Refreshes the denormalised provider fields of every listing of `agent` (after its reputation or freeze flag
 * changed), loading them through the `Agent.listings` reverse link.
 */
export function syncProviderListings(agent: Agent, rep: Reputation, event: ethereum.Event): void {
  if (agent.listingCount == 0) return;
  const listings = agent.listings.load();
  for (let i = 0; i < listings.length; i++) {
    const listing = listings[i];
    if (copyProviderFields(listing, rep, agent.frozen)) {
      listing.updatedAt = event.block.timestamp;
      listing.save();
    }
  }
}

/** The capability `hash`, created (and counted in the protocol) on first use. Not saved. */
export function getOrCreateCapability(hash: Bytes, protocol: Protocol, event: ethereum.Event): Capability {
  let capability = Capability.load(hash);
  if (capability == null) {
    capability = new Capability(hash);
    capability.listingCount = 0;
    capability.activeListingCount = 0;
    capability.createdAt = event.block.timestamp;
    protocol.capabilityCount = protocol.capabilityCount + 1;
  }
  return capability;
}

/**
 * Adds `delta` (+1 or -1) to the counts of every capability in `hashes` for a listing of `status`: `listingCount`
 * counts listings that are not retired, `activeListingCount` those that are Active.
 */
export function countCapabilities(hashes: Bytes[], status: string, delta: i32, protocol: Protocol, event: ethereum.Event): void {
  if (status == RETIRED) return;
  for (let i = 0; i < hashes.length; i++) {
    const capability = getOrCreateCapability(hashes[i], protocol, event);
    capability.listingCount = capability.listingCount + delta;
    if (status == ACTIVE) capability.activeListingCount = capability.activeListingCount + delta;
    capability.save();
  }
}

/** The hashes of `a` that are not in `b`. */
export function missingFrom(a: Bytes[], b: Bytes[]): Bytes[] {
  const out = new Array<Bytes>();
  for (let i = 0; i < a.length; i++) {
    let found = false;
    for (let j = 0; j < b.length; j++) {
      if (a[i].equals(b[j])) {
        found = true;
        break;
      }
    }
    if (!found) out.push(a[i]);
  }
  return out;
}
