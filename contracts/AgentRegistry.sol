// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IAgentRegistry} from "./interfaces/IAgentRegistry.sol";

/// @title AgentRegistry
/// @notice Agora agent identities: ERC-721 tokens with the ERC-8004 Identity Registry surface, an operator
/// wallet proven by EIP-712 / ERC-1271, an owner-controlled freeze, and `checkActor` for every Agora contract.
/// @custom:security-contact security@agora.example
contract AgentRegistry is ERC721, EIP712, IAgentRegistry {
    /// @notice Longest agent URI, in bytes.
    uint256 public constant MAX_URI_LENGTH = 512;
    /// @notice Longest metadata key, in bytes (keys are at least 1 byte).
    uint256 public constant MAX_METADATA_KEY_LENGTH = 64;
    /// @notice Longest metadata value, in bytes.
    uint256 public constant MAX_METADATA_VALUE_LENGTH = 1024;
    /// @notice Most metadata entries accepted by one `register` call.
    uint256 public constant MAX_METADATA_ENTRIES = 16;
    /// @notice Latest accepted wallet-proof deadline, counted from the current block.
    uint256 public constant MAX_WALLET_PROOF_DELAY = 5 minutes;
    /// @notice EIP-712 type hash of the wallet proof.
    bytes32 public constant SET_AGENT_WALLET_TYPEHASH =
        keccak256("SetAgentWallet(uint256 agentId,address newWallet,address owner,uint256 nonce,uint256 deadline)");

    string private constant _AGENT_WALLET_KEY = "agentWallet";
    bytes32 private constant _AGENT_WALLET_KEY_HASH = keccak256("agentWallet");

    /// @dev Number of 32-byte words of the packed URI layout: 30 bytes in word 0, 32 in each next word.
    uint256 private constant _URI_WORDS = 17; // 30 + 16 * 32 = 542 >= MAX_URI_LENGTH
    uint256 private constant _URI_HEAD_BYTES = 30;
    uint256 private constant _URI_LENGTH_MASK = 0xffff;

    /// @dev Everything per agent that Agora reads on hot paths, in one slot (160 + 64 + 8 + 8 bits).
    /// `walletExplicit` false means the wallet is still the one ERC-8004 sets at registration: the owner.
    /// Every transfer to another owner sets it, so "implicit" always means "the current owner"; this saves a
    /// 22,100-gas store in `register`.
    struct AgentState {
        address wallet;
        uint64 walletNonce;
        bool frozen;
        bool walletExplicit;
    }

    uint256 private _lastAgentId;
    mapping(uint256 agentId => AgentState) private _agents;
    /// @dev Agent URIs in a packed layout: word 0 holds the first 30 bytes (high end) and the length (low 2
    /// bytes); the rest follows in words 1.. A 60-byte `ipfs://` URI takes 2 slots instead of Solidity's 3.
    mapping(uint256 agentId => bytes32[_URI_WORDS]) private _uris;
    mapping(uint256 agentId => mapping(string metadataKey => bytes metadataValue)) private _metadata;

    constructor() ERC721("Agora Agent", "AGENT") EIP712("Agora AgentRegistry", "1") {}

    /* REGISTRATION */

    /// @inheritdoc IAgentRegistry
    function register() external returns (uint256 agentId) {
        agentId = _mintAgent();
        emit Registered(agentId, "", msg.sender);
        _emitInitialWallet(agentId);
    }

    /// @inheritdoc IAgentRegistry
    function register(string calldata agentURI) external returns (uint256 agentId) {
        agentId = _mintAgent();
        if (bytes(agentURI).length != 0) _storeUri(agentId, agentURI);
        emit Registered(agentId, agentURI, msg.sender);
        _emitInitialWallet(agentId);
    }

    /// @inheritdoc IAgentRegistry
    function register(string calldata agentURI, MetadataEntry[] calldata metadata) external returns (uint256 agentId) {
        uint256 count = metadata.length;
        if (count > MAX_METADATA_ENTRIES) revert AgentTooManyMetadataEntries(count, MAX_METADATA_ENTRIES);
        agentId = _mintAgent();
        if (bytes(agentURI).length != 0) _storeUri(agentId, agentURI);
        emit Registered(agentId, agentURI, msg.sender);
        _emitInitialWallet(agentId);
        for (uint256 i; i < count; ++i) {
            _setMetadata(agentId, metadata[i].metadataKey, metadata[i].metadataValue);
        }
    }

    /* URI AND METADATA */

    /// @inheritdoc IAgentRegistry
    function setAgentURI(uint256 agentId, string calldata newURI) external {
        _requireAuthorized(agentId);
        _storeUri(agentId, newURI);
        emit URIUpdated(agentId, newURI, msg.sender);
    }

    /// @inheritdoc IAgentRegistry
    function setMetadata(uint256 agentId, string calldata metadataKey, bytes calldata metadataValue) external {
        _requireAuthorized(agentId);
        _setMetadata(agentId, metadataKey, metadataValue);
    }

    /// @inheritdoc IAgentRegistry
    function getMetadata(uint256 agentId, string calldata metadataKey) external view returns (bytes memory) {
        address owner = _requireAgent(agentId);
        if (keccak256(bytes(metadataKey)) == _AGENT_WALLET_KEY_HASH) {
            address wallet = _walletOf(_agents[agentId], owner);
            return wallet == address(0) ? bytes("") : abi.encodePacked(wallet);
        }
        return _metadata[agentId][metadataKey];
    }

    /// @notice The agent URI. Reverts with `ERC721NonexistentToken` for unknown agents.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireOwned(tokenId);
        return _loadUri(tokenId);
    }

    /* OPERATOR WALLET */

    /// @inheritdoc IAgentRegistry
    function setAgentWallet(uint256 agentId, address newWallet, uint256 deadline, bytes calldata signature) external {
        address owner = _requireAuthorized(agentId);
        if (newWallet == address(0)) revert AgentInvalidWallet(newWallet);
        if (deadline < block.timestamp) revert AgentWalletProofExpired(deadline, block.timestamp);
        uint256 maxDeadline = block.timestamp + MAX_WALLET_PROOF_DELAY;
        if (deadline > maxDeadline) revert AgentWalletProofDeadlineTooFar(deadline, maxDeadline);

        AgentState memory state = _agents[agentId];
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(SET_AGENT_WALLET_TYPEHASH, agentId, newWallet, owner, state.walletNonce, deadline))
        );
        if (!_isValidWalletSignature(newWallet, digest, signature)) revert AgentInvalidWalletSignature(newWallet);

        _writeWallet(agentId, state, _walletOf(state, owner), newWallet);
    }

    /// @inheritdoc IAgentRegistry
    function unsetAgentWallet(uint256 agentId) external {
        address owner = _requireAuthorized(agentId);
        AgentState memory state = _agents[agentId];
        _writeWallet(agentId, state, _walletOf(state, owner), address(0));
    }

    /// @inheritdoc IAgentRegistry
    function getAgentWallet(uint256 agentId) external view returns (address) {
        return _walletOf(_agents[agentId], _requireAgent(agentId));
    }

    /// @inheritdoc IAgentRegistry
    function walletNonce(uint256 agentId) external view returns (uint64) {
        _requireAgent(agentId);
        return _agents[agentId].walletNonce;
    }

    /* FREEZE AND ROLES */

    /// @inheritdoc IAgentRegistry
    function freeze(uint256 agentId) external {
        _setFrozen(agentId, true);
    }

    /// @inheritdoc IAgentRegistry
    function unfreeze(uint256 agentId) external {
        _setFrozen(agentId, false);
    }

    /// @inheritdoc IAgentRegistry
    function isFrozen(uint256 agentId) external view returns (bool) {
        _requireAgent(agentId);
        return _agents[agentId].frozen;
    }

    /// @inheritdoc IAgentRegistry
    function checkActor(uint256 agentId, address account) external view returns (address owner, bool isOwner) {
        owner = _requireAgent(agentId);
        if (account == owner) return (owner, true);
        AgentState memory state = _agents[agentId];
        // An implicit wallet is the owner, already handled above; an unset wallet (zero) matches nobody.
        if (!state.walletExplicit || state.wallet != account || account == address(0)) {
            revert AgentUnauthorized(agentId, account);
        }
        if (state.frozen) revert AgentFrozen(agentId, account);
        return (owner, false);
    }

    /// @inheritdoc IAgentRegistry
    function totalAgents() external view returns (uint256) {
        return _lastAgentId;
    }

    /* INTERNAL */

    /// @dev Clears the operator wallet on every transfer to another owner (ERC-8004), before any receiver hook.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = super._update(to, tokenId, auth);
        if (from != address(0) && from != to) {
            AgentState memory state = _agents[tokenId];
            _writeWallet(tokenId, state, _walletOf(state, from), address(0));
        }
    }

    function _mintAgent() private returns (uint256 agentId) {
        // Bound: one increment per registration; 2^256 transactions cannot happen.
        unchecked {
            agentId = ++_lastAgentId;
        }
        _mint(msg.sender, agentId);
    }

    /// @dev The wallet starts as the owner without a store (see `AgentState.walletExplicit`).
    function _emitInitialWallet(uint256 agentId) private {
        emit AgentWalletChanged(agentId, address(0), msg.sender, 0);
        emit MetadataSet(agentId, _AGENT_WALLET_KEY, _AGENT_WALLET_KEY, abi.encodePacked(msg.sender));
    }

    /// @dev Stores `newWallet`, bumps the nonce so no earlier proof can ever be replayed, and emits.
    function _writeWallet(uint256 agentId, AgentState memory state, address previous, address newWallet) private {
        uint64 nonce;
        // Bound: one increment per wallet change, each a transaction; 2^64 of them cannot happen.
        unchecked {
            nonce = state.walletNonce + 1;
        }
        _agents[agentId] = AgentState({wallet: newWallet, walletNonce: nonce, frozen: state.frozen, walletExplicit: true});
        emit AgentWalletChanged(agentId, previous, newWallet, nonce);
        emit MetadataSet(
            agentId,
            _AGENT_WALLET_KEY,
            _AGENT_WALLET_KEY,
            newWallet == address(0) ? bytes("") : abi.encodePacked(newWallet)
        );
    }

    function _setFrozen(uint256 agentId, bool frozen) private {
        address owner = _requireAgent(agentId);
        if (msg.sender != owner) revert AgentUnauthorized(agentId, msg.sender);
        AgentState storage state = _agents[agentId];
        if (state.frozen == frozen) revert AgentFreezeUnchanged(agentId, frozen);
        state.frozen = frozen;
        emit AgentFreezeChanged(agentId, frozen, owner);
    }

    function _setMetadata(uint256 agentId, string calldata key, bytes calldata value) private {
        uint256 keyLength = bytes(key).length;
        if (keyLength == 0 || keyLength > MAX_METADATA_KEY_LENGTH) {
            revert AgentInvalidMetadataKey(keyLength, MAX_METADATA_KEY_LENGTH);
        }
        if (keccak256(bytes(key)) == _AGENT_WALLET_KEY_HASH) revert AgentReservedMetadataKey(key);
        if (value.length > MAX_METADATA_VALUE_LENGTH) revert AgentValueTooLong(value.length, MAX_METADATA_VALUE_LENGTH);
        _metadata[agentId][key] = value;
        emit MetadataSet(agentId, key, key, value);
    }

    /// @dev ECDSA first (EOAs and EIP-7702 accounts; high-s rejected), then ERC-1271 when the wallet has code.
    function _isValidWalletSignature(address wallet, bytes32 digest, bytes calldata signature) private view returns (bool) {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == wallet) return true;
        return wallet.code.length != 0 && SignatureChecker.isValidERC1271SignatureNow(wallet, digest, signature);
    }

    /// @dev Writes `uri` in the packed layout; bytes past its end are stored as zeros, so reads stay clean.
    function _storeUri(uint256 agentId, string calldata uri) private {
        uint256 length = bytes(uri).length;
        if (length > MAX_URI_LENGTH) revert AgentValueTooLong(length, MAX_URI_LENGTH);
        bytes32[_URI_WORDS] storage words = _uris[agentId];
        uint256 offset;
        assembly ("memory-safe") {
            offset := uri.offset
        }
        uint256 head = length < _URI_HEAD_BYTES ? length : _URI_HEAD_BYTES;
        words[0] = _keepHighBytes(_loadCalldataWord(offset), head) | bytes32(length);
        // Bound: at most 16 words (length <= MAX_URI_LENGTH = 512).
        for (uint256 pos = _URI_HEAD_BYTES; pos < length; pos += 32) {
            uint256 rest = length - pos;
            words[1 + (pos - _URI_HEAD_BYTES) / 32] = _keepHighBytes(_loadCalldataWord(offset + pos), rest < 32 ? rest : 32);
        }
    }

    function _loadUri(uint256 agentId) private view returns (string memory uri) {
        bytes32[_URI_WORDS] storage words = _uris[agentId];
        bytes32 head = words[0];
        uint256 length = uint256(head) & _URI_LENGTH_MASK;
        uri = new string(length);
        head &= ~bytes32(_URI_LENGTH_MASK);
        assembly ("memory-safe") {
            mstore(add(uri, 0x20), head)
        }
        // Bound: at most 16 words (length <= MAX_URI_LENGTH = 512). The last word may write up to 30 zero
        // bytes past the string, into free memory, which Solidity never assumes clean.
        for (uint256 pos = _URI_HEAD_BYTES; pos < length; pos += 32) {
            bytes32 word = words[1 + (pos - _URI_HEAD_BYTES) / 32];
            assembly ("memory-safe") {
                mstore(add(add(uri, 0x20), pos), word)
            }
        }
    }

    function _requireAgent(uint256 agentId) private view returns (address owner) {
        owner = _ownerOf(agentId);
        if (owner == address(0)) revert AgentNotFound(agentId);
    }

    /// @dev Owner or ERC-721 approved account (ERC-8004); not the operator wallet.
    function _requireAuthorized(uint256 agentId) private view returns (address owner) {
        owner = _requireAgent(agentId);
        if (!_isAuthorized(owner, msg.sender, agentId)) revert AgentUnauthorized(agentId, msg.sender);
    }

    function _walletOf(AgentState memory state, address owner) private pure returns (address) {
        return state.walletExplicit ? state.wallet : owner;
    }

    function _loadCalldataWord(uint256 offset) private pure returns (bytes32 word) {
        assembly ("memory-safe") {
            word := calldataload(offset)
        }
    }

    /// @dev Keeps the `count` (0..32) most significant bytes of `word` and zeroes the rest.
    function _keepHighBytes(bytes32 word, uint256 count) private pure returns (bytes32) {
        return word & ~bytes32(type(uint256).max >> (count * 8));
    }
}
