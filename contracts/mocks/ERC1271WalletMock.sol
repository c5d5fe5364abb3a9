// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title ERC1271WalletMock
/// @notice Test-only smart wallet: accepts ECDSA signatures of `signer`, or refuses everything once
/// `setRefuseAll(true)` is called.
contract ERC1271WalletMock is IERC1271 {
    address public immutable SIGNER;
    bool public refuseAll;

    constructor(address signer) {
        SIGNER = signer;
    }

    function setRefuseAll(bool refuse) external {
        refuseAll = refuse;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (refuseAll) return 0xffffffff;
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == SIGNER ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
