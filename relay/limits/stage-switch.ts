// The kill switch: one Firestore document (`ops/stage`) that every relay instance polls. While it says closed,
// new scenes are refused with `stage.closed`; live scenes play to their end and resumes go on, so nobody loses a
// scene mid-line. The billing budget closes it at 100% (relay/http/budget-route.ts, pushed from the budget's
// Pub/Sub topic) and opens it again when a later notification is under budget (a new month); an operator closes
// or opens it by hand with `npm run stage -- close "why"` / `open` (scripts/stage.ts). docs/runbook.md#kill-switch.
import type { Firestore } from '@google-cloud/firestore';
import type { Logger } from '../log.js';

export const STAGE_SWITCH_COLLECTION = 'ops';
export const STAGE_SWITCH_DOC = 'stage';
/** Every instance sees a flip within this long (one small read per instance per period). */
export const DEFAULT_STAGE_SWITCH_POLL_MS = 15_000;

/** Who closed the stage: the budget opens only what the budget closed; a hand-closed stage stays closed. */
export type StageCloser = 'budget' | 'operator';

export interface StageState {
  open: boolean;
  closedBy?: StageCloser;
  /** Why, for operators (logs, runbook); the player reads a fixed sentence for `stage.closed`. */
  reason?: string;
  changedAt?: Date;
}

export class StageSwitch {
  #state: StageState = { open: true };
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Firestore,
    private readonly options: { pollMs?: number; logger?: Logger } = {},
  ) {}

  private get doc() {
    return this.db.collection(STAGE_SWITCH_COLLECTION).doc(STAGE_SWITCH_DOC);
  }

  /** The state as of the last read (open until a read says otherwise). */
  get state(): StageState {
    return this.#state;
  }

  get isOpen(): boolean {
    return this.#state.open;
  }

  /**
   * Reads the document now. A failed read keeps the last state: Firestore unreachable is its own failure (the
   * store's readiness reports it), and flipping the stage on a blip would refuse or admit scenes by accident.
   */
  async refresh(): Promise<StageState> {
    try {
      const snapshot = await this.doc.get();
      this.#apply(snapshot.exists ? parseStageDoc(snapshot.data()) : { open: true });
    } catch (error) {
      this.options.logger?.warn('stage switch: read failed; keeping the last state', {
        error: String(error),
        open: this.#state.open,
      });
    }
    return this.#state;
  }

  /** Reads now, then every pollMs (0: only now), until stop(). */
  async start(): Promise<void> {
    await this.refresh();
    const pollMs = this.options.pollMs ?? DEFAULT_STAGE_SWITCH_POLL_MS;
    if (pollMs <= 0) return;
    this.#timer = setInterval(() => void this.refresh(), pollMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Writes the switch (every instance sees it within a poll period; this one at once). */
  async set(state: { open: true } | { open: false; closedBy: StageCloser; reason: string }): Promise<void> {
    const next: StageState = { ...state, changedAt: new Date() };
    await this.doc.set({
      open: next.open,
      closedBy: next.closedBy ?? null,
      reason: next.reason ?? null,
      changedAt: next.changedAt,
    });
    this.#apply(next);
  }

  #apply(next: StageState): void {
    if (next.open !== this.#state.open) {
      this.options.logger?.warn(next.open ? 'stage switch: open' : 'stage switch: closed; new scenes refused', {
        closedBy: next.closedBy,
        reason: next.reason,
      });
    }
    this.#state = next;
  }
}

/** The stored document → state. Anything but an explicit `open: false` reads as open (a typo never closes). */
export function parseStageDoc(data: Record<string, unknown> | undefined): StageState {
  if (data?.open !== false) return { open: true };
  const closedBy: StageCloser = data.closedBy === 'budget' ? 'budget' : 'operator';
  const changedAt = data.changedAt as { toDate?: () => Date } | undefined;
  return {
    open: false,
    closedBy,
    ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
    ...(typeof changedAt?.toDate === 'function' ? { changedAt: changedAt.toDate() } : {}),
  };
}
