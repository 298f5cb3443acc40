// Partner turns the player cut off. Frames of such a turn still in flight must not restart
// playback, so they are dropped here. Bounded: only recent turns can still have frames in flight.

export const REMEMBERED_TURNS = 16;

export class TurnGate {
  readonly #closed: number[] = [];

  close(turnId: number): void {
    if (this.#closed.includes(turnId)) return;
    this.#closed.push(turnId);
    if (this.#closed.length > REMEMBERED_TURNS) this.#closed.shift();
  }

  isClosed(turnId: number): boolean {
    return this.#closed.includes(turnId);
  }
}
