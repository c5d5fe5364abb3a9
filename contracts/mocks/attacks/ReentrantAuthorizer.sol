// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ReentrantAuthorizer
/// @notice Attacker ERC-1271 payer authorizer: inside `isValidSignature` it first tries a state-changing call of
/// its choice (e.g. `requestClose` on the channel being claimed), then accepts ECDSA signatures of `SIGNER`. It
/// answers the magic value only if the nested call FAILED, so a claim that succeeds proves the re-entry was
/// refused (the channel contract asks ERC-1271 by `staticcall`). `revoked` makes it refuse everything (a client
/// that changes its mind after the provider served the calls). Not `view`, on purpose. Tests only.
/// @custom:security-contact security@agora.example
contract ReentrantAuthorizer {
    address public immutable SIGNER;
    address public reentryTarget;
    bytes public reentryData;
    bool public revoked;

    constructor(address signer) {
        SIGNER = signer;
    }

    function setReentry(address target, bytes calldata data) external {
        reentryTarget = target;
        reentryData = data;
    }

    function setRevoked(bool revoked_) external {
        revoked = revoked_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external returns (bytes4) {
        if (revoked) return 0xffffffff;
        address target = reentryTarget;
        if (target != address(0)) {
            (bool reentered,) = target.call(reentryData);
            if (reentered) return 0xffffffff;
        }
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == SIGNER ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}
