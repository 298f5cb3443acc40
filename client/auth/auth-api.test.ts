import { describe, expect, it } from 'vitest';
import { USER_MESSAGES } from '../session/user-messages.js';
import { fetchSignInState, signInWithGoogle } from './auth-api.js';

const reply = (status: number, body: unknown) => async () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('sign-in API', () => {
  it('reads the mode and the signed-in player', async () => {
    expect(await fetchSignInState(reply(200, { mode: 'anonymous' }))).toEqual({ mode: 'anonymous' });
    expect(await fetchSignInState(reply(200, { mode: 'google', clientId: 'c', player: null }))).toEqual({
      mode: 'google',
      clientId: 'c',
      player: null,
    });
    const signedIn = await fetchSignInState(
      reply(200, { mode: 'google', clientId: 'c', player: { userId: 'google_1', email: 'a@b.c' } }),
    );
    expect(signedIn).toMatchObject({ player: { userId: 'google_1' } });
  });

  it('turns a refusal into the screen that says which rule refused', async () => {
    expect(await signInWithGoogle('token', reply(200, { player: {} }))).toBeNull();
    const refused = await signInWithGoogle('token', reply(403, { error: { code: 'auth.not_allowed', message: 'x' } }));
    expect(refused).toEqual({ code: 'auth.not_allowed', text: USER_MESSAGES['auth.not_allowed'] });
    const odd = await signInWithGoogle('token', reply(500, { nope: true }));
    expect(odd?.code).toBe('internal');
  });
});
