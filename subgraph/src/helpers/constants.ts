import { Address, BigInt, log } from "@graphprotocol/graph-ts";

export const ZERO = BigInt.fromI32(0);
export const ONE = BigInt.fromI32(1);
export const BPS = BigInt.fromI32(10000);
export const ZERO_ADDRESS = Address.zero();

/* Enum values as the schema spells them. Solidity enums arrive as uint8; an unknown value (a contract change the
   subgraph does not know yet) is logged and mapped to the first member rather than failing the subgraph. */

function pick(kind: string, names: string[], value: i32): string {
  if (value >= 0 && value < names.length) return names[value];
  log.warning("unknown {} value {}; stored as {}", [kind, value.toString(), names[0]]);
  return names[0];
}

/** IListingRegistry.PricingModel. */
export function pricingModel(value: i32): string {
  return pick("PricingModel", ["Fixed", "PerCall", "Quoted"], value);
}

/** IListingRegistry.ListingStatus (None is never emitted). */
export function listingStatus(value: i32): string {
  return pick("ListingStatus", ["Active", "Active", "Paused", "Retired"], value);
}

/** IAgoraVault.FundingSource. */
export function fundingSource(value: i32): string {
  return pick("FundingSource", ["Balance", "TransferFrom", "Permit", "Authorization"], value);
}

/** IJobEscrow.CompletionKind. */
export function completionKind(value: i32): string {
  return pick("CompletionKind", ["Approved", "Released", "ValidatorApproved"], value);
}

/** IJobEscrow.RefundKind. */
export function refundKind(value: i32): string {
  return pick("RefundKind", ["Deadline", "ValidatorRejected", "Unaccepted"], value);
}

/** IValidator.Verdict. */
export function validatorVerdict(value: i32): string {
  return pick("ValidatorVerdict", ["Pending", "Approved", "Rejected"], value);
}
