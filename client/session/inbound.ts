// What arrives from the relay, routed to the player and the stores. Messages were validated at
// the transport's edge; frames are decoded here, once.

import { PROTOCOL_VERSION } from '../../shared/constants.js';
import { decodeFrame, FrameError } from '../../shared/frame.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { Player } from '../audio/player.js';
import { handleStageMessage } from '../store/stage-store.js';
import { type AppStores, dispatchScene, markTranscriptInterrupted, pushTranscript } from '../store/stores.js';
import type { TurnGate } from './turn-gate.js';
import { messageForRelayError, type UserMessage, userMessage } from './user-messages.js';

export interface InboundContext {
  stores: AppStores;
  now: () => number;
  player: () => Player | null;
  gate: TurnGate;
  counters: InboundCounters;
  onWelcome(welcome: Extract<RelayMessage, { type: 'welcome' }>): void;
  onFatal(message: UserMessage): void;
  onSessionEnded(reason: string): void;
  /** The relay is restarting and handed the scene off: reconnect and resume (another instance takes it). */
  onRelayRestarting?(): void;
  /** A partner audio frame arrived (before jitter buffering), for the latency timeline. */
  onPartnerFrame?(turnId: number): void;
  /** The relay has every line up to this utterance id (cumulative): the outbox forgets them. */
  onLineAck?(utteranceId: number): void;
}

export interface InboundCounters {
  badFrames: number;
  gatedFrames: number;
}

export function handleInboundFrame(context: InboundContext, bytes: Uint8Array): void {
  let frame: ReturnType<typeof decodeFrame>;
  try {
    frame = decodeFrame(bytes);
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    context.counters.badFrames++;
    return;
  }
  // Late frames of a turn the player talked over must not start it again.
  if (context.gate.isClosed(frame.streamId)) {
    context.counters.gatedFrames++;
    return;
  }
  context.onPartnerFrame?.(frame.streamId);
  context.player()?.pushFrame(frame);
}

export function handleRelayMessage(context: InboundContext, message: RelayMessage): void {
  // The stage store takes scene.state / audience.reaction / coach.report; it also watches welcome
  // (a new session clears the stage) and MC turns, then lets the session handle those too.
  if (handleStageMessage(context.stores.stage, message)) return;
  switch (message.type) {
    case 'welcome':
      if (message.protocolVersion !== PROTOCOL_VERSION) {
        context.onFatal(userMessage('protocol.version'));
        return;
      }
      context.onWelcome(message);
      return;
    case 'partner.start':
      return;
    case 'partner.end': {
      if (message.interrupted) markTranscriptInterrupted(context.stores, message.turnId);
      const player = context.player();
      // The relay cut the turn short (e.g. the model heard the player): stop it here too.
      if (message.interrupted && player?.speakingTurnId === message.turnId) {
        player.interrupt();
        context.gate.close(message.turnId);
        // Its queued audio is gone, so the player never reports it drained: nobody is speaking now.
        dispatchScene(context.stores, { type: 'partner.drained', turnId: message.turnId });
      }
      return;
    }
    case 'transcript':
      pushTranscript(context.stores, message);
      return;
    case 'line.ack':
      context.onLineAck?.(message.utteranceId);
      return;
    case 'pong':
      context.stores.connection.setState({ rttMs: Math.max(0, Math.round(context.now() - message.t)) });
      return;
    case 'error':
      if (message.fatal) context.onFatal(messageForRelayError(message.code));
      else if (message.code === 'relay.draining' && context.onRelayRestarting) context.onRelayRestarting();
      else console.warn(`relay dropped a message: ${message.code}: ${message.message}`);
      return;
    case 'session.ended':
      context.onSessionEnded(message.reason);
      return;
  }
}
