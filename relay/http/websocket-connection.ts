// The WebSocket fallback for browsers whose ICE cannot connect (Cloud Run takes no inbound UDP): one socket at
// /api/ws carries the same traffic as the two data channels. Text messages = `control` JSON; binary = audio frames.
// Downlink audio keeps the lossy rule: above the watermark a frame is dropped and counted, never queued.
// Keepalive: a ping frame every keepaliveMs keeps an idle stream open through Cloud Run's load balancer, and a
// peer that answered neither that ping nor anything else by the next one is gone (closed as a drop, so the
// session waits for a resume).

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { MAX_CONTROL_MESSAGE_BYTES } from '../../shared/constants.js';
import { AppError } from '../../shared/errors.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { Authenticator } from '../auth/authenticator.js';
import { clientAddress } from '../limits/client-address.js';
import type { PendingBudget } from '../limits/pending-budget.js';
import type { Logger } from '../log.js';
import type { ClientConnection } from '../session/connection.js';
import type { SessionManager } from '../session/session-manager.js';
import { originAllowed } from './origin-policy.js';

export const WEBSOCKET_PATH = '/api/ws';
/** Larger than any control message or frame; a bigger message closes the socket (1009). */
const MAX_WS_MESSAGE_BYTES = MAX_CONTROL_MESSAGE_BYTES * 4;
/** A keepalive tick this many intervals after the last one is late (our event loop stalled). */
const KEEPALIVE_STALL_FACTOR = 1.5;

export class WebSocketClientConnection implements ClientConnection {
  readonly kind = 'websocket' as const;
  readonly id = randomUUID();
  framesDropped = 0;
  private controlListener: ((raw: string | Uint8Array) => void) | null = null;
  private audioListener: ((frame: Uint8Array) => void) | null = null;
  private readonly closeListeners: Array<(reason: string) => void> = [];
  private closed = false;
  private keepaliveTimer: NodeJS.Timeout | null = null;
  /** Anything heard from the peer (a pong, a message) since the last ping. */
  private heardSincePing = true;

