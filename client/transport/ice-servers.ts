// Where the browser's RTCPeerConnection gets its ICE servers: GET /api/rtc/ice-servers, before the offer is
// built (relay candidates are gathered then or never). The relay mints TURN credentials per caller; we keep them
// until shortly before they expire, so a reconnect pays no extra round trip. A slow or failed fetch never holds
// the scene up: we go on with no servers (host candidates still work on a LAN, and the WebSocket fallback exists).
import { IceServersJson } from '../../shared/api.js';

export const ICE_SERVERS_URL = '/api/rtc/ice-servers';
/** The fetch is on the connect path; past this we go on without TURN rather than keep the player waiting. */
export const ICE_SERVERS_FETCH_TIMEOUT_MS = 1_500;
/**
 * Credentials are reused while at least this much of them is left (half their life at most), so a scene that
 * starts with cached ones can still allocate and refresh on a TURN server that checks expiry on refresh too.
 */
export const ICE_SERVERS_REUSE_MARGIN_MS = 15 * 60_000;

export interface IceServerSourceOptions {
  url?: string;
  fetch?: typeof fetch;
  fetchTimeoutMs?: number;
  now?: () => number;
}

interface CachedServers {
  iceServers: RTCIceServer[];
  /** Local clock; Infinity when nothing in the list expires. */
  reuseUntilMs: number;
}

export class IceServerSource {
  #cached: CachedServers | null = null;
  #inFlight: Promise<RTCIceServer[]> | null = null;
  readonly #options: IceServerSourceOptions;

  constructor(options: IceServerSourceOptions = {}) {
    this.#options = options;
  }

  /** The servers to build a peer with; [] when the relay could not say in time. Never rejects. */
  get(signal?: AbortSignal): Promise<RTCIceServer[]> {
    const now = this.#now();
    if (this.#cached && now < this.#cached.reuseUntilMs) return Promise.resolve(this.#cached.iceServers);
    this.#cached = null;
    // Two transports connecting at once share one request; it is bounded by its own timeout, not by either
    // caller's signal, so one caller giving up does not cost the other its servers.
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = null;
    });
    return signal ? untilAborted(this.#inFlight, signal) : this.#inFlight;
  }

  /** Forget cached credentials (e.g. the TURN server refused them). */
  invalidate(): void {
    this.#cached = null;
  }

  async #fetch(): Promise<RTCIceServer[]> {
    const timeoutMs = this.#options.fetchTimeoutMs ?? ICE_SERVERS_FETCH_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const fetchImpl = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    const requestedAtMs = this.#now();
    try {
      const response = await fetchImpl(this.#options.url ?? ICE_SERVERS_URL, {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
        signal: timeout,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const parsed = IceServersJson.safeParse(await response.json());
      if (!parsed.success) throw new Error('reply not understood');
      const { iceServers, ttlS } = parsed.data;
      // Measured from the request, not the reply: the relay's clock started before our response arrived.
      const lifetimeMs = ttlS === null ? Number.POSITIVE_INFINITY : ttlS * 1000;
      const marginMs = Math.min(ICE_SERVERS_REUSE_MARGIN_MS, lifetimeMs / 2);
      this.#cached = { iceServers, reuseUntilMs: requestedAtMs + lifetimeMs - marginMs };
      return iceServers;
    } catch (error) {
      const why = timeout.aborted ? `no reply within ${timeoutMs} ms` : (error as Error).message;
      console.info(`ICE servers unavailable (${why}); connecting without TURN`);
      return [];
    }
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** The servers, or [] as soon as the caller gives up (the caller then sees its own signal aborted). */
function untilAborted(servers: Promise<RTCIceServer[]>, signal: AbortSignal): Promise<RTCIceServer[]> {
  if (signal.aborted) return Promise.resolve([]);
  return new Promise((resolve) => {
    const onAbort = () => resolve([]);
    signal.addEventListener('abort', onAbort, { once: true });
    void servers.then((value) => {
      signal.removeEventListener('abort', onAbort);
      resolve(value);
    });
  });
}

let shared: IceServerSource | null = null;

/** The page's one source, so every connection of every scene shares the cached credentials. */
export function sharedIceServerSource(): IceServerSource {
  shared ??= new IceServerSource();
  return shared;
}
