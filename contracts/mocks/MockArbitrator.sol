// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable, IArbitrator} from "../interfaces/IArbitrator.sol";

/// @title MockArbitrator
/// @notice Test arbitrator: quotes a settable fee, records `createDispute`, and rules when a test calls
/// `giveRuling` (anyone may call it). Never calling `giveRuling` makes it a silent arbitrator.
contract MockArbitrator is IArbitrator {
    IArbitrable public immutable ARBITRABLE;
    uint256 public fee;
    uint256 public disputesCreated;
    uint256 public lastDisputeId;

    event DisputeReceived(uint256 indexed disputeId, uint256 clientId, uint256 providerId, uint256 amount);

    constructor(IArbitrable arbitrable, uint256 fee_) {
        ARBITRABLE = arbitrable;
        fee = fee_;
    }

    function setFee(uint256 fee_) external {
        fee = fee_;
    }

    function createDispute(uint256 disputeId, uint256 clientId, uint256 providerId, uint256 amount) external virtual {
        ++disputesCreated;
        lastDisputeId = disputeId;
        emit DisputeReceived(disputeId, clientId, providerId, amount);
    }

    function arbitrationCost(uint256) external view virtual returns (uint256) {
        return fee;
    }

    function giveRuling(uint256 disputeId, uint256 providerShareBps) external {
        ARBITRABLE.rule(disputeId, providerShareBps);
    }
}
