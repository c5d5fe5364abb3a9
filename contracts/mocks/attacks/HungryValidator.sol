// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IValidator} from "../../interfaces/IValidator.sol";

/// @title HungryValidator
/// @notice An honest but costly validator: `validate` does `WORK` gas of computation, then answers `VERDICT`.
/// Used to check that the party calling the escrow cannot starve it (EIP-150's 63/64 rule) to turn its verdict
/// into "no verdict". Tests only.
/// @custom:security-contact security@agora.example
contract HungryValidator is IValidator {
    uint256 public immutable WORK;
    Verdict public immutable VERDICT;

    constructor(uint256 work, Verdict verdict) {
        WORK = work;
        VERDICT = verdict;
    }

    function validate(uint256, bytes32, bytes32) external view returns (Verdict) {
        uint256 stop = gasleft() - WORK;
        uint256 x = 1;
        while (gasleft() > stop) {
            unchecked {
                x = x * 3 + 1;
            }
        }
        // The comparison keeps the loop from being optimised away (`x` does not come back to 0 in practice).
        return x == 0 ? Verdict.Pending : VERDICT;
    }
}
