// Runs one scene: player + transport up inside the click, hello/welcome, then the mic; routes
// audio and control both ways; ends cleanly. Every failure becomes a UserMessage in the scene
// store and nothing escapes as an uncaught error.
//
// A scene outlives its connections. A drop (transport closed, ICE failed, missed heartbeat, the browser
// going offline) moves the connection to `reconnecting`; each retry uses a NEW transport and says
// `hello { sessionId, resumeToken }` with the latest token; `welcome { resumed }` brings it back to
// `connected`. The player (its AudioContext), the mic and the transcript stay as they are. After the
// grace period, or if the relay no longer knows the session, the scene closes in plain words.
//
// Every player line is kept in an outbox (line-sender.ts) until the relay acknowledges it (`line.ack`). Speech
// during an outage, or cut by a drop, is sent again whole on the resumed connection as soon as it is up, and the
// relay answers it once (it drops duplicates). A line that can no longer be delivered (older than the outbox's
// bound, or the scene gave up) is named on the stage and marked in the transcript.

import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS, PROTOCOL_VERSION } from '../../shared/constants.js';
import type { ClientMessage, RelayMessage } from '../../shared/protocol.js';
import type { Mic, MicEvents } from '../audio/mic.js';
import type { Player, PlayerEvents } from '../audio/player.js';
import { createReconnectPolicy, DEFAULT_BACKOFF, type ReconnectPolicy } from '../connection/backoff.js';
import { ConnectionMachine } from '../connection/connection-machine.js';
import type { NetworkStatus } from '../connection/network-status.js';
import { Reconnector } from '../connection/reconnector.js';
import {
  type AppStores,
  clearTranscript,
  closeTranscript,
  dispatchScene,
  markTranscriptLineLost,
} from '../store/stores.js';
import type { Transport } from '../transport/transport.js';
import { handleInboundFrame, handleRelayMessage, type InboundContext, type InboundCounters } from './inbound.js';
import type { LatencyTimeline } from './latency-timeline.js';
import { LineSender } from './line-sender.js';
import { MicHold } from './mic-hold.js';
import { micEventsFor } from './mic-routing.js';
import {
  attempt,
  createSceneRun,
  type OutageStats,
  release,
  SceneFailure,
  type SceneRun,
  waitForWelcome,
} from './scene-run.js';
import { holdPartner, skipIntro } from './stage-controls.js';
import { messageForFailure, type UserMessage, userMessage } from './user-messages.js';

export interface SceneDeps {
  stores: AppStores;
  /** A new transport for each connection; `reconnecting` asks for the kind the scene already uses. */
  createTransport(attempt?: { reconnecting: boolean }): Transport;
  createPlayer(events: PlayerEvents): Promise<Player>;
  startMic(events: MicEvents): Promise<Mic>;
  now?: () => number;
  welcomeTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  game?: string;
  /** The player's scene setup (game, suggestion, partner voice), read when the hello is sent; overrides `game`. */
  sceneSetup?: () => Pick<
    Extract<ClientMessage, { type: 'hello' }>,
    'game' | 'suggestion' | 'partnerVoice' | 'persona' | 'audience'
  >;
  /** Browser online/offline events; none in Node tests unless given. */
  network?: NetworkStatus;
  /** How long the relay keeps a dropped session; we stop retrying after this. */
  reconnectGraceMs?: number;
  /** One reconnect attempt (connect + hello + welcome) gets this long. */
  reconnectAttemptTimeoutMs?: number;
  reconnectPolicy?: ReconnectPolicy;
  /** Asks for the mic permission (and closes it); hello waits for it. Without it, hello waits for the whole mic. */
  micPermission?: () => Promise<'granted' | 'unknown'>;
  /** The partner's playback volume when a scene's player starts (0..1). */
  partnerVolume?: () => number;
  /** After End scene, how long the MC's closing line and the coach's report may take to arrive. */
  endingWaitMs?: number;
  /** Keeps the scene's relay instance from looking idle until the signal aborts (none in Node tests). */
  holdScene?: (sessionId: string, signal: AbortSignal) => void;
}

export const DEFAULT_WELCOME_TIMEOUT_MS = 10_000;
/** The relay's default SESSION_GRACE_MS. */
export const DEFAULT_RECONNECT_GRACE_MS = 30_000;
export const DEFAULT_RECONNECT_ATTEMPT_TIMEOUT_MS = 5_000;
/** The relay's outro (a few seconds of voice) plus its bounded coach call (12 s), with room to spare. */
export const DEFAULT_ENDING_WAIT_MS = 25_000;
/** Short caps: within a 30 s grace period, a retry every few seconds at worst. */
const RECONNECT_BACKOFF = { ...DEFAULT_BACKOFF, maxDelayMs: 4_000, maxRetries: 1_000 };

