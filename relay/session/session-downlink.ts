// The session's downlink wiring: the PartnerDownlink to the browser's `audio` channel (counted in the relay's
// metrics), partner.start / partner.end for each turn, and who may cut a turn (the player cuts anyone with a
// barge-in; the upstream's interruptions and resumes are about the partner and never cut the MC).
import type { RelayMessage } from '../../shared/protocol.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';
import { PartnerDownlink } from './partner-downlink.js';
import type { TurnLog } from './turn-log.js';

export interface SessionDownlinkDeps {
  metrics: RelayMetrics;
  /** The browser connection's lossy audio send; false when there is none or the frame was dropped. */
  sendAudio: (frame: Uint8Array) => boolean;
  send: (message: RelayMessage) => void;
  /** The session's turn log (a getter: it is built after the downlink). */
  turns: () => TurnLog;
}

export function createSessionDownlink(deps: SessionDownlinkDeps): PartnerDownlink {
  const { counters } = deps.metrics;
  return new PartnerDownlink(
    {
      onTurnStart: (turn) => {
        deps.send({ type: 'partner.start', turnId: turn.turnId, speaker: turn.speaker ?? 'partner' });
        // An MC line's turn is logged by the stage (as an MC turn, with its text).
        if (turn.speaker !== 'mc') deps.turns().partnerStarted(turn);
      },
      // The partner's reply arrived while the MC was talking: the MC's turn ends here, cut.
      onMcTurnCut: (turn) => deps.send({ type: 'partner.end', turnId: turn.turnId, interrupted: true }),
      sendFrame: (frame) => {
        const sent = deps.sendAudio(frame);
        if (sent) counters.downlinkFrames++;
        else counters.downlinkFramesDropped++;
        return sent;
      },
    },
    deps.metrics.downlink,
  );
}

/**
 * Stops the turn on the downlink: nothing more of it is sent; the browser hears partner.end interrupted. An MC
 * line is only cut by the player (`byBargeIn`).
 */
export function cutDownlinkTurn(
  downlink: PartnerDownlink,
  turns: TurnLog,
  send: (message: RelayMessage) => void,
  byBargeIn: boolean,
): void {
  if (!byBargeIn && downlink.currentTurn?.speaker === 'mc') return;
  const turn = downlink.interruptTurn(byBargeIn);
  if (!turn) return;
  send({ type: 'partner.end', turnId: turn.turnId, interrupted: true });
  turns.partnerInterrupted(turn);
}
