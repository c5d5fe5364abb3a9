import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { type ContractTransactionResponse, ZeroAddress } from "ethers";
import { ethers } from "hardhat";
import { USDC } from "../fixtures/agora";
import { BUCKET, DAY, HOUR, channelIdOf, freshSalt, signVoucher, withCompromisedOperatorFixture } from "../fixtures/controls";
import { RESULT } from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

/*
 * A stolen operator key (PROTOCOL.md §1, §2.7): the thief hires its own sock-puppet agents with the victim's money
 * through every kind of commitment, as fast as the limits allow, for three days. The owner's caps bound the loss;
 * the key cannot take the balance out, nor undo the owner's freeze.
 */

type F = Awaited<ReturnType<typeof withCompromisedOperatorFixture>>;
const VECTORS = ["job", "arbitrationFee", "channel", "channelTopUp", "collateral"] as const;
type Vector = (typeof VECTORS)[number];

/** The vault's custom error in a failed transaction, or undefined. */
function vaultError(f: F, error: unknown): { name: string; args: bigint[] } | undefined {
  const data = (error as { data?: string }).data;
  if (typeof data !== "string") return undefined;
  const parsed = f.vault.interface.parseError(data);
  return parsed ? { name: parsed.name, args: [...parsed.args] as bigint[] } : undefined;
}

/**
 * Commits as much as the limits let through: the per-tx cap first, and after a `VaultDailyCapExceeded` what is left
 * of the daily cap. `commit(amount)` sends one commitment. Returns the amount committed (0 if nothing fit).
 */
async function greedy(f: F, commit: (amount: bigint) => Promise<ContractTransactionResponse>): Promise<bigint> {
  let amount = f.perTxCap;
  for (;;) {
    try {
      await commit(amount);
      return amount;
    } catch (error) {
      const e = vaultError(f, error);
      if (e?.name !== "VaultDailyCapExceeded") throw error;
      const [, cap, spent] = e.args;
      if (cap - spent === 0n || cap - spent >= amount) return 0n;
      amount = cap - spent;
    }
  }
}

