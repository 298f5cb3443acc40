// WebRtcTransport against a real node-datachannel answerer over loopback: the browser side runs on
// node-datachannel's RTCPeerConnection polyfill, so signaling, SDP, ICE and SCTP are all real.
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DataChannel, PeerConnection } from 'node-datachannel';
import { RTCPeerConnection as PolyfillPeerConnection } from 'node-datachannel/polyfill';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { encodeFrame } from '../../shared/frame.js';
import { type RelayMessage, RtcOfferRequest } from '../../shared/protocol.js';
import { IceServerSource } from './ice-servers.js';
import type { TransportState } from './transport.js';
import { TransportError } from './transport-error.js';
import { WebRtcTransport } from './webrtc.js';

const LOOPBACK = '127.0.0.1';

interface TestRelay {
  url: string;
  peers: PeerConnection[];
  /** Every control message the relay received, as sent. */
  controlReceived: string[];
  channels: Map<string, DataChannel>;
  close(): Promise<void>;
}

/** A minimal relay: answers the offer, says an invalid thing then `welcome` to `hello`, echoes audio. */
async function startTestRelay(
  respond?: (body: unknown) => { status: number; json: unknown } | null,
): Promise<TestRelay> {
  const peers: PeerConnection[] = [];
  const controlReceived: string[] = [];
  const channels = new Map<string, DataChannel>();
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', async () => {
      const body: unknown = JSON.parse(raw);
      const canned = respond?.(body);
      if (canned) {
        res.writeHead(canned.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(canned.json));
        return;
      }
      const offer = RtcOfferRequest.parse(body);
      const peer = new PeerConnection(`relay-${peers.length}`, { iceServers: [], bindAddress: LOOPBACK });
      peers.push(peer);
      peer.onDataChannel((channel) => {
        channels.set(channel.getLabel(), channel);
        channel.onMessage((message) => {
          if (channel.getLabel() === 'control' && typeof message === 'string') controlReceived.push(message);
          if (channel.getLabel() === 'audio' && typeof message !== 'string')
            channel.sendMessageBinary(message as Buffer);
          if (channel.getLabel() === 'control' && typeof message === 'string' && JSON.parse(message).type === 'hello') {
            channel.sendMessage('{"type":"not-a-message"}');
            const welcome: RelayMessage = {
              type: 'welcome',
              protocolVersion: PROTOCOL_VERSION,
              sessionId: 's-1',
              resumeToken: 'r',
              upstream: 'emulator',
              resumed: false,
            };
            channel.sendMessage(JSON.stringify(welcome));
          }
        });
      });
      const gathered = new Promise<void>((resolve) =>
        peer.onGatheringStateChange((state) => state === 'complete' && resolve()),
      );
      // Two libdatachannel agents in one process: if the answerer starts connectivity checks before
      // the offerer has the answer, the offerer sometimes fails to apply it ("remote candidate without
      // ICE transport"). Browsers cope; here the answerer learns the client's address from the
      // client's own checks (peer-reflexive) instead of from the offer.
      const offerSdp = offer.sdp.replace(/^a=(candidate:.*|end-of-candidates)\r?\n/gm, '');
      peer.setRemoteDescription(offerSdp, 'offer');
      if (peer.gatheringState() !== 'complete') await gathered;
      const answer = peer.localDescription();
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ peerId: `peer-${peers.length}`, type: 'answer', sdp: answer?.sdp, iceServers: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}/api/rtc/offer`,
    peers,
    controlReceived,
    channels,
    close: async () => {
      for (const peer of peers) peer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function polyfillPeer(config: RTCConfiguration): RTCPeerConnection {
  // node-datachannel reads bindAddress from the same config object; keep ICE on loopback.
  return new PolyfillPeerConnection({
    ...config,
    bindAddress: LOOPBACK,
  } as RTCConfiguration) as unknown as RTCPeerConnection;
}

function waitFor<T>(register: (done: (value: T) => void) => void, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('WebRtcTransport', () => {
  it('connects, validates control messages at the edge, and carries audio frames both ways', async () => {
    const relay = await startTestRelay();
    cleanups.push(relay.close);
    const transport = new WebRtcTransport({ offerUrl: relay.url, peerConnectionFactory: polyfillPeer });
    cleanups.push(() => transport.close());
    const states: TransportState[] = [];
    transport.onState((state) => states.push(state));

    const startedAtMs = performance.now();
    await transport.connect();
    console.log(`connect took ${Math.round(performance.now() - startedAtMs)} ms`);
    expect(transport.state).toBe('open');
    expect(states).toEqual(['open']);
    expect(transport.peerId).toBe('peer-1');

    const welcome = waitFor<RelayMessage>((done) => transport.onMessage(done));
    transport.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    expect(await welcome).toMatchObject({ type: 'welcome', sessionId: 's-1' });
    expect(transport.stats().invalidControlMessages).toBe(1);

    const frame = encodeFrame({ flags: 1, streamId: 3, seq: 42, timestampMs: 7, payload: new Uint8Array([5, 6, 7]) });
    const echoed = waitFor<Uint8Array>((done) => transport.onFrame(done));
    transport.sendFrame(frame);
    expect(Array.from(await echoed)).toEqual(Array.from(frame));
    expect(transport.stats().audio.sentFrames).toBe(1);
  });

  // A guard: node-datachannel's polyfill flushes on close by itself, so this cannot reproduce Chromium
  // dropping queued data with the peer; it fails if close() ever discards what was queued.
  it('delivers the last control message sent right before close()', async () => {
    const relay = await startTestRelay();
    cleanups.push(relay.close);
    const transport = new WebRtcTransport({ offerUrl: relay.url, peerConnectionFactory: polyfillPeer });
    await transport.connect();
    transport.send({ type: 'scene.end' });
    transport.close();
    expect(transport.state).toBe('closed');
    await vi.waitFor(() => expect(relay.controlReceived).toContain(JSON.stringify({ type: 'scene.end' })), {
      timeout: 3_000,
    });
  });

  it('reports closed when the relay goes away', async () => {
    const relay = await startTestRelay();
    cleanups.push(relay.close);
    const transport = new WebRtcTransport({ offerUrl: relay.url, peerConnectionFactory: polyfillPeer });
    cleanups.push(() => transport.close());
    await transport.connect();
    const closed = waitFor<string | undefined>((done) =>
      transport.onState((state, reason) => state === 'closed' && done(reason)),
    );
    relay.peers[0]!.close();
    expect(await closed).toMatch(/closed|failed|disconnected/);
    expect(transport.state).toBe('closed');
  });

  it('turns signaling failures into typed errors', async () => {
    const refused = await startTestRelay(() => ({
      status: 400,
      json: { error: { code: 'signaling.invalid_offer', message: 'bad sdp' } },
    }));
    cleanups.push(refused.close);
    const down = await startTestRelay(() => ({
      status: 503,
      json: { error: { code: 'relay.draining', message: 'bye' } },
    }));
    cleanups.push(down.close);

    const attempt = async (offerUrl: string) => {
      const transport = new WebRtcTransport({ offerUrl, peerConnectionFactory: polyfillPeer });
      const error = await transport.connect().then(
        () => null,
        (e: unknown) => e,
      );
      expect(transport.state).toBe('closed');
      return error;
    };
    expect(await attempt(refused.url)).toMatchObject({ code: 'transport.signaling' });
    expect(await attempt(down.url)).toMatchObject({ code: 'transport.unreachable' });
    // Nothing listens on this port: the relay is unreachable.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, LOOPBACK, resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const unreachable = await attempt(`http://${LOOPBACK}:${port}/api/rtc/offer`);
    expect(unreachable).toBeInstanceOf(TransportError);
    expect(unreachable).toMatchObject({ code: 'transport.unreachable' });
  });

  it('gives up when aborted', async () => {
    const relay = await startTestRelay();
    cleanups.push(relay.close);
    const transport = new WebRtcTransport({ offerUrl: relay.url, peerConnectionFactory: polyfillPeer });
    const abort = new AbortController();
    abort.abort();
    await expect(transport.connect(abort.signal)).rejects.toMatchObject({ code: 'transport.aborted' });
    expect(transport.state).toBe('closed');
  });

  it('an abort while the answer’s body is still arriving is an abort, not an answer it could not read', async () => {
    // The relay sends its headers, then the body only later (a relay still gathering, a busy page): the connect
    // deadline fires in between. Read as "not understood", it was a refusal and the WebSocket was never tried.
    let release: () => void = () => {};
    let headersSent = false;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"peerId":"p-1",');
      headersSent = true;
      release = () => res.end('"type":"answer","sdp":"v=0","iceServers":[]}');
    });
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    cleanups.push(async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const { port } = server.address() as AddressInfo;
    const transport = new WebRtcTransport({
      offerUrl: `http://${LOOPBACK}:${port}/api/rtc/offer`,
      peerConnectionFactory: polyfillPeer,
    });
    const abort = new AbortController();
    const attempt = transport.connect(abort.signal);
    await vi.waitFor(() => expect(headersSent).toBe(true), { timeout: 3_000 });
    abort.abort();
    await expect(attempt).rejects.toMatchObject({ code: 'transport.aborted' });
  });
});

