// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title MockUSDC
/// @notice A local stand-in for Circle's USDC: 6 decimals, EIP-2612 `permit`, EIP-3009 transfer and receive
/// with authorization, and an owner blacklist that makes transfers from or to a listed address revert.
/// @dev For local networks and tests only. The EIP-712 domain is ("USD Coin", "2"), as on Circle's token.
contract MockUSDC is ERC20, IERC20Permit, EIP712, Nonces, Ownable {
    bytes32 public constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    mapping(address account => bool) public isBlacklisted;
    mapping(address authorizer => mapping(bytes32 nonce => bool)) private _authorizationUsed;

    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);
    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);

    error USDCBlacklisted(address account);
    error USDCAuthorizationNotYetValid(uint256 validAfter, uint256 timestamp);
    error USDCAuthorizationExpired(uint256 validBefore, uint256 timestamp);
    error USDCAuthorizationUsed(address authorizer, bytes32 nonce);
    error USDCInvalidSignature(address expectedSigner, address recovered);
    error USDCCallerNotPayee(address caller, address payee);
    error USDCPermitExpired(uint256 deadline, uint256 timestamp);

    constructor() ERC20("USD Coin", "USDC") EIP712("USD Coin", "2") Ownable(msg.sender) {}

    /// @notice EIP-2612 permit, on the ("USD Coin", "2") domain.
    function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
    {
        if (block.timestamp > deadline) revert USDCPermitExpired(deadline, block.timestamp);
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline)));
        address recovered = ECDSA.recover(digest, v, r, s);
        if (recovered != owner) revert USDCInvalidSignature(owner, recovered);
        _approve(owner, spender, value);
    }

    /// @inheritdoc IERC20Permit
    function nonces(address owner) public view override(IERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @inheritdoc IERC20Permit
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice USDC has 6 decimals: 1 unit is $0.000001.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice EIP-712 version "2", as Circle's FiatTokenV2.
    function version() external pure returns (string memory) {
        return "2";
    }

    /// @notice Mints test money. Owner only.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Blocks every transfer from or to `account`. Owner only.
    function blacklist(address account) external onlyOwner {
        isBlacklisted[account] = true;
        emit Blacklisted(account);
    }

    /// @notice Lifts a blacklisting. Owner only.
    function unBlacklist(address account) external onlyOwner {
        isBlacklisted[account] = false;
        emit UnBlacklisted(account);
    }

    /// @notice Whether the EIP-3009 nonce of `authorizer` has been used or cancelled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationUsed[authorizer][nonce];
    }

    /// @notice EIP-3009: executes a transfer signed by `from`. Anyone may submit it.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        _useAuthorization(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, v, r, s);
        _transfer(from, to, value);
    }

    /// @notice EIP-3009: executes a transfer signed by `from`; only the payee `to` may submit it, which
    /// stops front-running of the authorization.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (to != msg.sender) revert USDCCallerNotPayee(msg.sender, to);
        _useAuthorization(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, v, r, s);
        _transfer(from, to, value);
    }

    /// @notice EIP-3009: cancels an unused authorization.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        if (_authorizationUsed[authorizer][nonce]) revert USDCAuthorizationUsed(authorizer, nonce);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)));
        address recovered = ECDSA.recover(digest, v, r, s);
        if (recovered != authorizer) revert USDCInvalidSignature(authorizer, recovered);
        _authorizationUsed[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    function _useAuthorization(
        bytes32 typehash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private {
        if (block.timestamp <= validAfter) revert USDCAuthorizationNotYetValid(validAfter, block.timestamp);
        if (block.timestamp >= validBefore) revert USDCAuthorizationExpired(validBefore, block.timestamp);
        if (_authorizationUsed[from][nonce]) revert USDCAuthorizationUsed(from, nonce);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(typehash, from, to, value, validAfter, validBefore, nonce)));
        address recovered = ECDSA.recover(digest, v, r, s);
        if (recovered != from) revert USDCInvalidSignature(from, recovered);
        _authorizationUsed[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
    }

    /// @dev Circle-style blacklist: no transfer, mint or burn from or to a listed address.
    function _update(address from, address to, uint256 value) internal override {
        if (isBlacklisted[from]) revert USDCBlacklisted(from);
        if (isBlacklisted[to]) revert USDCBlacklisted(to);
        super._update(from, to, value);
    }
}
