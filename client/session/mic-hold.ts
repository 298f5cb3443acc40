// Mute and pause close the mic without ending the scene: while held, no frame leaves and no utterance starts.
// A line the player was speaking when the hold began is ended at once with the frames already sent (the relay
// never waits on half a line); the rest of it, and its own end, are dropped and counted.
import type { MicEvents } from '../audio/mic.js';

interface OpenUtterance {
  utteranceId: number;
  framesSent: number;
  /** Begun or cut while held: nothing more of it goes out. */
  withheld: boolean;
}

export class MicHold {
  #held = false;
  #open: OpenUtterance | null = null;
  #inner: MicEvents | null = null;
  /** Frames the mic produced while held (never sent). */
  framesWithheld = 0;

  get held(): boolean {
    return this.#held;
  }

  /** Holds (or releases) the mic. Holding mid-line ends that line now, with what was sent. */
  setHeld(held: boolean): void {
    if (held === this.#held) return;
    this.#held = held;
    const open = this.#open;
    if (held && open && !open.withheld) {
      open.withheld = true;
      this.#inner?.onUtteranceEnd(open.utteranceId, open.framesSent);
    }
    if (held) this.#inner?.onLevel(0);
  }

  /** A new scene: nothing open, not held. */
  reset(): void {
    this.#held = false;
    this.#open = null;
    this.#inner = null;
    this.framesWithheld = 0;
  }

  wrap(inner: MicEvents): MicEvents {
    this.#inner = inner;
    return {
      onUtteranceStart: (utteranceId) => {
        this.#open = { utteranceId, framesSent: 0, withheld: this.#held };
        if (!this.#held) inner.onUtteranceStart(utteranceId);
      },
      onFrame: (frame) => {
        const open = this.#open;
        if (this.#held || open?.withheld) {
          this.framesWithheld++;
          return;
        }
        if (open) open.framesSent++;
        inner.onFrame(frame);
      },
      onUtteranceEnd: (utteranceId, frameCount) => {
        const open = this.#open?.utteranceId === utteranceId ? this.#open : null;
        this.#open = null;
        if (open?.withheld) return;
        inner.onUtteranceEnd(utteranceId, open ? open.framesSent : frameCount);
      },
      onLevel: (level) => inner.onLevel(this.#held ? 0 : level),
      onCaptureStarted: (atMs) => inner.onCaptureStarted?.(atMs),
    };
  }
}
