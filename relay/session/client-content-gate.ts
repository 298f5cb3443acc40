// When client content (a stage direction, a fresh start's history) may go to gemini-3.8-live without touching the
// partner. The model's rules (docs/models.md): `turnComplete: true` cuts any reply in progress, and content without
// it makes the server wait for more before answering. So directions go without turnComplete, and only at a turn
// boundary: never between the player's activityEnd and the end of the reply it is owed (sent there, the reply
// would wait until the player spoke again). In that window they queue, in order, and go when the reply ends.
import type { Upstream, UpstreamTextTurn } from '../live/upstream.js';

export class ClientContentGate {
  /** activityEnd sent, its reply not ended (turnComplete) yet. */
  private replyOwed = false;
  /** Audio or transcript of the owed reply has arrived: it has begun. */
  private replyBegun = false;
  private readonly queued: UpstreamTextTurn[] = [];

  constructor(private readonly upstream: () => Upstream | null) {}

  get pending(): number {
    return this.queued.length;
  }

  /** A reply is owed to the player (activityEnd sent, its turnComplete not yet in). */
  get awaitingReply(): boolean {
    return this.replyOwed;
  }

  /** Sends now at a turn boundary, else queues for the end of the owed reply. */
  send(turns: UpstreamTextTurn[]): void {
    this.queued.push(...turns);
    if (!this.replyOwed) this.flush();
  }

  /** The player's turn ended upstream (activityEnd): a reply is owed from here. */
  activityEnded(): void {
    this.replyOwed = true;
    this.replyBegun = false;
  }

  /** The player starts speaking. An owed reply that never began is not coming (a barge-in supersedes it). */
  activityStarting(): void {
    if (this.replyOwed && !this.replyBegun) {
      this.replyOwed = false;
      this.flush();
    }
  }

  /** Audio or transcript of the model's reply arrived. */
  replyActivity(): void {
    if (this.replyOwed) this.replyBegun = true;
  }

  /** The model's turn ended (turnComplete): a boundary. */
  turnEnded(): void {
    this.replyOwed = false;
    this.flush();
  }

  /** A new upstream (resumed or fresh) owes nothing: it never heard the old one's activityEnd. */
  reset(): void {
    this.replyOwed = false;
    this.replyBegun = false;
    this.flush();
  }

  /** The upstream's sending surface with activityStart/End reported here, for PlayerUplink. */
  wrap(upstream: Upstream): Upstream {
    return {
      sendAudio: (pcm) => upstream.sendAudio(pcm),
      activityStart: () => {
        this.activityStarting();
        upstream.activityStart();
      },
      activityEnd: () => {
        upstream.activityEnd();
        this.activityEnded();
      },
      sendClientContent: (turns, turnComplete) => {
        // turnComplete:true would cut the partner and force a reply: only ever sent deliberately, directly.
        if (turnComplete) upstream.sendClientContent(turns, true);
        else this.send(turns);
      },
      close: () => upstream.close(),
    };
  }

  private flush(): void {
    if (this.queued.length === 0) return;
    const upstream = this.upstream();
    if (!upstream) return;
    upstream.sendClientContent(this.queued.splice(0), false);
  }
}
