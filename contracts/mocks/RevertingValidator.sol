// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../interfaces/IValidator.sol";

/// @title RevertingValidator
/// @notice Adversarial mock: `validate` always reverts.
contract RevertingValidator is IValidator {
    error RevertingValidatorNope();

    function validate(uint256, bytes32, bytes32) external pure returns (Verdict) {
        revert RevertingValidatorNope();
    }
}
