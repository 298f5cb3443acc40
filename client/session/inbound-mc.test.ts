// The MC's voice through the real inbound routing, stores and scene controller (browser devices faked): the relay's
// partner.start speaker 'mc' makes the stage say the MC is talking and keeps the partner's figures apart.
import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { encodeFrame, FrameFlag } from '../../shared/frame.js';
import { createAppStores } from '../store/stores.js';
import { SceneController } from './scene-controller.js';
import { FakeMic, FakePlayer, FakeTransport } from './scene-fakes.js';

const frame = (turnId: number, seq: number) =>
  encodeFrame({
    flags: seq === 0 ? FrameFlag.Start : 0,
    streamId: turnId,
    seq,
    timestampMs: seq * 20,
    payload: new Uint8Array([1]),
  });

async function running() {
  const stores = createAppStores();
  const transport = new FakeTransport();
  const players: FakePlayer[] = [];
  const mics: FakeMic[] = [];
  const controller = new SceneController({
    stores,
    createTransport: () => transport,
    createPlayer: async (events) => {
      const player = new FakePlayer(events);
      players.push(player);
      return player;
    },
    startMic: async (events) => {
      const mic = new FakeMic(events);
      mics.push(mic);
      return mic;
    },
    now: () => 0,
  });
  const started = controller.start();
  await vi.waitFor(() => expect(transport.sentTypes()).toContain('hello'));
  transport.deliver({
    type: 'welcome',
    protocolVersion: PROTOCOL_VERSION,
    sessionId: 's',
    resumeToken: 't',
    upstream: 'emulator',
    resumed: false,
  });
  await started;
  return { stores, transport, player: players[0]!, mic: mics[0]! };
}

describe('the MC on the stage', () => {
  it('an MC turn heard counts as the MC’s; the partner’s next turn as the partner’s', async () => {
    const { stores, transport, player } = await running();
    transport.deliver({ type: 'partner.start', turnId: 1, speaker: 'mc' });
    transport.deliverFrame(frame(1, 0));
    expect(player.pushed.map((f) => f.streamId)).toEqual([1]);
    player.events.onTurnAudible(1);
    expect(stores.scene.getState()).toMatchObject({ mcTurnsHeard: 1, partnerTurnsHeard: 0, speakingSpeaker: 'mc' });
    expect(stores.stage.getState().mcTurnIds).toEqual([1]);
    // The relay cut the MC for the partner's reply: playback stops here too, then the partner is heard.
    player.speakingTurnId = 1;
    transport.deliver({ type: 'partner.end', turnId: 1, interrupted: true });
    expect(player.interrupts).toBe(1);
    transport.deliver({ type: 'partner.start', turnId: 2, speaker: 'partner' });
    transport.deliverFrame(frame(1, 5));
    transport.deliverFrame(frame(2, 0));
    // The cut MC turn's late frames are gated; the partner's play.
    expect(player.pushed.map((f) => f.streamId)).toEqual([1, 2]);
    player.events.onTurnAudible(2);
    expect(stores.scene.getState()).toMatchObject({
      mcTurnsHeard: 1,
      partnerTurnsHeard: 1,
      speakingSpeaker: 'partner',
    });
  });

  it('talking over the MC sends barge-in for the MC’s turn and counts it apart', async () => {
    const { stores, transport, player, mic } = await running();
    transport.deliver({ type: 'partner.start', turnId: 4, speaker: 'mc' });
    transport.deliverFrame(frame(4, 0));
    player.events.onTurnAudible(4);
    player.speakingTurnId = 4;
    mic.events.onUtteranceStart(1);
    expect(transport.sent.find((m) => m.type === 'barge-in')).toMatchObject({ turnId: 4 });
    expect(stores.scene.getState()).toMatchObject({ bargeIns: 0, mcBargeIns: 1, partnerSpeakingTurnId: null });
  });
});
