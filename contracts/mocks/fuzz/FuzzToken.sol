// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FuzzToken
/// @notice Test only: an adversarial 6-decimal ERC-20 for the stateful fuzzer's second vault. Switchable
/// fee-on-transfer (1 unit burned per transfer), a blacklist, and a re-entrancy hook: when armed, every transfer
/// between two non-zero addresses first calls `hookTarget` with `hookData`; the token expects that call to fail
/// (the vault is mid-call behind its guard) and reverts the whole transfer with `FuzzTokenReentered` if it
/// succeeds, so a missing guard surfaces as an unexpected revert in the fuzzer's model.
/// No permit and no EIP-3009: those funding paths must fail cleanly.
/// @custom:security-contact security@agora.example
contract FuzzToken is ERC20 {
    /// @notice Units burned from every transfer while fee-on-transfer is on.
    uint256 public constant FEE = 1;

    bool public feeOnTransfer;
    mapping(address account => bool) public isBlacklisted;
    address public hookTarget;
    bytes public hookData;
    uint256 public hookAttempts;
    /// @notice Revert data of the last re-entry attempt (expected: the callee's guard error).
    bytes public lastHookResult;

    error FuzzTokenBlacklisted(address account);
    error FuzzTokenReentered(address target);

    constructor() ERC20("Fuzz Token", "FUZZ") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setFeeOnTransfer(bool on) external {
        feeOnTransfer = on;
    }

    function setBlacklisted(address account, bool listed) external {
        isBlacklisted[account] = listed;
    }

    /// @notice Arms the re-entrancy hook (`target` zero disarms it).
    function arm(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && isBlacklisted[from]) revert FuzzTokenBlacklisted(from);
        if (to != address(0) && isBlacklisted[to]) revert FuzzTokenBlacklisted(to);
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        address target = hookTarget;
        if (target != address(0)) {
            ++hookAttempts;
            (bool ok, bytes memory result) = target.call(hookData);
            if (ok) revert FuzzTokenReentered(target);
            lastHookResult = result;
        }
        if (feeOnTransfer && value >= FEE) {
            super._update(from, address(0), FEE);
            super._update(from, to, value - FEE);
        } else {
            super._update(from, to, value);
        }
    }
}
