// WebSocketTransport against a real `ws` server on loopback (Node 20 has no global WebSocket, so the
// `ws` client is passed in): text = control JSON, binary = audio frames, as the relay's /api/ws speaks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { encodeFrame } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { TransportState } from './transport.js';
import { TransportError } from './transport-error.js';
import { type WebSocketConstructor, WebSocketTransport, webSocketUrlFor } from './websocket.js';

const LOOPBACK = '127.0.0.1';
const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

interface TestRelay {
  url: string;
  sockets: WebSocket[];
  received: Array<{ binary: boolean; data: Buffer }>;
  close(): Promise<void>;
}

const WELCOME: RelayMessage = {
  type: 'welcome',
  protocolVersion: PROTOCOL_VERSION,
  sessionId: 's-1',
  resumeToken: 'r',
  upstream: 'emulator',
  resumed: false,
};

/** Answers hello with an invalid message then `welcome`; echoes audio frames. */
async function startTestRelay(): Promise<TestRelay> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, path: '/api/ws' });
  const sockets: WebSocket[] = [];
  const received: TestRelay['received'] = [];
  wss.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data: Buffer, binary: boolean) => {
      received.push({ binary, data });
      if (binary) {
        socket.send(data, { binary: true });
        return;
      }
      if (JSON.parse(data.toString()).type === 'hello') {
        socket.send('{"type":"not-a-message"}');
        socket.send(JSON.stringify(WELCOME));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://${LOOPBACK}:${port}/api/ws`,
    sockets,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

function nextEvent<T>(subscribe: (listener: (value: T) => void) => () => void, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
    const unsubscribe = subscribe((value) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
  });
}

/** An in-memory socket (our WebSocketLike seam): opens on a microtask unless `opens` is false; records sends. */
function memorySocket(options: { sent?: unknown[]; bufferedAmount?: () => number; opens?: boolean } = {}) {
  const made: Array<{ onmessage: ((event: { data: unknown }) => void) | null }> = [];
  class MemorySocket {
    binaryType = 'blob';
    readyState = 0;
    onopen: ((event: unknown) => void) | null = null;
    onclose: ((event: { code: number; reason: string }) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    onmessage: ((event: { data: unknown }) => void) | null = null;
    get bufferedAmount() {
      return options.bufferedAmount?.() ?? 0;
    }
    constructor(readonly url: string) {
      made.push(this);
      if (options.opens === false) return;
      queueMicrotask(() => {
        this.readyState = 1;
        this.onopen?.({});
      });
    }
    send(data: unknown) {
      options.sent?.push(data);
    }
    close() {
      this.readyState = 3;
    }
  }
  return Object.assign(MemorySocket as WebSocketConstructor, { made });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.unstubAllGlobals();
});

describe('WebSocketTransport', () => {
  it('builds ws:// or wss:// from the page location', () => {
    expect(webSocketUrlFor({ protocol: 'http:', host: '127.0.0.1:8787' })).toBe('ws://127.0.0.1:8787/api/ws');
    expect(webSocketUrlFor({ protocol: 'https:', host: 'stage.example' })).toBe('wss://stage.example/api/ws');
  });

  it('carries control JSON and binary audio frames, and drops invalid control messages', async () => {
    const relay = await startTestRelay();
    cleanups.push(() => relay.close());
    const transport = new WebSocketTransport({ url: relay.url, WebSocket: NodeWebSocket });
    cleanups.push(() => transport.close());
    const states: TransportState[] = [];
    transport.onState((state) => states.push(state));
    await transport.connect();
    expect(transport.state).toBe('open');
    expect(transport.kind).toBe('websocket');

    const welcome = nextEvent<RelayMessage>((l) => transport.onMessage(l));
    transport.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, sessionId: 's-1', resumeToken: 'r' });
    expect(await welcome).toEqual(WELCOME);
    expect(transport.stats().invalidControlMessages).toBe(1);
    expect(JSON.parse(relay.received[0]!.data.toString())).toMatchObject({ type: 'hello', resumeToken: 'r' });

    const frame = encodeFrame({ flags: 1, streamId: 3, seq: 0, timestampMs: 0, payload: new Uint8Array([1, 2, 3]) });
    const echoed = nextEvent<Uint8Array>((l) => transport.onFrame(l));
    transport.sendFrame(frame);
    expect(Array.from(await echoed)).toEqual(Array.from(frame));
    expect(relay.received.at(-1)?.binary).toBe(true);
    expect(transport.stats().audio).toMatchObject({ sentFrames: 1, droppedFrames: 0 });
    expect(states).toEqual(['open']);
  });

  it('reports the relay closing the socket as closed with a reason', async () => {
    const relay = await startTestRelay();
    cleanups.push(() => relay.close());
    const transport = new WebSocketTransport({ url: relay.url, WebSocket: NodeWebSocket });
    await transport.connect();
    const closed = nextEvent<[TransportState, string | undefined]>((l) =>
      transport.onState((state, reason) => l([state, reason])),
    );
    await new Promise<void>((resolve) => {
      const poll = () => (relay.sockets.length > 0 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    relay.sockets[0]!.close(1001, 'going away');
    expect(await closed).toEqual(['closed', 'websocket closed 1001 going away']);
    // Nothing goes out on a closed transport, and nothing throws.
    transport.send({ type: 'ping', t: 1 });
    transport.sendFrame(new Uint8Array([1]));
  });

  it('drops audio (and counts it) instead of queueing it when the socket is backed up', async () => {
    const sent: unknown[] = [];
    let bufferedAmount = 0;
    const BackedUpSocket = memorySocket({ sent, bufferedAmount: () => bufferedAmount });
    const transport = new WebSocketTransport({ url: 'ws://127.0.0.1:1/api/ws', WebSocket: BackedUpSocket });
    await transport.connect();
    const frame = new Uint8Array(72);
    transport.sendFrame(frame);
    bufferedAmount = 1_000_000;
    for (let i = 0; i < 10; i++) transport.sendFrame(frame);
    bufferedAmount = 0;
    transport.sendFrame(frame);
    expect(sent).toHaveLength(2);
    expect(transport.stats().audio).toMatchObject({ sentFrames: 2, droppedFrames: 10 });
    transport.close();
  });

  it('fails with a typed error when nothing listens, and when cancelled', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = new WebSocketTransport({ url: `ws://${LOOPBACK}:${port}/api/ws`, WebSocket: NodeWebSocket });
    const error = await refused.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('transport.unreachable');
    expect(refused.state).toBe('closed');

    const relay = await startTestRelay();
    cleanups.push(() => relay.close());
    const aborted = new AbortController();
    aborted.abort();
    const cancelled = new WebSocketTransport({ url: relay.url, WebSocket: NodeWebSocket });
    const abortError = await cancelled.connect(aborted.signal).catch((e: unknown) => e);
    expect((abortError as TransportError).code).toBe('transport.aborted');
  });

  it('keeps the transport open and the other listeners fed when one listener throws', async () => {
    // What a browser does with the error; Node 20 has no reportError of its own.
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    const Socket = memorySocket();
    const transport = new WebSocketTransport({ url: 'ws://127.0.0.1:1/api/ws', WebSocket: Socket });
    cleanups.push(() => transport.close());
    const stateBug = new Error('state listener bug');
    transport.onState(() => {
      throw stateBug;
    });
    const states: TransportState[] = [];
    transport.onState((state) => states.push(state));
    await transport.connect();
    expect([transport.state, states]).toEqual(['open', ['open']]);

    const messageBug = new Error('message listener bug');
    transport.onMessage(() => {
      throw messageBug;
    });
    const messages: RelayMessage[] = [];
    transport.onMessage((message) => messages.push(message));
    Socket.made[0]!.onmessage?.({ data: JSON.stringify(WELCOME) });
    expect(messages).toEqual([WELCOME]);
    expect(reported).toEqual([stateBug, messageBug]);
    expect(transport.state).toBe('open');
  });

  it('times out with a typed error when the socket never opens, and connects only once', async () => {
    const transport = new WebSocketTransport({
      url: 'ws://127.0.0.1:1/api/ws',
      WebSocket: memorySocket({ opens: false }),
      connectTimeoutMs: 20,
    });
    const closedWith = nextEvent<string | undefined>((l) => transport.onState((_state, reason) => l(reason)));
    const error = await transport.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'transport.timeout', message: 'no WebSocket connection after 20 ms' });
    expect(await closedWith).toBe('no WebSocket connection after 20 ms');
    await expect(transport.connect()).rejects.toMatchObject({ code: 'transport.unsupported' });
    expect(transport.state).toBe('closed');
  });
});
