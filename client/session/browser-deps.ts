// The real browser implementations behind the scene controller's seams.
import type { MicEvents } from '../audio/mic.js';
import { createPlayer } from '../audio/player.js';
import type { AppStores } from '../store/stores.js';
import { WebRtcTransport } from '../transport/webrtc.js';
import type { SceneDeps } from './scene-controller.js';

/** Where vad-web and onnxruntime-web load their model, worklet and wasm (served by vite.config.ts). */
export const VAD_ASSET_BASE_URL = '/vad/';

type MicModule = typeof import('../audio/mic.js');
let micModule: Promise<MicModule> | null = null;

/** The mic pulls in the VAD and onnxruntime; load it apart from the page, ahead of the first scene. */
export function preloadMic(): Promise<MicModule> {
  micModule ??= import('../audio/mic.js');
  return micModule;
}

export function browserSceneDeps(stores: AppStores): SceneDeps {
  return {
    stores,
    createTransport: () => new WebRtcTransport(),
    createPlayer,
    startMic: async (events: MicEvents) => {
      const { startMic } = await preloadMic();
      return startMic(events, { assetBaseUrl: VAD_ASSET_BASE_URL });
    },
  };
}
