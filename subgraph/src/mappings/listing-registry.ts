/**
 * ListingRegistry: service listings. The events carry every term, the capability hashes and the metadata URI (which
 * the contract does not store), so a Listing is rebuilt from events alone; its provider fields are copied from the
 * provider's Reputation and kept in sync by the ledger handlers.
 */
import { Address, BigInt, Bytes, Entity, ethereum, Value } from "@graphprotocol/graph-ts";
import {
  ListingPublished as ListingPublishedEvent,
  ListingStatusChanged as ListingStatusChangedEvent,
  ListingUpdated as ListingUpdatedEvent,
} from "../../generated/ListingRegistry/ListingRegistry";
import { Listing, ListingPublished, ListingStatusChanged, ListingUpdated, Reputation } from "../../generated/schema";
import { getAgent } from "../helpers/agents";
import { Config, defaultConfig } from "../helpers/config";
import { listingStatus, pricingModel, ZERO, ZERO_ADDRESS } from "../helpers/constants";
import { eventId, idOf, stampEvent } from "../helpers/ids";
import { ACTIVE, copyProviderFields, countCapabilities, missingFrom } from "../helpers/listings";
import { getDailyStat, getProtocol, saveStats } from "../helpers/protocol";
import { getOrCreateReputation } from "../helpers/reputation";

/** The terms both ListingPublished and ListingUpdated carry. */
class Terms {
  capabilities: Bytes[];
  price: BigInt;
  pricing: i32;
  slaSeconds: BigInt;
  reviewWindow: BigInt;
  collateralBps: i32;
  arbitrator: Address;
  validator: Address;
  metadataURI: string;

  constructor(
    capabilities: Bytes[],
    price: BigInt,
    pricing: i32,
    slaSeconds: BigInt,
    reviewWindow: BigInt,
    collateralBps: i32,
    arbitrator: Address,
    validator: Address,
    metadataURI: string,
  ) {
    this.capabilities = capabilities;
    this.price = price;
    this.pricing = pricing;
    this.slaSeconds = slaSeconds;
    this.reviewWindow = reviewWindow;
    this.collateralBps = collateralBps;
    this.arbitrator = arbitrator;
    this.validator = validator;
    this.metadataURI = metadataURI;
  }
}

/** Writes the terms into a listing. */
function applyTerms(listing: Listing, terms: Terms): void {
  listing.capabilities = terms.capabilities;
  listing.price = terms.price;
  listing.pricing = pricingModel(terms.pricing);
  listing.slaSeconds = terms.slaSeconds.toI32();
  listing.reviewWindow = terms.reviewWindow.toI32();
  listing.collateralBps = terms.collateralBps;
  listing.arbitrator = terms.arbitrator;
  listing.validator = terms.validator.equals(ZERO_ADDRESS) ? null : terms.validator;
  listing.metadataURI = terms.metadataURI;
}

/** Fills a ListingPublished or ListingUpdated entity (the two share every field). */
function fillTermsEvent(entity: Entity, listingId: string, providerId: string, caller: Address, terms: Terms, event: ethereum.Event): void {
  stampEvent(entity, event);
  entity.setString("listing", listingId);
  entity.setString("provider", providerId);
  entity.setBytes("caller", caller);
  entity.set("capabilities", Value.fromBytesArray(terms.capabilities));
  entity.setBigInt("price", terms.price);
  entity.setString("pricing", pricingModel(terms.pricing));
  entity.set("slaSeconds", Value.fromI32(terms.slaSeconds.toI32()));
  entity.set("reviewWindow", Value.fromI32(terms.reviewWindow.toI32()));
  entity.set("collateralBps", Value.fromI32(terms.collateralBps));
  entity.setBytes("arbitrator", terms.arbitrator);
  entity.setBytes("validator", terms.validator);
  entity.setString("metadataURI", terms.metadataURI);
}

export function handleListingPublished(event: ListingPublishedEvent): void {
  handleListingPublishedImpl(event, defaultConfig());
}

