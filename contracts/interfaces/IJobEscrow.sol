// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {IAgoraVault} from "./IAgoraVault.sol";
import {IAgentRegistry} from "./IAgentRegistry.sol";
import {IArbitrable} from "./IArbitrator.sol";
import {IListingRegistry} from "./IListingRegistry.sol";
import {IReputationLedger} from "./IReputationLedger.sol";
import {IValidator} from "./IValidator.sol";

/// @title IJobEscrow
/// @notice One-off jobs paid in USDC (PROTOCOL.md §2.3–2.5): a client hires a provider's listing and funds
/// the job in the same transaction; the provider may post collateral, delivers a result hash and URI; the
/// client approves or rejects within the review window (a rejection opens a dispute at the job's arbitrator);
/// a silent window releases to the provider; a missed deadline refunds the client; a job that names a
/// validator settles on its verdict. The provider may decline a job it has not accepted (the client is refunded). The escrow holds no token: every unit is locked in the vault through
/// `IAgoraVault.commit` and paid out as credits through `release`/`releaseTo`.
/// @dev State machine (DESIGN.md, "Jobs"):
///   Funded ─cancel|decline→ Cancelled; Funded ─accept→ Accepted; Funded|Accepted ─deliver→ Delivered;
///   Funded|Accepted ─refund (now > deadline)→ Refunded; Delivered ─approve|release|validator ok→ Completed;
///   Delivered ─validator rejects→ Refunded; Delivered ─reject→ Disputed; Disputed ─rule|resolveByDefault→ Resolved.
/// Completed, Refunded, Cancelled and Resolved are final; a job pays out exactly once.
/// Timing: an action "allowed while `now <= T`" is open at T and closed at T + 1; its opposing action
/// ("allowed once `now > T`") opens at T + 1. `EscrowTooLate.closedAt` is T (the last open second) and
/// `EscrowTooEarly.opensAt` is T + 1 (the first open second).
/// Money: fee = ceil(toProvider * feeBps / 10000) with `feeBps` snapshot at creation, charged only on what reaches
/// the provider. A ruling of `s` bps gives the provider floor(amount * s / 10000) (minus the fee) and
/// floor(collateral * s / 10000); the client gets the rest of both (rounding favours the client). The arbitration
/// fee is min(arbitrationCost(amount), amount * ARBITRATION_FEE_CAP_BPS / 10000), paid by the client at `reject`,
/// locked, and credited to the arbitrator when it rules or refunded to the client by the default ruling.
/// Reputation: completion (approve, release, validator approval) → `recordCompleted`; refund after the deadline
/// of an Accepted job → `recordRefundedLate`; ruling → `recordDispute`; validator rejection → `recordDispute` with
/// share 0; cancel, decline, the refund of a job never accepted (Funded) and the default ruling record nothing;
/// self-dealing jobs record nothing at all. A job the provider never accepted cannot be used against it: hiring an
/// offline provider and refunding at the deadline records nothing and accepts no feedback (`EscrowNeverAccepted`).
/// Trust: the arbitrator and the validator are untrusted. Every function that calls one is `nonReentrant`
/// (all state-changing functions are), their calls are gas-capped, and none of their failures can lock funds:
/// a failed `createDispute` leaves the dispute open (the default ruling applies after `RULING_PERIOD`), a
/// failed or silent validator leaves the ordinary review path open.
interface IJobEscrow is IArbitrable {
    /// @notice Life of a job. Completed, Refunded, Cancelled and Resolved are final.
    enum JobState {
        None,
        Funded,
        Accepted,
        Delivered,
        Disputed,
        Completed,
        Refunded,
        Cancelled,
        Resolved
    }

    /// @notice How a job reached `Completed`.
    enum CompletionKind {
        Approved, // the client approved
        Released, // the review window passed in silence; anyone released
        ValidatorApproved // the job's validator approved the delivery
    }

    /// @notice Why a job was refunded.
    enum RefundKind {
        Deadline, // accepted but not delivered by the deadline; counted as `refundedLate` for the provider
        ValidatorRejected, // the job's validator rejected the delivery; counted as a lost dispute (share 0)
        Unaccepted // neither accepted nor delivered by the deadline; nothing recorded, no feedback on either side
    }

