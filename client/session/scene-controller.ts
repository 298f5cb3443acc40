// Runs one scene: player + transport up inside the click, hello/welcome, then the mic; routes
// audio and control both ways; ends cleanly. Every failure becomes a UserMessage in the scene
// store and nothing escapes as an uncaught error.

import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, PROTOCOL_VERSION } from '../../shared/constants.js';
import { decodeFrame, FRAME_HEADER_BYTES } from '../../shared/frame.js';
import type { ClientMessage, RelayMessage } from '../../shared/protocol.js';
import type { Mic, MicEvents } from '../audio/mic.js';
import type { Player, PlayerEvents } from '../audio/player.js';
import { ConnectionMachine } from '../connection/connection-machine.js';
import { type AppStores, clearTranscript, closeTranscript, dispatchScene } from '../store/stores.js';
import type { Transport } from '../transport/transport.js';
import { handleInboundFrame, handleRelayMessage, type InboundContext, type InboundCounters } from './inbound.js';
import type { LatencyTimeline } from './latency-timeline.js';
import { attempt, createSceneRun, release, SceneFailure, type SceneRun } from './scene-run.js';
import { messageForFailure, type UserMessage, userMessage } from './user-messages.js';

export interface SceneDeps {
  stores: AppStores;
  createTransport(): Transport;
  createPlayer(events: PlayerEvents): Promise<Player>;
  startMic(events: MicEvents): Promise<Mic>;
  now?: () => number;
  welcomeTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  game?: string;
}

export const DEFAULT_WELCOME_TIMEOUT_MS = 10_000;

export class SceneController {
  readonly connection = new ConnectionMachine();
  readonly #deps: SceneDeps;
  readonly #now: () => number;
  #scene: SceneRun | null = null;
  #timeline: LatencyTimeline | null = null;

