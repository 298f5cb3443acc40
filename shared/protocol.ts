// Every control message between client and relay: one discriminated union per direction,
// validated once where it arrives (parse at the edge, trust inside).
import { z } from 'zod';
import { AudienceTypeId, PartnerPersonaId } from './cast.js';
import { MAX_CONTROL_MESSAGE_BYTES, PROTOCOL_VERSION } from './constants.js';
import { ErrorCode } from './errors.js';
import { LiveVoiceName } from './games.js';
import { AudienceReaction, CoachFeedback, ScenePhase, Sentiment, Suggestion } from './stage.js';

const id = z.string().min(1).max(128);
const streamId = z.number().int().min(0).max(0xffff);

export const Speaker = z.enum(['player', 'partner', 'mc', 'audience', 'coach']);
export type Speaker = z.infer<typeof Speaker>;

// ---- client → relay -------------------------------------------------------

export const ClientMessage = z.discriminatedUnion('type', [
  /** Always the first message on `control`. A sessionId + resumeToken re-attaches an existing session. */
  z.object({
    type: z.literal('hello'),
    protocolVersion: z.number().int(),
    sessionId: id.optional(),
    resumeToken: z.string().max(1024).optional(),
    game: z.string().max(64).optional(),
    /** The suggestion the player took on the stage (drawn locally from the game's lists); random when omitted. */
    suggestion: Suggestion.optional(),
    /** The partner's Live voice; the default partner voice when omitted. */
    partnerVoice: LiveVoiceName.optional(),
    /** Who the partner plays (shared/cast.ts); the default persona when omitted. */
    persona: PartnerPersonaId.optional(),
    /** Who sits in the room; a mixed crowd when omitted. */
    audience: AudienceTypeId.optional(),
  }),
  /**
   * The VAD confirmed speech; the pre-roll frames of this utterance follow on `audio`. An utterance is a line:
   * the client keeps its frames until `line.ack` covers it. `resent`: a line spoken earlier (while reconnecting,
   * or cut by a drop) sent again whole from its first frame; its frames carry FrameFlag.Resent and may come up
   * to RESEND_MAX_SPEEDUP times faster than real time.
   */
  z.object({ type: z.literal('utterance.start'), utteranceId: streamId, resent: z.boolean().optional() }),
  /** The VAD heard the end of speech; `frameCount` audio frames were sent for it. */
  z.object({ type: z.literal('utterance.end'), utteranceId: streamId, frameCount: z.number().int().min(0) }),
  /** The player spoke over the partner; playback of `turnId` has already stopped locally. */
  z.object({ type: z.literal('barge-in'), turnId: streamId, playedMs: z.number().min(0) }),
  /** First partner sound actually played, for voice-to-voice latency. */
  z.object({ type: z.literal('playback.started'), turnId: streamId, latencyMs: z.number().min(0).optional() }),
  z.object({ type: z.literal('ping'), t: z.number() }),
  z.object({ type: z.literal('scene.end') }),
  /** The player skipped the MC's intro: the relay cuts it (or never voices it) and the scene starts at once. */
  z.object({ type: z.literal('intro.skip') }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---- relay → client -------------------------------------------------------

export const RelayMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    protocolVersion: z.number().int(),
    sessionId: id,
    resumeToken: z.string(),
    upstream: z.enum(['gemini', 'emulator']),
    resumed: z.boolean(),
    /** On a resume: the relay's cumulative `line.ack` so far (lines it already has are not sent again). */
    lineAck: streamId.optional(),
  }),
  /** The partner (or the MC, voiced on the same stream) started a spoken turn; its audio frames carry streamId = turnId. */
  z.object({
    type: z.literal('partner.start'),
    turnId: streamId,
    /** Who is speaking this turn; 'partner' when omitted. */
    speaker: z.enum(['partner', 'mc']).optional(),
  }),
  z.object({ type: z.literal('partner.end'), turnId: streamId, interrupted: z.boolean() }),
  /** Transcript text; partial updates of one entry share (speaker, streamId) until `final`. */
  z.object({
    type: z.literal('transcript'),
    speaker: Speaker,
    streamId,
    text: z.string().max(8192),
    final: z.boolean(),
  }),
  z.object({ type: z.literal('pong'), t: z.number() }),
  /**
   * Cumulative: every line (utterance) up to and including `utteranceId` is in the scene (answered, or taken
   * and never to be answered twice); the client forgets them. Sent again after a resume and for a duplicate.
   */
  z.object({ type: z.literal('line.ack'), utteranceId: streamId }),
  /** The stage around the scene: sent after welcome and whenever the phase or the turn count changes. */
  z.object({
    type: z.literal('scene.state'),
    game: z.string().max(64),
    suggestion: Suggestion,
    phase: ScenePhase,
    /** Completed player turns. */
    playerTurns: z.number().int().min(0),
    /** The scene ends after this many player turns. */
    turnBudget: z.number().int().min(1).max(200),
    partnerVoice: LiveVoiceName,
    mcVoice: LiveVoiceName,
  }),
  /** The room reacted to the exchange that ended with the player's turn `turnSeq`. */
  z.object({
    type: z.literal('audience.reaction'),
    turnSeq: z.number().int().min(0),
    ...AudienceReaction.shape,
    /** The running room mood over the scene so far, in [-1, 1]. */
    mood: Sentiment,
  }),
  /** The coach's review after the scene, or an honest fallback saying why there is none. */
  z.object({ type: z.literal('coach.report'), report: CoachFeedback }),
  /** What the scene has cost so far at the Live model's list price (Live's usage reports), after each turn. */
  z.object({ type: z.literal('scene.cost'), usd: z.number().min(0).max(1_000) }),
  z.object({ type: z.literal('session.ended'), reason: z.string().max(256) }),
  z.object({
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string().max(1024),
    /** A fatal error ends the session; otherwise only the offending message was dropped. */
    fatal: z.boolean(),
  }),
]);
export type RelayMessage = z.infer<typeof RelayMessage>;

// ---- HTTP signaling -------------------------------------------------------

export const RtcOfferRequest = z.object({
  type: z.literal('offer'),
  sdp: z
    .string()
    .min(1)
    .max(64 * 1024),
});
export type RtcOfferRequest = z.infer<typeof RtcOfferRequest>;

export const RtcAnswerResponse = z.object({
  peerId: id,
  type: z.literal('answer'),
  sdp: z.string(),
  iceServers: z.array(
    z.object({
      urls: z.union([z.string(), z.array(z.string())]),
      username: z.string().optional(),
      credential: z.string().optional(),
    }),
  ),
});
export type RtcAnswerResponse = z.infer<typeof RtcAnswerResponse>;

export const HttpError = z.object({ error: z.object({ code: ErrorCode, message: z.string() }) });
export type HttpError = z.infer<typeof HttpError>;

// ---- parsing helpers ------------------------------------------------------

export type ParseResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

function parseJson<T>(schema: z.ZodType<T>, raw: string, what: string): ParseResult<T> {
  if (raw.length > MAX_CONTROL_MESSAGE_BYTES) {
    return {
      ok: false,
      code: 'message.too_large',
      message: `${what} of ${raw.length} bytes exceeds ${MAX_CONTROL_MESSAGE_BYTES}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'message.malformed', message: `${what} is not valid JSON` };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, code: 'message.invalid', message: `${what} rejected${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: result.data };
}

export const parseClientMessage = (raw: string) => parseJson(ClientMessage, raw, 'control message');
export const parseRelayMessage = (raw: string) => parseJson(RelayMessage, raw, 'control message');

export { PROTOCOL_VERSION };
