// One session's stage, wiring the pure pieces together so the relay session holds a single object:
// game + suggestion + phase machine → partner config, MC lines, and the stage direction to send upstream.
// No I/O here: the session sends what this returns (Live client content) and calls audience/coach itself.
import type { LiveSendClientContentParameters } from '@google/genai';
import { type AudienceType, audienceTypeOrDefault, type PartnerPersona, personaOrDefault } from '../../shared/cast.js';
import { AppError } from '../../shared/errors.js';
import { DEFAULT_MC_VOICE, DEFAULT_PARTNER_VOICE, type Game, gameOrDefault } from '../../shared/games.js';
import { mcIntro, mcOutro } from './mc.js';
import {
  endScene,
  partnerSystemInstruction,
  phaseAt,
  recordPlayerTurn,
  type ScenePhase,
  type SceneState,
  type SceneStep,
  stageDirection,
  stageDirectionContent,
  startScene,
  type TurnBudget,
} from './phases.js';
import {
  drawSuggestion,
  isCatalogSuggestion,
  randomSeed,
  rerollSuggestion,
  type Suggestion,
  type SuggestionField,
} from './suggestion.js';

export interface StageSceneSetup {
  /** From `hello.game`; unknown or missing → the default game. */
  gameId?: string;
  /** Suggestion seed; random when omitted. */
  seed?: number;
  /**
   * The client's suggestion (hello.suggestion). Used only when every field comes from the game's own lists:
   * free text from a client must never reach the partner's instructions. Otherwise one is drawn.
   */
  suggestion?: Suggestion;
  budget?: Partial<TurnBudget>;
  partnerVoice?: string;
  mcVoice?: string;
  /** hello.persona / hello.audience (already schema-checked); defaults when omitted. */
  persona?: string;
  audience?: string;
  /** A scene taken over from the store: the player turns it already had (phase follows from them). */
  playerTurnsDone?: number;
}

export interface PhaseUpdate {
  phase: ScenePhase;
  /** Send upstream (session.sendClientContent) when set: the partner's note for the new phase. */
  stageDirection: LiveSendClientContentParameters | null;
  /** The same note as plain text (for Upstream.sendClientContent). */
  stageDirectionText: string | null;
  /** The scene just ended: let the in-flight reply finish, stop forwarding player audio, play the outro. */
  ended: boolean;
}

export class StageScene {
  readonly game: Game;
  readonly partnerVoice: string;
  readonly mcVoice: string;
  readonly persona: PartnerPersona;
  readonly audience: AudienceType;
  private currentSuggestion: Suggestion;
  private scene: SceneState;

  constructor(setup: StageSceneSetup = {}) {
    this.game = gameOrDefault(setup.gameId);
    this.currentSuggestion =
      setup.suggestion && isCatalogSuggestion(this.game, setup.suggestion)
        ? setup.suggestion
        : drawSuggestion(this.game, setup.seed ?? randomSeed());
    // The game's own length is the scene's budget (the game card promises it), unless the relay sets one.
    const started = startScene({ maxPlayerTurns: this.game.typicalLength.playerTurns, ...setup.budget });
    const done = Math.max(0, setup.playerTurnsDone ?? 0);
    this.scene = done === 0 ? started : { ...started, playerTurns: done, phase: phaseAt(done, started.budget) };
    this.persona = personaOrDefault(setup.persona);
    this.audience = audienceTypeOrDefault(setup.audience);
    this.partnerVoice = setup.partnerVoice ?? (setup.persona ? this.persona.defaultVoice : DEFAULT_PARTNER_VOICE);
    this.mcVoice = setup.mcVoice ?? DEFAULT_MC_VOICE;
  }

  get suggestion(): Suggestion {
    return this.currentSuggestion;
  }

  get state(): SceneState {
    return this.scene;
  }

  /** Only before the first player turn: the partner was configured with the old suggestion after that. */
  rerollSuggestion(field?: SuggestionField): Suggestion {
    if (this.scene.playerTurns > 0 || this.scene.phase === 'ended') {
      throw new AppError('message.invalid', 'The suggestion can only be re-rolled before the scene starts.');
    }
    this.currentSuggestion = rerollSuggestion(this.game, this.currentSuggestion, field);
    return this.currentSuggestion;
  }

  /** For the upstream's setup; reflects the current phase, so a fresh (non-resumed) upstream starts right. */
  partnerSetup(): { systemInstruction: string; voiceName: string } {
    return {
      systemInstruction: partnerSystemInstruction(this.game, this.currentSuggestion, this.scene.phase, this.persona),
      voiceName: this.partnerVoice,
    };
  }

  introText(playerName?: string): string {
    return mcIntro(this.game, this.currentSuggestion, { playerName });
  }

  outroText(audienceSentiments: readonly number[] = []): string {
    const audienceMood =
      audienceSentiments.length === 0
        ? undefined
        : audienceSentiments.reduce((sum, value) => sum + value, 0) / audienceSentiments.length;
    return mcOutro(this.game, {
      playerTurns: this.scene.playerTurns,
      endedEarly: this.scene.playerTurns < this.scene.budget.maxPlayerTurns,
      audienceMood,
    });
  }

  /** Call when a player utterance ends (the partner is about to answer it). */
  playerTurnEnded(): PhaseUpdate {
    return this.apply(recordPlayerTurn(this.scene));
  }

  /** The player pressed "end scene" (or the session is closing). */
  end(): PhaseUpdate {
    return this.apply(endScene(this.scene));
  }

  private apply(step: SceneStep): PhaseUpdate {
    this.scene = step.state;
    const note = step.change ? stageDirection(this.game, step.change, this.scene.budget) : null;
    // No note at the end: the closing phase already asked for a button, and the session stops the scene.
    const text = note && step.change?.to !== 'ended' ? note : null;
    return {
      phase: this.scene.phase,
      stageDirection: text ? stageDirectionContent(text) : null,
      stageDirectionText: text,
      ended: step.change?.to === 'ended',
    };
  }
}
