// Per-player and fleet-wide limits per UTC day, kept in Firestore so every relay instance enforces the same
// numbers (issue #11): scenes a day per player (SCENES_PER_DAY), audio minutes a day per player
// (AUDIO_MINUTES_PER_DAY) and the fleet's estimated spend a day (DAILY_BUDGET_USD). A new scene is admitted by
// claiming the player's next numbered scene slot with a create (which fails if the slot exists), so two instances
// cannot both admit a player's 11th scene. Usage (the player's speech, the scene's tokens at list price) is added when the
// scene ends or is handed off; a scene in progress is bounded by the scene length limit, not cut mid-line.
//
// Documents: usage_days/{day}/players/{userId} {scenes, audioSeconds} (+ slots/{n}) and usage_days/{day}/spend/{shard}
// {costUsd}; the spend is spread over SPEND_SHARDS documents (Firestore sustains about one write a second per
// document; scenes end across the whole fleet). Both expire with the day's `expireAt` (a TTL policy in infra).
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import type { ErrorCode } from '../../shared/errors.js';
import { authModeFromEnv } from '../auth/auth-mode.js';
import type { Logger } from '../log.js';
import type {
  SessionEndedEvent,
  SessionObserver,
  SessionStartedEvent,
  TurnEndedEvent,
  UsageEvent,
} from '../session/observer.js';
import { addUsage, estimateCostUsd, noUsage, priceFor } from '../store/pricing.js';
import type { UsageTotals } from '../store/session-store.js';
import { nonNegativeNumber } from './config.js';

export const USAGE_COLLECTION = 'usage_days';
export const SPEND_SHARDS = 8;
/** A hello waits at most this long on the day's limits (the browser's own connect deadline is longer). */
const ADMIT_TIMEOUT_MS = 4_000;
/** gRPC status ALREADY_EXISTS: the slot another admission created first. */
const ALREADY_EXISTS = 6;
/** Usage documents are kept this long, then Firestore's TTL deletes them. */
const USAGE_RETENTION_DAYS = 35;

export interface DailyLimitSettings {
  /** New scenes a player may start per UTC day (SCENES_PER_DAY); 0 = no limit. */
  scenesPerDay: number;
  /** Minutes a player may speak per UTC day (AUDIO_MINUTES_PER_DAY); 0 = no limit. */
  audioMinutesPerDay: number;
  /** The fleet's estimated spend per UTC day at list price (DAILY_BUDGET_USD); 0 = no limit. */
  dailyBudgetUsd: number;
}

export const DEFAULT_DAILY_LIMITS: DailyLimitSettings = { scenesPerDay: 10, audioMinutesPerDay: 60, dailyBudgetUsd: 0 };

type Env = Record<string, string | undefined>;

export function dailyLimitsFromEnv(env: Env): DailyLimitSettings {
  // Per-player limits mean something for signed-in players; an anonymous identity is a cookie a browser can drop,
  // and offline (designers, tests) a day's scenes should not run out. Set explicitly, they apply in any mode.
  const signedIn = authModeFromEnv(env) === 'google';
  const d = DEFAULT_DAILY_LIMITS;
  return {
    scenesPerDay: nonNegativeNumber(env, 'SCENES_PER_DAY', signedIn ? d.scenesPerDay : 0),
    audioMinutesPerDay: nonNegativeNumber(env, 'AUDIO_MINUTES_PER_DAY', signedIn ? d.audioMinutesPerDay : 0),
    dailyBudgetUsd: nonNegativeNumber(env, 'DAILY_BUDGET_USD', d.dailyBudgetUsd),
  };
}

export interface Refusal {
  code: ErrorCode;
  message: string;
}

/** The UTC day a moment belongs to, as YYYY-MM-DD. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The next UTC midnight, in words for the refusal ("resets at 00:00 UTC, in 3 h 12 min"). */
export function resetsIn(at: Date): string {
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  const minutes = Math.max(1, Math.ceil((midnight - at.getTime()) / 60_000));
  const hours = Math.floor(minutes / 60);
  return `resets at midnight UTC, in ${hours > 0 ? `${hours} h ` : ''}${minutes % 60} min`;
}

export class DailyLimits {
  constructor(
    private readonly db: Firestore,
    private readonly settings: DailyLimitSettings,
    private readonly options: { logger?: Logger; now?: () => Date } = {},
  ) {}

