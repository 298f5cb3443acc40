// A session's connection to Live, kept alive across goAway and drops: `connecting → ready → resuming → failed`.
// On goAway (or an abnormal close) it reconnects with the latest session-resumption handle, so the model keeps
// the scene's context and the player does not notice beyond, at worst, a cut partner turn.
import { AppError, type ErrorCode } from '../../shared/errors.js';
import type { Upstream, UpstreamEvents, UpstreamFactory, UpstreamOptions, UpstreamTextTurn } from '../live/upstream.js';
import type { Logger } from '../log.js';
import { ClientContentGate } from './client-content-gate.js';

export type UpstreamLinkState = 'connecting' | 'ready' | 'resuming' | 'failed' | 'closed';

/** Reconnect a little before the server's deadline so the old socket is still up while the new one opens. */
const GO_AWAY_MARGIN_MS = 500;
const MAX_RESUME_ATTEMPTS = 3;
const RESUME_BACKOFF_MS = [0, 250, 1_000] as const;
/**
 * A rotated-out upstream stays open this long, heard for what still belongs to its last turn: the transcript's
 * tail and the usage report, which Live may send after turnComplete (TRANSCRIPT_TAIL_WAIT_MS in turn-log.ts).
 */
const RETIRING_UPSTREAM_MS = 1_500;

/** What the session hears; goAway, handles and closes are handled here. */
export type LinkEvents = Omit<UpstreamEvents, 'onGoAway' | 'onClose' | 'onResumptionHandle'>;

export interface UpstreamLinkOptions {
  factory: UpstreamFactory;
  options: UpstreamOptions;
  events: LinkEvents;
  logger: Logger;
  /** A handle worth persisting (another relay instance could resume with it). */
  onHandle?: (handle: string) => void;
  /** Called before swapping to a resumed upstream (e.g. to cut a partner turn the old one will never finish). */
  onResuming?: () => void;
  /** After a successful resume; the session re-opens an utterance that was in progress. */
  onResumed?: (upstream: Upstream) => void;
  onFailed: (code: ErrorCode, message: string) => void;
  /** True while a turn is in flight; a goAway then waits for the turn to end (or the deadline). */
  isBusy: () => boolean;
  /**
   * The scene so far, for a fresh upstream: when the handle is refused (expired, unknown to this endpoint), or
   * when the session rotates the upstream to shed its audio context (`rotate`). Without it a refused handle ends
   * the session.
   */
  history?: (why: FreshStartReason) => UpstreamTextTurn[];
}

/** Why an upstream starts fresh, told the scene so far as text: its handle was refused, or a context rotation. */
export type FreshStartReason = 'refused' | 'rotation';

export class UpstreamLink {
  state: UpstreamLinkState = 'connecting';
  resumes = 0;
  /** Upstreams opened without a handle (refused) and given the scene so far instead. */
  freshStarts = 0;
  /** Fresh upstreams swapped in on purpose between turns (`rotate`), so Live stops re-billing old audio. */
  rotations = 0;
  private upstream: Upstream | null = null;
  /** What PlayerUplink sends on: the upstream, with its activity reported to the content gate. */
  private facade: Upstream | null = null;
  /** Stage directions go out at turn boundaries only (gemini-3.8-live's rules, client-content-gate.ts). */
  private readonly content = new ClientContentGate(() => (this.state === 'ready' ? this.upstream : null));
  private handle: string | undefined;
  /** Which opened upstream speaks for the session (each open gets the next number; 0 = none). */
  private generation = 0;
  private opens = 0;
  private goAwayTimer: NodeJS.Timeout | null = null;
  private resumeWhenIdle = false;
  /** The generation a rotation is opening (its events wait for the swap), or null. */
  private rotating: number | null = null;
  /** The upstream a rotation swapped out, still heard for its last turn's tail and usage until its timer closes it. */
  private retiring: { generation: number; upstream: Upstream | null; timer: NodeJS.Timeout } | null = null;

  constructor(private readonly link: UpstreamLinkOptions) {
    this.handle = link.options.resumptionHandle;
  }

  /** The upstream to send on, or null while (re)connecting. */
  get current(): Upstream | null {
    return this.state === 'ready' ? this.facade : null;
  }

  /** The player is owed a reply: the model's output now belongs to a new turn, not a finished one's tail. */
  get awaitingReply(): boolean {
    return this.content.awaitingReply;
  }

