// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title SpendingWindow
/// @notice One agent's operator spending limits and rolling 24-hour spending window, in three storage slots.
/// @custom:security-contact security@agora.example
/// @dev The window is a ring of `BUCKETS` (9) buckets of `BUCKET_SECONDS` (3 hours). Period `p` is
/// `timestamp / BUCKET_SECONDS`; what the operator commits during period `p` is added to bucket `p % BUCKETS`.
/// `head` is the newest period written. At period `p` the live periods are `p - 8 .. p`; older buckets are
/// treated as zero when read and zeroed when the ring is written. So a commitment made at time `t` of period `q`
/// counts until period `q + 9` starts: for more than 24 hours and at most 27 hours. Any 24-hour interval
/// (closed at both ends) therefore sees at most the cap: when the last commitment of the interval was checked,
/// every earlier one of the interval was still counted.
/// Amounts are uint64 (1.8e19 units, $18 trillion): the vault records into the ring only under a daily cap (a
/// uint64), so a bucket never exceeds the cap; `record` still checks the bound (SafeCast).
/// Layout, measured: bucket 0 shares slot 0 with the limits, buckets 1..8 fill two words of 4 x 64 bits. A
/// commitment reads each slot once and writes back only what changed (a packed `uint64[9]` accessed by index
/// cost ~7,000 gas more per limited commitment).
library SpendingWindow {
    using SafeCast for uint256;

    /// @notice Buckets in the ring.
    uint256 internal constant BUCKETS = 9;
    /// @notice Length of one bucket.
    uint256 internal constant BUCKET_SECONDS = 3 hours;

    uint256 private constant _LANE_BITS = 64;
    uint256 private constant _LANE_MASK = type(uint64).max;
    uint256 private constant _LANES_PER_WORD = 4;

    /// @notice Slot 0: the limits, the approval flag, the ring head and bucket 0 (64+64+8+8+32+64 = 240 bits).
    struct Config {
        uint64 perTxCap; // 0 = no cap
        uint64 dailyCap; // 0 = no cap
        bool allowlistOnly;
        bool hasApproval; // an owner pre-approval is pending: saves reading it on every operator commitment
        uint32 head; // newest period written
        uint64 bucket0;
    }

    /// @notice One agent's limits and ring.
    struct State {
        Config config;
        uint256[2] lanes; // buckets 1..4 and 5..8, bucket i at bits 64 * ((i - 1) % 4)
    }

    /// @notice The ring as seen at one period: stale buckets zeroed, and their live sum.
    struct Window {
        uint256 bucket0;
        uint256 lanes0; // buckets 1..4
        uint256 lanes1; // buckets 5..8
        uint256 spent;
        bool stored; // the lanes were read from storage (else all stale, not read, to be cleared)
        uint256 storedLanes0;
        uint256 storedLanes1;
    }

    /// @notice The window period of `timestamp`.
    function period(uint256 timestamp) internal pure returns (uint256) {
        return timestamp / BUCKET_SECONDS;
    }

    /// @notice The ring at period `p` (`p >= c.head`: block time never goes back), with `c = s.config`.
    function load(State storage s, Config memory c, uint256 p) internal view returns (Window memory w) {
        uint256 head = c.head;
        uint256 age = p - head;
        // Every bucket older than the window: all zero, nothing to read.
        if (age >= BUCKETS) return w;
        uint256 b0 = c.bucket0;
        uint256 l0 = s.lanes[0];
        uint256 l1 = s.lanes[1];
        (w.stored, w.storedLanes0, w.storedLanes1) = (true, l0, l1);
        // Periods head + 1 .. p are newer than anything stored: their buckets hold expired amounts. At most 8.
        for (uint256 k = 1; k <= age; ++k) {
            (b0, l0, l1) = _setBucket(b0, l0, l1, (head + k) % BUCKETS, 0);
        }
        (w.bucket0, w.lanes0, w.lanes1) = (b0, l0, l1);
        // Nine values below 2^64 each: no overflow.
        w.spent = b0 + _laneSum(l0) + _laneSum(l1);
    }

    /// @notice What was committed in the live periods `p - 8 .. p`.
    function spentAt(State storage s, uint256 p) internal view returns (uint256) {
        return load(s, s.config, p).spent;
    }

    /// @notice Adds `amount` to period `p`'s bucket of the ring `w` loaded at `p`, and stores what changed.
    function record(State storage s, Config memory c, Window memory w, uint256 p, uint256 amount) internal {
        uint256 index = p % BUCKETS;
        (uint256 b0, uint256 l0, uint256 l1) = (w.bucket0, w.lanes0, w.lanes1);
        uint256 bucket = (_getBucket(b0, l0, l1, index) + amount).toUint64();
        (b0, l0, l1) = _setBucket(b0, l0, l1, index, bucket);
        if (!w.stored || l0 != w.storedLanes0) s.lanes[0] = l0;
        if (!w.stored || l1 != w.storedLanes1) s.lanes[1] = l1;
        // b0 < 2^64: it was stored as uint64 or checked just above.
        if (b0 != c.bucket0) s.config.bucket0 = uint64(b0);
        if (p != c.head) s.config.head = p.toUint32();
    }

    function _getBucket(uint256 b0, uint256 l0, uint256 l1, uint256 i) private pure returns (uint256) {
        if (i == 0) return b0;
        uint256 shift = _LANE_BITS * ((i - 1) % _LANES_PER_WORD);
        return ((i <= _LANES_PER_WORD ? l0 : l1) >> shift) & _LANE_MASK;
    }

    /// @dev `value` < 2^64.
    function _setBucket(uint256 b0, uint256 l0, uint256 l1, uint256 i, uint256 value)
        private
        pure
        returns (uint256, uint256, uint256)
    {
        if (i == 0) return (value, l0, l1);
        uint256 shift = _LANE_BITS * ((i - 1) % _LANES_PER_WORD);
        uint256 clear = ~(_LANE_MASK << shift);
        if (i <= _LANES_PER_WORD) return (b0, (l0 & clear) | (value << shift), l1);
        return (b0, l0, (l1 & clear) | (value << shift));
    }

    function _laneSum(uint256 word) private pure returns (uint256) {
        return (word & _LANE_MASK) + ((word >> 64) & _LANE_MASK) + ((word >> 128) & _LANE_MASK) + (word >> 192);
    }
}
