// A session's lifecycle as an explicit state machine: open → live → draining → closed.
//   open: hello accepted, upstream connecting.   live: welcome sent, turns flow.
//   draining: scene ending (scene.end, relay shutdown, upstream lost); no new turns.   closed: everything released.

export type SessionState = 'open' | 'live' | 'draining' | 'closed';

const ALLOWED: Record<SessionState, readonly SessionState[]> = {
  open: ['live', 'draining', 'closed'],
  live: ['draining', 'closed'],
  draining: ['closed'],
  closed: [],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return ALLOWED[from].includes(to);
}

export class SessionStateMachine {
  private current: SessionState = 'open';
  private readonly listeners: Array<(to: SessionState, from: SessionState) => void> = [];

  get state(): SessionState {
    return this.current;
  }

  /** Moves to `to`; returns false (and stays) when the transition is not allowed. */
  transition(to: SessionState): boolean {
    const from = this.current;
    if (!canTransition(from, to)) return false;
    this.current = to;
    for (const listener of this.listeners) listener(to, from);
    return true;
  }

  onTransition(listener: (to: SessionState, from: SessionState) => void): void {
    this.listeners.push(listener);
  }
}
