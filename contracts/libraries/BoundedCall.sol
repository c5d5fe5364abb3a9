// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BoundedCall
/// @notice Calls into untrusted modules (arbitrators, validators) with a gas cap and at most one word of
/// return data copied, so a module can neither burn the caller's gas nor make it pay for a return-data bomb.
/// @dev The callee's result is a (success, word, size) triple; the caller decides what a malformed answer means.
/// The gas cap is only guaranteed if the caller checked `gasleft()` beforehand (see `gasNeeded`), because
/// EIP-150 forwards at most 63/64 of the remaining gas.
/// @custom:security-contact security@agora.example
library BoundedCall {
    /// @notice Gas the caller must still have, just before encoding the call, so that the callee receives its
    /// full `gasCap`: 64/63 of the cap plus a margin for encoding, the cold account access and memory.
    function gasNeeded(uint256 gasCap) internal pure returns (uint256) {
        return gasCap + gasCap / 63 + 10_000;
    }

    /// @notice `call`s `target` with at most `gasCap` gas; copies at most 32 bytes of return data.
    /// @return success Whether the call returned without reverting.
    /// @return word The first return word (0 when fewer than 32 bytes were returned).
    /// @return size The full return data size (never copied beyond 32 bytes).
    function callWord(address target, uint256 gasCap, bytes memory data)
        internal
        returns (bool success, uint256 word, uint256 size)
    {
        assembly ("memory-safe") {
            mstore(0x00, 0)
            success := call(gasCap, target, 0, add(data, 0x20), mload(data), 0x00, 0x20)
            size := returndatasize()
            word := mload(0x00)
        }
    }

    /// @notice `staticcall`s `target` with at most `gasCap` gas; copies at most 32 bytes of return data.
    function staticcallWord(address target, uint256 gasCap, bytes memory data)
        internal
        view
        returns (bool success, uint256 word, uint256 size)
    {
        assembly ("memory-safe") {
            mstore(0x00, 0)
            success := staticcall(gasCap, target, add(data, 0x20), mload(data), 0x00, 0x20)
            size := returndatasize()
            word := mload(0x00)
        }
    }
}
