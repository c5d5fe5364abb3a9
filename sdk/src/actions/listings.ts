/**
 * Service listings (`ListingRegistry`): publish, update, pause, resume, retire. Capability tags are strings in
 * the SDK and keccak256 hashes on-chain (`capabilityHash`).
 */
import { id, ZeroAddress } from "ethers";
import type { IListingRegistry } from "../../../typechain-types";
import type { ListingPublishedEvent, ListingStatusChangedEvent, ListingUpdatedEvent } from "../../../typechain-types/contracts/ListingRegistry";
import type { AgoraClient } from "../client";
import { AgoraError, LISTING_STATUSES, PRICING_MODELS } from "../errors";
import { toAddress } from "./identity";
import { bind, defineSync, defineWrite, read } from "./internal";

const listings = (c: AgoraClient) => c.contracts.listings;

/** keccak256 of a capability tag, as listings store it: `capabilityHash("translate.en-fr")`. */
export function capabilityHash(tag: string): string {
  const t = tag.trim();
  if (t.length === 0) throw new AgoraError("empty capability tag", { code: "INVALID_INPUT" });
  return id(t);
}

/** `IListingRegistry.PricingModel` by name. */
export type PricingModel = (typeof PRICING_MODELS)[number];
export const PricingModel = { Fixed: 0, PerCall: 1, Quoted: 2 } as const satisfies Record<PricingModel, number>;

/** `IListingRegistry.ListingStatus` by name. */
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/** Everything a provider states in a listing. */
export interface ListingTerms {
  /** Capability tag strings (hashed on-chain), 1 to 8. */
  capabilities: readonly string[];
  /** USDC base units: per job (Fixed), per call (PerCall) or the floor (Quoted). */
  price: bigint;
  /** Default `Fixed`. */
  pricing?: PricingModel;
  /** Promised delivery time, seconds. */
  slaSeconds: number;
  /** Seconds the client has to review a delivery. */
  reviewWindow: number;
  /** Provider collateral at score 0, in bps of the job amount. Default 0. */
  collateralBps?: number;
  /** `IArbitrator` contract (e.g. `client.addresses.committeeArbitrator`). */
  arbitrator: string;
  /** Optional `IValidator` (e.g. `client.addresses.hashValidator`). */
  validator?: string;
  /** Input/output schema and x402 endpoint. */
  metadataURI?: string;
}

/** The `ListingParams` struct for `terms`. */
export function listingParams(terms: ListingTerms): IListingRegistry.ListingParamsStruct {
  const pricing = PricingModel[terms.pricing ?? "Fixed"];
  if (pricing === undefined) throw new AgoraError(`unknown pricing model "${String(terms.pricing)}": use Fixed, PerCall or Quoted`, { code: "INVALID_INPUT" });
  return {
    capabilities: terms.capabilities.map(capabilityHash),
    price: terms.price,
    pricing,
    slaSeconds: terms.slaSeconds,
    reviewWindow: terms.reviewWindow,
    collateralBps: terms.collateralBps ?? 0,
    arbitrator: toAddress(terms.arbitrator, "arbitrator address"),
    validator: terms.validator ? toAddress(terms.validator, "validator address") : ZeroAddress,
    metadataURI: terms.metadataURI ?? "",
  };
}

export interface PublishListingParameters extends ListingTerms {
  providerId: bigint;
}
export type PublishListingSyncReturnType = Awaited<ReturnType<typeof publishListingSync>>;

/**
 * Publishes a listing for `providerId` (sender: its owner or operator). `.call` returns the listing id.
 *
 * @example
 * const { listingId } = await publishListingSync(client, {
 *   providerId, capabilities: ["translate.en-fr"], price: 5_000_000n, slaSeconds: 3600, reviewWindow: 86400,
 *   arbitrator: client.addresses.committeeArbitrator,
 * });
 */
export const publishListing = defineWrite((client: AgoraClient, p: PublishListingParameters) =>
  bind(listings(client).publish, p.providerId, listingParams(p)),
);
export const publishListingSync = defineSync<PublishListingParameters, ListingPublishedEvent.OutputObject>(publishListing, listings, "ListingPublished");

