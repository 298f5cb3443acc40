// UpstreamLink.rotate (context economy) against the Live emulator through the real SDK: the fresh session is
// swapped in only while the scene is quiet; a line the player starts while it opens stays on the old upstream,
// which answers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import { sinePcm16 } from '../codec/test-signal.js';
import { createGeminiUpstreamFactory } from '../live/gemini-upstream.js';
import type { Upstream, UpstreamTextTurn } from '../live/upstream.js';
import { type LiveEmulator, startLiveEmulator } from '../live-emulator/server.js';
import { createLogger } from '../log.js';
import { type LinkEvents, UpstreamLink } from './upstream-link.js';

let emulator: LiveEmulator;
beforeAll(async () => {
  emulator = await startLiveEmulator({ host: '127.0.0.1', port: 0, realtime: false, thinkMs: 20 });
});
afterAll(async () => {
  await emulator?.close();
});

const SCENE_SO_FAR: UpstreamTextTurn[] = [
  { role: 'user', parts: [{ text: '[Stage direction] The scene goes on. Player: the blue cactus is mine.' }] },
];

function linkWith(busy: () => boolean) {
  const replies = { turnComplete: 0, output: '' };
  const events: LinkEvents = {
    onAudio: () => {},
    onInputTranscript: () => {},
    onOutputTranscript: (text) => {
      replies.output += text;
    },
    onTurnComplete: () => {
      replies.turnComplete++;
    },
    onInterrupted: () => {},
    onUsage: () => {},
  };
  const link = new UpstreamLink({
    factory: createGeminiUpstreamFactory({ apiKey: 'emulator', baseUrl: emulator.url, model: 'gemini-live-emulator' }),
    options: { systemInstruction: 'Play the scene.' },
    events,
    logger: createLogger('silent'),
    onFailed: (code, message) => {
      throw new Error(`link failed: ${code} ${message}`);
    },
    isBusy: busy,
    history: () => SCENE_SO_FAR,
  });
  return { link, replies };
}

/** One short line on the link's current upstream; resolves when its reply is complete. */
async function speak(upstream: Upstream, replies: { turnComplete: number }): Promise<void> {
  const before = replies.turnComplete;
  upstream.activityStart();
  for (let i = 0; i < 25; i++) upstream.sendAudio(Buffer.from(sinePcm16(220, UPLINK_SAMPLE_RATE_HZ, 320, 6000)));
  upstream.activityEnd();
  await expect.poll(() => replies.turnComplete, { timeout: 10_000 }).toBeGreaterThan(before);
}

describe('UpstreamLink.rotate', () => {
  it('swaps to a fresh session told the scene so far, which answers the next line', async () => {
    const { link, replies } = linkWith(() => false);
    await link.connect();
    try {
      await speak(link.current!, replies);
      const old = link.current;
      const setupsBefore = emulator.setups.length;
      expect(await link.rotate()).toBe(true);
      expect(link.rotations).toBe(1);
      expect(link.current).not.toBe(old);
      // A new Live session (no handle), told the scene as text before anything else.
      expect(emulator.setups.length).toBe(setupsBefore + 1);
      expect(emulator.setups.at(-1)?.resumedFromHandle).toBeFalsy();
      await expect
        .poll(() => emulator.clientContents.at(-1)?.text ?? '', { timeout: 5_000 })
        .toContain('the blue cactus is mine');
      await speak(link.current!, replies);
    } finally {
      link.close();
    }
  });

  it('keeps the old session when the player starts a line while the fresh one opens', async () => {
    let busy = false;
    const { link, replies } = linkWith(() => busy);
    await link.connect();
    try {
      const old = link.current;
      const rotation = link.rotate();
      // The player starts speaking before the fresh session is up.
      busy = true;
      expect(await rotation).toBe(false);
      expect(link.rotations).toBe(0);
      expect(link.current).toBe(old);
      // Not while busy, nor a second rotation at once.
      expect(await link.rotate()).toBe(false);
      busy = false;
      await speak(link.current!, replies);
      expect(replies.output.length).toBeGreaterThan(3);
    } finally {
      link.close();
    }
  });
});
