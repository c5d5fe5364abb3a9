import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { loadFixture, time } from "@nomicfoundation/hardhat-toolbox/network-helpers";
import { expect } from "chai";
import { type ContractTransactionResponse, ZeroAddress } from "ethers";
import { ethers } from "hardhat";
import { USDC } from "../fixtures/agora";
import {
  BUCKET,
  COMMIT_KINDS,
  type CommitKind,
  type Controls,
  DAY,
  HOUR,
  SOURCES,
  type SourceName,
  SourceId,
  WINDOW_BUCKETS,
  freshSalt,
  nextPeriodStart,
  periodOf,
  signVoucher,
  withBusinessFixture,
  withControlsFixture,
  type Business,
} from "../fixtures/controls";
import { REVIEW } from "../fixtures/jobs";
import { fromBalance, fromTransfer } from "../helpers/funding";

/*
 * Invariant 8 and PROTOCOL.md §2.7 end to end: the owner's caps bind every kind of operator commitment through the
 * real modules, the operator cannot change any control, withdrawals go only to the payout address, the owner can
 * always act, and a freeze stops the operator at once without blocking any exit.
 */

/** Commits `amount` of `kind` by `signer` and checks the vault's `Committed` event to the unit. */
async function expectCommitted(
  f: Controls,
  kind: CommitKind,
  amount: bigint,
  source: SourceName,
  signer?: HardhatEthersSigner,
): Promise<ContractTransactionResponse> {
  const p = await f.prepare(kind, amount);
  const caller = signer ?? p.operator;
  const funding = await f.fundingFor(source, caller, amount);
  const balance = await f.vault.balanceOf(p.agentId);
  const tx = p.send(caller, funding);
  await expect(tx)
    .to.emit(f.vault, "Committed")
    .withArgs(
      await p.module.getAddress(),
      p.agentId,
      p.counterpartyId,
      caller.address,
      amount,
      SourceId[source],
      caller.address === p.owner.address,
      source === "Balance" ? balance - amount : balance,
    );
  return tx;
}

/** Tries a commitment that the limits must refuse; returns the prepared commitment and its promise. */
async function attempt(f: Controls, kind: CommitKind, amount: bigint, source: SourceName = "Balance") {
  const p = await f.prepare(kind, amount);
  const funding = await f.fundingFor(source, p.operator, amount);
  return { ...p, tx: p.send(p.operator, funding) };
}

/** Sets a daily cap, far above what the test spends, so that `spentInWindow` records the operator's commitments. */
const ROOMY_DAILY_CAP = 500n * USDC;