export interface UpdateListingParameters extends ListingTerms {
  listingId: bigint;
}
/** Replaces every term of an active or paused listing. @example await updateListingSync(client, { listingId, ...terms }) */
export const updateListing = defineWrite((client: AgoraClient, p: UpdateListingParameters) => bind(listings(client).update, p.listingId, listingParams(p)));
export const updateListingSync = defineSync<UpdateListingParameters, ListingUpdatedEvent.OutputObject>(updateListing, listings, "ListingUpdated");

export interface ListingIdParameters {
  listingId: bigint;
}
/** Stops new hires of a listing (the provider's own pause). @example await pauseListingSync(client, { listingId }) */
export const pauseListing = defineWrite((client: AgoraClient, p: ListingIdParameters) => bind(listings(client).pause, p.listingId));
export const pauseListingSync = defineSync<ListingIdParameters, ListingStatusChangedEvent.OutputObject>(pauseListing, listings, "ListingStatusChanged");

/** Resumes a paused listing. @example await resumeListingSync(client, { listingId }) */
export const resumeListing = defineWrite((client: AgoraClient, p: ListingIdParameters) => bind(listings(client).resume, p.listingId));
export const resumeListingSync = defineSync<ListingIdParameters, ListingStatusChangedEvent.OutputObject>(resumeListing, listings, "ListingStatusChanged");

/** Retires a listing for good. @example await retireListingSync(client, { listingId }) */
export const retireListing = defineWrite((client: AgoraClient, p: ListingIdParameters) => bind(listings(client).retire, p.listingId));
export const retireListingSync = defineSync<ListingIdParameters, ListingStatusChangedEvent.OutputObject>(retireListing, listings, "ListingStatusChanged");

/* READS */

export interface ListingInfo {
  listingId: bigint;
  providerId: bigint;
  price: bigint;
  pricing: PricingModel;
  status: ListingStatus;
  slaSeconds: number;
  reviewWindow: number;
  collateralBps: number;
  arbitrator: string;
  /** Zero address for none. */
  validator: string;
  /** Hash of the current terms: what `hire` passes as `termsHash` to agree to exactly these terms. */
  termsHash: string;
}

/** Reads a listing's stored terms (capabilities and URI live only in events and the subgraph). */
export async function getListing(client: AgoraClient, listingId: bigint): Promise<ListingInfo> {
  const [l, termsHash] = await read(() => Promise.all([listings(client).getListing(listingId), listings(client).termsHash(listingId)]));
  return {
    listingId,
    providerId: l.providerId,
    price: l.price,
    pricing: PRICING_MODELS[Number(l.pricing)] ?? "Fixed",
    status: LISTING_STATUSES[Number(l.status)] ?? "None",
    slaSeconds: Number(l.slaSeconds),
    reviewWindow: Number(l.reviewWindow),
    collateralBps: Number(l.collateralBps),
    arbitrator: l.arbitrator,
    validator: l.validator,
    termsHash,
  };
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type PublishListingReturnType = Awaited<ReturnType<typeof publishListing>>;
export type PublishListingErrorType = AgoraError;
export type UpdateListingReturnType = Awaited<ReturnType<typeof updateListing>>;
export type UpdateListingSyncReturnType = Awaited<ReturnType<typeof updateListingSync>>;
export type UpdateListingErrorType = AgoraError;
export type PauseListingReturnType = Awaited<ReturnType<typeof pauseListing>>;
export type PauseListingSyncReturnType = Awaited<ReturnType<typeof pauseListingSync>>;
export type PauseListingErrorType = AgoraError;
export type ResumeListingReturnType = Awaited<ReturnType<typeof resumeListing>>;
export type ResumeListingSyncReturnType = Awaited<ReturnType<typeof resumeListingSync>>;
export type ResumeListingErrorType = AgoraError;
export type RetireListingReturnType = Awaited<ReturnType<typeof retireListing>>;
export type RetireListingSyncReturnType = Awaited<ReturnType<typeof retireListingSync>>;
export type RetireListingErrorType = AgoraError;
