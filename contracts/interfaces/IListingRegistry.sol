// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

/// @title IListingRegistry
/// @notice Providers publish service listings (PROTOCOL.md §2.2). Capabilities and the metadata URI live
/// only in events (the subgraph indexes them); the terms escrow needs are stored.
/// @dev A listing is managed by its provider agent's owner or operator (`IAgentRegistry.checkActor`).
/// Publishing and updating stop while the protocol is paused; pausing and retiring never do.
interface IListingRegistry {
    /// @notice How the price is charged.
    /// Fixed: `price` per job through escrow. PerCall: `price` per call through a payment channel (no jobs).
    /// Quoted: `price` is the floor; the client hires at the quoted amount it passes, which must be >= price.
    enum PricingModel {
        Fixed,
        PerCall,
        Quoted
    }

    /// @notice Life of a listing. Retired is final.
    enum ListingStatus {
        None,
        Active,
        Paused,
        Retired
    }

    /// @notice Everything a provider states when publishing or updating.
    struct ListingParams {
        bytes32[] capabilities; // keccak256 of capability tag strings, 1..MAX_CAPABILITIES, no zero, no duplicate
        uint64 price; // USDC base units (6 decimals): 1000 = $0.001
        PricingModel pricing;
        uint32 slaSeconds; // promised delivery time, MIN_SLA..MAX_SLA
        uint32 reviewWindow; // seconds the client has to review a delivery, MIN_REVIEW..MAX_REVIEW
        uint16 collateralBps; // provider collateral at score 0, in bps of the job amount, <= MAX_COLLATERAL_BPS
        address arbitrator; // IArbitrator for disputes; must be a contract
        address validator; // optional IValidator; zero for none; else a contract
        string metadataURI; // input/output schema and x402 endpoint (Bazaar fields), <= MAX_URI_LENGTH bytes
    }

    /// @notice The stored terms of a listing.
    struct Listing {
        uint64 providerId;
        uint64 price;
        PricingModel pricing;
        ListingStatus status;
        uint32 slaSeconds;
        uint32 reviewWindow;
        uint16 collateralBps;
        address arbitrator;
        address validator;
    }

    /// @notice A listing was published. Carries every field.
    event ListingPublished(
        uint256 indexed listingId,
        uint256 indexed providerId,
        address indexed caller,
        bytes32[] capabilities,
        uint64 price,
        PricingModel pricing,
        uint32 slaSeconds,
        uint32 reviewWindow,
        uint16 collateralBps,
        address arbitrator,
        address validator,
        string metadataURI
    );

    /// @notice A listing's terms were replaced. Carries every field after the change.
    event ListingUpdated(
        uint256 indexed listingId,
        uint256 indexed providerId,
        address indexed caller,
        bytes32[] capabilities,
        uint64 price,
        PricingModel pricing,
        uint32 slaSeconds,
        uint32 reviewWindow,
        uint16 collateralBps,
        address arbitrator,
        address validator,
        string metadataURI
    );

    /// @notice A listing's status changed (paused, resumed or retired).
    event ListingStatusChanged(uint256 indexed listingId, uint256 indexed providerId, ListingStatus status, address indexed caller);

    error ListingNotFound(uint256 listingId);
    error ListingRetired(uint256 listingId);
    error ListingStatusUnchanged(uint256 listingId, ListingStatus status);
    error ListingNoCapabilities();
    error ListingTooManyCapabilities(uint256 count, uint256 max);
    error ListingInvalidCapability(uint256 index, bytes32 capability);
    error ListingDuplicateCapability(bytes32 capability);
    error ListingPriceZero();
    error ListingInvalidSla(uint32 slaSeconds, uint32 min, uint32 max);
    error ListingInvalidReviewWindow(uint32 reviewWindow, uint32 min, uint32 max);
    error ListingCollateralTooHigh(uint16 collateralBps, uint16 max);
    error ListingInvalidArbitrator(address arbitrator);
    error ListingInvalidValidator(address validator);
    error ListingUriTooLong(uint256 length, uint256 max);
    error ListingPaused();

    /// @notice Publishes a listing for `providerId`. Caller: its owner or operator. Reverts while paused.
    function publish(uint256 providerId, ListingParams calldata params) external returns (uint256 listingId);

    /// @notice Replaces every term of an active or paused listing. Reverts while paused. Jobs already
    /// created keep the terms they were created with.
    function update(uint256 listingId, ListingParams calldata params) external;

    /// @notice Stops new hires of an active listing (the provider's own pause, not the guardian's).
    function pause(uint256 listingId) external;

    /// @notice Resumes a paused listing.
    function resume(uint256 listingId) external;

    /// @notice Retires a listing for good.
    function retire(uint256 listingId) external;

    /// @notice The stored terms; reverts with `ListingNotFound` for unknown ids.
    function getListing(uint256 listingId) external view returns (Listing memory);

    /// @notice The hash of the listing's current terms (see `ListingTerms.hash`) that a client passes to
    /// `JobEscrow.createJob` as `termsHash`. Reverts with `ListingNotFound` for unknown ids.
    function termsHash(uint256 listingId) external view returns (bytes32);

    /// @notice The number of listings ever published; ids run from 1.
    function totalListings() external view returns (uint256);
}
