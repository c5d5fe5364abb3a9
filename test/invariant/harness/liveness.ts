import type { Actions } from "./actions";
import { ChStatus, DAY, GRACE, JobState, MAX_JOB_DURATION, MAX_REVIEW, RULING_PERIOD, ZERO } from "./model";
import { DRAIN, type Exec, type Harness, MismatchError, ROLE } from "./world";

/*
 * Invariants 5 and 9, at the end of every run, on the run's final state (the snapshot is reverted afterwards):
 * the guardian pauses both worlds, then every escrowed unit is driven out within a bounded time using only
 * permissionless calls (refund, release, resolveByDefault, finalizeClose) and, for an open channel, the client's
 * own request to close; then every agent's owner withdraws its whole balance, the reference arbitrators withdraw
 * their credits and the fees are claimed. Nothing may revert, whatever the fuzzer did before (blacklists, frozen
 * operators, silent or reverting arbitrators and validators, fee-on-transfer, armed re-entrancy hook). At the
 * end the vault holds exactly the credits of arbitrators that have no way to withdraw (mocks) plus donations.
 */

/** Longest any exit can be closed from now: deadline (<= 365 d), review window (<= 30 d), ruling period, grace. */
const MAX_WAIT = MAX_JOB_DURATION + MAX_REVIEW + RULING_PERIOD + GRACE + DAY;

export async function driveToEmpty(h: Harness, a: Actions): Promise<number> {
  const E = h.chain.eoa;
  const stranger = E[ROLE.stranger];
  let txs = 0;
  const must = async (x: Exec | Promise<Exec>) => {
    const e = await x;
    e.mustSucceed = true;
    e.label = `liveness: ${e.label}`;
    await h.exec(e);
    txs++;
  };
  const owner = (id: bigint) => h.s.agents[Number(id) - 1].owner;

  // Invariant 9: everything below runs while the guardian pause is on.
  for (let wi = 0; wi < h.s.worlds.length; wi++) {
    const w = h.s.worlds[wi];
    if (!w.paused) await must(a.pause(wi, true, w.guardian));
  }

  // Invariant 5: a bounded wait opens an exit for every live job and closing channel.
  let horizon = h.s.now;
  for (const w of h.s.worlds) {
    for (const j of w.jobs) {
      let edge = 0n;
      if (j.state === JobState.Funded || j.state === JobState.Accepted) edge = j.deadline;
      else if (j.state === JobState.Delivered) edge = j.reviewEnd;
      else if (j.state === JobState.Disputed) edge = j.disputedAt + RULING_PERIOD;
      if (edge - h.s.now > MAX_WAIT) throw new MismatchError(`invariant 5: job ${j.id} of ${w.name} has no exit before ${edge}`);
      if (edge + 1n > horizon) horizon = edge + 1n;
    }
    for (const id of w.channelOrder) {
      const c = w.channels[id];
      if (c.status === ChStatus.Closing && c.graceEndsAt + 1n > horizon) horizon = c.graceEndsAt + 1n;
    }
  }
  h.warpTo(horizon);
  let closing = false;
  for (let wi = 0; wi < h.s.worlds.length; wi++) {
    const w = h.s.worlds[wi];
    for (const j of [...w.jobs]) {
      const state = h.s.worlds[wi].jobs[Number(j.id) - 1].state;
      if (state === JobState.Funded || state === JobState.Accepted) await must(a.refund(wi, j.id, stranger));
      else if (state === JobState.Delivered) await must(a.release(wi, j.id, stranger));
      else if (state === JobState.Disputed) await must(a.resolveByDefault(wi, j.id, stranger));
    }
    for (const id of [...h.s.worlds[wi].channelOrder]) {
      const c = h.s.worlds[wi].channels[id];
      if (c.status === ChStatus.Open) {
        await must(a.requestClose(wi, id, owner(c.clientId)));
        closing = true;
      } else if (c.status === ChStatus.Closing) {
        await must(a.finalizeClose(wi, id, stranger));
      }
    }
  }
  if (closing) {
    h.warpTo(h.s.now + GRACE + 1n);
    for (let wi = 0; wi < h.s.worlds.length; wi++) {
      for (const id of [...h.s.worlds[wi].channelOrder]) {
        if (h.s.worlds[wi].channels[id].status === ChStatus.Closing) await must(a.finalizeClose(wi, id, stranger));
      }
    }
  }

  for (let wi = 0; wi < h.s.worlds.length; wi++) {
    const w = h.s.worlds[wi];
    if (w.lockedEscrow !== 0n || w.lockedChannels !== 0n) {
      throw new MismatchError(`invariant 5: ${w.name} still locks ${w.lockedEscrow} (escrow) + ${w.lockedChannels} (channels)`);
    }
    // Every owner takes its whole balance out (to an address it chooses: blacklists cannot stop it).
    for (let i = 0; i < h.s.agents.length; i++) {
      const id = BigInt(i + 1);
      const bal = h.s.worlds[wi].balances[id.toString()] ?? 0n;
      if (bal === 0n) continue;
      await must(a.setPayout(wi, id, DRAIN, owner(id)));
      await must(a.withdraw(wi, id, bal, owner(id)));
    }
    // The reference arbitrators withdraw their credits.
    for (let k = 0; k < h.chain.worlds[wi].arbs.length; k++) {
      const arb = h.chain.worlds[wi].arbs[k];
      const credit = h.s.worlds[wi].credits[arb.addr] ?? 0n;
      if (credit === 0n) continue;
      const x = a.arbitratorWithdraw(wi, k, DRAIN, credit, E[ROLE.deployer]);
      if (x) await must(x);
    }
    // The fees leave too (the admin first moves the recipient off a blacklist). Fees are the protocol's own money,
    // not escrow: with the admin renounced and the recipient blacklisted they stay (counted below).
    let stuckFees = 0n;
    if (h.s.worlds[wi].fees > 0n) {
      const ww = h.s.worlds[wi];
      if (ww.token.blacklist[ww.feeRecipient] && ww.admin !== ZERO) await must(a.setFeeRecipient(wi, DRAIN, ww.admin));
      if (h.s.worlds[wi].token.blacklist[h.s.worlds[wi].feeRecipient]) stuckFees = h.s.worlds[wi].fees;
      else await must(a.claimFees(wi, stranger));
    }
    const after = h.s.worlds[wi];
    let stuck = after.donated + stuckFees;
    for (const arb of h.chain.worlds[wi].arbs) stuck += after.credits[arb.addr] ?? 0n;
    const held = after.token.bal[after.vault] ?? 0n;
    if (held !== stuck)
      throw new MismatchError(`invariant 5: ${after.name} vault still holds ${held}, expected only ${stuck} (mock credits + donations)`);
  }
  return txs;
}