export class SceneController {
  readonly connection = new ConnectionMachine();
  readonly #deps: SceneDeps;
  readonly #now: () => number;
  #scene: SceneRun | null = null;
  #timeline: LatencyTimeline | null = null;
  /** Mute and pause: the mic's events pass through this, so nothing leaves while held. */
  readonly #hold = new MicHold();

  constructor(deps: SceneDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? (() => performance.now());
    this.connection.subscribe((state, _previous, reason) => {
      const transport = state === 'connected' ? (this.#scene?.transport.kind ?? null) : undefined;
      deps.stores.connection.setState(transport === undefined ? { state, reason } : { state, reason, transport });
    });
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

  /** What drops cost the current scene, and which transport carries it now. */
  connectionStats(): (OutageStats & { resentLines: number; transport: Transport['kind'] }) | null {
    const scene = this.#scene;
    return scene ? { ...scene.outage, resentLines: scene.lines.resentLines, transport: scene.transport.kind } : null;
  }

  /** Call from the Start-scene click: the player's AudioContext needs that user gesture. */
  start(): Promise<void> {
    if (this.#scene) return Promise.resolve();
    const { stores } = this.#deps;
    dispatchScene(stores, { type: 'starting' });
    clearTranscript(stores);
    this.#hold.reset();
    this.connection.transition('connecting');
    const scene = createSceneRun(this.#deps.createTransport({ reconnecting: false }), this.#now(), (run) =>
      this.#lineSender(run),
    );
    this.#timeline = scene.timeline;
    this.#scene = scene;
    // Synchronously, before any await, so the AudioContext is created within the gesture.
    const playerReady = attempt(() => this.#deps.createPlayer(this.#playerEvents(scene)), 'audio.unavailable');
    // Whenever the player arrives: keep it if the scene still runs, or close it (teardown already ran).
    playerReady.then(
      (player) => {
        if (this.#isCurrent(scene)) {
          scene.player = player;
          player.setVolume?.(this.#deps.partnerVolume?.() ?? 1);
        } else void release(() => player.close(), 'late player did not close cleanly');
      },
      () => {},
    );
    return this.#run(scene, playerReady).catch((error: unknown) => {
      const message = error instanceof SceneFailure ? error.userMessage : messageForFailure(error);
      return this.#fail(scene, message);
    });
  }

  /** Skip the MC's intro: it stops here at once, the relay cuts it, and the floor is the player's. */
  skipIntro(): void {
    const scene = this.#scene;
    if (scene) skipIntro(scene, this.#deps.stores, (message) => this.#send(scene, message));
  }

  /** Mute: the mic is closed (no frame leaves), the scene and the partner go on. */
  setMuted(muted: boolean): void {
    if (!this.#scene) return;
    dispatchScene(this.#deps.stores, { type: 'hold', muted });
    this.#hold.setHeld(muted || this.#deps.stores.scene.getState().paused);
  }

  /** Pause: the mic is closed and the partner stops; the Live session and the connection are kept. */
  setPaused(paused: boolean): void {
    const scene = this.#scene;
    if (!scene) return;
    if (paused) holdPartner(scene, null, (message) => this.#send(scene, message));
    dispatchScene(this.#deps.stores, { type: 'hold', paused });
    this.#hold.setHeld(paused || this.#deps.stores.scene.getState().muted);
  }

  /** The partner's playback volume, 0..1 (the player applies it after the jitter buffer). */
  setPartnerVolume(level: number): void {
    this.#scene?.player?.setVolume?.(level);
  }

  /** Frames the mic produced while muted or paused (none of them sent). */
  framesWithheld(): number {
    return this.#hold.framesWithheld;
  }

  /**
   * The player pressed End scene. The mic stops at once and the relay cuts any reply; the connection stays up
   * while the MC closes the scene aloud and the coach's report arrives (the relay sends session.ended after
   * both), for at most `endingWaitMs`. With `now` (the page is going away), or with no live connection, or
   * pressed again while waiting, everything is released at once.
   */
  async end(options: { now?: boolean } = {}): Promise<void> {
    const scene = this.#scene;
    if (!scene) return;
    const live = scene.transportOpen && this.connection.state === 'connected' && scene.welcomed;
    const waiting = scene.ending !== null;
    if (scene.transportOpen && !waiting) this.#send(scene, { type: 'scene.end' });
    dispatchScene(this.#deps.stores, { type: 'ending' });
    if (options.now || !live || waiting) return this.#finishEnding(scene, 'scene ended');
    const { mic } = scene;
    scene.mic = null;
    this.#deps.stores.levels.setState({ micLevel: 0 });
    const micStopped = mic ? release(() => mic.stop(), 'mic did not stop cleanly') : Promise.resolve();
    const closed = new Promise<void>((resolve) => {
      scene.abort.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    scene.ending = setTimeout(() => {
      console.warn('the relay did not close the scene in time after End scene');
      void this.#finishEnding(scene, 'scene ended (no closing word from the relay)');
    }, this.#deps.endingWaitMs ?? DEFAULT_ENDING_WAIT_MS);
    await Promise.all([micStopped, closed]);
  }

  /** The scene is over for the player (at once, or after the ending wait): release everything. */
  async #finishEnding(scene: SceneRun, reason: string): Promise<void> {
    if (!this.#isCurrent(scene)) return;
    const released = this.#teardown(scene, reason);
    dispatchScene(this.#deps.stores, { type: 'ended' });
    await released;
  }

  async #run(scene: SceneRun, playerReady: Promise<Player>): Promise<void> {
    const { transport } = scene;
    this.#attachTransport(scene, transport);
    this.#watchNetwork(scene);
    const connected = attempt(() => transport.connect(scene.abort.signal), 'transport.unreachable');
    // The mic is granted before hello: a denied or missing mic never creates a scene on the relay.
    const micReady = attempt(
      () =>
        this.#deps.startMic(
          this.#hold.wrap(
            micEventsFor(scene, {
              stores: this.#deps.stores,
              now: this.#now,
              isCurrent: () => this.#isCurrent(scene),
              connected: () => this.connection.state === 'connected' && scene.transportOpen && scene.welcomed,
              send: (message) => this.#send(scene, message),
            }),
          ),
        ),
      'mic.unavailable',
    );
    micReady.then(
      (mic) => {
        if (this.#isCurrent(scene) && scene.ending === null) scene.mic = mic;
        else void release(() => mic.stop(), 'late mic did not stop cleanly');
      },
      () => {},
    );
    // Only the permission gates hello (the VAD may take seconds more to load; its failure still fails the scene).
    const micAllowed = this.#deps.micPermission
      ? attempt(() => this.#deps.micPermission!(), 'mic.unavailable').then((state) =>
          state === 'granted' ? undefined : micReady.then(() => {}),
        )
      : micReady.then(() => {});
    micReady.catch((error: unknown) => {
      if (this.#isCurrent(scene))
        void this.#fail(scene, error instanceof SceneFailure ? error.userMessage : messageForFailure(error));
    });
    await Promise.all([playerReady, connected, micAllowed]);
    if (!this.#isCurrent(scene)) return;
    scene.transportOpen = true;
    scene.lastInboundAtMs = this.#now();

    const hello: ClientMessage = { type: 'hello', protocolVersion: PROTOCOL_VERSION };
    const welcomed = waitForWelcome(
      scene,
      scene.abort.signal,
      this.#deps.welcomeTimeoutMs ?? DEFAULT_WELCOME_TIMEOUT_MS,
    );
    const game = this.#deps.game ? { game: this.#deps.game } : {};
    this.#send(scene, { ...hello, ...game, ...this.#deps.sceneSetup?.() });
    // An aborted wait means the scene was torn down meanwhile; the check below sees that.
    await welcomed.catch((error: unknown) => {
      if (this.#isCurrent(scene)) throw error;
    });
    if (!this.#isCurrent(scene)) return;
    this.connection.transition('connected');
    this.#startHeartbeat(scene);
    // A line the player began before the first welcome (the mic can be up before the connection is: a WebSocket
    // fallback takes 4 s) waits in the outbox; it goes out now, and every later line after it.
    scene.lines.resumed(scene.welcomeLineAck);
    await micReady;
    if (!this.#isCurrent(scene) || scene.ending !== null) return;
    dispatchScene(this.#deps.stores, { type: 'running' });
  }

  /** Makes `transport` the scene's one transport; events of any earlier one are ignored from now on. */
  #attachTransport(scene: SceneRun, transport: Transport): void {
    this.#detachTransport(scene);
    scene.transport = transport;
    scene.generation++;
    const isCurrent = () => this.#isCurrent(scene) && scene.transport === transport;
    const context: InboundContext = {
      stores: this.#deps.stores,
      now: this.#now,
      // While paused nothing plays: frames of a turn that arrive then are dropped (and that turn is cut).
      player: () => (this.#deps.stores.scene.getState().paused ? null : scene.player),
      gate: scene.gate,
      counters: scene.counters,
      onWelcome: (welcome) => {
        scene.sessionId = welcome.sessionId;
        scene.resumeToken = welcome.resumeToken;
        scene.welcomeLineAck = welcome.lineAck;
        if (!scene.welcomed) {
          scene.welcomed = true;
          this.#deps.holdScene?.(welcome.sessionId, scene.abort.signal);
          dispatchScene(this.#deps.stores, {
            type: 'welcomed',
            sessionId: welcome.sessionId,
            upstream: welcome.upstream,
          });
        }
        scene.resolveWelcome?.(welcome);
      },
      onFatal: (message) => void this.#fail(scene, message),
      onSessionEnded: (reason) => void this.#sessionEnded(scene, reason),
      onRelayRestarting: () => this.#connectionLost(scene, 'the stage server is restarting'),
      onPartnerFrame: (turnId) => {
        scene.timeline.partnerFrame(turnId, this.#now());
        if (this.#deps.stores.scene.getState().paused) holdPartner(scene, turnId, (m) => this.#send(scene, m));
      },
      onLineAck: (utteranceId) => scene.lines.acked(utteranceId),
    };
    scene.transportUnsubscribers.push(
      transport.onMessage((message: RelayMessage) => {
        if (!isCurrent()) return;
        scene.lastInboundAtMs = this.#now();
        handleRelayMessage(context, message);
      }),
      transport.onFrame((bytes) => {
        if (!isCurrent()) return;
        scene.lastInboundAtMs = this.#now();
        handleInboundFrame(context, bytes);
      }),
      transport.onState((state, reason) => {
        if (state !== 'closed' || !isCurrent()) return;
        const connectionState = this.connection.state;
        if (connectionState === 'connected') {
          console.warn(`transport closed: ${reason ?? 'unknown reason'}`);
          this.#connectionLost(scene, reason ?? 'transport closed');
        }
        // While first connecting, a transport that had opened and closes again ends the scene.
        else if (connectionState === 'connecting' && scene.transportOpen)
          void this.#fail(scene, userMessage('transport.lost'));
      }),
    );
  }

  #detachTransport(scene: SceneRun): void {
    for (const unsubscribe of scene.transportUnsubscribers.splice(0)) unsubscribe();
    scene.transportOpen = false;
    if (scene.heartbeat) clearInterval(scene.heartbeat);
    scene.heartbeat = null;
  }

  #watchNetwork(scene: SceneRun): void {
    const network = this.#deps.network;
    if (!network) return;
    scene.unsubscribers.push(
      network.subscribe((online) => {
        if (!this.#isCurrent(scene)) return;
        if (!online) this.#connectionLost(scene, 'the browser went offline');
        else if (this.connection.state === 'reconnecting') scene.reconnector?.retryNow();
      }),
    );
  }

  /** The connection dropped under a live scene: keep everything else and start resuming. */
  #connectionLost(scene: SceneRun, reason: string): void {
    if (!this.#isCurrent(scene) || this.connection.state !== 'connected') return;
    // Nothing left to resume after End scene; the coach's report is read from the stored session instead.
    if (scene.ending !== null) {
      void this.#finishEnding(scene, `scene ended (${reason})`);
      return;
    }
    if (!scene.sessionId || !scene.resumeToken) {
      void this.#fail(scene, userMessage('transport.lost'));
      return;
    }
    const lost = scene.transport;
    this.#detachTransport(scene);
    lost.close();
    scene.lines.connectionLost();
    this.connection.transition('reconnecting', reason);
    const startedAtMs = this.#now();
    const graceMs = this.#deps.reconnectGraceMs ?? DEFAULT_RECONNECT_GRACE_MS;
    scene.reconnector = new Reconnector({
      policy: this.#deps.reconnectPolicy ?? createReconnectPolicy({ ...RECONNECT_BACKOFF, maxElapsedMs: graceMs }),
      graceMs,
      attemptTimeoutMs: this.#deps.reconnectAttemptTimeoutMs ?? DEFAULT_RECONNECT_ATTEMPT_TIMEOUT_MS,
      now: this.#now,
      attempt: (signal) => this.#resumeAttempt(scene, signal),
      onReconnected: () => {
        scene.reconnector = null;
        scene.outage.reconnects++;
        scene.outage.lastOutageMs = Math.round(this.#now() - startedAtMs);
        this.connection.transition('connected');
        this.#startHeartbeat(scene);
        scene.lines.resumed(scene.welcomeLineAck);
      },
      onGiveUp: (why) => {
        console.warn(`reconnect gave up: ${why}`);
        scene.lines.dispose(true);
        void this.#fail(scene, userMessage('transport.lost'));
      },
    });
    scene.reconnector.start();
  }

  /** One try: a new transport, hello with the session's id and latest token, and its resumed welcome. */
  async #resumeAttempt(scene: SceneRun, signal: AbortSignal): Promise<void> {
    const transport = this.#deps.createTransport({ reconnecting: true });
    this.#attachTransport(scene, transport);
    signal.addEventListener('abort', () => transport.close(), { once: true });
    await transport.connect(signal);
    const welcomed = waitForWelcome(
      scene,
      signal,
      this.#deps.reconnectAttemptTimeoutMs ?? DEFAULT_RECONNECT_ATTEMPT_TIMEOUT_MS,
    );
    const { sessionId, resumeToken } = scene;
    scene.welcomeLineAck = undefined;
    transport.send({
      type: 'hello',
      protocolVersion: PROTOCOL_VERSION,
      ...(sessionId ? { sessionId } : {}),
      ...(resumeToken ? { resumeToken } : {}),
    });
    await welcomed;
    if (signal.aborted || scene.transport !== transport) throw new Error('superseded');
    scene.transportOpen = true;
    scene.lastInboundAtMs = this.#now();
  }

  #startHeartbeat(scene: SceneRun): void {
    const intervalMs = this.#deps.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    const timeoutMs = this.#deps.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
    let lastTickAtMs = this.#now();
    // Silence is judged in ticks as well as in time. A late tick means our own page stalled (e.g. compiling the
    // VAD's wasm), not the network, and pongs may be queued behind it: it never condemns the relay alone. But a
    // page that stays slow (every tick late) must still notice a dead relay, after enough ticks heard nothing.
    let silentTicks = 0;
    const ticksToTimeout = Math.ceil(timeoutMs / intervalMs);
    if (scene.heartbeat) clearInterval(scene.heartbeat);
    scene.heartbeat = setInterval(() => {
      if (!this.#isCurrent(scene)) return;
      const nowMs = this.#now();
      silentTicks = scene.lastInboundAtMs > lastTickAtMs ? 0 : silentTicks + 1;
      lastTickAtMs = nowMs;
      if (nowMs - scene.lastInboundAtMs > timeoutMs && silentTicks >= ticksToTimeout) {
        this.#connectionLost(scene, `no word from the relay for ${timeoutMs} ms`);
        return;
      }
      this.#send(scene, { type: 'ping', t: nowMs });
    }, intervalMs);
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

  #lineSender(scene: SceneRun): LineSender {
    const stores = this.#deps.stores;
    return new LineSender({
      now: this.#now,
      generation: () =>
        this.#isCurrent(scene) && this.connection.state === 'connected' && scene.transportOpen
          ? scene.generation
          : null,
      send: (message) => this.#send(scene, message),
      sendFrame: (frame) => scene.transport.sendFrame(frame),
      onLinesLost: (utteranceIds) => {
        scene.outage.lostLines += utteranceIds.length;
        for (const utteranceId of utteranceIds) markTranscriptLineLost(stores, utteranceId);
        if (this.#isCurrent(scene) && this.connection.state !== 'closed') dispatchScene(stores, { type: 'line.lost' });
      },
      onLineEndSent: (utteranceId, atMs) => {
        scene.utteranceEndAtMs = atMs;
        scene.timeline.utteranceEnded(utteranceId, atMs);
      },
    });
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
    if (scene.ending !== null) clearTimeout(scene.ending);
    scene.reconnector?.stop();
    scene.reconnector = null;
    scene.lines.dispose(false);
    for (const unsubscribe of scene.unsubscribers) unsubscribe();
    this.#detachTransport(scene);
    this.connection.transition('closed', reason);
    this.#deps.stores.levels.setState({ micLevel: 0 });
    closeTranscript(this.#deps.stores);
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
