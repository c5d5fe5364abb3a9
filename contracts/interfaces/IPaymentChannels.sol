// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {IAgoraVault} from "./IAgoraVault.sol";
import {IAgentRegistry} from "./IAgentRegistry.sol";
import {IReputationLedger} from "./IReputationLedger.sol";

/// @title IPaymentChannels
/// @notice Unidirectional payment channels for sub-cent calls (PROTOCOL.md §2.6). A client agent locks a deposit
/// toward one provider agent; for every call the client's `payerAuthorizer` key signs an EIP-712 voucher with the
/// cumulative amount owed; the provider claims the latest voucher whenever it likes (one or many channels per
/// transaction). The client leaves with `requestClose` then `finalizeClose` after `GRACE_PERIOD`; the provider
/// can close at once. Shapes follow the x402 `batch-settlement` scheme (cumulative vouchers, claims across
/// channels, delayed withdrawal) with three Agora differences: parties are agent ids (roles, spending limits and
/// the guardian pause apply through the vault), claims pay a protocol fee and count as reputation volume, and a
/// channel id is reused across epochs (a reopened channel gets a new epoch, so older vouchers are dead).
/// @dev Money never sits here: deposits are locked in the vault (`IAgoraVault.commit`) and leave through
/// `IAgoraVault.release` (provider claims, client remainder). Invariant 6: for every channel
/// `claimed <= deposit` at all times, `claimed` only grows within an epoch, and a voucher is valid for exactly
/// one (chain, contract, channel, epoch). Conservation: when a channel closes, `claimed + refunded == deposit`.
///
/// Voucher: EIP-712 struct `Voucher(bytes32 channelId,uint64 epoch,uint128 cumulativeAmount)` on the domain
/// ("Agora PaymentChannels", "1", chainId, this contract). Signatures are 65-byte ECDSA (low-s only, as OZ
/// ECDSA enforces) from the payer authorizer, or anything its ERC-1271 `isValidSignature` accepts when the
/// authorizer is a contract. ERC-1271 authorizers are untrusted code, called by `staticcall` only, under
/// `nonReentrant`.
///
/// Time (DESIGN.md edges): after `requestClose` at time R, the provider may claim while `now <= R + GRACE_PERIOD`
/// and the channel may be finalized when `now > R + GRACE_PERIOD`; at every timestamp exactly one of the two is
/// open. The guardian pause stops `open` and `topUp` (new business, through `commit`) and nothing else.
interface IPaymentChannels {
    /// @notice Life of a channel epoch. `Closed` is final for the epoch; `open` on the same id starts a new epoch.
    enum ChannelStatus {
        None, // never opened
        Open, // vouchers accepted, top-ups allowed
        Closing, // client asked to leave; claims until `graceEndsAt`, then finalize
        Closed // remainder returned to the client; reopening starts epoch + 1
    }

    /// @notice Stored state of a channel (three storage slots).
    struct Channel {
        uint128 deposit; // total locked in this epoch (open + top-ups)
        uint128 claimed; // cumulative amount paid out to the provider in this epoch (fee included)
        address payerAuthorizer; // key whose signature makes a voucher valid (EOA or ERC-1271 contract)
        uint64 epoch; // starts at 1; bumped on every reopen
        uint16 feeBps; // protocol fee snapshot taken at open
        bool sameOwner; // one owner held both agents at open: claims write nothing to the ledger
        ChannelStatus status;
        uint64 clientId; // payer agent
        uint64 providerId; // payee agent
        uint40 graceEndsAt; // 0 unless Closing: last second the provider may claim
    }

    /// @notice A signed cumulative voucher, as submitted to `claimMany`.
    struct SignedVoucher {
        bytes32 channelId;
        uint64 epoch;
        uint128 cumulativeAmount;
        bytes signature;
    }

    /* EVENTS */

    /// @notice Epoch `epoch` of channel `channelId` opened with `deposit` locked, pulled by `source` from `caller`.
    /// `feeBps` and `sameOwner` are the snapshots every claim of this epoch uses.
    event ChannelOpened(
        bytes32 indexed channelId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        bytes32 salt,
        uint64 epoch,
        address caller,
        address payerAuthorizer,
        uint256 deposit,
        uint16 feeBps,
        bool sameOwner,
        IAgoraVault.FundingSource source
    );