/** GET /api/rtc/ice-servers as the relay serves it, with a canned reply (or a status code); counts requests. */
async function startIceServersEndpoint(reply: { iceServers: RTCIceServer[]; ttlS: number | null } | number) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    if (typeof reply === 'number') res.writeHead(reply).end();
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}/api/rtc/ice-servers`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Records each config the transport builds its peer with. node-datachannel takes TURN user info URL-encoded
 * (our usernames carry a ':'), which its polyfill does not do; the browser takes the fields as they are. */
function recordingPeerFactory(configs: RTCConfiguration[]) {
  return (config: RTCConfiguration): RTCPeerConnection => {
    configs.push(config);
    const iceServers = (config.iceServers ?? []).map((server) => ({
      ...server,
      ...(server.username ? { username: encodeURIComponent(server.username) } : {}),
      ...(typeof server.credential === 'string' ? { credential: encodeURIComponent(server.credential) } : {}),
    }));
    return polyfillPeer({ ...config, iceServers });
  };
}

describe('WebRtcTransport ICE servers', () => {
  it('fetches the relay’s ICE servers before building its peer, gathers with them, and reuses them', async () => {
    // A TURN "server" on a loopback UDP port that only listens: the peer's Allocate must reach it.
    const turn = createSocket('udp4');
    const allocates: number[] = [];
    turn.on('message', (message) => {
      if (message.length >= 20 && message.readUInt16BE(0) === 0x0003) allocates.push(message.length);
    });
    await new Promise<void>((resolve) => turn.bind(0, LOOPBACK, resolve));
    cleanups.push(() => new Promise<void>((resolve) => turn.close(() => resolve())));
    const turnUrl = `turn:${LOOPBACK}:${(turn.address() as AddressInfo).port}?transport=udp`;
    const minted = { urls: [turnUrl], username: '1700003600:anon_c', credential: 'yzUZKhNMbtFep8+ylRShNS5v4RE=' };
    const endpoint = await startIceServersEndpoint({ iceServers: [minted], ttlS: 3_600 });
    cleanups.push(endpoint.close);
    const relay = await startTestRelay();
    cleanups.push(relay.close);
    const source = new IceServerSource({ url: endpoint.url });
    const configs: RTCConfiguration[] = [];
    const connect = async () => {
      const transport = new WebRtcTransport({
        offerUrl: relay.url,
        iceServerSource: source,
        peerConnectionFactory: recordingPeerFactory(configs),
        // The TURN stand-in never answers; send the host candidates without waiting the default 2 s.
        iceGatheringTimeoutMs: 300,
      });
      cleanups.push(() => transport.close());
      await transport.connect();
      expect(transport.state).toBe('open');
    };

    await connect();
    expect(configs[0]?.iceServers).toEqual([minted]);
    await expect.poll(() => allocates.length, { timeout: 3_000 }).toBeGreaterThan(0);
    // A reconnect uses the cached credentials: no second request.
    await connect();
    expect(configs[1]?.iceServers).toEqual([minted]);
    expect(endpoint.requests()).toBe(1);
  });

  it('connects with no ICE servers when the relay cannot say', async () => {
    const endpoint = await startIceServersEndpoint(503);
    cleanups.push(endpoint.close);
    const relay = await startTestRelay();
    cleanups.push(relay.close);
    const configs: RTCConfiguration[] = [];
    const transport = new WebRtcTransport({
      offerUrl: relay.url,
      iceServerSource: new IceServerSource({ url: endpoint.url }),
      peerConnectionFactory: recordingPeerFactory(configs),
    });
    cleanups.push(() => transport.close());
    await transport.connect();
    expect(transport.state).toBe('open');
    expect(endpoint.requests()).toBe(1);
    expect(configs.map((config) => config.iceServers)).toEqual([[]]);
  });
});
