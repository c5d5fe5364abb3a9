// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable} from "../interfaces/IArbitrator.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {MockArbitrator} from "./MockArbitrator.sol";

/// @title ReentrantArbitrator
/// @notice Adversarial mock: inside `createDispute` it tries to re-enter the escrow (rule at once, resolve by
/// default, release the job) and records each failure. It can rule normally later through `giveRuling`.
contract ReentrantArbitrator is MockArbitrator {
    event ReentryFailed(uint8 indexed attempt, bytes reason);
    event ReentrySucceeded(uint8 indexed attempt);

    constructor(IArbitrable arbitrable, uint256 fee_) MockArbitrator(arbitrable, fee_) {}

    function createDispute(uint256 disputeId, uint256 clientId, uint256 providerId, uint256 amount) external override {
        ++disputesCreated;
        lastDisputeId = disputeId;
        emit DisputeReceived(disputeId, clientId, providerId, amount);
        IJobEscrow escrow = IJobEscrow(address(ARBITRABLE));
        try escrow.rule(disputeId, 10_000) {
            emit ReentrySucceeded(0);
        } catch (bytes memory reason) {
            emit ReentryFailed(0, reason);
        }
        try escrow.resolveByDefault(disputeId) {
            emit ReentrySucceeded(1);
        } catch (bytes memory reason) {
            emit ReentryFailed(1, reason);
        }
        try escrow.release(disputeId) {
            emit ReentrySucceeded(2);
        } catch (bytes memory reason) {
            emit ReentryFailed(2, reason);
        }
    }
}
