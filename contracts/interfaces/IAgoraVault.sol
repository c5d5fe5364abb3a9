// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAgentRegistry} from "./IAgentRegistry.sol";

/// @title IAgoraVault
/// @notice Holds every unit of USDC in Agora. Agents keep protocol balances here; the two settlement
/// modules (job escrow and payment channels) lock money through `commit` and pay it out through
/// `release`/`releaseTo`. The vault also enforces the owners' spending limits and the guardian pause.
/// @dev Solvency (PROTOCOL.md invariant 1): `USDC.balanceOf(vault) >= Σ balanceOf + Σ creditOf + accruedFees
/// + Σ locked(module)`. A module can never pay out more than it has locked (`VaultModuleUnderflow`), so a
/// faulty module cannot reach money committed through the other one. Modules are set once at deployment and
/// can never change; no admin function moves a balance, a credit or locked money.
interface IAgoraVault {
    /// @notice Where the money of a commitment comes from. Every path pulls from the caller itself, never
    /// from a third party, so a signed permit or authorization cannot be spent on someone else's job.
    enum FundingSource {
        Balance, // the agent's protocol balance
        TransferFrom, // USDC.transferFrom(caller, vault) after an approve
        Permit, // EIP-2612 permit(caller, vault, amount, validBefore, sig) then transferFrom
        Authorization // EIP-3009 receiveWithAuthorization(caller, vault, amount, validAfter, validBefore, nonce, sig)
    }

    /// @notice Funding for one commitment. Unused fields are ignored for `Balance` and `TransferFrom`.
    struct Funding {
        FundingSource source;
        uint256 validAfter; // EIP-3009 only
        uint256 validBefore; // EIP-3009 validBefore, or the EIP-2612 deadline
        bytes32 nonce; // EIP-3009 only
        bytes signature; // 65-byte r,s,v signature for Permit and Authorization
    }

    /// @notice Spending limits an owner sets on its agent's operator. A zero cap means "no cap".
    struct SpendingLimits {
        uint64 perTxCap;
        uint64 dailyCap; // rolling window, see `WINDOW_BUCKETS` and docs
        bool allowlistOnly; // operator may only commit toward allow-listed counterparties
    }

    /* EVENTS */

    event Deposited(uint256 indexed agentId, address indexed from, uint256 amount, FundingSource source, uint256 balanceAfter);
    event Withdrawn(uint256 indexed agentId, address indexed caller, address indexed to, uint256 amount, uint256 balanceAfter);
    /// @notice `owner` set where withdrawals of `agentId` go while it holds the agent (zero: to itself).
    event PayoutAddressSet(uint256 indexed agentId, address indexed owner, address indexed payout);
    /// @notice `module` locked `amount` for `agentId` toward `counterpartyId`, requested by `caller`.
    event Committed(
        address indexed module,
        uint256 indexed agentId,
        uint256 indexed counterpartyId,
        address caller,
        uint256 amount,
        FundingSource source,
        bool byOwner,
        uint256 balanceAfter
    );
    /// @notice `module` paid `amount` to agent `agentId` and `fee` to the protocol from locked money.
    event Released(address indexed module, uint256 indexed agentId, uint256 amount, uint256 fee, uint256 balanceAfter);
    /// @notice `module` paid `amount` of locked money as a credit to `account` (an arbitrator, for example).
    event ReleasedTo(address indexed module, address indexed account, uint256 amount, uint256 creditAfter);
    event CreditWithdrawn(address indexed account, address indexed to, uint256 amount);
    event FeesClaimed(address indexed recipient, uint256 amount);
    event SpendingLimitsSet(uint256 indexed agentId, uint64 perTxCap, uint64 dailyCap, bool allowlistOnly);
    event AllowlistSet(uint256 indexed agentId, uint256 indexed counterpartyId, bool allowed);
    /// @notice Operator spending counted in the rolling window; `spentInWindow` includes `amount`. Emitted only
    /// while the agent has a daily cap (the window records nothing without one).
    event SpendingRecorded(uint256 indexed agentId, uint256 amount, uint256 spentInWindow);
    event OwnerApprovalUsed(uint256 indexed agentId, uint256 indexed counterpartyId, uint256 amount, uint256 nonce);
    event ProtocolFeeSet(uint16 feeBps);
    event FeeRecipientSet(address indexed recipient);
    event GuardianSet(address indexed guardian);
    event Paused(address indexed guardian);
    event Unpaused(address indexed guardian);
    event ModulesSet(address indexed escrow, address indexed channels);
    /// @notice The owner pre-approved one operator commitment of at most `amount` toward `counterpartyId`,
    /// usable until `deadline`; `nonce` is the approval nonce the owner signed. Replaces any pending approval.
    event OwnerApprovalSet(uint256 indexed agentId, uint256 indexed counterpartyId, uint256 amount, uint256 deadline, uint256 nonce);
    /// @notice The owner dropped the pending approval (if any) and invalidated every signature below `nextNonce`.
    event OwnerApprovalCancelled(uint256 indexed agentId, uint256 nextNonce);

