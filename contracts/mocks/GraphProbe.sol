// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title GraphProbeChild
/// @notice Created by `GraphProbe.spawnChild`, to test data source templates: the subgraph starts indexing it from
/// the block that created it.
contract GraphProbeChild {
    /// @notice Same shape as `GraphProbe.ItemListed`.
    event ItemListed(
        uint256 indexed itemId,
        address indexed owner,
        bytes32[] tags,
        uint256 price,
        uint8 decimals,
        uint32 score,
        string name
    );

    /// @notice Emits `ItemListed`.
    function listItem(uint256 itemId, bytes32[] calldata tags, uint256 price, string calldata name) external {
        emit ItemListed(itemId, msg.sender, tags, price, 6, 1, name);
    }
}

/// @title GraphProbe
/// @notice Emits events with every ABI type that graph-ts maps, so the local graph host (graph-host/) can be tested
/// against real logs while the Agora contracts are still being written.
/// @dev For tests and benchmarks only. It stores nothing: every function only emits.
contract GraphProbe {
    /// @notice A struct that travels as an ABI tuple.
    struct Pair {
        uint64 a;
        address b;
        string c;
    }

    /// @notice Fixed-size scalars, indexed and not. `big` may be negative (int256).
    event ScalarsEmitted(
        uint256 indexed probeId,
        address indexed sender,
        int256 big,
        uint8 small,
        int8 tiny,
        uint64 mid,
        int32 signed32,
        bool flag,
        bytes32 tag
    );

    /// @notice Dynamic types: string, bytes, arrays, a tuple and a fixed-size array.
    event DynamicEmitted(
        uint256 indexed probeId,
        address indexed sender,
        string name,
        bytes blob,
        uint256[] amounts,
        address[] parties,
        Pair pair,
        bytes32[2] fixedTags
    );

    /// @notice Indexed dynamic types travel as their keccak256 hash in the topics.
    event TopicsHashed(string indexed label, bytes indexed payload, uint16 value);

    /// @notice An item was listed (the shape of a discovery listing: tags, price, score).
    event ItemListed(
        uint256 indexed itemId,
        address indexed owner,
        bytes32[] tags,
        uint256 price,
        uint8 decimals,
        uint32 score,
        string name
    );

    /// @notice An item was removed.
    event ItemRemoved(uint256 indexed itemId, address indexed owner);

    /// @notice A GraphProbeChild was created.
    event ChildSpawned(address indexed child);

    /// @notice Emits `ScalarsEmitted`.
    function emitScalars(
        uint256 probeId,
        int256 big,
        uint8 small,
        int8 tiny,
        uint64 mid,
        int32 signed32,
        bool flag,
        bytes32 tag
    ) external {
        emit ScalarsEmitted(probeId, msg.sender, big, small, tiny, mid, signed32, flag, tag);
    }

    /// @notice Emits `DynamicEmitted`.
    function emitDynamic(
        uint256 probeId,
        string calldata name,
        bytes calldata blob,
        uint256[] calldata amounts,
        address[] calldata parties,
        Pair calldata pair,
        bytes32[2] calldata fixedTags
    ) external {
        emit DynamicEmitted(probeId, msg.sender, name, blob, amounts, parties, pair, fixedTags);
    }

    /// @notice Emits `TopicsHashed`.
    function emitTopics(string calldata label, bytes calldata payload, uint16 value) external {
        emit TopicsHashed(label, payload, value);
    }

    /// @notice Emits one `ItemListed`.
    function listItem(
        uint256 itemId,
        bytes32[] calldata tags,
        uint256 price,
        uint8 decimals,
        uint32 score,
        string calldata name
    ) external {
        emit ItemListed(itemId, msg.sender, tags, price, decimals, score, name);
    }

    /// @notice Emits `count` `ItemListed` events with ids `firstId..firstId+count-1`, for benchmarks. Each item
    /// gets two of `tagPool`'s tags, and a price and score derived from its id, so queries have something to sort.
    function listMany(uint256 firstId, uint256 count, bytes32[] calldata tagPool, uint256 basePrice) external {
        uint256 poolSize = tagPool.length;
        bytes32[] memory tags = new bytes32[](2);
        for (uint256 i = 0; i < count; ++i) {
            uint256 id = firstId + i;
            uint256 mix = uint256(keccak256(abi.encode(id)));
            tags[0] = tagPool[id % poolSize];
            tags[1] = tagPool[(id / poolSize) % poolSize];
            emit ItemListed(id, msg.sender, tags, basePrice + (mix % 1_000_000), 6, uint32(mix >> 128) % 10_000, "bench");
        }
    }

    /// @notice Creates a GraphProbeChild, emits `ChildSpawned`, then has the child emit `ItemListed` in the same
    /// transaction (so the new data source must see a log of the block that created it).
    function spawnChild(uint256 itemId, bytes32[] calldata tags) external returns (address child) {
        GraphProbeChild c = new GraphProbeChild();
        emit ChildSpawned(address(c));
        c.listItem(itemId, tags, 1_000_000, "child");
        return address(c);
    }

    /// @notice Emits `ItemRemoved`.
    function removeItem(uint256 itemId) external {
        emit ItemRemoved(itemId, msg.sender);
    }
}