    /// @notice What the client states when hiring.
    struct CreateJobParams {
        uint256 clientId; // the hiring agent; the caller must be its owner or operator
        uint256 listingId; // an Active listing priced Fixed or Quoted
        uint256 maxPrice; // Fixed: reverts if the listing price is above it. Quoted: the agreed amount (>= price)
        uint256 deadline; // delivery deadline, in [now + slaSeconds, now + MAX_JOB_DURATION]
        bytes32 specHash; // commitment to the job specification; stored only when the listing names a validator
        bytes32 termsHash; // the listing terms the client agreed to: `IListingRegistry.termsHash(listingId)`
    }

    /// @notice A job as `getJob` returns it.
    /// @dev Warning: storage is packed by phase (two slots on the hot path), so some fields are meaningful only
    /// in some states and read as zero otherwise:
    /// - `deadline`: Funded and Accepted. `reviewEndsAt`: Delivered. `disputedAt`: Disputed. `settledAt`: final states.
    /// - `startedAt` (creation time, or acceptance time once accepted), `onTimeBy` (creation + SLA),
    ///   `reviewWindow`, `arbitrator`, `validator`, `collateralBps`, `collateral`, `specHash`: until the job is final.
    /// - `resultHash`: only for validator jobs still Delivered (every delivery is in `JobDelivered`).
    /// - `arbitrationFee`: Disputed only.
    /// A final job keeps only its core record (parties, amount, fee bps, state, flags); events carry the rest.
    struct Job {
        uint64 clientId;
        uint64 providerId;
        uint64 amount;
        uint16 feeBps;
        JobState state;
        bool selfDealing;
        bool clientFeedbackGiven;
        bool providerFeedbackGiven;
        uint32 deadline;
        uint32 reviewEndsAt;
        uint32 disputedAt;
        uint32 settledAt;
        uint32 startedAt;
        uint32 onTimeBy;
        uint32 reviewWindow;
        uint16 collateralBps;
        uint64 collateral;
        uint64 arbitrationFee;
        address arbitrator;
        address validator;
        bytes32 specHash;
        bytes32 resultHash;
    }

    /// @notice The terms a job was created with (a static tuple: ABI-encoded inline, like flat event fields).
    struct JobSnapshot {
        uint256 listingId;
        uint256 amount; // locked from the client
        uint16 feeBps; // protocol fee snapshot
        uint32 deadline;
        uint32 onTimeBy; // creation time + the listing's SLA: a delivery at or before it is on time
        uint32 reviewWindow;
        uint16 collateralBps; // collateral at provider score 0
        address arbitrator;
        address validator; // zero for none
        bytes32 specHash;
        bool selfDealing; // same owner on both sides at creation: no reputation, no feedback
    }

    /* EVENTS */

    /// @notice A job was created and `terms.amount` locked in the vault. Carries the full snapshot of the terms.
    event JobCreated(
        uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, address caller, JobSnapshot terms
    );

    /// @notice The client cancelled a job before acceptance; `refunded` went back to its balance.
    event JobCancelled(uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 refunded, address caller);

    /// @notice The provider (`caller`: its owner or operator) declined a job it had not accepted; the whole amount
    /// (`refunded`) went back to the client's balance and the job is Cancelled. Nothing is recorded in the ledger.
    event JobDeclined(
        uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 refunded, string reasonURI, address caller
    );

    /// @notice The provider accepted and locked `collateral`, computed from its `providerScore` at acceptance
    /// (`providerScore` is 0 and not read when the listing requires no collateral).
    event JobAccepted(
        uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 collateral, uint256 providerScore, address caller
    );

    /// @notice The provider delivered. `latency` is delivery time minus start time (acceptance, or creation when
    /// the provider skipped `accept`); `onTime` is delivery time <= `onTimeBy`.
    event JobDelivered(
        uint256 indexed jobId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        bytes32 resultHash,
        string resultURI,
        uint32 reviewEndsAt,
        uint32 latency,
        bool onTime,
        address caller
    );

