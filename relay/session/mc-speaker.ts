// Plays one MC line down the partner downlink as an MC turn (speaker 'mc', its own turn id, Start/End flags),
// paced at real time with a small lead. The `audio` channel is lossy and drops sends above its high watermark, so
// a whole line (several seconds of frames) is never queued at once: the browser's jitter buffer only needs the
// next ~100 ms, and a line that gets cut (barge-in, the partner's reply, the scene ending) has sent little extra.
import { DOWNLINK_FRAME_BYTES } from '../codec/opus.js';
import type { PartnerDownlink, PartnerTurn } from './partner-downlink.js';

/** How far ahead of real time frames are sent: covers timer jitter without filling the channel's buffer. */
export const MC_LEAD_MS = 150;
const FRAME_MS = 20;

export type McPlaybackOutcome = 'played' | 'cut' | 'busy';

export interface McPlayback {
  outcome: McPlaybackOutcome;
  /** The downlink turn the line was played on; null when the downlink was busy. */
  turn: PartnerTurn | null;
}

export interface McSpeakerDeps {
  downlink: PartnerDownlink;
  /** `partner.end` when a line plays to its end (whoever cuts a line sends its interrupted partner.end). */
  onLineEnd: (turn: PartnerTurn) => void;
  now?: () => number;
}

export class McSpeaker {
  private readonly now: () => number;

  constructor(private readonly deps: McSpeakerDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /**
   * Plays one MC line, PCM16 24 kHz mono in pieces (`chunks`, in order; a null piece failed, and the line ends
   * before it), as one MC turn. Pieces still being synthesized are waited for; playback re-anchors its clock
   * after such a wait, so a late piece is never sent as a burst. `onStart` runs once the turn exists.
   * Resolves 'played', 'cut' (the turn left the downlink, or `signal` aborted) or 'busy' (another turn was on).
   */
  play(
    chunks: readonly Promise<Uint8Array | null>[],
    options: { signal?: AbortSignal; onStart?: (turn: PartnerTurn) => void } = {},
  ): Promise<McPlayback> {
    const { downlink } = this.deps;
    if (options.signal?.aborted) return Promise.resolve({ outcome: 'cut', turn: null });
    const turn = downlink.startMcTurn();
    if (!turn) return Promise.resolve({ outcome: 'busy', turn: null });
    options.onStart?.(turn);
    const frames: Uint8Array[] = [];
    let complete = false;
    let anchorMs = this.now();
    let sent = 0;
    let lastSent = false;
    // Nothing to send yet: the clock starts with the first frames.
    let starved = true;
    return new Promise<McPlayback>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let done = false;
      const finish = (outcome: McPlaybackOutcome) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ outcome, turn });
      };
      const onAbort = () => finish('cut');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const schedule = () => {
        if (done || timer) return;
        timer = setTimeout(tick, FRAME_MS);
        timer.unref();
      };
      // New audio (or the end of it): send what is due now rather than at the next tick.
      const wake = () => {
        if (done) return;
        if (timer) clearTimeout(timer);
        timer = null;
        tick();
      };
      const tick = () => {
        timer = null;
        if (done) return;
        if (downlink.currentTurn !== turn) {
          finish('cut');
          return;
        }
        if (starved && frames.length > sent) {
          // The next piece came late: it starts now, not in the past (which would send its start as a burst).
          anchorMs = Math.max(anchorMs, this.now() - sent * FRAME_MS);
          starved = false;
        }
        // Everything due by now plus the lead; a late timer catches up in one go (bounded by the lead).
        const dueFrames = Math.floor((this.now() - anchorMs + MC_LEAD_MS) / FRAME_MS) + 1;
        while (sent < dueFrames && sent < frames.length) {
          lastSent = complete && sent === frames.length - 1;
          if (!downlink.sendMcFrame(turn, frames[sent]!, lastSent)) {
            finish('cut');
            return;
          }
          sent++;
        }
        if (sent === frames.length && complete) {
          // A piece failed after others played: the line ends early, still closed with an End frame.
          if (!lastSent && !downlink.sendMcFrame(turn, new Uint8Array(DOWNLINK_FRAME_BYTES), true)) {
            finish('cut');
            return;
          }
          this.deps.onLineEnd(turn);
          finish('played');
          return;
        }
        if (sent === frames.length) starved = true;
        schedule();
      };
      void (async () => {
        for (const chunk of chunks) {
          const pcm = await chunk;
          if (!pcm || done) break;
          for (let index = 0; index * DOWNLINK_FRAME_BYTES < pcm.byteLength; index++) frames.push(frameAt(pcm, index));
          if (chunk !== chunks.at(-1)) wake();
        }
        complete = true;
        // An empty line still needs its End frame.
        if (frames.length === 0) frames.push(new Uint8Array(DOWNLINK_FRAME_BYTES));
        wake();
      })();
    });
  }
}

/** Frame `index` of the line: DOWNLINK_FRAME_BYTES, the last one padded with silence. */
function frameAt(pcm: Uint8Array, index: number): Uint8Array {
  const start = index * DOWNLINK_FRAME_BYTES;
  if (start + DOWNLINK_FRAME_BYTES <= pcm.byteLength) return pcm.subarray(start, start + DOWNLINK_FRAME_BYTES);
  const frame = new Uint8Array(DOWNLINK_FRAME_BYTES);
  frame.set(pcm.subarray(start));
  return frame;
}
