/**
 * The guardian pause (`AgoraVault.pause`/`unpause`): stops new jobs, channels, deposits and listings protocol-wide;
 * every exit keeps working. Guardian only.
 */
import type { PausedEvent, UnpausedEvent } from "../../../typechain-types/contracts/AgoraVault";
import type { AgoraClient } from "../client";
import type { AgoraError } from "../errors";
import { bind, defineSync, defineWrite, read } from "./internal";

type NoParameters = Record<string, never>;

/** Pauses new business. @example await guardianPauseSync(guardianClient, {}) */
export const guardianPause = defineWrite((client: AgoraClient, _p: NoParameters) => bind(client.contracts.vault.pause));
export const guardianPauseSync = defineSync<NoParameters, PausedEvent.OutputObject>(guardianPause, (c) => c.contracts.vault, "Paused");

/** Lifts the pause. @example await guardianUnpauseSync(guardianClient, {}) */
export const guardianUnpause = defineWrite((client: AgoraClient, _p: NoParameters) => bind(client.contracts.vault.unpause));
export const guardianUnpauseSync = defineSync<NoParameters, UnpausedEvent.OutputObject>(guardianUnpause, (c) => c.contracts.vault, "Unpaused");

/** Whether the protocol is paused. */
export async function isPaused(client: AgoraClient): Promise<boolean> {
  return read(() => client.contracts.vault.paused());
}

/* RETURN AND ERROR TYPES (STYLE.md §9): `x` resolves to the sent transaction, `xSync` to the receipt and the event. */

export type GuardianPauseReturnType = Awaited<ReturnType<typeof guardianPause>>;
export type GuardianPauseSyncReturnType = Awaited<ReturnType<typeof guardianPauseSync>>;
export type GuardianPauseErrorType = AgoraError;
export type GuardianUnpauseReturnType = Awaited<ReturnType<typeof guardianUnpause>>;
export type GuardianUnpauseSyncReturnType = Awaited<ReturnType<typeof guardianUnpauseSync>>;
export type GuardianUnpauseErrorType = AgoraError;
