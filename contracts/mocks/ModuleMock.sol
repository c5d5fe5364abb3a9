// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAgoraVault} from "../interfaces/IAgoraVault.sol";

/// @title ModuleMock
/// @notice A stand-in settlement module for vault unit tests: forwards `commit` (with its own caller as
/// `caller`, as the real modules do), `release` and `releaseTo` to the vault. Tests only.
/// @custom:security-contact security@agora.example
contract ModuleMock {
    IAgoraVault public immutable VAULT;

    constructor(IAgoraVault vault) {
        VAULT = vault;
    }

    /// @notice Commits for `agentId` on behalf of `msg.sender`.
    function commit(uint256 agentId, uint256 counterpartyId, uint256 amount, bool newBusiness, IAgoraVault.Funding calldata funding)
        external
        returns (bool byOwner)
    {
        return VAULT.commit(agentId, counterpartyId, msg.sender, amount, newBusiness, funding);
    }

    /// @notice Commits naming an arbitrary `caller` (to test that the vault pulls only from `caller`).
    function commitAs(
        address caller,
        uint256 agentId,
        uint256 counterpartyId,
        uint256 amount,
        bool newBusiness,
        IAgoraVault.Funding calldata funding
    ) external returns (bool byOwner) {
        return VAULT.commit(agentId, counterpartyId, caller, amount, newBusiness, funding);
    }

    function release(uint256 agentId, uint256 amount, uint256 fee) external {
        VAULT.release(agentId, amount, fee);
    }

    function releaseTo(address account, uint256 amount) external {
        VAULT.releaseTo(account, amount);
    }
}
