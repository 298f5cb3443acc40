// The player's mic, routed to the relay through the scene's LineSender: every utterance is a line kept in the
// outbox until the relay acknowledges it. Speech that starts while disconnected, or that a drop cut in half,
// is queued and sent whole once a resumed connection is up (see line-sender.ts), never silently dropped.
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
  return {
    onUtteranceStart: (utteranceId) => {
      if (!context.isCurrent() || scene.ending !== null) return;
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
      if (!connected) scene.outage.queuedUtterances++;
      scene.utteranceEndAtMs = null;
      scene.lines.lineStarted(utteranceId);
      dispatchScene(stores, { type: 'utterance.started' });
    },
    onFrame: (frame) => {
      if (!context.isCurrent() || scene.ending !== null) return;
      if (!context.connected()) scene.outage.framesQueuedWhileDisconnected++;
      if (frame.byteLength <= FRAME_HEADER_BYTES) return;
      const { streamId, timestampMs } = decodeFrame(frame);
      scene.lines.lineFrame(streamId, frame);
      scene.timeline.utteranceFrame(streamId, timestampMs);
    },
    onCaptureStarted: (atMs) => scene.timeline.captureStarted(atMs),
    onUtteranceEnd: (utteranceId, frameCount) => {
      if (!context.isCurrent()) return;
      if (scene.ending === null) scene.lines.lineEnded(utteranceId, frameCount);
      dispatchScene(stores, { type: 'utterance.ended' });
    },
    onLevel: (level) => {
      if (context.isCurrent()) stores.levels.setState({ micLevel: Math.min(1, Math.max(0, level)) });
    },
  };
}
