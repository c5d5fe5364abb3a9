// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable, IArbitrator} from "../../interfaces/IArbitrator.sol";

/// @title HostileArbitrator
/// @notice Attacker arbitrator with one misbehaviour per `MODE`:
/// - `BurnGas`: `createDispute` and `arbitrationCost` loop until they run out of gas;
/// - `RevertBomb`: `createDispute` reverts with `PARAM` bytes of revert data;
/// - `ReturnBomb`: `arbitrationCost` and `createDispute` return `PARAM` bytes (the first word is the fee);
/// - `Hungry`: `createDispute` needs `PARAM` gas of work before it records the dispute (an honest but costly
///   arbitrator, used to check that a caller cannot starve it below the escrow's gas cap).
/// It quotes `fee` and can rule through `giveRuling` (anyone may call it). Tests only.
/// @custom:security-contact security@agora.example
contract HostileArbitrator is IArbitrator {
    enum Mode {
        BurnGas,
        RevertBomb,
        ReturnBomb,
        Hungry
    }

    IArbitrable public immutable ARBITRABLE;
    Mode public immutable MODE;
    uint256 public immutable PARAM;
    uint256 public fee;
    uint256 public disputesCreated;
    uint256 public lastDisputeId;
    uint256 private _sink;

    constructor(IArbitrable arbitrable, Mode mode, uint256 param, uint256 fee_) {
        ARBITRABLE = arbitrable;
        MODE = mode;
        PARAM = param;
        fee = fee_;
    }

    function setFee(uint256 fee_) external {
        fee = fee_;
    }

    function createDispute(uint256 disputeId, uint256, uint256, uint256) external {
        Mode mode = MODE;
        uint256 param = PARAM;
        if (mode == Mode.BurnGas) {
            // Intentionally unbounded: burns every unit of gas it is given.
            while (true) {
                ++_sink;
            }
        } else if (mode == Mode.RevertBomb) {
            assembly {
                revert(0, param)
            }
        } else if (mode == Mode.ReturnBomb) {
            assembly {
                return(0, param)
            }
        } else {
            uint256 stop = gasleft() - param;
            uint256 x = 1;
            while (gasleft() > stop) {
                unchecked {
                    x = x * 3 + 1;
                }
            }
            _sink = x;
        }
        ++disputesCreated;
        lastDisputeId = disputeId;
    }

    function arbitrationCost(uint256) external view returns (uint256 quoted) {
        Mode mode = MODE;
        quoted = fee;
        if (mode == Mode.BurnGas) {
            uint256 x = 1;
            // Intentionally unbounded: runs until the gas is gone.
            while (gasleft() != 0) {
                unchecked {
                    x = x * 3 + 1;
                }
            }
            quoted = x;
        } else if (mode == Mode.ReturnBomb) {
            uint256 size = PARAM;
            assembly {
                mstore(0, quoted)
                return(0, size)
            }
        }
    }

    function giveRuling(uint256 disputeId, uint256 providerShareBps) external {
        ARBITRABLE.rule(disputeId, providerShareBps);
    }
}
