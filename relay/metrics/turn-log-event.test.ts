import { describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import type { SessionObserver } from '../session/observer.js';
import { bothObservers, createTurnLogObserver, SCENE_EVENT, TURN_EVENT } from './turn-log-event.js';

const usage = (inputAudioTokens: number, outputAudioTokens: number) => ({
  inputAudioTokens,
  outputAudioTokens,
  inputTextTokens: 10,
  outputTextTokens: 5,
  totalTokens: inputAudioTokens + outputAudioTokens + 15,
});

describe('turn and scene log events', () => {
  it('logs one line per partner turn and per scene with tokens, cost, voice-to-voice and reconnects', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', {}, (line) => lines.push(JSON.parse(line)));
    let nowMs = 0;
    const observer = createTurnLogObserver(logger, 'gemini-2.5-flash-native-audio-preview-09-2025', () => nowMs);
    const at = new Date();
    observer.onSessionStarted?.({ sessionId: 's1', game: 'x', upstream: 'gemini', startedAt: at });
    observer.onUsage?.({ sessionId: 's1', usage: usage(250, 125), at });
    observer.onPlaybackStarted?.({ sessionId: 's1', turnId: 3, latencyMs: 640, at });
    const turn = { sessionId: 's1', turnId: 3, startedAt: at, endedAt: at, text: 'hi', interrupted: false };
    observer.onTurnEnded?.({ ...turn, speaker: 'player' });
    observer.onTurnEnded?.({ ...turn, speaker: 'partner', responseLatencyMs: 310 });
    observer.onSessionResumed?.('s1');
    observer.onUsage?.({ sessionId: 's1', usage: usage(500, 100), at });
    nowMs = 62_000;
    observer.onSessionEnded?.({
      sessionId: 's1',
      reason: 'scene.over',
      endedAt: at,
      turns: 4,
      uplink: { framesReceived: 9, framesLost: 1, framesLate: 0, framesRejected: 0, bytesReceived: 900, jitterMs: 3 },
      downlink: { framesSent: 50, framesDropped: 2 },
    });
    expect(lines.map((l) => l.msg)).toEqual([TURN_EVENT, SCENE_EVENT]);
    expect(lines[0]).toMatchObject({
      sessionId: 's1',
      turnId: 3,
      voiceToVoiceMs: 640,
      relayResponseMs: 310,
      inputAudioTokens: 250,
      outputAudioTokens: 125,
      textTokens: 15,
      // 250 x $3 + 125 x $12 + 15 x $0.5 per million
      costUsd: 0.002258,
      reconnects: 0,
    });
    expect(lines[1]).toMatchObject({
      reason: 'scene.over',
      durationS: 62,
      partnerTurns: 1,
      inputAudioTokens: 750,
      outputAudioTokens: 225,
      textTokens: 30,
      reconnects: 1,
      uplinkFramesLost: 1,
      downlinkFramesDropped: 2,
    });
  });

  it('passes every event to both observers, even when the log observer throws', () => {
    const seen: string[] = [];
    const recorder: SessionObserver = { onSessionResumed: (id) => seen.push(`recorder ${id}`) };
    const failing: SessionObserver = {
      onSessionResumed: () => {
        throw new Error('log failed');
      },
    };
    const both = bothObservers(recorder, failing);
    expect(() => both.onSessionResumed?.('s1')).toThrow('log failed');
    expect(seen).toEqual(['recorder s1']);
    expect(bothObservers(undefined, recorder)).toBe(recorder);
  });
});
