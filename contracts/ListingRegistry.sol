// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAgentRegistry} from "./interfaces/IAgentRegistry.sol";
import {IAgoraVault} from "./interfaces/IAgoraVault.sol";
import {IListingRegistry} from "./interfaces/IListingRegistry.sol";
import {ListingTerms} from "./libraries/ListingTerms.sol";

/// @title ListingRegistry
/// @notice Service listings of provider agents: the terms escrow needs are stored (two slots, three with a
/// validator); capabilities and the metadata URI live only in events.
/// @custom:security-contact security@agora.example
/// @dev Storage: `StoredListing` is the ABI struct `Listing` plus a `hasValidator` flag in the spare bits of the
/// first slot, so `getListing` reads the validator slot only for listings that name one (measured: 2,100 gas
/// less per `createJob` on a listing without a validator).
contract ListingRegistry is IListingRegistry {
    /// @notice One listing as stored. Slot 0: provider, price, pricing, status, SLA, review window, collateral
    /// bps and the validator flag (64 + 64 + 8 + 8 + 32 + 32 + 16 + 8 = 232 bits); slot 1: arbitrator; slot 2:
    /// validator (written only when non-zero or changed).
    struct StoredListing {
        uint64 providerId;
        uint64 price;
        PricingModel pricing;
        ListingStatus status;
        uint32 slaSeconds;
        uint32 reviewWindow;
        uint16 collateralBps;
        bool hasValidator; // validator != address(0)
        address arbitrator;
        address validator;
    }

    /// @notice Most capabilities per listing (at least one).
    uint256 public constant MAX_CAPABILITIES = 8;
    /// @notice Shortest and longest delivery SLA, in seconds.
    uint32 public constant MIN_SLA = 60;
    uint32 public constant MAX_SLA = 365 days;
    /// @notice Shortest and longest review window, in seconds.
    uint32 public constant MIN_REVIEW = 60;
    uint32 public constant MAX_REVIEW = 30 days;
    /// @notice Highest collateral requirement, in basis points of the job amount.
    uint16 public constant MAX_COLLATERAL_BPS = 10_000;
    /// @notice Longest metadata URI, in bytes.
    uint256 public constant MAX_URI_LENGTH = 512;

    /// @notice Agent identities; `checkActor` decides who manages a listing.
    IAgentRegistry public immutable AGENT_REGISTRY;
    /// @notice The vault, read only for the guardian pause flag.
    IAgoraVault public immutable VAULT;

    uint256 private _lastListingId;
    mapping(uint256 listingId => StoredListing) private _listings;

    constructor(IAgentRegistry registry, IAgoraVault vault) {
        AGENT_REGISTRY = registry;
        VAULT = vault;
    }

    /* PUBLISHING */

    /// @inheritdoc IListingRegistry
    function publish(uint256 providerId, ListingParams calldata params) external returns (uint256 listingId) {
        _requireNotPaused();
        AGENT_REGISTRY.checkActor(providerId, msg.sender);
        _validate(params);

        // Bound: one increment per listing; 2^256 transactions cannot happen.
        unchecked {
            listingId = ++_lastListingId;
        }
        StoredListing storage listing = _listings[listingId];
        listing.providerId = SafeCast.toUint64(providerId);
        listing.status = ListingStatus.Active;
        _writeTerms(listing, params, false);

        emit ListingPublished(
            listingId,
            providerId,
            msg.sender,
            params.capabilities,
            params.price,
            params.pricing,
            params.slaSeconds,
            params.reviewWindow,
            params.collateralBps,
            params.arbitrator,
            params.validator,
            params.metadataURI
        );
    }

    /// @inheritdoc IListingRegistry
    function update(uint256 listingId, ListingParams calldata params) external {
        _requireNotPaused();
        StoredListing storage listing = _listings[listingId];
        uint256 providerId = _requireManager(listingId, listing);
        if (listing.status == ListingStatus.Retired) revert ListingRetired(listingId);
        _validate(params);

        _writeTerms(listing, params, true);

        emit ListingUpdated(
            listingId,
            providerId,
            msg.sender,
            params.capabilities,
            params.price,
            params.pricing,
            params.slaSeconds,
            params.reviewWindow,
            params.collateralBps,
            params.arbitrator,
            params.validator,
            params.metadataURI
        );
    }

    /* STATUS */

    /// @inheritdoc IListingRegistry
    function pause(uint256 listingId) external {
        _transition(listingId, ListingStatus.Active, ListingStatus.Paused);
    }

    /// @inheritdoc IListingRegistry
    function resume(uint256 listingId) external {
        // Resuming re-opens business, so the guardian pause blocks it like `publish`.
        _requireNotPaused();
        _transition(listingId, ListingStatus.Paused, ListingStatus.Active);
    }

    /// @inheritdoc IListingRegistry
    function retire(uint256 listingId) external {
        StoredListing storage listing = _listings[listingId];
        uint256 providerId = _requireManager(listingId, listing);
        if (listing.status == ListingStatus.Retired) revert ListingRetired(listingId);
        listing.status = ListingStatus.Retired;
        emit ListingStatusChanged(listingId, providerId, ListingStatus.Retired, msg.sender);
    }

    /* VIEWS */

    /// @inheritdoc IListingRegistry
    function getListing(uint256 listingId) public view returns (Listing memory listing) {
        StoredListing storage stored = _listings[listingId];
        listing.providerId = stored.providerId;
        listing.price = stored.price;
        listing.pricing = stored.pricing;
        listing.status = stored.status;
        listing.slaSeconds = stored.slaSeconds;
        listing.reviewWindow = stored.reviewWindow;
        listing.collateralBps = stored.collateralBps;
        if (listing.status == ListingStatus.None) revert ListingNotFound(listingId);
        listing.arbitrator = stored.arbitrator;
        if (stored.hasValidator) listing.validator = stored.validator;
    }

    /// @inheritdoc IListingRegistry
    function termsHash(uint256 listingId) external view returns (bytes32) {
        return ListingTerms.hash(getListing(listingId));
    }

    /// @inheritdoc IListingRegistry
    function totalListings() external view returns (uint256) {
        return _lastListingId;
    }

    /* INTERNAL */

    /// @dev Moves a listing from `from` to `to`; the only other state is Retired, which is final.
    function _transition(uint256 listingId, ListingStatus from, ListingStatus to) private {
        StoredListing storage listing = _listings[listingId];
        uint256 providerId = _requireManager(listingId, listing);
        ListingStatus status = listing.status;
        if (status == ListingStatus.Retired) revert ListingRetired(listingId);
        if (status != from) revert ListingStatusUnchanged(listingId, status);
        listing.status = to;
        emit ListingStatusChanged(listingId, providerId, to, msg.sender);
    }

    /// @dev Writes the terms. The validator slot is written on publish only when non-zero (saves a cold store),
    /// on update whenever it changes (so a stale address never stays behind a cleared flag).
    function _writeTerms(StoredListing storage listing, ListingParams calldata params, bool isUpdate) private {
        address validator = params.validator;
        listing.price = params.price;
        listing.pricing = params.pricing;
        listing.slaSeconds = params.slaSeconds;
        listing.reviewWindow = params.reviewWindow;
        listing.collateralBps = params.collateralBps;
        listing.hasValidator = validator != address(0);
        listing.arbitrator = params.arbitrator;
        if (isUpdate ? listing.validator != validator : validator != address(0)) listing.validator = validator;
    }

    /// @dev Reverts unless the listing exists and the caller is its provider's owner or unfrozen operator.
    function _requireManager(uint256 listingId, StoredListing storage listing) private view returns (uint256 providerId) {
        providerId = listing.providerId;
        if (providerId == 0) revert ListingNotFound(listingId);
        AGENT_REGISTRY.checkActor(providerId, msg.sender);
    }

    function _requireNotPaused() private view {
        if (VAULT.paused()) revert ListingPaused();
    }

    function _validate(ListingParams calldata params) private view {
        bytes32[] calldata capabilities = params.capabilities;
        uint256 count = capabilities.length;
        if (count == 0) revert ListingNoCapabilities();
        if (count > MAX_CAPABILITIES) revert ListingTooManyCapabilities(count, MAX_CAPABILITIES);
        // Bound: count <= MAX_CAPABILITIES = 8, so at most 28 comparisons.
        for (uint256 i; i < count; ++i) {
            bytes32 capability = capabilities[i];
            if (capability == bytes32(0)) revert ListingInvalidCapability(i, capability);
            for (uint256 j; j < i; ++j) {
                if (capabilities[j] == capability) revert ListingDuplicateCapability(capability);
            }
        }
        if (params.price == 0) revert ListingPriceZero();
        uint32 sla = params.slaSeconds;
        if (sla < MIN_SLA || sla > MAX_SLA) revert ListingInvalidSla(sla, MIN_SLA, MAX_SLA);
        uint32 review = params.reviewWindow;
        if (review < MIN_REVIEW || review > MAX_REVIEW) revert ListingInvalidReviewWindow(review, MIN_REVIEW, MAX_REVIEW);
        if (params.collateralBps > MAX_COLLATERAL_BPS) {
            revert ListingCollateralTooHigh(params.collateralBps, MAX_COLLATERAL_BPS);
        }
        if (params.arbitrator.code.length == 0) revert ListingInvalidArbitrator(params.arbitrator);
        address validator = params.validator;
        if (validator != address(0) && validator.code.length == 0) revert ListingInvalidValidator(validator);
        uint256 uriLength = bytes(params.metadataURI).length;
        if (uriLength > MAX_URI_LENGTH) revert ListingUriTooLong(uriLength, MAX_URI_LENGTH);
    }
}
