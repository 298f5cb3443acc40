import { describe, expect, it } from 'vitest';
import type { Upstream, UpstreamTextTurn } from '../live/upstream.js';
import { ClientContentGate } from './client-content-gate.js';

function rig() {
  const sent: Array<string> = [];
  const upstream: Upstream = {
    sendAudio: () => sent.push('audio'),
    activityStart: () => sent.push('activityStart'),
    activityEnd: () => sent.push('activityEnd'),
    sendClientContent: (turns, turnComplete) =>
      sent.push(`content(${turns.map((t) => `${t.role}:${t.parts[0]?.text}`).join('|')},${turnComplete})`),
    close: () => sent.push('close'),
  };
  let available: Upstream | null = upstream;
  const gate = new ClientContentGate(() => available);
  const facade = gate.wrap(upstream);
  const direction = (text: string): UpstreamTextTurn[] => [{ role: 'user', parts: [{ text }] }];
  return { sent, gate, facade, direction, setAvailable: (value: boolean) => (available = value ? upstream : null) };
}

describe('ClientContentGate: directions only at turn boundaries', () => {
  it('sends at once when no reply is owed', () => {
    const { sent, gate, direction } = rig();
    gate.send(direction('a'));
    expect(sent).toEqual(['content(user:a,false)']);
  });

  it('holds a direction between activityEnd and the end of the owed reply, then sends it in order', () => {
    const { sent, gate, facade, direction } = rig();
    facade.activityStart();
    facade.activityEnd();
    gate.send(direction('a'));
    gate.send(direction('b'));
    gate.replyActivity(); // the reply's audio: begun, still not a boundary
    expect(sent).toEqual(['activityStart', 'activityEnd']);
    gate.turnEnded();
    expect(sent.at(-1)).toBe('content(user:a|user:b,false)');
    expect(gate.pending).toBe(0);
  });

  it('a barge-in before the owed reply began releases the queue ahead of the new activity', () => {
    const { sent, gate, facade, direction } = rig();
    facade.activityEnd();
    gate.send(direction('a'));
    facade.activityStart();
    expect(sent).toEqual(['activityEnd', 'content(user:a,false)', 'activityStart']);
  });

  it('a barge-in over a reply already playing waits for that reply to end (its turnComplete)', () => {
    const { sent, gate, facade, direction } = rig();
    facade.activityEnd();
    gate.replyActivity();
    gate.send(direction('a'));
    facade.activityStart();
    expect(sent).toEqual(['activityEnd', 'activityStart']);
    gate.turnEnded();
    expect(sent.at(-1)).toBe('content(user:a,false)');
  });

  it('keeps directions while there is no upstream and sends them on the next one', () => {
    const { sent, gate, direction, setAvailable } = rig();
    setAvailable(false);
    gate.send(direction('a'));
    expect(sent).toEqual([]);
    setAvailable(true);
    gate.reset();
    expect(sent).toEqual(['content(user:a,false)']);
  });

  it('never routes turnComplete:true through the queue', () => {
    const { sent, facade, direction } = rig();
    facade.activityEnd();
    facade.sendClientContent(direction('now'), true);
    expect(sent).toEqual(['activityEnd', 'content(user:now,true)']);
  });
});
