// Cross-process: TURN credentials minted by a real relay (127.0.0.1, port 0). GET /api/rtc/ice-servers hands out
// credentials that verify with the shared secret, and POST /api/rtc/offer's answer carries the ones the relay's
// own peer gathers with: a TURN stand-in on a loopback UDP port checks the relay's Allocate the way coturn does
// (long-term credential: MESSAGE-INTEGRITY keyed with MD5(username:realm:base64(HMAC-SHA1(secret, username)))).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { PeerConnection } from 'node-datachannel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IceServersJson } from '../../shared/api.js';
import { RtcAnswerResponse } from '../../shared/protocol.js';
import { AnonymousCookieAuthenticator, IDENTITY_COOKIE_NAME } from '../auth/authenticator.js';
import { checkTurnCredential, turnCredential } from '../rtc/turn-credentials.js';
import { type Harness, startHarness } from './harness.js';
import { hello, openWsClient } from './ws-scene.js';

const SECRET = 'turn-test-secret';
const TTL_S = 900;
const REALM = 'improv.test';
const LOOPBACK = '127.0.0.1';

// ---- a TURN stand-in: challenges an Allocate, then checks its credentials like coturn -----------------------

const STUN_MAGIC_COOKIE = 0x2112a442;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_ERROR = 0x0113;
const ATTR = { username: 0x0006, integrity: 0x0008, errorCode: 0x0009, realm: 0x0014, nonce: 0x0015 };

interface AllocateAttempt {
  username: string;
  /** MESSAGE-INTEGRITY checked with the key coturn derives from the shared secret. */
  integrityValid: boolean;
}

