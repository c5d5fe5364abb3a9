// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable, IArbitrator} from "../interfaces/IArbitrator.sol";

/// @title MockArbitrable
/// @notice Test arbitrable for the reference arbitrators' unit tests: opens disputes on an arbitrator and
/// records the rulings it receives; `setRejectRulings` makes `rule` revert.
contract MockArbitrable is IArbitrable {
    mapping(uint256 disputeId => uint256) public rulings;
    mapping(uint256 disputeId => uint256) public rulingCount;
    mapping(uint256 disputeId => address) public ruledBy;
    bool public rejectRulings;

    error MockArbitrableRejected(uint256 disputeId);

    function setRejectRulings(bool reject) external {
        rejectRulings = reject;
    }

    function openDispute(IArbitrator arbitrator, uint256 disputeId, uint256 clientId, uint256 providerId, uint256 amount)
        external
    {
        arbitrator.createDispute(disputeId, clientId, providerId, amount);
    }

    function rule(uint256 disputeId, uint256 providerShareBps) external {
        if (rejectRulings) revert MockArbitrableRejected(disputeId);
        rulings[disputeId] = providerShareBps;
        ++rulingCount[disputeId];
        ruledBy[disputeId] = msg.sender;
        emit Ruling(msg.sender, disputeId, providerShareBps);
    }
}
