// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IAgoraVault} from "../interfaces/IAgoraVault.sol";
import {IArbitrable, IArbitrator} from "../interfaces/IArbitrator.sol";

/// @title OracleArbitrator
/// @notice Reference adapter for an off-chain AI jury (the shape a GenLayer-style intelligent contract or any
/// oracle network would use): `createDispute` emits `VerdictRequested`; the jury reads the job, its evidence
/// events and the delivery, reaches a verdict, and its oracle key posts `submitVerdict` with the provider share
/// and a hash and URI of the jury's reasoning, which this contract forwards to the arbitrable as the ruling.
/// @dev The owner can rotate the oracle key and change the flat fee (it applies to disputes opened later, as the
/// escrow reads `arbitrationCost` when the dispute opens). Fees are credits in the vault; the owner withdraws
/// them with `withdrawCredit`.
/// @custom:security-contact security@agora.example
contract OracleArbitrator is IArbitrator, Ownable2Step {
    uint256 private constant BPS = 10_000;

    /// @notice The only contract this adapter serves (the job escrow).
    IArbitrable public immutable ARBITRABLE;
    /// @notice The vault holding the adapter's fee credits.
    IAgoraVault public immutable VAULT;

    /// @notice The key allowed to post verdicts.
    address public oracle;
    /// @notice Flat fee per dispute, in USDC base units.
    uint256 public fee;

    /// @notice A dispute as the adapter sees it.
    struct DisputeInfo {
        bool created;
        bool ruled;
        uint16 ruling;
        bytes32 reasoningHash;
    }

    mapping(uint256 disputeId => DisputeInfo) private _disputes;

    /// @notice The jury should judge `disputeId` (the job id) of the arbitrable.
    event VerdictRequested(uint256 indexed disputeId, uint256 indexed clientId, uint256 indexed providerId, uint256 amount);
    /// @notice The oracle posted the jury's verdict.
    event VerdictSubmitted(
        uint256 indexed disputeId, uint16 providerShareBps, bytes32 reasoningHash, string reasoningURI, address indexed oracle
    );
    event OracleSet(address indexed previousOracle, address indexed newOracle);
    event FeeSet(uint256 fee);
    event FeesWithdrawn(address indexed to, uint256 amount);

    error OracleZeroAddress();
    error OracleNotArbitrable(address caller);
    error OracleNotOracle(address caller);
    error OracleDisputeExists(uint256 disputeId);
    error OracleUnknownDispute(uint256 disputeId);
    error OracleAlreadyRuled(uint256 disputeId);
    error OracleInvalidShare(uint256 providerShareBps);

    constructor(IArbitrable arbitrable, IAgoraVault vault, address oracle_, uint256 fee_, address initialOwner)
        Ownable(initialOwner)
    {
        if (address(arbitrable) == address(0) || address(vault) == address(0) || oracle_ == address(0)) {
            revert OracleZeroAddress();
        }
        ARBITRABLE = arbitrable;
        VAULT = vault;
        oracle = oracle_;
        fee = fee_;
        emit OracleSet(address(0), oracle_);
        emit FeeSet(fee_);
    }

    /* ARBITRATION */

    /// @inheritdoc IArbitrator
    function createDispute(uint256 disputeId, uint256 clientId, uint256 providerId, uint256 amount) external {
        if (msg.sender != address(ARBITRABLE)) revert OracleNotArbitrable(msg.sender);
        DisputeInfo storage d = _disputes[disputeId];
        if (d.created) revert OracleDisputeExists(disputeId);
        d.created = true;
        emit VerdictRequested(disputeId, clientId, providerId, amount);
    }

    /// @inheritdoc IArbitrator
    function arbitrationCost(uint256) external view returns (uint256) {
        return fee;
    }

    /// @notice Posts the jury's verdict on `disputeId` and rules on the arbitrable. Oracle key only, once.
    function submitVerdict(uint256 disputeId, uint256 providerShareBps, bytes32 reasoningHash, string calldata reasoningURI)
        external
    {
        if (msg.sender != oracle) revert OracleNotOracle(msg.sender);
        if (providerShareBps > BPS) revert OracleInvalidShare(providerShareBps);
        DisputeInfo storage d = _disputes[disputeId];
        if (!d.created) revert OracleUnknownDispute(disputeId);
        if (d.ruled) revert OracleAlreadyRuled(disputeId);

        d.ruled = true;
        d.ruling = uint16(providerShareBps);
        d.reasoningHash = reasoningHash;
        emit VerdictSubmitted(disputeId, uint16(providerShareBps), reasoningHash, reasoningURI, msg.sender);
        ARBITRABLE.rule(disputeId, providerShareBps);
    }

    /* ADMIN */

    /// @notice Rotates the oracle key. Owner only.
    function setOracle(address newOracle) external onlyOwner {
        if (newOracle == address(0)) revert OracleZeroAddress();
        emit OracleSet(oracle, newOracle);
        oracle = newOracle;
    }

    /// @notice Sets the flat fee for disputes opened from now on. Owner only.
    function setFee(uint256 newFee) external onlyOwner {
        fee = newFee;
        emit FeeSet(newFee);
    }

    /// @notice Sends `amount` of this adapter's fee credit in the vault to `to`. Owner only.
    function withdrawCredit(address to, uint256 amount) external onlyOwner {
        emit FeesWithdrawn(to, amount);
        VAULT.withdrawCredit(to, amount);
    }

    /* VIEWS */

    /// @notice The adapter's record of `disputeId`.
    function getDispute(uint256 disputeId) external view returns (DisputeInfo memory) {
        return _disputes[disputeId];
    }
}
