// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title FuzzLedgerMock
/// @notice Test only: the part of `IReputationLedger` the job escrow calls, with a score the test sets. The real
/// ledger's score stays below 10000 (completion and punctuality are Laplace-smoothed), so the escrow's "perfect
/// score posts no collateral" branch needs this stand-in.
/// @custom:security-contact security@agora.example
contract FuzzLedgerMock {
    uint256 public fixedScore;
    uint256 public writes;

    function setScore(uint256 newScore) external {
        fixedScore = newScore;
    }

    function score(uint256) external view returns (uint256) {
        return fixedScore;
    }

    function recordCompleted(uint256, uint256, uint256, uint256, uint64, bool) external {
        ++writes;
    }

    function recordRefundedLate(uint256, uint256, uint256, uint256) external {
        ++writes;
    }

    function recordDispute(uint256, uint256, uint256, uint16, uint256) external {
        ++writes;
    }

    function recordChannelVolume(uint256, uint256, uint256, uint256) external {
        ++writes;
    }

    function recordFeedback(uint256, uint256, uint256, uint8, uint256, string calldata, string calldata, string calldata, bytes32)
        external
    {
        ++writes;
    }
}
