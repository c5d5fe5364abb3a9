// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferTokenMock
/// @notice A 6-decimal token that burns `FEE` units of every transfer between two accounts, so the receiver
/// gets less than the amount sent. Lets the vault tests hit `VaultTransferMismatch`. Tests only.
/// @custom:security-contact security@agora.example
contract FeeOnTransferTokenMock is ERC20 {
    uint256 public constant FEE = 1;

    constructor() ERC20("Fee Token", "FEE") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints test money to anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0) || value < FEE) {
            super._update(from, to, value);
        } else {
            super._update(from, address(0), FEE);
            super._update(from, to, value - FEE);
        }
    }
}
