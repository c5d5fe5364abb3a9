// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../interfaces/IValidator.sol";

/// @title ReturnBombValidator
/// @notice Adversarial mock: returns `SIZE` bytes whose first word reads "Approved", so a caller that copies
/// return data pays for the whole bomb, and a caller that only checks the first word is fooled.
contract ReturnBombValidator is IValidator {
    uint256 public immutable SIZE;

    constructor(uint256 size) {
        SIZE = size;
    }

    function validate(uint256, bytes32, bytes32) external view returns (Verdict) {
        uint256 size = SIZE;
        assembly {
            mstore(0, 1)
            return(0, size)
        }
    }
}
