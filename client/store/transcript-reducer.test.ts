import { describe, expect, it } from 'vitest';
import {
  applyTranscriptUpdate,
  EMPTY_TRANSCRIPT,
  finalizeAll,
  MAX_TRANSCRIPT_ENTRIES,
  markInterrupted,
  type TranscriptState,
  type TranscriptUpdate,
} from './transcript-reducer.js';

function apply(updates: TranscriptUpdate[], start: TranscriptState = EMPTY_TRANSCRIPT): TranscriptState {
  return updates.reduce(applyTranscriptUpdate, start);
}

const texts = (state: TranscriptState) =>
  state.entries.map((e) => `${e.speaker}#${e.streamId}:${e.text}${e.final ? '.' : '…'}`);

describe('applyTranscriptUpdate', () => {
  it('merges partials of one (speaker, streamId) into one entry until final', () => {
    const state = apply([
      { speaker: 'player', streamId: 1, text: 'Hello', final: false },
      { speaker: 'player', streamId: 1, text: 'Hello there', final: false },
      { speaker: 'player', streamId: 1, text: 'Hello there, doctor', final: true },
    ]);
    expect(texts(state)).toEqual(['player#1:Hello there, doctor.']);
  });

  it('keeps interleaved speakers and streams apart', () => {
    const state = apply([
      { speaker: 'player', streamId: 1, text: 'I am', final: false },
      { speaker: 'partner', streamId: 1, text: 'Yes', final: false },
      { speaker: 'player', streamId: 1, text: 'I am the king', final: true },
      { speaker: 'partner', streamId: 1, text: 'Yes, and', final: false },
      { speaker: 'partner', streamId: 2, text: 'Other turn', final: false },
    ]);
    expect(texts(state)).toEqual(['player#1:I am the king.', 'partner#1:Yes, and…', 'partner#2:Other turn…']);
  });

  it('starts a new entry when a key is reused after its entry was finalized', () => {
    const state = apply([
      { speaker: 'partner', streamId: 7, text: 'First', final: true },
      { speaker: 'partner', streamId: 7, text: 'Second', final: false },
    ]);
    expect(texts(state)).toEqual(['partner#7:First.', 'partner#7:Second…']);
    expect(state.entries[0]!.key).not.toBe(state.entries[1]!.key);
  });

  it('keeps the partial text when the final update is empty, and ignores empty new entries', () => {
    const state = apply([
      { speaker: 'player', streamId: 3, text: '', final: false },
      { speaker: 'player', streamId: 3, text: 'Go', final: false },
      { speaker: 'player', streamId: 3, text: '', final: true },
    ]);
    expect(texts(state)).toEqual(['player#3:Go.']);
  });

  it('does not mutate the previous state', () => {
    const before = apply([{ speaker: 'player', streamId: 1, text: 'a', final: false }]);
    const snapshot = JSON.stringify(before);
    apply([{ speaker: 'player', streamId: 1, text: 'ab', final: true }], before);
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('bounds the number of entries, dropping the oldest', () => {
    const updates = Array.from({ length: MAX_TRANSCRIPT_ENTRIES + 5 }, (_, i) => ({
      speaker: 'partner' as const,
      streamId: i,
      text: `line ${i}`,
      final: true,
    }));
    const state = apply(updates);
    expect(state.entries).toHaveLength(MAX_TRANSCRIPT_ENTRIES);
    expect(state.entries[0]!.text).toBe('line 5');
    expect(new Set(state.entries.map((e) => e.key)).size).toBe(MAX_TRANSCRIPT_ENTRIES);
  });

  it('finalizeAll closes open entries', () => {
    const state = finalizeAll(apply([{ speaker: 'partner', streamId: 1, text: 'cut', final: false }]));
    expect(texts(state)).toEqual(['partner#1:cut.']);
    const next = applyTranscriptUpdate(state, { speaker: 'partner', streamId: 1, text: 'new', final: false });
    expect(next.entries).toHaveLength(2);
  });
});

describe('markInterrupted', () => {
  it('marks the latest partner entry of that turn and keeps its text', () => {
    let state = applyTranscriptUpdate(EMPTY_TRANSCRIPT, {
      speaker: 'partner',
      streamId: 4,
      text: 'Yes, and the',
      final: false,
    });
    state = applyTranscriptUpdate(state, { speaker: 'player', streamId: 4, text: 'Stop!', final: true });
    state = markInterrupted(state, 4);
    expect(state.entries[0]).toMatchObject({ speaker: 'partner', text: 'Yes, and the', interrupted: true });
    expect(state.entries[1]?.interrupted).toBeUndefined();
  });

  it('leaves the transcript alone when the turn has no entry', () => {
    const state = applyTranscriptUpdate(EMPTY_TRANSCRIPT, { speaker: 'partner', streamId: 1, text: 'Hi', final: true });
    expect(markInterrupted(state, 2)).toBe(state);
  });
});
