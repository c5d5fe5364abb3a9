// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

interface IERC20Minimal {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title LeanJobs: a gas-measurement prototype of the job hot path redesign in docs/PERFORMANCE.md
/// @notice NOT an Agora contract and not deployed anywhere: `npm run bench` compiles it with solc-js (same version and
/// optimizer settings as hardhat.config.ts) and measures the same warm lifecycle (create+fund, deliver, release with
/// a protocol fee and the reputation update) to check the plan's arithmetic. It implements only the happy path, but
/// pays for every check the full version keeps on it: pause, listing terms, price and deadline, owner/operator/frozen,
/// self-dealing, fee snapshot, limits flag, state machine, latency and on-time, events carrying every field.
/// @dev The plan's steps, all applied here:
/// 1. one contract for the hot path (no vault/ledger/registry/listing calls, no per-module locked accounting);
/// 2. a job is one storage slot holding keccak256 of its record; callers pass the record back (from the events);
/// 3. a listing is one slot holding keccak256 of its terms, passed by the client;
/// 4. an agent's operator, frozen flag, limits flag and a 64-bit tag of its owner share one slot, so the operator
///    check and the self-dealing check read one slot per agent;
/// 5. an agent's balance, job nonce, earned volume and completion counters share one slot (job ids are
///    `clientId << 32 | nonce`, no global counter), the latency buckets another; volume spent is event-only;
/// 6. one event per transition.
contract LeanJobs {
    IERC20Minimal private immutable USDC;

    uint256 private constant BPS = 10_000;
    uint8 private constant FUNDED = 1;
    uint8 private constant DELIVERED = 3;
    uint8 private constant COMPLETED = 5;

    struct Agent {
        address operator;
        uint64 ownerTag; // uint64(keccak256(owner)): equal tags = same owner (self-dealing)
        bool frozen;
        bool limited; // the owner set caps: the operator path runs the limit check (not on this hot path)
    }

    struct Account {
        uint80 balance;
        uint32 nonce;
        uint80 volumeEarned;
        uint32 completed;
        uint32 onTime;
    }

    struct Config {
        uint128 accruedFees;
        uint16 feeBps;
        bool paused;
    }

    struct Listing {
        uint64 providerId;
        uint64 price;
        uint32 slaSeconds;
        uint32 reviewWindow;
        uint16 collateralBps;
        address arbitrator;
        address validator;
    }

    struct Job {
        uint64 clientId;
        uint64 providerId;
        uint64 amount;
        uint32 time; // deadline (Funded), review end (Delivered), settlement (final)
        uint32 startedAt;
        uint32 onTimeBy;
        uint32 reviewWindow;
        uint16 feeBps;
        uint8 state;
        uint8 flags; // 1: self-dealing
        address arbitrator;
    }

    mapping(uint256 agentId => address) public ownerOf;
    mapping(uint256 agentId => Agent) private _agents;
    mapping(uint256 agentId => Account) private _accounts;
    mapping(uint256 agentId => uint256) private _latency;
    mapping(uint256 listingId => bytes32) private _listings;
    mapping(uint256 jobId => bytes32) private _jobs;
    Config private _config;
    uint256 private _lastAgentId;
    uint256 private _lastListingId;

    event JobCreated(uint256 indexed jobId, address indexed caller, uint256 indexed listingId, Job job, bytes32 specHash, uint8 source, uint256 clientBalanceAfter);
    event JobDelivered(uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, bytes32 resultHash, string resultURI, uint32 reviewEndsAt, uint32 latency, bool onTime, address caller);
    event JobCompleted(uint256 indexed jobId, uint256 indexed clientId, uint256 indexed providerId, uint256 toProvider, uint256 fee, uint8 kind, address caller, uint256 providerBalanceAfter, uint8 latencyBucket, uint256 volumeEarned, uint32 completed);

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
        _accounts[agentId].balance += uint80(amount);
        if (!USDC.transferFrom(msg.sender, address(this), amount)) revert Lean(0);
    }

    function publish(Listing calldata listing) external returns (uint256 listingId) {
        _requireActor(listing.providerId, _agents[listing.providerId]);
        listingId = ++_lastListingId;
        _listings[listingId] = keccak256(abi.encode(listing));
    }

    /* HOT PATH */

    function createJob(uint256 clientId, uint256 listingId, Listing calldata listing, uint256 maxPrice, uint256 deadline, bytes32 specHash, uint8 source)
        external
        returns (uint256 jobId)
    {
        Job memory job = _newJob(clientId, listingId, listing, maxPrice, deadline);
        uint256 balanceAfter;
        (jobId, balanceAfter) = _debit(clientId, listing.price, source);
        _jobs[jobId] = keccak256(abi.encode(job));
        emit JobCreated(jobId, msg.sender, listingId, job, specHash, source, balanceAfter);
        if (source != 0 && !USDC.transferFrom(msg.sender, address(this), listing.price)) revert Lean(6);
    }

