import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { USDC, withAgentsFixture } from "../fixtures/agora";

/**
 * Regression: the payout address was keyed by agent only, so after an agent was sold the new owner's
 * withdrawals still went to the payout address the previous owner had set. It is now keyed by the owner
 * who set it and never outlives a transfer.
 */
describe("Regression: payout address does not survive a sale of the agent", function () {
  it("sends the new owner's withdrawals to the new owner, not to the seller's payout address", async function () {
    const { vault, registry, usdc, clientOwner, clientId, stranger, others } = await loadFixture(withAgentsFixture);
    const [sellerTreasury] = others;
    await vault.connect(clientOwner).setPayoutAddress(clientId, sellerTreasury.address);
    expect(await vault.payoutAddress(clientId)).to.equal(sellerTreasury.address);

    await registry.connect(clientOwner).transferFrom(clientOwner.address, stranger.address, clientId);

    expect(await vault.payoutAddress(clientId)).to.equal(stranger.address);
    await expect(vault.connect(stranger).withdraw(clientId, 10n * USDC)).to.changeTokenBalances(
      usdc,
      [stranger, sellerTreasury],
      [10n * USDC, 0n],
    );
  });

  it("restores the seller's own setting if the agent comes back to it", async function () {
    const { vault, registry, clientOwner, clientId, stranger, others } = await loadFixture(withAgentsFixture);
    const [sellerTreasury] = others;
    await vault.connect(clientOwner).setPayoutAddress(clientId, sellerTreasury.address);
    await registry.connect(clientOwner).transferFrom(clientOwner.address, stranger.address, clientId);
    await vault.connect(stranger).setPayoutAddress(clientId, stranger.address);
    await registry.connect(stranger).transferFrom(stranger.address, clientOwner.address, clientId);
    expect(await vault.payoutAddress(clientId)).to.equal(sellerTreasury.address);
  });
});
