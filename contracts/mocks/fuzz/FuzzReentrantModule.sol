// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {IArbitrator} from "../../interfaces/IArbitrator.sol";
import {IValidator} from "../../interfaces/IValidator.sol";

/// @title FuzzReentrantModule
/// @notice Test only: a validator, arbitrator and ERC-1271 authorizer that, whenever Agora calls it back, re-enters
/// a configured list of calls and checks that each one is refused by the callee's re-entrancy guard
/// (`ReentrancyGuardReentrantCall()`), not by anything else. `refused` and `other` count the outcomes of the
/// state-changing callbacks; the ERC-1271 callback (a `staticcall`) answers "invalid signature" unless every
/// re-entry was refused by the guard, so a missing guard makes the claim revert.
/// @custom:security-contact security@agora.example
contract FuzzReentrantModule is IValidator, IArbitrator, IERC1271 {
    struct Call {
        address target;
        bytes data;
    }

    bytes4 private constant GUARD_ERROR = bytes4(keccak256("ReentrancyGuardReentrantCall()"));

    Call[] private _calls;
    uint256 public refused;
    uint256 public other;

    event ReentryAttempted(address indexed target, bytes4 indexed selector, bool refusedByGuard, bytes result);

    function setCalls(Call[] calldata calls) external {
        delete _calls;
        for (uint256 i; i < calls.length; ++i) {
            _calls.push(calls[i]);
        }
    }

    function validate(uint256, bytes32, bytes32) external returns (Verdict) {
        _reenter();
        return Verdict.Pending;
    }

    function createDispute(uint256, uint256, uint256, uint256) external {
        _reenter();
    }

    function arbitrationCost(uint256) external pure returns (uint256) {
        return 0;
    }

    function isValidSignature(bytes32, bytes calldata) external view returns (bytes4) {
        for (uint256 i; i < _calls.length; ++i) {
            (bool ok, bytes memory result) = _calls[i].target.staticcall(_calls[i].data);
            if (ok || !_isGuardError(result)) return 0xffffffff;
        }
        return IERC1271.isValidSignature.selector;
    }

    function _reenter() private {
        for (uint256 i; i < _calls.length; ++i) {
            (bool ok, bytes memory result) = _calls[i].target.call(_calls[i].data);
            bool byGuard = !ok && _isGuardError(result);
            if (byGuard) ++refused;
            else ++other;
            emit ReentryAttempted(_calls[i].target, bytes4(_calls[i].data), byGuard, result);
        }
    }

    function _isGuardError(bytes memory result) private pure returns (bool) {
        return result.length == 4 && bytes4(result) == GUARD_ERROR;
    }
}