/** The attacker's playbook; each vector ends with the money on the attacker's side (or on its way there). */
function playbook(f: F) {
  const { escrow, channels, stolenKey, attacker, clientId: victimId, sockProviderId, sockClientId, attackerArbitrator } = f;
  const toRefund: bigint[] = [];
  const toRelease: bigint[] = [];
  const soon = async (seconds: bigint) => BigInt(await time.latest()) + seconds;

  async function victimHiresSock(amount: bigint): Promise<bigint> {
    await escrow
      .connect(stolenKey)
      .createJob(
        { clientId: victimId, listingId: f.sockListing, maxPrice: amount, deadline: await soon(DAY), specHash: ethers.ZeroHash, termsHash: await f.listings.termsHash(f.sockListing) },
        fromBalance(),
      );
    return escrow.totalJobs();
  }

  async function drainChannel(channelId: string, total: bigint) {
    const voucher = await signVoucher(channels, stolenKey, channelId, 1n, total);
    await channels.connect(attacker).closeByProvider(channelId, 1n, total, voucher);
  }

  const run: Record<Vector, () => Promise<bigint>> = {
    // Hire the sock provider, "deliver", approve with the stolen key.
    async job() {
      let jobId = 0n;
      const spent = await greedy(f, async (amount) => {
        const tx = await escrow
          .connect(stolenKey)
          .createJob(
            { clientId: victimId, listingId: f.sockListing, maxPrice: amount, deadline: await soon(DAY), specHash: ethers.ZeroHash, termsHash: await f.listings.termsHash(f.sockListing) },
            fromBalance(),
          );
        jobId = await escrow.totalJobs();
        return tx;
      });
      if (spent === 0n) return 0n;
      await escrow.connect(attacker).deliver(jobId, RESULT, "ipfs://nothing");
      await escrow.connect(stolenKey).approve(jobId);
      return spent;
    },
    // Hire, reject to pay the attacker's arbitrator a fee, and have it rule everything to the sock provider.
    async arbitrationFee() {
      let jobId = 0n;
      const funded = await greedy(f, async (amount) => {
        jobId = 0n;
        const tx = await escrow
          .connect(stolenKey)
          .createJob(
            { clientId: victimId, listingId: f.sockListing, maxPrice: amount, deadline: await soon(DAY), specHash: ethers.ZeroHash, termsHash: await f.listings.termsHash(f.sockListing) },
            fromBalance(),
          );
        jobId = await escrow.totalJobs();
        return tx;
      });
      if (funded === 0n) return 0n;
      await escrow.connect(attacker).deliver(jobId, RESULT, "ipfs://nothing");
      const fee = await greedy(f, async (amount) => {
        await attackerArbitrator.setFee(amount < funded / 10n ? amount : funded / 10n);
        return escrow.connect(stolenKey).reject(jobId, "ipfs://pretext", fromBalance());
      });
      if (fee === 0n) {
        toRelease.push(jobId);
        return funded;
      }
      await attackerArbitrator.giveRuling(jobId, 10_000n);
      return funded + (fee < funded / 10n ? fee : funded / 10n);
    },
    // Open a channel to the sock provider with the stolen key as payer authorizer, sign the whole deposit away.
    async channel() {
      const salt = freshSalt();
      const spent = await greedy(f, (amount) =>
        channels.connect(stolenKey).open(victimId, sockProviderId, salt, ZeroAddress, amount, fromBalance()),
      );
      if (spent !== 0n) await drainChannel(channelIdOf(victimId, sockProviderId, salt), spent);
      return spent;
    },
    // The same with a small opening deposit and a top-up.
    async channelTopUp() {
      const salt = freshSalt();
      const channelId = channelIdOf(victimId, sockProviderId, salt);
      let opened = 0n;
      try {
        await channels.connect(stolenKey).open(victimId, sockProviderId, salt, ZeroAddress, 1n, fromBalance());
        opened = 1n;
      } catch (error) {
        if (vaultError(f, error)?.name !== "VaultDailyCapExceeded") throw error;
        return 0n;
      }
      const topped = await greedy(f, (amount) => channels.connect(stolenKey).topUp(channelId, amount, fromBalance()));
      await drainChannel(channelId, opened + topped);
      return opened + topped;
    },
    // The stolen key publishes bait terms for the victim (100% collateral), the sock client hires, the stolen key
    // accepts (posting the victim's collateral), and the deadline passes: the collateral goes to the sock client.
    async collateral() {
      let jobId = 0n;
      const spent = await greedy(f, async (amount) => {
        if (jobId !== 0n) await escrow.connect(attacker).cancel(jobId);
        await escrow
          .connect(attacker)
          .createJob(
            {
              clientId: sockClientId,
              listingId: f.baitListing,
              maxPrice: amount,
              deadline: await soon(2n * 60n),
              specHash: ethers.ZeroHash,
              termsHash: await f.listings.termsHash(f.baitListing),
            },
            fromTransfer(),
          );
        jobId = await escrow.totalJobs();
        expect(await escrow.requiredCollateral(victimId, amount, 10_000n)).to.equal(amount);
        return escrow.connect(stolenKey).accept(jobId, fromBalance());
      });
      if (spent === 0n) await escrow.connect(attacker).cancel(jobId);
      else toRefund.push(jobId);
      return spent;
    },
  };

  /** Settles what the previous rounds left open (deadlines and review windows have passed by then). */
  async function settle() {
    for (const jobId of toRefund.splice(0)) await escrow.connect(attacker).refund(jobId);
    for (const jobId of toRelease.splice(0)) await escrow.connect(attacker).release(jobId);
  }

  return { run, settle, victimHiresSock };
}

