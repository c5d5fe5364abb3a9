// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IAgoraVault} from "../interfaces/IAgoraVault.sol";
import {IArbitrable, IArbitrator} from "../interfaces/IArbitrator.sol";

/// @title CommitteeArbitrator
/// @notice Reference m-of-n arbitrator. Members, fixed at construction, each vote once per dispute for a
/// provider share in basis points; the first share to gather `THRESHOLD` votes is the ruling, passed to the
/// arbitrable (the job escrow) at once by the vote that reached it. A flat fee in USDC base units is quoted for
/// every dispute; the escrow credits it to this contract in the vault when the committee rules, and the owner
/// withdraws it with `withdrawCredit`.
/// @dev Votes for different shares never add up: a split committee does not rule, and the escrow's default
/// ruling applies after its ruling period. A vote after the escrow resolved the job by default reverts with
/// the escrow's error (nothing to rule on any more).
/// @custom:security-contact security@agora.example
contract CommitteeArbitrator is IArbitrator, Ownable2Step {
    /// @notice Members are stored in a bounded array so `members()` never runs out of gas.
    uint256 public constant MAX_MEMBERS = 32;
    uint256 private constant BPS = 10_000;

    /// @notice The only contract this committee serves (the job escrow).
    IArbitrable public immutable ARBITRABLE;
    /// @notice The vault holding the committee's fee credits.
    IAgoraVault public immutable VAULT;
    /// @notice Votes needed for a ruling (m).
    uint256 public immutable THRESHOLD;
    /// @notice Flat fee per dispute, in USDC base units.
    uint256 public immutable FEE;

    /// @notice A dispute as the committee sees it.
    struct DisputeInfo {
        bool created;
        bool ruled;
        uint16 ruling;
    }

    address[] private _members;
    mapping(address account => bool) public isMember;
    mapping(uint256 disputeId => DisputeInfo) private _disputes;
    mapping(uint256 disputeId => mapping(address member => bool)) public hasVoted;
    mapping(uint256 disputeId => mapping(uint256 providerShareBps => uint256)) public votes;

    /// @notice The committee was formed.
    event CommitteeFormed(address indexed arbitrable, address[] members, uint256 threshold, uint256 fee);
    /// @notice The arbitrable opened dispute `disputeId` (the job id).
    event DisputeOpened(uint256 indexed disputeId, uint256 indexed clientId, uint256 indexed providerId, uint256 amount);
    /// @notice `member` voted `providerShareBps`, which now has `votesForShare` votes.
    event Voted(uint256 indexed disputeId, address indexed member, uint16 providerShareBps, uint256 votesForShare);
    /// @notice The committee ruled `providerShareBps` on `disputeId`.
    event Ruled(uint256 indexed disputeId, uint16 providerShareBps, address lastVoter);
    /// @notice The owner withdrew `amount` of fee credit to `to`.
    event FeesWithdrawn(address indexed to, uint256 amount);

    error CommitteeInvalidThreshold(uint256 threshold, uint256 members);
    error CommitteeTooManyMembers(uint256 count, uint256 max);
    error CommitteeInvalidMember(address member);
    error CommitteeZeroAddress();
    error CommitteeNotArbitrable(address caller);
    error CommitteeNotMember(address caller);
    error CommitteeDisputeExists(uint256 disputeId);
    error CommitteeUnknownDispute(uint256 disputeId);
    error CommitteeAlreadyRuled(uint256 disputeId);
    error CommitteeAlreadyVoted(uint256 disputeId, address member);
    error CommitteeInvalidShare(uint256 providerShareBps);

    constructor(
        IArbitrable arbitrable,
        IAgoraVault vault,
        address[] memory members_,
        uint256 threshold,
        uint256 fee,
        address initialOwner
    ) Ownable(initialOwner) {
        if (address(arbitrable) == address(0) || address(vault) == address(0)) revert CommitteeZeroAddress();
        uint256 n = members_.length;
        if (n > MAX_MEMBERS) revert CommitteeTooManyMembers(n, MAX_MEMBERS);
        if (threshold == 0 || threshold > n) revert CommitteeInvalidThreshold(threshold, n);
        // Bound: n <= MAX_MEMBERS.
        for (uint256 i; i < n; ++i) {
            address m = members_[i];
            if (m == address(0) || isMember[m]) revert CommitteeInvalidMember(m);
            isMember[m] = true;
        }
        _members = members_;
        ARBITRABLE = arbitrable;
        VAULT = vault;
        THRESHOLD = threshold;
        FEE = fee;
        emit CommitteeFormed(address(arbitrable), members_, threshold, fee);
    }

    /* ARBITRATION */

    /// @inheritdoc IArbitrator
    function createDispute(uint256 disputeId, uint256 clientId, uint256 providerId, uint256 amount) external {
        if (msg.sender != address(ARBITRABLE)) revert CommitteeNotArbitrable(msg.sender);
        DisputeInfo storage d = _disputes[disputeId];
        if (d.created) revert CommitteeDisputeExists(disputeId);
        d.created = true;
        emit DisputeOpened(disputeId, clientId, providerId, amount);
    }

    /// @inheritdoc IArbitrator
    function arbitrationCost(uint256) external view returns (uint256) {
        return FEE;
    }

    /// @notice Votes `providerShareBps` (0..10000) on `disputeId`. Members only, once per dispute. The vote that
    /// brings a share to `THRESHOLD` rules on the arbitrable.
    function vote(uint256 disputeId, uint256 providerShareBps) external {
        if (!isMember[msg.sender]) revert CommitteeNotMember(msg.sender);
        if (providerShareBps > BPS) revert CommitteeInvalidShare(providerShareBps);
        DisputeInfo storage d = _disputes[disputeId];
        if (!d.created) revert CommitteeUnknownDispute(disputeId);
        if (d.ruled) revert CommitteeAlreadyRuled(disputeId);
        if (hasVoted[disputeId][msg.sender]) revert CommitteeAlreadyVoted(disputeId, msg.sender);

        hasVoted[disputeId][msg.sender] = true;
        uint256 count = ++votes[disputeId][providerShareBps];
        bool rules = count == THRESHOLD;
        if (rules) {
            d.ruled = true;
            d.ruling = uint16(providerShareBps);
        }
        emit Voted(disputeId, msg.sender, uint16(providerShareBps), count);
        if (rules) {
            emit Ruled(disputeId, uint16(providerShareBps), msg.sender);
            ARBITRABLE.rule(disputeId, providerShareBps);
        }
    }

    /* FEES */

    /// @notice Sends `amount` of this committee's fee credit in the vault to `to`. Owner only.
    function withdrawCredit(address to, uint256 amount) external onlyOwner {
        emit FeesWithdrawn(to, amount);
        VAULT.withdrawCredit(to, amount);
    }

    /* VIEWS */

    /// @notice The members, in construction order.
    function members() external view returns (address[] memory) {
        return _members;
    }

    /// @notice The committee's record of `disputeId`.
    function getDispute(uint256 disputeId) external view returns (DisputeInfo memory) {
        return _disputes[disputeId];
    }
}