    /* ERRORS */

    error VaultPaused();
    error VaultNotPaused();
    error VaultNotModule(address caller);
    error VaultNotGuardian(address caller);
    error VaultModulesAlreadySet();
    error VaultZeroAmount();
    error VaultZeroAddress();
    error VaultInsufficientBalance(uint256 agentId, uint256 balance, uint256 needed);
    error VaultInsufficientCredit(address account, uint256 credit, uint256 needed);
    error VaultModuleUnderflow(address module, uint256 locked, uint256 needed);
    error VaultTransferMismatch(uint256 expected, uint256 received);
    error VaultInvalidSignature();
    error VaultFeeTooHigh(uint16 feeBps, uint16 max);
    /// @notice The operator's commitment exceeds the per-transaction cap.
    error VaultPerTxCapExceeded(uint256 agentId, uint256 cap, uint256 amount);
    /// @notice The operator's commitment would take the rolling-window total past the daily cap.
    error VaultDailyCapExceeded(uint256 agentId, uint256 cap, uint256 spent, uint256 amount);
    /// @notice The counterparty is not on the agent's allow-list.
    error VaultCounterpartyNotAllowed(uint256 agentId, uint256 counterpartyId);
    error VaultOwnerApprovalInvalid(uint256 agentId);
    error VaultOwnerApprovalExpired(uint256 deadline);
    /// @notice Only the agent's owner (the ERC-721 holder) may do this; `caller` is not it.
    error VaultNotOwner(uint256 agentId, address caller);
    /// @notice Only the deployer may wire the modules.
    error VaultNotDeployer(address caller);
    /// @notice `deposit` needs a token source (`Balance` is not one).
    error VaultInvalidFundingSource(FundingSource source);

    /* BALANCES */

    /// @notice Pulls `amount` from the caller by `source` (not `Balance`) and credits agent `agentId`. Anyone
    /// may deposit for any agent. Reverts while paused (a deposit is new business).
    function deposit(uint256 agentId, uint256 amount, Funding calldata funding) external;

    /// @notice Sends `amount` of the agent's balance to its payout address. Owner, or an unfrozen operator.
    /// Works while paused.
    function withdraw(uint256 agentId, uint256 amount) external;

    /// @notice Sets where withdrawals go while the caller owns the agent (default: the owner at withdrawal
    /// time). Owner only. The setting belongs to the owner who made it: after a transfer of the agent,
    /// withdrawals go to the new owner until it sets its own payout address.
    /// @dev Warning: the protocol balance belongs to the agent and moves with the NFT; withdraw before selling.
    function setPayoutAddress(uint256 agentId, address payout) external;

    /// @notice Sends `amount` of the caller's credit to `to`. Works while paused.
    function withdrawCredit(address to, uint256 amount) external;

    /// @notice Sends all accrued protocol fees to the fee recipient. Anyone may call.
    function claimFees() external;

    function balanceOf(uint256 agentId) external view returns (uint256);
    function creditOf(address account) external view returns (uint256);
    function payoutAddress(uint256 agentId) external view returns (address);
    function accruedFees() external view returns (uint256);
    function locked(address module) external view returns (uint256);

    /* MODULES */

    /// @notice Locks `amount` for `agentId`, pulled by `funding.source`, on behalf of `caller` (the module's
    /// msg.sender). Checks that `caller` is the agent's owner or unfrozen operator, applies the spending
    /// limits when it is the operator (toward `counterpartyId`), and reverts while paused if `newBusiness`.
    /// @dev Reverts `VaultZeroAmount` when `amount` is 0: a module must skip zero commitments (e.g. no collateral).
    /// An operator commitment first consumes a matching owner pre-approval (`approveCommitment`): same
    /// counterparty, `amount` at most the approved amount, not past its deadline. Such a commitment skips every
    /// limit and is not counted in the rolling window. Otherwise, in this order: per-tx cap, allow-list, daily cap.
    /// Only when a daily cap is set (`dailyCap != 0`) is the rolling window read and the commitment added to it
    /// (`SpendingRecorded`); without one the window is not touched, so a daily cap set later counts only the
    /// commitments made from then on (docs/LIMITS.md).
    /// The token paths check the vault's balance delta (`VaultTransferMismatch`). For `Permit`, a permit that
    /// fails (e.g. front-run by anyone who saw the signature) is ignored when the allowance already suffices.
    /// @return byOwner Whether the owner made the commitment (limits skipped).
    function commit(
        uint256 agentId,
        uint256 counterpartyId,
        address caller,
        uint256 amount,
        bool newBusiness,
        Funding calldata funding
    ) external returns (bool byOwner);

    /// @notice Pays `amount` to agent `agentId`'s balance and `fee` to the protocol out of the calling
    /// module's locked money. Never paused.
    function release(uint256 agentId, uint256 amount, uint256 fee) external;

