// What a browser may read of a failure. Upstream and internal errors carry our internals in their messages
// (`connect ECONNREFUSED 10.0.0.7:443`, SDK text, hostnames): the browser gets a fixed sentence for the code and
// the original goes to our log. Every other code's message is written for the player already.
import type { ErrorCode } from '../../shared/errors.js';

const PUBLIC_MESSAGES: Partial<Record<ErrorCode, string>> = {
  'upstream.unavailable': 'the scene partner could not be reached; try again in a moment',
  'upstream.quota': 'the scene partner has no capacity left right now; try again later',
  'upstream.error': 'the scene partner lost the connection; start a new scene',
  'store.unavailable': 'scenes cannot be saved right now; try again in a moment',
  internal: 'something went wrong on the relay; try again',
};

/** The message to send for this code: the fixed one when the code's messages may hold internals. */
export function publicErrorMessage(code: ErrorCode, message: string): { message: string; replaced: boolean } {
  const fixed = PUBLIC_MESSAGES[code];
  return fixed === undefined || fixed === message ? { message, replaced: false } : { message: fixed, replaced: true };
}
