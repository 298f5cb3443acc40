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
    const line = log.mcStarted('Welcome!');
    expect(log.mcLineOpen(line)).toBe(true);
    log.mcVoiced(line, downlinkTurn(3, 'mc'));
    log.mcEnded(line, false);
    expect(log.mcLineOpen(line)).toBe(false);
    expect(ended).toEqual([
      expect.objectContaining({ speaker: 'mc', text: 'Welcome!', turnId: 3, interrupted: false, framesSent: 12 }),
    ]);
    expect(log.count).toBe(1);
    // Ending it again stores nothing twice.
    log.mcEnded(line, true);
    expect(ended).toHaveLength(1);
  });

  it('an MC line still open when another turn ends is stored first (cut when it was being voiced)', () => {
    const { log, ended } = rig();
    const line = log.mcStarted('Welcome!');
    log.mcVoiced(line, downlinkTurn(1, 'mc'));
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
    log.mcEnded(line, true);
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
    const outro = log.mcStarted('And... scene!');
    log.mcVoiced(outro, downlinkTurn(9, 'mc'));
    log.finalizeAll(false, true);
    expect(ended.at(-1)).toMatchObject({ speaker: 'mc', text: 'And... scene!', interrupted: true });
  });
});

describe('TurnLog: the scene ending', () => {
  it('stores a reply still open as interrupted, with its transcript so far', () => {
    const { log, ended } = rig();
    log.playerStarted(1);
    log.playerText('Hello there');
    log.playerEnded(1);
    log.partnerStarted(downlinkTurn(2, 'partner'));
    log.partnerText(2, 'Hi, I was just');
    log.finalizeAll(false, true);
    expect(ended.map((e) => [e.speaker, e.text, e.interrupted])).toEqual([
      ['player', 'Hello there', false],
      ['partner', 'Hi, I was just', true],
    ]);
  });

  it('stores the words of a line the player was still saying as interrupted, and no line without words', () => {
    const { log, ended, sent } = rig();
    log.playerStarted(1);
    log.playerText('So I was');
    log.finalizeAll(false, true);
    expect(ended).toEqual([expect.objectContaining({ speaker: 'player', text: 'So I was', interrupted: true })]);
    expect(sent.at(-1)).toMatchObject({ type: 'transcript', speaker: 'player', text: 'So I was', final: true });

    const quiet = rig();
    quiet.log.playerStarted(2);
    quiet.log.finalizeAll(false, true);
    // Ended, but its transcript never came: no words either.
    quiet.log.playerStarted(3);
    quiet.log.playerEnded(3);
    quiet.log.finalizeAll(false, true);
    expect(quiet.ended).toEqual([]);
    expect(quiet.log.count).toBe(0);
  });

  it('a piece of a line with no words and no reply is no line of its own: the next piece carries on', () => {
    const { log, ended } = rig();
    // The VAD split a line at a pause; the second piece began before any reply (or any words) came.
    log.playerStarted(1);
    log.playerEnded(1);
    log.playerStarted(2);
    log.playerText('and then the cactus sneezed');
    log.playerEnded(2);
    log.partnerStarted(downlinkTurn(3, 'partner'));
    log.partnerText(3, 'Bless it!');
    log.finalizeAll(false, true);
    expect(ended.map((e) => [e.speaker, e.turnId, e.text])).toEqual([
      ['player', 2, 'and then the cactus sneezed'],
      ['partner', 3, 'Bless it!'],
    ]);
    // A piece with words is a line, answered or not.
    const worded = rig();
    worded.log.playerStarted(1);
    worded.log.playerText('Wait');
    worded.log.playerEnded(1);
    worded.log.playerStarted(2);
    worded.log.finalizeAll(false, true);
    expect(worded.ended.map((e) => [e.turnId, e.text])).toEqual([[1, 'Wait']]);
  });

  it('a late end report of an MC line already stored leaves the next line open (the intro cut, then the outro)', () => {
    const { log, ended } = rig();
    const intro = log.mcStarted('Welcome!');
    log.mcVoiced(intro, downlinkTurn(1, 'mc'));
    log.finalizeAll(false, true);
    const outro = log.mcStarted('And... scene!');
    // The intro's voicer notices its cut after the outro began: not the outro's end, and no voicing of it.
    expect(log.mcLineOpen(intro)).toBe(false);
    log.mcVoiced(intro, downlinkTurn(7, 'mc'));
    log.mcEnded(intro, true);
    expect(log.mcLineOpen(outro)).toBe(true);
    log.mcVoiced(outro, downlinkTurn(2, 'mc'));
    log.mcEnded(outro, false);
    expect(ended.map((e) => [e.text, e.turnId, e.interrupted])).toEqual([
      ['Welcome!', 1, true],
      ['And... scene!', 2, false],
    ]);
  });
});

describe('TurnLog: provisional records for a hard kill', () => {
  it('stores a finished line once its words arrive, before any reply starts (a kill then loses no shown line)', () => {
    const progress: TurnEndedEvent[] = [];
    const log = new TurnLog('s-1', { onTurnProgress: (event) => progress.push(event) }, silentLogger, () => {});
    log.playerStarted(1);
    log.playerText('Still ');
    // Words while the player is still speaking wait for the line to end (its reply, or its end, stores it).
    expect(progress).toEqual([]);
    log.playerEnded(1);
    log.playerText('speaking');
    expect(progress.map((e) => [e.speaker, e.text, e.interrupted])).toEqual([['player', 'Still speaking', false]]);
    log.partnerStarted(downlinkTurn(2, 'partner'));
    log.partnerText(2, 'Yes');
    expect(progress.map((e) => [e.speaker, e.text])).toEqual([
      ['player', 'Still speaking'],
      ['player', 'Still speaking'],
      ['partner', 'Yes'],
    ]);
  });
});
