// Which transport a scene uses: WebRTC when ICE gets through within a few seconds, else the WebSocket
// (networks that block UDP, relays on Cloud Run without TURN). The choice is remembered for the scene's
// reconnects, so a drop does not pay the WebRTC timeout again. `?transport=websocket` (or localStorage
// `improv.transport`) forces the WebSocket: for tests, and for players whose network blocks UDP.
import { connectDeadline } from './connect-deadline.js';
import type { Transport } from './transport.js';
import { TransportBase } from './transport-base.js';
import { asTransportError, errorText, TransportError } from './transport-error.js';

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
class FallbackTransport extends TransportBase implements Transport {
  #inner: Transport | null = null;
  #closed = false;

  constructor(
    private readonly options: TransportSelectorOptions,
    private readonly onOpened: (kind: TransportKind) => void,
  ) {
    super();
  }

  get kind(): TransportKind {
    return this.#inner?.kind ?? 'webrtc';
  }

  async connect(signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.options.webRtcOpenTimeoutMs ?? DEFAULT_WEBRTC_OPEN_TIMEOUT_MS;
    const webRtcGaveUp = connectDeadline(signal, timeoutMs, `no WebRTC within ${timeoutMs} ms`);
    try {
      await this.#use(this.options.createWebRtc(), webRtcGaveUp.signal);
      return;
    } catch (error) {
      if (signal?.aborted || this.#closed) {
        return this.#fail(new TransportError('transport.aborted', 'connect was cancelled'));
      }
      // Refused by the relay (a 4xx): the WebSocket would be refused the same way.
      // (Unless our own deadline cut the exchange short: then it is a timeout like any other.)
      if (error instanceof TransportError && error.code === 'transport.signaling' && !webRtcGaveUp.signal.aborted) {
        return this.#fail(error);
      }
      const why = webRtcGaveUp.signal.aborted ? `no WebRTC within ${timeoutMs} ms` : errorText(error);
      console.info(`WebRTC did not connect (${why}); using the WebSocket`);
    } finally {
      webRtcGaveUp.dispose();
    }
    try {
      await this.#use(this.options.createWebSocket(), signal);
    } catch (error) {
      this.#fail(error);
    }
  }

  sendFrame(frame: Uint8Array): void {
    if (this.state === 'open') this.#inner?.sendFrame(frame);
  }

  send(message: Parameters<Transport['send']>[0]): void {
    if (this.state === 'open') this.#inner?.send(message);
  }

  close(): void {
    this.#closed = true;
    this.#inner?.close();
    this.setState('closed', 'closed by client');
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
    transport.onFrame((frame) => this.emitFrame(frame));
    transport.onMessage((message) => this.emitMessage(message));
    transport.onState((state, reason) => {
      if (state === 'closed') this.setState('closed', reason);
    });
    this.onOpened(transport.kind);
    this.setState('open');
  }

  #fail(error: unknown): never {
    this.setState('closed', errorText(error));
    throw asTransportError(error);
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
