// The client's connection lifecycle, in one place. The UI subscribes to this; nothing infers
// the connection state from scattered flags.

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Every allowed transition. Anything else is a bug and is refused. */
export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'closed'],
  connecting: ['connected', 'closed'],
  connected: ['reconnecting', 'closed'],
  reconnecting: ['connected', 'closed'],
  // A new scene starts a new connection from `closed`.
  closed: ['connecting'],
};

export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return CONNECTION_TRANSITIONS[from].includes(to);
}

export type ConnectionListener = (state: ConnectionState, previous: ConnectionState, reason?: string) => void;

export class ConnectionMachine {
  #state: ConnectionState = 'idle';
  #reason: string | undefined;
  readonly #listeners = new Set<ConnectionListener>();

  get state(): ConnectionState {
    return this.#state;
  }

  /** Why the machine entered its current state (e.g. why it closed), when known. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Moves to `to`; returns false (and changes nothing) when the transition is not allowed. */
  transition(to: ConnectionState, reason?: string): boolean {
    const from = this.#state;
    if (!canTransition(from, to)) return false;
    this.#state = to;
    this.#reason = reason;
    for (const listener of this.#listeners) listener(to, from, reason);
    return true;
  }

  subscribe(listener: ConnectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
