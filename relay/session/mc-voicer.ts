// The MC's lines voiced: synthesis of each line in pieces (the MC's TTS model and voice, cached, bounded, cancelled
// with the session) and their playback on the downlink as MC turns (mc-speaker.ts), each line stored as an MC turn
// in the TurnLog when it ends. A line whose first piece does not come stays text only; nothing here throws.
import type { GoogleGenAI } from '@google/genai';
import type { Logger } from '../log.js';
import { type McSpeech, splitForSpeech, synthesizeMcSpeechCached } from '../stage/mc-voice.js';
import { type McPlaybackOutcome, McSpeaker } from './mc-speaker.js';
import type { PartnerDownlink, PartnerTurn } from './partner-downlink.js';
import type { TurnLog } from './turn-log.js';

const MAX_MC_TURN_IDS = 8;

export interface McVoicerDeps {
  /** The TTS client; null when the MC has no voice here (no text model, or ttsModel null). */
  ai: GoogleGenAI | null;
  ttsModel: string;
  timeoutMs?: number;
  voiceName: string;
  downlink?: PartnerDownlink;
  turns?: TurnLog;
  /** `partner.end` for a line that played to its end. */
  onLineEnd: (turnId: number) => void;
  logger: Logger;
  /** The session's: aborting it cancels synthesis and stops playback. */
  signal: AbortSignal;
}

export class McVoicer {
  private readonly speaker: McSpeaker | null;
  /** Downlink turns the MC voiced (their playback.started is not a partner's voice-to-voice). */
  private readonly mcTurnIds: number[] = [];
  /** The intro's downlink turn, once it started. */
  introTurn: PartnerTurn | null = null;

  constructor(private readonly deps: McVoicerDeps) {
    const { downlink } = deps;
    this.speaker = downlink ? new McSpeaker({ downlink, onLineEnd: (turn) => deps.onLineEnd(turn.turnId) }) : null;
  }

  isMcTurn(turnId: number): boolean {
    return this.mcTurnIds.includes(turnId);
  }

  /** The line's speech, one request per piece (splitForSpeech), all sent at once. */
  synthesize(text: string): Promise<McSpeech>[] {
    const { ai } = this.deps;
    if (!ai || !this.speaker) return [Promise.resolve({ ok: false, reason: 'the MC has no voice on this relay' })];
    return splitForSpeech(text).map((piece) =>
      synthesizeMcSpeechCached(ai, piece, {
        model: this.deps.ttsModel,
        voiceName: this.deps.voiceName,
        timeoutMs: this.deps.timeoutMs,
        signal: this.deps.signal,
      }),
    );
  }

  /**
   * Plays the line's speech (if it came and is still wanted) and ends the TurnLog's MC line `lineId` (from
   * mcStarted) when it ends.
   */
  async voice(
    line: 'intro' | 'outro',
    lineId: number | undefined,
    speech: Promise<McSpeech>[],
    stillWanted: () => boolean,
  ): Promise<McPlaybackOutcome | 'unvoiced'> {
    const { turns, logger, signal } = this.deps;
    // The first piece decides: without it the line stays text only; a later piece that fails ends it early.
    const first = await (speech[0] ?? Promise.resolve<McSpeech>({ ok: false, reason: 'nothing to say' }));
    if (!first.ok || signal.aborted || !stillWanted() || !this.speaker) {
      if (!first.ok) logger.info('MC line not voiced', { line, reason: first.reason });
      if (lineId !== undefined) turns?.mcEnded(lineId, false);
      return 'unvoiced';
    }
    let durationMs = 0;
    const pieces = speech.map((piece, index) =>
      piece.then((result) => {
        if (!result.ok) {
          logger.info('MC line cut short', { line, piece: index, reason: result.reason });
          return null;
        }
        durationMs += result.durationMs;
        return result.pcm;
      }),
    );
    const playback = await this.speaker.play(pieces, {
      signal,
      onStart: (turn) => {
        this.mcTurnIds.push(turn.turnId);
        if (this.mcTurnIds.length > MAX_MC_TURN_IDS) this.mcTurnIds.shift();
        if (lineId !== undefined) turns?.mcVoiced(lineId, turn);
        if (line === 'intro') this.introTurn = turn;
      },
    });
    logger.info('MC line voiced', { line, outcome: playback.outcome, durationMs: Math.round(durationMs) });
    if (lineId !== undefined) turns?.mcEnded(lineId, playback.outcome === 'cut');
    return playback.outcome;
  }
}
