// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

/// @title IValidator
/// @notice A machine check of a delivery (hash match, oracle attestation, proof). A job that names a
/// validator settles on its verdict: Approved pays the provider, Rejected refunds the client.
/// @dev Trust assumptions: chosen by the provider in its listing, fixed per job at creation. The escrow calls
/// `validate` with a gas cap inside a try/catch and reads at most one word of return data: a revert, an
/// out-of-gas, malformed return data or `Pending` all mean "no verdict yet", and the job then follows the
/// ordinary review path, so a broken validator can never lock funds. `validate` may be called again later
/// (anyone can ask the escrow to poll) and must be idempotent.
interface IValidator {
    enum Verdict {
        Pending,
        Approved,
        Rejected
    }

    /// @notice Judges job `jobId` whose client committed to `specHash` at creation and whose provider
    /// delivered `resultHash`.
    function validate(uint256 jobId, bytes32 specHash, bytes32 resultHash) external returns (Verdict);
}