/** Three days of attack rounds every 3 hours (at varying offsets); returns what each round took and when. */
async function attackFor3DaysFixture() {
  const f = await withCompromisedOperatorFixture();
  const { vault, clientId: victimId } = f;
  const { run, settle } = playbook(f);
  const start = ((BigInt(await time.latest()) + DAY) / BUCKET) * BUCKET;
  const rounds: { at: bigint; balanceBefore: bigint; taken: Record<Vector, bigint> }[] = [];
  for (let k = 0n; k < 24n; k++) {
    const at = start + k * BUCKET + [0n, HOUR, 2n * HOUR][Number(k % 3n)];
    await time.increaseTo(at);
    await settle();
    const balanceBefore = await vault.balanceOf(victimId);
    const taken = {} as Record<Vector, bigint>;
    // Each round starts with another vector, so every vector gets the first pick of a freed window.
    for (let v = 0; v < VECTORS.length; v++) {
      const vector = VECTORS[(Number(k) + v) % VECTORS.length];
      taken[vector] = await run[vector]();
    }
    rounds.push({ at, balanceBefore, taken });
  }
  await time.increase(DAY);
  await settle();
  const end = await vault.balanceOf(victimId);

  // Every operator commitment of the victim, from the vault's own events.
  const events = await vault.queryFilter(vault.filters.Committed(undefined, victimId));
  const commitments = [];
  for (const e of events) {
    const block = await e.getBlock();
    commitments.push({ at: BigInt(block.timestamp), amount: e.args.amount, byOwner: e.args.byOwner, module: e.args.module });
  }
  return { ...f, start, rounds, end, commitments };
}

