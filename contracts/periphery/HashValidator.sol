// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../interfaces/IValidator.sol";

/// @title HashValidator
/// @notice Reference validator for deterministic work: the client commits to the expected output's hash as the
/// job's `specHash`; the delivery is approved iff its `resultHash` equals it, and rejected otherwise.
/// @dev Stateless and pure, hence idempotent and never Pending.
/// @custom:security-contact security@agora.example
contract HashValidator is IValidator {
    /// @inheritdoc IValidator
    function validate(uint256, bytes32 specHash, bytes32 resultHash) external pure returns (Verdict) {
        return specHash == resultHash ? Verdict.Approved : Verdict.Rejected;
    }
}
