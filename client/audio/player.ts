// Partner playback: downlink frames → JitterBuffer (when to play) → WebCodecs AudioDecoder (Opus
// to PCM) → playback worklet (plays each chunk at its scheduled context sample, sliding a turn
// later when a chunk arrives after its slot, and telling us so the jitter buffer follows). Browser
// glue only; the timing logic is in jitter-buffer.ts and playback-schedule.ts, unit-tested there.
import {
  JITTER_TARGET_MAX_MS,
  JITTER_TARGET_MIN_MS,
  OPUS_FRAME_MS,
  PLAYBACK_SAMPLE_RATE_HZ,
} from '../../shared/constants.js';
import type { AudioFrame } from '../../shared/frame.js';
import { JitterBuffer, type ScheduledFrame } from './jitter-buffer.js';
import type { PlaybackInMessage, PlaybackOutMessage } from './playback-worklet.js';
import playbackWorkletUrl from './playback-worklet.ts?worker&url';
import { resampleLinear } from './resample.js';

export interface PlayerEvents {
  /** First sample of partner turn `turnId` actually reached the speakers. */
  onTurnAudible(turnId: number): void;
  /** All queued audio of the turn has played out (after the End frame). */
  onTurnDrained(turnId: number): void;
}

export interface PlayedTurn {
  turnId: number;
  /** Audio actually rendered for this turn. */
  playedMs: number;
  /** RMS of what was rendered (0..1): tells a spoken reply from silence. */
  rms: number;
}

export interface PlayerStats {
  bufferedMs: number;
  targetMs: number;
  underruns: number;
  /**
   * Frames that arrived after their slot: network stragglers the jitter buffer dropped (concealed),
   * plus decoded chunks that reached the audio thread late (their turn slid, see shiftedMs; only
   * out-of-order stragglers among them were dropped).
   */
  lateFrames: number;
  /**
   * How much later turns played than scheduled because their audio reached the audio thread late,
   * summed over turns (a slide that also moves the turn queued behind counts for both).
   */
  shiftedMs: number;
  concealedMs: number;
  /** Every turn that reached the speakers, oldest first (bounded). */
  playedTurns: PlayedTurn[];
  /** Time from the last interrupt() to silence on the audio thread, or null before any. */
  lastInterruptToSilenceMs: number | null;
}

const MAX_PLAYED_TURNS = 64;

export interface Player {
  /** A downlink frame already parsed with shared/frame.ts decodeFrame (streamId = partner turnId). */
  pushFrame(frame: AudioFrame): void;
  /** Barge-in: stop sound within 100 ms, drop everything queued, ignore later frames of the current turn. Returns what was cut. */
  interrupt(): { turnId: number | null; playedMs: number };
  readonly speakingTurnId: number | null;
  /** The partner's (and the MC's) playback volume, 0..1. */
  setVolume?(level: number): void;
  stats(): PlayerStats;
  close(): Promise<void>;
}

export class PlayerError extends Error {
  constructor(
    readonly code: 'player.unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'PlayerError';
  }
}

/** Decode + hand-off to the audio thread must fit in this; frames are scheduled at least this far ahead. */
const SCHEDULE_MARGIN_MS = 12;
/** A turn whose End frame was lost is treated as drained after this long without frames. */
const TURN_END_TIMEOUT_MS = 1_500;
/** Poll period for starting waiting turns and detecting drained ones; well under one 20 ms frame. */
const POLL_INTERVAL_MS = 5;

const OPUS_SILENCE_PACKET = new Uint8Array([0xf8, 0xff, 0xfe]);

interface PendingDecode {
  turnId: number;
  playoutMs: number;
  shiftMs: number;
  epoch: number;
}

