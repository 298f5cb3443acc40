import { describe, expect, it } from 'vitest';
import {
  CONNECTION_TRANSITIONS,
  ConnectionMachine,
  type ConnectionState,
  canTransition,
} from './connection-machine.js';

const ALL_STATES: ConnectionState[] = ['idle', 'connecting', 'connected', 'reconnecting', 'closed'];

describe('connection state machine', () => {
  it('allows exactly the listed transitions', () => {
    const allowed = new Set([
      'idle>connecting',
      'idle>closed',
      'connecting>connected',
      'connecting>closed',
      'connected>reconnecting',
      'connected>closed',
      'reconnecting>connected',
      'reconnecting>closed',
      'closed>connecting',
    ]);
    for (const from of ALL_STATES) {
      for (const to of ALL_STATES) {
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(allowed.has(`${from}>${to}`));
      }
    }
    const listed = Object.entries(CONNECTION_TRANSITIONS).flatMap(([from, tos]) => tos.map((to) => `${from}>${to}`));
    expect(new Set(listed)).toEqual(allowed);
  });

  it('starts idle and walks a full lifecycle, notifying subscribers with the reason', () => {
    const machine = new ConnectionMachine();
    const seen: string[] = [];
    machine.subscribe((state, previous, reason) => seen.push(`${previous}>${state}${reason ? `:${reason}` : ''}`));
    expect(machine.state).toBe('idle');
    expect(machine.transition('connecting')).toBe(true);
    expect(machine.transition('connected')).toBe(true);
    expect(machine.transition('reconnecting', 'ice failed')).toBe(true);
    expect(machine.reason).toBe('ice failed');
    expect(machine.transition('connected')).toBe(true);
    expect(machine.transition('closed', 'scene ended')).toBe(true);
    expect(machine.transition('connecting')).toBe(true);
    expect(seen).toEqual([
      'idle>connecting',
      'connecting>connected',
      'connected>reconnecting:ice failed',
      'reconnecting>connected',
      'connected>closed:scene ended',
      'closed>connecting',
    ]);
  });

  it('refuses an illegal transition without changing state or notifying', () => {
    const machine = new ConnectionMachine();
    let notified = 0;
    const unsubscribe = machine.subscribe(() => notified++);
    expect(machine.transition('connected')).toBe(false);
    expect(machine.state).toBe('idle');
    expect(notified).toBe(0);
    machine.transition('connecting');
    expect(machine.transition('reconnecting')).toBe(false);
    expect(machine.transition('connecting')).toBe(false);
    expect(machine.state).toBe('connecting');
    expect(notified).toBe(1);
    unsubscribe();
    machine.transition('closed');
    expect(notified).toBe(1);
  });
});
