// Sign-in routes. GET /api/auth/me: how this relay signs players in and who this browser is (the client shows the
// sign-in screen from it). With Google sign-in: POST /api/auth/google { credential } exchanges a GIS ID token for
// our session cookie; POST /api/auth/signout removes it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { Authenticator } from '../auth/authenticator.js';
import { GoogleAuthenticator } from '../auth/google-authenticator.js';
import type { Logger } from '../log.js';
import { readJsonBody, sendAppError, sendJson } from './respond.js';
import type { Router } from './router.js';

const SignInRequest = z.object({ credential: z.string().min(1).max(8192) });
const SIGN_IN_BODY_LIMIT_BYTES = 16 * 1024;

export function mountAuthRoutes(router: Router, authenticator: Authenticator | undefined, logger: Logger): void {
  const google = authenticator instanceof GoogleAuthenticator ? authenticator : null;
  router.add('GET', '/api/auth/me', (request: IncomingMessage, response: ServerResponse) => {
    if (!google) {
      sendJson(response, 200, { mode: 'anonymous' });
      return;
    }
    const player = google.whoIs(request);
    sendJson(response, 200, { mode: 'google', clientId: google.clientId, player });
  });
  if (!google) return;
  router.add('POST', '/api/auth/google', async (request, response) => {
    try {
      const parsed = SignInRequest.safeParse(await readJsonBody(request, SIGN_IN_BODY_LIMIT_BYTES));
      if (!parsed.success) throw new AppError('message.invalid', 'send { "credential": "<Google ID token>" }');
      const player = await google.signIn(parsed.data.credential, request);
      response.setHeader('set-cookie', player.setCookie);
      sendJson(response, 200, { player: { userId: player.userId, email: player.email, name: player.name } });
      logger.info('player signed in', { userId: player.userId });
    } catch (error) {
      if (!(error instanceof AppError)) logger.error('sign-in failed', { error });
      sendAppError(response, error);
    }
  });
  router.add('POST', '/api/auth/signout', (request, response) => {
    response.setHeader('set-cookie', google.signOutCookie(request));
    sendJson(response, 200, { signedOut: true });
  });
}