  constructor(deps: SceneDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => performance.now());
    this.connection.subscribe((state, _previous, reason) => deps.stores.connection.setState({ state, reason }));
  }

  get running(): boolean {
    return this.#scene !== null;
  }

  /** The current scene's hop timings, or the last scene's once it has ended. */
  latencyTimeline(): LatencyTimeline | null {
    return this.#timeline;
  }

  playerStats(): ReturnType<Player['stats']> | null {
    return this.#scene?.player?.stats() ?? null;
  }

  inboundCounters(): InboundCounters | null {
    return this.#scene ? { ...this.#scene.counters } : null;
  }

  /** Call from the Start-scene click: the player's AudioContext needs that user gesture. */
  start(): Promise<void> {
    if (this.#scene) return Promise.resolve();
    const { stores } = this.#deps;
    dispatchScene(stores, { type: 'starting' });
    clearTranscript(stores);
    this.connection.transition('connecting');
    const scene = createSceneRun(this.#deps.createTransport(), this.#now());
    this.#timeline = scene.timeline;
    this.#scene = scene;
    // Synchronously, before any await, so the AudioContext is created within the gesture.
    const playerReady = attempt(() => this.#deps.createPlayer(this.#playerEvents(scene)), 'audio.unavailable');
    // Whenever the player arrives: keep it if the scene still runs, or close it (teardown already ran).
    playerReady.then(
      (player) => {
        if (this.#isCurrent(scene)) scene.player = player;
        else void release(() => player.close(), 'late player did not close cleanly');
      },
      () => {},
    );
    return this.#run(scene, playerReady).catch((error: unknown) => {
      const message = error instanceof SceneFailure ? error.userMessage : messageForFailure(error);
      return this.#fail(scene, message);
    });
  }

  /** The player pressed End scene (or left the page). */
  async end(): Promise<void> {
    const scene = this.#scene;
    if (!scene) return;
    dispatchScene(this.#deps.stores, { type: 'ending' });
    if (scene.transportOpen) this.#send(scene, { type: 'scene.end' });
    const released = this.#teardown(scene, 'scene ended');
    dispatchScene(this.#deps.stores, { type: 'ended' });
    await released;
  }

  async #run(scene: SceneRun, playerReady: Promise<Player>): Promise<void> {
    const { transport } = scene;
    this.#subscribe(scene, transport);
    const connected = attempt(() => transport.connect(scene.abort.signal), 'transport.unreachable');
    await Promise.all([playerReady, connected]);
    if (!this.#isCurrent(scene)) return;
    scene.transportOpen = true;
    scene.lastInboundAtMs = this.#now();

    const hello: ClientMessage = { type: 'hello', protocolVersion: PROTOCOL_VERSION };
    this.#send(scene, this.#deps.game ? { ...hello, game: this.#deps.game } : hello);
    await this.#waitForWelcome(scene);
    if (!this.#isCurrent(scene)) return;
    this.connection.transition('connected');
    this.#startHeartbeat(scene);

    const mic = await attempt(() => this.#deps.startMic(this.#micEvents(scene)), 'mic.unavailable');
    if (!this.#isCurrent(scene)) return release(() => mic.stop(), 'late mic did not stop cleanly');
    scene.mic = mic;
    dispatchScene(this.#deps.stores, { type: 'running' });
  }

  #subscribe(scene: SceneRun, transport: Transport): void {
    const context: InboundContext = {
      stores: this.#deps.stores,
      now: this.#now,
      player: () => scene.player,
      gate: scene.gate,
      counters: scene.counters,
      onWelcome: (sessionId, upstream) => {
        scene.welcomed = true;
        dispatchScene(this.#deps.stores, { type: 'welcomed', sessionId, upstream });
        scene.resolveWelcome?.();
      },
      onFatal: (message) => void this.#fail(scene, message),
      onSessionEnded: (reason) => void this.#sessionEnded(scene, reason),
      onPartnerFrame: (turnId) => scene.timeline.partnerFrame(turnId, this.#now()),
    };
    scene.unsubscribers.push(
      transport.onMessage((message: RelayMessage) => {
        if (!this.#isCurrent(scene)) return;
        scene.lastInboundAtMs = this.#now();
        handleRelayMessage(context, message);
      }),
      transport.onFrame((bytes) => {
        if (!this.#isCurrent(scene)) return;
        scene.lastInboundAtMs = this.#now();
        handleInboundFrame(context, bytes);
      }),
      transport.onState((state, reason) => {
        if (state !== 'closed' || !this.#isCurrent(scene) || !scene.transportOpen) return;
        console.warn(`transport closed: ${reason ?? 'unknown reason'}`);
        void this.#fail(scene, userMessage('transport.lost'));
      }),
    );
  }

  #waitForWelcome(scene: SceneRun): Promise<void> {
    if (scene.welcomed) return Promise.resolve();
    const timeoutMs = this.#deps.welcomeTimeoutMs ?? DEFAULT_WELCOME_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new SceneFailure(userMessage('transport.timeout'))), timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        scene.resolveWelcome = null;
        resolve();
      };
      scene.resolveWelcome = settle;
      // A failure elsewhere (fatal error, lost transport) ends the wait too; #run then sees it is stale.
      scene.abort.signal.addEventListener('abort', settle, { once: true });
    });
  }

  #startHeartbeat(scene: SceneRun): void {
    const intervalMs = this.#deps.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    const timeoutMs = this.#deps.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
    let lastTickAtMs = this.#now();
    scene.heartbeat = setInterval(() => {
      if (!this.#isCurrent(scene)) return;
      const nowMs = this.#now();
      // A late tick means our own page stalled (e.g. compiling the VAD's wasm), not the network:
      // pongs may be queued behind this tick, so the relay gets a fresh timeout window.
      if (nowMs - lastTickAtMs > 2 * intervalMs) scene.lastInboundAtMs = nowMs;
      lastTickAtMs = nowMs;
      if (nowMs - scene.lastInboundAtMs > timeoutMs) {
        void this.#fail(scene, userMessage('transport.lost'));
        return;
      }
      this.#send(scene, { type: 'ping', t: nowMs });
    }, intervalMs);
  }

  #micEvents(scene: SceneRun): MicEvents {
    const { stores } = this.#deps;
    return {
      onUtteranceStart: (utteranceId) => {
        if (!this.#isCurrent(scene)) return;
        const player = scene.player;
        if (player && player.speakingTurnId !== null) {
          // Barge-in: silence the partner first (locally, at once), then tell the relay.
          const { turnId, playedMs } = player.interrupt();
          if (turnId !== null) {
            scene.gate.close(turnId);
            this.#send(scene, { type: 'barge-in', turnId, playedMs: Math.max(0, Math.round(playedMs)) });
            dispatchScene(stores, { type: 'barge-in' });
          }
        }
        scene.utteranceEndAtMs = null;
        this.#send(scene, { type: 'utterance.start', utteranceId });
        dispatchScene(stores, { type: 'utterance.started' });
      },
      onFrame: (frame) => {
        if (!this.#isCurrent(scene)) return;
        scene.transport.sendFrame(frame);
        // Timings only: a frame the timeline cannot read still went out as it was.
        if (frame.byteLength > FRAME_HEADER_BYTES) {
          const { streamId, timestampMs } = decodeFrame(frame);
          scene.timeline.utteranceFrame(streamId, timestampMs);
        }
      },
      onCaptureStarted: (atMs) => scene.timeline.captureStarted(atMs),
      onUtteranceEnd: (utteranceId, frameCount) => {
        if (!this.#isCurrent(scene)) return;
        this.#send(scene, { type: 'utterance.end', utteranceId, frameCount });
        scene.utteranceEndAtMs = this.#now();
        scene.timeline.utteranceEnded(utteranceId, scene.utteranceEndAtMs);
        dispatchScene(stores, { type: 'utterance.ended' });
      },
      onLevel: (level) => {
        if (this.#isCurrent(scene)) stores.levels.setState({ micLevel: Math.min(1, Math.max(0, level)) });
      },
    };
  }

  #playerEvents(scene: SceneRun): PlayerEvents {
    return {
      onTurnAudible: (turnId) => {
        if (!this.#isCurrent(scene)) return;
        scene.timeline.partnerAudible(turnId, this.#now());
        const endAtMs = scene.utteranceEndAtMs;
        const latencyMs = endAtMs === null ? null : Math.max(0, Math.round(this.#now() - endAtMs));
        scene.utteranceEndAtMs = null;
        this.#send(
          scene,
          latencyMs === null ? { type: 'playback.started', turnId } : { type: 'playback.started', turnId, latencyMs },
        );
        dispatchScene(this.#deps.stores, { type: 'partner.audible', turnId, voiceToVoiceMs: latencyMs });
      },
      onTurnDrained: (turnId) => {
        if (this.#isCurrent(scene)) dispatchScene(this.#deps.stores, { type: 'partner.drained', turnId });
      },
    };
  }

  #send(scene: SceneRun, message: ClientMessage): void {
    if (!scene.transportOpen || scene.transport.state !== 'open') return;
    try {
      scene.transport.send(message);
    } catch (error) {
      console.warn(`could not send ${message.type}`, error);
    }
  }

  async #sessionEnded(scene: SceneRun, reason: string): Promise<void> {
    if (!this.#isCurrent(scene)) return;
    console.info(`session ended by the relay: ${reason}`);
    const released = this.#teardown(scene, `session ended: ${reason}`);
    dispatchScene(this.#deps.stores, { type: 'ended', notice: 'The scene has ended. Press Start scene for another.' });
    await released;
  }

  async #fail(scene: SceneRun, message: UserMessage): Promise<void> {
    if (!this.#isCurrent(scene)) return;
    // Free the relay's session when we still can; a new scene starts fresh.
    if (scene.transportOpen && scene.transport.state === 'open') this.#send(scene, { type: 'scene.end' });
    const released = this.#teardown(scene, message.code);
    dispatchScene(this.#deps.stores, { type: 'failed', error: message });
    await released;
  }

  /** Synchronously detaches the scene (so the stores can settle at once); resolves when mic and player are released. */
  #teardown(scene: SceneRun, reason: string): Promise<void> {
    if (this.#scene !== scene) return Promise.resolve();
    this.#scene = null;
    scene.abort.abort();
    if (scene.heartbeat) clearInterval(scene.heartbeat);
    for (const unsubscribe of scene.unsubscribers) unsubscribe();
    this.connection.transition('closed', reason);
    this.#deps.stores.levels.setState({ micLevel: 0 });
    closeTranscript(this.#deps.stores);
    scene.transportOpen = false;
    scene.transport.close();
    const { mic, player } = scene;
    return Promise.all([
      mic && release(() => mic.stop(), 'mic did not stop cleanly'),
      player && release(() => player.close(), 'player did not close cleanly'),
    ]).then(() => {});
  }

  #isCurrent(scene: SceneRun): boolean {
    return this.#scene === scene;
  }
}