describe("Spending limits across the protocol (invariant 8)", function () {
  describe("every kind of operator commitment, every funding source", function () {
    for (const kind of COMMIT_KINDS) {
      for (const source of SOURCES) {
        describe(`${kind} funded by ${source}`, function () {
          it("per-tx cap: the cap passes, cap + 1 reverts VaultPerTxCapExceeded and moves no counter", async function () {
            const f = await loadFixture(withControlsFixture);
            const cap = 7n * USDC;
            const { agentId } = f.sideOf(kind);
            await f.setLimits(agentId, cap, ROOMY_DAILY_CAP);

            const over = await attempt(f, kind, cap + 1n, source);
            await expect(over.tx)
              .to.be.revertedWithCustomError(f.vault, "VaultPerTxCapExceeded")
              .withArgs(agentId, cap, cap + 1n);
            expect(await f.vault.spentInWindow(agentId)).to.equal(0n);

            const tx = await expectCommitted(f, kind, cap, source);
            await expect(tx).to.emit(f.vault, "SpendingRecorded").withArgs(agentId, cap, cap);
            expect(await f.vault.spentInWindow(agentId)).to.equal(cap);
          });

          it("daily cap: commitments up to the cap pass, one unit more reverts VaultDailyCapExceeded and moves no counter", async function () {
            const f = await loadFixture(withControlsFixture);
            const cap = 10n * USDC;
            const { agentId } = f.sideOf(kind);
            await f.setLimits(agentId, 0n, cap);

            await expect(await expectCommitted(f, kind, cap - 3n, source))
              .to.emit(f.vault, "SpendingRecorded")
              .withArgs(agentId, cap - 3n, cap - 3n);
            const over = await attempt(f, kind, 4n, source);
            await expect(over.tx)
              .to.be.revertedWithCustomError(f.vault, "VaultDailyCapExceeded")
              .withArgs(agentId, cap, cap - 3n, 4n);
            expect(await f.vault.spentInWindow(agentId)).to.equal(cap - 3n);

            await expect(await expectCommitted(f, kind, 3n, source))
              .to.emit(f.vault, "SpendingRecorded")
              .withArgs(agentId, 3n, cap);
            const one = await attempt(f, kind, 1n, source);
            await expect(one.tx).to.be.revertedWithCustomError(f.vault, "VaultDailyCapExceeded").withArgs(agentId, cap, cap, 1n);
            expect(await f.vault.spentInWindow(agentId)).to.equal(cap);
          });

          it("allow-list: an unlisted counterparty reverts VaultCounterpartyNotAllowed and moves no counter; listed, it passes", async function () {
            const f = await loadFixture(withControlsFixture);
            const { agentId, counterpartyId, owner } = f.sideOf(kind);
            await f.setLimits(agentId, 0n, ROOMY_DAILY_CAP, true);
            const amount = 5n * USDC;

            const refused = await attempt(f, kind, amount, source);
            await expect(refused.tx)
              .to.be.revertedWithCustomError(f.vault, "VaultCounterpartyNotAllowed")
              .withArgs(agentId, counterpartyId);
            expect(await f.vault.spentInWindow(agentId)).to.equal(0n);

            await expect(f.vault.connect(owner).setAllowlisted(agentId, counterpartyId, true))
              .to.emit(f.vault, "AllowlistSet")
              .withArgs(agentId, counterpartyId, true);
            await expect(await expectCommitted(f, kind, amount, source))
              .to.emit(f.vault, "SpendingRecorded")
              .withArgs(agentId, amount, amount);
          });
        });
      }
    }
  });

  describe("checks and counters", function () {
    it("checks per-tx cap, then allow-list, then daily cap", async function () {
      const f = await loadFixture(withControlsFixture);
      const { clientId, providerId } = f;
      await f.setLimits(clientId, 10n * USDC, 5n * USDC, true);
      const allThree = await attempt(f, "job", 11n * USDC);
      await expect(allThree.tx)
        .to.be.revertedWithCustomError(f.vault, "VaultPerTxCapExceeded")
        .withArgs(clientId, 10n * USDC, 11n * USDC);
      const listAndDaily = await attempt(f, "job", 6n * USDC);
      await expect(listAndDaily.tx).to.be.revertedWithCustomError(f.vault, "VaultCounterpartyNotAllowed").withArgs(clientId, providerId);
      await f.vault.connect(f.clientOwner).setAllowlisted(clientId, providerId, true);
      const daily = await attempt(f, "job", 6n * USDC);
      await expect(daily.tx)
        .to.be.revertedWithCustomError(f.vault, "VaultDailyCapExceeded")
        .withArgs(clientId, 5n * USDC, 0n, 6n * USDC);
      expect(await f.vault.spentInWindow(clientId)).to.equal(0n);
    });

    it("moves no counter when a later step reverts: short balance, bad permit, used EIP-3009 nonce", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, usdc, clientId, clientOperator, vaultAddress } = f;
      await f.setLimits(clientId, 0n, ROOMY_DAILY_CAP);
      await f.spend("job", 4n * USDC);
      expect(await vault.spentInWindow(clientId)).to.equal(4n * USDC);

      const balance = await vault.balanceOf(clientId);
      await f.setLimits(clientId, 0n, 2n * balance);
      const short = await attempt(f, "job", balance + 1n, "Balance");
      await expect(short.tx)
        .to.be.revertedWithCustomError(vault, "VaultInsufficientBalance")
        .withArgs(clientId, balance, balance + 1n);
      expect(await vault.spentInWindow(clientId)).to.equal(4n * USDC);

      // A permit signed for less than the commitment, with no allowance to fall back on.
      await usdc.connect(clientOperator).approve(vaultAddress, 0n);
      const p = await f.prepare("channelOpen", 3n * USDC);
      const badPermit = await f.fundingFor("Permit", clientOperator, 2n * USDC);
      await expect(p.send(clientOperator, badPermit)).to.be.revertedWithCustomError(vault, "VaultInvalidSignature");
      expect(await vault.spentInWindow(clientId)).to.equal(4n * USDC);

      const first = await f.prepare("channelOpen", 3n * USDC);
      const auth = await f.fundingFor("Authorization", clientOperator, 3n * USDC);
      await first.send(clientOperator, auth);
      expect(await vault.spentInWindow(clientId)).to.equal(7n * USDC);
      const replay = await f.prepare("channelOpen", 3n * USDC);
      await expect(replay.send(clientOperator, auth))
        .to.be.revertedWithCustomError(usdc, "USDCAuthorizationUsed")
        .withArgs(clientOperator.address, auth.nonce);
      expect(await vault.spentInWindow(clientId)).to.equal(7n * USDC);
    });

    it("adds many small commitments of every client kind into one window until the daily cap", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, clientId, providerId } = f;
      const cap = 100n * USDC;
      const step = 10n * USDC;
      await f.setLimits(clientId, 0n, cap);
      await f.setLimits(providerId, 0n, cap);
      const kinds: CommitKind[] = ["job", "arbitrationFee", "channelOpen", "channelTopUp"];
      for (let i = 0n; i < cap / step; i++) {
        const kind = kinds[Number(i) % kinds.length];
        await expect(f.spend(kind, step))
          .to.emit(vault, "SpendingRecorded")
          .withArgs(clientId, step, (i + 1n) * step);
      }
      for (const kind of kinds) {
        const one = await attempt(f, kind, 1n);
        await expect(one.tx, kind).to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded").withArgs(clientId, cap, cap, 1n);
      }
      // The provider's window is its own: its collateral still fits under its cap.
      await expect(f.spend("collateral", cap)).to.emit(vault, "SpendingRecorded").withArgs(providerId, cap, cap);
      expect(await vault.spentInWindow(clientId)).to.equal(cap);
    });

    it("counts only what is committed while a daily cap is set; the per-tx cap binds without one", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, clientId } = f;
      await expect(f.spend("job", 300n * USDC)).to.not.emit(vault, "SpendingRecorded");
      await f.setLimits(clientId, 50n * USDC, 0n);
      const over = await attempt(f, "channelOpen", 50n * USDC + 1n);
      await expect(over.tx)
        .to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded")
        .withArgs(clientId, 50n * USDC, 50n * USDC + 1n);
      await expect(f.spend("channelOpen", 50n * USDC)).to.not.emit(vault, "SpendingRecorded");
      expect(await vault.spentInWindow(clientId)).to.equal(0n);

      await f.setLimits(clientId, 50n * USDC, 100n * USDC);
      await expect(f.spend("job", 50n * USDC))
        .to.emit(vault, "SpendingRecorded")
        .withArgs(clientId, 50n * USDC, 50n * USDC);
      await expect(f.spend("channelTopUp", 50n * USDC))
        .to.emit(vault, "SpendingRecorded")
        .withArgs(clientId, 50n * USDC, 100n * USDC);
      const one = await attempt(f, "job", 1n);
      await expect(one.tx)
        .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
        .withArgs(clientId, 100n * USDC, 100n * USDC, 1n);
    });
  });

  describe("the rolling window: 9 buckets of 3 hours", function () {
    it("keeps the documented boundary example: $100 at 08:59:59, 09:00:00, 09:00:01 under a $300 cap", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, clientId } = f;
      const cap = 300n * USDC;
      const hundred = 100n * USDC;
      await f.setLimits(clientId, 0n, cap);
      // 09:00:00 UTC is a period start (9 h = 3 periods); take the next one at least a day ahead.
      const latest = BigInt(await time.latest());
      const nine = ((latest + DAY) / DAY + 1n) * DAY + 9n * HOUR;
      expect(nine % BUCKET).to.equal(0n);
      for (const [i, at] of [nine - 1n, nine, nine + 1n].entries()) {
        await expect(f.spend("job", hundred, { at }))
          .to.emit(vault, "SpendingRecorded")
          .withArgs(clientId, hundred, BigInt(i + 1) * hundred);
      }
      const one = await f.prepare("job", 1n);
      await time.setNextBlockTimestamp(nine - 1n + DAY);
      await expect(one.send(f.clientOperator, fromBalance()))
        .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
        .withArgs(clientId, cap, cap, 1n);
      await expect(f.spend("job", hundred, { at: nine + DAY }))
        .to.emit(vault, "SpendingRecorded")
        .withArgs(clientId, hundred, cap);
    });

    for (const kind of COMMIT_KINDS) {
      it(`counts a ${kind} commitment for 27 hours from a period's first second and 24 hours + 1 s from its last`, async function () {
        const f = await loadFixture(withControlsFixture);
        const { vault } = f;
        const { agentId, operator } = f.sideOf(kind);
        const cap = 20n * USDC;
        await f.setLimits(agentId, 0n, cap);
        // Prepared first, so that each commitment lands exactly on its second.
        const [atFirst, probeLate, afterFirst, atLast, probeDay, afterLast] = [
          await f.prepare(kind, cap),
          await f.prepare(kind, 1n),
          await f.prepare(kind, cap),
          await f.prepare(kind, cap),
          await f.prepare(kind, 1n),
          await f.prepare(kind, cap),
        ];
        const sendAt = async (p: typeof atFirst, at: bigint) => {
          await time.setNextBlockTimestamp(at);
          return p.send(operator, fromBalance());
        };

        const first = nextPeriodStart(BigInt(await time.latest()), 2n);
        await expect(sendAt(atFirst, first)).to.emit(vault, "SpendingRecorded").withArgs(agentId, cap, cap);
        const stillCounted = first + WINDOW_BUCKETS * BUCKET - 1n;
        expect(stillCounted - first).to.equal(27n * HOUR - 1n);
        await expect(sendAt(probeLate, stillCounted))
          .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
          .withArgs(agentId, cap, cap, 1n);
        await expect(sendAt(afterFirst, stillCounted + 1n))
          .to.emit(vault, "SpendingRecorded")
          .withArgs(agentId, cap, cap);

        // That one was made at a period's first second too; now one at a period's last second.
        const last = nextPeriodStart(stillCounted + 1n + 28n * HOUR) - 1n;
        await expect(sendAt(atLast, last)).to.emit(vault, "SpendingRecorded").withArgs(agentId, cap, cap);
        await expect(sendAt(probeDay, last + DAY))
          .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
          .withArgs(agentId, cap, cap, 1n);
        await expect(sendAt(afterLast, last + DAY + 1n))
          .to.emit(vault, "SpendingRecorded")
          .withArgs(agentId, cap, cap);
      });
    }

    it("never lets a closed 24-hour interval see more than the cap (greedy spending over 4.5 days, every client kind)", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, clientId } = f;
      const cap = 100n * USDC;
      await f.setLimits(clientId, 0n, cap);
      const kinds: CommitKind[] = ["job", "channelOpen", "channelTopUp", "arbitrationFee"];
      const done: { at: bigint; amount: bigint }[] = [];
      /** The window as documented: what was committed in periods p - 8 .. p. */
      const modelSpent = (at: bigint) =>
        done.filter((c) => periodOf(c.at) + WINDOW_BUCKETS > periodOf(at)).reduce((sum, c) => sum + c.amount, 0n);

      const start = nextPeriodStart(BigInt(await time.latest()), 2n);
      let attempts = 0;
      for (let period = 0n; period < 36n; period++) {
        for (const [slot, offset] of [0n, 1n, BUCKET / 2n, BUCKET - 1n].entries()) {
          const at = start + period * BUCKET + offset;
          const spent = modelSpent(at);
          // Fill the window exactly, or try fixed amounts that may or may not fit.
          const amount = [cap - spent > 0n ? cap - spent : 1n, 37n * USDC, 1n, 64n * USDC][slot];
          // Four slots and four kinds: slot 1 (one second after slot 0) is always `channelOpen`, which needs no
          // preparation transaction that could take the second it must land on.
          const kind = kinds[attempts++ % kinds.length];
          const tx = f.spend(kind, amount, { at });
          if (spent + amount <= cap) {
            await expect(tx, `${kind} ${amount} at +${at - start}s`)
              .to.emit(vault, "SpendingRecorded")
              .withArgs(clientId, amount, spent + amount);
            done.push({ at, amount });
          } else {
            await expect(tx, `${kind} ${amount} at +${at - start}s`)
              .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
              .withArgs(clientId, cap, spent, amount);
          }
        }
      }
      // Every closed 24-hour interval: the worst ones end at a commitment.
      for (const end of done) {
        const inInterval = done.filter((c) => c.at >= end.at - DAY && c.at <= end.at).reduce((sum, c) => sum + c.amount, 0n);
        expect(inInterval, `24 h ending at +${end.at - start}s`).to.be.lte(cap);
      }
      // The greedy spender did fill windows: over 108 hours at least four full caps went through.
      expect(done.reduce((sum, c) => sum + c.amount, 0n)).to.be.gte(4n * cap);
    });

    it("lowering the cap below what is spent blocks the operator until the window frees it; raising it applies at once", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, clientId, clientOwner } = f;
      await f.setLimits(clientId, 0n, 300n * USDC);
      const first = nextPeriodStart(BigInt(await time.latest()), 2n);
      await f.spend("job", 100n * USDC, { at: first });
      await f.spend("channelOpen", 100n * USDC, { at: first + 1n });
      await expect(vault.connect(clientOwner).setSpendingLimits(clientId, { perTxCap: 0n, dailyCap: 50n * USDC, allowlistOnly: false }))
        .to.emit(vault, "SpendingLimitsSet")
        .withArgs(clientId, 0n, 50n * USDC, false);

      await expect(f.spend("job", 1n))
        .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
        .withArgs(clientId, 50n * USDC, 200n * USDC, 1n);
      // The owner is not bound meanwhile.
      await expect(f.spend("job", 60n * USDC, { signer: clientOwner })).to.not.emit(vault, "SpendingRecorded");
      const lastBlocked = first + WINDOW_BUCKETS * BUCKET - 1n;
      await expect(f.spend("channelTopUp", 1n, { at: lastBlocked }))
        .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
        .withArgs(clientId, 50n * USDC, 200n * USDC, 1n);
      await expect(f.spend("job", 50n * USDC, { at: lastBlocked + 1n }))
        .to.emit(vault, "SpendingRecorded")
        .withArgs(clientId, 50n * USDC, 50n * USDC);
      await expect(f.spend("job", 1n))
        .to.be.revertedWithCustomError(vault, "VaultDailyCapExceeded")
        .withArgs(clientId, 50n * USDC, 50n * USDC, 1n);

      await f.setLimits(clientId, 0n, 500n * USDC);
      await expect(f.spend("channelOpen", 450n * USDC))
        .to.emit(vault, "SpendingRecorded")
        .withArgs(clientId, 450n * USDC, 500n * USDC);
    });
  });

  describe("the operator cannot change the controls", function () {
    it("reverts every attempt to raise limits, list counterparties, change owner, payout or wallet, or unfreeze", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, registry, clientId, clientOwner, providerId } = f;
      const op = f.clientOperator;
      await f.setLimits(clientId, 10n * USDC, 20n * USDC, true);
      await vault.connect(clientOwner).setPayoutAddress(clientId, f.clientPayout.address);

      await expect(vault.connect(op).setSpendingLimits(clientId, { perTxCap: 0n, dailyCap: 0n, allowlistOnly: false }))
        .to.be.revertedWithCustomError(vault, "VaultNotOwner")
        .withArgs(clientId, op.address);
      await expect(vault.connect(op).setAllowlisted(clientId, providerId, true))
        .to.be.revertedWithCustomError(vault, "VaultNotOwner")
        .withArgs(clientId, op.address);
      await expect(vault.connect(op).setPayoutAddress(clientId, op.address))
        .to.be.revertedWithCustomError(vault, "VaultNotOwner")
        .withArgs(clientId, op.address);
      await expect(vault.connect(op).cancelCommitmentApproval(clientId))
        .to.be.revertedWithCustomError(vault, "VaultNotOwner")
        .withArgs(clientId, op.address);
      const d = BigInt(await time.latest()) + HOUR;
      const selfSigned = await f.signApproval(op, clientId, providerId, 1_000n * USDC, d);
      await expect(vault.connect(op).approveCommitment(clientId, providerId, 1_000n * USDC, d, selfSigned))
        .to.be.revertedWithCustomError(vault, "VaultOwnerApprovalInvalid")
        .withArgs(clientId);

      await expect(registry.connect(op).transferFrom(clientOwner.address, op.address, clientId))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(op.address, clientId);
      await expect(registry.connect(op)["safeTransferFrom(address,address,uint256)"](clientOwner.address, op.address, clientId))
        .to.be.revertedWithCustomError(registry, "ERC721InsufficientApproval")
        .withArgs(op.address, clientId);
      await expect(registry.connect(op).approve(op.address, clientId))
        .to.be.revertedWithCustomError(registry, "ERC721InvalidApprover")
        .withArgs(op.address);
      for (const wallet of [op, f.freshKey]) {
        const proof = await f.walletProof(wallet, clientId, clientOwner.address);
        await expect(registry.connect(op).setAgentWallet(clientId, wallet.address, proof.deadline, proof.signature))
          .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
          .withArgs(clientId, op.address);
      }
      await expect(registry.connect(op).unsetAgentWallet(clientId))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, op.address);
      await expect(registry.connect(op).setAgentURI(clientId, "ipfs://mine"))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, op.address);
      await expect(registry.connect(op).freeze(clientId))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, op.address);
      await registry.connect(clientOwner).freeze(clientId);
      await expect(registry.connect(op).unfreeze(clientId))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, op.address);

      expect(await vault.spendingLimits(clientId)).to.deep.equal([10n * USDC, 20n * USDC, true]);
      expect(await vault.isAllowlisted(clientId, providerId)).to.equal(false);
      expect(await vault.payoutAddress(clientId)).to.equal(f.clientPayout.address);
      expect(await registry.ownerOf(clientId)).to.equal(clientOwner.address);
      expect(await registry.getAgentWallet(clientId)).to.equal(op.address);
      expect(await registry.isFrozen(clientId)).to.equal(true);
    });

    it("withdraws only to the payout address: the owner by default, then the address the owner set", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, usdc, clientId, clientOwner, clientPayout } = f;
      const op = f.clientOperator;
      const amount = 10n * USDC;
      const balance = await vault.balanceOf(clientId);
      await expect(vault.connect(op).withdraw(clientId, amount))
        .to.emit(vault, "Withdrawn")
        .withArgs(clientId, op.address, clientOwner.address, amount, balance - amount);
      await vault.connect(clientOwner).setPayoutAddress(clientId, clientPayout.address);
      await expect(vault.connect(op).withdraw(clientId, amount)).to.changeTokenBalances(
        usdc,
        [clientPayout, op, clientOwner, vault],
        [amount, 0n, 0n, -amount],
      );
      await expect(vault.connect(clientOwner).withdraw(clientId, amount)).to.changeTokenBalances(
        usdc,
        [clientPayout, clientOwner],
        [amount, 0n],
      );
      // Agent balances are not address credits: the operator holds none.
      await expect(vault.connect(op).withdrawCredit(op.address, amount))
        .to.be.revertedWithCustomError(vault, "VaultInsufficientCredit")
        .withArgs(op.address, 0n, amount);
    });

    it("after the agent is sold, the old operator is out and withdrawals go to the new owner, not the seller's payout address", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, usdc, registry, clientId, clientOwner, clientPayout, buyer } = f;
      const op = f.clientOperator;
      await vault.connect(clientOwner).setPayoutAddress(clientId, clientPayout.address);
      await registry.connect(clientOwner).transferFrom(clientOwner.address, buyer.address, clientId);
      await expect(vault.connect(op).withdraw(clientId, 1n))
        .to.be.revertedWithCustomError(registry, "AgentUnauthorized")
        .withArgs(clientId, op.address);
      // The buyer never chose the seller's payout address; its withdrawal must not pay the seller.
      const amount = 10n * USDC;
      await expect(vault.connect(buyer).withdraw(clientId, amount)).to.changeTokenBalances(usdc, [buyer, clientPayout], [amount, 0n]);
    });
  });

  describe("the owner is never limited", function () {
    for (const kind of COMMIT_KINDS) {
      it(`commits a ${kind} above every cap and off the allow-list, counted nowhere`, async function () {
        const f = await loadFixture(withControlsFixture);
        const { agentId, owner } = f.sideOf(kind);
        await f.setLimits(agentId, 1n, 1n, true);
        const tx = await expectCommitted(f, kind, 50n * USDC, "Balance", owner);
        await expect(tx).to.not.emit(f.vault, "SpendingRecorded");
        expect(await f.vault.spentInWindow(agentId)).to.equal(0n);
      });
    }

    for (const kind of COMMIT_KINDS) {
      it(`pre-approves exactly one operator ${kind} above the caps, submitted by the operator`, async function () {
        const f = await loadFixture(withControlsFixture);
        const { vault } = f;
        const { agentId, counterpartyId, owner, operator } = f.sideOf(kind);
        const perTx = 5n * USDC;
        const amount = 50n * USDC;
        await f.setLimits(agentId, perTx, 10n * USDC, true);
        const deadline = BigInt(await time.latest()) + HOUR;
        const signature = await f.signApproval(owner, agentId, counterpartyId, amount, deadline);
        await expect(vault.connect(operator).approveCommitment(agentId, counterpartyId, amount, deadline, signature))
          .to.emit(vault, "OwnerApprovalSet")
          .withArgs(agentId, counterpartyId, amount, deadline, 0n);

        const tx = await expectCommitted(f, kind, amount, "Balance");
        await expect(tx).to.emit(vault, "OwnerApprovalUsed").withArgs(agentId, counterpartyId, amount, 0n);
        await expect(tx).to.not.emit(vault, "SpendingRecorded");
        expect(await vault.spentInWindow(agentId)).to.equal(0n);
        expect(await vault.pendingApproval(agentId)).to.deep.equal([0n, 0n, 0n, 0n]);

        const again = await attempt(f, kind, amount);
        await expect(again.tx).to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded").withArgs(agentId, perTx, amount);
        await expect(vault.connect(operator).approveCommitment(agentId, counterpartyId, amount, deadline, signature))
          .to.be.revertedWithCustomError(vault, "VaultOwnerApprovalInvalid")
          .withArgs(agentId);
      });
    }

    it("leaves a pre-approval pending for another counterparty, a larger amount, or after its deadline", async function () {
      const f = await loadFixture(withControlsFixture);
      const { vault, channels, clientId, providerId, clientOwner, clientOperator, providerOwner } = f;
      const perTx = 5n * USDC;
      const amount = 50n * USDC;
      await f.setLimits(clientId, perTx, 0n);
      const otherProvider = await f.registerAgent(providerOwner, "ipfs://provider-2");
      const deadline = BigInt(await time.latest()) + HOUR;
      await vault
        .connect(clientOperator)
        .approveCommitment(
          clientId,
          providerId,
          amount,
          deadline,
          await f.signApproval(clientOwner, clientId, providerId, amount, deadline),
        );

      await expect(channels.connect(clientOperator).open(clientId, otherProvider, freshSalt(), ZeroAddress, amount, fromBalance()))
        .to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded")
        .withArgs(clientId, perTx, amount);
      const larger = await attempt(f, "channelOpen", amount + 1n);
      await expect(larger.tx)
        .to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded")
        .withArgs(clientId, perTx, amount + 1n);
      // The owner's own commitments never consume it.
      await expect(f.spend("job", amount, { signer: clientOwner })).to.not.emit(vault, "OwnerApprovalUsed");
      expect(await vault.pendingApproval(clientId)).to.deep.equal([providerId, amount, deadline, 0n]);

      const late = await f.prepare("job", amount);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(late.send(clientOperator, fromBalance()))
        .to.be.revertedWithCustomError(vault, "VaultPerTxCapExceeded")
        .withArgs(clientId, perTx, amount);
      expect(await vault.pendingApproval(clientId)).to.deep.equal([providerId, amount, deadline, 0n]);
    });
  });

  describe("freeze", function () {
    type FreezeRow = {
      name: string;
      side: "client" | "provider";
      call: (b: Business, op: HardhatEthersSigner) => Promise<ContractTransactionResponse>;
      error?: "EscrowNotParty";
      jobKey?: keyof Business["jobs"];
    };
    const FROZEN_CALLS: FreezeRow[] = [
      {
        name: "createJob from its balance",
        side: "client",
        call: async (b, op) => b.escrow.connect(op).createJob(await b.jobParams(b.plain), fromBalance()),
      },
      {
        name: "createJob by transferFrom",
        side: "client",
        call: async (b, op) => b.escrow.connect(op).createJob(await b.jobParams(b.plain), fromTransfer()),
      },
      { name: "cancel", side: "client", call: (b, op) => b.escrow.connect(op).cancel(b.jobs.funded) },
      { name: "approve", side: "client", call: (b, op) => b.escrow.connect(op).approve(b.jobs.delivered) },
      {
        name: "reject (pays a fee)",
        side: "client",
        call: (b, op) => b.escrow.connect(op).reject(b.jobs.delivered, "ipfs://r", fromBalance()),
      },
      {
        name: "open a channel",
        side: "client",
        call: (b, op) => b.channels.connect(op).open(b.clientId, b.providerId, freshSalt(), ZeroAddress, USDC, fromBalance()),
      },
      { name: "topUp", side: "client", call: (b, op) => b.channels.connect(op).topUp(b.chOpen, USDC, fromBalance()) },
      { name: "requestClose", side: "client", call: (b, op) => b.channels.connect(op).requestClose(b.chOpen) },
      { name: "withdraw (client)", side: "client", call: (b, op) => b.vault.connect(op).withdraw(b.clientId, 1n) },
      {
        name: "publish a listing for the client",
        side: "client",
        call: (b, op) => b.listings.connect(op).publish(b.clientId, b.listingParams()),
      },
      {
        name: "giveFeedback",
        side: "client",
        call: (b, op) => b.escrow.connect(op).giveFeedback(b.jobs.completed, 1, "", "", "", ethers.ZeroHash),
        error: "EscrowNotParty",
        jobKey: "completed",
      },
      {
        name: "submitEvidence",
        side: "client",
        call: (b, op) => b.escrow.connect(op).submitEvidence(b.jobs.disputed, "ipfs://e"),
        error: "EscrowNotParty",
        jobKey: "disputed",
      },
      { name: "accept (no collateral)", side: "provider", call: (b, op) => b.escrow.connect(op).accept(b.jobs.funded, fromBalance()) },
      {
        name: "accept (posting collateral)",
        side: "provider",
        call: (b, op) => b.escrow.connect(op).accept(b.jobs.fundedCollateral, fromBalance()),
      },
      { name: "decline", side: "provider", call: (b, op) => b.escrow.connect(op).decline(b.jobs.funded, "ipfs://no") },
      { name: "deliver", side: "provider", call: (b, op) => b.escrow.connect(op).deliver(b.jobs.funded, ethers.ZeroHash, "") },
      {
        name: "claim",
        side: "provider",
        call: async (b, op) =>
          b.channels.connect(op).claim(b.chOpen, 1n, USDC, await signVoucher(b.channels, b.clientOperator, b.chOpen, 1n, USDC)),
      },
      {
        name: "claimMany",
        side: "provider",
        call: async (b, op) =>
          b.channels
            .connect(op)
            .claimMany([
              {
                channelId: b.chOpen,
                epoch: 1n,
                cumulativeAmount: USDC,
                signature: await signVoucher(b.channels, b.clientOperator, b.chOpen, 1n, USDC),
              },
            ]),
      },
      { name: "closeByProvider", side: "provider", call: (b, op) => b.channels.connect(op).closeByProvider(b.chOpen, 1n, 0n, "0x") },
      { name: "publish", side: "provider", call: (b, op) => b.listings.connect(op).publish(b.providerId, b.listingParams()) },
      { name: "update", side: "provider", call: (b, op) => b.listings.connect(op).update(b.plain, b.listingParams({ price: 1n })) },
      { name: "pause a listing", side: "provider", call: (b, op) => b.listings.connect(op).pause(b.plain) },
      { name: "resume a listing", side: "provider", call: (b, op) => b.listings.connect(op).resume(b.pausedListing) },
      { name: "retire a listing", side: "provider", call: (b, op) => b.listings.connect(op).retire(b.plain) },
      { name: "withdraw (provider)", side: "provider", call: (b, op) => b.vault.connect(op).withdraw(b.providerId, 1n) },
    ];

    for (const row of FROZEN_CALLS) {
      it(`stops the frozen ${row.side} operator: ${row.name} reverts ${row.error ?? "AgentFrozen"}`, async function () {
        const b = await loadFixture(withBusinessFixture);
        const [agentId, owner, op] =
          row.side === "client" ? [b.clientId, b.clientOwner, b.clientOperator] : [b.providerId, b.providerOwner, b.providerOperator];
        await expect(b.registry.connect(owner).freeze(agentId))
          .to.emit(b.registry, "AgentFreezeChanged")
          .withArgs(agentId, true, owner.address);
        if (row.error === "EscrowNotParty") {
          const jobId = b.jobs[row.jobKey as keyof Business["jobs"]];
          await expect(row.call(b, op)).to.be.revertedWithCustomError(b.escrow, "EscrowNotParty").withArgs(jobId, op.address);
        } else {
          await expect(row.call(b, op)).to.be.revertedWithCustomError(b.registry, "AgentFrozen").withArgs(agentId, op.address);
        }
      });
    }

    it("stops the frozen operator from using a pending owner pre-approval", async function () {
      const b = await loadFixture(withBusinessFixture);
      const { vault, registry, clientId, providerId, clientOwner, clientOperator } = b;
      const deadline = BigInt(await time.latest()) + HOUR;
      const amount = 50n * USDC;
      await vault
        .connect(clientOperator)
        .approveCommitment(
          clientId,
          providerId,
          amount,
          deadline,
          await b.signApproval(clientOwner, clientId, providerId, amount, deadline),
        );
      await registry.connect(clientOwner).freeze(clientId);
      await expect(b.spend("job", amount))
        .to.be.revertedWithCustomError(registry, "AgentFrozen")
        .withArgs(clientId, clientOperator.address);
      expect(await vault.pendingApproval(clientId)).to.deep.equal([providerId, amount, deadline, 0n]);
    });

    it("keeps every exit that pays the frozen client open, and its owner in full control", async function () {
      const b = await loadFixture(withBusinessFixture);
      const { vault, escrow, channels, usdc, registry, clientId, providerId, clientOwner, clientOperator, providerOperator, stranger } = b;
      const voucher = await signVoucher(channels, clientOperator, b.chOpen, 1n, 4n * USDC);
      await registry.connect(clientOwner).freeze(clientId);

      // The provider claims what the client's key signed before the freeze, then closes; the rest goes back to the client.
      await expect(channels.connect(providerOperator).claim(b.chOpen, 1n, 4n * USDC, voucher)).to.emit(channels, "ChannelClaimed");
      const clientBalance = await vault.balanceOf(clientId);
      await expect(channels.connect(providerOperator).closeByProvider(b.chOpen, 1n, 0n, "0x"))
        .to.emit(channels, "ChannelClosed")
        .withArgs(b.chOpen, clientId, providerId, 1n, providerOperator.address, true, 4n * USDC, 6n * USDC);
      expect(await vault.balanceOf(clientId)).to.equal(clientBalance + 6n * USDC);
      // Anyone refunds the client after the deadline and releases to the provider after the review window.
      await time.increase(REVIEW + 1n);
      await expect(escrow.connect(stranger).refund(b.jobs.funded)).to.emit(escrow, "JobRefunded");
      await expect(escrow.connect(stranger).release(b.jobs.delivered)).to.emit(escrow, "JobCompleted");
      // The owner acts and withdraws; the money lands at the payout address.
      await expect(escrow.connect(clientOwner).createJob(await b.jobParams(b.plain), fromBalance())).to.emit(escrow, "JobCreated");
      const balance = await vault.balanceOf(clientId);
      await expect(vault.connect(clientOwner).withdraw(clientId, balance)).to.changeTokenBalances(
        usdc,
        [b.clientPayout, clientOperator],
        [balance, 0n],
      );
      // Unfreezing restores the operator.
      await registry.connect(clientOwner).unfreeze(clientId);
      await vault.connect(clientOwner).deposit(clientId, 200n * USDC, fromTransfer());
      await expect(escrow.connect(clientOperator).createJob(await b.jobParams(b.plain), fromBalance())).to.emit(escrow, "JobCreated");
    });

    it("keeps every exit that pays the frozen provider open, and its owner in full control", async function () {
      const b = await loadFixture(withBusinessFixture);
      const { vault, escrow, channels, usdc, registry, clientId, providerId, providerOwner, providerOperator, clientOperator, stranger } =
        b;
      await registry.connect(providerOwner).freeze(providerId);
      await time.increase(REVIEW + 1n);
      const before = await vault.balanceOf(providerId);
      await expect(escrow.connect(stranger).release(b.jobs.delivered)).to.emit(escrow, "JobCompleted");
      expect(await vault.balanceOf(providerId)).to.be.greaterThan(before);
      // The owner claims for the frozen agent; the client leaves the channel without the provider.
      const voucher = await signVoucher(channels, clientOperator, b.chOpen, 1n, 2n * USDC);
      await expect(channels.connect(providerOwner).claim(b.chOpen, 1n, 2n * USDC, voucher)).to.emit(channels, "ChannelClaimed");
      await channels.connect(clientOperator).requestClose(b.chOpen);
      await time.increase(24n * HOUR + 1n);
      await expect(channels.connect(stranger).finalizeClose(b.chOpen)).to.emit(channels, "ChannelClosed");
      const balance = await vault.balanceOf(providerId);
      await expect(vault.connect(providerOwner).withdraw(providerId, balance)).to.changeTokenBalances(
        usdc,
        [b.providerPayout, providerOperator],
        [balance, 0n],
      );
      expect(await vault.balanceOf(clientId)).to.be.greaterThan(0n);
    });
  });
});
