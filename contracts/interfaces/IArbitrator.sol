// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

/// @title IArbitrator
/// @notice A pluggable dispute resolver in the spirit of ERC-792 / Kleros v2. The arbitrable contract (job
/// escrow) calls `createDispute` when a client rejects a delivery; the arbitrator answers by calling
/// `IArbitrable.rule(disputeId, providerShareBps)` on the arbitrable.
/// @dev Trust assumptions: an arbitrator is chosen by the provider in its listing and fixed per job at creation.
/// It may revert, never rule, or rule twice: the escrow wraps `createDispute` in a gas-capped try/catch, accepts
/// the first valid ruling only, and after its ruling period anyone can apply the documented default ruling.
/// `arbitrationCost` is paid in USDC by the party that opens the dispute and credited to the arbitrator only
/// when it rules in time; it must not exceed the escrow's cap.
interface IArbitrator {
    /// @notice Notification that job `disputeId` of `arbitrable` is in dispute. The dispute id equals the job id.
    function createDispute(uint256 disputeId, uint256 clientId, uint256 providerId, uint256 amount) external;

    /// @notice The fee, in USDC base units, to dispute a job of `amount`.
    function arbitrationCost(uint256 amount) external view returns (uint256);
}

/// @title IArbitrable
/// @notice The contract an arbitrator rules on.
interface IArbitrable {
    /// @notice ERC-1497: evidence `evidence` (a URI) submitted by `party` for `evidenceGroupId` (the job id).
    event Evidence(address indexed arbitrator, uint256 indexed evidenceGroupId, address indexed party, string evidence);
    /// @notice ERC-1497: dispute `disputeId` was created at `arbitrator`; `metaEvidenceId` and `evidenceGroupId`
    /// are the job id.
    event Dispute(address indexed arbitrator, uint256 indexed disputeId, uint256 metaEvidenceId, uint256 evidenceGroupId);
    /// @notice ERC-792: the final ruling, here the provider's share in basis points (0..10000).
    event Ruling(address indexed arbitrator, uint256 indexed disputeId, uint256 ruling);

    /// @notice Gives the ruling: the provider's share of the job amount in basis points (0..10000). Only the job's
    /// arbitrator, once, within the ruling period; afterwards the default ruling applies instead.
    function rule(uint256 disputeId, uint256 providerShareBps) external;
}
