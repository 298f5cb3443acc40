// The player's mic, routed to the relay. An utterance belongs to the connection its `utterance.start`
// went out on: speech that starts while disconnected, or that a drop cut in half, is cancelled (its
// frames and its end are dropped and counted), never queued and never continued on the next connection.
import { decodeFrame, FRAME_HEADER_BYTES } from '../../shared/frame.js';
import type { ClientMessage } from '../../shared/protocol.js';
import type { MicEvents } from '../audio/mic.js';
import { type AppStores, dispatchScene } from '../store/stores.js';
import type { SceneRun } from './scene-run.js';

export interface MicRoutingContext {
  stores: AppStores;
  now: () => number;
  /** The scene is still the controller's current one. */
  isCurrent: () => boolean;
  /** Connected, with an open transport that has been welcomed. */
  connected: () => boolean;
  send: (message: ClientMessage) => void;
}

export function micEventsFor(scene: SceneRun, context: MicRoutingContext): MicEvents {
  const { stores } = context;
  const utteranceLive = () => context.connected() && scene.utteranceGeneration === scene.generation;
  return {
    onUtteranceStart: (utteranceId) => {
      if (!context.isCurrent()) return;
      const connected = context.connected();
      const player = scene.player;
      if (player && player.speakingTurnId !== null) {
        // Barge-in: silence the partner first (locally, at once), then tell the relay.
        const { turnId, playedMs } = player.interrupt();
        if (turnId !== null) {
          scene.gate.close(turnId);
          if (connected) context.send({ type: 'barge-in', turnId, playedMs: Math.max(0, Math.round(playedMs)) });
          dispatchScene(stores, { type: 'barge-in' });
        }
      }
      if (!connected) {
        // Spoken into an outage: cancelled, not queued.
        scene.utteranceGeneration = null;
        scene.outage.cancelledUtterances++;
        return;
      }
      scene.utteranceGeneration = scene.generation;
      scene.utteranceEndAtMs = null;
      context.send({ type: 'utterance.start', utteranceId });
      dispatchScene(stores, { type: 'utterance.started' });
    },
    onFrame: (frame) => {
      if (!context.isCurrent()) return;
      if (!utteranceLive()) {
        scene.outage.framesDroppedWhileDisconnected++;
        return;
      }
      scene.transport.sendFrame(frame);
      // Timings only: a frame the timeline cannot read still went out as it was.
      if (frame.byteLength > FRAME_HEADER_BYTES) {
        const { streamId, timestampMs } = decodeFrame(frame);
        scene.timeline.utteranceFrame(streamId, timestampMs);
      }
    },
    onCaptureStarted: (atMs) => scene.timeline.captureStarted(atMs),
    onUtteranceEnd: (utteranceId, frameCount) => {
      if (!context.isCurrent()) return;
      const live = utteranceLive();
      scene.utteranceGeneration = null;
      if (live) {
        context.send({ type: 'utterance.end', utteranceId, frameCount });
        scene.utteranceEndAtMs = context.now();
        scene.timeline.utteranceEnded(utteranceId, scene.utteranceEndAtMs);
      }
      dispatchScene(stores, { type: 'utterance.ended' });
    },
    onLevel: (level) => {
      if (context.isCurrent()) stores.levels.setState({ micLevel: Math.min(1, Math.max(0, level)) });
    },
  };
}
