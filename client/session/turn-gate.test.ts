import { describe, expect, it } from 'vitest';
import { REMEMBERED_TURNS, TurnGate } from './turn-gate.js';

describe('TurnGate', () => {
  it('closes turns and forgets the oldest beyond its bound', () => {
    const gate = new TurnGate();
    expect(gate.isClosed(1)).toBe(false);
    gate.close(1);
    gate.close(1);
    expect(gate.isClosed(1)).toBe(true);
    for (let turnId = 2; turnId <= REMEMBERED_TURNS; turnId++) gate.close(turnId);
    expect(gate.isClosed(1)).toBe(true);
    gate.close(REMEMBERED_TURNS + 1);
    expect(gate.isClosed(1)).toBe(false);
    expect(gate.isClosed(2)).toBe(true);
  });
});
