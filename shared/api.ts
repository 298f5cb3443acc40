// Bodies of the relay's HTTP history API (GET /api/sessions, GET /api/sessions/:id). The relay types its
// replies with these; the client parses them at the edge with the same schemas. Errors use HttpError
// from protocol.ts. Unknown keys are stripped on parse, so the relay may add fields without breaking clients.
import { z } from 'zod';
import { Speaker } from './protocol.js';
import { CoachFeedback } from './stage.js';

export const SessionStatus = z.enum(['active', 'completed', 'abandoned']);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** An ISO-8601 instant as the relay writes it (Date#toISOString). */
const IsoInstant = z.iso.datetime({ offset: true });
const NonNegative = z.number().nonnegative();

export const SessionSummaryJson = z.object({
  id: z.string().min(1).max(128),
  /** Game id from shared/games.ts; an id the client does not know is shown as is. */
  game: z.string(),
  status: SessionStatus,
  phase: z.string().nullable(),
  createdAt: IsoInstant,
  endedAt: IsoInstant.nullable(),
  turnCount: z.number().int().nonnegative(),
  durationMs: NonNegative,
  /** Voice-to-voice latency over the partner's turns; null before the first partner turn. */
  latencyP50Ms: NonNegative.nullable(),
  latencyP95Ms: NonNegative.nullable(),
  estimatedCostUsd: NonNegative,
  /** The audience's suggestion the scene played; absent on scenes stored before it was kept. */
  premise: z.object({ relationship: z.string(), location: z.string(), object: z.string() }).optional(),
  /** The cast (shared/cast.ts ids). */
  persona: z.string().optional(),
  audience: z.string().optional(),
  /** The coach's first sentence, for the History card. */
  headline: z.string().optional(),
});
export type SessionSummaryJson = z.infer<typeof SessionSummaryJson>;

export const SessionListJson = z.array(SessionSummaryJson);
export type SessionListJson = z.infer<typeof SessionListJson>;

export const TurnJson = z.object({
  seq: z.number().int().nonnegative(),
  speaker: Speaker,
  text: z.string(),
  startedAt: IsoInstant,
  durationMs: NonNegative,
  /** Partner turns: end of the player's speech → first partner audio; null for other speakers. */
  voiceToVoiceMs: NonNegative.nullable(),
  interrupted: z.boolean(),
  /** Audience turns: how the room took the exchange (text = its reaction), in [-1, 1]; absent on other turns. */
  sentiment: z.number().min(-1).max(1).optional(),
  /** Audience turns: the room's running mood after this reaction, in [-1, 1]; absent on other turns. */
  mood: z.number().min(-1).max(1).optional(),
});
export type TurnJson = z.infer<typeof TurnJson>;

export const UsageJson = z.object({
  inputAudioTokens: NonNegative,
  outputAudioTokens: NonNegative,
  textTokens: NonNegative,
  estimatedCostUsd: NonNegative,
});
export type UsageJson = z.infer<typeof UsageJson>;

export const AudioQualityJson = z.object({
  framesReceived: NonNegative,
  framesLost: NonNegative,
  jitterP95Ms: NonNegative,
  reconnects: NonNegative,
});
export type AudioQualityJson = z.infer<typeof AudioQualityJson>;

export const SessionDetailJson = SessionSummaryJson.extend({
  usage: UsageJson,
  quality: AudioQualityJson,
  turns: z.array(TurnJson),
  /** The coach's review of the scene (or its honest fallback), once the coach wrote one. */
  coach: CoachFeedback.nullable().optional(),
});
export type SessionDetailJson = z.infer<typeof SessionDetailJson>;

// ---- ICE servers (GET /api/rtc/ice-servers) ------------------------------

/** One RTCIceServer as the relay hands it out (the same shape RTCPeerConnection takes). */
export const IceServerJson = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServerJson = z.infer<typeof IceServerJson>;

/** The caller's ICE servers; minted TURN credentials among them stop working for new allocations after ttlS. */
export const IceServersJson = z.object({
  iceServers: z.array(IceServerJson),
  /** Seconds from this reply until minted credentials expire; null when nothing in the list expires. */
  ttlS: z.number().int().nonnegative().nullable(),
});
export type IceServersJson = z.infer<typeof IceServersJson>;
