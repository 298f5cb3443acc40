// Which transport a scene uses: WebRTC when ICE gets through within a few seconds, else the WebSocket
// (networks that block UDP, relays on Cloud Run without TURN). The choice is remembered for the scene's
// reconnects, so a drop does not pay the WebRTC timeout again. `?transport=websocket` (or localStorage
// `improv.transport`) forces the WebSocket: for tests, and for players whose network blocks UDP.
import type { Transport, TransportState } from './transport.js';
import { TransportError } from './transport-error.js';

export type TransportKind = Transport['kind'];

export interface TransportSelectorOptions {
  createWebRtc(): Transport;
  createWebSocket(): Transport;
  /** False when the browser has no RTCPeerConnection. */
  webRtcAvailable?: () => boolean;
  /** A kind the player (or a test) forced; null = choose. */
  forced?: TransportKind | null;
  /** WebRTC gets this long to open both channels before we fall back. */
  webRtcOpenTimeoutMs?: number;
  /** Told whenever a transport opens, with its kind (for the UI). */
  onChosen?: (kind: TransportKind) => void;
}

export const DEFAULT_WEBRTC_OPEN_TIMEOUT_MS = 4_000;
export const TRANSPORT_STORAGE_KEY = 'improv.transport';

/** A forced transport from the page URL's `transport` query or the stored preference. */
export function forcedTransportKind(search: string, storage?: Pick<Storage, 'getItem'> | null): TransportKind | null {
  const fromQuery = new URLSearchParams(search).get('transport');
  const value = fromQuery ?? safeGet(storage, TRANSPORT_STORAGE_KEY);
  return value === 'websocket' || value === 'webrtc' ? value : null;
}

export class TransportSelector {
  #remembered: TransportKind | null = null;
  readonly #options: TransportSelectorOptions;

  constructor(options: TransportSelectorOptions) {
    this.#options = options;
  }

  /** The kind this scene settled on; null before the first connection. */
  get chosen(): TransportKind | null {
    return this.#remembered;
  }

  /** A transport for one connection attempt. A new scene (reconnecting = false) chooses afresh. */
  create(attempt: { reconnecting: boolean } = { reconnecting: false }): Transport {
    if (!attempt.reconnecting) this.#remembered = null;
    const kind = this.#options.forced ?? this.#remembered;
    if (kind) return this.#watch(kind === 'webrtc' ? this.#options.createWebRtc() : this.#options.createWebSocket());
    const webRtcAvailable = this.#options.webRtcAvailable?.() ?? typeof RTCPeerConnection !== 'undefined';
    if (!webRtcAvailable) return this.#watch(this.#options.createWebSocket());
    return new FallbackTransport(this.#options, (kindOpened) => this.#chose(kindOpened));
  }

  #watch(transport: Transport): Transport {
    transport.onState((state) => {
      if (state === 'open') this.#chose(transport.kind);
    });
    return transport;
  }

  #chose(kind: TransportKind): void {
    this.#remembered = kind;
    this.#options.onChosen?.(kind);
  }
}

/** Tries WebRTC, then the WebSocket; forwards whichever opened. Listeners may be added before connect(). */
class FallbackTransport implements Transport {
  #inner: Transport | null = null;
  #state: TransportState = 'connecting';
  #closed = false;
  readonly #frameListeners = new Set<(frame: Uint8Array) => void>();
  readonly #messageListeners = new Set<(message: Parameters<Parameters<Transport['onMessage']>[0]>[0]) => void>();
  readonly #stateListeners = new Set<(state: TransportState, reason?: string) => void>();

  constructor(
    private readonly options: TransportSelectorOptions,
    private readonly onOpened: (kind: TransportKind) => void,
  ) {}

  get kind(): TransportKind {
    return this.#inner?.kind ?? 'webrtc';
  }

  get state(): TransportState {
    return this.#state;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.options.webRtcOpenTimeoutMs ?? DEFAULT_WEBRTC_OPEN_TIMEOUT_MS;
    const webRtcGaveUp = new AbortController();
    const timer = setTimeout(() => webRtcGaveUp.abort(), timeoutMs);
    const onAbort = () => webRtcGaveUp.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#use(this.options.createWebRtc(), webRtcGaveUp.signal);
      return;
    } catch (error) {
      if (signal?.aborted || this.#closed) {
        return this.#fail(new TransportError('transport.aborted', 'connect was cancelled'));
      }
      // Refused by the relay (a 4xx): the WebSocket would be refused the same way.
      if (error instanceof TransportError && error.code === 'transport.signaling') return this.#fail(error);
      const why = webRtcGaveUp.signal.aborted ? `no WebRTC within ${timeoutMs} ms` : errorText(error);
      console.info(`WebRTC did not connect (${why}); using the WebSocket`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    try {
      await this.#use(this.options.createWebSocket(), signal);
    } catch (error) {
      this.#fail(error);
    }
  }

  sendFrame(frame: Uint8Array): void {
    if (this.#state === 'open') this.#inner?.sendFrame(frame);
  }

  send(message: Parameters<Transport['send']>[0]): void {
    if (this.#state === 'open') this.#inner?.send(message);
  }

  onFrame(listener: (frame: Uint8Array) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  onMessage(listener: Parameters<Transport['onMessage']>[0]): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onState(listener: (state: TransportState, reason?: string) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    this.#inner?.close();
    this.#setState('closed', 'closed by client');
  }

  async #use(transport: Transport, signal: AbortSignal | undefined): Promise<void> {
    this.#inner = transport;
    try {
      await transport.connect(signal);
    } catch (error) {
      transport.close();
      throw error;
    }
    if (this.#closed) {
      transport.close();
      throw new TransportError('transport.aborted', 'closed while connecting');
    }
    transport.onFrame((frame) => {
      for (const listener of this.#frameListeners) listener(frame);
    });
    transport.onMessage((message) => {
      for (const listener of this.#messageListeners) listener(message);
    });
    transport.onState((state, reason) => {
      if (state === 'closed') this.#setState('closed', reason);
    });
    this.onOpened(transport.kind);
    this.#setState('open');
  }

  #fail(error: unknown): never {
    this.#setState('closed', errorText(error));
    throw error instanceof TransportError ? error : new TransportError('transport.unreachable', errorText(error));
  }

  #setState(state: TransportState, reason?: string): void {
    if (this.#state === state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state, reason);
  }
}

function safeGet(storage: Pick<Storage, 'getItem'> | null | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    // Storage can throw (privacy modes); no preference then.
    return null;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
