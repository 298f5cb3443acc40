// Real node-datachannel peers on loopback: the relay side answers a client offer, adopts its two channels,
// and the lossy audio channel drops (and counts) instead of queueing past its watermark.
import { type DataChannel, PeerConnection } from 'node-datachannel';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { LossyAudioChannel } from './lossy-channel.js';
import { type PeerChannels, RelayPeer, toNdcIceServers } from './peer.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function connectPair(): Promise<{
  relay: RelayPeer;
  channels: PeerChannels;
  clientAudio: DataChannel;
  clientControl: DataChannel;
}> {
  const client = new PeerConnection('client', { iceServers: [], bindAddress: '127.0.0.1' });
  const clientAudio = client.createDataChannel('audio', { unordered: true, maxRetransmits: 0 });
  // Keep the channel objects: libdatachannel holds channels weakly, so one left to the garbage collector
  // before SCTP is up is never opened (the relay then sees only `audio`).
  const clientControl = client.createDataChannel('control');
  await new Promise<void>((resolve) => {
    client.onGatheringStateChange((state) => state === 'complete' && resolve());
    if (client.gatheringState() === 'complete') resolve();
  });
  const relay = new RelayPeer({ bindAddress: '127.0.0.1', iceServers: [] }, silentLogger);
  cleanups.push(() => {
    relay.close();
    client.close();
  });
  const channelsReady = new Promise<PeerChannels>((resolve) => relay.onChannels(resolve));
  // Offer without our candidates: libdatachannel as offerer would otherwise race the relay's DTLS handshake
  // (see relay/test/rtc-client.ts); the relay learns us as peer-reflexive instead.
  const offer = client.localDescription()!.sdp.replace(/^a=candidate:.*\r?\n/gm, '');
  const answer = await relay.answer(offer);
  expect(answer).toContain('a=candidate:');
  expect(answer).toContain('127.0.0.1');
  client.setRemoteDescription(answer, 'answer');
  // A pair that never connects fails here with a reason, not as a bare test timeout.
  let timer: NodeJS.Timeout | undefined;
  const channels = await Promise.race([
    channelsReady,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `loopback pair not connected in 10 s (relay: ${relay.describeState()}; client: ${client.state()})`,
            ),
          ),
        10_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return { relay, channels, clientAudio, clientControl };
}

describe('RelayPeer', () => {
  it('answers an offer and hands over audio + control once both are open', async () => {
    const { relay, channels } = await connectPair();
    expect(channels.audio.getLabel()).toBe('audio');
    expect(channels.control.getLabel()).toBe('control');
    expect(relay.selectedPair()?.local.address).toBe('127.0.0.1');
    const closed = new Promise<string>((resolve) => relay.onClose(resolve));
    relay.close('test over');
    expect(await closed).toBe('test over');
    expect(relay.isClosed).toBe(true);
  });

  it('rejects an SDP that is not an offer with signaling.invalid_offer', async () => {
    const relay = new RelayPeer({ bindAddress: '127.0.0.1', iceServers: [] }, silentLogger);
    cleanups.push(() => relay.close());
    await expect(relay.answer('v=0\r\nnot sdp')).rejects.toMatchObject({ code: 'signaling.invalid_offer' });
    expect(relay.isClosed).toBe(true);
  });
});

describe('LossyAudioChannel', () => {
  it('drops and counts frames above the watermark instead of queueing them', async () => {
    const { channels, clientAudio } = await connectPair();
    let received = 0;
    clientAudio.onMessage(() => received++);
    const lossy = new LossyAudioChannel(channels.audio, 4 * 1024, silentLogger);
    const frame = new Uint8Array(1000);
    // SCTP's own send buffer absorbs the first few hundred KB; past that, libdatachannel queues (bufferedAmount).
    for (let i = 0; i < 3000; i++) lossy.send(frame);
    expect(lossy.framesSent + lossy.framesDropped).toBe(3000);
    expect(lossy.framesDropped).toBeGreaterThan(0);
    expect(channels.audio.bufferedAmount()).toBeLessThanOrEqual(4 * 1024 + 1000);
    // What was accepted drains (an unreliable channel may still lose some under this burst); nothing piles up.
    await expect.poll(() => channels.audio.bufferedAmount(), { timeout: 5_000 }).toBe(0);
    await expect.poll(() => received, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(lossy.framesSent);
  });

  it('counts frames sent on a closed channel as dropped', async () => {
    const { channels } = await connectPair();
    const lossy = new LossyAudioChannel(channels.audio, 64 * 1024, silentLogger);
    channels.audio.close();
    await expect.poll(() => channels.audio.isOpen()).toBe(false);
    expect(lossy.send(new Uint8Array(10))).toBe(false);
    expect(lossy.framesDropped).toBe(1);
  });
});

describe('toNdcIceServers', () => {
  it('folds TURN credentials into the URL libdatachannel expects', () => {
    expect(
      toNdcIceServers([
        { urls: 'stun:stun.example:3478' },
        { urls: ['turn:turn.example:3478?transport=udp'], username: 'u@x', credential: 'p:w' },
      ]),
    ).toEqual(['stun:stun.example:3478', 'turn:u%40x:p%3Aw@turn.example:3478?transport=udp']);
  });
});
