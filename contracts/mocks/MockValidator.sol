// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../interfaces/IValidator.sol";

/// @title MockValidator
/// @notice Test validator returning a verdict the test sets (Pending until told otherwise).
contract MockValidator is IValidator {
    Verdict public verdict;
    uint256 public calls;

    function setVerdict(Verdict verdict_) external {
        verdict = verdict_;
    }

    function validate(uint256, bytes32, bytes32) external returns (Verdict) {
        ++calls;
        return verdict;
    }
}
