// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title PausedFlagMock
/// @notice Test-only stand-in for the vault's guardian pause flag (ListingRegistry unit tests).
contract PausedFlagMock {
    bool public paused;

    function setPaused(bool value) external {
        paused = value;
    }
}
