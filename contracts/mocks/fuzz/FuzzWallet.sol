// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title FuzzWallet
/// @notice Test only: a smart-contract wallet (ERC-1271) that can also act, so the stateful fuzzer can make it an
/// agent owner, an operator or a voucher authorizer. `execute` forwards a call from the controller and bubbles its
/// revert data unchanged (the fuzzer predicts the callee's custom error). `isValidSignature` accepts the
/// controller's ECDSA signatures unless `refuseAll` is set.
/// @custom:security-contact security@agora.example
contract FuzzWallet is IERC1271 {
    address public immutable CONTROLLER;
    bool public refuseAll;

    error FuzzWalletNotController(address caller);

    constructor(address controller) {
        CONTROLLER = controller;
    }

    function execute(address target, bytes calldata data) external returns (bytes memory ret) {
        if (msg.sender != CONTROLLER) revert FuzzWalletNotController(msg.sender);
        bool ok;
        (ok, ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
    }

    function setRefuseAll(bool refuse) external {
        if (msg.sender != CONTROLLER) revert FuzzWalletNotController(msg.sender);
        refuseAll = refuse;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (refuseAll) return 0xffffffff;
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(hash, signature);
        return err == ECDSA.RecoverError.NoError && recovered == CONTROLLER ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