    /// @notice `amount` more was locked in the channel by `caller`; `depositAfter` is the new deposit.
    event ChannelToppedUp(
        bytes32 indexed channelId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        uint64 epoch,
        address caller,
        uint256 amount,
        uint256 depositAfter,
        IAgoraVault.FundingSource source
    );

    /// @notice `caller` claimed a voucher of `cumulativeAmount` (= the channel's claimed total after the claim):
    /// `amount` left the channel, of which `fee` went to the protocol and `amount - fee` to the provider's balance.
    event ChannelClaimed(
        bytes32 indexed channelId,
        uint256 indexed providerId,
        uint256 indexed clientId,
        uint64 epoch,
        address caller,
        uint256 cumulativeAmount,
        uint256 amount,
        uint256 fee
    );

    /// @notice The client (`caller`) asked to close; the provider may claim until `graceEndsAt` (inclusive),
    /// then anyone may finalize.
    event ChannelCloseRequested(
        bytes32 indexed channelId, uint256 indexed clientId, uint256 indexed providerId, uint64 epoch, address caller, uint256 graceEndsAt
    );

    /// @notice Epoch `epoch` closed: the provider got `claimed` in total, `refunded` (= deposit - claimed) went
    /// back to the client's protocol balance. `byProvider` when the provider closed it.
    event ChannelClosed(
        bytes32 indexed channelId,
        uint256 indexed clientId,
        uint256 indexed providerId,
        uint64 epoch,
        address caller,
        bool byProvider,
        uint256 claimed,
        uint256 refunded
    );

    /* ERRORS */

    /// @notice A deposit or top-up of zero.
    error ChannelZeroAmount();
    /// @notice A channel from an agent to itself.
    error ChannelSameAgent(uint256 agentId);
    /// @notice An agent id that does not fit the channel's 64-bit fields.
    error ChannelAgentIdTooLarge(uint256 agentId);
    /// @notice Adding `amount` to `deposit` would exceed 2^128 - 1 units.
    error ChannelDepositOverflow(bytes32 channelId, uint256 deposit, uint256 amount);
    /// @notice `open` on a channel whose current epoch is still Open or Closing.
    error ChannelAlreadyOpen(bytes32 channelId, ChannelStatus status);
    /// @notice The action needs the channel in `expected`.
    error ChannelUnexpectedStatus(bytes32 channelId, ChannelStatus current, ChannelStatus expected);
    /// @notice The action needs the channel Open or Closing (it is None or Closed).
    error ChannelNotActive(bytes32 channelId, ChannelStatus status);
    /// @notice The voucher names epoch `epoch` but the channel is in epoch `current`.
    error ChannelWrongEpoch(bytes32 channelId, uint64 epoch, uint64 current);
    /// @notice The voucher's cumulative amount is above the deposit.
    error ChannelVoucherExceedsDeposit(bytes32 channelId, uint256 cumulativeAmount, uint256 deposit);
    /// @notice The voucher's cumulative amount is not above what was already claimed.
    error ChannelVoucherStale(bytes32 channelId, uint256 cumulativeAmount, uint256 claimed);
    /// @notice The signature is not the payer authorizer's (bad signer, other domain, high-s, wrong length, or
    /// refused by the ERC-1271 authorizer).
    error ChannelInvalidSignature(bytes32 channelId, address payerAuthorizer);
    /// @notice A claim after the grace period of a closing channel (finalize is the open exit).
    error ChannelGracePeriodOver(bytes32 channelId, uint256 graceEndsAt);
    /// @notice `finalizeClose` before the grace period is over.
    error ChannelGracePeriodActive(bytes32 channelId, uint256 graceEndsAt);
    /// @notice `claimMany` with no voucher.
    error ChannelEmptyBatch();

    /* CHANNELS */

