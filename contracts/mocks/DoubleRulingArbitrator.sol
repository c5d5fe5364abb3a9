// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable} from "../interfaces/IArbitrator.sol";
import {MockArbitrator} from "./MockArbitrator.sol";

/// @title DoubleRulingArbitrator
/// @notice Adversarial mock: rules twice in one transaction. The first ruling settles the job; the second must
/// revert, and its revert data is recorded in `SecondRulingFailed`.
contract DoubleRulingArbitrator is MockArbitrator {
    event SecondRulingFailed(bytes reason);
    event SecondRulingSucceeded();

    constructor(IArbitrable arbitrable, uint256 fee_) MockArbitrator(arbitrable, fee_) {}

    function ruleTwice(uint256 disputeId, uint256 firstShareBps, uint256 secondShareBps) external {
        ARBITRABLE.rule(disputeId, firstShareBps);
        try ARBITRABLE.rule(disputeId, secondShareBps) {
            emit SecondRulingSucceeded();
        } catch (bytes memory reason) {
            emit SecondRulingFailed(reason);
        }
    }
}
