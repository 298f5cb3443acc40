// The real browser implementations behind the scene controller's seams.
import type { MicEvents } from '../audio/mic.js';
import { createPlayer } from '../audio/player.js';
import { browserNetworkStatus } from '../connection/network-status.js';
import { keepSceneHeld } from '../connection/scene-hold.js';
import type { AppStores } from '../store/stores.js';
import type { Transport } from '../transport/transport.js';
import { forcedTransportKind, TransportSelector } from '../transport/transport-selector.js';
import { WebRtcTransport } from '../transport/webrtc.js';
import { WebSocketTransport } from '../transport/websocket.js';
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

/** Hooks for end-to-end tests, installed only with `?test-hooks=1` in the page URL. */
export interface ImprovTestHooks {
  /** Closes the scene's current transport as a network drop would (the scene then resumes); returns performance.now(). */
  simulateDrop(): number;
  readonly transportKind: Transport['kind'] | null;
  /** performance.now() when the connection last became `connected`. */
  readonly lastConnectedAtMs: number | null;
}

declare global {
  interface Window {
    __improvTestHooks?: ImprovTestHooks;
  }
}

export function browserSceneDeps(stores: AppStores): SceneDeps {
  const selector = new TransportSelector({
    createWebRtc: () => new WebRtcTransport(),
    createWebSocket: () => new WebSocketTransport(),
    forced: forcedTransportKind(window.location.search, storageOrNull()),
  });
  let current: Transport | null = null;
  if (new URLSearchParams(window.location.search).get('test-hooks') === '1') {
    let lastConnectedAtMs: number | null = null;
    stores.connection.subscribe((state, previous) => {
      if (state.state === 'connected' && previous.state !== 'connected') lastConnectedAtMs = performance.now();
    });
    window.__improvTestHooks = {
      simulateDrop: () => {
        const atMs = performance.now();
        current?.close();
        return atMs;
      },
      get transportKind() {
        return current?.state === 'open' ? current.kind : null;
      },
      get lastConnectedAtMs() {
        return lastConnectedAtMs;
      },
    };
  }
  return {
    stores,
    createTransport: (attempt) => {
      current = selector.create(attempt);
      return current;
    },
    createPlayer,
    startMic: async (events: MicEvents) => {
      const { startMic } = await preloadMic();
      return startMic(events, { assetBaseUrl: VAD_ASSET_BASE_URL });
    },
    network: browserNetworkStatus(window),
    holdScene: (sessionId, signal) => void keepSceneHeld(sessionId, signal),
  };
}

function storageOrNull(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