/** Creates the listing (Active), counts its capabilities and copies the provider's reputation into it. */
export function handleListingPublishedImpl(event: ListingPublishedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  protocol.listingRegistry = event.address;
  const day = getDailyStat(config, event);
  const terms = new Terms(
    p.capabilities,
    p.price,
    p.pricing,
    p.slaSeconds,
    p.reviewWindow,
    p.collateralBps,
    p.arbitrator,
    p.validator,
    p.metadataURI,
  );
  const provider = getAgent(p.providerId, event);

  const listing = new Listing(idOf(p.listingId));
  listing.listingId = p.listingId;
  listing.provider = provider.id;
  applyTerms(listing, terms);
  listing.status = ACTIVE;
  listing.providerScore = 0;
  listing.providerLatencyP50 = ZERO;
  listing.providerLatencyP90 = ZERO;
  listing.providerCompletedJobs = 0;
  listing.providerFrozen = false;
  listing.effectiveCollateralBps = 0;
  let rep = Reputation.load(provider.reputation);
  if (rep == null) rep = getOrCreateReputation(p.providerId, event);
  copyProviderFields(listing, rep, provider.frozen);
  listing.jobCount = 0;
  listing.completedJobCount = 0;
  listing.jobVolume = ZERO;
  listing.version = 0;
  listing.createdAt = event.block.timestamp;
  listing.createdAtBlock = event.block.number;
  listing.updatedAt = event.block.timestamp;
  listing.save();
  countCapabilities(terms.capabilities, ACTIVE, 1, protocol, event);

  provider.listingCount = provider.listingCount + 1;
  provider.activeListingCount = provider.activeListingCount + 1;
  provider.save();

  const entity = new ListingPublished(eventId(event));
  fillTermsEvent(entity, listing.id, provider.id, p.caller, terms, event);
  entity.save();

  protocol.listingCount = protocol.listingCount + 1;
  protocol.activeListingCount = protocol.activeListingCount + 1;
  day.listingsPublished = day.listingsPublished + 1;
  saveStats(protocol, day);
}

export function handleListingUpdated(event: ListingUpdatedEvent): void {
  handleListingUpdatedImpl(event, defaultConfig());
}

/** Replaces the terms; capabilities dropped or added move their counts. */
export function handleListingUpdatedImpl(event: ListingUpdatedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const day = getDailyStat(config, event);
  const terms = new Terms(
    p.capabilities,
    p.price,
    p.pricing,
    p.slaSeconds,
    p.reviewWindow,
    p.collateralBps,
    p.arbitrator,
    p.validator,
    p.metadataURI,
  );
  const listing = Listing.load(idOf(p.listingId));
  if (listing == null) return; // unreachable: the registry only updates listings it published
  const before = listing.capabilities;
  countCapabilities(missingFrom(before, terms.capabilities), listing.status, -1, protocol, event);
  countCapabilities(missingFrom(terms.capabilities, before), listing.status, 1, protocol, event);
  applyTerms(listing, terms);
  const rep = Reputation.load(idOf(p.providerId));
  const provider = getAgent(p.providerId, event);
  if (rep != null) copyProviderFields(listing, rep, provider.frozen); // collateralBps may have changed
  listing.version = listing.version + 1;
  listing.updatedAt = event.block.timestamp;
  listing.save();

  const entity = new ListingUpdated(eventId(event));
  fillTermsEvent(entity, listing.id, listing.provider, p.caller, terms, event);
  entity.save();

  day.listingsUpdated = day.listingsUpdated + 1;
  saveStats(protocol, day);
}

export function handleListingStatusChanged(event: ListingStatusChangedEvent): void {
  handleListingStatusChangedImpl(event, defaultConfig());
}

/** Pause, resume or retire: moves the listing between the active and non-retired counts. */
export function handleListingStatusChangedImpl(event: ListingStatusChangedEvent, config: Config): void {
  const p = event.params;
  const protocol = getProtocol(config, event);
  const listing = Listing.load(idOf(p.listingId));
  if (listing == null) return; // unreachable: the registry only changes listings it published
  const previous = listing.status;
  const next = listingStatus(p.status);
  if (previous != next) {
    countCapabilities(listing.capabilities, previous, -1, protocol, event);
    countCapabilities(listing.capabilities, next, 1, protocol, event);
    const delta: i32 = (next == ACTIVE ? 1 : 0) - (previous == ACTIVE ? 1 : 0);
    protocol.activeListingCount = protocol.activeListingCount + delta;
    const provider = getAgent(p.providerId, event);
    provider.activeListingCount = provider.activeListingCount + delta;
    provider.save();
  }
  listing.status = next;
  listing.updatedAt = event.block.timestamp;
  listing.save();

  const entity = new ListingStatusChanged(eventId(event));
  stampEvent(entity, event);
  entity.listing = listing.id;
  entity.provider = listing.provider;
  entity.caller = p.caller;
  entity.status = next;
  entity.save();
  protocol.save();
}
