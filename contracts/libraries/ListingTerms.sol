// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IListingRegistry} from "../interfaces/IListingRegistry.sol";

/// @title ListingTerms
/// @notice The commitment a client makes to a listing's terms when it hires: every term a provider can change
/// with `update` except the status and the price. `JobEscrow.createJob` recomputes it from the live listing and reverts when
/// it differs, so a provider cannot swap the validator, arbitrator, review window, SLA, collateral or pricing model
/// in front of a hire. The price is left out on purpose: `maxPrice` bounds it, so a price drop does not block a hire.
/// @custom:security-contact security@agora.example
library ListingTerms {
    /// @notice keccak256 of the ABI encoding of (pricing, slaSeconds, reviewWindow, collateralBps, arbitrator,
    /// validator), in that order. Off-chain: the same encoding of the fields of `ListingPublished` or
    /// `ListingUpdated`, or `IListingRegistry.termsHash(listingId)`.
    function hash(IListingRegistry.Listing memory listing) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                listing.pricing,
                listing.slaSeconds,
                listing.reviewWindow,
                listing.collateralBps,
                listing.arbitrator,
                listing.validator
            )
        );
    }
}
