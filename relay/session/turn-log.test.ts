// TurnLog's MC and audience lines: stored as turns of the scene in the order they happened, an MC line still open
// when another turn ends is stored ahead of it, and the room's reaction carries its sentiment and the running mood.
import { describe, expect, it } from 'vitest';
import type { RelayMessage } from '../../shared/protocol.js';
import { silentLogger } from '../log.js';
import type { TurnEndedEvent } from './observer.js';
import type { PartnerTurn } from './partner-downlink.js';
import { TurnLog } from './turn-log.js';

function rig() {
  const ended: TurnEndedEvent[] = [];
  const sent: RelayMessage[] = [];
  const log = new TurnLog('s-1', { onTurnEnded: (event) => ended.push(event) }, silentLogger, (m) => sent.push(m));
  return { log, ended, sent };
}

const downlinkTurn = (turnId: number, speaker: 'mc' | 'partner'): PartnerTurn => ({
  turnId,
  speaker,
  startedAtMs: performance.now(),
  startedAt: new Date(),
  framesSent: 12,
  firstFrameAtMs: performance.now(),
});

describe('TurnLog: the MC and the audience', () => {
  it('stores a voiced MC line when it ends, with its downlink turn and frames', () => {
    const { log, ended } = rig();
    log.mcStarted('Welcome!');
    expect(log.mcLineOpen).toBe(true);
    log.mcVoiced(downlinkTurn(3, 'mc'));
    log.mcEnded(false);
    expect(log.mcLineOpen).toBe(false);
    expect(ended).toEqual([
      expect.objectContaining({ speaker: 'mc', text: 'Welcome!', turnId: 3, interrupted: false, framesSent: 12 }),
    ]);
    expect(log.count).toBe(1);
    // Ending it again stores nothing twice.
    log.mcEnded(true);
    expect(ended).toHaveLength(1);
  });

  it('an MC line still open when another turn ends is stored first (cut when it was being voiced)', () => {
    const { log, ended } = rig();
    log.mcStarted('Welcome!');
    log.mcVoiced(downlinkTurn(1, 'mc'));
    log.playerStarted(1);
    log.playerText('Hello there');
    log.playerEnded(1);
    log.partnerStarted(downlinkTurn(2, 'partner'));
    log.partnerText(2, 'Hi!');
    log.finalizeAll(false);
    log.audienceReacted({ reaction: '*laughter*', sentiment: 0.5, mood: 0.5 });
    expect(ended.map((e) => [e.speaker, e.interrupted])).toEqual([
      ['mc', true],
      ['player', false],
      ['partner', false],
      ['audience', false],
    ]);
    expect(ended[3]).toMatchObject({ text: '*laughter*', sentiment: 0.5, mood: 0.5 });
    expect(ended.slice(0, 3).every((e) => e.mood === undefined && e.sentiment === undefined)).toBe(true);
    // The MC's late end (its speaker noticing the cut) changes nothing.
    log.mcEnded(true);
    expect(ended).toHaveLength(4);
  });

  it('a text-only MC line waiting for its voice is stored uncut; the scene ending stores an open line', () => {
    const { log, ended } = rig();
    log.mcStarted('Welcome!');
    log.audienceReacted({ reaction: '*murmurs*', sentiment: -0.1, mood: -0.1 });
    expect(ended.map((e) => [e.speaker, e.interrupted])).toEqual([
      ['mc', false],
      ['audience', false],
    ]);
    log.mcStarted('And... scene!');
    log.mcVoiced(downlinkTurn(9, 'mc'));
    log.finalizeAll(false, true);
    expect(ended.at(-1)).toMatchObject({ speaker: 'mc', text: 'And... scene!', interrupted: true });
  });
});
