// The relay's one HTTP server: routes first, then the static client. Every failure becomes an HttpError JSON.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../log.js';
import { isJsonContentType, originAllowed } from './origin-policy.js';
import { sendAppError, sendError } from './respond.js';
import type { RouteHandler, Router } from './router.js';
import { contentSecurityPolicy, setSecurityHeaders } from './security-headers.js';

export interface HttpPolicy {
  /** Origins besides our own whose pages may POST here (ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  /** Google sign-in is on: the CSP lets Google Identity Services' script and iframe in. */
  googleSignIn: boolean;
}

export function createHttpServer(
  router: Router,
  fallback: RouteHandler | null,
  logger: Logger,
  policy: HttpPolicy = { allowedOrigins: [], googleSignIn: false },
): Server {
  const csp = contentSecurityPolicy({ googleSignIn: policy.googleSignIn });
  const server = createServer(async (request, response) => {
    setSecurityHeaders(response, csp);
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://relay');
    } catch {
      sendError(response, 400, 'message.malformed', 'invalid request URL');
      return;
    }
    const method = request.method ?? 'GET';
    // A POST from another site's page (riding this visitor's cookie), or one a page can send without a CORS
    // preflight (text/plain, a form), never reaches a route.
    if (method !== 'GET' && method !== 'HEAD') {
      if (!originAllowed(request, policy.allowedOrigins)) {
        request.resume();
        sendError(response, 403, 'origin.forbidden', 'requests from other sites are not accepted here');
        return;
      }
      const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'];
      if (hasBody && !isJsonContentType(request)) {
        request.resume();
        sendError(response, 415, 'message.invalid', 'send the body as application/json');
        return;
      }
    }
    try {
      const handler = router.match(method, url.pathname);
      if (handler === 'method_not_allowed') {
        sendError(response, 405, 'message.invalid', `${method} is not allowed on ${url.pathname}`);
      } else if (handler) {
        await handler(request, response, url);
      } else if (fallback && (method === 'GET' || method === 'HEAD') && !url.pathname.startsWith('/api/')) {
        await fallback(request, response, url);
      } else {
        sendError(response, 404, 'message.invalid', `no route for ${method} ${url.pathname}`);
      }
    } catch (error) {
      logger.error('http handler failed', { method, path: url.pathname, error });
      sendAppError(response, error);
    }
  });
  // Slow-loris protection without cutting off the long-lived keep-alive a browser holds.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
