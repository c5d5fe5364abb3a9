// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantTokenMock
/// @notice Attacker token (ERC-777-style sender hook): a 6-decimal ERC-20 that, once armed, calls an arbitrary
/// target with arbitrary calldata at the start of its next `transfer` or `transferFrom`, before any balance moves.
/// A vault deployed over it lets the threat-model tests re-enter Agora from inside every token call it makes.
/// @dev The hook is one-shot (disarmed before the call) and never reverts: its outcome is recorded in `HookCalled`
/// so a test can assert both that the nested call failed and why, and that the outer operation went on. `execute`
/// lets the token contract itself act as an account (own an agent, approve the vault). Tests only.
/// @custom:security-contact security@agora.example
contract ReentrantTokenMock is ERC20 {
    /// @notice When the armed hook fires.
    enum Trigger {
        None,
        OnTransfer, // vault → payee (withdraw, withdrawCredit, claimFees)
        OnTransferFrom // payer → vault (deposit, commit)
    }

    Trigger public trigger;
    address public hookTarget;
    bytes public hookData;

    /// @notice The hook ran: `success` and `returnData` of the nested call.
    event HookCalled(Trigger indexed trigger, address indexed target, bool success, bytes returnData);

    constructor() ERC20("Reentrant USD", "rUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints test money to anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the one-shot hook.
    function arm(Trigger when, address target, bytes calldata data) external {
        trigger = when;
        hookTarget = target;
        hookData = data;
    }

    /// @notice Makes this token contract call `target` (so it can hold an agent and approve the vault).
    function execute(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(ret, 0x20), mload(ret))
            }
        }
        return ret;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        _hook(Trigger.OnTransfer);
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _hook(Trigger.OnTransferFrom);
        return super.transferFrom(from, to, value);
    }

    function _hook(Trigger when) private {
        if (trigger != when) return;
        trigger = Trigger.None;
        address target = hookTarget;
        (bool ok, bytes memory ret) = target.call(hookData);
        emit HookCalled(when, target, ok, ret);
    }
}
