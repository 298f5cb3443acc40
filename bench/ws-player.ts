// A synthetic player over the WebSocket transport (/api/ws: text = control JSON, binary = audio frames), the
// same surface the bench uses from the WebRTC test client. It is how `npm run bench -- --target https://…` reaches
// a deployed relay: Cloud Run serves WebSockets natively, while WebRTC there needs TURN.
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../shared/constants.js';
import { type AudioFrame, decodeFrame, encodeFrame, FrameFlag } from '../shared/frame.js';
import { type ClientMessage, parseRelayMessage, type RelayMessage } from '../shared/protocol.js';

type Waiter<T> = { match: (item: T) => boolean; resolve: (item: T) => void };

/** What a bench session needs from a player, whichever transport carries it. */
export interface BenchPlayer {
  readonly messages: RelayMessage[];
  readonly frames: AudioFrame[];
  readonly invalidMessages: string[];
  readonly closed: boolean;
  send(message: ClientMessage): boolean;
  speak(utteranceId: number, packets: Uint8Array[], frameIntervalMs?: number): Promise<void>;
  hello(extra?: Partial<Extract<ClientMessage, { type: 'hello' }>>, timeoutMs?: number): Promise<RelayMessage>;
  waitForMessage<T extends RelayMessage>(match: (m: RelayMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitForMessage(match: (m: RelayMessage) => boolean, timeoutMs?: number): Promise<RelayMessage>;
  close(): void;
}

export class WsPlayer implements BenchPlayer {
  readonly messages: RelayMessage[] = [];
  readonly frames: AudioFrame[] = [];
  readonly invalidMessages: string[] = [];
  private seq = 0;
  private readonly waiters = new Set<Waiter<RelayMessage>>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
      if (isBinary) {
        this.frames.push(decodeFrame(new Uint8Array(bytes)));
        return;
      }
      const text = bytes.toString('utf8');
      const parsed = parseRelayMessage(text);
      if (!parsed.ok) {
        this.invalidMessages.push(text);
        return;
      }
      this.messages.push(parsed.value);
      for (const waiter of this.waiters) {
        if (!waiter.match(parsed.value)) continue;
        this.waiters.delete(waiter);
        waiter.resolve(parsed.value);
      }
    });
    // A socket error ends the player (counted by the session), never the process.
    socket.on('error', () => socket.terminate());
  }

  static connect(relayUrl: string, timeoutMs = 20_000): Promise<WsPlayer> {
    const socket = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/api/ws`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`WebSocket did not open within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new WsPlayer(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get closed(): boolean {
    return this.socket.readyState !== WebSocket.OPEN;
  }

  send(message: ClientMessage): boolean {
    if (this.closed) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  async speak(utteranceId: number, packets: Uint8Array[], frameIntervalMs = 20): Promise<void> {
    if (!this.send({ type: 'utterance.start', utteranceId })) return;
    const startMs = performance.now();
    for (let i = 0; i < packets.length; i++) {
      if (this.closed) return;
      const flags = (i === 0 ? FrameFlag.Start : 0) | (i === packets.length - 1 ? FrameFlag.End : 0);
      const frame = encodeFrame({
        flags,
        streamId: utteranceId,
        seq: this.seq++,
        timestampMs: Date.now() >>> 0,
        payload: packets[i]!,
      });
      this.socket.send(frame, { binary: true });
      const waitMs = startMs + (i + 1) * frameIntervalMs - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    this.send({ type: 'utterance.end', utteranceId, frameCount: packets.length });
  }

  hello(extra: Partial<Extract<ClientMessage, { type: 'hello' }>> = {}, timeoutMs = 10_000) {
    this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, ...extra });
    return this.waitForMessage((m) => m.type === 'welcome' || m.type === 'error', timeoutMs);
  }

  waitForMessage<T extends RelayMessage>(match: (m: RelayMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitForMessage(match: (m: RelayMessage) => boolean, timeoutMs?: number): Promise<RelayMessage>;
  waitForMessage(match: (m: RelayMessage) => boolean, timeoutMs = 10_000): Promise<RelayMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter<RelayMessage> = {
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms: waiting for control message`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  close(): void {
    this.socket.close();
  }
}
