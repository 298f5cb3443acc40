// The improv stage around one session's scene: scene.state to the browser, stage directions to the partner on
// phase changes, the MC's lines, the audience after each exchange and the coach at the end. The text-model
// calls (audience, coach) run off the audio path: nothing here is awaited by a frame or control handler.
import type { GoogleGenAI } from '@google/genai';
import { DEFAULT_MC_VOICE, DEFAULT_PARTNER_VOICE, LiveVoiceName } from '../../shared/games.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { CoachFeedback, ScenePhase } from '../../shared/stage.js';
import type { UpstreamTextTurn } from '../live/upstream.js';
import type { Logger } from '../log.js';
import { rateExchange } from '../stage/audience.js';
import { coachScene, fallbackFeedback, type TranscriptLine } from '../stage/coach.js';
import type { StageScene } from '../stage/stage-scene.js';

/** The text model the audience and the coach use: the same @google/genai client config as the Live upstream. */
export interface StageServices {
  ai: GoogleGenAI;
  textModel: string;
  /** Bounds the wait for the coach before session.ended (the player is looking at a spinner). Default 12 s. */
  coachTimeoutMs?: number;
  audienceTimeoutMs?: number;
}

export const DEFAULT_COACH_WAIT_MS = 12_000;
/** streamIds of the MC's transcript entries (speaker 'mc', so they never collide with partner turns). */
const MC_INTRO_STREAM_ID = 0;
const MC_OUTRO_STREAM_ID = 1;

export interface SessionStageDeps {
  scene: StageScene;
  services?: StageServices;
  send: (message: RelayMessage) => void;
  /** Client content to the current upstream; false when there is none right now (reconnecting). */
  sendUpstream: (turns: UpstreamTextTurn[]) => boolean;
  onPhase: (phase: ScenePhase) => void;
  logger: Logger;
}

export class SessionStage {
  /** The scene's lines for the coach (player, partner, audience), in order. */
  private readonly transcript: TranscriptLine[] = [];
  private readonly sentiments: number[] = [];
  private readonly abort = new AbortController();
  /** Audience calls in flight; the end of the scene waits for them (each is bounded by its timeout). */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: SessionStageDeps) {}

  get scene(): StageScene {
    return this.deps.scene;
  }

  get phase(): ScenePhase {
    return this.deps.scene.state.phase;
  }

  sendState(): void {
    const { scene } = this.deps;
    this.deps.send({
      type: 'scene.state',
      game: scene.game.id,
      suggestion: scene.suggestion,
      phase: scene.state.phase,
      playerTurns: scene.state.playerTurns,
      turnBudget: scene.state.budget.maxPlayerTurns,
      partnerVoice: voiceOrDefault(scene.partnerVoice, DEFAULT_PARTNER_VOICE),
      mcVoice: voiceOrDefault(scene.mcVoice, DEFAULT_MC_VOICE),
    });
  }

  /** The MC's intro as a transcript entry (voicing it with the MC voice is a later step). */
  sendIntro(): void {
    this.deps.send({
      type: 'transcript',
      speaker: 'mc',
      streamId: MC_INTRO_STREAM_ID,
      text: this.deps.scene.introText(),
      final: true,
    });
  }

  /** A player turn completed. Returns true when this turn used up the scene's budget. */
  playerTurnEnded(): boolean {
    const update = this.deps.scene.playerTurnEnded();
    this.sendState();
    if (update.stageDirectionText) {
      const sent = this.deps.sendUpstream([{ role: 'user', parts: [{ text: update.stageDirectionText }] }]);
      // A resumed upstream keeps the context it had; the next phase change carries the scene on.
      if (!sent) this.deps.logger.warn('stage direction not sent: no upstream right now', { phase: update.phase });
    }
    if (update.stageDirectionText || update.ended) this.deps.onPhase(update.phase);
    return update.ended;
  }

  addLine(line: TranscriptLine): void {
    this.transcript.push(line);
  }

  /** One exchange is over: the room reacts when the text model answers (never awaited by the caller). */
  exchangeDone(playerText: string, partnerText: string): void {
    const services = this.deps.services;
    if (!services || this.abort.signal.aborted) return;
    const turnSeq = this.deps.scene.state.playerTurns;
    const call = rateExchange(
      services.ai,
      { game: this.deps.scene.game, playerLine: playerText, partnerLine: partnerText },
      { model: services.textModel, timeoutMs: services.audienceTimeoutMs, signal: this.abort.signal },
    ).then((reaction) => {
      if (this.abort.signal.aborted) return;
      if (reaction.source === 'fallback')
        this.deps.logger.debug('audience fallback', { reason: reaction.fallbackReason });
      this.sentiments.push(reaction.sentiment);
      this.transcript.push({ speaker: 'audience', text: reaction.reaction });
      this.deps.send({
        type: 'audience.reaction',
        turnSeq,
        sentiment: reaction.sentiment,
        reaction: reaction.reaction,
        mood: this.mood(),
      });
    });
    this.pending.add(call);
    void call.finally(() => this.pending.delete(call));
  }

  /** The running room mood in [-1, 1]; 0 before any reaction. */
  mood(): number {
    if (this.sentiments.length === 0) return 0;
    const mean = this.sentiments.reduce((sum, value) => sum + value, 0) / this.sentiments.length;
    return Math.max(-1, Math.min(1, mean));
  }

  /**
   * The scene is over: phase `ended`, the MC's outro, then the coach's review (bounded; a fallback when it
   * fails, times out or the relay shuts down). Resolves with the report to send before session.ended.
   */
  async finish(): Promise<CoachFeedback> {
    const { scene } = this.deps;
    // The last exchange's reaction belongs to the scene (and to the outro's crowd line).
    await Promise.allSettled([...this.pending]);
    if (scene.state.phase !== 'ended') {
      scene.end();
      this.deps.onPhase('ended');
    }
    this.sendState();
    this.deps.send({
      type: 'transcript',
      speaker: 'mc',
      streamId: MC_OUTRO_STREAM_ID,
      text: scene.outroText(this.sentiments),
      final: true,
    });
    const services = this.deps.services;
    if (!services) return fallbackFeedback(scene.game, 'no text model is configured on this relay');
    const report = await coachScene(
      services.ai,
      { game: scene.game, suggestion: scene.suggestion, transcript: this.transcript },
      {
        model: services.textModel,
        timeoutMs: services.coachTimeoutMs ?? DEFAULT_COACH_WAIT_MS,
        signal: this.abort.signal,
      },
    );
    // Pending audience calls would only land after the scene: drop them.
    this.abort.abort();
    return report;
  }

  /** Session closing (or relay shutting down): cancel the text-model calls still in flight. */
  dispose(): void {
    this.abort.abort();
  }
}

function voiceOrDefault(name: string, fallback: LiveVoiceName): LiveVoiceName {
  const parsed = LiveVoiceName.safeParse(name);
  return parsed.success ? parsed.data : fallback;
}
