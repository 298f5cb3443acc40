// The selector with in-memory transports (our own Transport interface): WebRTC first, the WebSocket when
// WebRTC does not open in time or cannot exist, a forced WebSocket, and the choice kept for reconnects.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import type { RelayMessage } from '../../shared/protocol.js';
import { FakeTransport } from '../session/scene-fakes.js';
import type { Transport } from './transport.js';
import { TransportError } from './transport-error.js';
import { forcedTransportKind, TransportSelector, type TransportSelectorOptions } from './transport-selector.js';

function setup(options: Partial<TransportSelectorOptions> = {}) {
  const made: FakeTransport[] = [];
  const outcomes = {
    webrtc: 'open' as FakeTransport['connectOutcome'],
    websocket: 'open' as FakeTransport['connectOutcome'],
  };
  const chosen: Transport['kind'][] = [];
  const make = (kind: Transport['kind']) => {
    const transport = new FakeTransport(kind);
    transport.connectOutcome = outcomes[kind];
    made.push(transport);
    return transport;
  };
  const selector = new TransportSelector({
    createWebRtc: () => make('webrtc'),
    createWebSocket: () => make('websocket'),
    webRtcAvailable: () => true,
    webRtcOpenTimeoutMs: 4_000,
    onChosen: (kind) => chosen.push(kind),
    ...options,
  });
  return { selector, made, outcomes, chosen, kinds: () => made.map((t) => t.kind) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TransportSelector', () => {
  it('uses WebRTC when it opens, and keeps WebRTC for the scene’s reconnects', async () => {
    const s = setup();
    const transport = s.selector.create({ reconnecting: false });
    await transport.connect();
    expect([transport.kind, transport.state]).toEqual(['webrtc', 'open']);
    expect(s.selector.chosen).toBe('webrtc');
    const again = s.selector.create({ reconnecting: true });
    await again.connect();
    expect(s.kinds()).toEqual(['webrtc', 'webrtc']);
    expect(s.chosen).toEqual(['webrtc', 'webrtc']);
  });

  it('falls back to the WebSocket when WebRTC has not opened within the timeout, and remembers it', async () => {
    vi.useFakeTimers();
    const s = setup();
    s.outcomes.webrtc = 'pending';
    const transport = s.selector.create({ reconnecting: false });
    const messages: RelayMessage[] = [];
    transport.onMessage((message) => messages.push(message));
    const states: string[] = [];
    transport.onState((state) => states.push(state));
    const connected = transport.connect();
    await vi.advanceTimersByTimeAsync(3_999);
    expect(s.kinds()).toEqual(['webrtc']);
    await vi.advanceTimersByTimeAsync(1);
    await connected;
    expect(s.kinds()).toEqual(['webrtc', 'websocket']);
    expect(s.made[0]!.closed).toBe(true);
    expect([transport.kind, transport.state, s.selector.chosen]).toEqual(['websocket', 'open', 'websocket']);

    // Traffic goes through the WebSocket; listeners added before connect() hear it.
    transport.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    expect(s.made[1]!.sentTypes()).toEqual(['hello']);
    s.made[1]!.deliver({ type: 'pong', t: 1 });
    expect(messages).toEqual([{ type: 'pong', t: 1 }]);
    s.made[1]!.drop('socket closed');
    expect(states).toEqual(['open', 'closed']);

    // The scene's reconnects go straight to the WebSocket, without paying the WebRTC timeout again.
    s.outcomes.webrtc = 'open';
    await s.selector.create({ reconnecting: true }).connect();
    expect(s.kinds()).toEqual(['webrtc', 'websocket', 'websocket']);
    // A new scene tries WebRTC again.
    await s.selector.create({ reconnecting: false }).connect();
    expect(s.kinds().at(-1)).toBe('webrtc');
  });

  it('falls back at once when WebRTC fails (ICE) or does not exist in this browser', async () => {
    const failing = setup();
    failing.outcomes.webrtc = new TransportError('transport.ice_failed', 'no path');
    const transport = failing.selector.create();
    await transport.connect();
    expect(transport.kind).toBe('websocket');

    const noRtc = setup({ webRtcAvailable: () => false });
    const plain = noRtc.selector.create();
    await plain.connect();
    expect(noRtc.kinds()).toEqual(['websocket']);
  });

  it('a forced WebSocket never tries WebRTC', async () => {
    const s = setup({ forced: 'websocket' });
    await s.selector.create({ reconnecting: false }).connect();
    await s.selector.create({ reconnecting: true }).connect();
    expect(s.kinds()).toEqual(['websocket', 'websocket']);
    expect(s.chosen).toEqual(['websocket', 'websocket']);
  });

  it('does not fall back when the relay refused us, or when the caller cancelled', async () => {
    const refused = setup();
    refused.outcomes.webrtc = new TransportError('transport.signaling', 'session.limit');
    const error = await refused.selector
      .create()
      .connect()
      .catch((e: unknown) => e);
    expect((error as TransportError).code).toBe('transport.signaling');
    expect(refused.kinds()).toEqual(['webrtc']);

    const cancelled = setup();
    cancelled.outcomes.webrtc = 'pending';
    const abort = new AbortController();
    const transport = cancelled.selector.create();
    const connecting = transport.connect(abort.signal).catch((e: unknown) => e);
    abort.abort();
    expect(((await connecting) as TransportError).code).toBe('transport.aborted');
    expect(cancelled.kinds()).toEqual(['webrtc']);
    expect(transport.state).toBe('closed');
  });

  it('reads a forced transport from the query first, then from storage', () => {
    const storage = (value: string | null) => ({ getItem: () => value });
    expect(forcedTransportKind('?transport=websocket')).toBe('websocket');
    expect(forcedTransportKind('?x=1', storage('websocket'))).toBe('websocket');
    expect(forcedTransportKind('?transport=webrtc', storage('websocket'))).toBe('webrtc');
    expect(forcedTransportKind('?transport=carrier-pigeon')).toBeNull();
    expect(forcedTransportKind('', storage(null))).toBeNull();
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
    };
    expect(forcedTransportKind('', throwing)).toBeNull();
  });
});
