// The WebSocket fallback: one socket at /api/ws carries what the two data channels carry. Text messages
// are `control` JSON, binary messages are audio frames (the same framing). It runs over TCP, so a backed-up
// socket would queue audio behind audio: the LossyChannel drops (and counts) a frame above the watermark.
import { type ClientMessage, parseRelayMessage, type RelayMessage } from '../../shared/protocol.js';
import { LossyChannel, type LossyChannelStats } from './lossy-channel.js';
import type { Transport, TransportState } from './transport.js';
import { TransportError } from './transport-error.js';

/** What we use of a WebSocket: the browser's, or the `ws` package's in Node tests. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** Absolute ws:// or wss:// URL; by default /api/ws on the page's own host. */
  url?: string;
  /** From connect() to the socket open. */
  connectTimeoutMs?: number;
  /** Injected in Node tests (the `ws` package); globalThis.WebSocket by default. */
  WebSocket?: WebSocketConstructor;
  /** How much audio may sit in the socket's send buffer (see LossyChannel). */
  audioTargetLatencyMs?: number;
}

export interface WebSocketTransportStats {
  audio: LossyChannelStats;
  invalidControlMessages: number;
  invalidAudioMessages: number;
}

export const WEBSOCKET_PATH = '/api/ws';
export const DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS = 5_000;
const OPEN = 1;
const CLOSED = 3;

/** ws:// or wss:// for /api/ws on the page's host (http → ws, https → wss). */
export function webSocketUrlFor(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WEBSOCKET_PATH}`;
}

export class WebSocketTransport implements Transport {
  readonly kind = 'websocket' as const;
  #state: TransportState = 'connecting';
  #socket: WebSocketLike | null = null;
  #lossyAudio: LossyChannel | null = null;
  #invalidControlMessages = 0;
  #invalidAudioMessages = 0;
  readonly #options: WebSocketTransportOptions;
  readonly #frameListeners = new Set<(frame: Uint8Array) => void>();
  readonly #messageListeners = new Set<(message: RelayMessage) => void>();
  readonly #stateListeners = new Set<(state: TransportState, reason?: string) => void>();

  constructor(options: WebSocketTransportOptions = {}) {
    this.#options = options;
  }

  get state(): TransportState {
    return this.#state;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.#socket) throw new TransportError('transport.unsupported', 'a transport connects once; make a new one');
    try {
      await this.#open(signal);
      this.#setState('open');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#teardown();
      this.#setState('closed', reason);
      throw error instanceof TransportError ? error : new TransportError('transport.unreachable', reason);
    }
  }

  sendFrame(frame: Uint8Array): void {
    if (this.#state !== 'open' || !this.#lossyAudio) return;
    this.#lossyAudio.send(frame);
  }

  send(message: ClientMessage): void {
    if (this.#state !== 'open' || this.#socket?.readyState !== OPEN) {
      console.warn(`control message "${message.type}" not sent: transport is ${this.#state}`);
      return;
    }
    this.#socket.send(JSON.stringify(message));
  }

  onFrame(listener: (frame: Uint8Array) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  onMessage(listener: (message: RelayMessage) => void): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onState(listener: (state: TransportState, reason?: string) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  close(): void {
    this.#teardown();
    this.#setState('closed', 'closed by client');
  }

  stats(): WebSocketTransportStats {
    return {
      audio: this.#lossyAudio?.stats() ?? { sentFrames: 0, droppedFrames: 0, watermarkBytes: 0 },
      invalidControlMessages: this.#invalidControlMessages,
      invalidAudioMessages: this.#invalidAudioMessages,
    };
  }

  #open(signal: AbortSignal | undefined): Promise<void> {
    const Ctor = this.#options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    if (!Ctor) return Promise.reject(new TransportError('transport.unsupported', 'this browser has no WebSocket'));
    if (signal?.aborted) return Promise.reject(new TransportError('transport.aborted', 'connect was cancelled'));
    const url = this.#options.url ?? webSocketUrlFor(globalThis.location);
    const socket = new Ctor(url);
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      const settle = (error: TransportError | null) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => settle(new TransportError('transport.aborted', 'connect was cancelled'));
      const timer = setTimeout(
        () => settle(new TransportError('transport.timeout', `no WebSocket connection after ${timeoutMs} ms`)),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.onopen = () => {
        this.#wire(socket);
        settle(null);
      };
      // The browser hides why a handshake failed (refused, 503, no route): all read as unreachable.
      socket.onerror = () => settle(new TransportError('transport.unreachable', `WebSocket to ${url} failed`));
      socket.onclose = (event) =>
        settle(new TransportError('transport.unreachable', `WebSocket closed before it opened (${event.code})`));
    });
  }

  #wire(socket: WebSocketLike): void {
    this.#lossyAudio = new LossyChannel(
      {
        get bufferedAmount() {
          return socket.bufferedAmount;
        },
        get readyState() {
          return socket.readyState === OPEN ? 'open' : 'closed';
        },
        send: (data) => socket.send(data),
      },
      { targetLatencyMs: this.#options.audioTargetLatencyMs },
    );
    socket.onmessage = (event) => {
      const { data } = event;
      if (typeof data === 'string') {
        const parsed = parseRelayMessage(data);
        if (!parsed.ok) {
          this.#invalidControlMessages++;
          console.warn(`dropped control message: ${parsed.message}`);
          return;
        }
        for (const listener of this.#messageListeners) listener(parsed.value);
        return;
      }
      if (!(data instanceof ArrayBuffer)) {
        this.#invalidAudioMessages++;
        return;
      }
      const frame = new Uint8Array(data);
      for (const listener of this.#frameListeners) listener(frame);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => this.#lost(`websocket closed ${event.code} ${event.reason}`.trim());
  }

  /** The socket went away underneath us (only reported once it had opened). */
  #lost(reason: string): void {
    if (this.#state !== 'open') return;
    this.#teardown();
    this.#setState('closed', reason);
  }

  #teardown(): void {
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // A handshake still in flight may fail after we stop listening; keep that quiet.
    socket.onerror = () => {};
    if (socket.readyState !== CLOSED) socket.close(1000, 'closed by client');
  }

  #setState(state: TransportState, reason?: string): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state, reason);
  }
}
