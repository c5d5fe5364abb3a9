import { loadFixture, takeSnapshot, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { termsHashFor } from "../helpers/terms";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import { ethers } from "hardhat";
import {
  GarbageValidator__factory,
  GasBurningValidator__factory,
  HungryValidator__factory,
  MockArbitrator__factory,
  ReturnBombValidator__factory,
  RevertingArbitrator__factory,
  RevertingValidator__factory,
  SilentArbitrator__factory,
} from "../../typechain-types";
import {
  ARBITRATION_FEE_CAP_BPS,
  ARBITRATOR_GAS,
  HostileMode,
  USDC,
  VALIDATOR_GAS,
  attackFixture,
  fromBalance,
  sameBlock,
} from "../fixtures/attacks";
import { BPS, JobState, PRICE, RESULT, REVIEW, RULING_PERIOD, Verdict, feeOn } from "../fixtures/jobs";

/*
 * Griefing (docs/THREAT_MODEL.md, attacks GR-01..GR-11): dust-job spam and unbounded growth, and modules that burn
 * gas, return or revert with huge data, answer garbage, get starved of gas by the caller, rule wrongly or never.
 * Modules are untrusted: every call to one is gas-capped, copies at most one word, and no failure of one can lock
 * money (invariant 5).
 */

/** EVM memory gas for `words` words: 3w + w²/512. */
function memoryCost(words: bigint): bigint {
  return 3n * words + (words * words) / 512n;
}

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (!receipt) throw new Error("no receipt");
  return receipt.gasUsed;
}

/**
 * Sends `send(gasLimit)` alone in a block; returns the receipt and, if it reverted, the escrow error name ("out of
 * gas" when the revert carries no data). The reason is read by replaying the same call (same gas limit) as an
 * `eth_call` on the parent block: tracing a transaction that looped for 200k gas is slow.
 */
async function withGasLimit(
  f: Awaited<ReturnType<typeof attackFixture>>,
  send: (gasLimit: bigint) => Promise<ContractTransactionResponse>,
  gasLimit: bigint,
): Promise<{ receipt: TransactionReceipt; error?: string }> {
  const [receipt] = await sameBlock(async () => [await send(gasLimit)]);
  if (receipt!.status === 1) return { receipt: receipt! };
  const tx = await ethers.provider.getTransaction(receipt!.hash);
  try {
    await ethers.provider.call({ from: tx!.from, to: tx!.to, data: tx!.data, gasLimit, blockTag: receipt!.blockNumber - 1 });
    return { receipt: receipt!, error: "replay did not revert" };
  } catch (error) {
    let data = (error as { data?: unknown }).data;
    if (data !== null && typeof data === "object") data = (data as { data?: unknown }).data; // EDR: { data, reason }
    if (typeof data !== "string") throw error;
    return { receipt: receipt!, error: data && data !== "0x" ? (f.escrow.interface.parseError(data)?.name ?? data) : "out of gas" };
  }
}

