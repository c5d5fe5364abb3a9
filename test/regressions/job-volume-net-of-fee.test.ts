import { loadFixture } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { FEE_BPS, PRICE, RESULT, feeOn, withListingFixture } from "../fixtures/jobs";
import { fromBalance } from "../helpers/funding";

/**
 * Finding of the stateful fuzzer (test/invariant), shrunk counterexample: `createJob` (Fixed, fee 100 bps) then
 * `release` after the review window -> provider `volumeEarned` and client `volumeSpent` are the job amount minus
 * the fee (1,980,000 for a 2,000,000 job), where the spec says the amount before the fee.
 *
 * The spec: docs/REPUTATION.md ("volumeEarned: USDC units that reached the agent as provider (jobs before fee,
 * dispute payouts, channel claims)"), IReputationLedger.recordCompleted ("`amountToProvider` (before the fee)
 * counts as the provider's volume earned and the client's volume spent") and docs/MICROPAYMENTS.md ("Volume
 * recorded in the ledger is the gross amount (as `amountToProvider` for jobs)"). PaymentChannels records the gross
 * claim, JobEscrow passes `toProvider` net of the fee (`_complete`, and `_resolve` for rulings), so the same paid
 * work earns a different volume (and a different `confidence`) through a job than through a channel.
 */
describe("Regression: a completed job counts its amount before the fee as volume, like a channel claim", function () {
  it("records the job amount (not the amount net of the fee) as volumeEarned and volumeSpent", async function () {
    const f = await loadFixture(withListingFixture);
    expect(FEE_BPS).to.be.gt(0n);
    const jobId = await f.hire(f.listingId);
    await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
    await expect(f.escrow.connect(f.clientOperator).approve(jobId))
      .to.emit(f.escrow, "JobCompleted")
      .withArgs(jobId, f.clientId, f.providerId, PRICE - feeOn(PRICE), feeOn(PRICE), 0n, 0n, f.clientOperator.address);

    expect((await f.ledger.stats(f.providerId)).volumeEarned).to.equal(PRICE);
    expect((await f.ledger.stats(f.clientId)).volumeSpent).to.equal(PRICE);
  });

  it("records the provider's gross share of a ruling as volume", async function () {
    const f = await loadFixture(withListingFixture);
    const jobId = await f.hire(f.listingId);
    await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://result");
    await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://reason", fromBalance());
    const share = 6_000n;
    await f.arbitrator.giveRuling(jobId, share);

    const gross = (PRICE * share) / 10_000n;
    expect((await f.ledger.stats(f.providerId)).volumeEarned).to.equal(gross);
    expect((await f.ledger.stats(f.clientId)).volumeSpent).to.equal(gross);
  });
});
