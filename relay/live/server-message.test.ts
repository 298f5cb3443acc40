import { type LiveServerMessage, MediaModality } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { dispatchServerMessage, parseDurationMs, toUpstreamUsage } from './server-message.js';
import type { UpstreamEvents } from './upstream.js';

function recorder() {
  const calls: Array<[string, unknown]> = [];
  const events: UpstreamEvents = {
    onAudio: (pcm, at) => calls.push(['audio', [pcm.length, at]]),
    onInputTranscript: (text) => calls.push(['input', text]),
    onOutputTranscript: (text) => calls.push(['output', text]),
    onTurnComplete: () => calls.push(['turnComplete', null]),
    onInterrupted: () => calls.push(['interrupted', null]),
    onUsage: (usage) => calls.push(['usage', usage]),
    onGoAway: (ms) => calls.push(['goAway', ms]),
    onResumptionHandle: (handle) => calls.push(['handle', handle]),
    onClose: (reason, abnormal) => calls.push(['close', [reason, abnormal]]),
  };
  return { calls, events };
}

const message = (fields: object) => fields as LiveServerMessage;

describe('dispatchServerMessage', () => {
  it('maps audio parts, transcripts and turn end in order', () => {
    const { calls, events } = recorder();
    const pcm = Buffer.alloc(960).toString('base64');
    dispatchServerMessage(
      message({
        serverContent: {
          modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: pcm } }, { text: 'thought' }] },
          inputTranscription: { text: 'hello' },
          outputTranscription: { text: 'hi there' },
          turnComplete: true,
        },
      }),
      events,
      12.5,
    );
    expect(calls).toEqual([
      ['audio', [960, 12.5]],
      ['input', 'hello'],
      ['output', 'hi there'],
      ['turnComplete', null],
    ]);
  });

  it('maps interruption, usage, resumption and goAway', () => {
    const { calls, events } = recorder();
    dispatchServerMessage(message({ serverContent: { interrupted: true } }), events, 0);
    dispatchServerMessage(
      message({
        usageMetadata: {
          totalTokenCount: 30,
          promptTokensDetails: [
            { modality: 'AUDIO', tokenCount: 20 },
            { modality: 'TEXT', tokenCount: 4 },
          ],
          responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 6 }],
        },
      }),
      events,
      0,
    );
    dispatchServerMessage(message({ sessionResumptionUpdate: { resumable: true, newHandle: 'h1' } }), events, 0);
    dispatchServerMessage(message({ sessionResumptionUpdate: { resumable: false } }), events, 0);
    dispatchServerMessage(message({ goAway: { timeLeft: '1.5s' } }), events, 0);
    expect(calls).toEqual([
      ['interrupted', null],
      [
        'usage',
        {
          inputAudioTokens: 20,
          outputAudioTokens: 6,
          inputTextTokens: 4,
          outputTextTokens: 0,
          thinkingTokens: 0,
          totalTokens: 30,
        },
      ],
      ['handle', 'h1'],
      ['goAway', 1500],
    ]);
  });

  it('counts thinking tokens as output text (billed so), beside the modality details', () => {
    // The shape gemini-3.8-live reports (discuss.ai.google.dev/t/188765): thoughtsTokenCount outside the details.
    const usage = toUpstreamUsage({
      promptTokenCount: 522,
      responseTokenCount: 42,
      totalTokenCount: 564,
      promptTokensDetails: [
        { modality: MediaModality.TEXT, tokenCount: 332 },
        { modality: MediaModality.AUDIO, tokenCount: 165 },
      ],
      responseTokensDetails: [{ modality: MediaModality.AUDIO, tokenCount: 42 }],
      thoughtsTokenCount: 136,
    });
    expect(usage).toEqual({
      inputAudioTokens: 165,
      outputAudioTokens: 42,
      inputTextTokens: 332,
      outputTextTokens: 136,
      thinkingTokens: 136,
      totalTokens: 564,
    });
  });

  it('parses protobuf durations', () => {
    expect(parseDurationMs('10s')).toBe(10_000);
    expect(parseDurationMs('0.25s')).toBe(250);
    expect(parseDurationMs(undefined)).toBe(0);
    expect(parseDurationMs('soon')).toBe(0);
  });
});
