// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable, IArbitrator} from "../interfaces/IArbitrator.sol";

/// @title RevertingArbitrator
/// @notice Adversarial mock: `createDispute` always reverts; `arbitrationCost` reverts too when `quoteReverts`.
/// It can still rule through `giveRuling`.
contract RevertingArbitrator is IArbitrator {
    IArbitrable public immutable ARBITRABLE;
    uint256 public immutable FEE;
    bool public immutable QUOTE_REVERTS;

    error RevertingArbitratorNope();

    constructor(IArbitrable arbitrable, uint256 fee, bool quoteReverts) {
        ARBITRABLE = arbitrable;
        FEE = fee;
        QUOTE_REVERTS = quoteReverts;
    }

    function createDispute(uint256, uint256, uint256, uint256) external pure {
        revert RevertingArbitratorNope();
    }

    function arbitrationCost(uint256) external view returns (uint256) {
        if (QUOTE_REVERTS) revert RevertingArbitratorNope();
        return FEE;
    }

    function giveRuling(uint256 disputeId, uint256 providerShareBps) external {
        ARBITRABLE.rule(disputeId, providerShareBps);
    }
}
