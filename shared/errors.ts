// Stable error codes; every failure a person may see carries one of these and a message they can act on.
import { z } from 'zod';

export const ErrorCode = z.enum([
  'message.malformed',
  'message.invalid',
  'message.too_large',
  'protocol.version',
  'protocol.hello_required',
  'frame.too_short',
  'frame.too_large',
  'frame.bad_version',
  'frame.empty',
  'frame.bad_codec',
  'session.not_found',
  'session.limit',
  'auth.invalid_token',
  'signaling.invalid_offer',
  'signaling.peer_not_found',
  'upstream.unavailable',
  'upstream.quota',
  'upstream.error',
  'relay.draining',
  // The kill switch (relay/limits/stage-switch.ts): new scenes refused, live ones finish.
  'stage.closed',
  'store.unavailable',
  // A client that sends more than a person can (relay/limits): the scene is closed with one of these.
  'limit.uplink_rate',
  'limit.control_rate',
  'limit.utterance_length',
  'limit.scene_length',
  'limit.scene_idle',
  'limit.pending',
  'limit.backpressure',
  // Per-player and global limits (relay/limits, enforced in Firestore transactions).
  'limit.scenes_at_once',
  'limit.scenes_per_day',
  'limit.audio_minutes',
  'limit.daily_budget',
  'auth.required',
  'auth.not_allowed',
  'origin.forbidden',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A typed error with a stable code; never carries a stack to the browser. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
