// The relay's sign-in routes (relay/http/auth-routes.ts): how this stage signs players in, who this browser is,
// and the exchange of a Google ID token for the relay's session cookie.

import { ErrorCode } from '../../shared/errors.js';
import { messageForRelayError, type UserMessage } from '../session/user-messages.js';

export type SignInState =
  | { mode: 'anonymous' }
  | { mode: 'google'; clientId: string; player: { userId: string; email: string } | null };

type FetchLike = typeof fetch;

export async function fetchSignInState(fetchImpl: FetchLike = fetch): Promise<SignInState> {
  const response = await fetchImpl('/api/auth/me', { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as Partial<{ mode: string; clientId: string; player: unknown }>;
  if (body.mode !== 'google' || typeof body.clientId !== 'string') return { mode: 'anonymous' };
  const player = body.player as { userId?: unknown; email?: unknown } | null | undefined;
  return {
    mode: 'google',
    clientId: body.clientId,
    player:
      player && typeof player.userId === 'string' && typeof player.email === 'string'
        ? { userId: player.userId, email: player.email }
        : null,
  };
}

/** Posts the GIS credential; resolves null when signed in, else what the player reads (which limit, why). */
export async function signInWithGoogle(credential: string, fetchImpl: FetchLike = fetch): Promise<UserMessage | null> {
  const response = await fetchImpl('/api/auth/google', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ credential }),
  });
  if (response.ok) return null;
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
  const code = ErrorCode.safeParse(body?.error?.code);
  return messageForRelayError(code.success ? code.data : 'internal');
}

export async function signOut(fetchImpl: FetchLike = fetch): Promise<void> {
  await fetchImpl('/api/auth/signout', { method: 'POST' });
}