/** Call from a user gesture (the Start scene click) so the AudioContext may start. */
export async function createPlayer(events: PlayerEvents): Promise<Player> {
  if (typeof AudioDecoder === 'undefined' || typeof AudioWorkletNode === 'undefined') {
    throw new PlayerError(
      'player.unsupported',
      'This browser cannot play the partner’s voice. Please use a current Chrome or Edge.',
    );
  }
  const decoderConfig: AudioDecoderConfig = { codec: 'opus', sampleRate: PLAYBACK_SAMPLE_RATE_HZ, numberOfChannels: 1 };
  const support = await AudioDecoder.isConfigSupported(decoderConfig);
  if (!support.supported) {
    throw new PlayerError(
      'player.unsupported',
      'This browser cannot decode Opus audio. Please use a current Chrome or Edge.',
    );
  }
  // 48 kHz is what the Opus decoder outputs, so the context plays decoded PCM without resampling.
  const context = new AudioContext({ sampleRate: PLAYBACK_SAMPLE_RATE_HZ, latencyHint: 'interactive' });
  void context.resume();
  await context.audioWorklet.addModule(playbackWorkletUrl);
  const node = new AudioWorkletNode(context, 'partner-playback', {
    numberOfInputs: 0,
    numberOfOutputs: 1,
    outputChannelCount: [1],
  });
  // The player's partner-volume control sits here, after the jitter buffer, so it never changes timing.
  const volume = context.createGain();
  node.connect(volume).connect(context.destination);

  const jitterBuffer = new JitterBuffer({
    targetMinMs: JITTER_TARGET_MIN_MS,
    targetMaxMs: JITTER_TARGET_MAX_MS,
    frameMs: OPUS_FRAME_MS,
    scheduleMarginMs: SCHEDULE_MARGIN_MS,
    endTimeoutMs: TURN_END_TIMEOUT_MS,
  });
  const nowMs = () => context.currentTime * 1000;
  /** Keyed by the chunk timestamp we give the decoder, so every output finds its slot. */
  const pendingDecodes = new Map<number, PendingDecode>();
  let decodeCounter = 0;
  let epoch = 0;
  let workletLateFrames = 0;
  let shiftedFrames = 0;
  /** `clear`s posted whose `cleared` has not come back: `shifted` reports before it are of forgotten turns. */
  let clearsInFlight = 0;
  const playedTurns = new Map<number, { samples: number; sumSquares: number }>();
  let interruptAtFrame: number | null = null;
  let lastInterruptToSilenceMs: number | null = null;
  let closed = false;

  const post = (message: PlaybackInMessage, transfer: Transferable[] = []) => node.port.postMessage(message, transfer);

  const onDecoded = (data: AudioData) => {
    const pending = pendingDecodes.get(data.timestamp);
    pendingDecodes.delete(data.timestamp);
    try {
      if (!pending || pending.epoch !== epoch || closed) return;
      let samples = new Float32Array(data.numberOfFrames);
      data.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      samples = resampleLinear(samples, data.sampleRate, context.sampleRate);
      const startFrame = Math.round((pending.playoutMs / 1000) * context.sampleRate);
      const shiftFrames = Math.round((pending.shiftMs / 1000) * context.sampleRate);
      post({ type: 'schedule', turnId: pending.turnId, startFrame, samples, shiftFrames }, [samples.buffer]);
    } finally {
      data.close();
    }
  };
  const makeDecoder = () => {
    const created = new AudioDecoder({
      output: onDecoded,
      // A corrupt packet closes the decoder; start a fresh one so the next frames still play.
      error: (error) => {
        console.warn('partner audio decoder failed, restarting', error);
        pendingDecodes.clear();
        if (!closed) decoder = makeDecoder();
      },
    });
    created.configure(decoderConfig);
    return created;
  };
  let decoder = makeDecoder();
  // WebCodecs sets the Opus decoder up on its first packet, which cost ~0.5 s on the first partner
  // reply; decode one 20 ms silence packet now (TOC 0xF8: CELT fullband 20 ms, mono) so that cost
  // is paid while the scene connects. Timestamp 0 is never a real chunk's, so its output is dropped.
  decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: 0, data: OPUS_SILENCE_PACKET }));

  const decode = (scheduled: ScheduledFrame[]) => {
    for (const { frame, playoutMs, shiftMs } of scheduled) {
      if (decoder.state !== 'configured') continue;
      decodeCounter += 1;
      const timestampUs = decodeCounter * OPUS_FRAME_MS * 1000;
      pendingDecodes.set(timestampUs, { turnId: frame.streamId, playoutMs, shiftMs, epoch });
      decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: timestampUs, data: frame.payload }));
    }
  };

  node.port.onmessage = (event: MessageEvent<PlaybackOutMessage>) => {
    const message = event.data;
    if (message.type === 'started') events.onTurnAudible(message.turnId);
    else if (message.type === 'late') workletLateFrames += 1;
    else if (message.type === 'shifted') {
      shiftedFrames += message.byFrames;
      // Back to ms; the next chunk's shiftFrames rounds to the same integer, so the worklet adds nothing twice.
      if (clearsInFlight === 0)
        jitterBuffer.shiftTurn(message.turnId, (message.shiftFrames / context.sampleRate) * 1000);
    } else if (message.type === 'energy') {
      const turn = playedTurns.get(message.turnId) ?? { samples: 0, sumSquares: 0 };
      turn.samples += message.samples;
      turn.sumSquares += message.sumSquares;
      playedTurns.set(message.turnId, turn);
      if (playedTurns.size > MAX_PLAYED_TURNS) playedTurns.delete(playedTurns.keys().next().value as number);
    } else if (message.type === 'cleared') {
      clearsInFlight = Math.max(0, clearsInFlight - 1);
      if (interruptAtFrame !== null) {
        lastInterruptToSilenceMs = (Math.max(0, message.frame - interruptAtFrame) / context.sampleRate) * 1000;
        interruptAtFrame = null;
      }
    }
  };

  const timer = setInterval(() => {
    const { scheduled, drainedTurnIds } = jitterBuffer.poll(nowMs());
    decode(scheduled);
    for (const turnId of drainedTurnIds) events.onTurnDrained(turnId);
  }, POLL_INTERVAL_MS);

  return {
    pushFrame(frame) {
      if (closed) return;
      decode(jitterBuffer.push(frame, nowMs()));
    },
    interrupt() {
      const cut = jitterBuffer.interrupt(nowMs());
      epoch += 1;
      interruptAtFrame = Math.round(context.currentTime * context.sampleRate);
      clearsInFlight += 1;
      post({ type: 'clear', cutTurnId: cut.turnId });
      return cut;
    },
    setVolume(level: number) {
      volume.gain.value = Math.max(0, Math.min(1, level));
    },
    get speakingTurnId() {
      return jitterBuffer.activeTurnId;
    },
    stats() {
      const { bufferedMs, targetMs, underruns, lateFrames, concealedMs } = jitterBuffer.stats(nowMs());
      return {
        bufferedMs,
        targetMs,
        underruns,
        lateFrames: lateFrames + workletLateFrames,
        shiftedMs: (shiftedFrames / context.sampleRate) * 1000,
        concealedMs,
        playedTurns: [...playedTurns].map(([turnId, { samples, sumSquares }]) => ({
          turnId,
          playedMs: (samples / context.sampleRate) * 1000,
          rms: samples > 0 ? Math.sqrt(sumSquares / samples) : 0,
        })),
        lastInterruptToSilenceMs,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      post({ type: 'clear', cutTurnId: null });
      if (decoder.state !== 'closed') decoder.close();
      node.disconnect();
      await context.close();
    },
  };
}
