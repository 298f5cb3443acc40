// Taking a scene over from the store: its relay instance died or shut down, and the browser's resume landed
// here (Cloud Run affinity is best effort). The stored session gives the game, suggestion, voices, turns and
// the Live resumption handle; the scene continues with the same turns and the same upstream context.
import type { ErrorCode } from '../../shared/errors.js';
import type { TranscriptLine } from '../stage/coach.js';
import type { TurnBudget } from '../stage/phases.js';
import { StageScene } from '../stage/stage-scene.js';
import type { SessionStore, StoredSession, StoredTurn } from '../store/session-store.js';
import type { SessionTakeover } from './session.js';

/** What takeover reads: the store's two reads. */
export type TakeoverStore = Pick<SessionStore, 'getSession' | 'getTurns'>;

export interface LoadedScene {
  stored: StoredSession;
  stage: StageScene;
  takeover: SessionTakeover;
  resumptionHandle: string | undefined;
}

export type TakeoverResult = { ok: true; scene: LoadedScene } | { ok: false; code: ErrorCode; message: string };

/** The browser retries its resume meanwhile; a stuck read must not hold its connection for long. */
const LOAD_TIMEOUT_MS = 5_000;

const NOT_FOUND = (sessionId: string): TakeoverResult => ({
  ok: false,
  code: 'session.not_found',
  message: `session ${sessionId} does not exist or has ended; start a new scene`,
});

/**
 * Loads a stored scene for `userId`. Someone else's session, an ended one and a missing one all read as
 * not found (the error must not confirm that an id exists). Store trouble is `store.unavailable`: the browser
 * keeps retrying its resume.
 */
export async function loadSceneForTakeover(
  store: TakeoverStore,
  sessionId: string,
  userId: string | undefined,
  budget: Partial<TurnBudget> | undefined,
): Promise<TakeoverResult> {
  let stored: StoredSession | null;
  let turns: StoredTurn[];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS);
  });
  try {
    [stored, turns] = await Promise.race([
      Promise.all([store.getSession(sessionId), store.getTurns(sessionId)]),
      timeout,
    ]);
  } catch (error) {
    return {
      ok: false,
      code: 'store.unavailable',
      message: `the scene could not be loaded (${String(error).slice(0, 200)}); retrying`,
    };
  } finally {
    clearTimeout(timer);
  }
  if (stored?.status !== 'active' || stored.ownerId !== (userId ?? stored.ownerId)) {
    return NOT_FOUND(sessionId);
  }
  const transcript: TranscriptLine[] = turns
    .filter((turn) => turn.text.trim() !== '' && !(turn.speaker === 'player' && turn.interrupted))
    .map((turn) => ({
      speaker: turn.speaker,
      text: turn.text,
      ...(turn.sentiment !== undefined ? { sentiment: turn.sentiment } : {}),
    }));
  // A player turn counts once the player finished it; one cut by a drop was cancelled (stored interrupted).
  const playerTurnsDone = turns.filter((turn) => turn.speaker === 'player' && !turn.interrupted).length;
  const stage = new StageScene({
    gameId: stored.game,
    suggestion: stored.scene?.suggestion,
    partnerVoice: stored.scene?.partnerVoice,
    mcVoice: stored.scene?.mcVoice,
    persona: stored.scene?.persona,
    audience: stored.scene?.audience,
    budget,
    playerTurnsDone,
  });
  const seqEnd = turns.reduce((max, turn) => Math.max(max, turn.seq + 1), 0);
  // The last answered line (turns come in seq order): a resend of it, or of an older one, is a duplicate.
  const lineAck = turns.findLast((turn) => turn.speaker === 'player' && turn.lineId !== undefined)?.lineId;
  return {
    ok: true,
    scene: {
      stored,
      stage,
      resumptionHandle: stored.resumptionHandle ?? undefined,
      takeover: {
        ...(lineAck !== undefined ? { lineAck } : {}),
        transcript,
        stored: {
          turnCount: Math.max(stored.turnCount, seqEnd),
          usage: {
            inputAudioTokens: stored.usage.inputAudioTokens,
            outputAudioTokens: stored.usage.outputAudioTokens,
            textTokens: stored.usage.textTokens,
          },
          reconnects: stored.quality.reconnects,
          expireAt: stored.expireAt,
        },
      },
    },
  };
}