  /**
   * A stage direction (user content, no turnComplete): sent at the next turn boundary, so it never cuts the
   * partner nor holds back the reply the player is owed. Queued while reconnecting. False once the link is over.
   */
  sendDirection(turns: UpstreamTextTurn[]): boolean {
    if (this.state === 'failed' || this.state === 'closed') return false;
    this.content.send(turns);
    return true;
  }

  private use(upstream: Upstream): void {
    this.upstream = upstream;
    this.facade = this.content.wrap(upstream);
  }

  /** First connect; throws AppError when Live cannot be reached. */
  async connect(): Promise<void> {
    try {
      this.use(await this.open());
    } catch (error) {
      // A session taken over from the store brings a handle this endpoint may no longer honour.
      if (!this.handle || !this.link.history || this.state === 'closed') throw error;
      this.link.logger.warn('resumption handle refused, opening a fresh upstream with the scene so far', { error });
      this.use(await this.openFresh());
    }
    if (this.state === 'closed') {
      this.upstream?.close();
      return;
    }
    this.state = 'ready';
    this.content.reset();
  }

  /** The session reports a turn boundary; a pending goAway resume can run now. */
  idle(): void {
    if (this.resumeWhenIdle) void this.resume('goAway');
  }

  /**
   * Swaps the upstream for a fresh Live session told the scene so far as text (context economy): every turn bills
   * the whole context, and audio costs ~10× the tokens of its words. Only between turns; the old upstream carries
   * the scene until the new one is up, and should the player start a line (or the model a turn) meanwhile, the new
   * one is closed unused and the old one goes on. Resolves with whether the swap happened (false when not now).
   */
  async rotate(): Promise<boolean> {
    if (this.state !== 'ready' || !this.link.history || this.rotating !== null) return false;
    if (this.resumeWhenIdle || this.content.awaitingReply || this.link.isBusy()) return false;
    return this.rotateNow();
  }

  private async rotateNow(): Promise<boolean> {
    // open() takes the next number and marks it as the rotation's.
    const generation = this.opens + 1;
    let next: Upstream | null = null;
    let handle: string | undefined;
    try {
      next = await this.open({ rotation: (newHandle) => (handle = newHandle) });
      // The history, told now (after the open): nothing said since is missing from it.
      const history = this.link.history?.('rotation') ?? [];
      if (history.length > 0) next.sendClientContent(history, false);
    } catch (error) {
      if (this.state !== 'closed')
        this.link.logger.warn('upstream rotation failed; the scene goes on on the old upstream', { error });
    }
    const stillQuiet = this.rotating === generation && this.state === 'ready' && !this.link.isBusy();
    if (this.rotating === generation) this.rotating = null;
    if (!next) return false;
    if (!stillQuiet || this.content.awaitingReply) {
      next.close();
      return false;
    }
    const old = this.upstream;
    this.retire(this.generation, old);
    this.generation = generation;
    this.handle = handle;
    if (handle) this.link.onHandle?.(handle);
    this.use(next);
    this.content.reset();
    this.rotations++;
    this.link.logger.info('upstream rotated');
    return true;
  }

  private retire(generation: number, upstream: Upstream | null): void {
    this.endRetiring();
    this.retiring = { generation, upstream, timer: setTimeout(() => this.endRetiring(), RETIRING_UPSTREAM_MS) };
  }

  /** Closes the retiring upstream: its time is up, or the link closes, or another rotation retires the next one. */
  private endRetiring(): void {
    const retiring = this.retiring;
    if (!retiring) return;
    this.retiring = null;
    clearTimeout(retiring.timer);
    retiring.upstream?.close();
  }

  close(): void {
    this.state = 'closed';
    this.endRetiring();
    if (this.goAwayTimer) clearTimeout(this.goAwayTimer);
    this.generation = 0;
    this.upstream?.close();
    this.upstream = null;
    this.facade = null;
  }

  /** A new Live session (no handle) told the scene so far. */
  private async openFresh(): Promise<Upstream> {
    this.handle = undefined;
    const upstream = await this.open();
    const history = this.link.history?.('refused') ?? [];
    // A brand-new Live session owes no reply: the history (explicit roles, no turnComplete) waits for the next
    // activity and cuts nothing.
    if (history.length > 0) upstream.sendClientContent(history, false);
    this.freshStarts++;
    return upstream;
  }

