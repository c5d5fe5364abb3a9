// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IReputationLedger} from "./interfaces/IReputationLedger.sol";

/// @title ReputationLedger
/// @notice Work records written only by the two settlement modules, and the reputation `score` derived from
/// them (docs/REPUTATION.md). Every write emits the full delta, so the score is recomputable from events.
/// @custom:security-contact security@agora.example
/// @dev Storage: one record per agent in four consecutive slots, packed so that a completed job writes three
/// slots (provider counters and volume earned, provider latency histogram and sum, client volume spent) and a
/// feedback one. Measured: the 4-slot layout with 8 x uint32 buckets in their own slot costs ~5,000 gas more per
/// completed job. Counters are uint32 (4.29e9 per agent), volumes uint96/uint128 (7.9e28 units): checked
/// arithmetic past bounds no agent reaches. Bucket counts are 24 bits and saturate at 16,777,215 instead of
/// reverting, so settlement can never be blocked by the histogram.
/// Why a completion cannot write fewer provider slots: it must update `completed`, `onTime`, `volumeEarned`, the
/// latency sum and one bucket. Those fields alone take 32 + 32 + 96 + 64 + 8 * 24 = 416 bits (still 352 with a
/// uint64 volume and `completed` derived from the buckets): more than one slot, unless the histogram shrank to
/// 4-bit or 12-bit buckets, which would lose the percentile stat. Counters and volume are already one slot.
contract ReputationLedger is IReputationLedger {
    using SafeCast for uint256;

    /// @notice Slot 0 of a record: the counters and the volume earned (5 * 32 + 96 = 256 bits). A struct of its
    /// own so that a write reads and stores the slot once (measured: 343 gas less per completed job than three
    /// field updates through a storage pointer).
    struct Counters {
        uint32 completed;
        uint32 onTime;
        uint32 refundedLate;
        uint32 disputesWon;
        uint32 disputesLost;
        uint96 volumeEarned;
    }

    /// @notice One agent's record.
    struct Record {
        // slot 0
        Counters counters;
        // slot 1: bucket i's count in bits [24i, 24i + 24) for i < 8, the latency sum in bits [192, 256)
        uint256 latency;
        // slot 2: volume spent and feedback weight (128 + 96 bits)
        uint128 volumeSpent;
        // feedback aggregates; weightedScore <= 100 * weight < 2^103 (slot 3: weighted score and count, 128 + 32)
        uint96 feedbackWeight;
        uint128 feedbackWeightedScore;
        uint32 feedbackCount;
    }

    uint256 private constant _BPS = 10_000;
    /// @dev Provider share at or above which a ruling counts as a provider win.
    uint16 private constant _WIN_SHARE_BPS = 5_000;
    uint8 private constant _MAX_FEEDBACK_SCORE = 100;
    /// @dev Satisfaction of an agent without feedback: neutral.
    uint256 private constant _NEUTRAL_SATISFACTION = 5_000;
    /// @dev log2 of the earned volume in whole dollars that gives full confidence (2^14 - 1 = $16,383).
    uint256 private constant _FULL_CONFIDENCE_LOG2 = 14;
    uint256 private constant _ONE_DOLLAR = 1e6;
    uint8 private constant _BUCKET_COUNT = 8;
    uint256 private constant _BUCKET_BITS = 24;
    uint256 private constant _BUCKET_MAX = (1 << _BUCKET_BITS) - 1;
    uint256 private constant _LATENCY_SUM_SHIFT = 192;
    uint256 private constant _BUCKETS_MASK = (1 << _LATENCY_SUM_SHIFT) - 1;

    /// @notice The account allowed to call `setWriters` once.
    address public immutable DEPLOYER;

    address private _escrow;
    address private _channels;
    mapping(uint256 agentId => Record) private _records;

    modifier onlyWriter() {
        if (msg.sender != _escrow && msg.sender != _channels) revert LedgerNotWriter(msg.sender);
        _;
    }

    constructor() {
        DEPLOYER = msg.sender;
    }

    /* WIRING */

    /// @inheritdoc IReputationLedger
    function setWriters(address escrowWriter, address channelsWriter) external {
        if (msg.sender != DEPLOYER) revert LedgerNotDeployer(msg.sender);
        if (_escrow != address(0)) revert LedgerWritersAlreadySet();
        if (escrowWriter == address(0) || channelsWriter == address(0)) revert LedgerZeroAddress();
        _escrow = escrowWriter;
        _channels = channelsWriter;
        emit WritersSet(escrowWriter, channelsWriter);
    }

    /// @inheritdoc IReputationLedger
    function escrow() external view returns (address) {
        return _escrow;
    }

    /// @inheritdoc IReputationLedger
    function channels() external view returns (address) {
        return _channels;
    }

    /* WRITES */

    /// @inheritdoc IReputationLedger
    function recordCompleted(uint256 providerId, uint256 clientId, uint256 jobId, uint256 amountToProvider, uint64 latency, bool onTime)
        external
        onlyWriter
    {
        uint96 amount = amountToProvider.toUint96();
        uint8 bucket = _bucketOf(latency);
        Record storage provider = _records[providerId];
        Counters memory c = provider.counters;
        c.completed += 1;
        if (onTime) c.onTime += 1;
        c.volumeEarned += amount;
        provider.counters = c;
        provider.latency = _addLatency(provider.latency, bucket, latency);
        _records[clientId].volumeSpent += amount;
        emit JobCompleted(providerId, clientId, jobId, amountToProvider, latency, onTime, bucket);
    }

    /// @inheritdoc IReputationLedger
    function recordRefundedLate(uint256 providerId, uint256 clientId, uint256 jobId, uint256 amount) external onlyWriter {
        _records[providerId].counters.refundedLate += 1;
        emit JobRefundedLate(providerId, clientId, jobId, amount);
    }

    /// @inheritdoc IReputationLedger
    function recordDispute(uint256 providerId, uint256 clientId, uint256 jobId, uint16 providerShareBps, uint256 amountToProvider)
        external
        onlyWriter
    {
        if (providerShareBps > _BPS) revert LedgerInvalidShare(providerShareBps);
        bool providerWon = providerShareBps >= _WIN_SHARE_BPS;
        Record storage provider = _records[providerId];
        Record storage client = _records[clientId];
        Counters memory p = provider.counters;
        if (providerWon) {
            p.disputesWon += 1;
            client.counters.disputesLost += 1;
        } else {
            p.disputesLost += 1;
            client.counters.disputesWon += 1;
        }
        if (amountToProvider != 0) {
            uint96 amount = amountToProvider.toUint96();
            p.volumeEarned += amount;
            client.volumeSpent += amount;
        }
        provider.counters = p;
        emit DisputeRecorded(providerId, clientId, jobId, providerShareBps, amountToProvider, providerWon);
    }

    /// @inheritdoc IReputationLedger
    function recordChannelVolume(uint256 providerId, uint256 clientId, uint256 channelId, uint256 amount) external onlyWriter {
        uint96 volume = amount.toUint96();
        _records[providerId].counters.volumeEarned += volume;
        _records[clientId].volumeSpent += volume;
        emit ChannelVolumeRecorded(providerId, clientId, channelId, amount);
    }

    /// @inheritdoc IReputationLedger
    function recordFeedback(
        uint256 subjectId,
        uint256 fromId,
        uint256 jobId,
        uint8 score_,
        uint256 weight,
        string calldata tag1,
        string calldata tag2,
        string calldata feedbackURI,
        bytes32 feedbackHash
    ) external onlyWriter {
        if (score_ > _MAX_FEEDBACK_SCORE) revert LedgerInvalidScore(score_);
        Record storage subject = _records[subjectId];
        subject.feedbackWeight += weight.toUint96();
        // score_ <= 100 and weight < 2^96 after the cast above: the product fits in 103 bits.
        subject.feedbackWeightedScore += (uint256(score_) * weight).toUint128();
        subject.feedbackCount += 1;
        emit FeedbackRecorded(subjectId, fromId, jobId, score_, weight, tag1, tag2, feedbackURI, feedbackHash);
    }

    /* READS */

    /// @inheritdoc IReputationLedger
    function stats(uint256 agentId) external view returns (Stats memory s) {
        Record storage r = _records[agentId];
        Counters memory c = r.counters;
        s.completed = c.completed;
        s.onTime = c.onTime;
        s.refundedLate = c.refundedLate;
        s.disputesWon = c.disputesWon;
        s.disputesLost = c.disputesLost;
        s.latencySum = uint64(r.latency >> _LATENCY_SUM_SHIFT);
        s.volumeEarned = c.volumeEarned;
        s.volumeSpent = r.volumeSpent;
        s.feedbackWeight = r.feedbackWeight;
        s.feedbackWeightedScore = r.feedbackWeightedScore;
        s.feedbackCount = r.feedbackCount;
    }

    /// @inheritdoc IReputationLedger
    function score(uint256 agentId) external view returns (uint256) {
        Record storage r = _records[agentId];
        Counters memory c = r.counters;
        uint256 completed = c.completed;
        uint256 completion = (completed + 1) * _BPS / (completed + c.refundedLate + c.disputesLost + 2);
        uint256 punctuality = (uint256(c.onTime) + 1) * _BPS / (completed + 2);
        uint256 weight = r.feedbackWeight;
        uint256 satisfaction = weight == 0 ? _NEUTRAL_SATISFACTION : uint256(r.feedbackWeightedScore) * 100 / weight;
        uint256 quality = (5 * completion + 2 * punctuality + 3 * satisfaction) / 10;
        uint256 confidence = Math.min(_BPS, Math.log2(1 + c.volumeEarned / _ONE_DOLLAR) * _BPS / _FULL_CONFIDENCE_LOG2);
        return quality * confidence / _BPS;
    }

    /// @inheritdoc IReputationLedger
    function latencyBuckets(uint256 agentId) external view returns (uint32[8] memory buckets) {
        uint256 word = _records[agentId].latency;
        for (uint256 i; i < _BUCKET_COUNT; ++i) {
            buckets[i] = uint32(_bucketCount(word, i));
        }
    }

    /// @inheritdoc IReputationLedger
    /// @dev The percentile is the `rank`-th smallest latency, `rank = max(1, ceil(n * percentileBps / 10000))`
    /// over the `n` completed jobs; the answer is the upper bound of its bucket. 0 bps gives the fastest bucket.
    function latencyPercentile(uint256 agentId, uint16 percentileBps) external view returns (uint64) {
        if (percentileBps > _BPS) revert LedgerInvalidPercentile(percentileBps);
        uint256 word = _records[agentId].latency;
        uint256 total;
        for (uint256 i; i < _BUCKET_COUNT; ++i) {
            total += _bucketCount(word, i);
        }
        if (total == 0) return 0;
        uint256 rank = Math.max(1, Math.ceilDiv(total * percentileBps, _BPS));
        uint256 cumulative;
        // Bounded by 8; `rank <= total`, so the loop always returns.
        for (uint256 i; i < _BUCKET_COUNT; ++i) {
            cumulative += _bucketCount(word, i);
            if (cumulative >= rank) return _upperBound(i);
        }
        return type(uint64).max;
    }

    /// @inheritdoc IReputationLedger
    function getSummary(uint256 agentId, address[] calldata clientAddresses, string calldata tag1, string calldata tag2)
        external
        view
        returns (uint64 count, uint8 averageScore)
    {
        if (clientAddresses.length != 0 || bytes(tag1).length != 0 || bytes(tag2).length != 0) {
            revert LedgerFilterUnsupported();
        }
        Record storage r = _records[agentId];
        count = r.feedbackCount;
        uint256 weight = r.feedbackWeight;
        // The weighted average of scores <= 100 is <= 100.
        if (weight != 0) averageScore = uint8(r.feedbackWeightedScore / weight);
    }

    /// @inheritdoc IReputationLedger
    function latencyBucketBounds() external pure returns (uint64[8] memory bounds) {
        for (uint256 i; i < _BUCKET_COUNT; ++i) {
            bounds[i] = _upperBound(i);
        }
    }

    /// @inheritdoc IReputationLedger
    function latencyBucketOf(uint64 latency) external pure returns (uint8) {
        return _bucketOf(latency);
    }

    /* INTERNAL */

    function _bucketOf(uint64 latency) private pure returns (uint8) {
        if (latency <= 900) {
            if (latency <= 60) return 0;
            return latency <= 300 ? 1 : 2;
        }
        if (latency <= 14_400) return latency <= 3_600 ? 3 : 4;
        if (latency <= 43_200) return 5;
        return latency <= 86_400 ? 6 : 7;
    }

    /// @dev Adds one job of `latency` to bucket `bucket` (saturating) and to the latency sum (checked, uint64).
    function _addLatency(uint256 word, uint8 bucket, uint64 latency) private pure returns (uint256) {
        uint256 shift = uint256(bucket) * _BUCKET_BITS;
        if ((word >> shift) & _BUCKET_MAX != _BUCKET_MAX) word += 1 << shift; // no carry: count < max
        uint64 sum = ((word >> _LATENCY_SUM_SHIFT) + latency).toUint64();
        return (word & _BUCKETS_MASK) | (uint256(sum) << _LATENCY_SUM_SHIFT);
    }

    function _bucketCount(uint256 word, uint256 bucket) private pure returns (uint256) {
        return (word >> (bucket * _BUCKET_BITS)) & _BUCKET_MAX;
    }

    function _upperBound(uint256 bucket) private pure returns (uint64) {
        if (bucket == 0) return 60;
        if (bucket == 1) return 300;
        if (bucket == 2) return 900;
        if (bucket == 3) return 3_600;
        if (bucket == 4) return 14_400;
        if (bucket == 5) return 43_200;
        if (bucket == 6) return 86_400;
        return type(uint64).max;
    }
}
