// SPDX-License-Identifier: MIT
pragma solidity >=0.8.28;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

/// @title IAgentRegistry
/// @notice Agent identities as ERC-721 tokens, keeping the ERC-8004 Identity Registry surface.
/// @dev Roles (PROTOCOL.md §1): the token holder is the agent's **owner**; the agent wallet set with
/// `setAgentWallet` is its **operator** (hot key). Every Agora contract asks `checkActor` who may act.
/// Deviation from the ERC-8004 reference: the wallet proof also signs a per-agent nonce, so a proof
/// cannot be replayed after `unsetAgentWallet` (the reference signs no nonce).
interface IAgentRegistry is IERC721 {
    /// @notice One ERC-8004 metadata entry.
    struct MetadataEntry {
        string metadataKey;
        bytes metadataValue;
    }

    /* EVENTS (ERC-8004) */

    /// @notice A new agent identity was minted to `owner`; its operator wallet starts as `owner`.
    event Registered(uint256 indexed agentId, string agentURI, address indexed owner);
    /// @notice The agent URI (ERC-721 `tokenURI`) changed.
    event URIUpdated(uint256 indexed agentId, string newURI, address indexed updatedBy);
    /// @notice A metadata entry changed. The reserved key `agentWallet` is emitted when the wallet changes.
    event MetadataSet(uint256 indexed agentId, string indexed indexedMetadataKey, string metadataKey, bytes metadataValue);

    /* EVENTS (Agora) */

    /// @notice The operator wallet changed (set, unset, or cleared by a transfer).
    event AgentWalletChanged(uint256 indexed agentId, address indexed previousWallet, address indexed newWallet, uint64 nonce);
    /// @notice The owner froze (`frozen` true) or unfroze the agent's operator.
    event AgentFreezeChanged(uint256 indexed agentId, bool frozen, address indexed owner);

    /* ERRORS */

    /// @notice `account` may not perform this action for `agentId`.
    error AgentUnauthorized(uint256 agentId, address account);
    /// @notice The agent does not exist.
    error AgentNotFound(uint256 agentId);
    /// @notice The operator of a frozen agent tried to act.
    error AgentFrozen(uint256 agentId, address operator);
    /// @notice The freeze flag is already `frozen`.
    error AgentFreezeUnchanged(uint256 agentId, bool frozen);
    /// @notice The key `agentWallet` is reserved; use `setAgentWallet`.
    error AgentReservedMetadataKey(string metadataKey);
    /// @notice A metadata key is empty or longer than `maxLength` bytes.
    error AgentInvalidMetadataKey(uint256 length, uint256 maxLength);
    /// @notice A URI or metadata value is longer than `maxLength` bytes.
    error AgentValueTooLong(uint256 length, uint256 maxLength);
    /// @notice Too many metadata entries in one registration.
    error AgentTooManyMetadataEntries(uint256 count, uint256 max);
    /// @notice The new wallet is the zero address.
    error AgentInvalidWallet(address wallet);
    /// @notice The wallet proof expired (`deadline` < now) or its deadline is more than `maxDeadline` away.
    error AgentWalletProofExpired(uint256 deadline, uint256 timestamp);
    /// @notice The wallet proof's deadline is too far in the future.
    error AgentWalletProofDeadlineTooFar(uint256 deadline, uint256 maxDeadline);
    /// @notice The wallet proof was not signed by `wallet` (ECDSA or ERC-1271).
    error AgentInvalidWalletSignature(address wallet);

    /* ERC-8004 IDENTITY */

    /// @notice Registers an agent with no URI; the caller is owner and operator.
    function register() external returns (uint256 agentId);

    /// @notice Registers an agent with `agentURI` (returned by `tokenURI`).
    function register(string calldata agentURI) external returns (uint256 agentId);

    /// @notice Registers an agent with `agentURI` and metadata entries (at most `MAX_METADATA_ENTRIES`).
    function register(string calldata agentURI, MetadataEntry[] calldata metadata) external returns (uint256 agentId);

    /// @notice Sets the agent URI. Owner or ERC-721 approved account only (not the operator).
    function setAgentURI(uint256 agentId, string calldata newURI) external;

    /// @notice Sets a metadata entry. Owner or ERC-721 approved account only.
    function setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) external;

    /// @notice Reads a metadata entry; `agentWallet` returns the packed wallet address.
    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory);

    /// @notice Sets the operator wallet. Called by the owner (or an ERC-721 approved account) with an EIP-712
    /// proof signed by `newWallet` (ECDSA, or ERC-1271 if `newWallet` has code) over
    /// `SetAgentWallet(uint256 agentId,address newWallet,address owner,uint256 nonce,uint256 deadline)`.
    /// @dev `deadline` must be in [now, now + MAX_WALLET_PROOF_DELAY]; the nonce is `walletNonce(agentId)`.
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature) external;

    /// @notice Removes the operator wallet (owner or approved account). The owner keeps every power.
    function unsetAgentWallet(uint256 agentId) external;

    /// @notice The operator wallet, or zero when none is set. Reverts for unknown agents.
    function getAgentWallet(uint256 agentId) external view returns (address);

    /* AGORA */

    /// @notice Freezes the agent: its operator can commit nothing and change nothing. Owner only.
    function freeze(uint256 agentId) external;

    /// @notice Lifts a freeze. Owner only.
    function unfreeze(uint256 agentId) external;

    /// @notice Whether the agent is frozen.
    function isFrozen(uint256 agentId) external view returns (bool);

    /// @notice The nonce the next wallet proof must sign.
    function walletNonce(uint256 agentId) external view returns (uint64);

    /// @notice Who `account` is for `agentId`: returns the owner and whether `account` is that owner.
    /// @dev Reverts with `AgentNotFound`, `AgentUnauthorized` (neither owner nor operator) or `AgentFrozen`
    /// (the operator of a frozen agent). An operator wallet equal to the owner counts as the owner.
    function checkActor(uint256 agentId, address account) external view returns (address owner, bool isOwner);

    /// @notice The number of agents ever registered; ids run from 1 to `totalAgents()`.
    function totalAgents() external view returns (uint256);
}
