// SessionStage's MC with the real pieces around it: the emulator's TTS through the real SDK, the real downlink
// (Opus, frame format) and TurnLog. The intro goes out as text at once and then as an MC turn; the partner's
// audio cuts it; the line is stored as an MC turn in scene order; without a TTS model it stays text only.
import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudioFrame, decodeFrame, FrameFlag } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { sinePcm16 } from '../codec/test-signal.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { silentLogger } from '../log.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import { DEFAULT_TTS_MODEL } from '../stage/mc-voice.js';
import { StageScene } from '../stage/stage-scene.js';
import type { TurnEndedEvent } from './observer.js';
import { PartnerDownlink } from './partner-downlink.js';
import { SessionStage } from './session-stage.js';
import { TurnLog } from './turn-log.js';

let emulator: LiveEmulator;
beforeAll(async () => {
  emulator = await startLiveEmulator({ port: 0, warmVoices: [] });
});
afterAll(async () => {
  await emulator?.close();
});

function rig(ttsModel: string | null) {
  const sent: RelayMessage[] = [];
  const frames: AudioFrame[] = [];
  const stored: TurnEndedEvent[] = [];
  const send = (message: RelayMessage) => sent.push(message);
  const turns = new TurnLog('s-1', { onTurnEnded: (event) => stored.push(event) }, silentLogger, send);
  const downlink = new PartnerDownlink(
    {
      onTurnStart: (turn) => {
        send({ type: 'partner.start', turnId: turn.turnId, speaker: turn.speaker ?? 'partner' });
        if (turn.speaker !== 'mc') turns.partnerStarted(turn);
      },
      onMcTurnCut: (turn) => send({ type: 'partner.end', turnId: turn.turnId, interrupted: true }),
      sendFrame: (bytes) => {
        frames.push(decodeFrame(bytes));
        return true;
      },
    },
    new LatencyHistogram(),
  );
  const stage = new SessionStage({
    scene: new StageScene({ gameId: 'yes-and', mcVoice: 'Charon' }),
    services: {
      ai: new GoogleGenAI({ apiKey: 'emulator', httpOptions: { baseUrl: emulator.url } }),
      textModel: 'gemini-2.5-flash',
      ttsModel,
    },
    send,
    sendUpstream: () => true,
    onPhase: () => {},
    logger: silentLogger,
    downlink,
    turns,
    onMcLineEnd: (turnId) => send({ type: 'partner.end', turnId, interrupted: false }),
  });
  return { stage, downlink, turns, sent, frames, stored };
}

async function until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!test()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('SessionStage: the MC', () => {
  it('voices the intro as an MC turn; the partner’s audio cuts it; it is stored first, cut', async () => {
    const { stage, downlink, turns, sent, frames, stored } = rig(DEFAULT_TTS_MODEL);
    stage.prepareIntro();
    stage.sendIntro();
    // Text at once, before any audio.
    expect(sent[0]).toMatchObject({ type: 'transcript', speaker: 'mc', final: true });
    await until(() => frames.length >= 10);
    const mcStart = sent.find((m) => m.type === 'partner.start');
    expect(mcStart).toMatchObject({ speaker: 'mc' });
    const mcTurnId = (mcStart as { turnId: number }).turnId;
    expect(stage.isMcTurn(mcTurnId)).toBe(true);
    expect(frames[0]).toMatchObject({ streamId: mcTurnId });
    expect(frames[0]!.flags & FrameFlag.Start).toBeTruthy();
    expect(stage.introFirstFrameMs).not.toBeNull();

    // The player answers; the partner's reply arrives while the MC still talks.
    turns.playerStarted(1);
    turns.playerText('Yes, and hello');
    turns.playerEnded(1);
    downlink.pushAudio(sinePcm16(200, 24_000, 960), performance.now());
    const partnerTurn = downlink.currentTurn!;
    expect(partnerTurn.speaker).toBe('partner');
    expect(sent.filter((m) => m.type === 'partner.end')).toEqual([
      { type: 'partner.end', turnId: mcTurnId, interrupted: true },
    ]);
    downlink.finishTurn();
    turns.finalizeAll(false);
    expect(stored.map((e) => [e.speaker, e.interrupted])).toEqual([
      ['mc', true],
      ['player', false],
      ['partner', false],
    ]);
    expect(stored[0]).toMatchObject({ text: stage.scene.introText(), turnId: mcTurnId });
    // No MC frame after the partner's first.
    const firstPartner = frames.findIndex((f) => f.streamId === partnerTurn.turnId);
    expect(frames.slice(firstPartner).every((f) => f.streamId === partnerTurn.turnId)).toBe(true);
    stage.dispose();
  });

  it('keeps the MC text only without a TTS model, still storing its line; the outro follows the reactions', async () => {
    const { stage, sent, frames, stored } = rig(null);
    stage.sendIntro();
    await until(() => stored.length === 1);
    expect(stored[0]).toMatchObject({ speaker: 'mc', interrupted: false, turnId: 0 });
    expect(frames).toHaveLength(0);
    const report = await stage.finish();
    expect(report.source).toBe('fallback');
    expect(stored.map((e) => e.speaker)).toEqual(['mc', 'mc']);
    expect(stored[1]!.text).toContain('And... scene!');
    expect(sent.some((m) => m.type === 'partner.start')).toBe(false);
  });

  it('leaves the MC out of the coach’s lines and counts stored reactions toward the mood (a takeover)', () => {
    const { stage } = rig(null);
    stage.addLine({ speaker: 'mc', text: 'Welcome!' });
    stage.addLine({ speaker: 'player', text: 'Yes, and hi' });
    stage.addLine({ speaker: 'audience', text: '*laughter*', sentiment: 0.6 });
    stage.addLine({ speaker: 'audience', text: '*groans*', sentiment: -0.2 });
    expect(stage.mood()).toBeCloseTo(0.2, 5);
    expect(stage.historyForFreshUpstream()[0]!.parts[0]!.text).not.toContain('Welcome!');
  });
});
