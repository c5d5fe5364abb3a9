// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IJobEscrow} from "../interfaces/IJobEscrow.sol";
import {IValidator} from "../interfaces/IValidator.sol";

/// @title ReentrantValidator
/// @notice Adversarial mock: inside `validate` it tries to re-enter the escrow (poll itself, release the job)
/// and records each failure; then answers Pending.
contract ReentrantValidator is IValidator {
    IJobEscrow public immutable ESCROW;

    event ReentryFailed(uint8 indexed attempt, bytes reason);
    event ReentrySucceeded(uint8 indexed attempt);

    constructor(IJobEscrow escrow) {
        ESCROW = escrow;
    }

    function validate(uint256 jobId, bytes32, bytes32) external returns (Verdict) {
        try ESCROW.pollValidator(jobId) {
            emit ReentrySucceeded(0);
        } catch (bytes memory reason) {
            emit ReentryFailed(0, reason);
        }
        try ESCROW.release(jobId) {
            emit ReentrySucceeded(1);
        } catch (bytes memory reason) {
            emit ReentryFailed(1, reason);
        }
        return Verdict.Pending;
    }
}
