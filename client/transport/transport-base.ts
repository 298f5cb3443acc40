// What every Transport shares: its state, its three kinds of listener, and telling them. Subclasses
// open and close the wire and call setState/emitFrame/emitMessage; nothing else touches the listeners.
import type { RelayMessage } from '../../shared/protocol.js';
import { type Listener, ListenerSet } from './listeners.js';
import type { TransportState } from './transport.js';

export abstract class TransportBase {
  #state: TransportState = 'connecting';
  readonly #frameListeners = new ListenerSet<[frame: Uint8Array]>();
  readonly #messageListeners = new ListenerSet<[message: RelayMessage]>();
  readonly #stateListeners = new ListenerSet<[state: TransportState, reason?: string]>();

  get state(): TransportState {
    return this.#state;
  }

  onFrame(listener: Listener<[frame: Uint8Array]>): () => void {
    return this.#frameListeners.add(listener);
  }

  onMessage(listener: Listener<[message: RelayMessage]>): () => void {
    return this.#messageListeners.add(listener);
  }

  onState(listener: Listener<[state: TransportState, reason?: string]>): () => void {
    return this.#stateListeners.add(listener);
  }

  /** A repeat of the current state is not news: listeners hear each change once. */
  protected setState(state: TransportState, reason?: string): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#stateListeners.emit(state, reason);
  }

  protected emitFrame(frame: Uint8Array): void {
    this.#frameListeners.emit(frame);
  }

  protected emitMessage(message: RelayMessage): void {
    this.#messageListeners.emit(message);
  }
}
