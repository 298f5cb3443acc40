// TurnLog and Live's transcript order: the tail of a reply's output transcription after turnComplete, and input
// transcription after the reply's first audio, land on their own turns (stored, shown, given to the coach).
import { describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../../shared/protocol.js';
import { silentLogger } from '../log.js';
import type { TurnEndedEvent } from './observer.js';
import type { PartnerTurn } from './partner-downlink.js';
import { TRANSCRIPT_TAIL_WAIT_MS, TurnLog } from './turn-log.js';

function rig() {
  const ended: TurnEndedEvent[] = [];
  const sent: RelayMessage[] = [];
  const lines: string[] = [];
  const log = new TurnLog(
    's-1',
    { onTurnEnded: (event) => ended.push(event) },
    silentLogger,
    (m) => sent.push(m),
    () => {},
    { onLine: (line) => lines.push(`${line.speaker}: ${line.text}`) },
  );
  return { log, ended, sent, lines };
}

const partnerTurn = (turnId: number): PartnerTurn => ({
  turnId,
  speaker: 'partner',
  startedAtMs: performance.now(),
  startedAt: new Date(),
  framesSent: 10,
  firstFrameAtMs: performance.now(),
});

const finals = (sent: RelayMessage[]) =>
  sent.flatMap((m) => (m.type === 'transcript' && m.final ? [`${m.speaker}#${m.streamId}: ${m.text}`] : []));

describe('TurnLog: transcripts attributed by turn, whatever the order', () => {
  it('a tail after turnComplete and input after the first audio stay on their turns', () => {
    vi.useFakeTimers();
    try {
      const { log, ended, sent, lines } = rig();
      log.playerStarted(1);
      log.playerEnded(1);
      log.partnerStarted(partnerTurn(7));
      log.playerText('(player'); // after the reply's first audio, in pieces, never finished
      log.partnerText(7, 'Yes, and');
      log.playerText(' speech)');
      const settled = vi.fn();
      log.replyCompleted(settled);
      expect(log.partnerTail(' the dragon')).toBe(true);
      expect(log.partnerTail(' pays rent.')).toBe(true);
      expect(ended).toEqual([]);
      vi.advanceTimersByTime(TRANSCRIPT_TAIL_WAIT_MS);
      expect(settled).toHaveBeenCalledOnce();
      expect(ended.map((e) => [e.speaker, e.text, e.interrupted])).toEqual([
        ['player', '(player speech)', false],
        ['partner', 'Yes, and the dragon pays rent.', false],
      ]);
      expect(finals(sent)).toEqual(['player#1: (player speech)', 'partner#7: Yes, and the dragon pays rent.']);
      expect(lines).toEqual(['player: (player speech)', 'partner: Yes, and the dragon pays rent.']);
      // Later words are no completed reply's tail.
      expect(log.partnerTail(' late')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('the next line ending settles the reply at once; the scene ending stores it whole, not cut', () => {
    const { log, ended } = rig();
    log.playerStarted(1);
    log.playerEnded(1);
    log.partnerStarted(partnerTurn(7));
    log.partnerText(7, 'One.');
    log.replyCompleted();
    log.playerStarted(2);
    expect(log.partnerTail(' Two.')).toBe(true);
    log.playerEnded(2);
    expect(log.tailPending).toBe(false);
    expect(ended.map((e) => [e.speaker, e.text, e.interrupted])).toEqual([
      ['player', '', false],
      ['partner', 'One. Two.', false],
    ]);
    log.partnerStarted(partnerTurn(8));
    log.partnerText(8, 'Three.');
    log.replyCompleted();
    log.finalizeAll(false, true);
    expect(ended.at(-1)).toMatchObject({ speaker: 'partner', text: 'Three.', interrupted: false });
  });
});