function stunAttributes(message: Buffer): Array<{ type: number; offset: number; value: Buffer }> {
  const out: Array<{ type: number; offset: number; value: Buffer }> = [];
  const end = 20 + message.readUInt16BE(2);
  for (let offset = 20; offset + 4 <= end; ) {
    const type = message.readUInt16BE(offset);
    const length = message.readUInt16BE(offset + 2);
    out.push({ type, offset, value: message.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return out;
}

function stunError(request: Buffer, code: number, reason: string, extra: Array<[number, string]>): Buffer {
  const attribute = (type: number, value: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUInt16BE(type, 0);
    header.writeUInt16BE(value.length, 2);
    return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  };
  const errorValue = Buffer.concat([Buffer.from([0, 0, Math.floor(code / 100), code % 100]), Buffer.from(reason)]);
  const body = Buffer.concat([
    attribute(ATTR.errorCode, errorValue),
    ...extra.map(([type, text]) => attribute(type, Buffer.from(text))),
  ]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(ALLOCATE_ERROR, 0);
  header.writeUInt16BE(body.length, 2);
  request.copy(header, 4, 4, 20); // magic cookie + transaction id
  return Buffer.concat([header, body]);
}

function checkIntegrity(message: Buffer, username: string, integrityAt: number, given: Buffer): boolean {
  const password = turnCredential(SECRET, username);
  const key = createHash('md5').update(`${username}:${REALM}:${password}`).digest();
  // The HMAC covers everything before MESSAGE-INTEGRITY, with the length field counting up to its end.
  const covered = Buffer.from(message.subarray(0, integrityAt));
  covered.writeUInt16BE(integrityAt + 24 - 20, 2);
  const expected = createHmac('sha1', key).update(covered).digest();
  return expected.length === given.length && timingSafeEqual(expected, given);
}

async function startTurnStandIn(): Promise<{ socket: Socket; port: number; attempts: AllocateAttempt[] }> {
  const socket = createSocket('udp4');
  const attempts: AllocateAttempt[] = [];
  socket.on('message', (message, from) => {
    if (message.length < 20 || message.readUInt32BE(4) !== STUN_MAGIC_COOKIE) return;
    if (message.readUInt16BE(0) !== ALLOCATE_REQUEST) return;
    const attributes = stunAttributes(message);
    const username = attributes.find((a) => a.type === ATTR.username);
    const integrity = attributes.find((a) => a.type === ATTR.integrity);
    let reply: Buffer;
    if (!username || !integrity) {
      reply = stunError(message, 401, 'Unauthorized', [
        [ATTR.realm, REALM],
        [ATTR.nonce, 'a1b2c3d4e5f6a7b8'],
      ]);
    } else {
      const name = username.value.toString('utf8');
      attempts.push({
        username: name,
        integrityValid: checkIntegrity(message, name, integrity.offset, integrity.value),
      });
      // No relay to give: end this server's gathering at once (the test is about the credentials).
      reply = stunError(message, 508, 'Insufficient Capacity', []);
    }
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return { socket, port: (socket.address() as AddressInfo).port, attempts };
}

// ---- the relay ----------------------------------------------------------------------------------------------

let harness: Harness;
let turn: Awaited<ReturnType<typeof startTurnStandIn>>;
const authenticator = new AnonymousCookieAuthenticator({ secret: 'cookie-secret' });
const USER_ID = 'anon_turnTestUser';
const cookie = `${IDENTITY_COOKIE_NAME}=${authenticator.sign(USER_ID)}`;

beforeAll(async () => {
  turn = await startTurnStandIn();
  harness = await startHarness({
    emulator: { realtime: false },
    env: {
      TURN_URLS: `turn:${LOOPBACK}:${turn.port}?transport=udp`,
      TURN_SECRET: SECRET,
      TURN_TTL_S: String(TTL_S),
    },
    relay: { authenticator },
  });
});
afterAll(async () => {
  await harness?.close();
  turn?.socket.close();
});

/** A real data-channel offer from node-datachannel on loopback. */
async function makeOffer(): Promise<{ pc: PeerConnection; sdp: string }> {
  const pc = new PeerConnection('turn-test-client', { iceServers: [], bindAddress: LOOPBACK });
  const gathered = new Promise<void>((resolve) => pc.onGatheringStateChange((s) => s === 'complete' && resolve()));
  pc.createDataChannel('control');
  if (pc.gatheringState() !== 'complete') await gathered;
  const sdp = pc.localDescription()?.sdp;
  if (!sdp) throw new Error('no local description');
  return { pc, sdp };
}

function turnServerIn(servers: IceServersJson['iceServers']) {
  const server = servers.find((s) => [s.urls].flat().some((url) => url.startsWith('turn:')));
  if (!server?.username || !server.credential) throw new Error('no TURN server with credentials');
  return { username: server.username, credential: server.credential, urls: [server.urls].flat() };
}

describe('TURN credentials from the relay', () => {
  it('GET /api/rtc/ice-servers mints per-caller credentials only for a caller with a live scene', async () => {
    // No scene: static servers only (minting a new TURN username per call would beat coturn's per-user quota).
    const before = IceServersJson.parse(
      await (await fetch(`${harness.relay.url}/api/rtc/ice-servers`, { headers: { cookie } })).json(),
    );
    expect(before).toEqual({ iceServers: [], ttlS: null });
    const scene = await openWsClient(harness.relay.url, { headers: { cookie } });
    scene.send(hello());
    await scene.waitFor((m) => m.type === 'welcome');
    try {
      await checkMintedForLiveScene();
    } finally {
      scene.close();
    }
  });

  async function checkMintedForLiveScene() {
    const startedAtMs = Date.now();
    const response = await fetch(`${harness.relay.url}/api/rtc/ice-servers`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = IceServersJson.parse(await response.json());
    const server = turnServerIn(body.iceServers);
    expect(server.urls).toEqual([`turn:${LOOPBACK}:${turn.port}?transport=udp`]);
    expect(server.username).toMatch(new RegExp(`^\\d+:${USER_ID}$`));
    expect(checkTurnCredential(SECRET, server.username, server.credential)).toBe('valid');
    expect(checkTurnCredential('another-secret', server.username, server.credential)).toBe('wrong_credential');
    const expiresAtMs = Number(server.username.split(':')[0]) * 1000;
    expect(expiresAtMs).toBeGreaterThan(startedAtMs + (TTL_S - 2) * 1000);
    expect(expiresAtMs).toBeLessThanOrEqual(Date.now() + TTL_S * 1000);
    expect(body.ttlS).toBeGreaterThanOrEqual(TTL_S - 2);
    expect(body.ttlS).toBeLessThanOrEqual(TTL_S);

    // A caller without an identity gets one (its cookie), and no TURN credentials until it has a scene.
    const anonymous = await fetch(`${harness.relay.url}/api/rtc/ice-servers`);
    const setCookie = anonymous.headers.get('set-cookie') ?? '';
    const newUserId = authenticator.verify(/iol_uid=([^;]+)/.exec(setCookie)?.[1]);
    expect(newUserId).toMatch(/^anon_/);
    expect(IceServersJson.parse(await anonymous.json()).iceServers).toEqual([]);
  }

  it('POST /api/rtc/offer answers with the credentials its own peer allocates with', async () => {
    const { pc, sdp } = await makeOffer();
    try {
      const response = await fetch(`${harness.relay.url}/api/rtc/offer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ type: 'offer', sdp }),
      });
      expect(response.status).toBe(200);
      const answer = RtcAnswerResponse.parse(await response.json());
      const server = turnServerIn(answer.iceServers);
      expect(server.username).toMatch(new RegExp(`^\\d+:${USER_ID}$`));
      expect(checkTurnCredential(SECRET, server.username, server.credential)).toBe('valid');
      // The relay's peer tried the TURN server with exactly these, and they pass coturn's check.
      await expect
        .poll(() => turn.attempts.find((a) => a.username === server.username), { timeout: 5_000 })
        .toEqual({ username: server.username, integrityValid: true });
    } finally {
      pc.close();
    }
  });
});
