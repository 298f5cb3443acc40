// The MC's lines on the partner downlink, with the real Opus encoder and frame format: paced at real time with a
// small lead, flagged Start…End on a turn of its own, and cut (never mixed) by a barge-in or the partner's audio.
import { describe, expect, it } from 'vitest';
import { DOWNLINK_SAMPLE_RATE_HZ, DOWNLINK_SAMPLES_PER_FRAME } from '../../shared/constants.js';
import { type AudioFrame, decodeFrame, FrameFlag } from '../../shared/frame.js';
import { sinePcm16 } from '../codec/test-signal.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import { MC_LEAD_MS, McSpeaker } from './mc-speaker.js';
import { PartnerDownlink, type PartnerTurn } from './partner-downlink.js';

interface SentFrame {
  frame: AudioFrame;
  atMs: number;
}

function rig() {
  const sent: SentFrame[] = [];
  const started: PartnerTurn[] = [];
  const cut: PartnerTurn[] = [];
  const ended: PartnerTurn[] = [];
  const downlink = new PartnerDownlink(
    {
      onTurnStart: (turn) => started.push(turn),
      onMcTurnCut: (turn) => cut.push(turn),
      sendFrame: (bytes) => {
        sent.push({ frame: decodeFrame(bytes), atMs: performance.now() });
        return true;
      },
    },
    new LatencyHistogram(),
  );
  const speaker = new McSpeaker({ downlink, onLineEnd: (turn) => ended.push(turn) });
  return { downlink, speaker, sent, started, cut, ended };
}

/** `ms` of a tone as PCM16 24 kHz (a whole number of 20 ms frames plus a partial one when ms is not a multiple). */
const line = (ms: number) => sinePcm16(220, DOWNLINK_SAMPLE_RATE_HZ, Math.round((DOWNLINK_SAMPLE_RATE_HZ * ms) / 1000));

/** A whole line as one ready piece. */
const pieces = (...pcm: Uint8Array[]) => pcm.map((piece) => Promise.resolve(piece));

