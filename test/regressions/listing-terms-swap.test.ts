import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { MockValidator__factory } from "../../typechain-types";
import { BACK_RUNNER, FRONT_RUNNER, VICTIM, attackFixture, fromBalance, sameBlock } from "../fixtures/attacks";
import { PRICE, RESULT, Verdict } from "../fixtures/jobs";

/**
 * Regression for THREAT_MODEL.md F-1: a provider swapped a listing's validator/arbitrator/review window in front of
 * a client's hire and took the payment. `createJob` now binds the terms the client read (`termsHash`).
 */
describe("Regression: listing terms cannot be swapped under a pending hire", function () {
  it("TF-17 terms swap against hire: a provider cannot change the validator, arbitrator or review window under a pending hire", async function () {
    const f = await loadFixture(attackFixture);
    const { escrow, listings, vault, clientId, providerId } = f;
    // What the client read: no validator, MockArbitrator, a one-day review window.
    const seen = await listings.getListing(f.listingId);
    // The provider's own validator approves anything.
    const rubberStamp = await new MockValidator__factory(f.providerOwner).deploy();
    await rubberStamp.setVerdict(Verdict.Approved);
    const jobId = (await escrow.totalJobs()) + 1n;
    const clientBalance = await vault.balanceOf(clientId);
    const providerBalance = await vault.balanceOf(providerId);
    // Sandwich: swap the terms in front of the hire, deliver garbage right behind it.
    const [swap, hire, deliver] = await sameBlock(async () => [
      await listings.connect(f.providerOperator).update(f.listingId, f.listingParams({ validator: await rubberStamp.getAddress(), reviewWindow: 60n }), FRONT_RUNNER),
      await escrow.connect(f.clientOperator).createJob(await f.jobParams(f.listingId, { maxPrice: PRICE }), fromBalance(), VICTIM),
      await escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://garbage", BACK_RUNNER),
    ]);
    expect(swap.status).to.equal(1);
    // Defence expected: the hire binds only to the terms the client saw, or it does not happen.
    if (hire.status === 1) {
      const created = hire.logs.map((l) => escrow.interface.parseLog(l)).find((e) => e?.name === "JobCreated");
      const terms = created?.args.terms;
      expect([terms.validator, terms.arbitrator, terms.reviewWindow], "the job binds terms the client never saw").to.deep.equal([
        seen.validator,
        seen.arbitrator,
        seen.reviewWindow,
      ]);
    }
    // The garbage delivery did not take the client's money.
    expect(deliver.status === 0 || (await escrow.state(jobId)) !== 5n, "job completed on the provider's validator").to.equal(true);
    expect(await vault.balanceOf(providerId)).to.equal(providerBalance);
    expect((await vault.balanceOf(clientId)) + (hire.status === 1 ? PRICE : 0n)).to.equal(clientBalance);
  });
});
