import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { App } from './app/App.js';
import { browserStorage, createGameChoice } from './app/game-choice.js';
import { AppNavigator } from './app/navigator.js';
import { SignInGate } from './auth/SignInGate.js';
import { createInstrumentation, installInstrumentation } from './instrumentation.js';
import { browserSceneDeps, preloadMic } from './session/browser-deps.js';
import { SceneController } from './session/scene-controller.js';
import { requestMicPermission } from './stage/mic-check.js';
import { createSceneSetup } from './stage/scene-setup.js';
import { volumeSetting } from './stage/volume.js';
import { createAppStores } from './store/stores.js';
import { sharedIceServerSource } from './transport/ice-servers.js';
import { AppProvider } from './ui/app-context.js';

const stores = createAppStores();
const gameChoice = createGameChoice(browserStorage());
const sceneSetup = createSceneSetup({ storage: browserStorage(), gameChoice });
const controller = new SceneController({
  ...browserSceneDeps(stores),
  sceneSetup: () => sceneSetup.getSceneSetup(),
  partnerVolume: () => volumeSetting.getState().volume,
  micPermission: requestMicPermission,
});
const appNavigator = new AppNavigator(window);
installInstrumentation(window, createInstrumentation(stores, controller));

// Leaving the page ends the scene, so the relay frees its session at once.
window.addEventListener('pagehide', () => void controller.end({ now: true }));
// Nothing should reach here (the controller catches everything); log what does, never crash the page.
window.addEventListener('unhandledrejection', (event) => console.error('unhandled rejection', event.reason));

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppProvider
        services={{ stores, controller, gameChoice, navigator: appNavigator, stage: stores.stage, sceneSetup }}
      >
        <SignInGate>
          <App />
        </SignInGate>
      </AppProvider>
    </StrictMode>,
  );
}

// Fetch the VAD code while the player reads the page, so the mic starts fast after Start scene.
const idle = window.requestIdleCallback ?? ((callback: () => void) => setTimeout(callback, 500));
idle(() => void preloadMic().catch(() => {}));
// TURN credentials too: the first offer then gathers relay candidates without waiting on a fetch.
idle(() => void sharedIceServerSource().get());
