// Every saved recording (relay/live/recordings/, written by `npm run smoke:gemini`) replayed through the relay's
// upstream handling: the same lines as were stored when it was recorded, each on its own turn, none empty, none
// phantom, each shown as stored.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadRecordings } from './recording.js';
import { replayRecording } from './replay.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const recordings = loadRecordings();

describe('recorded Live scenes replayed through the relay', () => {
  it('has at least one recording', () => {
    expect(recordings.length).toBeGreaterThan(0);
  });

  for (const { file, recording } of recordings) {
    it(`${file}: the turns it produces are the scene's lines, each on its own turn`, () => {
      const { stored, shown } = replayRecording(recording, (ms) => vi.advanceTimersByTime(ms));
      const lines = stored
        .filter((turn) => turn.speaker === 'player' || turn.speaker === 'partner')
        .map((turn) => ({ speaker: turn.speaker, text: turn.text }));
      expect(lines).toEqual(recording.turns);
      expect(lines.every((line) => line.text.trim().length > 0)).toBe(true);
      expect(stored.filter((turn) => turn.speaker === 'partner').every((turn) => !turn.interrupted)).toBe(true);
      // Shown exactly as stored: one final transcript per turn, same words.
      expect(shown.map(({ speaker, text }) => ({ speaker, text }))).toEqual(lines);
      // The recording holds no voice: audio is its byte length only.
      const audio = recording.events.flatMap((event) =>
        'server' in event ? (event.server.serverContent?.modelTurn?.parts ?? []) : [],
      );
      expect(audio.length).toBeGreaterThan(0);
      expect(audio.every((part) => part.inlineData?.data?.startsWith('bytes:'))).toBe(true);
    });
  }

  it('the same scene with the tails cut off would lose words: the check can fail', () => {
    const { recording } = recordings[0]!;
    let completed = false;
    const tailless = {
      ...recording,
      events: recording.events.filter((event) => {
        if ('client' in event) {
          completed = false;
          return true;
        }
        if (event.server.serverContent?.turnComplete) completed = true;
        return !(completed && event.server.serverContent?.outputTranscription);
      }),
    };
    const { stored } = replayRecording(tailless, (ms) => vi.advanceTimersByTime(ms));
    expect(stored.map((turn) => ({ speaker: turn.speaker, text: turn.text }))).not.toEqual(recording.turns);
  });
});
