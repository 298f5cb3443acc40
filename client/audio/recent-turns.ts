// Turn ids the audio path still recognizes once a turn is over (ended, cut): enough for the one playing, the one
// queued behind it and stragglers of recent ones. Shared by the jitter buffer and the audio thread's schedule.
export const RECENT_TURNS_KEPT = 16;

/** Adds `turnId` to a bounded list of recent turn ids, forgetting the oldest past RECENT_TURNS_KEPT. */
export function rememberTurnId(turnIds: number[], turnId: number): void {
  turnIds.push(turnId);
  if (turnIds.length > RECENT_TURNS_KEPT) turnIds.shift();
}
