// Every failure the player may see, in words they can act on. Codes stay stable for tests and logs.
import type { ErrorCode } from '../../shared/errors.js';

export interface UserMessage {
  code: string;
  text: string;
}

export const USER_MESSAGES = {
  'mic.denied':
    'We can’t hear you — allow microphone access for this page (the icon in the address bar), then press Start scene again.',
  'mic.unavailable': 'We can’t find a microphone — plug one in or choose one in your system settings, then try again.',
  'mic.unsupported': 'This browser can’t record audio here — try a current Chrome, Edge, Firefox or Safari.',
  'audio.unavailable':
    'We can’t play sound here — check that this tab isn’t muted and your speakers work, then try again.',
  'player.unsupported': 'This browser can’t play your partner’s voice — try a current Chrome or Edge.',
  'transport.unreachable':
    'Can’t reach the stage server — it may be down, or your connection dropped. Try again in a moment.',
  'transport.lost': 'Lost the connection to the stage — press Start scene to go again.',
  'line.lost': 'That line didn’t reach the stage — say it again.',
  'transport.timeout': 'The stage server took too long to answer — try again in a moment.',
  'protocol.version': 'This page is out of date — reload it to get the latest version.',
  'session.limit': 'The stage is full right now — try again in a minute.',
  'relay.draining': 'The stage server is restarting — press Start scene again in a moment.',
  'stage.closed':
    'The stage is closed to new scenes for now — please come back later. Your past scenes are still in History.',
  'upstream.unavailable': 'Your scene partner isn’t answering right now — try again in a moment.',
  'upstream.quota': 'Your scene partner has had too many scenes today — try again later.',
  'upstream.error': 'Your scene partner lost the thread — press Start scene to begin a new scene.',
  // Limits: each says which limit and when it resets (relay/limits; the README lists them).
  'limit.scenes_at_once': 'You already have 3 scenes running — end one (or close its tab) to start another.',
  'limit.scenes_per_day': 'You have played all your scenes for today — your scenes reset at midnight UTC.',
  'limit.audio_minutes': 'You have used today’s speaking time — it resets at midnight UTC.',
  'limit.daily_budget': 'The stage has reached today’s budget — new scenes open again at midnight UTC.',
  'limit.scene_length': 'The scene reached its maximum length and was ended — press Start scene for a new one.',
  'limit.scene_idle': 'The scene ended after a long silence — press Start scene when you are ready again.',
  'limit.uplink_rate':
    'Your browser sent audio faster than anyone can speak, so the scene was stopped — reload the page.',
  'limit.control_rate': 'Your browser sent too many messages, so the scene was stopped — reload the page.',
  'limit.utterance_length': 'That line was too long to hear whole — keep each line under a minute.',
  'limit.pending': 'Too many connections from your network are still starting — close other tabs and try again.',
  'limit.backpressure': 'Your browser stopped reading from the stage, so the scene was stopped — reload the page.',
  'auth.required': 'Sign in with Google to play.',
  'auth.not_allowed': 'This account is not on the guest list for this stage — ask the host to add you.',
  'origin.forbidden': 'This page is not allowed to open scenes here — open the stage from its own address.',
  internal: 'Something went wrong on our side — press Start scene to try again.',
} as const;

export type UserMessageCode = keyof typeof USER_MESSAGES;

export function userMessage(code: UserMessageCode): UserMessage {
  return { code, text: USER_MESSAGES[code] };
}

/** A relay `error` message → what the player reads. Unknown codes fall back to a generic line. */
export function messageForRelayError(code: ErrorCode): UserMessage {
  if (code in USER_MESSAGES) return userMessage(code as UserMessageCode);
  if (code === 'session.not_found' || code === 'auth.invalid_token') return userMessage('transport.lost');
  return userMessage('internal');
}

/** Any thrown value → what the player reads. Errors carrying a known `code` keep it. */
export function messageForFailure(error: unknown, fallback: UserMessageCode = 'internal'): UserMessage {
  const code = codeOf(error);
  if (code && code in USER_MESSAGES) return userMessage(code as UserMessageCode);
  if (code?.startsWith('transport.')) return userMessage('transport.unreachable');
  if (code?.startsWith('audio.') || code?.startsWith('player.')) return userMessage('audio.unavailable');
  if (isDomException(error, 'NotAllowedError')) return userMessage('mic.denied');
  if (isDomException(error, 'NotFoundError')) return userMessage('mic.unavailable');
  return userMessage(fallback);
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function isDomException(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}