    /// @notice The job's validator was asked for a verdict (at delivery or by `pollValidator`). `Pending` also
    /// stands for a revert, an out-of-gas or malformed return data.
    event ValidatorPolled(uint256 indexed jobId, address indexed validator, IValidator.Verdict verdict, address caller);

    /// @notice The job completed: `toProvider` (net of `fee`) and the `collateralReturned` went to the provider's
    /// balance, `fee` to the protocol. `toProvider + fee` equals the job amount.
    event JobCompleted(
        uint256 indexed jobId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        uint256 toProvider,
        uint256 fee,
        uint256 collateralReturned,
        CompletionKind kind,
        address caller
    );

    /// @notice The job was refunded: the amount (`toClient`) and the provider's whole collateral
    /// (`collateralToClient`) went to the client's balance.
    event JobRefunded(
        uint256 indexed jobId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        uint256 toClient,
        uint256 collateralToClient,
        RefundKind kind,
        address caller
    );

    /// @notice The client rejected the delivery and opened a dispute at `arbitrator`, paying `arbitrationFee`
    /// (the arbitrator's `quotedCost`, capped at `ARBITRATION_FEE_CAP_BPS` of the amount; 0 if the quote failed).
    event JobDisputed(
        uint256 indexed jobId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        address arbitrator,
        uint256 arbitrationFee,
        uint256 quotedCost,
        string reasonURI,
        address caller
    );

    /// @notice `createDispute` on the arbitrator reverted or ran out of its gas cap. The dispute stays open:
    /// the arbitrator may still rule, and the default ruling applies after `RULING_PERIOD`.
    event ArbitratorNotificationFailed(uint256 indexed jobId, address indexed arbitrator);

    /// @notice A dispute was settled, by the arbitrator's ruling or by default (`byDefault`, 5000 bps).
    /// `toProvider + fee + toClient` equals the job amount; `collateralToProvider + collateralToClient` equals the
    /// collateral; `arbitrationFee` went to the arbitrator's credit (ruling) or back to the client (default).
    event JobResolved(
        uint256 indexed jobId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        uint16 providerShareBps,
        uint256 toProvider,
        uint256 fee,
        uint256 toClient,
        uint256 collateralToProvider,
        uint256 collateralToClient,
        uint256 arbitrationFee,
        bool byDefault,
        address caller
    );

    /// @notice `fromId` rated `subjectId` for a settled job (the full entry is in the ledger's `FeedbackRecorded`).
    event FeedbackGiven(uint256 indexed jobId, uint256 indexed fromId, uint256 indexed subjectId, uint8 score, address caller);

    /* ERRORS */

    /// @notice The job is in `current`; the action starts from `expected` (the earliest state it accepts).
    error EscrowUnexpectedState(uint256 jobId, JobState current, JobState expected);
    /// @notice The action opens at `opensAt` (the first second it is allowed).
    error EscrowTooEarly(uint256 jobId, uint256 timestamp, uint256 opensAt);
    /// @notice The action closed after `closedAt` (the last second it was allowed).
    error EscrowTooLate(uint256 jobId, uint256 timestamp, uint256 closedAt);
    /// @notice The listing's price (Fixed) or floor (Quoted) is above the client's `maxPrice`.
    error EscrowPriceAboveMax(uint256 listingId, uint256 price, uint256 maxPrice);
    /// @notice The listing's terms are not the ones the client agreed to (`CreateJobParams.termsHash`): the provider
    /// changed them after the client read them.
    error EscrowListingTermsChanged(uint256 listingId, bytes32 expected, bytes32 current);
    /// @notice Only Active listings can be hired.
    error EscrowListingNotActive(uint256 listingId, IListingRegistry.ListingStatus status);
    /// @notice PerCall listings are paid through payment channels, not jobs.
    error EscrowListingNotHireable(uint256 listingId, IListingRegistry.PricingModel pricing);
    /// @notice `deadline` is outside [`min`, `max`] = [now + slaSeconds, now + MAX_JOB_DURATION].
    error EscrowInvalidDeadline(uint256 deadline, uint256 min, uint256 max);
    /// @notice The provider must `accept` (and post `required` collateral) before delivering.
    error EscrowCollateralRequired(uint256 jobId, uint256 required);
    /// @notice Only the job's arbitrator can rule.
    error EscrowNotArbitrator(uint256 jobId, address caller, address arbitrator);
    /// @notice A ruling is a provider share in basis points, at most 10000.
    error EscrowInvalidRuling(uint256 jobId, uint256 ruling);
    /// @notice The job names no validator.
    error EscrowNoValidator(uint256 jobId);
    /// @notice Self-dealing jobs accept no feedback.
    error EscrowSelfDealing(uint256 jobId);
    /// @notice The job was refunded at its deadline without the provider ever accepting it: no feedback.
    error EscrowNeverAccepted(uint256 jobId);
    /// @notice `fromId` already gave feedback on this job.
    error EscrowFeedbackAlreadyGiven(uint256 jobId, uint256 fromId);
    /// @notice `caller` is neither the client's nor the provider's owner or (unfrozen) operator.
    error EscrowNotParty(uint256 jobId, address caller);
    /// @notice Too little gas left to give an untrusted module its full gas cap (`needed` before the call).
    error EscrowInsufficientGas(uint256 gasLeft, uint256 needed);
    /// @notice A constructor argument is the zero address.
    error EscrowZeroAddress();