describe("Attacks: griefing, gas and misbehaving modules", function () {
  describe("spam and unbounded growth", function () {
    it("GR-01 dust-job spam costs the spammer a flat price per job; every list an attacker can grow is capped", async function () {
      const f = await loadFixture(attackFixture);
      const { escrow, listings, registry, ringA, ringClientId, quotedListingId, attacker } = f;
      const deadline = BigInt(await time.latest()) + 10n * 86_400n;
      const params = { clientId: ringClientId, listingId: quotedListingId, maxPrice: 1n, deadline, specHash: ethers.ZeroHash, termsHash: await termsHashFor(escrow, quotedListingId) };
      const create: bigint[] = [];
      for (let i = 0; i < 40; i++) create.push(await gasOf(escrow.connect(ringA).createJob(params, fromBalance())));
      expect(new Set(create.slice(1)).size, `createJob gas: ${create.join(", ")}`).to.equal(1); // job 2 costs what job 40 costs
      await time.increaseTo(deadline + 1n);
      const refund: bigint[] = [];
      for (let id = 1n; id <= 40n; id++) refund.push(await gasOf(escrow.connect(ringA).refund(id)));
      expect(new Set(refund.slice(1, 39)).size, `refund gas: ${refund.join(", ")}`).to.equal(1);
      // The collections an attacker could grow, per item: capabilities, URIs, metadata.
      const nine = Array.from({ length: 9 }, (_, i) => ethers.id(`cap-${i}`));
      await expect(listings.connect(f.providerOperator).publish(f.providerId, f.listingParams({ capabilities: nine })))
        .to.be.revertedWithCustomError(listings, "ListingTooManyCapabilities")
        .withArgs(9n, 8n);
      await expect(listings.connect(f.providerOperator).publish(f.providerId, f.listingParams({ metadataURI: "x".repeat(513) })))
        .to.be.revertedWithCustomError(listings, "ListingUriTooLong")
        .withArgs(513n, 512n);
      await expect(registry.connect(attacker)["register(string)"]("x".repeat(513))).to.be.revertedWithCustomError(registry, "AgentValueTooLong").withArgs(513n, 512n);
      const entries = Array.from({ length: 17 }, (_, i) => ({ metadataKey: `k${i}`, metadataValue: "0x01" }));
      await expect(registry.connect(attacker)["register(string,(string,bytes)[])"]("ipfs://a", entries))
        .to.be.revertedWithCustomError(registry, "AgentTooManyMetadataEntries")
        .withArgs(17n, 16n);
      await expect(registry.connect(f.clientOwner).setMetadata(f.clientId, "k", ethers.hexlify(new Uint8Array(1025))))
        .to.be.revertedWithCustomError(registry, "AgentValueTooLong")
        .withArgs(1025n, 1024n);
      await f.solvent();
    });
  });

  describe("validators", function () {
    it("GR-02 a gas-burning validator costs the caller at most VALIDATOR_GAS and leaves the review path open", async function () {
      const f = await loadFixture(attackFixture);
      const trivial = await new HungryValidator__factory(f.deployer).deploy(0n, Verdict.Pending);
      const burner = await new GasBurningValidator__factory(f.deployer).deploy();
      const plain = await f.publish({ validator: await trivial.getAddress() });
      const burning = await f.publish({ validator: await burner.getAddress() });
      const a = await f.createJob({ listingId: plain });
      const b = await f.createJob({ listingId: burning });
      const baseline = await gasOf(f.escrow.connect(f.providerOperator).deliver(a, RESULT, "ipfs://r"));
      const tx = f.escrow.connect(f.providerOperator).deliver(b, RESULT, "ipfs://r");
      await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(b, await burner.getAddress(), Verdict.Pending, f.providerOperator.address);
      const burnt = (await (await tx).wait())!.gasUsed;
      expect(burnt).to.be.lessThanOrEqual(baseline + VALIDATOR_GAS);
      expect(burnt).to.be.greaterThan(baseline + (VALIDATOR_GAS * 9n) / 10n); // it did burn (almost) all of its cap
      expect(await f.escrow.connect(f.stranger).pollValidator.staticCall(b)).to.equal(Verdict.Pending);
      // The ordinary review path settles the job, to the unit.
      const before = await f.vaultState();
      await f.escrow.connect(f.clientOperator).approve(b);
      await f.expectSettlement(before, { provider: PRICE - feeOn(PRICE), fees: feeOn(PRICE) }, PRICE);
    });

    it("GR-03 a return-data bomb from a validator is neither copied nor read as a verdict", async function () {
      const f = await loadFixture(attackFixture);
      const [small, large] = [1_000n, 4_000n];
      const gas: bigint[] = [];
      for (const words of [small, large]) {
        const bomb = await new ReturnBombValidator__factory(f.deployer).deploy(words * 32n);
        const listingId = await f.publish({ validator: await bomb.getAddress() });
        const jobId = await f.createJob({ listingId });
        const tx = f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r");
        // Its first word reads "Approved", but 32 bytes exactly are required: no verdict.
        await expect(tx).to.emit(f.escrow, "ValidatorPolled").withArgs(jobId, await bomb.getAddress(), Verdict.Pending, f.providerOperator.address);
        expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered);
        gas.push((await (await tx).wait())!.gasUsed);
      }
      // The difference is the bomb's own memory, paid by the validator out of its capped gas: nothing in the escrow.
      const calleeOnly = memoryCost(large) - memoryCost(small);
      expect(gas[1]! - gas[0]!).to.be.within(calleeOnly - 200n, calleeOnly + 200n);
    });

    it("GR-04 a validator answering garbage, nothing or a revert gives no verdict; the job settles by review", async function () {
      const f = await loadFixture(attackFixture);
      const validators = [
        ...(await Promise.all([0, 1, 2, 3].map((mode) => new GarbageValidator__factory(f.deployer).deploy(mode)))),
        await new RevertingValidator__factory(f.deployer).deploy(),
      ];
      for (const validator of validators) {
        const listingId = await f.publish({ validator: await validator.getAddress() });
        const jobId = await f.createJob({ listingId });
        await expect(f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r"))
          .to.emit(f.escrow, "ValidatorPolled")
          .withArgs(jobId, await validator.getAddress(), Verdict.Pending, f.providerOperator.address);
        await expect(f.escrow.connect(f.stranger).pollValidator(jobId))
          .to.emit(f.escrow, "ValidatorPolled")
          .withArgs(jobId, await validator.getAddress(), Verdict.Pending, f.stranger.address);
      }
      await time.increase(REVIEW + 1n);
      const jobs = await f.escrow.totalJobs();
      for (let id = jobs - BigInt(validators.length) + 1n; id <= jobs; id++) await f.escrow.connect(f.stranger).release(id);
      expect(await f.vault.locked(f.escrowAddress)).to.equal(0n);
      await f.solvent();
    });

    it("GR-05 a provider cannot starve a validator of gas to dodge its Rejected verdict (EIP-150 63/64)", async function () {
      const f = await loadFixture(attackFixture);
      // An honest validator that needs nearly all of its cap, and rejects this delivery.
      const hungry = await new HungryValidator__factory(f.deployer).deploy(195_000n, Verdict.Rejected);
      const listingId = await f.publish({ validator: await hungry.getAddress() });
      const jobId = await f.createJob({ listingId });
      const deliver = (gasLimit: bigint) => f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r", { gasLimit });
      const outcome = async (gasLimit: bigint) => {
        const snapshot = await takeSnapshot();
        try {
          const r = await withGasLimit(f, deliver, gasLimit);
          return { ...r, state: await f.escrow.state(jobId) };
        } finally {
          await snapshot.restore();
        }
      };
      // The smallest gas limit at which the delivery goes through.
      let lo = 100_000n;
      let hi = 2_000_000n;
      while (hi - lo > 1n) {
        const mid = (lo + hi) / 2n;
        if ((await outcome(mid)).receipt.status === 1) hi = mid;
        else lo = mid;
      }
      // Every gas limit from well below (where the gas guard refuses the call) to above it: whenever the delivery
      // succeeds, the validator had its full gas and its verdict applied; below, the call reverts as a whole.
      const seen = new Set<string>();
      for (let gasLimit = hi - 150_000n; gasLimit <= hi + 30_000n; gasLimit += 2_500n) {
        const o = await outcome(gasLimit);
        if (o.receipt.status === 1) {
          expect(o.state, `gas limit ${gasLimit}`).to.equal(JobState.Refunded);
          seen.add("settled on Rejected");
        } else {
          seen.add(o.error!);
        }
      }
      expect([...seen]).to.have.members(["settled on Rejected", "EscrowInsufficientGas", "out of gas"]);
    });
  });

  describe("arbitrators", function () {
    it("GR-06 a client cannot starve the arbitrator's notification of gas to force the default ruling", async function () {
      const f = await loadFixture(attackFixture);
      const hungry = await f.hostileArbitrator(HostileMode.Hungry, 400_000n, 0n);
      const listingId = await f.publish({ arbitrator: await hungry.getAddress() });
      const jobId = await f.deliveredJob(listingId);
      const reject = (gasLimit: bigint) => f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), { gasLimit });
      const outcome = async (gasLimit: bigint) => {
        const snapshot = await takeSnapshot();
        try {
          const r = await withGasLimit(f, reject, gasLimit);
          return { ...r, notified: await hungry.disputesCreated() };
        } finally {
          await snapshot.restore();
        }
      };
      let lo = 100_000n;
      let hi = 3_000_000n;
      while (hi - lo > 1n) {
        const mid = (lo + hi) / 2n;
        if ((await outcome(mid)).receipt.status === 1) hi = mid;
        else lo = mid;
      }
      const seen = new Set<string>();
      for (let gasLimit = hi - 150_000n; gasLimit <= hi + 30_000n; gasLimit += 2_500n) {
        const o = await outcome(gasLimit);
        if (o.receipt.status === 1) {
          expect(o.notified, `gas limit ${gasLimit}`).to.equal(1n);
          const failed = o.receipt.logs.map((l) => f.escrow.interface.parseLog(l)).filter((e) => e?.name === "ArbitratorNotificationFailed");
          expect(failed).to.have.length(0);
          seen.add("notified");
        } else {
          seen.add(o.error!);
        }
      }
      expect([...seen]).to.include.members(["notified", "EscrowInsufficientGas"]);
      expect([...seen].filter((s) => !["notified", "EscrowInsufficientGas", "out of gas"].includes(s))).to.deep.equal([]);
    });

    it("GR-07 a gas-burning arbitrator costs a rejection at most its two gas caps; the default ruling frees the money", async function () {
      const f = await loadFixture(attackFixture);
      const trivial = await f.hostileArbitrator(HostileMode.Hungry, 0n, 0n);
      const burner = await f.hostileArbitrator(HostileMode.BurnGas, 0n, 5n * USDC);
      const a = await f.deliveredJob(await f.publish({ arbitrator: await trivial.getAddress() }));
      const b = await f.deliveredJob(await f.publish({ arbitrator: await burner.getAddress() }));
      const baseline = await gasOf(f.escrow.connect(f.clientOperator).reject(a, "ipfs://why", fromBalance()));
      const tx = f.escrow.connect(f.clientOperator).reject(b, "ipfs://why", fromBalance());
      // Its quote ran out of gas: no fee. Its notification ran out of gas: flagged, dispute open.
      await expect(tx)
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(b, f.clientId, f.providerId, await burner.getAddress(), 0n, 0n, "ipfs://why", f.clientOperator.address);
      await expect(tx).to.emit(f.escrow, "ArbitratorNotificationFailed").withArgs(b, await burner.getAddress());
      const burnt = (await (await tx).wait())!.gasUsed;
      expect(burnt).to.be.lessThanOrEqual(baseline + 50_000n + ARBITRATOR_GAS);
      await time.increase(RULING_PERIOD + 1n);
      const before = await f.vaultState();
      const gross = PRICE / 2n;
      await expect(f.escrow.connect(f.stranger).resolveByDefault(b)).not.to.emit(f.ledger, "DisputeRecorded");
      await f.expectSettlement(before, { provider: gross - feeOn(gross), fees: feeOn(gross), client: PRICE - gross }, PRICE);
    });

    it("GR-08 revert-data and return-data bombs from an arbitrator are not copied and do not set a fee", async function () {
      const f = await loadFixture(attackFixture);
      const [small, large] = [2_000n, 8_000n];
      const gas: bigint[] = [];
      for (const words of [small, large]) {
        const bomb = await f.hostileArbitrator(HostileMode.RevertBomb, words * 32n, 0n);
        const jobId = await f.deliveredJob(await f.publish({ arbitrator: await bomb.getAddress() }));
        const tx = f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
        await expect(tx).to.emit(f.escrow, "ArbitratorNotificationFailed").withArgs(jobId, await bomb.getAddress());
        gas.push((await (await tx).wait())!.gasUsed);
      }
      const calleeOnly = memoryCost(large) - memoryCost(small);
      expect(gas[1]! - gas[0]!).to.be.within(calleeOnly - 200n, calleeOnly + 200n);
      // A quote returned inside 64 KB of data is not a quote: the fee is 0, whatever the first word says.
      const returner = await f.hostileArbitrator(HostileMode.ReturnBomb, 2_048n * 32n, 5n * USDC);
      const jobId = await f.deliveredJob(await f.publish({ arbitrator: await returner.getAddress() }));
      const balance = await f.vault.balanceOf(f.clientId);
      const tx = f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
      await expect(tx)
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(jobId, f.clientId, f.providerId, await returner.getAddress(), 0n, 0n, "ipfs://why", f.clientOperator.address);
      await expect(tx).not.to.emit(f.escrow, "ArbitratorNotificationFailed");
      expect(await f.vault.balanceOf(f.clientId)).to.equal(balance);
      await f.solvent();
    });

    it("GR-09 a misbehaving arbitrator cannot rule out of range, on another arbitrator's job, or before a dispute", async function () {
      const f = await loadFixture(attackFixture);
      const rogue = await new MockArbitrator__factory(f.deployer).deploy(f.escrowAddress, 0n);
      const delivered = await f.deliveredJob();
      await expect(f.arbitrator.giveRuling(delivered, 10_000n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowUnexpectedState")
        .withArgs(delivered, JobState.Delivered, JobState.Disputed);
      await f.escrow.connect(f.clientOperator).reject(delivered, "ipfs://why", fromBalance());
      await expect(f.arbitrator.giveRuling(delivered, 10_001n)).to.be.revertedWithCustomError(f.escrow, "EscrowInvalidRuling").withArgs(delivered, 10_001n);
      await expect(rogue.giveRuling(delivered, 10_000n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNotArbitrator")
        .withArgs(delivered, await rogue.getAddress(), f.arbitratorAddress);
      await expect(f.escrow.connect(f.providerOperator).rule(delivered, 10_000n))
        .to.be.revertedWithCustomError(f.escrow, "EscrowNotArbitrator")
        .withArgs(delivered, f.providerOperator.address, f.arbitratorAddress);
      expect(await f.escrow.state(delivered)).to.equal(JobState.Disputed);
      await f.solvent();
    });

    it("GR-10 a silent arbitrator or a deadlocked committee cannot lock a dispute: the default splits evenly and refunds the fee", async function () {
      const f = await loadFixture(attackFixture);
      const silent = await new SilentArbitrator__factory(f.deployer).deploy(2n * USDC);
      f.trackCredit(await silent.getAddress());
      const committeeAddress = await f.committee.getAddress();
      for (const arbitrator of [await silent.getAddress(), committeeAddress]) {
        const jobId = await f.deliveredJob(await f.publish({ arbitrator }));
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
        const arbitrationFee = (await f.escrow.getJob(jobId)).arbitrationFee;
        expect(arbitrationFee).to.be.greaterThan(0n);
        if (arbitrator === committeeAddress) {
          for (const [i, share] of [0n, 5_000n, 10_000n].entries()) await f.committee.connect(f.members[i]!).vote(jobId, share);
          expect((await f.committee.getDispute(jobId)).ruled).to.equal(false);
        }
        await time.increase(RULING_PERIOD + 1n);
        const before = await f.vaultState([arbitrator]);
        const stats = await f.ledger.stats(f.providerId);
        await f.escrow.connect(f.stranger).resolveByDefault(jobId);
        const gross = PRICE / 2n;
        await f.expectSettlement(
          before,
          { provider: gross - feeOn(gross), fees: feeOn(gross), client: PRICE - gross + arbitrationFee },
          PRICE + arbitrationFee,
          [arbitrator],
        );
        expect(await f.ledger.stats(f.providerId)).to.deep.equal(stats);
      }
      await f.solvent();
    });

    it("GR-11 an absurd or reverting arbitration quote cannot block a rejection: capped at 10% or read as 0", async function () {
      const f = await loadFixture(attackFixture);
      const greedy = await new MockArbitrator__factory(f.deployer).deploy(f.escrowAddress, ethers.MaxUint256);
      const broken = await new RevertingArbitrator__factory(f.deployer).deploy(f.escrowAddress, 0n, true);
      f.trackCredit(await greedy.getAddress());
      const cap = (PRICE * ARBITRATION_FEE_CAP_BPS) / BPS;
      const a = await f.deliveredJob(await f.publish({ arbitrator: await greedy.getAddress() }));
      await expect(f.escrow.connect(f.clientOperator).reject(a, "ipfs://why", fromBalance()))
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(a, f.clientId, f.providerId, await greedy.getAddress(), cap, ethers.MaxUint256, "ipfs://why", f.clientOperator.address);
      const b = await f.deliveredJob(await f.publish({ arbitrator: await broken.getAddress() }));
      await expect(f.escrow.connect(f.clientOperator).reject(b, "ipfs://why", fromBalance()))
        .to.emit(f.escrow, "JobDisputed")
        .withArgs(b, f.clientId, f.providerId, await broken.getAddress(), 0n, 0n, "ipfs://why", f.clientOperator.address);
      // The greedy arbitrator rules and is paid the capped fee, to the unit.
      const before = await f.vaultState([await greedy.getAddress()]);
      await greedy.giveRuling(a, 0n);
      await f.expectSettlement(before, { client: PRICE, credits: cap }, PRICE + cap, [await greedy.getAddress()]);
      await f.solvent();
    });
  });
});
