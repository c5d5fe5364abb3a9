// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IAgoraVault} from "./interfaces/IAgoraVault.sol";
import {IAgentRegistry} from "./interfaces/IAgentRegistry.sol";
import {SpendingWindow} from "./libraries/SpendingWindow.sol";
import {TokenFunding} from "./libraries/TokenFunding.sol";

/// @title AgoraVault
/// @notice Holds all of Agora's USDC: agent balances, address credits, protocol fees and the money the two
/// settlement modules have locked. Enforces the owners' spending limits on operators and the guardian pause.
/// @custom:security-contact security@agora.example
/// @dev Storage: the money each module has locked lives in the module's own slot (`_escrow` with the pause flag,
/// `_channels`), so the module check, the pause check and the lock update of a `commit` or `release` share one
/// cold slot (measured: 2,100 gas less on each than a separate `locked` mapping). Locked totals and fees are
/// uint64 (1.8e19 units, $18 trillion, above the whole USDC supply) behind SafeCast.
/// Solvency: every path that adds to `Σ balances + Σ credits + accruedFees + Σ locked` either moves an
/// amount between those terms or is matched by a token pull checked by balance delta; every path that sends
/// tokens first subtracts the same amount from one of them. Token calls happen last (CEI) under `nonReentrant`.
contract AgoraVault is IAgoraVault, Ownable2Step, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SpendingWindow for SpendingWindow.State;

    /// @notice A one-shot owner pre-approval plus the agent's approval nonce, in one slot.
    struct PendingApproval {
        uint64 counterpartyId;
        uint96 amount; // 0 = none pending
        uint40 deadline;
        uint56 nextNonce; // the nonce the next signature must carry
    }

    /// @inheritdoc IAgoraVault
    uint16 public constant MAX_FEE_BPS = 500;
    /// @inheritdoc IAgoraVault
    uint256 public constant WINDOW_BUCKETS = SpendingWindow.BUCKETS;
    /// @inheritdoc IAgoraVault
    uint256 public constant BUCKET_SECONDS = SpendingWindow.BUCKET_SECONDS;
    /// @inheritdoc IAgoraVault
    bytes32 public constant COMMITMENT_APPROVAL_TYPEHASH = keccak256(
        "CommitmentApproval(uint256 agentId,uint256 counterpartyId,uint256 amount,uint256 nonce,uint256 deadline)"
    );

    /// @inheritdoc IAgoraVault
    IERC20 public immutable USDC;
    /// @inheritdoc IAgoraVault
    IAgentRegistry public immutable REGISTRY;
    /// @notice The account allowed to call `setModules` once.
    address public immutable DEPLOYER;

    // slot: the escrow module, its locked money and the pause flag (160 + 64 + 8 bits)
    address private _escrow;
    uint64 private _escrowLocked;
    bool private _paused;
    // slot: the channels module and its locked money
    address private _channels;
    uint64 private _channelsLocked;
    // slot: fee recipient, fee and accrued fees (160 + 16 + 64 bits)
    address private _feeRecipient;
    uint16 private _protocolFeeBps;
    uint64 private _accruedFees;
    address private _guardian;

    mapping(uint256 agentId => uint256) private _balances;
    mapping(address account => uint256) private _credits;
    /// @dev Keyed by the owner who set it, so a payout address never outlives a sale of the agent: after a
    /// transfer the new owner's entry is empty and withdrawals default to the new owner.
    mapping(uint256 agentId => mapping(address owner => address)) private _payouts;
    mapping(uint256 agentId => SpendingWindow.State) private _spending;
    mapping(uint256 agentId => mapping(uint256 counterpartyId => bool)) private _allowlist;
    mapping(uint256 agentId => PendingApproval) private _approvals;

    /// @param usdc The USDC token (6 decimals, EIP-2612, EIP-3009).
    /// @param registry The agent registry answering `checkActor`.
    /// @param admin The `Ownable2Step` owner: may only set the fee, the fee recipient and the guardian.
    /// @param initialGuardian May pause and unpause new business.
    /// @param initialFeeRecipient Receives `claimFees`.
    /// @param initialFeeBps Protocol fee for new jobs, at most `MAX_FEE_BPS`.
    constructor(
        IERC20 usdc,
        IAgentRegistry registry,
        address admin,
        address initialGuardian,
        address initialFeeRecipient,
        uint16 initialFeeBps
    ) Ownable(admin) EIP712("AgoraVault", "1") {
        if (
            address(usdc) == address(0) || address(registry) == address(0) || initialGuardian == address(0)
                || initialFeeRecipient == address(0)
        ) revert VaultZeroAddress();
        if (initialFeeBps > MAX_FEE_BPS) revert VaultFeeTooHigh(initialFeeBps, MAX_FEE_BPS);
        USDC = usdc;
        REGISTRY = registry;
        DEPLOYER = msg.sender;
        _guardian = initialGuardian;
        _feeRecipient = initialFeeRecipient;
        _protocolFeeBps = initialFeeBps;
        emit GuardianSet(initialGuardian);
        emit FeeRecipientSet(initialFeeRecipient);
        emit ProtocolFeeSet(initialFeeBps);
    }

    /* BALANCES */

    /// @inheritdoc IAgoraVault
    function deposit(uint256 agentId, uint256 amount, Funding calldata funding) external nonReentrant {
        if (_paused) revert VaultPaused();
        if (amount == 0) revert VaultZeroAmount();
        if (funding.source == FundingSource.Balance) revert VaultInvalidFundingSource(funding.source);
        // Reverts for an id nobody holds, so no money is parked on an agent that does not exist yet.
        REGISTRY.ownerOf(agentId);
        uint256 balanceAfter = _balances[agentId] + amount;
        _balances[agentId] = balanceAfter;
        emit Deposited(agentId, msg.sender, amount, funding.source, balanceAfter);
        TokenFunding.pull(USDC, msg.sender, amount, funding);
    }

    /// @inheritdoc IAgoraVault
    function withdraw(uint256 agentId, uint256 amount) external nonReentrant {
        // Owner, or an unfrozen operator: `checkActor` reverts for anyone else.
        (address agentOwner,) = REGISTRY.checkActor(agentId, msg.sender);
        if (amount == 0) revert VaultZeroAmount();
        uint256 balance = _balances[agentId];
        if (balance < amount) revert VaultInsufficientBalance(agentId, balance, amount);
        uint256 balanceAfter;
        unchecked {
            balanceAfter = balance - amount; // amount <= balance, checked above
        }
        _balances[agentId] = balanceAfter;
        address to = _payouts[agentId][agentOwner];
        if (to == address(0)) to = agentOwner;
        emit Withdrawn(agentId, msg.sender, to, amount, balanceAfter);
        USDC.safeTransfer(to, amount);
    }

    /// @inheritdoc IAgoraVault
    /// @dev Zero restores the default (the owner at withdrawal time).
    function setPayoutAddress(uint256 agentId, address payout) external {
        _requireAgentOwner(agentId);
        _payouts[agentId][msg.sender] = payout;
        emit PayoutAddressSet(agentId, msg.sender, payout);
    }

    /// @inheritdoc IAgoraVault
    function withdrawCredit(address to, uint256 amount) external nonReentrant {
        if (to == address(0)) revert VaultZeroAddress();
        if (amount == 0) revert VaultZeroAmount();
        uint256 credit = _credits[msg.sender];
        if (credit < amount) revert VaultInsufficientCredit(msg.sender, credit, amount);
        unchecked {
            _credits[msg.sender] = credit - amount; // amount <= credit, checked above
        }
        emit CreditWithdrawn(msg.sender, to, amount);
        USDC.safeTransfer(to, amount);
    }

    /// @inheritdoc IAgoraVault
    /// @dev Reverts `VaultZeroAmount` when nothing has accrued.
    function claimFees() external nonReentrant {
        uint256 amount = _accruedFees;
        if (amount == 0) revert VaultZeroAmount();
        _accruedFees = 0;
        address recipient = _feeRecipient;
        emit FeesClaimed(recipient, amount);
        USDC.safeTransfer(recipient, amount);
    }

    /// @inheritdoc IAgoraVault
    function balanceOf(uint256 agentId) external view returns (uint256) {
        return _balances[agentId];
    }

    /// @inheritdoc IAgoraVault
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IAgoraVault
    /// @dev Returns the effective address: the one set, or else the current owner.
    function payoutAddress(uint256 agentId) external view returns (address) {
        address agentOwner = REGISTRY.ownerOf(agentId);
        address payout = _payouts[agentId][agentOwner];
        return payout == address(0) ? agentOwner : payout;
    }

    /// @inheritdoc IAgoraVault
    function accruedFees() external view returns (uint256) {
        return _accruedFees;
    }

    /// @inheritdoc IAgoraVault
    function locked(address module) external view returns (uint256) {
        if (module == address(0)) return 0;
        if (module == _escrow) return _escrowLocked;
        if (module == _channels) return _channelsLocked;
        return 0;
    }

    /* MODULES */

    /// @inheritdoc IAgoraVault
    function commit(
        uint256 agentId,
        uint256 counterpartyId,
        address caller,
        uint256 amount,
        bool newBusiness,
        Funding calldata funding
    ) external nonReentrant returns (bool byOwner) {
        bool fromEscrow = _requireModule();
        if (newBusiness && _paused) revert VaultPaused();
        if (amount == 0) revert VaultZeroAmount();
        (, byOwner) = REGISTRY.checkActor(agentId, caller);
        if (!byOwner) _applyLimits(agentId, counterpartyId, amount);

        FundingSource source = funding.source;
        uint256 balanceAfter = _balances[agentId];
        if (source == FundingSource.Balance) {
            if (balanceAfter < amount) revert VaultInsufficientBalance(agentId, balanceAfter, amount);
            unchecked {
                balanceAfter -= amount; // amount <= balance, checked above
            }
            _balances[agentId] = balanceAfter;
        }
        if (fromEscrow) _escrowLocked = (_escrowLocked + amount).toUint64();
        else _channelsLocked = (_channelsLocked + amount).toUint64();
        emit Committed(msg.sender, agentId, counterpartyId, caller, amount, source, byOwner, balanceAfter);
        // Post-condition inside `pull`: exactly `amount` arrived, or everything above is undone.
        if (source != FundingSource.Balance) TokenFunding.pull(USDC, caller, amount, funding);
    }

    /// @inheritdoc IAgoraVault
    function release(uint256 agentId, uint256 amount, uint256 fee) external {
        _debitLocked(_requireModule(), amount + fee);
        uint256 balanceAfter = _balances[agentId] + amount;
        _balances[agentId] = balanceAfter;
        // fee <= the module's locked money < 2^64, and the sum of fees stays below the token supply.
        if (fee != 0) _accruedFees = (_accruedFees + fee).toUint64();
        emit Released(msg.sender, agentId, amount, fee, balanceAfter);
    }

    /// @inheritdoc IAgoraVault
    function releaseTo(address account, uint256 amount) external {
        bool fromEscrow = _requireModule();
        if (account == address(0)) revert VaultZeroAddress();
        _debitLocked(fromEscrow, amount);
        uint256 creditAfter = _credits[account] + amount;
        _credits[account] = creditAfter;
        emit ReleasedTo(msg.sender, account, amount, creditAfter);
    }

    /// @inheritdoc IAgoraVault
    function setModules(address escrowModule, address channelsModule) external {
        if (msg.sender != DEPLOYER) revert VaultNotDeployer(msg.sender);
        if (_escrow != address(0)) revert VaultModulesAlreadySet();
        if (escrowModule == address(0) || channelsModule == address(0)) revert VaultZeroAddress();
        _escrow = escrowModule;
        _channels = channelsModule;
        emit ModulesSet(escrowModule, channelsModule);
    }

    /// @inheritdoc IAgoraVault
    function escrow() external view returns (address) {
        return _escrow;
    }

    /// @inheritdoc IAgoraVault
    function channels() external view returns (address) {
        return _channels;
    }

    /* LIMITS */

    /// @inheritdoc IAgoraVault
    function setSpendingLimits(uint256 agentId, SpendingLimits calldata limits) external {
        _requireAgentOwner(agentId);
        SpendingWindow.Config storage c = _spending[agentId].config;
        c.perTxCap = limits.perTxCap;
        c.dailyCap = limits.dailyCap;
        c.allowlistOnly = limits.allowlistOnly;
        emit SpendingLimitsSet(agentId, limits.perTxCap, limits.dailyCap, limits.allowlistOnly);
    }

    /// @inheritdoc IAgoraVault
    function setAllowlisted(uint256 agentId, uint256 counterpartyId, bool allowed) external {
        _requireAgentOwner(agentId);
        _allowlist[agentId][counterpartyId] = allowed;
        emit AllowlistSet(agentId, counterpartyId, allowed);
    }

    /// @inheritdoc IAgoraVault
    function approveCommitment(uint256 agentId, uint256 counterpartyId, uint256 amount, uint256 deadline, bytes calldata signature)
        external
    {
        if (block.timestamp > deadline) revert VaultOwnerApprovalExpired(deadline);
        if (amount == 0) revert VaultZeroAmount();
        address agentOwner = REGISTRY.ownerOf(agentId);
        uint256 nonce = _approvals[agentId].nextNonce;
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(COMMITMENT_APPROVAL_TYPEHASH, agentId, counterpartyId, amount, nonce, deadline))
        );
        if (!SignatureChecker.isValidSignatureNow(agentOwner, digest, signature)) revert VaultOwnerApprovalInvalid(agentId);
        // A deadline past year 36812 is stored as the largest uint40: the same for every practical purpose.
        uint40 storedDeadline = deadline > type(uint40).max ? type(uint40).max : uint40(deadline);
        _approvals[agentId] = PendingApproval({
            counterpartyId: counterpartyId.toUint64(),
            amount: amount.toUint96(),
            deadline: storedDeadline,
            nextNonce: (nonce + 1).toUint56()
        });
        _spending[agentId].config.hasApproval = true;
        emit OwnerApprovalSet(agentId, counterpartyId, amount, deadline, nonce);
    }

    /// @inheritdoc IAgoraVault
    function cancelCommitmentApproval(uint256 agentId) external {
        _requireAgentOwner(agentId);
        uint256 nextNonce = uint256(_approvals[agentId].nextNonce) + 1;
        _approvals[agentId] = PendingApproval({counterpartyId: 0, amount: 0, deadline: 0, nextNonce: nextNonce.toUint56()});
        _spending[agentId].config.hasApproval = false;
        emit OwnerApprovalCancelled(agentId, nextNonce);
    }

    /// @inheritdoc IAgoraVault
    function spendingLimits(uint256 agentId) external view returns (SpendingLimits memory) {
        SpendingWindow.Config memory c = _spending[agentId].config;
        return SpendingLimits({perTxCap: c.perTxCap, dailyCap: c.dailyCap, allowlistOnly: c.allowlistOnly});
    }

    /// @inheritdoc IAgoraVault
    function isAllowlisted(uint256 agentId, uint256 counterpartyId) external view returns (bool) {
        return _allowlist[agentId][counterpartyId];
    }

    /// @inheritdoc IAgoraVault
    function spentInWindow(uint256 agentId) external view returns (uint256) {
        return _spending[agentId].spentAt(SpendingWindow.period(block.timestamp));
    }

    /// @inheritdoc IAgoraVault
    function approvalNonce(uint256 agentId) external view returns (uint256) {
        return _approvals[agentId].nextNonce;
    }

    /// @inheritdoc IAgoraVault
    function pendingApproval(uint256 agentId)
        external
        view
        returns (uint256 counterpartyId, uint256 amount, uint256 deadline, uint256 nonce)
    {
        PendingApproval memory a = _approvals[agentId];
        if (a.amount == 0) return (0, 0, 0, 0);
        return (a.counterpartyId, a.amount, a.deadline, a.nextNonce - 1);
    }

    /* ADMIN AND GUARDIAN */

    /// @inheritdoc IAgoraVault
    function pause() external {
        _requireGuardian();
        if (_paused) revert VaultPaused();
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IAgoraVault
    function unpause() external {
        _requireGuardian();
        if (!_paused) revert VaultNotPaused();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IAgoraVault
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IAgoraVault
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc IAgoraVault
    function protocolFeeBps() external view returns (uint16) {
        return _protocolFeeBps;
    }

    /// @inheritdoc IAgoraVault
    function feeRecipient() external view returns (address) {
        return _feeRecipient;
    }

    /// @inheritdoc IAgoraVault
    function setProtocolFee(uint16 feeBps) external onlyOwner {
        if (feeBps > MAX_FEE_BPS) revert VaultFeeTooHigh(feeBps, MAX_FEE_BPS);
        _protocolFeeBps = feeBps;
        emit ProtocolFeeSet(feeBps);
    }

    /// @inheritdoc IAgoraVault
    function setFeeRecipient(address recipient) external onlyOwner {
        if (recipient == address(0)) revert VaultZeroAddress();
        _feeRecipient = recipient;
        emit FeeRecipientSet(recipient);
    }

    /// @inheritdoc IAgoraVault
    function setGuardian(address newGuardian) external onlyOwner {
        if (newGuardian == address(0)) revert VaultZeroAddress();
        _guardian = newGuardian;
        emit GuardianSet(newGuardian);
    }

    /* INTERNAL */

    /// @dev The operator path of `commit`: a matching owner pre-approval, else per-tx cap, allow-list and the
    /// rolling daily cap. Any revert here undoes every counter (the window is written last).
    /// Without a daily cap the window is neither read nor written, only the limits slot (measured: 11,707 gas less
    /// per warm operator commitment within one period, ~16,000 to 20,000 when the ring turns). So the window holds
    /// only the commitments made while a daily cap is set.
    function _applyLimits(uint256 agentId, uint256 counterpartyId, uint256 amount) private {
        SpendingWindow.State storage s = _spending[agentId];
        SpendingWindow.Config memory c = s.config;
        if (c.hasApproval && _useApproval(s, agentId, counterpartyId, amount)) return;

        if (c.perTxCap != 0 && amount > c.perTxCap) revert VaultPerTxCapExceeded(agentId, c.perTxCap, amount);
        if (c.allowlistOnly && !_allowlist[agentId][counterpartyId]) {
            revert VaultCounterpartyNotAllowed(agentId, counterpartyId);
        }
        if (c.dailyCap == 0) return;
        uint256 p = SpendingWindow.period(block.timestamp);
        SpendingWindow.Window memory w = s.load(c, p);
        uint256 spent = w.spent;
        if (spent + amount > c.dailyCap) revert VaultDailyCapExceeded(agentId, c.dailyCap, spent, amount);
        s.record(c, w, p, amount);
        emit SpendingRecorded(agentId, amount, spent + amount);
    }

    /// @dev Consumes the pending pre-approval if it covers this commitment; returns whether it did.
    function _useApproval(SpendingWindow.State storage s, uint256 agentId, uint256 counterpartyId, uint256 amount)
        private
        returns (bool)
    {
        PendingApproval memory a = _approvals[agentId];
        if (a.counterpartyId != counterpartyId || amount > a.amount || block.timestamp > a.deadline) return false;
        _approvals[agentId] = PendingApproval({counterpartyId: 0, amount: 0, deadline: 0, nextNonce: a.nextNonce});
        s.config.hasApproval = false;
        emit OwnerApprovalUsed(agentId, counterpartyId, amount, a.nextNonce - 1);
        return true;
    }

    /// @dev Reverts `VaultNotModule` unless the caller is a module; returns whether it is the escrow.
    function _requireModule() private view returns (bool fromEscrow) {
        // Before `setModules` both are zero, which no caller can be.
        if (msg.sender == _escrow) return true;
        if (msg.sender != _channels) revert VaultNotModule(msg.sender);
        return false;
    }

    /// @dev Subtracts `amount` from the calling module's locked money.
    function _debitLocked(bool fromEscrow, uint256 amount) private {
        uint256 lockedNow = fromEscrow ? _escrowLocked : _channelsLocked;
        if (lockedNow < amount) revert VaultModuleUnderflow(msg.sender, lockedNow, amount);
        // amount <= lockedNow < 2^64, checked above: the difference fits in uint64 and cannot underflow.
        uint64 lockedAfter = uint64(lockedNow - amount);
        if (fromEscrow) _escrowLocked = lockedAfter;
        else _channelsLocked = lockedAfter;
    }

    function _requireAgentOwner(uint256 agentId) private view {
        if (REGISTRY.ownerOf(agentId) != msg.sender) revert VaultNotOwner(agentId, msg.sender);
    }

    function _requireGuardian() private view {
        if (msg.sender != _guardian) revert VaultNotGuardian(msg.sender);
    }
}