  /**
   * Opens an upstream as the next generation; events of earlier ones are ignored from now on. A rotation's
   * upstream waits for its swap instead: until then its events are ignored (a fresh session owes no reply) but
   * its resumption handle is kept, and the current generation carries on.
   */
  private open(rotation?: { rotation: (handle: string) => void }): Promise<Upstream> {
    const generation = ++this.opens;
    if (rotation) this.rotating = generation;
    else {
      this.generation = generation;
      this.rotating = null;
    }
    const current = () => generation === this.generation && this.state !== 'closed';
    // A rotated-out upstream's last turn: its transcript tail and its usage (billed) still count.
    const currentOrRetiring = () => current() || (generation === this.retiring?.generation && this.state !== 'closed');
    const { events } = this.link;
    // Events of a replaced upstream are ignored: only the current generation speaks for the session.
    return this.link.factory(
      {
        onAudio: (pcm, at) => {
          if (!current()) return;
          this.content.replyActivity();
          events.onAudio(pcm, at);
        },
        onInputTranscript: (text) => current() && events.onInputTranscript(text),
        onOutputTranscript: (text) => {
          if (!currentOrRetiring()) return;
          if (current()) this.content.replyActivity();
          events.onOutputTranscript(text);
        },
        onTurnComplete: () => {
          if (!current()) return;
          events.onTurnComplete();
          this.content.turnEnded();
          this.idle();
        },
        onInterrupted: () => current() && events.onInterrupted(),
        onUsage: (usage) => currentOrRetiring() && events.onUsage(usage),
        onResumptionHandle: (handle) => {
          if (rotation && this.rotating === generation) rotation.rotation(handle);
          if (!current()) return;
          this.handle = handle;
          this.link.onHandle?.(handle);
        },
        onGoAway: (timeLeftMs) => current() && this.onGoAway(timeLeftMs),
        onClose: (reason, abnormal) => {
          if (!current() || !abnormal) return;
          this.link.logger.warn('upstream closed abnormally', { reason });
          void this.resume(reason);
        },
      },
      { ...this.link.options, resumptionHandle: rotation ? undefined : this.handle },
    );
  }

  private onGoAway(timeLeftMs: number): void {
    this.link.logger.info('upstream goAway', { timeLeftMs, busy: this.link.isBusy() });
    if (!this.link.isBusy()) {
      void this.resume('goAway');
      return;
    }
    this.resumeWhenIdle = true;
    this.goAwayTimer = setTimeout(
      () => void this.resume('goAway deadline'),
      Math.max(0, timeLeftMs - GO_AWAY_MARGIN_MS),
    );
  }

  private async resume(reason: string): Promise<void> {
    if (this.state !== 'ready') return;
    this.resumeWhenIdle = false;
    if (this.goAwayTimer) clearTimeout(this.goAwayTimer);
    if (!this.handle && !this.link.history) {
      this.fail('upstream.error', `the scene partner's connection ended (${reason}) and cannot be resumed`);
      return;
    }
    this.state = 'resuming';
    this.link.onResuming?.();
    const old = this.upstream;
    for (let attempt = 0; attempt < MAX_RESUME_ATTEMPTS; attempt++) {
      const delayMs = RESUME_BACKOFF_MS[attempt] ?? 1_000;
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.state !== 'resuming') return;
      try {
        // The last try (or any without a handle) starts fresh with the scene so far, when the session can.
        const fresh = !this.handle || (attempt === MAX_RESUME_ATTEMPTS - 1 && this.link.history !== undefined);
        const next = fresh ? await this.openFresh() : await this.open();
        if (this.state !== 'resuming') {
          next.close();
          return;
        }
        old?.close();
        this.use(next);
        this.state = 'ready';
        this.content.reset();
        this.resumes++;
        this.link.logger.info('upstream resumed', { reason, attempt });
        this.link.onResumed?.(next);
        return;
      } catch (error) {
        this.link.logger.warn('upstream resume failed', { reason, attempt, error });
        // Live refused the handle itself (policy close): trying it again only adds backoff; go fresh next.
        if (this.link.history && isHandleRefused(error)) this.handle = undefined;
      }
    }
    old?.close();
    this.fail('upstream.unavailable', `the scene partner could not be reconnected after ${reason}; start a new scene`);
  }

  private fail(code: ErrorCode, message: string): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'failed';
    this.link.onFailed(code, message);
  }
}

/**
 * Live refuses a resumption handle by closing the setup: 1008 (policy: unknown or expired handle) and, as reported
 * of the real service, 1007 (invalid argument: a malformed or foreign handle). Either way trying it again only adds
 * backoff: the next attempt goes fresh with the scene so far.
 */
export function isHandleRefused(error: unknown): boolean {
  return /\(code 100[78]\)|resumption handle/i.test(error instanceof Error ? error.message : String(error));
}

export function toAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('upstream.unavailable', String(error));
}
