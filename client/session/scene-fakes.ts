// In-memory stand-ins for our own seams (Transport, Player, Mic) so the scene controller's logic
// runs in Node. These are our interfaces, not a vendor SDK; the real ones are tested in a browser.

import type { AudioFrame } from '../../shared/frame.js';
import type { ClientMessage, RelayMessage } from '../../shared/protocol.js';
import type { Mic, MicEvents } from '../audio/mic.js';
import type { Player, PlayerEvents } from '../audio/player.js';
import type { Transport } from '../transport/transport.js';
import { TransportBase } from '../transport/transport-base.js';

export class FakeTransport extends TransportBase implements Transport {
  readonly sent: ClientMessage[] = [];
  readonly sentFrames: Uint8Array[] = [];
  closed = false;
  /** What connect() does: open at once, fail with this error, or wait until aborted. */
  connectOutcome: 'open' | 'pending' | Error = 'open';

  constructor(readonly kind: Transport['kind'] = 'webrtc') {
    super();
  }

  connect(signal?: AbortSignal): Promise<void> {
    const outcome = this.connectOutcome;
    if (outcome instanceof Error) {
      this.setState('closed', outcome.message);
      return Promise.reject(outcome);
    }
    if (outcome === 'pending') {
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { code: 'transport.aborted' })),
        );
      });
    }
    this.setState('open');
    return Promise.resolve();
  }
  sendFrame(frame: Uint8Array): void {
    this.sentFrames.push(frame);
  }
  send(message: ClientMessage): void {
    if (this.state !== 'open') throw new Error(`send on ${this.state} transport`);
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
    this.setState('closed', 'closed by client');
  }

  /** The relay sends us something. */
  deliver(message: RelayMessage): void {
    this.emitMessage(message);
  }
  deliverFrame(bytes: Uint8Array): void {
    this.emitFrame(bytes);
  }
  /** The network drops us. */
  drop(reason: string): void {
    this.setState('closed', reason);
  }
  sentTypes(): string[] {
    return this.sent.map((message) => message.type);
  }
}

export class FakePlayer implements Player {
  speakingTurnId: number | null = null;
  readonly pushed: AudioFrame[] = [];
  interrupts = 0;
  closed = false;
  playedMsAtInterrupt = 1234.4;
  constructor(readonly events: PlayerEvents) {}
  pushFrame(frame: AudioFrame): void {
    this.pushed.push(frame);
  }
  interrupt(): { turnId: number | null; playedMs: number } {
    this.interrupts++;
    const turnId = this.speakingTurnId;
    this.speakingTurnId = null;
    return { turnId, playedMs: turnId === null ? 0 : this.playedMsAtInterrupt };
  }
  stats() {
    return {
      bufferedMs: 40,
      targetMs: 50,
      underruns: 0,
      lateFrames: 0,
      shiftedMs: 0,
      concealedMs: 0,
      playedTurns: [],
      lastInterruptToSilenceMs: null,
    };
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

export class FakeMic implements Mic {
  stopped = false;
  constructor(readonly events: MicEvents) {}
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}