  constructor(
    private readonly socket: WebSocket,
    private readonly highWatermarkBytes: number,
    private readonly logger: Logger,
    readonly userId?: string,
    /** Control messages queued for a client that is not reading; past it the socket is closed. */
    private readonly maxControlBufferBytes = Number.POSITIVE_INFINITY,
  ) {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      this.heardSincePing = true;
      try {
        if (isBinary) this.audioListener?.(toBytes(data));
        else this.controlListener?.(toBytes(data).toString());
      } catch (error) {
        this.logger.error('websocket handler failed', { connectionId: this.id, error });
      }
    });
    socket.on('close', (code, reason) => this.markClosed(`websocket closed ${code} ${reason.toString()}`.trim()));
    socket.on('error', (error) => this.logger.debug('websocket error', { connectionId: this.id, error }));
    socket.on('pong', () => {
      this.heardSincePing = true;
    });
  }

  /** Pings every `intervalMs`; a peer silent for a whole interval is terminated (no close handshake to wait on). */
  startKeepalive(intervalMs: number): void {
    if (intervalMs <= 0 || this.closed || this.keepaliveTimer) return;
    let lastTickAtMs = performance.now();
    this.keepaliveTimer = setInterval(() => {
      const nowMs = performance.now();
      // A late tick means our own event loop stalled: the pong may be read right after this tick, so no verdict.
      const stalled = nowMs - lastTickAtMs > intervalMs * KEEPALIVE_STALL_FACTOR;
      lastTickAtMs = nowMs;
      if (!this.heardSincePing && !stalled) {
        this.logger.info('websocket peer silent; closing', { connectionId: this.id, intervalMs });
        this.socket.terminate();
        this.markClosed(`websocket keepalive: no pong within ${intervalMs} ms`);
        return;
      }
      this.heardSincePing = false;
      this.socket.ping();
    }, intervalMs);
    this.keepaliveTimer.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  sendControl(message: RelayMessage): void {
    if (this.closed) return;
    // A client that stops reading (and keeps sending pings) would otherwise grow this queue without bound.
    if (this.socket.bufferedAmount > this.maxControlBufferBytes) {
      this.logger.warn('websocket control buffer full; closing', {
        connectionId: this.id,
        bufferedBytes: this.socket.bufferedAmount,
      });
      this.socket.terminate();
      this.markClosed('limit.backpressure: the client is not reading');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  sendAudio(frame: Uint8Array): boolean {
    if (this.closed || this.socket.bufferedAmount > this.highWatermarkBytes) {
      this.framesDropped++;
      return false;
    }
    this.socket.send(frame, { binary: true });
    return true;
  }

  onControl(listener: (raw: string | Uint8Array) => void): void {
    this.controlListener = listener;
  }

  onAudio(listener: (frame: Uint8Array) => void): void {
    this.audioListener = listener;
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closed) listener('closed');
    else this.closeListeners.push(listener);
  }

  close(reason: string): void {
    if (this.closed) return;
    // Close frames carry at most 123 bytes of reason.
    this.socket.close(1000, Buffer.from(reason).subarray(0, 123).toString());
    this.markClosed(reason);
  }

  private markClosed(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Accepts WebSocket upgrades on /api/ws and hands each socket to the session handshake. */
export function attachWebSocketTransport(
  server: Server,
  options: {
    sessions: SessionManager;
    audioHighWatermarkBytes: number;
    logger: Logger;
    /** WebSocket ping interval (WS_KEEPALIVE_MS); 0 or unset = no pings. */
    keepaliveMs?: number;
    /** The upgrade request is authenticated like /api/rtc/offer; a new identity's cookie rides on the 101. */
    authenticator?: Authenticator;
    /** Sockets before hello count here (relay-wide and per address) instead of against the scenes. */
    pending?: PendingBudget;
    /** Origins besides our own that may open a socket. */
    allowedOrigins?: readonly string[];
    trustedProxyHops?: number;
    maxControlBufferBytes?: number;
  },
): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES });
  const cookieFor = new WeakMap<IncomingMessage, string>();
  wss.on('headers', (headers, request) => {
    const setCookie = cookieFor.get(request);
    if (setCookie) headers.push(`Set-Cookie: ${setCookie}`);
  });
  const onUpgrade: Parameters<Server['on']>[1] = (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname;
    if (path !== WEBSOCKET_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (!originAllowed(request, options.allowedOrigins ?? [])) {
      options.logger.info('websocket from another origin refused', { origin: request.headers.origin?.slice(0, 200) });
      socket.end('HTTP/1.1 403 Forbidden\r\nX-Error-Code: origin.forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const { sessions } = options;
    if (sessions.isDraining || !sessions.hasCapacity()) {
      const code = sessions.isDraining ? 'relay.draining' : 'session.limit';
      socket.end(`HTTP/1.1 503 Service Unavailable\r\nX-Error-Code: ${code}\r\nConnection: close\r\n\r\n`);
      return;
    }
    const admission = options.pending?.admit(clientAddress(request, options.trustedProxyHops ?? 0));
    if (admission && !admission.ok) {
      socket.end(`HTTP/1.1 429 Too Many Requests\r\nX-Error-Code: ${admission.code}\r\nConnection: close\r\n\r\n`);
      return;
    }
    const ticket = admission?.ticket;
    // The upgrade can still fail (bad key, the socket went away): the slot must not stay taken.
    socket.once('close', () => ticket?.release());
    const upgrade = (userId: string | undefined) =>
      wss.handleUpgrade(request, socket, head, (ws) => {
        const connection = new WebSocketClientConnection(
          ws,
          options.audioHighWatermarkBytes,
          options.logger,
          userId,
          options.maxControlBufferBytes,
        );
        connection.startKeepalive(options.keepaliveMs ?? 0);
        sessions.accept(connection, ticket);
      });
    if (!options.authenticator) {
      upgrade(undefined);
      return;
    }
    options.authenticator.authenticate(request).then(
      (identity) => {
        if (socket.destroyed) return;
        if (identity.setCookie) cookieFor.set(request, identity.setCookie);
        upgrade(identity.userId);
      },
      (error: unknown) => {
        // Not signed in, or not allowed: a coded refusal the client turns into its sign-in screen.
        if (error instanceof AppError && error.httpStatus < 500) {
          socket.end(
            `HTTP/1.1 ${error.httpStatus} Refused\r\nX-Error-Code: ${error.code}\r\nConnection: close\r\n\r\n`,
          );
          return;
        }
        options.logger.error('websocket authentication failed', { error });
        socket.end('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n');
      },
    );
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}
