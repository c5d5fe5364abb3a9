import type { Signer } from "ethers";
import { ethers } from "hardhat";
import type { IAgoraVault, MockUSDC } from "../../typechain-types";

/** `IAgoraVault.FundingSource` values. */
export const FundingSource = { Balance: 0, TransferFrom: 1, Permit: 2, Authorization: 3 } as const;

type Funding = IAgoraVault.FundingStruct;

const NO_SIG = "0x";

/** Pay from the agent's protocol balance. */
export function fromBalance(): Funding {
  return { source: FundingSource.Balance, validAfter: 0n, validBefore: 0n, nonce: ethers.ZeroHash, signature: NO_SIG };
}

/** Pay by `transferFrom(caller, vault)` after an `approve`. */
export function fromTransfer(): Funding {
  return { source: FundingSource.TransferFrom, validAfter: 0n, validBefore: 0n, nonce: ethers.ZeroHash, signature: NO_SIG };
}

async function usdcDomain(usdc: MockUSDC) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "USD Coin", version: "2", chainId, verifyingContract: await usdc.getAddress() };
}

/** Pay with an EIP-2612 permit signed by `owner` for `spender` (the vault). */
export async function fromPermit(usdc: MockUSDC, owner: Signer, spender: string, value: bigint, deadline: bigint): Promise<Funding> {
  const ownerAddress = await owner.getAddress();
  const signature = await owner.signTypedData(
    await usdcDomain(usdc),
    {
      Permit: [
        { name: "owner", type: "address" },
        { name: "spender", type: "address" },
        { name: "value", type: "uint256" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { owner: ownerAddress, spender, value, nonce: await usdc.nonces(ownerAddress), deadline },
  );
  return { source: FundingSource.Permit, validAfter: 0n, validBefore: deadline, nonce: ethers.ZeroHash, signature };
}

export interface AuthorizationWindow {
  validAfter: bigint;
  validBefore: bigint;
  nonce?: string;
}

/** Signs an EIP-3009 `ReceiveWithAuthorization` from `from` to `to` (the vault). */
export async function signReceiveAuthorization(
  usdc: MockUSDC,
  from: Signer,
  to: string,
  value: bigint,
  window: AuthorizationWindow,
): Promise<{ nonce: string; signature: string }> {
  const nonce = window.nonce ?? ethers.hexlify(ethers.randomBytes(32));
  const signature = await from.signTypedData(
    await usdcDomain(usdc),
    {
      ReceiveWithAuthorization: [
        { name: "from", type: "address" },
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" },
        { name: "validBefore", type: "uint256" },
        { name: "nonce", type: "bytes32" },
      ],
    },
    { from: await from.getAddress(), to, value, validAfter: window.validAfter, validBefore: window.validBefore, nonce },
  );
  return { nonce, signature };
}

/** Pay with an EIP-3009 `receiveWithAuthorization` signed by `from` for the vault `to`. */
export async function fromAuthorization(
  usdc: MockUSDC,
  from: Signer,
  to: string,
  value: bigint,
  window: AuthorizationWindow,
): Promise<Funding> {
  const { nonce, signature } = await signReceiveAuthorization(usdc, from, to, value, window);
  return { source: FundingSource.Authorization, validAfter: window.validAfter, validBefore: window.validBefore, nonce, signature };
}
