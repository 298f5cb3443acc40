// Live sessions that outlive their WebSocket connections: a resumption handle names one, and every
// handle issued for it stays valid, so a client that reconnects with any recent handle resumes.
import { randomBytes } from 'node:crypto';
import { ConversationContext } from './usage.js';

export class Conversation {
  /** Model turns started so far (interrupted ones count); picks the next scripted line. */
  turnCount = 0;
  readonly context = new ConversationContext();
  constructor(readonly id: string) {}
}

/** Handles are kept for this many conversations' worth of turns before the oldest are forgotten. */
const MAX_HANDLES = 20_000;

export class ConversationStore {
  private readonly byHandle = new Map<string, Conversation>();
  private nextId = 1;

  create(): Conversation {
    return new Conversation(`conversation-${this.nextId++}`);
  }

  find(handle: string): Conversation | undefined {
    return this.byHandle.get(handle);
  }

  issueHandle(conversation: Conversation): string {
    const handle = `emu-${randomBytes(12).toString('hex')}`;
    this.byHandle.set(handle, conversation);
    // Oldest first (Map keeps insertion order), as the real service expires old handles.
    if (this.byHandle.size > MAX_HANDLES) {
      const oldest = this.byHandle.keys().next().value;
      if (oldest !== undefined) this.byHandle.delete(oldest);
    }
    return handle;
  }
}
