// The relay's one HTTP server: routes first, then the static client. Every failure becomes an HttpError JSON.
import { createServer, type Server } from 'node:http';
import type { Logger } from '../log.js';
import { sendAppError, sendError } from './respond.js';
import type { RouteHandler, Router } from './router.js';

export function createHttpServer(router: Router, fallback: RouteHandler | null, logger: Logger): Server {
  const server = createServer(async (request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://relay');
    } catch {
      sendError(response, 400, 'message.malformed', 'invalid request URL');
      return;
    }
    const method = request.method ?? 'GET';
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