    /// @dev Every check of job creation but the payment; returns the job record.
    function _newJob(uint256 clientId, uint256 listingId, Listing calldata listing, uint256 maxPrice, uint256 deadline)
        private
        view
        returns (Job memory job)
    {
        Config memory config = _config;
        if (config.paused) revert Lean(1);
        uint256 onTimeBy = _checkTerms(listingId, listing, maxPrice, deadline);
        Agent memory client = _agents[clientId];
        _requireActor(clientId, client);
        job = Job({
            clientId: uint64(clientId),
            providerId: listing.providerId,
            amount: listing.price,
            time: uint32(deadline),
            startedAt: uint32(block.timestamp),
            onTimeBy: uint32(onTimeBy),
            reviewWindow: listing.reviewWindow,
            feeBps: config.feeBps,
            state: FUNDED,
            flags: client.ownerTag == _agents[listing.providerId].ownerTag ? 1 : 0,
            arbitrator: listing.arbitrator
        });
    }

    /// @dev The listing matches its commitment, the price is acceptable and the deadline in range; returns the on-time limit.
    function _checkTerms(uint256 listingId, Listing calldata listing, uint256 maxPrice, uint256 deadline) private view returns (uint256 onTimeBy) {
        if (keccak256(abi.encode(listing)) != _listings[listingId]) revert Lean(2);
        if (listing.price > maxPrice) revert Lean(3);
        onTimeBy = block.timestamp + listing.slaSeconds;
        if (deadline < onTimeBy || deadline > block.timestamp + 365 days) revert Lean(4);
    }

    /// @dev Takes the price from the client's balance (source 0) and advances its job nonce, in one slot write.
    function _debit(uint256 clientId, uint256 price, uint8 source) private returns (uint256 jobId, uint256 balanceAfter) {
        Account storage account = _accounts[clientId];
        uint80 balance = account.balance;
        uint32 nonce = account.nonce + 1;
        if (source == 0) {
            if (balance < price) revert Lean(5);
            balance -= uint80(price);
        }
        account.balance = balance;
        account.nonce = nonce;
        jobId = (clientId << 32) | nonce;
        balanceAfter = balance;
    }

    function deliver(uint256 jobId, Job calldata job, bytes32 resultHash, string calldata resultURI) external {
        bytes32 stored = _jobs[jobId];
        if (keccak256(abi.encode(job)) != stored) revert Lean(7);
        if (job.state != FUNDED || block.timestamp > job.time) revert Lean(8);
        _requireActor(job.providerId, _agents[job.providerId]);
        Job memory j = job;
        uint32 reviewEndsAt = uint32(block.timestamp + job.reviewWindow);
        j.state = DELIVERED;
        j.time = reviewEndsAt;
        _jobs[jobId] = keccak256(abi.encode(j));
        emit JobDelivered(jobId, job.clientId, job.providerId, resultHash, resultURI, reviewEndsAt, uint32(block.timestamp - job.startedAt), block.timestamp <= job.onTimeBy, msg.sender);
    }

    function release(uint256 jobId, Job calldata job) external {
        if (keccak256(abi.encode(job)) != _jobs[jobId]) revert Lean(9);
        if (job.state != DELIVERED || block.timestamp <= job.time) revert Lean(10);
        Job memory j = job;
        uint256 fee = (uint256(job.amount) * job.feeBps + BPS - 1) / BPS;
        uint256 toProvider = job.amount - fee;
        uint256 deliveredAt = job.time - job.reviewWindow;
        uint64 latency = uint64(deliveredAt - job.startedAt);
        bool onTime = deliveredAt <= job.onTimeBy;
        j.state = COMPLETED;
        j.time = uint32(block.timestamp);
        _jobs[jobId] = keccak256(abi.encode(j));

        Account storage account = _accounts[job.providerId];
        Account memory p = account;
        p.balance += uint80(toProvider);
        uint8 bucket;
        if (job.flags & 1 == 0) {
            p.volumeEarned += uint80(toProvider);
            p.completed += 1;
            if (onTime) p.onTime += 1;
            bucket = _bucketOf(latency);
            uint256 word = _latency[job.providerId];
            uint256 shift = uint256(bucket) * 24;
            if ((word >> shift) & 0xffffff != 0xffffff) word += 1 << shift;
            _latency[job.providerId] = word + (uint256(latency) << 192);
        }
        _accounts[job.providerId] = p;
        _config.accruedFees += uint128(fee);
        emit JobCompleted(jobId, job.clientId, job.providerId, toProvider, fee, 1, msg.sender, p.balance, bucket, p.volumeEarned, p.completed);
    }

    function balanceOf(uint256 agentId) external view returns (uint256) {
        return _accounts[agentId].balance;
    }

    /* INTERNAL */

    /// @dev The operator (one slot, already read) or else the owner (one more slot); frozen operators are refused.
    function _requireActor(uint256 agentId, Agent memory agent) private view {
        if (msg.sender == agent.operator && msg.sender != address(0)) {
            if (agent.frozen) revert Lean(11);
            if (agent.limited) revert Lean(12); // the limit check would run here
            return;
        }
        if (ownerOf[agentId] != msg.sender) revert Lean(13);
    }

    function _bucketOf(uint64 latency) private pure returns (uint8) {
        if (latency <= 900) {
            if (latency <= 60) return 0;
            return latency <= 300 ? 1 : 2;
        }
        if (latency <= 14_400) return latency <= 3_600 ? 3 : 4;
        if (latency <= 43_200) return 5;
        return latency <= 86_400 ? 6 : 7;
    }
}