/** Resolves once `test` holds, polling on the event loop (bounded). */
async function until(test: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!test()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('McSpeaker', () => {
  it('paces a line at real time with a small lead, on an MC turn flagged Start…End', async () => {
    const { speaker, sent, started, ended } = rig();
    const startMs = performance.now();
    const playback = await speaker.play(pieces(line(1_010)));
    const elapsedMs = performance.now() - startMs;
    expect(playback.outcome).toBe('played');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ speaker: 'mc', turnId: playback.turn!.turnId });
    expect(ended).toEqual([playback.turn]);
    // 1010 ms → 51 frames, the last padded; all on the MC turn's stream.
    expect(sent).toHaveLength(51);
    expect(sent.every(({ frame }) => frame.streamId === playback.turn!.turnId)).toBe(true);
    expect(sent[0]!.frame.flags & FrameFlag.Start).toBeTruthy();
    expect(sent.slice(1).every(({ frame }) => !(frame.flags & FrameFlag.Start))).toBe(true);
    expect(sent.at(-1)!.frame.flags & FrameFlag.End).toBeTruthy();
    expect(sent.slice(0, -1).every(({ frame }) => !(frame.flags & FrameFlag.End))).toBe(true);
    // Never more than the lead ahead of real time (one frame of slack for the frame due now)…
    const leadFrames = Math.floor(MC_LEAD_MS / 20) + 1;
    for (const [index, { atMs }] of sent.entries()) {
      expect(index, `frame ${index} sent ${Math.round(atMs - startMs)} ms in`).toBeLessThanOrEqual(
        Math.floor((atMs - startMs) / 20) + leadFrames,
      );
    }
    // …and so the whole line takes about its own length, less the lead.
    expect(elapsedMs).toBeGreaterThan(1_010 - MC_LEAD_MS - 40);
    expect(elapsedMs).toBeLessThan(1_010 + 400);
  });

  it('stops at a barge-in: nothing more is sent, and the partner’s next reply is not dropped', async () => {
    const { downlink, speaker, sent } = rig();
    const playing = speaker.play(pieces(line(2_000)));
    await until(() => sent.length >= 15);
    const cut = downlink.interruptTurn(true);
    expect(cut?.speaker).toBe('mc');
    const playback = await playing;
    expect(playback).toEqual({ outcome: 'cut', turn: cut });
    const mcFrames = sent.length;
    expect(mcFrames).toBeLessThan(40);
    expect(sent.some(({ frame }) => frame.flags & FrameFlag.End)).toBe(false);
    // Cutting the MC set no discard: the partner's reply plays.
    expect(downlink.isDiscarding).toBe(false);
    downlink.pushAudio(line(40), performance.now());
    expect(sent.length).toBe(mcFrames + 2);
    expect(downlink.currentTurn?.speaker).toBe('partner');
  });

  it('is cut by the partner’s audio: the MC turn ends first, then the partner’s own turn starts', async () => {
    const { downlink, speaker, sent, started, cut, ended } = rig();
    const playing = speaker.play(pieces(line(2_000)));
    await until(() => sent.length >= 12);
    // The upstream finishing some turn does not end the MC's line.
    expect(downlink.finishTurn()).toBeNull();
    expect(downlink.currentTurn?.speaker).toBe('mc');
    const mcTurn = downlink.currentTurn!;
    downlink.pushAudio(line(60), performance.now());
    expect(cut).toEqual([mcTurn]);
    const partnerTurn = downlink.currentTurn!;
    expect(partnerTurn).toMatchObject({ speaker: 'partner' });
    expect(partnerTurn.turnId).not.toBe(mcTurn.turnId);
    expect(started.map((turn) => turn.speaker)).toEqual(['mc', 'partner']);
    expect(await playing).toEqual({ outcome: 'cut', turn: mcTurn });
    expect(ended).toEqual([]);
    // The partner's frames are on its own stream, starting with Start; no MC frame after the cut.
    const partnerFrames = sent.filter(({ frame }) => frame.streamId === partnerTurn.turnId);
    expect(partnerFrames).toHaveLength(3);
    expect(partnerFrames[0]!.frame.flags & FrameFlag.Start).toBeTruthy();
    const firstPartnerIndex = sent.indexOf(partnerFrames[0]!);
    expect(sent.slice(firstPartnerIndex).every(({ frame }) => frame.streamId === partnerTurn.turnId)).toBe(true);
  });

  it('waits its turn: no MC line while the partner is speaking; an aborted line stops', async () => {
    const { downlink, speaker, sent } = rig();
    downlink.pushAudio(line(20), performance.now());
    expect(await speaker.play(pieces(line(500)))).toEqual({ outcome: 'busy', turn: null });
    expect(sent.every(({ frame }) => frame.streamId === downlink.currentTurn!.turnId)).toBe(true);
    downlink.finishTurn();

    const controller = new AbortController();
    const playing = speaker.play(pieces(line(2_000)), { signal: controller.signal });
    await until(() => sent.length >= 10);
    controller.abort();
    expect((await playing).outcome).toBe('cut');
  });

  it('sends exactly one frame for a line shorter than one frame, flagged Start and End', async () => {
    const { speaker, sent } = rig();
    const playback = await speaker.play(pieces(line(10)));
    expect(playback.outcome).toBe('played');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.frame.flags & (FrameFlag.Start | FrameFlag.End)).toBe(FrameFlag.Start | FrameFlag.End);
    expect(DOWNLINK_SAMPLES_PER_FRAME).toBe(480);
  });

  it('waits for a late piece without bursting it, and ends a line whose later piece failed', async () => {
    const { speaker, sent, ended } = rig();
    let release: (pcm: Uint8Array) => void = () => {};
    const late = new Promise<Uint8Array>((resolve) => {
      release = resolve;
    });
    const startMs = performance.now();
    const playing = speaker.play([Promise.resolve(line(200)), late, Promise.resolve(null)]);
    // The first piece plays out (10 frames), then the line waits for the second.
    await until(() => sent.length === 10);
    await until(() => performance.now() - startMs > 400);
    expect(sent).toHaveLength(10);
    const resumedAtMs = performance.now();
    release(line(400));
    const playback = await playing;
    expect(playback.outcome).toBe('played');
    // 10 + 20 frames of audio; the third piece failed, so the line ends there, End on its last frame.
    expect(sent).toHaveLength(30);
    expect(sent.slice(0, 29).every(({ frame }) => !(frame.flags & FrameFlag.End))).toBe(true);
    expect(sent.at(-1)!.frame.flags & FrameFlag.End).toBeTruthy();
    expect(ended).toEqual([playback.turn]);
    // The late piece started at its arrival: never more than the lead ahead of that new clock.
    const leadFrames = Math.floor(MC_LEAD_MS / 20) + 1;
    for (const [offset, { atMs }] of sent.slice(10).entries()) {
      expect(offset).toBeLessThanOrEqual(Math.floor((atMs - resumedAtMs) / 20) + leadFrames);
    }
  });

  it('closes the turn with a silent End frame when the piece that failed came after all audio was sent', async () => {
    const { speaker, sent, ended } = rig();
    let fail: () => void = () => {};
    const failing = new Promise<Uint8Array | null>((resolve) => {
      fail = () => resolve(null);
    });
    const playing = speaker.play([Promise.resolve(line(100)), failing]);
    await until(() => sent.length === 5);
    fail();
    const playback = await playing;
    expect(playback.outcome).toBe('played');
    expect(sent).toHaveLength(6);
    expect(sent.slice(0, 5).every(({ frame }) => !(frame.flags & FrameFlag.End))).toBe(true);
    expect(sent[5]!.frame.flags & FrameFlag.End).toBeTruthy();
    expect(ended).toEqual([playback.turn]);
  });
});
