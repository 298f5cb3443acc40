// Replays a recorded Live scene (recording.ts) through the relay's upstream handling: the server-message mapping
// (server-message.ts), the client-content gate's view of who owes a reply, the partner downlink and the turn log,
// wired as Session wires them for upstream events. Returns the turns stored and the transcript shown.
import type { RelayMessage } from '../../shared/protocol.js';
import { silentLogger } from '../log.js';
import { RelayMetrics } from '../metrics/relay-metrics.js';
import { ClientContentGate } from '../session/client-content-gate.js';
import type { TurnEndedEvent } from '../session/observer.js';
import { createSessionDownlink } from '../session/session-downlink.js';
import { TurnLog } from '../session/turn-log.js';
import { type Recording, withSilentAudio } from './recording.js';
import { dispatchServerMessage } from './server-message.js';

export interface ReplayResult {
  stored: TurnEndedEvent[];
  /** Final transcript lines as the browser would show them. */
  shown: { speaker: string; streamId: number; text: string }[];
}

/** `advanceBy(ms)` moves the clock the turn log's timers run on (fake timers in tests). */
export function replayRecording(recording: Recording, advanceBy: (ms: number) => void): ReplayResult {
  const stored: TurnEndedEvent[] = [];
  const sent: RelayMessage[] = [];
  const send = (message: RelayMessage) => sent.push(message);
  const turns = new TurnLog('replay', { onTurnEnded: (event) => stored.push(event) }, silentLogger, send);
  const downlink = createSessionDownlink({
    metrics: new RelayMetrics(),
    sendAudio: () => true,
    send,
    turns: () => turns,
  });
  const gate = new ClientContentGate(() => null);
  let clockMs = recording.events[0]?.atMs ?? 0;
  for (const event of recording.events) {
    if (event.atMs > clockMs) advanceBy(event.atMs - clockMs);
    clockMs = Math.max(clockMs, event.atMs);
    if ('client' in event) {
      if (event.client === 'activityStart') {
        gate.activityStarting();
        turns.playerStarted(event.utterance);
      } else {
        gate.activityEnded();
        turns.playerEnded(event.utterance);
      }
      continue;
    }
    // As Session.upstreamEvents() handles them.
    dispatchServerMessage(
      withSilentAudio(event.server),
      {
        onAudio: (pcm, at) => {
          gate.replyActivity();
          downlink.pushAudio(pcm, at);
        },
        onInputTranscript: (text) => turns.playerText(text),
        onOutputTranscript: (text) => {
          if (turns.partnerTail(text)) return;
          gate.replyActivity();
          if (!gate.awaitingReply && downlink.currentTurn?.speaker !== 'partner') return;
          const turn = downlink.ensureTurn();
          if (turn) turns.partnerText(turn.turnId, text);
        },
        onTurnComplete: () => {
          const turn = downlink.finishTurn();
          if (turn) send({ type: 'partner.end', turnId: turn.turnId, interrupted: false });
          gate.turnEnded();
          turns.replyCompleted();
        },
        onInterrupted: () => {
          const turn = downlink.interruptTurn(false);
          if (turn) turns.partnerInterrupted(turn);
        },
        onUsage: () => {},
        onGoAway: () => {},
        onResumptionHandle: () => {},
        onClose: () => {},
      },
      performance.now(),
    );
  }
  // The scene ends after the last message: a completed reply still taking its tail is stored whole.
  turns.finalizeAll(false, true);
  const shown = sent.flatMap((m) =>
    m.type === 'transcript' && m.final ? [{ speaker: m.speaker, streamId: m.streamId, text: m.text }] : [],
  );
  return { stored, shown };
}
