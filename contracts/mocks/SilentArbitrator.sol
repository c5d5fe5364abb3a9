// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrator} from "../interfaces/IArbitrator.sol";

/// @title SilentArbitrator
/// @notice Adversarial mock: accepts disputes and its fee, and never rules.
contract SilentArbitrator is IArbitrator {
    uint256 public immutable FEE;
    uint256 public disputesCreated;

    constructor(uint256 fee) {
        FEE = fee;
    }

    function createDispute(uint256, uint256, uint256, uint256) external {
        ++disputesCreated;
    }

    function arbitrationCost(uint256) external view returns (uint256) {
        return FEE;
    }
}
