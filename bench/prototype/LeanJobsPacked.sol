// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

interface IERC20Minimal {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title LeanJobsPacked: LeanJobs with packed records, a gas-measurement prototype (docs/PERFORMANCE.md)
/// @notice NOT an Agora contract. The same hot path, storage and checks as `LeanJobs.sol` (plan steps 1-6), plus:
/// 7. the job and listing records travel as packed words instead of ABI structs (less calldata, no struct
///    encoding in memory before hashing);
/// 8. events carry the packed words (documented layout) instead of one ABI word per field.
/// @dev Job record, two words:
///   w0 = clientId(64) | providerId(64) | amount(64) | time(32) | state(8) | flags(8) | feeBps(16)
///   w1 = arbitrator(160) | startedAt(32) | onTimeBy(32) | reviewWindow(32)
/// Listing: l0 = providerId(64) | price(64) | slaSeconds(32) | reviewWindow(32) | collateralBps(16) | 0(48), plus
/// arbitrator and validator; the stored commitment is keccak256(l0, arbitrator, validator).
/// Account word: balance(64) | nonce(32) | volumeEarned(64) | completed(32) | onTime(32) | 0(32).
contract LeanJobsPacked {
    IERC20Minimal private immutable USDC;

    uint256 private constant BPS = 10_000;
    uint256 private constant FUNDED = 1;
    uint256 private constant DELIVERED = 3;
    uint256 private constant COMPLETED = 5;
    uint256 private constant U32 = type(uint32).max;
    uint256 private constant U64 = type(uint64).max;

    struct Agent {
        address operator;
        uint64 ownerTag;
        bool frozen;
        bool limited;
    }

    struct Config {
        uint128 accruedFees;
        uint16 feeBps;
        bool paused;
    }

    mapping(uint256 agentId => address) public ownerOf;
    mapping(uint256 agentId => Agent) private _agents;
    mapping(uint256 agentId => uint256) private _accounts;
    mapping(uint256 agentId => uint256) private _latency;
    mapping(uint256 listingId => bytes32) private _listings;
    mapping(uint256 jobId => bytes32) private _jobs;
    Config private _config;
    uint256 private _lastAgentId;
    uint256 private _lastListingId;

    event JobCreated(uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 w0, uint256 w1, uint256 listingId, bytes32 specHash, address caller, uint256 clientAccountAfter);
    event JobDelivered(uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 w0, bytes32 resultHash, string resultURI, address caller);
    event JobCompleted(uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 toProvider, uint256 fee, address caller, uint256 providerAccountAfter, uint256 latencyAfter);

    error Lean(uint256 code);

    constructor(IERC20Minimal usdc, uint16 feeBps) {
        USDC = usdc;
        _config.feeBps = feeBps;
    }

    /* SETUP (not measured) */

    function register(address operator) external returns (uint256 agentId) {
        agentId = ++_lastAgentId;
        ownerOf[agentId] = msg.sender;
        _agents[agentId] = Agent({operator: operator, ownerTag: uint64(uint256(keccak256(abi.encode(msg.sender)))), frozen: false, limited: false});
    }

    function deposit(uint256 agentId, uint256 amount) external {
        _accounts[agentId] += amount << 192;
        if (!USDC.transferFrom(msg.sender, address(this), amount)) revert Lean(0);
    }

    function publish(uint256[3] calldata listing) external returns (uint256 listingId) {
        uint256 providerId = listing[0] >> 192;
        _requireActor(providerId, _agents[providerId]);
        listingId = ++_lastListingId;
        _listings[listingId] = keccak256(abi.encode(listing));
    }

    /* HOT PATH */

    /// @param listing (l0, arbitrator, validator) as committed at publication.
    function createJob(
        uint256 clientId,
        uint256 listingId,
        uint256[3] calldata listing,
        uint256 maxPrice,
        uint256 deadline,
        bytes32 specHash,
        uint256 source
    ) external returns (uint256 jobId) {
        if (keccak256(abi.encode(listing)) != _listings[listingId]) revert Lean(2);
        (uint256 w0, uint256 w1) = _newJob(clientId, listing[0], listing[1], maxPrice, deadline);
        jobId = _open(w0, w1, listingId, specHash, source);
    }

    /// @dev Pays (balance or transferFrom), stores the commitment and emits.
    function _open(uint256 w0, uint256 w1, uint256 listingId, bytes32 specHash, uint256 source) private returns (uint256 jobId) {
        uint256 price = (w0 >> 64) & U64;
        uint256 accountAfter;
        (jobId, accountAfter) = _debit(w0 >> 192, price, source);
        _jobs[jobId] = keccak256(abi.encode(w0, w1));
        emit JobCreated(jobId, w0 >> 192, (w0 >> 128) & U64, w0, w1, listingId, specHash, msg.sender, accountAfter);
        if (source != 0 && !USDC.transferFrom(msg.sender, address(this), price)) revert Lean(6);
    }

    function deliver(uint256 jobId, uint256 w0, uint256 w1, bytes32 resultHash, string calldata resultURI) external {
        if (keccak256(abi.encode(w0, w1)) != _jobs[jobId]) revert Lean(7);
        if ((w0 >> 24) & 0xff != FUNDED || block.timestamp > (w0 >> 32) & U32) revert Lean(8);
        uint256 providerId = (w0 >> 128) & U64;
        _requireActor(providerId, _agents[providerId]);
        uint256 reviewEndsAt = block.timestamp + (w1 & U32);
        // state := Delivered, time := review end
        w0 = (w0 & ~((U32 << 32) | (0xff << 24))) | (reviewEndsAt << 32) | (DELIVERED << 24);
        _jobs[jobId] = keccak256(abi.encode(w0, w1));
        emit JobDelivered(jobId, w0 >> 192, providerId, w0, resultHash, resultURI, msg.sender);
    }

    function release(uint256 jobId, uint256 w0, uint256 w1) external {
        if (keccak256(abi.encode(w0, w1)) != _jobs[jobId]) revert Lean(9);
        uint256 reviewEnd = (w0 >> 32) & U32;
        if ((w0 >> 24) & 0xff != DELIVERED || block.timestamp <= reviewEnd) revert Lean(10);
        uint256 amount = (w0 >> 64) & U64;
        uint256 fee = (amount * (w0 & 0xffff) + BPS - 1) / BPS;
        uint256 toProvider = amount - fee;
        uint256 providerId = (w0 >> 128) & U64;
        _jobs[jobId] = keccak256(abi.encode((w0 & ~((U32 << 32) | (0xff << 24))) | (block.timestamp << 32) | (COMPLETED << 24), w1));

        uint256 account = _accounts[providerId] + (toProvider << 192);
        if (account >> 192 < toProvider) revert Lean(14); // balance overflow
        uint256 latencyWord;
        if ((w0 >> 16) & 1 == 0) {
            uint256 deliveredAt = reviewEnd - (w1 & U32);
            uint256 latency = deliveredAt - ((w1 >> 64) & U32);
            // volumeEarned += toProvider, completed += 1, onTime += (deliveredAt <= onTimeBy)
            account += (toProvider << 96) + (1 << 64) + (deliveredAt <= ((w1 >> 32) & U32) ? 1 << 32 : 0);
            uint256 shift = _bucketOf(latency) * 24;
            latencyWord = _latency[providerId];
            if ((latencyWord >> shift) & 0xffffff != 0xffffff) latencyWord += 1 << shift;
            latencyWord += latency << 192;
            _latency[providerId] = latencyWord;
        }
        _accounts[providerId] = account;
        _config.accruedFees += uint128(fee);
        emit JobCompleted(jobId, w0 >> 192, providerId, toProvider, fee, msg.sender, account, latencyWord);
    }

    function balanceOf(uint256 agentId) external view returns (uint256) {
        return _accounts[agentId] >> 192;
    }

    /* INTERNAL */

    /// @dev Pause, price, deadline, the client's actor check and self-dealing; returns the packed record.
    function _newJob(uint256 clientId, uint256 l0, uint256 arbitrator, uint256 maxPrice, uint256 deadline)
        private
        view
        returns (uint256 w0, uint256 w1)
    {
        uint256 feeBps = _feeBpsIfOpen();
        uint256 onTimeBy = block.timestamp + ((l0 >> 96) & U32);
        if (((l0 >> 128) & U64) > maxPrice || deadline < onTimeBy || deadline > block.timestamp + 365 days) revert Lean(3);
        uint256 flags = _selfDealing(clientId, l0 >> 192);
        w0 = (clientId << 192) | ((l0 >> 192) << 128);
        w0 |= ((l0 >> 128) & U64) << 64;
        w0 |= (deadline << 32) | (FUNDED << 24) | (flags << 16) | feeBps;
        w1 = (uint256(uint160(arbitrator)) << 96) | (block.timestamp << 64);
        w1 |= (onTimeBy << 32) | ((l0 >> 64) & U32);
    }

    /// @dev The fee snapshot; reverts while paused (one slot).
    function _feeBpsIfOpen() private view returns (uint256) {
        Config memory config = _config;
        if (config.paused) revert Lean(1);
        return config.feeBps;
    }

    /// @dev The client's actor check, then 1 when both agents have the same owner (one slot per agent).
    function _selfDealing(uint256 clientId, uint256 providerId) private view returns (uint256) {
        Agent memory client = _agents[clientId];
        _requireActor(clientId, client);
        return client.ownerTag == _agents[providerId].ownerTag ? 1 : 0;
    }

    /// @dev Takes the price from the client's balance (source 0) and advances its job nonce, in one slot write.
    function _debit(uint256 clientId, uint256 price, uint256 source) private returns (uint256 jobId, uint256 account) {
        account = _accounts[clientId];
        if (source == 0) {
            if (account >> 192 < price) revert Lean(5);
            account -= price << 192;
        }
        uint256 nonce = ((account >> 160) & U32) + 1;
        account = (account & ~(U32 << 160)) | (nonce << 160);
        _accounts[clientId] = account;
        jobId = (clientId << 32) | nonce;
    }

    /// @dev The operator (one slot, already read) or else the owner (one more slot); frozen operators are refused.
    function _requireActor(uint256 agentId, Agent memory agent) private view {
        if (msg.sender == agent.operator && msg.sender != address(0)) {
            if (agent.frozen) revert Lean(11);
            if (agent.limited) revert Lean(12); // the limit check would run here
            return;
        }
        if (ownerOf[agentId] != msg.sender) revert Lean(13);
    }

    function _bucketOf(uint256 latency) private pure returns (uint256) {
        if (latency <= 900) {
            if (latency <= 60) return 0;
            return latency <= 300 ? 1 : 2;
        }
        if (latency <= 14_400) return latency <= 3_600 ? 3 : 4;
        if (latency <= 43_200) return 5;
        return latency <= 86_400 ? 6 : 7;
    }
}
