import { loadFixture, takeSnapshot, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "hardhat";
import { MockValidator__factory } from "../../typechain-types";
import {
  ARBITRATION_FEE_CAP_BPS,
  BACK_RUNNER,
  ChannelStatus,
  FRONT_RUNNER,
  GRACE,
  USDC,
  VICTIM,
  attackFixture,
  expectMinedRevert,
  expectMinedSuccess,
  fromBalance,
  openChannelFixture,
  sameBlock,
  signCommitmentApproval,
  signVoucher,
} from "../fixtures/attacks";
import { signAgentWallet } from "../fixtures/agora";
import { ARB_FEE, BPS, JobState, Pricing, MAX_JOB_DURATION, PRICE, RESULT, REVIEW, RULING_PERIOD, SLA, Verdict, feeOn } from "../fixtures/jobs";

/*
 * Timing edges and front-running (docs/THREAT_MODEL.md, attacks TF-01..TF-16). Invariant 4: at every timestamp the
 * open exits are exactly the ones the spec gives, and two parties never race for opposing exits. Edge tests try
 * both sides at T-1, T and T+1 from the same snapshot; front-running tests turn automine off, send the victim's
 * transaction and the attacker's (with a higher tip, so it is ordered first), mine one block and check the outcome.
 */

type Attempt = () => Promise<ContractTransactionResponse>;

/** Runs `attempt` in a block at `timestamp`, from a snapshot that is restored afterwards. */
async function tryAt(timestamp: bigint, attempt: Attempt, check: (tx: Promise<ContractTransactionResponse>) => Promise<void>) {
  const snapshot = await takeSnapshot();
  try {
    await time.setNextBlockTimestamp(timestamp);
    await check(attempt());
  } finally {
    await snapshot.restore();
  }
}

describe("Attacks: timing edges and front-running", function () {
  describe("timing edges (invariant 4)", function () {
    it("TF-01 a client cannot set a deadline shorter than the SLA or longer than MAX_JOB_DURATION", async function () {
      const f = await loadFixture(attackFixture);
      const now = BigInt(await time.latest()) + 10n;
      const cases: [bigint, boolean][] = [
        [now + SLA - 1n, false],
        [now + SLA, true],
        [now + MAX_JOB_DURATION, true],
        [now + MAX_JOB_DURATION + 1n, false],
      ];
      for (const [deadline, ok] of cases) {
        await tryAt(
          now,
          async () => f.escrow.connect(f.clientOperator).createJob(await f.jobParams(f.listingId, { deadline }), fromBalance()),
          async (tx) => {
            if (ok) await expect(tx).to.emit(f.escrow, "JobCreated");
            else
              await expect(tx)
                .to.be.revertedWithCustomError(f.escrow, "EscrowInvalidDeadline")
                .withArgs(deadline, now + SLA, now + MAX_JOB_DURATION);
          },
        );
      }
    });

    it("TF-02 deadline: accept and deliver are open up to T, refund only from T+1 (never both, never neither)", async function () {
      const f = await loadFixture(attackFixture);
      const funded = await f.createJob();
      const accepted = await f.createJob();
      await f.escrow.connect(f.providerOperator).accept(accepted, fromBalance());
      for (const jobId of [funded, accepted]) {
        const deadline = (await f.escrow.getJob(jobId)).deadline;
        for (const ts of [deadline - 1n, deadline, deadline + 1n]) {
          const providerOpen = ts <= deadline;
          await tryAt(
            ts,
            () => f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r"),
            async (tx) => {
              if (providerOpen) await expect(tx).to.emit(f.escrow, "JobDelivered");
              else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(jobId, ts, deadline);
            },
          );
          if (jobId === funded) {
            await tryAt(
              ts,
              () => f.escrow.connect(f.providerOperator).accept(jobId, fromBalance()),
              async (tx) => {
                if (providerOpen) await expect(tx).to.emit(f.escrow, "JobAccepted");
                else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(jobId, ts, deadline);
              },
            );
          }
          await tryAt(
            ts,
            () => f.escrow.connect(f.stranger).refund(jobId),
            async (tx) => {
              if (!providerOpen) await expect(tx).to.emit(f.escrow, "JobRefunded");
              else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(jobId, ts, deadline + 1n);
            },
          );
        }
      }
    });

    it("TF-03 review window: reject is open up to reviewEndsAt, release only from reviewEndsAt+1", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.deliveredJob();
      const R = (await f.escrow.getJob(jobId)).reviewEndsAt;
      for (const ts of [R - 1n, R, R + 1n]) {
        const clientOpen = ts <= R;
        await tryAt(
          ts,
          () => f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance()),
          async (tx) => {
            if (clientOpen) await expect(tx).to.emit(f.escrow, "JobDisputed");
            else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(jobId, ts, R);
          },
        );
        await tryAt(
          ts,
          () => f.escrow.connect(f.stranger).release(jobId),
          async (tx) => {
            if (!clientOpen) await expect(tx).to.emit(f.escrow, "JobCompleted");
            else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(jobId, ts, R + 1n);
          },
        );
      }
    });

    it("TF-04 ruling period: the arbitrator rules up to disputedAt + RULING_PERIOD, the default applies only after", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.deliveredJob();
      await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
      const end = (await f.escrow.getJob(jobId)).disputedAt + RULING_PERIOD;
      for (const ts of [end - 1n, end, end + 1n]) {
        const arbitratorOpen = ts <= end;
        await tryAt(
          ts,
          () => f.escrow.connect(f.providerOperator).resolveByDefault(jobId),
          async (tx) => {
            if (!arbitratorOpen) await expect(tx).to.emit(f.escrow, "JobResolved");
            else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooEarly").withArgs(jobId, ts, end + 1n);
          },
        );
        await tryAt(
          ts,
          () => f.arbitrator.giveRuling(jobId, 0n),
          async (tx) => {
            if (arbitratorOpen) await expect(tx).to.emit(f.escrow, "Ruling").withArgs(f.arbitratorAddress, jobId, 0n);
            else await expect(tx).to.be.revertedWithCustomError(f.escrow, "EscrowTooLate").withArgs(jobId, ts, end);
          },
        );
      }
    });

    it("TF-05 channel grace: the provider claims up to graceEndsAt, the client finalizes only from graceEndsAt+1", async function () {
      const f = await loadFixture(openChannelFixture);
      await f.channels.connect(f.clientOwner).requestClose(f.channelId);
      const G = (await f.channels.getChannel(f.channelId)).graceEndsAt;
      expect(G).to.equal(BigInt(await time.latest()) + GRACE);
      const voucher = await signVoucher(f.channels, f.clientOwner, f.channelId, f.epoch, 10n * USDC);
      for (const ts of [G - 1n, G, G + 1n]) {
        const providerOpen = ts <= G;
        await tryAt(
          ts,
          () => f.channels.connect(f.providerOperator).claim(f.channelId, f.epoch, 10n * USDC, voucher),
          async (tx) => {
            if (providerOpen) await expect(tx).to.emit(f.channels, "ChannelClaimed");
            else await expect(tx).to.be.revertedWithCustomError(f.channels, "ChannelGracePeriodOver").withArgs(f.channelId, G);
          },
        );
        await tryAt(
          ts,
          () => f.channels.connect(f.providerOperator).closeByProvider(f.channelId, f.epoch, 10n * USDC, voucher),
          async (tx) => {
            if (providerOpen) await expect(tx).to.emit(f.channels, "ChannelClaimed");
            else await expect(tx).to.be.revertedWithCustomError(f.channels, "ChannelGracePeriodOver").withArgs(f.channelId, G);
          },
        );
        await tryAt(
          ts,
          () => f.channels.connect(f.stranger).finalizeClose(f.channelId),
          async (tx) => {
            if (!providerOpen) await expect(tx).to.emit(f.channels, "ChannelClosed");
            else await expect(tx).to.be.revertedWithCustomError(f.channels, "ChannelGracePeriodActive").withArgs(f.channelId, G);
          },
        );
      }
    });

    it("TF-06 punctuality: a delivery at onTimeBy counts as on time, one second later it does not", async function () {
      const f = await loadFixture(attackFixture);
      for (const [offset, onTime] of [
        [0n, true],
        [1n, false],
      ] as const) {
        const jobId = await f.createJob();
        const job = await f.escrow.getJob(jobId);
        const ts = job.onTimeBy + offset;
        await time.setNextBlockTimestamp(ts);
        await expect(f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r"))
          .to.emit(f.escrow, "JobDelivered")
          .withArgs(jobId, f.clientId, f.providerId, RESULT, "ipfs://r", ts + REVIEW, ts - job.startedAt, onTime, f.providerOperator.address);
      }
    });

    it("TF-07 signed proofs die at their deadline: wallet proof (<= now + 300 s) and owner pre-approval", async function () {
      const f = await loadFixture(attackFixture);
      const { registry, vault, clientId, clientOwner, attacker } = f;
      const registryAddress = await registry.getAddress();
      // Wallet proof: a deadline more than 5 minutes ahead is refused (no long-lived proofs to steal).
      const now = BigInt(await time.latest()) + 5n;
      const nonce = await registry.walletNonce(clientId);
      const far = await signAgentWallet(registryAddress, attacker, clientId, clientOwner.address, nonce, now + 301n);
      await time.setNextBlockTimestamp(now);
      await expect(registry.connect(clientOwner).setAgentWallet(clientId, attacker.address, now + 301n, far))
        .to.be.revertedWithCustomError(registry, "AgentWalletProofDeadlineTooFar")
        .withArgs(now + 301n, now + 300n);
      const proof = await signAgentWallet(registryAddress, attacker, clientId, clientOwner.address, nonce, now + 300n);
      await tryAt(now + 301n, () => registry.connect(clientOwner).setAgentWallet(clientId, attacker.address, now + 300n, proof), async (tx) => {
        await expect(tx).to.be.revertedWithCustomError(registry, "AgentWalletProofExpired").withArgs(now + 300n, now + 301n);
      });
      await tryAt(now + 300n, () => registry.connect(clientOwner).setAgentWallet(clientId, attacker.address, now + 300n, proof), async (tx) => {
        await expect(tx).to.emit(registry, "AgentWalletChanged");
      });
      // Owner pre-approval: usable at its deadline, expired one second later.
      const deadline = BigInt(await time.latest()) + 100n;
      const approval = { agentId: clientId, counterpartyId: f.providerId, amount: 5n * USDC, nonce: await vault.approvalNonce(clientId), deadline };
      const sig = await signCommitmentApproval(vault, clientOwner, approval);
      await tryAt(deadline + 1n, () => vault.connect(attacker).approveCommitment(clientId, f.providerId, 5n * USDC, deadline, sig), async (tx) => {
        await expect(tx).to.be.revertedWithCustomError(vault, "VaultOwnerApprovalExpired").withArgs(deadline);
      });
      await tryAt(deadline, () => vault.connect(attacker).approveCommitment(clientId, f.providerId, 5n * USDC, deadline, sig), async (tx) => {
        await expect(tx).to.emit(vault, "OwnerApprovalSet").withArgs(clientId, f.providerId, 5n * USDC, deadline, 0n);
      });
    });
  });

  describe("front-running with automine off", function () {
    it("TF-08 refund against delivery at the deadline: the block's timestamp decides, not the order", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.createJob();
      await f.escrow.connect(f.providerOperator).accept(jobId, fromBalance());
      const T = (await f.escrow.getJob(jobId)).deadline;

      // Mined at T: the client's refund goes first (higher tip) and fails; the provider's delivery stands.
      let snapshot = await takeSnapshot();
      let [deliver, refund] = await sameBlock(async () => [
        await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r", VICTIM),
        await f.escrow.connect(f.clientOperator).refund(jobId, FRONT_RUNNER),
      ], T);
      expect(refund.index).to.be.lessThan(deliver.index);
      await expectMinedRevert(refund, f.escrow, "EscrowTooEarly", [jobId, T, T + 1n]);
      expectMinedSuccess(deliver);
      expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered);
      await snapshot.restore();

      // Mined at T+1: the provider is late whatever its tip; the refund stands.
      snapshot = await takeSnapshot();
      [deliver, refund] = await sameBlock(async () => [
        await f.escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://r", FRONT_RUNNER),
        await f.escrow.connect(f.clientOperator).refund(jobId, VICTIM),
      ], T + 1n);
      expect(deliver.index).to.be.lessThan(refund.index);
      await expectMinedRevert(deliver, f.escrow, "EscrowTooLate", [jobId, T + 1n, T]);
      expectMinedSuccess(refund);
      expect(await f.escrow.state(jobId)).to.equal(JobState.Refunded);
      await f.solvent();
      await snapshot.restore();
    });

    it("TF-09 release against dispute at the end of the review window: the block's timestamp decides", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.deliveredJob();
      const R = (await f.escrow.getJob(jobId)).reviewEndsAt;

      let snapshot = await takeSnapshot();
      let [reject, release] = await sameBlock(async () => [
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), VICTIM),
        await f.escrow.connect(f.providerOperator).release(jobId, FRONT_RUNNER),
      ], R);
      expect(release.index).to.be.lessThan(reject.index);
      await expectMinedRevert(release, f.escrow, "EscrowTooEarly", [jobId, R, R + 1n]);
      expectMinedSuccess(reject);
      expect(await f.escrow.state(jobId)).to.equal(JobState.Disputed);
      await snapshot.restore();

      snapshot = await takeSnapshot();
      [reject, release] = await sameBlock(async () => [
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), FRONT_RUNNER),
        await f.escrow.connect(f.providerOperator).release(jobId, VICTIM),
      ], R + 1n);
      expect(reject.index).to.be.lessThan(release.index);
      await expectMinedRevert(reject, f.escrow, "EscrowTooLate", [jobId, R + 1n, R]);
      expectMinedSuccess(release);
      expect(await f.escrow.state(jobId)).to.equal(JobState.Completed);
      await f.solvent();
      await snapshot.restore();
    });

    it("TF-10 price change against hire: a provider raising the price in front of a hire cannot overcharge the client", async function () {
      const f = await loadFixture(attackFixture);
      const { escrow, listings, vault, clientId } = f;
      const balance = await vault.balanceOf(clientId);
      // Fixed price: raised by one unit in front of the hire.
      const [update, hire] = await sameBlock(async () => [
        await listings.connect(f.providerOperator).update(f.listingId, f.listingParams({ price: PRICE + 1n }), FRONT_RUNNER),
        await escrow.connect(f.clientOperator).createJob(await f.jobParams(f.listingId, { maxPrice: PRICE }), fromBalance(), VICTIM),
      ]);
      expectMinedSuccess(update);
      await expectMinedRevert(hire, escrow, "EscrowPriceAboveMax", [f.listingId, PRICE + 1n, PRICE]);
      // Quoted: the floor raised above the agreed amount.
      const [update2, hire2] = await sameBlock(async () => [
        await listings.connect(f.providerOperator).update(f.quotedListingId, f.listingParams({ price: 60n * USDC, pricing: Pricing.Quoted }), FRONT_RUNNER),
        await escrow.connect(f.clientOperator).createJob(await f.jobParams(f.quotedListingId, { maxPrice: 50n * USDC }), fromBalance(), VICTIM),
      ]);
      expectMinedSuccess(update2);
      await expectMinedRevert(hire2, escrow, "EscrowPriceAboveMax", [f.quotedListingId, 60n * USDC, 50n * USDC]);
      expect(await vault.balanceOf(clientId)).to.equal(balance);
      expect(await escrow.totalJobs()).to.equal(0n);
      await f.solvent();
    });

    it("TF-11 cancel against delivery: a provider that accepted first cannot be robbed of a delivery read from the mempool", async function () {
      const f = await loadFixture(attackFixture);
      const { escrow } = f;
      // Open risk, pinned: a provider that delivers straight from Funded can be front-run by the client's cancel.
      const naive = await f.createJob();
      let snapshot = await takeSnapshot();
      const [deliver, cancel] = await sameBlock(async () => {
        const d = await escrow.connect(f.providerOperator).deliver(naive, RESULT, "ipfs://the-work", VICTIM);
        const pending = await ethers.provider.getTransaction(d.hash);
        const leaked = escrow.interface.parseTransaction({ data: pending?.data ?? "0x" });
        expect(leaked?.args.resultURI).to.equal("ipfs://the-work"); // the client now has the result
        return [d, await escrow.connect(f.clientOperator).cancel(naive, FRONT_RUNNER)];
      });
      expectMinedSuccess(cancel);
      await expectMinedRevert(deliver, escrow, "EscrowUnexpectedState", [naive, JobState.Cancelled, JobState.Funded]);
      await snapshot.restore();

      // Defence: accept, then work, then deliver. The client's cancel is closed from acceptance on.
      const jobId = await f.createJob();
      await escrow.connect(f.providerOperator).accept(jobId, fromBalance());
      snapshot = await takeSnapshot();
      const [deliver2, cancel2] = await sameBlock(async () => [
        await escrow.connect(f.providerOperator).deliver(jobId, RESULT, "ipfs://the-work", VICTIM),
        await escrow.connect(f.clientOperator).cancel(jobId, FRONT_RUNNER),
      ]);
      expect(cancel2.index).to.be.lessThan(deliver2.index);
      await expectMinedRevert(cancel2, escrow, "EscrowUnexpectedState", [jobId, JobState.Accepted, JobState.Funded]);
      expectMinedSuccess(deliver2);
      expect(await escrow.state(jobId)).to.equal(JobState.Delivered);
      await snapshot.restore();
    });

    it("TF-12 arbitration fee raised in front of a rejection: the client pays at most ARBITRATION_FEE_CAP_BPS of the job", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.deliveredJob();
      const cap = (PRICE * ARBITRATION_FEE_CAP_BPS) / BPS;
      const balance = await f.vault.balanceOf(f.clientId);
      const [raise, reject] = await sameBlock(async () => [
        await f.arbitrator.setFee(PRICE / 2n, FRONT_RUNNER),
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), VICTIM),
      ]);
      expectMinedSuccess(raise);
      expectMinedSuccess(reject);
      const job = await f.escrow.getJob(jobId);
      expect([job.state, job.arbitrationFee]).to.deep.equal([JobState.Disputed, cap]);
      expect(await f.vault.balanceOf(f.clientId)).to.equal(balance - cap);
      await f.solvent();
    });

    it("TF-13 default ruling against a ruling at the end of the ruling period: the block's timestamp decides", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.deliveredJob();
      await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance());
      const end = (await f.escrow.getJob(jobId)).disputedAt + RULING_PERIOD;
      const before = await f.vaultState();

      // Mined at the last second of the period: the provider's front-running default fails, the ruling stands.
      let snapshot = await takeSnapshot();
      let [rule, byDefault] = await sameBlock(async () => [
        await f.arbitrator.giveRuling(jobId, 0n, VICTIM),
        await f.escrow.connect(f.providerOperator).resolveByDefault(jobId, FRONT_RUNNER),
      ], end);
      expect(byDefault.index).to.be.lessThan(rule.index);
      await expectMinedRevert(byDefault, f.escrow, "EscrowTooEarly", [jobId, end, end + 1n]);
      expectMinedSuccess(rule);
      await f.expectSettlement(before, { client: PRICE, credits: ARB_FEE }, PRICE + ARB_FEE);
      await snapshot.restore();

      // One second later a late ruling fails even ahead of the default: the two never race.
      snapshot = await takeSnapshot();
      [rule, byDefault] = await sameBlock(async () => [
        await f.arbitrator.giveRuling(jobId, 0n, FRONT_RUNNER),
        await f.escrow.connect(f.providerOperator).resolveByDefault(jobId, VICTIM),
      ], end + 1n);
      expect(rule.index).to.be.lessThan(byDefault.index);
      await expectMinedRevert(rule, f.escrow, "EscrowTooLate", [jobId, end + 1n, end]);
      expectMinedSuccess(byDefault);
      const gross = PRICE / 2n;
      const fee = feeOn(gross);
      await f.expectSettlement(before, { provider: gross - fee, fees: fee, client: PRICE - gross + ARB_FEE }, PRICE + ARB_FEE);
      await snapshot.restore();
    });

    it("TF-14 a compromised guardian pausing in front of a rejection cannot make the client miss its review window", async function () {
      const f = await loadFixture(attackFixture);
      const jobId = await f.deliveredJob();
      const R = (await f.escrow.getJob(jobId)).reviewEndsAt;
      const [pause, reject, hire] = await sameBlock(async () => [
        await f.vault.connect(f.guardian).pause(FRONT_RUNNER),
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), VICTIM),
        await f.escrow.connect(f.clientOwner).createJob(await f.jobParams(f.listingId, { deadline: R + 2n * SLA }), fromBalance(), BACK_RUNNER),
      ], R);
      expectMinedSuccess(pause);
      expectMinedSuccess(reject); // the arbitration fee is not new business
      await expectMinedRevert(hire, f.vault, "VaultPaused", []); // the pause did land first
      expect(await f.escrow.state(jobId)).to.equal(JobState.Disputed);
      await f.solvent();
    });

    it("TF-15 validator verdict against rejection: of a poll and a reject sent together exactly one settles the job", async function () {
      const f = await loadFixture(attackFixture);
      const validator = await new MockValidator__factory(f.deployer).deploy();
      const listingId = await f.publish({ validator: await validator.getAddress() });
      const jobId = await f.deliveredJob(listingId);
      expect(await f.escrow.state(jobId)).to.equal(JobState.Delivered); // Pending at delivery
      await validator.setVerdict(Verdict.Approved);

      let snapshot = await takeSnapshot();
      let [poll, reject] = await sameBlock(async () => [
        await f.escrow.connect(f.providerOperator).pollValidator(jobId, VICTIM),
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), FRONT_RUNNER),
      ]);
      expectMinedSuccess(reject);
      await expectMinedRevert(poll, f.escrow, "EscrowUnexpectedState", [jobId, JobState.Disputed, JobState.Delivered]);
      await snapshot.restore();

      snapshot = await takeSnapshot();
      [poll, reject] = await sameBlock(async () => [
        await f.escrow.connect(f.providerOperator).pollValidator(jobId, FRONT_RUNNER),
        await f.escrow.connect(f.clientOperator).reject(jobId, "ipfs://why", fromBalance(), VICTIM),
      ]);
      expectMinedSuccess(poll);
      await expectMinedRevert(reject, f.escrow, "EscrowUnexpectedState", [jobId, JobState.Completed, JobState.Delivered]);
      await f.solvent();
      await snapshot.restore();
    });

    it("TF-16 close against claim: a client closing in front of the provider's claim cannot void it", async function () {
      const f = await loadFixture(openChannelFixture);
      const amount = 30n * USDC;
      const voucher = await signVoucher(f.channels, f.clientOwner, f.channelId, f.epoch, amount);
      const providerBalance = await f.vault.balanceOf(f.providerId);
      const [close, claim] = await sameBlock(async () => [
        await f.channels.connect(f.clientOwner).requestClose(f.channelId, FRONT_RUNNER),
        await f.channels.connect(f.providerOperator).claim(f.channelId, f.epoch, amount, voucher, VICTIM),
      ]);
      expectMinedSuccess(close);
      expectMinedSuccess(claim);
      const fee = feeOn(amount);
      expect(await f.vault.balanceOf(f.providerId)).to.equal(providerBalance + amount - fee);
      const ch = await f.channels.getChannel(f.channelId);
      expect([ch.status, ch.claimed]).to.deep.equal([ChannelStatus.Closing, amount]);
      await f.solvent();
    });
  });
});
