// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IAgentRegistry} from "./interfaces/IAgentRegistry.sol";
import {IAgoraVault} from "./interfaces/IAgoraVault.sol";
import {IPaymentChannels} from "./interfaces/IPaymentChannels.sol";
import {IReputationLedger} from "./interfaces/IReputationLedger.sol";

/// @title PaymentChannels
/// @notice Cumulative-voucher payment channels between agents, settled in batches (see IPaymentChannels).
/// @custom:security-contact security@agora.example
contract PaymentChannels is IPaymentChannels, EIP712, ReentrancyGuardTransient {
    /// @inheritdoc IPaymentChannels
    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint64 epoch,uint128 cumulativeAmount)");
    /// @inheritdoc IPaymentChannels
    uint256 public constant GRACE_PERIOD = 24 hours;
    uint256 private constant BPS = 10_000;

    /// @inheritdoc IPaymentChannels
    IAgoraVault public immutable VAULT;
    /// @inheritdoc IPaymentChannels
    IAgentRegistry public immutable REGISTRY;
    /// @inheritdoc IPaymentChannels
    IReputationLedger public immutable LEDGER;

    mapping(bytes32 channelId => Channel) private _channels;

    constructor(IAgoraVault vault, IAgentRegistry registry, IReputationLedger ledger) EIP712("Agora PaymentChannels", "1") {
        VAULT = vault;
        REGISTRY = registry;
        LEDGER = ledger;
    }

    /* OPEN AND TOP-UP */

    /// @inheritdoc IPaymentChannels
    function open(
        uint256 clientId,
        uint256 providerId,
        bytes32 salt,
        address payerAuthorizer,
        uint256 amount,
        IAgoraVault.Funding calldata funding
    ) external nonReentrant returns (bytes32 channelId, uint64 epoch) {
        if (amount == 0) revert ChannelZeroAmount();
        if (clientId == providerId) revert ChannelSameAgent(clientId);
        if (clientId > type(uint64).max) revert ChannelAgentIdTooLarge(clientId);
        if (providerId > type(uint64).max) revert ChannelAgentIdTooLarge(providerId);
        channelId = _channelIdOf(clientId, providerId, salt);
        if (amount > type(uint128).max) revert ChannelDepositOverflow(channelId, 0, amount);
        Channel storage ch = _channels[channelId];
        ChannelStatus status = ch.status;
        if (status == ChannelStatus.Open || status == ChannelStatus.Closing) revert ChannelAlreadyOpen(channelId, status);

        // Trusted reads: `ownerOf` reverts for an unknown agent; the fee is snapshotted for the whole epoch.
        // The epoch is never reset, so a voucher of an earlier epoch can never match again.
        Channel memory c = Channel({
            deposit: uint128(amount),
            claimed: 0,
            payerAuthorizer: payerAuthorizer == address(0) ? msg.sender : payerAuthorizer,
            epoch: ch.epoch + 1,
            feeBps: VAULT.protocolFeeBps(),
            sameOwner: REGISTRY.ownerOf(clientId) == REGISTRY.ownerOf(providerId),
            status: ChannelStatus.Open,
            clientId: uint64(clientId),
            providerId: uint64(providerId),
            graceEndsAt: 0
        });
        _channels[channelId] = c;
        epoch = c.epoch;
        _emitOpened(channelId, salt, c, funding.source);
        // The vault checks the caller's role for the client, applies limits and the pause, and pulls the money.
        VAULT.commit(clientId, providerId, msg.sender, amount, true, funding);
    }

    /// @inheritdoc IPaymentChannels
    function topUp(bytes32 channelId, uint256 amount, IAgoraVault.Funding calldata funding) external nonReentrant {
        if (amount == 0) revert ChannelZeroAmount();
        Channel storage ch = _channels[channelId];
        _requireStatus(channelId, ch.status, ChannelStatus.Open);
        uint256 deposit = ch.deposit;
        if (amount > type(uint128).max - deposit) revert ChannelDepositOverflow(channelId, deposit, amount);
        // Bounded by the check above.
        uint128 depositAfter = uint128(deposit + amount);
        ch.deposit = depositAfter;
        uint256 clientId = ch.clientId;
        uint256 providerId = ch.providerId;
        emit ChannelToppedUp(channelId, clientId, providerId, ch.epoch, msg.sender, amount, depositAfter, funding.source);
        VAULT.commit(clientId, providerId, msg.sender, amount, true, funding);
    }

    /* CLAIMS */

    /// @inheritdoc IPaymentChannels
    function claim(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount, bytes calldata signature)
        external
        nonReentrant
        returns (uint256 amount)
    {
        Channel storage ch = _channels[channelId];
        Channel memory c = ch;
        _requireClaimable(channelId, c);
        REGISTRY.checkActor(c.providerId, msg.sender);
        uint256 fee;
        (amount, fee) = _claim(channelId, ch, c, epoch, cumulativeAmount, signature);
        _payProvider(channelId, c, amount, fee);
    }

    /// @inheritdoc IPaymentChannels
    function claimMany(SignedVoucher[] calldata vouchers) external nonReentrant returns (uint256 total) {
        uint256 n = vouchers.length;
        if (n == 0) revert ChannelEmptyBatch();
        // One payout per run of consecutive vouchers of the same provider; one ledger record per voucher.
        uint256[] memory runProvider = new uint256[](n);
        uint256[] memory runNet = new uint256[](n);
        uint256[] memory runFee = new uint256[](n);
        uint256[] memory volume = new uint256[](n);
        uint256 runs;
        uint256 lastProvider; // agent ids start at 1, so 0 is "none yet"

        // Checks, effects and events for every voucher first; then every external payout.
        for (uint256 i; i < n; ++i) {
            SignedVoucher calldata v = vouchers[i];
            Channel storage ch = _channels[v.channelId];
            Channel memory c = ch;
            _requireClaimable(v.channelId, c);
            if (c.providerId != lastProvider) {
                lastProvider = c.providerId;
                REGISTRY.checkActor(lastProvider, msg.sender);
                runProvider[runs] = lastProvider;
                ++runs;
            }
            (uint256 amount, uint256 fee) = _claim(v.channelId, ch, c, v.epoch, v.cumulativeAmount, v.signature);
            // runs >= 1 here; fee <= amount (see _feeUp), and totals are bounded by the USDC supply.
            unchecked {
                runNet[runs - 1] += amount - fee;
                runFee[runs - 1] += fee;
                total += amount;
            }
            if (!c.sameOwner) volume[i] = amount;
        }
        for (uint256 r; r < runs; ++r) {
            VAULT.release(runProvider[r], runNet[r], runFee[r]);
        }
        for (uint256 i; i < n; ++i) {
            if (volume[i] != 0) {
                Channel storage ch = _channels[vouchers[i].channelId];
                LEDGER.recordChannelVolume(ch.providerId, ch.clientId, uint256(vouchers[i].channelId), volume[i]);
            }
        }
    }

    /* CLOSE */

    /// @inheritdoc IPaymentChannels
    function requestClose(bytes32 channelId) external nonReentrant {
        Channel storage ch = _channels[channelId];
        _requireStatus(channelId, ch.status, ChannelStatus.Open);
        uint256 clientId = ch.clientId;
        REGISTRY.checkActor(clientId, msg.sender);
        uint256 graceEndsAt = block.timestamp + GRACE_PERIOD;
        ch.status = ChannelStatus.Closing;
        // Timestamps fit 40 bits until the year 36812.
        ch.graceEndsAt = uint40(graceEndsAt);
        emit ChannelCloseRequested(channelId, clientId, ch.providerId, ch.epoch, msg.sender, graceEndsAt);
    }

    /// @inheritdoc IPaymentChannels
    function finalizeClose(bytes32 channelId) external nonReentrant {
        Channel storage ch = _channels[channelId];
        _requireStatus(channelId, ch.status, ChannelStatus.Closing);
        uint256 graceEndsAt = ch.graceEndsAt;
        if (block.timestamp <= graceEndsAt) revert ChannelGracePeriodActive(channelId, graceEndsAt);
        (uint256 clientId, uint256 refunded) = _close(channelId, ch, false);
        if (refunded != 0) VAULT.release(clientId, refunded, 0);
    }

    /// @inheritdoc IPaymentChannels
    function closeByProvider(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount, bytes calldata signature)
        external
        nonReentrant
    {
        Channel storage ch = _channels[channelId];
        Channel memory c = ch;
        if (c.status != ChannelStatus.Open && c.status != ChannelStatus.Closing) revert ChannelNotActive(channelId, c.status);
        REGISTRY.checkActor(c.providerId, msg.sender);
        uint256 amount;
        uint256 fee;
        if (signature.length != 0) {
            _requireClaimable(channelId, c);
            (amount, fee) = _claim(channelId, ch, c, epoch, cumulativeAmount, signature);
        }
        (uint256 clientId, uint256 refunded) = _close(channelId, ch, true);
        if (amount != 0) _payProvider(channelId, c, amount, fee);
        if (refunded != 0) VAULT.release(clientId, refunded, 0);
    }

    /* VIEWS */

    /// @inheritdoc IPaymentChannels
    function getChannel(bytes32 channelId) external view returns (Channel memory) {
        return _channels[channelId];
    }

    /// @inheritdoc IPaymentChannels
    function channelIdOf(uint256 clientId, uint256 providerId, bytes32 salt) external pure returns (bytes32) {
        return _channelIdOf(clientId, providerId, salt);
    }

    /// @inheritdoc IPaymentChannels
    function voucherDigest(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount) external view returns (bytes32) {
        return _voucherDigest(channelId, epoch, cumulativeAmount);
    }

    /// @inheritdoc IPaymentChannels
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /* INTERNAL */

    /// @dev Checks a voucher against the channel snapshot `c` (status and caller already checked), writes the new
    /// claimed total and emits `ChannelClaimed`. Returns what leaves the channel and the protocol's part of it.
    function _claim(
        bytes32 channelId,
        Channel storage ch,
        Channel memory c,
        uint64 epoch,
        uint128 cumulativeAmount,
        bytes calldata signature
    ) private returns (uint256 amount, uint256 fee) {
        if (epoch != c.epoch) revert ChannelWrongEpoch(channelId, epoch, c.epoch);
        if (cumulativeAmount > c.deposit) revert ChannelVoucherExceedsDeposit(channelId, cumulativeAmount, c.deposit);
        if (cumulativeAmount <= c.claimed) revert ChannelVoucherStale(channelId, cumulativeAmount, c.claimed);
        if (!_isValidSignature(c.payerAuthorizer, _voucherDigest(channelId, epoch, cumulativeAmount), signature)) {
            revert ChannelInvalidSignature(channelId, c.payerAuthorizer);
        }
        // cumulativeAmount > claimed (checked above).
        unchecked {
            amount = cumulativeAmount - c.claimed;
        }
        // Path-independent fee: the protocol's total after this claim is ceil(cumulative * bps / 10000).
        fee = _feeUp(cumulativeAmount, c.feeBps) - _feeUp(c.claimed, c.feeBps);
        ch.claimed = cumulativeAmount;
        c.claimed = cumulativeAmount;
        emit ChannelClaimed(channelId, c.providerId, c.clientId, epoch, msg.sender, cumulativeAmount, amount, fee);
    }

    function _emitOpened(bytes32 channelId, bytes32 salt, Channel memory c, IAgoraVault.FundingSource source) private {
        emit ChannelOpened(
            channelId, c.clientId, c.providerId, salt, c.epoch, msg.sender, c.payerAuthorizer, c.deposit, c.feeBps, c.sameOwner, source
        );
    }

    /// @dev Interactions of a single claim: the provider's payout and the reputation volume.
    function _payProvider(bytes32 channelId, Channel memory c, uint256 amount, uint256 fee) private {
        // fee <= amount (see _feeUp).
        unchecked {
            VAULT.release(c.providerId, amount - fee, fee);
        }
        if (!c.sameOwner) LEDGER.recordChannelVolume(c.providerId, c.clientId, uint256(channelId), amount);
    }

    /// @dev Marks the epoch Closed and emits `ChannelClosed`; the caller pays the refund afterwards.
    function _close(bytes32 channelId, Channel storage ch, bool byProvider) private returns (uint256 clientId, uint256 refunded) {
        uint256 claimed = ch.claimed;
        // claimed <= deposit (invariant 6).
        unchecked {
            refunded = ch.deposit - claimed;
        }
        clientId = ch.clientId;
        ch.status = ChannelStatus.Closed;
        emit ChannelClosed(channelId, clientId, ch.providerId, ch.epoch, msg.sender, byProvider, claimed, refunded);
    }

    /// @dev Open, or Closing up to and including `graceEndsAt`.
    function _requireClaimable(bytes32 channelId, Channel memory c) private view {
        if (c.status == ChannelStatus.Open) return;
        if (c.status == ChannelStatus.Closing) {
            if (block.timestamp > c.graceEndsAt) revert ChannelGracePeriodOver(channelId, c.graceEndsAt);
            return;
        }
        revert ChannelNotActive(channelId, c.status);
    }

    function _requireStatus(bytes32 channelId, ChannelStatus current, ChannelStatus expected) private pure {
        if (current != expected) revert ChannelUnexpectedStatus(channelId, current, expected);
    }

    /// @dev ECDSA first (65 bytes, low-s, v in {27, 28}), then ERC-1271 if the authorizer has code. Trying ECDSA
    /// first skips the cold EXTCODESIZE (2,600 gas) that `SignatureChecker.isValidSignatureNow` pays on every
    /// EOA check; an ECDSA signature recovering to the authorizer is valid whatever code it has (EIP-7702).
    function _isValidSignature(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (signature.length == 65) {
            bytes32 r = bytes32(signature[0:32]);
            bytes32 s = bytes32(signature[32:64]);
            uint8 v = uint8(signature[64]);
            (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, v, r, s);
            if (err == ECDSA.RecoverError.NoError && recovered == signer) return true;
        }
        if (signer.code.length == 0) return false;
        return SignatureChecker.isValidERC1271SignatureNow(signer, digest, signature);
    }

    function _voucherDigest(bytes32 channelId, uint64 epoch, uint128 cumulativeAmount) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, channelId, epoch, cumulativeAmount)));
    }

    function _channelIdOf(uint256 clientId, uint256 providerId, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(clientId, providerId, salt));
    }

    /// @dev ceil(amount * feeBps / 10000). amount < 2^128 and feeBps <= 10000, so the product fits. Monotonic in
    /// `amount`, and _feeUp(a + d) - _feeUp(a) <= d for feeBps <= 10000, so a claim's fee never exceeds its amount.
    function _feeUp(uint256 amount, uint256 feeBps) private pure returns (uint256) {
        return (amount * feeBps + BPS - 1) / BPS;
    }
}