describe("A compromised operator key", function () {
  it("fixture: the sock puppets belong to another owner, the attacker", async function () {
    const f = await loadFixture(withCompromisedOperatorFixture);
    expect(await f.registry.ownerOf(f.sockProviderId)).to.equal(f.attacker.address);
    expect(await f.registry.ownerOf(f.sockClientId)).to.equal(f.attacker.address);
    expect(await f.registry.getAgentWallet(f.clientId)).to.equal(f.stolenKey.address);
    expect((await f.listings.getListing(f.baitListing)).providerId).to.equal(f.clientId);
  });

  describe("three days of attacks through every kind of commitment", function () {
    it("uses every vector, and the vault saw only operator commitments", async function () {
      const f = await loadFixture(attackFor3DaysFixture);
      for (const vector of VECTORS) {
        const total = f.rounds.reduce((sum, r) => sum + r.taken[vector], 0n);
        expect(total, vector).to.be.greaterThan(0n);
      }
      expect(f.commitments.every((c) => !c.byOwner)).to.equal(true);
      const modules = new Set(f.commitments.map((c) => c.module));
      expect(modules).to.deep.equal(new Set([f.escrowAddress, await f.channels.getAddress()]));
    });

    it("never commits more than the per-tx cap at once", async function () {
      const f = await loadFixture(attackFor3DaysFixture);
      expect(f.commitments.length).to.be.greaterThan(15);
      for (const c of f.commitments) expect(c.amount).to.be.lte(f.perTxCap);
    });

    it("never loses more than the daily cap in any closed 24-hour interval, all vectors combined", async function () {
      const f = await loadFixture(attackFor3DaysFixture);
      for (const last of f.commitments) {
        const window = f.commitments.filter((c) => c.at >= last.at - DAY && c.at <= last.at).reduce((s, c) => s + c.amount, 0n);
        expect(window, `24 h ending ${last.at - f.start}s after the start`).to.be.lte(f.dailyCap);
      }
      // Balance checkpoints 24 hours apart (8 rounds of 3 hours) lose at most the cap between them.
      for (let i = 0; i + 8 < f.rounds.length; i++) {
        expect(f.rounds[i].balanceBefore - f.rounds[i + 8].balanceBefore).to.be.lte(f.dailyCap);
      }
    });

    it("loses exactly what was committed, at most three daily caps over three days, and the caps were reached", async function () {
      const f = await loadFixture(attackFor3DaysFixture);
      const committed = f.commitments.reduce((s, c) => s + c.amount, 0n);
      const taken = f.rounds.reduce((s, r) => s + VECTORS.reduce((t, v) => t + r.taken[v], 0n), 0n);
      expect(taken).to.equal(committed);
      expect(f.rounds[0].balanceBefore - f.end).to.equal(committed);
      expect(committed).to.be.lte(3n * f.dailyCap);
      // The attack was not timid: it spent at least two full caps.
      expect(committed).to.be.gte(2n * f.dailyCap);
      // Nothing is left in flight: every unit went to the attacker's side.
      expect(await f.vault.locked(f.escrowAddress)).to.equal(0n);
      expect(await f.vault.locked(await f.channels.getAddress())).to.equal(0n);
      await f.expectSolvent([await f.attackerArbitrator.getAddress()]);
    });
  });

  describe("the stolen key cannot take the money out or escape the freeze", function () {
    it("withdraws only to the owner's payout address", async function () {
      const f = await loadFixture(withCompromisedOperatorFixture);
      const amount = 300n * USDC;
      await expect(f.vault.connect(f.stolenKey).withdraw(f.clientId, amount)).to.changeTokenBalances(
        f.usdc,
        [f.clientPayout, f.stolenKey, f.attacker, f.vault],
        [amount, 0n, 0n, -amount],
      );
      await expect(f.vault.connect(f.stolenKey).setPayoutAddress(f.clientId, f.attacker.address))
        .to.be.revertedWithCustomError(f.vault, "VaultNotOwner")
        .withArgs(f.clientId, f.stolenKey.address);
    });

    it("after the owner's freeze, commits nothing, changes nothing, and the owner takes the rest home", async function () {
      const f = await loadFixture(withCompromisedOperatorFixture);
      const { vault, registry, escrow, usdc, clientId: victimId, clientOwner, stolenKey, attacker, freshKey } = f;
      const { run, victimHiresSock } = playbook(f);
      // One job in flight before the owner notices.
      const inFlight = await victimHiresSock(10n * USDC);
      await expect(registry.connect(clientOwner).freeze(victimId))
        .to.emit(registry, "AgentFreezeChanged")
        .withArgs(victimId, true, clientOwner.address);

      for (const vector of ["job", "channel", "channelTopUp", "collateral"] as const) {
        await expect(run[vector](), vector).to.be.revertedWithCustomError(registry, "AgentFrozen").withArgs(victimId, stolenKey.address);
      }
      await escrow.connect(attacker).deliver(inFlight, RESULT, "ipfs://nothing");
      await expect(escrow.connect(stolenKey).approve(inFlight))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(victimId, stolenKey.address);
      await expect(vault.connect(stolenKey).withdraw(victimId, 1n))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(victimId, stolenKey.address);
      await expect(f.listings.connect(stolenKey).publish(victimId, f.listingParams({ metadataURI: "ipfs://more-bait" })))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(victimId, stolenKey.address);

      // No way out of the freeze: not unfreezing, not a new wallet, not taking the NFT, not loosening the limits.
      await expect(registry.connect(stolenKey).unfreeze(victimId))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(victimId, stolenKey.address);
      const proof = await f.walletProof(freshKey, victimId, clientOwner.address);
      await expect(registry.connect(stolenKey).setAgentWallet(victimId, freshKey.address, proof.deadline, proof.signature))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(victimId, stolenKey.address);
      await expect(registry.connect(stolenKey).transferFrom(clientOwner.address, attacker.address, victimId))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(stolenKey.address, victimId);
      await expect(vault.connect(stolenKey).setSpendingLimits(victimId, { perTxCap: 0n, dailyCap: 0n, allowlistOnly: false }))
        .to.be.revertedWithCustomError(vault, "VaultNotOwner")
        .withArgs(victimId, stolenKey.address);
      expect(await registry.isFrozen(victimId)).to.equal(true);

      // The owner rejects the sham delivery itself (its arbitration fee is not limited) and withdraws everything else.
      await expect(escrow.connect(clientOwner).reject(inFlight, "ipfs://sham", fromBalance())).to.emit(escrow, "JobDisputed");
      const balance = await vault.balanceOf(victimId);
      await expect(vault.connect(clientOwner).withdraw(victimId, balance)).to.changeTokenBalances(
        usdc,
        [f.clientPayout, stolenKey, attacker],
        [balance, 0n, 0n],
      );
      expect(await vault.balanceOf(victimId)).to.equal(0n);
    });
  });
});
