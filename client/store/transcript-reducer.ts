// Transcript merging: partial updates of one entry share (speaker, streamId) until `final`.
// Each update carries the entry's text so far, so a partial replaces the open entry's text.
import type { Speaker } from '../../shared/protocol.js';

export interface TranscriptEntry {
  /** Stable key for rendering. */
  key: string;
  speaker: Speaker;
  streamId: number;
  text: string;
  final: boolean;
  /** The partner's turn was cut short (barge-in). */
  interrupted?: boolean;
  /** A player line that never reached the stage (the outbox could not deliver it): say it again. */
  lost?: boolean;
}

export interface TranscriptUpdate {
  speaker: Speaker;
  streamId: number;
  text: string;
  final: boolean;
}

/** Oldest entries are dropped beyond this, so a long scene cannot grow the page without bound. */
export const MAX_TRANSCRIPT_ENTRIES = 500;

export interface TranscriptState {
  entries: readonly TranscriptEntry[];
  /** Count of entries ever created, for stable keys. */
  created: number;
}

export const EMPTY_TRANSCRIPT: TranscriptState = { entries: [], created: 0 };

export function applyTranscriptUpdate(state: TranscriptState, update: TranscriptUpdate): TranscriptState {
  const openIndex = findOpenEntry(state.entries, update.speaker, update.streamId);
  if (openIndex >= 0) {
    const open = state.entries[openIndex]!;
    // A final update with no text keeps what the partials said.
    const text = update.text.length > 0 || !update.final ? update.text : open.text;
    const entries = state.entries.slice();
    entries[openIndex] = { ...open, text, final: update.final };
    return { ...state, entries };
  }
  if (update.text.trim().length === 0) return state;
  const entry: TranscriptEntry = {
    key: `t${state.created}`,
    speaker: update.speaker,
    streamId: update.streamId,
    text: update.text,
    final: update.final,
  };
  const entries = [...state.entries, entry];
  return { entries: entries.slice(-MAX_TRANSCRIPT_ENTRIES), created: state.created + 1 };
}

/** Closes every open entry, e.g. when the scene ends or a turn is cut short. */
export function finalizeAll(state: TranscriptState): TranscriptState {
  if (state.entries.every((entry) => entry.final)) return state;
  return { ...state, entries: state.entries.map((entry) => (entry.final ? entry : { ...entry, final: true })) };
}

/** Marks the partner turn `streamId` as cut short; its text so far stays. */
export function markInterrupted(state: TranscriptState, streamId: number): TranscriptState {
  let index = -1;
  for (let i = state.entries.length - 1; i >= 0; i--) {
    const entry = state.entries[i]!;
    if (entry.speaker === 'partner' && entry.streamId === streamId) {
      index = i;
      break;
    }
  }
  if (index < 0) return state;
  const entries = state.entries.slice();
  entries[index] = { ...entries[index]!, interrupted: true };
  return { ...state, entries };
}

function findOpenEntry(entries: readonly TranscriptEntry[], speaker: Speaker, streamId: number): number {
  // Only recent entries can still be open; search from the end.
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.speaker === speaker && entry.streamId === streamId) return entry.final ? -1 : i;
  }
  return -1;
}

/** Marks the player's line `streamId` as never delivered; an entry is added when the relay never showed it. */
export function markLineLost(state: TranscriptState, streamId: number): TranscriptState {
  for (let i = state.entries.length - 1; i >= 0; i--) {
    const entry = state.entries[i]!;
    if (entry.speaker !== 'player' || entry.streamId !== streamId) continue;
    if (entry.final && !entry.lost && entry.text) break;
    const entries = state.entries.slice();
    entries[i] = { ...entry, final: true, lost: true };
    return { ...state, entries };
  }
  const entry: TranscriptEntry = {
    key: `t${state.created}`,
    speaker: 'player',
    streamId,
    text: '',
    final: true,
    lost: true,
  };
  return { entries: [...state.entries, entry].slice(-MAX_TRANSCRIPT_ENTRIES), created: state.created + 1 };
}
