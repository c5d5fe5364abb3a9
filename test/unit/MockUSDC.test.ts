import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { ethers } from "hardhat";
import { MockUSDC__factory } from "../../typechain-types";
import { signReceiveAuthorization } from "../helpers/funding";

const ONE = 1_000_000n;

async function deployUsdcFixture() {
  const [owner, alice, bob, carol] = await ethers.getSigners();
  const usdc = await new MockUSDC__factory(owner).deploy();
  await usdc.mint(alice.address, 100n * ONE);
  const { chainId } = await ethers.provider.getNetwork();
  const domain = { name: "USD Coin", version: "2", chainId, verifyingContract: await usdc.getAddress() };
  return { usdc, owner, alice, bob, carol, domain };
}

const TRANSFER_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

describe("MockUSDC", function () {
  describe("#metadata", function () {
    it("has 6 decimals and Circle's EIP-712 domain", async function () {
      const { usdc, domain } = await loadFixture(deployUsdcFixture);
      expect(await usdc.decimals()).to.equal(6n);
      expect(await usdc.name()).to.equal("USD Coin");
      expect(await usdc.symbol()).to.equal("USDC");
      expect(await usdc.version()).to.equal("2");
      expect(await usdc.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
    });
  });

  describe("#mint", function () {
    it("lets only the owner mint", async function () {
      const { usdc, alice, bob } = await loadFixture(deployUsdcFixture);
      await expect(usdc.connect(alice).mint(bob.address, 1n))
        .to.be.revertedWithCustomError(usdc, "OwnableUnauthorizedAccount")
        .withArgs(alice.address);
      await expect(usdc.mint(bob.address, 5n)).to.changeTokenBalance(usdc, bob, 5n);
    });
  });

  describe("#permit", function () {
    async function signPermit(deadline: bigint, value = 10n * ONE) {
      const f = await loadFixture(deployUsdcFixture);
      const signature = await f.alice.signTypedData(
        f.domain,
        {
          Permit: [
            { name: "owner", type: "address" },
            { name: "spender", type: "address" },
            { name: "value", type: "uint256" },
            { name: "nonce", type: "uint256" },
            { name: "deadline", type: "uint256" },
          ],
        },
        { owner: f.alice.address, spender: f.bob.address, value, nonce: await f.usdc.nonces(f.alice.address), deadline },
      );
      return { ...f, sig: ethers.Signature.from(signature), value };
    }

    it("sets the allowance and bumps the nonce", async function () {
      const deadline = BigInt(await time.latest()) + 100n;
      const { usdc, alice, bob, sig, value } = await signPermit(deadline);
      await usdc.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s);
      expect(await usdc.allowance(alice.address, bob.address)).to.equal(value);
      expect(await usdc.nonces(alice.address)).to.equal(1n);
    });

    it("reverts with USDCPermitExpired after the deadline", async function () {
      const deadline = BigInt(await time.latest()) + 100n;
      const { usdc, alice, bob, sig, value } = await signPermit(deadline);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(usdc.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(usdc, "USDCPermitExpired")
        .withArgs(deadline, deadline + 1n);
    });

    it("reverts with USDCInvalidSignature on replay (nonce used) and for another value", async function () {
      const deadline = BigInt(await time.latest()) + 100n;
      const { usdc, alice, bob, sig, value } = await signPermit(deadline);
      await usdc.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s);
      await expect(usdc.permit(alice.address, bob.address, value, deadline, sig.v, sig.r, sig.s)).to.be.revertedWithCustomError(
        usdc,
        "USDCInvalidSignature",
      );
      await expect(usdc.permit(alice.address, bob.address, value + 1n, deadline, sig.v, sig.r, sig.s)).to.be.revertedWithCustomError(
        usdc,
        "USDCInvalidSignature",
      );
    });
  });

  describe("#transferWithAuthorization", function () {
    async function signTransfer(validAfter: bigint, validBefore: bigint) {
      const f = await loadFixture(deployUsdcFixture);
      const nonce = ethers.hexlify(ethers.randomBytes(32));
      const value = 3n * ONE;
      const signature = await f.alice.signTypedData(f.domain, TRANSFER_TYPES, {
        from: f.alice.address,
        to: f.bob.address,
        value,
        validAfter,
        validBefore,
        nonce,
      });
      return { ...f, nonce, value, sig: ethers.Signature.from(signature) };
    }

    it("moves the money once, submitted by anyone, and marks the nonce used", async function () {
      const now = BigInt(await time.latest());
      const { usdc, alice, bob, carol, nonce, value, sig } = await signTransfer(0n, now + 100n);
      const call = () =>
        usdc.connect(carol).transferWithAuthorization(alice.address, bob.address, value, 0n, now + 100n, nonce, sig.v, sig.r, sig.s);
      await expect(call()).to.emit(usdc, "AuthorizationUsed").withArgs(alice.address, nonce);
      expect(await usdc.balanceOf(bob.address)).to.equal(value);
      expect(await usdc.authorizationState(alice.address, nonce)).to.equal(true);
      await expect(call()).to.be.revertedWithCustomError(usdc, "USDCAuthorizationUsed").withArgs(alice.address, nonce);
    });

    it("enforces validAfter (exclusive) and validBefore (exclusive)", async function () {
      const now = BigInt(await time.latest());
      const validAfter = now + 10n;
      const validBefore = now + 20n;
      const { usdc, alice, bob, nonce, value, sig } = await signTransfer(validAfter, validBefore);
      const call = () => usdc.transferWithAuthorization(alice.address, bob.address, value, validAfter, validBefore, nonce, sig.v, sig.r, sig.s);
      await time.setNextBlockTimestamp(validAfter);
      await expect(call()).to.be.revertedWithCustomError(usdc, "USDCAuthorizationNotYetValid").withArgs(validAfter, validAfter);
      await time.setNextBlockTimestamp(validBefore);
      await expect(call()).to.be.revertedWithCustomError(usdc, "USDCAuthorizationExpired").withArgs(validBefore, validBefore);
    });

    it("reverts with USDCInvalidSignature when another key signed", async function () {
      const now = BigInt(await time.latest());
      const { usdc, alice, carol, nonce, value, sig } = await signTransfer(0n, now + 100n);
      // The signature names bob as payee; redirecting it to carol recovers another address.
      await expect(
        usdc.transferWithAuthorization(alice.address, carol.address, value, 0n, now + 100n, nonce, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(usdc, "USDCInvalidSignature");
    });
  });

  describe("#receiveWithAuthorization", function () {
    it("only lets the payee submit", async function () {
      const { usdc, alice, bob, carol } = await loadFixture(deployUsdcFixture);
      const validBefore = BigInt(await time.latest()) + 100n;
      const { nonce, signature } = await signReceiveAuthorization(usdc, alice, bob.address, ONE, { validAfter: 0n, validBefore });
      const sig = ethers.Signature.from(signature);
      await expect(
        usdc.connect(carol).receiveWithAuthorization(alice.address, bob.address, ONE, 0n, validBefore, nonce, sig.v, sig.r, sig.s),
      )
        .to.be.revertedWithCustomError(usdc, "USDCCallerNotPayee")
        .withArgs(carol.address, bob.address);
      await expect(
        usdc.connect(bob).receiveWithAuthorization(alice.address, bob.address, ONE, 0n, validBefore, nonce, sig.v, sig.r, sig.s),
      ).to.changeTokenBalances(usdc, [alice, bob], [-ONE, ONE]);
    });
  });

  describe("#cancelAuthorization", function () {
    it("burns an unused nonce so the authorization can no longer be used", async function () {
      const { usdc, alice, bob, domain } = await loadFixture(deployUsdcFixture);
      const validBefore = BigInt(await time.latest()) + 100n;
      const { nonce, signature } = await signReceiveAuthorization(usdc, alice, bob.address, ONE, { validAfter: 0n, validBefore });
      const cancel = ethers.Signature.from(
        await alice.signTypedData(
          domain,
          { CancelAuthorization: [{ name: "authorizer", type: "address" }, { name: "nonce", type: "bytes32" }] },
          { authorizer: alice.address, nonce },
        ),
      );
      await expect(usdc.cancelAuthorization(alice.address, nonce, cancel.v, cancel.r, cancel.s))
        .to.emit(usdc, "AuthorizationCanceled")
        .withArgs(alice.address, nonce);
      await expect(usdc.cancelAuthorization(alice.address, nonce, cancel.v, cancel.r, cancel.s))
        .to.be.revertedWithCustomError(usdc, "USDCAuthorizationUsed")
        .withArgs(alice.address, nonce);
      const sig = ethers.Signature.from(signature);
      await expect(
        usdc.connect(bob).receiveWithAuthorization(alice.address, bob.address, ONE, 0n, validBefore, nonce, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(usdc, "USDCAuthorizationUsed");
    });

    it("reverts with USDCInvalidSignature when not signed by the authorizer", async function () {
      const { usdc, alice, bob, domain } = await loadFixture(deployUsdcFixture);
      const nonce = ethers.hexlify(ethers.randomBytes(32));
      const cancel = ethers.Signature.from(
        await bob.signTypedData(
          domain,
          { CancelAuthorization: [{ name: "authorizer", type: "address" }, { name: "nonce", type: "bytes32" }] },
          { authorizer: alice.address, nonce },
        ),
      );
      await expect(usdc.cancelAuthorization(alice.address, nonce, cancel.v, cancel.r, cancel.s))
        .to.be.revertedWithCustomError(usdc, "USDCInvalidSignature")
        .withArgs(alice.address, bob.address);
    });
  });

  describe("#blacklist", function () {
    it("blocks transfers from and to a listed address until it is lifted", async function () {
      const { usdc, alice, bob } = await loadFixture(deployUsdcFixture);
      await expect(usdc.blacklist(bob.address)).to.emit(usdc, "Blacklisted").withArgs(bob.address);
      await expect(usdc.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(usdc, "USDCBlacklisted").withArgs(bob.address);
      await usdc.blacklist(alice.address);
      await expect(usdc.connect(alice).transfer(bob.address, 1n))
        .to.be.revertedWithCustomError(usdc, "USDCBlacklisted")
        .withArgs(alice.address);
      await expect(usdc.unBlacklist(alice.address)).to.emit(usdc, "UnBlacklisted").withArgs(alice.address);
      await usdc.unBlacklist(bob.address);
      await expect(usdc.connect(alice).transfer(bob.address, 1n)).to.changeTokenBalance(usdc, bob, 1n);
    });

    it("lets only the owner blacklist", async function () {
      const { usdc, alice, bob } = await loadFixture(deployUsdcFixture);
      await expect(usdc.connect(alice).blacklist(bob.address))
        .to.be.revertedWithCustomError(usdc, "OwnableUnauthorizedAccount")
        .withArgs(alice.address);
      await expect(usdc.connect(alice).unBlacklist(bob.address))
        .to.be.revertedWithCustomError(usdc, "OwnableUnauthorizedAccount")
        .withArgs(alice.address);
    });
  });
});
