import type { TxResult } from "./chain";
import type { Actions } from "./actions";
import { ChStatus, JobState } from "./model";
import { H2, type Exec, type Harness, I, MismatchError, ROLE } from "./world";

/*
 * Invariant 4: at the probed timestamp (the next block's), the open exits of every live job and channel are
 * exactly the spec's. Each exit is tried with `eth_call` on the pending block: the outcome must match the model,
 * and, independently of the model, each race (deliver/accept vs refund, reject vs release, rule vs default
 * ruling, claim vs finalize) must have exactly one side open while the unconditional exits (cancel, decline,
 * approve, close by the provider, request to close) are never closed by time.
 */

const TIME_ERRORS = new Set(["EscrowTooLate", "EscrowTooEarly", "ChannelGracePeriodOver", "ChannelGracePeriodActive"]);

export function timeOpen(r: TxResult): boolean {
  return r.ok || !TIME_ERRORS.has(r.error.name);
}

export async function probeExits(h: Harness, a: Actions): Promise<number> {
  const E = h.chain.eoa;
  const stranger = E[ROLE.stranger];
  const t = h.s.now;
  let n = 0;
  const probe = async (x: Exec | Promise<Exec>): Promise<TxResult> => {
    const e = await x;
    n++;
    return h.probe(e.label, e.world, e.sender, e.to, e.data, e.model);
  };
  const race = (what: string, a1: TxResult, a2: TxResult) => {
    if (timeOpen(a1) === timeOpen(a2)) {
      throw new MismatchError(`invariant 4 at t=${t}: ${what}: ${timeOpen(a1) ? "both" : "neither"} open`);
    }
  };
  const never = (what: string, r: TxResult) => {
    if (!timeOpen(r)) throw new MismatchError(`invariant 4 at t=${t}: ${what} closed by time (${r.ok ? "" : r.error.name})`);
  };
  for (let wi = 0; wi < h.s.worlds.length; wi++) {
    const w = h.s.worlds[wi];
    const owner = (id: bigint) => h.s.agents[Number(id) - 1].owner;
    for (const j of [...w.jobs]) {
      const tag = `world ${w.name} job ${j.id} (${j.state})`;
      if (j.state === JobState.Funded || j.state === JobState.Accepted) {
        const refund = await probe(a.refund(wi, j.id, stranger));
        const deliver = await probe(a.deliver(wi, j.id, H2, owner(j.providerId)));
        race(`${tag} deliver vs refund`, deliver, refund);
        if (j.state === JobState.Funded) {
          const accept = await probe(a.accept(wi, j.id, owner(j.providerId), "balance"));
          if (timeOpen(accept) !== timeOpen(deliver))
            throw new MismatchError(`invariant 4 at t=${t}: ${tag} accept and deliver disagree on time`);
          never(`${tag} cancel`, await probe(a.cancel(wi, j.id, owner(j.clientId))));
          never(`${tag} decline`, await probe(a.decline(wi, j.id, owner(j.providerId))));
        }
      } else if (j.state === JobState.Delivered) {
        const reject = await probe(a.reject(wi, j.id, owner(j.clientId), "balance"));
        const release = await probe(a.release(wi, j.id, stranger));
        race(`${tag} reject vs release`, reject, release);
        never(`${tag} approve`, await probe(a.approve(wi, j.id, owner(j.clientId))));
      } else if (j.state === JobState.Disputed) {
        const rule: Exec = {
          label: `rule(job ${j.id}, 5000, from its arbitrator)`,
          world: wi,
          sender: j.arbitrator,
          to: w.escrow,
          data: I.escrow().encodeFunctionData("rule", [j.id, 5_000n]),
          model: (m) => m.rule(j.id, j.arbitrator, 5_000n),
        };
        const ruled = await probe(rule);
        const byDefault = await probe(a.resolveByDefault(wi, j.id, stranger));
        race(`${tag} rule vs resolveByDefault`, ruled, byDefault);
      }
    }
    for (const id of [...w.channelOrder]) {
      const c = w.channels[id];
      if (c.status !== ChStatus.Open && c.status !== ChStatus.Closing) continue;
      const tag = `world ${w.name} channel ${c.clientId}->${c.providerId}#${BigInt(c.salt)} (${c.status})`;
      const claim = await probe(a.claim(wi, id, c.claimed + 1n, "ok", owner(c.providerId)));
      never(`${tag} closeByProvider`, await probe(a.closeByProvider(wi, id, false, 0n, "ok", owner(c.providerId))));
      if (c.status === ChStatus.Closing) {
        race(`${tag} claim vs finalizeClose`, claim, await probe(a.finalizeClose(wi, id, stranger)));
      } else {
        never(`${tag} claim`, claim);
        never(`${tag} requestClose`, await probe(a.requestClose(wi, id, owner(c.clientId))));
      }
    }
  }
  return n;
}
