// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../interfaces/IValidator.sol";

/// @title GarbageValidator
/// @notice Adversarial mock: returns malformed data. Mode 0: one word out of the enum range (7). Mode 1: a single
/// byte. Mode 2: nothing. Mode 3: two words, the first "Approved".
contract GarbageValidator is IValidator {
    uint8 public immutable MODE;

    constructor(uint8 mode) {
        MODE = mode;
    }

    function validate(uint256, bytes32, bytes32) external view returns (Verdict) {
        uint8 mode = MODE;
        assembly {
            switch mode
            case 0 {
                mstore(0, 7)
                return(0, 32)
            }
            case 1 {
                mstore(0, 0)
                mstore8(0, 1)
                return(0, 1)
            }
            case 2 { return(0, 0) }
            default {
                mstore(0, 1)
                mstore(32, 1)
                return(0, 64)
            }
        }
    }
}