    /* JOBS */

    /// @notice Hires listing `params.listingId` for agent `params.clientId` and locks the amount in the vault,
    /// pulled from the caller by `funding` (protocol balance, transferFrom, EIP-2612 or EIP-3009). The caller must
    /// be the client's owner or unfrozen operator (checked by the vault, with spending limits for the operator).
    /// Snapshots the terms (price, SLA, review window, collateral bps, arbitrator, validator) and the protocol fee.
    /// @dev Reverts while the vault is paused (new business).
    function createJob(CreateJobParams calldata params, IAgoraVault.Funding calldata funding) external returns (uint256 jobId);

    /// @notice The client takes back a job nobody accepted yet (Funded); the amount returns to its balance.
    function cancel(uint256 jobId) external;

    /// @notice The provider (its owner or unfrozen operator) declines a Funded job: the whole amount returns to the
    /// client's balance at once, the job becomes Cancelled, nothing is recorded in the ledger and no feedback is
    /// possible. Emits `JobDeclined` with `reasonURI`. Allowed at any time while Funded (after the deadline
    /// `refund` has the same effect), and while paused: it is an exit.
    /// @dev Reverts `EscrowUnexpectedState` unless Funded, `AgentUnauthorized`/`AgentFrozen` for anyone else.
    function decline(uint256 jobId, string calldata reasonURI) external;

    /// @notice The provider accepts a Funded job while `now <= deadline` and locks the collateral the curve
    /// requires at its current score (`requiredCollateral`), pulled from the caller by `funding` (ignored when
    /// nothing is required). Works while paused.
    function accept(uint256 jobId, IAgoraVault.Funding calldata funding) external;

    /// @notice The provider delivers while `now <= deadline`, from Accepted, or from Funded when no collateral is
    /// required. Opens the review window. A job with a validator asks it at once (gas-capped): Approved completes
    /// the job, Rejected refunds the client, anything else leaves it Delivered.
    /// @dev Warning: for validator jobs the caller must forward at least `VALIDATOR_GAS * 64 / 63` plus a margin.
    function deliver(uint256 jobId, bytes32 resultHash, string calldata resultURI) external;

    /// @notice The client approves a delivery: the provider is paid (minus the fee) and gets its collateral back.
    function approve(uint256 jobId) external;

    /// @notice The client rejects a delivery while `now <= reviewEndsAt` and opens a dispute at the job's
    /// arbitrator, paying the arbitration fee (`funding`; ignored when the fee is 0). Works while paused.
    /// @dev Warning: the caller must forward at least `ARBITRATOR_GAS * 64 / 63` plus a margin.
    function reject(uint256 jobId, string calldata reasonURI, IAgoraVault.Funding calldata funding) external;

