// The WebSocket fallback: one socket at /api/ws carries what the two data channels carry. Text messages
// are `control` JSON, binary messages are audio frames (the same framing). It runs over TCP, so a backed-up
// socket would queue audio behind audio: the LossyChannel drops (and counts) a frame above the watermark.
import { ChannelTransport, type ChannelTransportStats, type ControlSink } from './channel-transport.js';
import { connectDeadline } from './connect-deadline.js';
import { LossyChannel } from './lossy-channel.js';
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

/** The same counters as WebRTC's (see ChannelTransport). */
export type WebSocketTransportStats = ChannelTransportStats;

export const WEBSOCKET_PATH = '/api/ws';
export const DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS = 5_000;
const OPEN = 1;
const CLOSED = 3;

/** ws:// or wss:// for /api/ws on the page's host (http → ws, https → wss). */
export function webSocketUrlFor(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WEBSOCKET_PATH}`;
}

export class WebSocketTransport extends ChannelTransport {
  readonly kind = 'websocket' as const;
  #socket: WebSocketLike | null = null;
  readonly #options: WebSocketTransportOptions;

  constructor(options: WebSocketTransportOptions = {}) {
    super();
    this.#options = options;
  }

  protected wireCreated(): boolean {
    return this.#socket !== null;
  }

  protected async openWire(signal: AbortSignal | undefined): Promise<void> {
    const Ctor = this.#options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
    if (!Ctor) throw new TransportError('transport.unsupported', 'this browser has no WebSocket');
    // Checked before a socket exists: an aborted connect opens nothing.
    if (signal?.aborted) throw new TransportError('transport.aborted', 'connect was cancelled');
    const url = this.#options.url ?? webSocketUrlFor(globalThis.location);
    const socket = new Ctor(url);
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_WEBSOCKET_CONNECT_TIMEOUT_MS;
    const deadline = connectDeadline(signal, timeoutMs, `no WebSocket connection after ${timeoutMs} ms`);
    try {
      await new Promise<void>((resolve, reject) => {
        deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true });
        socket.onopen = () => {
          this.#wire(socket);
          resolve();
        };
        // The browser hides why a handshake failed (refused, 503, no route): all read as unreachable.
        socket.onerror = () => reject(new TransportError('transport.unreachable', `WebSocket to ${url} failed`));
        socket.onclose = (event) =>
          reject(new TransportError('transport.unreachable', `WebSocket closed before it opened (${event.code})`));
      });
    } finally {
      deadline.dispose();
    }
  }

  protected openControl(): ControlSink | null {
    return this.#socket?.readyState === OPEN ? this.#socket : null;
  }

  #wire(socket: WebSocketLike): void {
    this.attachAudio(
      new LossyChannel(
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
      ),
    );
    // Text is control JSON, binary is audio: the two data channels' traffic on one socket.
    socket.onmessage = ({ data }) => {
      if (typeof data === 'string') this.receiveControl(data);
      else this.receiveAudio(data);
    };
    socket.onerror = () => {};
    socket.onclose = (event) => this.lost(`websocket closed ${event.code} ${event.reason}`.trim());
  }

  protected teardown(): void {
    const socket = this.#socket;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // A handshake still in flight may fail after we stop listening; keep that quiet.
    socket.onerror = () => {};
    if (socket.readyState !== CLOSED) socket.close(1000, 'closed by client');
  }
}
