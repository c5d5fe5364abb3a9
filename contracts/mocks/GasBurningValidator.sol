// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../interfaces/IValidator.sol";

/// @title GasBurningValidator
/// @notice Adversarial mock: `validate` loops until it runs out of gas.
contract GasBurningValidator is IValidator {
    uint256 public sink;

    function validate(uint256, bytes32, bytes32) external returns (Verdict) {
        // Intentionally unbounded: this mock exists to burn all the gas it is given.
        while (true) {
            ++sink;
        }
        return Verdict.Approved;
    }
}
