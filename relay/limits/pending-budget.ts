// Connections that are not in a scene yet (a WebSocket before hello, an offer whose channels are not open) cost a
// socket, a peer and a timer but no session slot: they get a budget of their own, relay-wide and per client
// address, so one client opening hundreds of them cannot make every new player's scene a `session.limit`.
import type { ErrorCode } from '../../shared/errors.js';

export interface PendingTicket {
  /** The connection said hello (or went away): its slot is free again. Idempotent. */
  release(): void;
}

export type Admission = { ok: true; ticket: PendingTicket } | { ok: false; code: ErrorCode; message: string };

export class PendingBudget {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxPending: number,
    private readonly maxPerAddress: number,
  ) {}

  get size(): number {
    return this.total;
  }

  get isFull(): boolean {
    return this.total >= this.maxPending;
  }

  get capacity(): number {
    return this.maxPending;
  }

  admit(address: string): Admission {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.maxPerAddress) {
      return {
        ok: false,
        code: 'limit.pending',
        message: `too many connections from your address are still setting up (${this.maxPerAddress}); finish or close them first`,
      };
    }
    if (this.total >= this.maxPending) {
      return {
        ok: false,
        code: 'limit.pending',
        message: 'this relay has too many connections setting up; try again shortly',
      };
    }
    this.total++;
    this.byAddress.set(address, mine + 1);
    let released = false;
    return {
      ok: true,
      ticket: {
        release: () => {
          if (released) return;
          released = true;
          this.total--;
          const left = (this.byAddress.get(address) ?? 1) - 1;
          if (left <= 0) this.byAddress.delete(address);
          else this.byAddress.set(address, left);
        },
      },
    };
  }
}
