// Which pages may start scenes: the relay's own origin, plus ALLOWED_ORIGINS. A browser always sends Origin on a
// WebSocket upgrade and on a cross-site POST, so a page elsewhere that tries to open a scene from its visitor's
// browser (riding the visitor's cookie) is refused. No Origin at all is a non-browser client (curl, tests): it
// holds no visitor's cookie to abuse, so the other limits apply to it instead.
import type { IncomingMessage } from 'node:http';

export function originAllowed(request: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  let originHost: string;
  try {
    const parsed = new URL(origin);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    originHost = parsed.host;
  } catch {
    return false;
  }
  // Same origin: the page was served by this host (Cloud Run keeps the Host the browser asked for).
  const host = request.headers['x-forwarded-host'] ?? request.headers.host;
  return typeof host === 'string' && host.toLowerCase() === originHost.toLowerCase();
}

/** POST bodies are JSON: a form or text/plain body (what a page can send without a preflight) is refused. */
export function isJsonContentType(request: IncomingMessage): boolean {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}
