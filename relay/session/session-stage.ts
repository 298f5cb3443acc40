// The improv stage around one session's scene: scene.state to the browser, stage directions to the partner on
// phase changes, the MC's lines (text at once, then voiced down the downlink), the audience after each exchange
// and the coach at the end. The model calls (audience, coach, the MC's TTS) run off the audio path: nothing here
// is awaited by a frame or control handler.
import type { GoogleGenAI } from '@google/genai';
import { roomSentiment } from '../../shared/cast.js';
import { DEFAULT_MC_VOICE, DEFAULT_PARTNER_VOICE, LiveVoiceName } from '../../shared/games.js';
import type { RelayMessage } from '../../shared/protocol.js';
import type { CoachFeedback, ScenePhase } from '../../shared/stage.js';
import type { UpstreamTextTurn } from '../live/upstream.js';
import type { Logger } from '../log.js';
import { rateExchange } from '../stage/audience.js';
import { coachScene, fallbackFeedback, type TranscriptLine } from '../stage/coach.js';
import { type McSpeech, ttsModelFromEnv } from '../stage/mc-voice.js';
import { STAGE_DIRECTION_PREFIX } from '../stage/phases.js';
import type { StageScene } from '../stage/stage-scene.js';
import type { SceneSetupRecord } from '../store/session-store.js';
import { McVoicer } from './mc-voicer.js';
import type { PartnerDownlink } from './partner-downlink.js';
import type { TurnLog } from './turn-log.js';
import type { FreshStartReason } from './upstream-link.js';

/** The text model the audience and the coach use: the same @google/genai client config as the Live upstream. */
export interface StageServices {
  ai: GoogleGenAI;
  textModel: string;
  /** Bounds the wait for the coach before session.ended (the player is looking at a spinner). Default 12 s. */
  coachTimeoutMs?: number;
  audienceTimeoutMs?: number;
  /** The MC's text-to-speech model; null keeps the MC text only. Omitted: GEMINI_TTS_MODEL (ttsModelFromEnv). */
  ttsModel?: string | null;
  /** Bounds one MC synthesis; past it the line stays text only. Default DEFAULT_MC_VOICE_TIMEOUT_MS. */
  mcVoiceTimeoutMs?: number;
}

export const DEFAULT_COACH_WAIT_MS = 12_000;
/**
 * The scene's text told to a fresh upstream (its handle refused, or a context rotation), newest lines first until
 * this many characters (~3,000 tokens): a 10-minute scene's whole transcript (~40 exchanges) fits.
 */
const HISTORY_MAX_CHARS = 12_000;
/** streamIds of the MC's transcript entries (speaker 'mc', so they never collide with partner turns). */
const MC_INTRO_STREAM_ID = 0;
const MC_OUTRO_STREAM_ID = 1;
/** After the outro's last frame, its tail is still in the browser's jitter buffer: let it play before the report. */
const OUTRO_TAIL_MS = 300;

export interface SessionStageDeps {
  scene: StageScene;
  services?: StageServices;
  send: (message: RelayMessage) => void;
  /** Client content to the current upstream; false when there is none right now (reconnecting). */
  sendUpstream: (turns: UpstreamTextTurn[]) => boolean;
  onPhase: (phase: ScenePhase) => void;
  logger: Logger;
  /** The session's downlink (the MC speaks through it). */
  downlink?: PartnerDownlink;
  /** The session's turn log (MC and audience lines are turns too). */
  turns?: TurnLog;
  /** The player is mid-utterance: a late intro stays unvoiced rather than talk over them. */
  playerSpeaking?: () => boolean;
  /** `partner.end` for an MC line that played to its end. */
  onMcLineEnd?: (turnId: number) => void;
}

export class SessionStage {
  /** The scene's lines for the coach (player, partner, audience), in order. */
  private readonly transcript: TranscriptLine[] = [];
  /** The last stage direction sent upstream (the phase of the arc), told again to a fresh upstream. */
  private lastDirection: string | null = null;
  private readonly sentiments: number[] = [];
  private readonly abort = new AbortController();
  /** Audience calls in flight; the end of the scene waits for them (each is bounded by its timeout). */
  private readonly pending = new Set<Promise<void>>();
  private readonly mc: McVoicer;
  private introSpeech: Promise<McSpeech>[] | null = null;
  private liveAtMs: number | null = null;
  private introSkipped = false;