  /** False when every limit is off: nothing to read or count per scene. */
  get active(): boolean {
    const { scenesPerDay, audioMinutesPerDay, dailyBudgetUsd } = this.settings;
    return scenesPerDay > 0 || audioMinutesPerDay > 0 || dailyBudgetUsd > 0;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private day(at: Date) {
    return this.db.collection(USAGE_COLLECTION).doc(utcDay(at));
  }

  private expireAt(at: Date): Date {
    return new Date(at.getTime() + USAGE_RETENTION_DAYS * 86_400_000);
  }

  /**
   * Admits a new scene for this player (undefined: a relay without identities; only the fleet budget applies) and
   * counts it, or says which limit refuses it and when it resets. Firestore unreachable refuses nothing: the
   * store's own readiness reports that, and limits must not turn a blip into an outage.
   */
  async admit(userId: string | undefined): Promise<Refusal | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger?.warn('daily limits: no answer from Firestore in time; admitting the scene');
        resolve(null);
      }, ADMIT_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.admitNow(userId), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async admitNow(userId: string | undefined): Promise<Refusal | null> {
    const at = this.now();
    const { scenesPerDay, audioMinutesPerDay, dailyBudgetUsd } = this.settings;
    if (dailyBudgetUsd <= 0 && (userId === undefined || (scenesPerDay <= 0 && audioMinutesPerDay <= 0))) return null;
    const day = this.day(at);
    try {
      if (dailyBudgetUsd > 0) {
        const shards = await day.collection('spend').get();
        const spent = shards.docs.reduce((sum, doc) => sum + Number(doc.get('costUsd') ?? 0), 0);
        if (spent >= dailyBudgetUsd) {
          return {
            code: 'limit.daily_budget',
            message: `the stage has used today’s budget; new scenes open again when it ${resetsIn(at)}`,
          };
        }
      }
      if (userId === undefined) return null;
      const player = day.collection('players').doc(userId);
      const snapshot = await player.get();
      const audioSeconds = Number(snapshot.get('audioSeconds') ?? 0);
      if (audioMinutesPerDay > 0 && audioSeconds >= audioMinutesPerDay * 60) {
        return {
          code: 'limit.audio_minutes',
          message: `you have used today’s ${audioMinutesPerDay} minutes of speaking time; it ${resetsIn(at)}`,
        };
      }
      if (scenesPerDay > 0 && !(await this.claimSceneSlot(player, Number(snapshot.get('scenes') ?? 0), at))) {
        return {
          code: 'limit.scenes_per_day',
          message: `you have played your ${scenesPerDay} scenes for today; the count ${resetsIn(at)}`,
        };
      }
      return null;
    } catch (error) {
      this.options.logger?.warn('daily limits: Firestore unreachable; admitting the scene', { error: String(error) });
      return null;
    }
  }

  /**
   * Each admitted scene creates the next numbered slot document (slots/1, slots/2, …); `create` fails when the slot
   * exists, so two instances admitting the same player at once cannot both take the last one (a precondition,
   * which every Firestore and emulator enforces, unlike transaction isolation). False once all are taken.
   */
  private async claimSceneSlot(
    player: FirebaseFirestore.DocumentReference,
    counted: number,
    at: Date,
  ): Promise<boolean> {
    const expireAt = this.expireAt(at);
    for (let slot = counted + 1; slot <= this.settings.scenesPerDay; slot++) {
      try {
        await player.collection('slots').doc(String(slot)).create({ at, expireAt });
      } catch (error) {
        if ((error as { code?: number }).code === ALREADY_EXISTS) continue;
        throw error;
      }
      await player.set({ scenes: FieldValue.increment(1), expireAt }, { merge: true });
      return true;
    }
    return false;
  }

  /** Adds a finished (or handed-off) scene's usage to its player's day and the fleet's spend. */
  async record(userId: string | undefined, usage: { audioSeconds: number; costUsd: number }): Promise<void> {
    const at = this.now();
    const day = this.day(at);
    const expireAt = this.expireAt(at);
    const writes: Promise<unknown>[] = [];
    if (userId !== undefined && usage.audioSeconds > 0) {
      writes.push(
        day
          .collection('players')
          .doc(userId)
          .set({ audioSeconds: FieldValue.increment(usage.audioSeconds), expireAt }, { merge: true }),
      );
    }
    if (usage.costUsd > 0) {
      const shard = String(Math.floor(Math.random() * SPEND_SHARDS));
      writes.push(
        day
          .collection('spend')
          .doc(shard)
          .set({ costUsd: FieldValue.increment(usage.costUsd), expireAt }, { merge: true }),
      );
    }
    await Promise.all(writes);
  }

  /** An observer that adds each scene's usage when it ends or leaves this instance. */
  usageObserver(model: string): SessionObserver {
    const scenes = new Map<
      string,
      {
        ownerId: string | undefined;
        audioMs: number;
        tokens: UsageTotals;
      }
    >();
    const sceneOf = (sessionId: string) => {
      let scene = scenes.get(sessionId);
      if (!scene) {
        // Taken over from another instance: its owner is not in the event; the fleet's spend still counts.
        scene = {
          ownerId: undefined,
          audioMs: 0,
          tokens: noUsage(),
        };
        scenes.set(sessionId, scene);
      }
      return scene;
    };
    const flush = (sessionId: string) => {
      const scene = scenes.get(sessionId);
      scenes.delete(sessionId);
      if (!scene) return;
      const costUsd = estimateCostUsd(scene.tokens, priceFor(model));
      void this.record(scene.ownerId, { audioSeconds: scene.audioMs / 1000, costUsd }).catch((error: unknown) =>
        this.options.logger?.warn('daily limits: usage not recorded', { sessionId, error: String(error) }),
      );
    };
    return {
      onSessionStarted: (event: SessionStartedEvent) => {
        sceneOf(event.sessionId).ownerId = event.ownerId;
      },
      onTurnEnded: (event: TurnEndedEvent) => {
        if (event.speaker !== 'player' || event.cancelled) return;
        sceneOf(event.sessionId).audioMs += Math.max(0, event.endedAt.getTime() - event.startedAt.getTime());
      },
      onUsage: (event: UsageEvent) => {
        const scene = sceneOf(event.sessionId);
        scene.tokens = addUsage(scene.tokens, event.usage);
      },
      onSessionEnded: (event: SessionEndedEvent) => flush(event.sessionId),
      onSessionHandedOff: (sessionId: string) => flush(sessionId),
    };
  }
}