    /// @notice Opens channel `channelId(clientId, providerId, salt)` with `amount` locked, or reopens it after a
    /// close in the next epoch. Caller: the client's owner or unfrozen operator (checked by the vault, which also
    /// applies the operator's spending limits toward `providerId` and reverts while paused). `payerAuthorizer`
    /// signs the vouchers; zero means the caller.
    /// @dev Snapshots the vault's `protocolFeeBps` and whether one owner holds both agents (then claims skip the
    /// ledger). Reverts `ChannelZeroAmount`, `ChannelSameAgent`, `ChannelAgentIdTooLarge`, `ChannelAlreadyOpen`,
    /// `ChannelDepositOverflow`, and whatever the registry (unknown agent) or the vault (role, limits, pause,
    /// funding) reverts with.
    /// @return channelId The channel id (the same for every epoch of the triple).
    /// @return epoch The epoch now open.
    function open(
        uint256 clientId,
        uint256 providerId,
        bytes32 salt,
        address payerAuthorizer,
        uint256 amount,
        IAgoraVault.Funding calldata funding
    ) external returns (bytes32 channelId, uint64 epoch);

    /// @notice Locks `amount` more in an Open channel. Caller: the client's owner or unfrozen operator. Limits and
    /// the pause apply as for `open`.
    function topUp(bytes32 channelId, uint256 amount, IAgoraVault.Funding calldata funding) external;

    /// @notice Claims a voucher: pays `cumulativeAmount - claimed` out of the deposit, the protocol fee to the
    /// protocol and the rest to the provider's balance, and records the volume in the ledger (unless the channel
    /// is self-dealing). Caller: the provider's owner or unfrozen operator. Works while paused. Allowed while
    /// Open, and while Closing up to `graceEndsAt` inclusive.
    /// @dev The fee is path-independent: after any sequence of claims the protocol holds exactly
    /// `ceil(claimed * feeBps / 10000)`, so splitting claims never changes the total fee.
    /// @return amount What left the channel (provider share + fee).
    function claim(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount, bytes calldata signature) external returns (uint256 amount);

    /// @notice Claims many vouchers in one transaction, under the same rules as `claim`, all or nothing. The caller
    /// must be owner or operator of every channel's provider. Consecutive vouchers of the same provider share one
    /// role check and one vault payout, so sort the batch by provider. Bounded only by calldata.
    /// @return total What left the channels in total.
    function claimMany(SignedVoucher[] calldata vouchers) external returns (uint256 total);

    /// @notice Starts the client's exit: the channel goes Closing and the provider may still claim until
    /// `now + GRACE_PERIOD`. Caller: the client's owner or unfrozen operator. Works while paused.
    function requestClose(bytes32 channelId) external;

    /// @notice Ends a Closing channel after its grace period: the unclaimed remainder goes back to the client's
    /// protocol balance. Anyone may call (the money can only go to the client). Works while paused.
    function finalizeClose(bytes32 channelId) external;

    /// @notice The provider closes at once (Open or Closing), optionally claiming a final voucher first: pass an
    /// empty `signature` to claim nothing (then `epoch` and `cumulativeAmount` are ignored). The remainder goes back
    /// to the client's protocol balance. Caller: the provider's owner or unfrozen operator. Works while paused.
    /// A final voucher after the grace period of a Closing channel reverts `ChannelGracePeriodOver`.
    function closeByProvider(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount, bytes calldata signature) external;

    /* VIEWS */

    /// @notice The stored channel (all zero for an unknown id).
    function getChannel(bytes32 channelId) external view returns (Channel memory);

    /// @notice `keccak256(abi.encode(clientId, providerId, salt))`: the same for every epoch of the triple.
    function channelIdOf(uint256 clientId, uint256 providerId, bytes32 salt) external pure returns (bytes32);

    /// @notice The EIP-712 digest the payer authorizer signs for a voucher.
    function voucherDigest(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount) external view returns (bytes32);

    /// @notice The EIP-712 domain separator ("Agora PaymentChannels", "1", chainId, this).
    function domainSeparator() external view returns (bytes32);

    /// @notice `keccak256("Voucher(bytes32 channelId,uint64 epoch,uint128 cumulativeAmount)")`.
    function VOUCHER_TYPEHASH() external view returns (bytes32);

    /// @notice Seconds the provider keeps to claim after the client's `requestClose` (24 hours).
    function GRACE_PERIOD() external view returns (uint256);

    function VAULT() external view returns (IAgoraVault);
    function REGISTRY() external view returns (IAgentRegistry);
    function LEDGER() external view returns (IReputationLedger);
}