  constructor(private readonly deps: SessionStageDeps) {
    const services = deps.services;
    const ttsModel = services?.ttsModel === undefined ? ttsModelFromEnv() : services.ttsModel;
    this.mc = new McVoicer({
      ai: services && ttsModel !== null ? services.ai : null,
      ttsModel: ttsModel ?? '',
      timeoutMs: services?.mcVoiceTimeoutMs,
      voiceName: voiceOrDefault(deps.scene.mcVoice, DEFAULT_MC_VOICE),
      downlink: deps.downlink,
      turns: deps.turns,
      onLineEnd: (turnId) => deps.onMcLineEnd?.(turnId),
      logger: deps.logger,
      signal: this.abort.signal,
    });
  }

  get scene(): StageScene {
    return this.deps.scene;
  }

  get phase(): ScenePhase {
    return this.deps.scene.state.phase;
  }

  /** The suggestion and voices, stored so another relay instance can take the scene over. */
  setupRecord(): SceneSetupRecord {
    const { scene } = this.deps;
    return {
      suggestion: scene.suggestion,
      partnerVoice: scene.partnerVoice,
      mcVoice: scene.mcVoice,
      persona: scene.persona.id,
      audience: scene.audience.id,
    };
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

  /** Starts synthesizing the intro (call it while the upstream connects: the intro is ready sooner). */
  prepareIntro(): void {
    this.introSpeech ??= this.mc.synthesize(this.deps.scene.introText());
  }

  /**
   * The MC's intro: a transcript entry at once, then its voice as an MC turn on the downlink when the speech is
   * ready, unless the scene has moved on by then (the player spoke, the partner is talking).
   */
  sendIntro(): void {
    const text = this.deps.scene.introText();
    this.liveAtMs = performance.now();
    this.deps.send({ type: 'transcript', speaker: 'mc', streamId: MC_INTRO_STREAM_ID, text, final: true });
    const turns = this.deps.turns;
    const lineId = turns?.mcStarted(text);
    this.prepareIntro();
    const stillWanted = () =>
      (lineId === undefined || turns?.mcLineOpen(lineId) === true) &&
      this.deps.scene.state.playerTurns === 0 &&
      !this.introSkipped &&
      !(this.deps.playerSpeaking?.() ?? false);
    void this.mc.voice('intro', lineId, this.introSpeech!, stillWanted).then(() => {
      const firstFrameAtMs = this.mc.introTurn?.firstFrameAtMs;
      if (firstFrameAtMs == null || this.liveAtMs === null) return;
      this.deps.logger.info('MC intro timing', { liveToFirstFrameMs: Math.round(firstFrameAtMs - this.liveAtMs) });
    });
  }

  /** The player skipped the intro: it is never voiced from now on (the session cuts it if it is playing). */
  skipIntro(): void {
    this.introSkipped = true;
  }

  /** Session live → the intro's first frame sent, in ms; null until the intro is heard on the downlink. */
  get introFirstFrameMs(): number | null {
    const firstFrameAtMs = this.mc.introTurn?.firstFrameAtMs ?? null;
    if (firstFrameAtMs === null || this.liveAtMs === null) return null;
    return Math.round(firstFrameAtMs - this.liveAtMs);
  }

  /** The downlink turn was the MC's (so the browser's playback.started for it is not a partner reply's). */
  isMcTurn(turnId: number): boolean {
    return this.mc.isMcTurn(turnId);
  }

  /** A player turn completed. Returns true when this turn used up the scene's budget. */
  playerTurnEnded(): boolean {
    const update = this.deps.scene.playerTurnEnded();
    this.sendState();
    if (update.stageDirectionText) {
      this.lastDirection = update.stageDirectionText;
      const sent = this.deps.sendUpstream([{ role: 'user', parts: [{ text: update.stageDirectionText }] }]);
      // A resumed upstream keeps the context it had; the next phase change carries the scene on.
      if (!sent) this.deps.logger.warn('stage direction not sent: no upstream right now', { phase: update.phase });
    }
    if (update.stageDirectionText || update.ended) this.deps.onPhase(update.phase);
    return update.ended;
  }

  /**
   * A line of the scene for the coach (and a fresh upstream's history). The MC's lines are the show's, not the
   * scene's: left out. A stored audience line with its sentiment counts toward the room's mood again.
   */
  addLine(line: TranscriptLine): void {
    if (line.speaker === 'mc') return;
    this.transcript.push({ speaker: line.speaker, text: line.text });
    if (line.speaker === 'audience' && line.sentiment !== undefined) this.sentiments.push(line.sentiment);
  }

  /**
   * The scene so far as one stage direction, for a fresh upstream that could not resume (its handle was
   * refused): the partner continues the scene instead of starting over. Empty before any line.
   */
  historyForFreshUpstream(why: FreshStartReason = 'refused', open: readonly TranscriptLine[] = []): UpstreamTextTurn[] {
    const all = [...this.transcript, ...open]
      .filter((line) => line.speaker === 'player' || line.speaker === 'partner')
      .map((line) => `${line.speaker === 'player' ? 'Player' : 'You'}: ${line.text}`);
    const lines: string[] = [];
    let chars = 0;
    for (let index = all.length - 1; index >= 0 && chars + all[index]!.length <= HISTORY_MAX_CHARS; index--) {
      lines.unshift(all[index]!);
      chars += all[index]!.length + 1;
    }
    if (lines.length === 0) return [];
    const opening = why === 'rotation' ? 'The scene goes on.' : 'The connection was restored mid-scene.';
    const earlier = lines.length < all.length ? ' (its earliest lines left out)' : '';
    // The phase's direction (the arc: support, fallible, closing) is part of the context a fresh session lacks.
    const direction = this.lastDirection ? `${this.lastDirection}\n` : '';
    const text =
      `${direction}${STAGE_DIRECTION_PREFIX} ${opening} The scene so far${earlier}, most recent last:\n` +
      `${lines.join('\n')}\nContinue the same scene from here; do not repeat lines or restart it.`;
    return [{ role: 'user', parts: [{ text }] }];
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
      // The room the player chose: a skeptical one cools faster and warms slower than a mixed crowd.
      reaction.sentiment = roomSentiment(this.deps.scene.audience, reaction.sentiment);
      this.sentiments.push(reaction.sentiment);
      this.transcript.push({ speaker: 'audience', text: reaction.reaction });
      const mood = this.mood();
      this.deps.send({
        type: 'audience.reaction',
        turnSeq,
        sentiment: reaction.sentiment,
        reaction: reaction.reaction,
        mood,
      });
      this.deps.turns?.audienceReacted({ reaction: reaction.reaction, sentiment: reaction.sentiment, mood });
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
   * The scene is over: phase `ended`, the MC's outro (text, then its voice played out), and the coach's review
   * (asked at once, so it runs while the outro plays; bounded, a fallback when it fails, times out or the relay
   * shuts down). Resolves with the report to send before session.ended, after the outro.
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
    const outro = scene.outroText(this.sentiments);
    this.deps.send({ type: 'transcript', speaker: 'mc', streamId: MC_OUTRO_STREAM_ID, text: outro, final: true });
    const outroLine = this.deps.turns?.mcStarted(outro);
    const coach = this.coach();
    const outcome = await this.mc.voice('outro', outroLine, this.mc.synthesize(outro), () => true);
    if (outcome === 'played') await delay(OUTRO_TAIL_MS);
    const report = await coach;
    // Pending audience calls would only land after the scene: drop them.
    this.abort.abort();
    return report;
  }

  private coach(): Promise<CoachFeedback> {
    const { scene, services } = this.deps;
    if (!services) return Promise.resolve(fallbackFeedback(scene.game, 'no text model is configured on this relay'));
    return coachScene(
      services.ai,
      { game: scene.game, suggestion: scene.suggestion, transcript: this.transcript },
      {
        model: services.textModel,
        timeoutMs: services.coachTimeoutMs ?? DEFAULT_COACH_WAIT_MS,
        signal: this.abort.signal,
      },
    );
  }

  /** Session closing (or relay shutting down): cancel the text-model calls still in flight. */
  dispose(): void {
    this.abort.abort();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function voiceOrDefault(name: string, fallback: LiveVoiceName): LiveVoiceName {
  const parsed = LiveVoiceName.safeParse(name);
  return parsed.success ? parsed.data : fallback;
}
