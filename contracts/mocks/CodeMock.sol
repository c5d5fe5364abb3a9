// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title CodeMock
/// @notice Test-only contract with code and no behaviour: an address that passes "is a contract" checks.
// solhint-disable-next-line no-empty-blocks
contract CodeMock {}
