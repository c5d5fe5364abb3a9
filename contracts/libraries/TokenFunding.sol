// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAgoraVault} from "../interfaces/IAgoraVault.sol";

/// @notice EIP-3009 `receiveWithAuthorization`, as on Circle's USDC (FiatTokenV2). Only the payee may submit it.
interface IReceiveWithAuthorization {
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;
}

/// @title TokenFunding
/// @notice Pulls USDC into the vault from `from` itself by `transferFrom`, EIP-2612 permit or EIP-3009
/// authorization, and checks that exactly the requested amount arrived.
/// @custom:security-contact security@agora.example
library TokenFunding {
    using SafeERC20 for IERC20;

    /// @notice Pulls `amount` from `from` into this contract by `funding.source` (never `Balance`).
    /// @dev Reverts `VaultTransferMismatch` unless this contract's balance grew by exactly `amount` (a
    /// fee-on-transfer or rebasing token cannot under-fund a commitment). A permit that reverts is ignored when
    /// the allowance already covers `amount`: anyone who sees a permit in the mempool can submit it first, and
    /// that must not make the commitment fail.
    function pull(IERC20 token, address from, uint256 amount, IAgoraVault.Funding calldata funding) internal {
        uint256 before = token.balanceOf(address(this));
        IAgoraVault.FundingSource source = funding.source;
        if (source == IAgoraVault.FundingSource.TransferFrom) {
            token.safeTransferFrom(from, address(this), amount);
        } else if (source == IAgoraVault.FundingSource.Permit) {
            (uint8 v, bytes32 r, bytes32 s) = splitSignature(funding.signature);
            // solhint-disable-next-line no-empty-blocks
            try IERC20Permit(address(token)).permit(from, address(this), amount, funding.validBefore, v, r, s) {}
            catch {
                if (token.allowance(from, address(this)) < amount) revert IAgoraVault.VaultInvalidSignature();
            }
            token.safeTransferFrom(from, address(this), amount);
        } else {
            (uint8 v, bytes32 r, bytes32 s) = splitSignature(funding.signature);
            IReceiveWithAuthorization(address(token)).receiveWithAuthorization(
                from, address(this), amount, funding.validAfter, funding.validBefore, funding.nonce, v, r, s
            );
        }
        uint256 afterBalance = token.balanceOf(address(this));
        if (afterBalance != before + amount) {
            revert IAgoraVault.VaultTransferMismatch(amount, afterBalance > before ? afterBalance - before : 0);
        }
    }

    /// @notice Splits a 65-byte `r ‖ s ‖ v` signature; reverts `VaultInvalidSignature` on any other length.
    function splitSignature(bytes calldata signature) internal pure returns (uint8 v, bytes32 r, bytes32 s) {
        if (signature.length != 65) revert IAgoraVault.VaultInvalidSignature();
        r = bytes32(signature[0:32]);
        s = bytes32(signature[32:64]);
        v = uint8(signature[64]);
    }
}
