// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAgentRegistry} from "./interfaces/IAgentRegistry.sol";
import {IAgoraVault} from "./interfaces/IAgoraVault.sol";
import {IArbitrable, IArbitrator} from "./interfaces/IArbitrator.sol";
import {IJobEscrow} from "./interfaces/IJobEscrow.sol";
import {ListingTerms} from "./libraries/ListingTerms.sol";
import {IListingRegistry} from "./interfaces/IListingRegistry.sol";
import {IReputationLedger} from "./interfaces/IReputationLedger.sol";
import {IValidator} from "./interfaces/IValidator.sol";
import {BoundedCall} from "./libraries/BoundedCall.sol";

/// @title JobEscrow
/// @notice The job state machine of Agora: funding, collateral, delivery, review, disputes (IArbitrable),
/// validator verdicts and feedback. Holds no token: money is locked in and paid out by the vault.
/// @dev Storage is packed by phase so that the hot path (create, deliver, release) writes two fresh slots:
/// - `_core` (1 slot, kept for ever): parties, amount, fee bps, state, flags and one phase-dependent time:
///   the deadline (Funded, Accepted), the review end (Delivered), the dispute time (Disputed), the settlement
///   time (final states).
/// - `_terms` (1 slot, cleared at settlement for the refund): arbitrator, start time (creation, then
///   acceptance), on-time limit (creation + SLA), review window. The delivery time is not stored: it is
///   `reviewEnd - reviewWindow`, from which latency and punctuality are derived at settlement.
/// - `_extras` (1 slot, only for jobs with a validator or a collateral requirement): validator, collateral bps,
///   posted collateral. `_specHash`/`_resultHash` only for validator jobs; `_arbitrationFee` only while disputed.
/// Every state-changing function is `nonReentrant` (transient-storage guard, EIP-1153: ~200 gas per call).
/// @custom:security-contact security@agora.example
contract JobEscrow is IJobEscrow, ReentrancyGuardTransient {
    using SafeCast for uint256;

    /* CONSTANTS */

    /// @inheritdoc IJobEscrow
    uint256 public constant RULING_PERIOD = 7 days;
    /// @inheritdoc IJobEscrow
    uint256 public constant MAX_JOB_DURATION = 365 days;
    /// @inheritdoc IJobEscrow
    /// @dev Capped rather than reverted: otherwise a provider could pick an arbitrator quoting an absurd fee and
    /// make every rejection impossible, turning the review window into a forced release.
    uint256 public constant ARBITRATION_FEE_CAP_BPS = 1_000;
    /// @inheritdoc IJobEscrow
    uint256 public constant ARBITRATOR_GAS = 500_000;
    /// @inheritdoc IJobEscrow
    uint256 public constant ARBITRATION_COST_GAS = 50_000;
    /// @inheritdoc IJobEscrow
    uint256 public constant VALIDATOR_GAS = 200_000;
    /// @inheritdoc IJobEscrow
    uint16 public constant DEFAULT_RULING_BPS = 5_000;

    uint256 private constant BPS = 10_000;

    uint8 private constant FLAG_SELF_DEALING = 1 << 0;
    uint8 private constant FLAG_COLLATERAL_TERMS = 1 << 1;
    uint8 private constant FLAG_VALIDATOR = 1 << 2;
    uint8 private constant FLAG_CLIENT_FEEDBACK = 1 << 3;
    uint8 private constant FLAG_PROVIDER_FEEDBACK = 1 << 4;
    /// @dev Refunded at the deadline without the provider ever accepting: nothing recorded, no feedback.
    uint8 private constant FLAG_UNACCEPTED = 1 << 5;
    uint8 private constant FLAGS_EXTRAS = FLAG_COLLATERAL_TERMS | FLAG_VALIDATOR;

    uint256 private constant S_FUNDED = 1 << uint256(JobState.Funded);
    uint256 private constant S_ACCEPTED = 1 << uint256(JobState.Accepted);
    uint256 private constant S_DELIVERED = 1 << uint256(JobState.Delivered);
    uint256 private constant S_DISPUTED = 1 << uint256(JobState.Disputed);
    uint256 private constant S_SETTLED =
        (1 << uint256(JobState.Completed)) | (1 << uint256(JobState.Refunded)) | (1 << uint256(JobState.Resolved));

    /* IMMUTABLES */

    /// @inheritdoc IJobEscrow
    IAgoraVault public immutable VAULT;
    /// @inheritdoc IJobEscrow
    IAgentRegistry public immutable REGISTRY;
    /// @inheritdoc IJobEscrow
    IListingRegistry public immutable LISTINGS;
    /// @inheritdoc IJobEscrow
    IReputationLedger public immutable LEDGER;

    /* STORAGE */

    struct JobCore {
        uint64 clientId;
        uint64 providerId;
        uint64 amount;
        uint32 time; // deadline | reviewEnd | disputedAt | settledAt, by state (see the contract NatSpec)
        JobState state;
        uint8 flags;
        uint16 feeBps;
    }

    struct JobTerms {
        address arbitrator;
        uint32 startedAt;
        uint32 onTimeBy;
        uint32 reviewWindow;
    }

    struct JobExtras {
        address validator;
        uint16 collateralBps;
        uint64 collateral;
    }

    uint256 private _jobCount;
    mapping(uint256 jobId => JobCore) private _core;
    mapping(uint256 jobId => JobTerms) private _terms;
    mapping(uint256 jobId => JobExtras) private _extras;
    mapping(uint256 jobId => bytes32) private _specHash;
    mapping(uint256 jobId => bytes32) private _resultHash;
    mapping(uint256 jobId => uint256) private _arbitrationFee;

    /* CONSTRUCTOR */

    constructor(IAgoraVault vault, IAgentRegistry registry, IListingRegistry listings, IReputationLedger ledger) {
        if (
            address(vault) == address(0) || address(registry) == address(0) || address(listings) == address(0)
                || address(ledger) == address(0)
        ) revert EscrowZeroAddress();
        VAULT = vault;
        REGISTRY = registry;
        LISTINGS = listings;
        LEDGER = ledger;
    }

    /* JOBS */

    /// @inheritdoc IJobEscrow
    function createJob(CreateJobParams calldata params, IAgoraVault.Funding calldata funding)
        external
        nonReentrant
        returns (uint256 jobId)
    {
        IListingRegistry.Listing memory listing = LISTINGS.getListing(params.listingId);
        if (listing.status != IListingRegistry.ListingStatus.Active) {
            revert EscrowListingNotActive(params.listingId, listing.status);
        }
        if (listing.pricing == IListingRegistry.PricingModel.PerCall) {
            revert EscrowListingNotHireable(params.listingId, listing.pricing);
        }
        bytes32 terms = ListingTerms.hash(listing);
        if (terms != params.termsHash) revert EscrowListingTermsChanged(params.listingId, params.termsHash, terms);
        if (listing.price > params.maxPrice) revert EscrowPriceAboveMax(params.listingId, listing.price, params.maxPrice);
        // Fixed: the listing price; Quoted: the amount the client agreed, at least the listing's floor.
        uint64 amount = listing.pricing == IListingRegistry.PricingModel.Fixed ? listing.price : params.maxPrice.toUint64();

        uint256 onTimeBy = block.timestamp + listing.slaSeconds;
        uint256 maxDeadline = block.timestamp + MAX_JOB_DURATION;
        if (params.deadline < onTimeBy || params.deadline > maxDeadline) {
            revert EscrowInvalidDeadline(params.deadline, onTimeBy, maxDeadline);
        }

        uint8 flags;
        if (REGISTRY.ownerOf(params.clientId) == REGISTRY.ownerOf(listing.providerId)) flags = FLAG_SELF_DEALING;
        if (listing.collateralBps != 0) flags |= FLAG_COLLATERAL_TERMS;
        if (listing.validator != address(0)) flags |= FLAG_VALIDATOR;
        uint16 feeBps = VAULT.protocolFeeBps();

        // Bound: one increment per transaction; 2^256 jobs cannot be created.
        unchecked {
            jobId = ++_jobCount;
        }
        _core[jobId] = JobCore({
            clientId: params.clientId.toUint64(),
            providerId: listing.providerId,
            amount: amount,
            time: params.deadline.toUint32(),
            state: JobState.Funded,
            flags: flags,
            feeBps: feeBps
        });
        _terms[jobId] = JobTerms({
            arbitrator: listing.arbitrator,
            startedAt: block.timestamp.toUint32(),
            onTimeBy: uint32(onTimeBy), // <= deadline, checked above
            reviewWindow: listing.reviewWindow
        });
        if (flags & FLAGS_EXTRAS != 0) {
            _extras[jobId] =
                JobExtras({validator: listing.validator, collateralBps: listing.collateralBps, collateral: 0});
            if (flags & FLAG_VALIDATOR != 0 && params.specHash != bytes32(0)) _specHash[jobId] = params.specHash;
        }

        _emitCreated(jobId, params, listing, amount, feeBps, flags);
        VAULT.commit(params.clientId, listing.providerId, msg.sender, amount, true, funding);
    }

    /// @inheritdoc IJobEscrow
    function cancel(uint256 jobId) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_FUNDED);
        REGISTRY.checkActor(core.clientId, msg.sender);

        _finalize(jobId, core.flags, JobState.Cancelled);
        emit JobCancelled(jobId, core.clientId, core.providerId, core.amount, msg.sender);
        VAULT.release(core.clientId, core.amount, 0);
    }

    /// @inheritdoc IJobEscrow
    /// @dev No time limit: after the deadline `refund` has the same effect, so neither races the other.
    function decline(uint256 jobId, string calldata reasonURI) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_FUNDED);
        REGISTRY.checkActor(core.providerId, msg.sender);

        _finalize(jobId, core.flags, JobState.Cancelled);
        emit JobDeclined(jobId, core.clientId, core.providerId, core.amount, reasonURI, msg.sender);
        VAULT.release(core.clientId, core.amount, 0);
    }

    /// @inheritdoc IJobEscrow
    function accept(uint256 jobId, IAgoraVault.Funding calldata funding) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_FUNDED);
        if (block.timestamp > core.time) revert EscrowTooLate(jobId, block.timestamp, core.time);

        uint256 score;
        uint256 collateral;
        if (core.flags & FLAG_COLLATERAL_TERMS != 0) {
            score = LEDGER.score(core.providerId);
            collateral = _requiredCollateral(core.amount, _extras[jobId].collateralBps, score);
        }
        if (collateral == 0) REGISTRY.checkActor(core.providerId, msg.sender);

        _core[jobId].state = JobState.Accepted;
        _terms[jobId].startedAt = uint32(block.timestamp); // <= deadline, a uint32
        if (collateral != 0) _extras[jobId].collateral = collateral.toUint64();

        emit JobAccepted(jobId, core.clientId, core.providerId, collateral, score, msg.sender);
        if (collateral != 0) VAULT.commit(core.providerId, core.clientId, msg.sender, collateral, false, funding);
    }

    /// @inheritdoc IJobEscrow
    function deliver(uint256 jobId, bytes32 resultHash, string calldata resultURI) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_FUNDED | S_ACCEPTED);
        if (block.timestamp > core.time) revert EscrowTooLate(jobId, block.timestamp, core.time);
        REGISTRY.checkActor(core.providerId, msg.sender);
        if (core.state == JobState.Funded && core.flags & FLAG_COLLATERAL_TERMS != 0) {
            uint256 required =
                _requiredCollateral(core.amount, _extras[jobId].collateralBps, LEDGER.score(core.providerId));
            if (required != 0) revert EscrowCollateralRequired(jobId, required);
        }

        JobTerms memory terms = _terms[jobId];
        uint32 reviewEndsAt = (block.timestamp + terms.reviewWindow).toUint32();
        core.state = JobState.Delivered;
        core.time = reviewEndsAt;
        _core[jobId] = core;

        emit JobDelivered(
            jobId,
            core.clientId,
            core.providerId,
            resultHash,
            resultURI,
            reviewEndsAt,
            uint32(block.timestamp - terms.startedAt), // startedAt <= now
            block.timestamp <= terms.onTimeBy,
            msg.sender
        );

        if (core.flags & FLAG_VALIDATOR != 0) {
            address validator = _extras[jobId].validator;
            IValidator.Verdict verdict = _askValidator(jobId, validator, _specHash[jobId], resultHash);
            if (verdict == IValidator.Verdict.Approved) {
                _complete(jobId, core, terms, CompletionKind.ValidatorApproved);
            } else if (verdict == IValidator.Verdict.Rejected) {
                _refund(jobId, core, RefundKind.ValidatorRejected);
            } else if (resultHash != bytes32(0)) {
                _resultHash[jobId] = resultHash; // kept for `pollValidator`
            }
        }
    }

    /// @inheritdoc IJobEscrow
    function approve(uint256 jobId) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_DELIVERED);
        REGISTRY.checkActor(core.clientId, msg.sender);
        _complete(jobId, core, _terms[jobId], CompletionKind.Approved);
    }

    /// @inheritdoc IJobEscrow
    function reject(uint256 jobId, string calldata reasonURI, IAgoraVault.Funding calldata funding)
        external
        nonReentrant
    {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_DELIVERED);
        if (block.timestamp > core.time) revert EscrowTooLate(jobId, block.timestamp, core.time);
        address arbitrator = _terms[jobId].arbitrator;
        (uint256 fee, uint256 quoted) = _quoteArbitration(arbitrator, core.amount);
        if (fee == 0) REGISTRY.checkActor(core.clientId, msg.sender);

        _core[jobId].state = JobState.Disputed;
        _core[jobId].time = uint32(block.timestamp); // <= reviewEnd, a uint32
        if (fee != 0) _arbitrationFee[jobId] = fee;

        emit JobDisputed(jobId, core.clientId, core.providerId, arbitrator, fee, quoted, reasonURI, msg.sender);
        emit Dispute(arbitrator, jobId, jobId, jobId);
        emit Evidence(arbitrator, jobId, msg.sender, reasonURI);

        if (fee != 0) VAULT.commit(core.clientId, core.providerId, msg.sender, fee, false, funding);
        _requireGas(ARBITRATOR_GAS);
        (bool ok,,) = BoundedCall.callWord(
            arbitrator,
            ARBITRATOR_GAS,
            abi.encodeCall(IArbitrator.createDispute, (jobId, core.clientId, core.providerId, core.amount))
        );
        if (!ok) emit ArbitratorNotificationFailed(jobId, arbitrator);
    }

    /// @inheritdoc IJobEscrow
    function release(uint256 jobId) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_DELIVERED);
        if (block.timestamp <= core.time) revert EscrowTooEarly(jobId, block.timestamp, uint256(core.time) + 1);
        _complete(jobId, core, _terms[jobId], CompletionKind.Released);
    }

    /// @inheritdoc IJobEscrow
    function refund(uint256 jobId) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_FUNDED | S_ACCEPTED);
        if (block.timestamp <= core.time) revert EscrowTooEarly(jobId, block.timestamp, uint256(core.time) + 1);
        if (core.state == JobState.Funded) {
            // Never accepted: anyone could have hired an offline provider to have this counted against it.
            _core[jobId].flags = core.flags | FLAG_UNACCEPTED;
            _refund(jobId, core, RefundKind.Unaccepted);
        } else {
            _refund(jobId, core, RefundKind.Deadline);
        }
    }

    /// @inheritdoc IJobEscrow
    function pollValidator(uint256 jobId) external nonReentrant returns (IValidator.Verdict verdict) {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_DELIVERED);
        if (core.flags & FLAG_VALIDATOR == 0) revert EscrowNoValidator(jobId);

        verdict = _askValidator(jobId, _extras[jobId].validator, _specHash[jobId], _resultHash[jobId]);
        if (verdict == IValidator.Verdict.Approved) {
            _complete(jobId, core, _terms[jobId], CompletionKind.ValidatorApproved);
        } else if (verdict == IValidator.Verdict.Rejected) {
            _refund(jobId, core, RefundKind.ValidatorRejected);
        }
    }

    /* DISPUTES */

    /// @inheritdoc IJobEscrow
    function submitEvidence(uint256 jobId, string calldata evidenceURI) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_DISPUTED);
        if (!_isActor(core.clientId, msg.sender) && !_isActor(core.providerId, msg.sender)) {
            revert EscrowNotParty(jobId, msg.sender);
        }
        emit Evidence(_terms[jobId].arbitrator, jobId, msg.sender, evidenceURI);
    }

    /// @inheritdoc IArbitrable
    /// @dev Accepted from the job's arbitrator while the job is Disputed, even after `RULING_PERIOD` as long as
    /// nobody applied the default; a second ruling finds the job Resolved and reverts.
    function rule(uint256 disputeId, uint256 providerShareBps) external nonReentrant {
        JobCore memory core = _core[disputeId];
        _requireState(disputeId, core.state, S_DISPUTED);
        address arbitrator = _terms[disputeId].arbitrator;
        if (msg.sender != arbitrator) revert EscrowNotArbitrator(disputeId, msg.sender, arbitrator);
        // The ruling window and the default are exact complements: at every timestamp exactly one is open.
        uint256 rulingEnd = uint256(core.time) + RULING_PERIOD;
        if (block.timestamp > rulingEnd) revert EscrowTooLate(disputeId, block.timestamp, rulingEnd);
        if (providerShareBps > BPS) revert EscrowInvalidRuling(disputeId, providerShareBps);
        _resolve(disputeId, core, arbitrator, uint16(providerShareBps), false);
    }

    /// @inheritdoc IJobEscrow
    function resolveByDefault(uint256 jobId) external nonReentrant {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_DISPUTED);
        uint256 opensAt = uint256(core.time) + RULING_PERIOD + 1;
        if (block.timestamp < opensAt) revert EscrowTooEarly(jobId, block.timestamp, opensAt);
        _resolve(jobId, core, _terms[jobId].arbitrator, DEFAULT_RULING_BPS, true);
    }

    /* FEEDBACK */

    /// @inheritdoc IJobEscrow
    function giveFeedback(
        uint256 jobId,
        uint8 score,
        string memory tag1,
        string memory tag2,
        string memory feedbackURI,
        bytes32 feedbackHash
    ) external nonReentrant {
        (uint256 fromId, uint256 subjectId, uint256 weight) = _markFeedback(jobId, score);
        LEDGER.recordFeedback(subjectId, fromId, jobId, score, weight, tag1, tag2, feedbackURI, feedbackHash);
    }

    /* VIEWS */

    /// @inheritdoc IJobEscrow
    function getJob(uint256 jobId) external view returns (Job memory job) {
        JobCore memory core = _core[jobId];
        JobTerms memory terms = _terms[jobId];
        JobExtras memory extras = _extras[jobId];
        job.clientId = core.clientId;
        job.providerId = core.providerId;
        job.amount = core.amount;
        job.feeBps = core.feeBps;
        job.state = core.state;
        job.selfDealing = core.flags & FLAG_SELF_DEALING != 0;
        job.clientFeedbackGiven = core.flags & FLAG_CLIENT_FEEDBACK != 0;
        job.providerFeedbackGiven = core.flags & FLAG_PROVIDER_FEEDBACK != 0;
        if (core.state == JobState.Funded || core.state == JobState.Accepted) job.deadline = core.time;
        else if (core.state == JobState.Delivered) job.reviewEndsAt = core.time;
        else if (core.state == JobState.Disputed) job.disputedAt = core.time;
        else job.settledAt = core.time;
        job.startedAt = terms.startedAt;
        job.onTimeBy = terms.onTimeBy;
        job.reviewWindow = terms.reviewWindow;
        job.arbitrator = terms.arbitrator;
        job.validator = extras.validator;
        job.collateralBps = extras.collateralBps;
        job.collateral = extras.collateral;
        job.arbitrationFee = uint64(_arbitrationFee[jobId]); // <= ARBITRATION_FEE_CAP_BPS of a uint64 amount
        job.specHash = _specHash[jobId];
        job.resultHash = _resultHash[jobId];
    }

    /// @inheritdoc IJobEscrow
    function state(uint256 jobId) external view returns (JobState) {
        return _core[jobId].state;
    }

    /// @inheritdoc IJobEscrow
    function requiredCollateral(uint256 providerId, uint256 amount, uint16 collateralBps) external view returns (uint256) {
        if (collateralBps == 0) return 0;
        return _requiredCollateral(amount, collateralBps, LEDGER.score(providerId));
    }

    /// @inheritdoc IJobEscrow
    function totalJobs() external view returns (uint256) {
        return _jobCount;
    }

    /* INTERNAL: SETTLEMENT */

    /// @dev Pays the provider the amount minus the fee plus its collateral; records the completion.
    function _complete(uint256 jobId, JobCore memory core, JobTerms memory terms, CompletionKind kind) private {
        uint256 collateral = core.flags & FLAG_COLLATERAL_TERMS != 0 ? _extras[jobId].collateral : 0;
        uint256 fee = _feeUp(core.amount, core.feeBps);
        uint256 toProvider = core.amount - fee; // fee <= amount since feeBps <= 10000
        // Delivered: `time` is the review end and the delivery happened `reviewWindow` before it.
        uint256 deliveredAt = core.time - terms.reviewWindow;

        _finalize(jobId, core.flags, JobState.Completed);
        emit JobCompleted(jobId, core.clientId, core.providerId, toProvider, fee, collateral, kind, msg.sender);

        VAULT.release(core.providerId, toProvider + collateral, fee);
        if (core.flags & FLAG_SELF_DEALING == 0) {
            LEDGER.recordCompleted(
                core.providerId,
                core.clientId,
                jobId,
                core.amount, // volume counts the amount before the fee, as channel claims do
                uint64(deliveredAt - terms.startedAt), // startedAt <= deliveredAt
                deliveredAt <= terms.onTimeBy
            );
        }
    }

    /// @dev Returns the amount and the whole collateral to the client; records `refundedLate` (Deadline) or a lost
    /// dispute (ValidatorRejected), nothing for an unaccepted job.
    function _refund(uint256 jobId, JobCore memory core, RefundKind kind) private {
        uint256 collateral = core.flags & FLAG_COLLATERAL_TERMS != 0 ? _extras[jobId].collateral : 0;

        _finalize(jobId, core.flags, JobState.Refunded);
        emit JobRefunded(jobId, core.clientId, core.providerId, core.amount, collateral, kind, msg.sender);

        VAULT.release(core.clientId, core.amount + collateral, 0);
        if (core.flags & FLAG_SELF_DEALING == 0) {
            if (kind == RefundKind.Deadline) {
                LEDGER.recordRefundedLate(core.providerId, core.clientId, jobId, core.amount);
            } else if (kind == RefundKind.ValidatorRejected) {
                LEDGER.recordDispute(core.providerId, core.clientId, jobId, 0, 0);
            }
        }
    }

    /// @dev Splits the amount and the collateral by `shareBps` (the provider's side rounds down), pays the
    /// arbitration fee to the arbitrator (ruling) or back to the client (default), and records a ruling.
    function _resolve(uint256 jobId, JobCore memory core, address arbitrator, uint16 shareBps, bool byDefault) private {
        Split memory s;
        s.gross = uint256(core.amount) * shareBps / BPS;
        s.fee = _feeUp(s.gross, core.feeBps);
        s.toProvider = s.gross - s.fee;
        s.toClient = core.amount - s.gross;
        uint256 collateral = core.flags & FLAG_COLLATERAL_TERMS != 0 ? _extras[jobId].collateral : 0;
        s.collateralToProvider = collateral * shareBps / BPS;
        s.collateralToClient = collateral - s.collateralToProvider;
        s.arbitrationFee = _arbitrationFee[jobId];

        _finalize(jobId, core.flags, JobState.Resolved);
        if (s.arbitrationFee != 0) delete _arbitrationFee[jobId];

        if (!byDefault) emit Ruling(arbitrator, jobId, shareBps);
        emit JobResolved(
            jobId,
            core.clientId,
            core.providerId,
            shareBps,
            s.toProvider,
            s.fee,
            s.toClient,
            s.collateralToProvider,
            s.collateralToClient,
            s.arbitrationFee,
            byDefault,
            msg.sender
        );

        uint256 providerCredit = s.toProvider + s.collateralToProvider;
        if (providerCredit != 0 || s.fee != 0) VAULT.release(core.providerId, providerCredit, s.fee);
        uint256 clientCredit = s.toClient + s.collateralToClient + (byDefault ? s.arbitrationFee : 0);
        if (clientCredit != 0) VAULT.release(core.clientId, clientCredit, 0);
        if (!byDefault) {
            if (s.arbitrationFee != 0) VAULT.releaseTo(arbitrator, s.arbitrationFee);
            if (core.flags & FLAG_SELF_DEALING == 0) {
                LEDGER.recordDispute(core.providerId, core.clientId, jobId, shareBps, s.gross); // before the fee
            }
        }
    }

    struct Split {
        uint256 gross;
        uint256 fee;
        uint256 toProvider;
        uint256 toClient;
        uint256 collateralToProvider;
        uint256 collateralToClient;
        uint256 arbitrationFee;
    }

    /// @dev Moves a job to a final state and clears everything but its core record (gas refunds).
    function _finalize(uint256 jobId, uint8 flags, JobState finalState) private {
        JobCore storage core = _core[jobId];
        core.state = finalState;
        core.time = uint32(block.timestamp); // settledAt; timestamps fit uint32 until 2106
        delete _terms[jobId];
        if (flags & FLAGS_EXTRAS != 0) {
            delete _extras[jobId];
            if (flags & FLAG_VALIDATOR != 0) {
                delete _specHash[jobId];
                delete _resultHash[jobId];
            }
        }
    }

    /// @dev Checks a feedback call, marks the caller's side as done and emits `FeedbackGiven`.
    function _markFeedback(uint256 jobId, uint8 score) private returns (uint256 fromId, uint256 subjectId, uint256 weight) {
        JobCore memory core = _core[jobId];
        _requireState(jobId, core.state, S_SETTLED);
        if (core.flags & FLAG_SELF_DEALING != 0) revert EscrowSelfDealing(jobId);
        if (core.flags & FLAG_UNACCEPTED != 0) revert EscrowNeverAccepted(jobId);

        // Check first the side that has not rated yet (the client when neither has): the usual caller then
        // costs one registry check, not two.
        bool clientFirst = core.flags & FLAG_CLIENT_FEEDBACK == 0;
        (uint256 first, uint256 second) = clientFirst ? (core.clientId, core.providerId) : (core.providerId, core.clientId);
        if (_isActor(first, msg.sender)) (fromId, subjectId) = (first, second);
        else if (_isActor(second, msg.sender)) (fromId, subjectId) = (second, first);
        else revert EscrowNotParty(jobId, msg.sender);
        // Client and provider ids differ here: the same agent on both sides is self-dealing.
        uint8 flag = fromId == core.clientId ? FLAG_CLIENT_FEEDBACK : FLAG_PROVIDER_FEEDBACK;
        if (core.flags & flag != 0) revert EscrowFeedbackAlreadyGiven(jobId, fromId);

        _core[jobId].flags = core.flags | flag;
        weight = core.amount;
        emit FeedbackGiven(jobId, fromId, subjectId, score, msg.sender);
    }

    /* INTERNAL: MODULES */

    /// @dev Asks the validator with a gas cap, reading one word: anything but exactly 32 bytes holding 1
    /// (Approved) or 2 (Rejected) is "no verdict".
    function _askValidator(uint256 jobId, address validator, bytes32 specHash, bytes32 resultHash)
        private
        returns (IValidator.Verdict verdict)
    {
        _requireGas(VALIDATOR_GAS);
        (bool ok, uint256 word, uint256 size) = BoundedCall.callWord(
            validator, VALIDATOR_GAS, abi.encodeCall(IValidator.validate, (jobId, specHash, resultHash))
        );
        if (ok && size == 32 && word <= uint256(IValidator.Verdict.Rejected)) verdict = IValidator.Verdict(word);
        emit ValidatorPolled(jobId, validator, verdict, msg.sender);
    }

    /// @dev The arbitrator's quote (gas-capped, one word) and the fee charged: the quote capped at
    /// `ARBITRATION_FEE_CAP_BPS` of the amount; a failing or malformed quote means a fee of 0.
    function _quoteArbitration(address arbitrator, uint256 amount) private view returns (uint256 fee, uint256 quoted) {
        _requireGas(ARBITRATION_COST_GAS);
        (bool ok, uint256 word, uint256 size) = BoundedCall.staticcallWord(
            arbitrator, ARBITRATION_COST_GAS, abi.encodeCall(IArbitrator.arbitrationCost, (amount))
        );
        if (!ok || size != 32) return (0, 0);
        quoted = word;
        fee = Math.min(quoted, amount * ARBITRATION_FEE_CAP_BPS / BPS);
    }

    /* INTERNAL: HELPERS */

    /// @dev Reverts with `EscrowUnexpectedState` unless `current` is in the bit set `allowed`; `expected` is the
    /// earliest allowed state.
    function _requireState(uint256 jobId, JobState current, uint256 allowed) private pure {
        if ((1 << uint256(current)) & allowed == 0) {
            uint256 expected;
            // Bound: `allowed` has a bit below 9 set, so the loop runs at most 9 times.
            while ((1 << expected) & allowed == 0) ++expected;
            revert EscrowUnexpectedState(jobId, current, JobState(expected));
        }
    }

    function _requireGas(uint256 gasCap) private view {
        uint256 needed = BoundedCall.gasNeeded(gasCap);
        if (gasleft() < needed) revert EscrowInsufficientGas(gasleft(), needed);
    }

    /// @dev Whether `account` may act for `agentId` (owner or unfrozen operator).
    function _isActor(uint256 agentId, address account) private view returns (bool) {
        try REGISTRY.checkActor(agentId, account) returns (address, bool) {
            return true;
        } catch {
            return false;
        }
    }

    /// @dev `amount` <= a uint64 job amount and `feeBps` <= a uint16: the product fits in 80 bits, so a plain
    /// ceiling division is exact (measured: 414 gas less per completion than `Math.mulDiv`).
    function _feeUp(uint256 amount, uint256 feeBps) private pure returns (uint256) {
        return Math.ceilDiv(amount * feeBps, BPS);
    }

    function _requiredCollateral(uint256 amount, uint256 collateralBps, uint256 score) private pure returns (uint256) {
        if (score >= BPS) return 0;
        return Math.mulDiv(amount, collateralBps * (BPS - score), BPS * BPS, Math.Rounding.Ceil);
    }

    function _emitCreated(
        uint256 jobId,
        CreateJobParams calldata params,
        IListingRegistry.Listing memory listing,
        uint64 amount,
        uint16 feeBps,
        uint8 flags
    ) private {
        JobSnapshot memory terms = JobSnapshot({
            listingId: params.listingId,
            amount: amount,
            feeBps: feeBps,
            deadline: uint32(params.deadline), // checked by SafeCast when stored
            onTimeBy: uint32(block.timestamp + listing.slaSeconds), // <= deadline
            reviewWindow: listing.reviewWindow,
            collateralBps: listing.collateralBps,
            arbitrator: listing.arbitrator,
            validator: listing.validator,
            specHash: params.specHash,
            selfDealing: flags & FLAG_SELF_DEALING != 0
        });
        emit JobCreated(jobId, params.clientId, listing.providerId, msg.sender, terms);
    }
}