    /// @notice Pays `amount` of the calling module's locked money as a credit to `account`. Never paused.
    function releaseTo(address account, uint256 amount) external;

    /// @notice Wires the two settlement modules. Callable once, by the deployer; sealed for ever after.
    function setModules(address escrow, address channels) external;

    /// @notice The job escrow module (zero until `setModules`).
    function escrow() external view returns (address);

    /// @notice The payment channels module (zero until `setModules`).
    function channels() external view returns (address);

    /* LIMITS */

    /// @notice Sets the operator's spending limits. Owner only; never paused.
    function setSpendingLimits(uint256 agentId, SpendingLimits calldata limits) external;

    /// @notice Adds or removes `counterpartyId` from the allow-list. Owner only.
    function setAllowlisted(uint256 agentId, uint256 counterpartyId, bool allowed) external;

    function spendingLimits(uint256 agentId) external view returns (SpendingLimits memory);
    function isAllowlisted(uint256 agentId, uint256 counterpartyId) external view returns (bool);
    /// @notice What the operator has committed in the current rolling window, counting only the commitments made
    /// while a daily cap was set (see `commit`).
    function spentInWindow(uint256 agentId) external view returns (uint256);

    /// @notice Stores the owner's one-shot pre-approval of one operator commitment above the limits: the next
    /// operator commitment of agent `agentId` toward `counterpartyId` of at most `amount`, made no later than
    /// `deadline`, skips the per-tx cap, the daily cap and the allow-list, is not counted in the window, and
    /// consumes the approval (`OwnerApprovalUsed`). Anyone may submit it (typically the operator).
    /// @dev `signature` is the owner's (ECDSA, or ERC-1271 when the owner is a contract) over the EIP-712
    /// struct `CommitmentApproval(uint256 agentId,uint256 counterpartyId,uint256 amount,uint256 nonce,uint256 deadline)`
    /// on the domain ("AgoraVault", "1", chainId, vault), with `nonce = approvalNonce(agentId)`, which then
    /// increments. Reverts `VaultOwnerApprovalExpired` past `deadline`, `VaultOwnerApprovalInvalid` for a bad or
    /// replayed signature, `VaultZeroAmount` for 0. A new approval replaces a pending one.
    /// Warning: a pending approval survives a transfer of the agent until its deadline; the new owner can drop it
    /// with `cancelCommitmentApproval`.
    function approveCommitment(uint256 agentId, uint256 counterpartyId, uint256 amount, uint256 deadline, bytes calldata signature)
        external;

    /// @notice Drops the pending pre-approval and burns the current approval nonce, so no signature signed so
    /// far can be submitted. Owner only; never paused.
    function cancelCommitmentApproval(uint256 agentId) external;

    /// @notice The nonce the next `approveCommitment` signature must carry.
    function approvalNonce(uint256 agentId) external view returns (uint256);

    /// @notice The pending pre-approval; `amount` 0 when none. `nonce` is the nonce it was signed with. An
    /// approval past its `deadline` is still returned but can no longer be used.
    function pendingApproval(uint256 agentId)
        external
        view
        returns (uint256 counterpartyId, uint256 amount, uint256 deadline, uint256 nonce);

    /* ADMIN AND GUARDIAN */

    /// @notice Stops new business (commitments with `newBusiness`, deposits, listings). Guardian only.
    function pause() external;
    function unpause() external;
    function paused() external view returns (bool);
    function guardian() external view returns (address);

    /// @notice The protocol fee in bps applied to jobs created from now on; at most `MAX_FEE_BPS`.
    function protocolFeeBps() external view returns (uint16);
    function feeRecipient() external view returns (address);

    /// @notice Sets the protocol fee for jobs created from now on. Admin only; at most `MAX_FEE_BPS`.
    function setProtocolFee(uint16 feeBps) external;

    /// @notice Sets where `claimFees` sends the fees. Admin only; not zero.
    function setFeeRecipient(address recipient) external;

    /// @notice Replaces the guardian. Admin only; not zero.
    function setGuardian(address guardian) external;

    /* CONSTANTS */

    /// @notice Hard cap of the protocol fee: 500 bps (5%).
    function MAX_FEE_BPS() external view returns (uint16);

    /// @notice Buckets of the rolling spending window (9).
    function WINDOW_BUCKETS() external view returns (uint256);

    /// @notice Length of one window bucket in seconds (3 hours): a commitment counts for more than 24 hours
    /// and at most 27 hours.
    function BUCKET_SECONDS() external view returns (uint256);

    /// @notice EIP-712 type hash of the owner pre-approval.
    function COMMITMENT_APPROVAL_TYPEHASH() external view returns (bytes32);

    /// @notice The USDC token.
    function USDC() external view returns (IERC20);

    /// @notice The agent registry.
    function REGISTRY() external view returns (IAgentRegistry);
}
