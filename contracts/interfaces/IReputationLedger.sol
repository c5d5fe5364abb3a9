// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

/// @title IReputationLedger
/// @notice Reputation derived only from settled, paid work (PROTOCOL.md §2.4, invariant 7). Only the
/// settlement modules (job escrow, payment channels), fixed at deployment, can write. Every write emits an
/// event with the full delta so `score` can be recomputed off-chain (docs/REPUTATION.md).
/// @dev Self-dealing (same owner on both sides, decided by the module at job or channel creation) is never
/// recorded: modules do not call the ledger for such work.
interface IReputationLedger {
    /// @notice Work record of one agent.
    struct Stats {
        uint32 completed; // jobs completed as provider (approved, released, validator-approved)
        uint32 onTime; // of those, delivered within the listing's SLA
        uint32 refundedLate; // jobs refunded because the provider missed the deadline
        uint32 disputesWon; // rulings with provider share >= 50%, counted for the provider; < 50% for the client
        uint32 disputesLost;
        uint64 latencySum; // seconds, summed over completed jobs (start to delivery)
        uint128 volumeEarned; // USDC units that reached the agent as provider (jobs and channel claims)
        uint128 volumeSpent; // USDC units the agent paid as client that reached a provider
        uint128 feedbackWeight; // sum of job values of counted feedback received
        uint128 feedbackWeightedScore; // sum of score * job value of counted feedback received
        uint32 feedbackCount;
    }

    /// @notice Number of latency buckets and their upper bounds are documented in docs/REPUTATION.md.
    event JobCompleted(
        uint256 indexed providerId,
        uint256 indexed clientId,
        uint256 indexed jobId,
        uint256 amountToProvider,
        uint64 latency,
        bool onTime,
        uint8 latencyBucket
    );
    event JobRefundedLate(uint256 indexed providerId, uint256 indexed clientId, uint256 indexed jobId, uint256 amount);
    /// @notice A ruling settled a dispute; `providerShareBps` >= 5000 counts as a provider win.
    event DisputeRecorded(
        uint256 indexed providerId,
        uint256 indexed clientId,
        uint256 indexed jobId,
        uint16 providerShareBps,
        uint256 amountToProvider,
        bool providerWon
    );
    event ChannelVolumeRecorded(uint256 indexed providerId, uint256 indexed clientId, uint256 indexed channelId, uint256 amount);
    /// @notice Counted feedback: `fromId` rated `subjectId` `score` (0..100) for job `jobId`, weighted by `weight`.
    event FeedbackRecorded(
        uint256 indexed subjectId,
        uint256 indexed fromId,
        uint256 indexed jobId,
        uint8 score,
        uint256 weight,
        string tag1,
        string tag2,
        string feedbackURI,
        bytes32 feedbackHash
    );
    event WritersSet(address indexed escrow, address indexed channels);

    error LedgerNotWriter(address caller);
    error LedgerWritersAlreadySet();
    error LedgerZeroAddress();
    error LedgerInvalidScore(uint8 score);
    error LedgerInvalidPercentile(uint16 percentileBps);
    error LedgerFilterUnsupported();
    /// @notice Only the deployer may set the writers.
    error LedgerNotDeployer(address caller);
    /// @notice A ruling's provider share is above 10000 bps.
    error LedgerInvalidShare(uint16 providerShareBps);

    /* WIRING */

    /// @notice Sets the two writers (job escrow, payment channels). Callable once, by the deployer; sealed after.
    function setWriters(address escrow, address channels) external;

    /// @notice The job escrow writer (zero until `setWriters`).
    function escrow() external view returns (address);

    /// @notice The payment channels writer (zero until `setWriters`).
    function channels() external view returns (address);

    /* WRITES (settlement modules only) */

    /// @notice Provider `providerId` completed job `jobId` for client `clientId`: `amountToProvider` (before the
    /// fee) counts as the provider's volume earned and the client's volume spent; `latency` (seconds from start to
    /// delivery) goes into the latency sum and bucket; `onTime` whether delivered within the SLA.

    function recordCompleted(uint256 providerId, uint256 clientId, uint256 jobId, uint256 amountToProvider, uint64 latency, bool onTime)
        external;
    /// @notice Job `jobId` was refunded because the provider missed the deadline: `refundedLate` + 1.
    function recordRefundedLate(uint256 providerId, uint256 clientId, uint256 jobId, uint256 amount) external;
    /// @notice A ruling settled job `jobId`: `providerShareBps` >= 5000 is a provider win (provider `disputesWon`,
    /// client `disputesLost`), below is a client win (the reverse). `amountToProvider` counts as volume like a
    /// completed job. Reverts `LedgerInvalidShare` above 10000. Default rulings are not recorded.
    function recordDispute(uint256 providerId, uint256 clientId, uint256 jobId, uint16 providerShareBps, uint256 amountToProvider)
        external;
    /// @notice A channel claim paid `amount` to provider `providerId` from client `clientId`: volume only.
    function recordChannelVolume(uint256 providerId, uint256 clientId, uint256 channelId, uint256 amount) external;
    /// @notice Counted feedback on `subjectId`: `score` 0..100 (else `LedgerInvalidScore`) weighted by `weight`
    /// (the job's value). The escrow enforces who may rate and once per side; the ledger only aggregates.
    function recordFeedback(
        uint256 subjectId,
        uint256 fromId,
        uint256 jobId,
        uint8 score,
        uint256 weight,
        string calldata tag1,
        string calldata tag2,
        string calldata feedbackURI,
        bytes32 feedbackHash
    ) external;

    /* READS */

    /// @notice The agent's work record (all zero for an unknown agent).
    function stats(uint256 agentId) external view returns (Stats memory);

    /// @notice Reputation score in [0, 10000] (basis points). Formula: docs/REPUTATION.md.
    function score(uint256 agentId) external view returns (uint256);

    /// @notice Count of completed jobs in each latency bucket.
    function latencyBuckets(uint256 agentId) external view returns (uint32[8] memory);

    /// @notice Upper bound (seconds) of the bucket holding the `percentileBps` percentile of delivery
    /// latency (e.g. 9000 for p90); 0 when the agent has no completed job; type(uint64).max for the last bucket.
    function latencyPercentile(uint256 agentId, uint16 percentileBps) external view returns (uint64);

    /// @notice ERC-8004 Reputation Registry read: count and value-weighted average score (0..100) of the
    /// counted feedback. Only the unfiltered form is supported: non-empty filters revert `LedgerFilterUnsupported`.
    function getSummary(uint256 agentId, address[] calldata clientAddresses, string calldata tag1, string calldata tag2)
        external
        view
        returns (uint64 count, uint8 averageScore);

    /// @notice Upper bounds in seconds of the 8 latency buckets: 60, 300, 900, 3600, 14400, 43200, 86400, and
    /// type(uint64).max for the last (unbounded) one. A latency equal to a bound falls in that bucket.
    function latencyBucketBounds() external pure returns (uint64[8] memory);

    /// @notice The bucket index (0..7) of `latency`.
    function latencyBucketOf(uint64 latency) external pure returns (uint8);
}