    /// @notice Anyone releases a delivery to the provider once the review window has passed (`now > reviewEndsAt`).
    function release(uint256 jobId) external;

    /// @notice Anyone refunds a job not delivered by its deadline (`now > deadline`): the amount and any collateral
    /// go to the client. An Accepted job gives the provider a `refundedLate` mark (`RefundKind.Deadline`, unless
    /// self-dealing). A job never accepted (Funded) records nothing and accepts no feedback on either side
    /// (`RefundKind.Unaccepted`): otherwise anyone could lower an offline provider's score for the price of gas.
    function refund(uint256 jobId) external;

    /// @notice Anyone asks the validator of a Delivered job for its verdict and settles on it.
    /// @return verdict The verdict read (`Pending` for no verdict, including a failing validator).
    function pollValidator(uint256 jobId) external returns (IValidator.Verdict verdict);

    /* DISPUTES */

    /// @notice Client or provider adds evidence (a URI) to a Disputed job; emits ERC-1497 `Evidence`.
    function submitEvidence(uint256 jobId, string calldata evidenceURI) external;

    /// @notice Anyone applies the default ruling to a dispute the arbitrator left unanswered for more than
    /// `RULING_PERIOD` (`now > disputedAt + RULING_PERIOD`): an even split (5000 bps) of the amount and collateral,
    /// the arbitration fee back to the client, and no win or loss in the ledger.
    /// @dev The arbitrator's `rule` is open exactly while this is closed (`now <= disputedAt + RULING_PERIOD`,
    /// else `EscrowTooLate`), so a late ruling can never race the default.
    function resolveByDefault(uint256 jobId) external;

    /* FEEDBACK */

    /// @notice The client or the provider rates the other side of a settled (Completed, Refunded or Resolved) job,
    /// once per side, weighted by the job amount. Self-dealing jobs accept none (`EscrowSelfDealing`), nor jobs
    /// refunded without ever being accepted (`EscrowNeverAccepted`). `score` is 0..100 (the ledger checks).
    /// @dev A caller acting for both sides (one operator key for two owners) rates the side that has not rated
    /// yet, the client first.
    function giveFeedback(
        uint256 jobId,
        uint8 score,
        string calldata tag1,
        string calldata tag2,
        string calldata feedbackURI,
        bytes32 feedbackHash
    ) external;

    /* VIEWS */

    /// @notice The job; see the struct for phase-dependent fields.
    function getJob(uint256 jobId) external view returns (Job memory);

    /// @notice The job's state (`None` for unknown ids).
    function state(uint256 jobId) external view returns (JobState);

    /// @notice Collateral provider `providerId` must post to accept a job of `amount` under `collateralBps`:
    /// `ceil(amount * collateralBps * (10000 - score) / 10000^2)` with `score = ledger.score(providerId)`.
    function requiredCollateral(uint256 providerId, uint256 amount, uint16 collateralBps) external view returns (uint256);

    /// @notice The number of jobs ever created; ids run from 1.
    function totalJobs() external view returns (uint256);

    /// @notice A dispute left unruled for longer than this gets the default ruling.
    function RULING_PERIOD() external view returns (uint256);
    /// @notice The latest deadline a job may have, from its creation.
    function MAX_JOB_DURATION() external view returns (uint256);
    /// @notice The arbitration fee is at most this share of the job amount (a higher quote is capped).
    function ARBITRATION_FEE_CAP_BPS() external view returns (uint256);
    /// @notice Gas cap of `IArbitrator.createDispute`.
    function ARBITRATOR_GAS() external view returns (uint256);
    /// @notice Gas cap of `IArbitrator.arbitrationCost`.
    function ARBITRATION_COST_GAS() external view returns (uint256);
    /// @notice Gas cap of `IValidator.validate`.
    function VALIDATOR_GAS() external view returns (uint256);
    /// @notice The default ruling, in provider-share bps.
    function DEFAULT_RULING_BPS() external view returns (uint16);

    function VAULT() external view returns (IAgoraVault);
    function REGISTRY() external view returns (IAgentRegistry);
    function LISTINGS() external view returns (IListingRegistry);
    function LEDGER() external view returns (IReputationLedger);
}
