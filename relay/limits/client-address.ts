// The address a request came from, for per-address limits. Behind Cloud Run's front end the socket's peer is
// Google's proxy; the client is the entry that many hops from the right of X-Forwarded-For (TRUSTED_PROXY_HOPS,
// 1 in production by default). Entries further left are whatever the client wrote, so they are never trusted.
import type { IncomingMessage } from 'node:http';

export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const raw = env.TRUSTED_PROXY_HOPS?.trim();
  if (raw && /^\d+$/.test(raw)) return Number(raw);
  return env.NODE_ENV === 'production' ? 1 : 0;
}

export function clientAddress(request: IncomingMessage, proxyHops: number): string {
  const socketAddress = request.socket.remoteAddress ?? 'unknown';
  if (proxyHops <= 0) return socketAddress;
  const header = request.headers['x-forwarded-for'];
  const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[entries.length - proxyHops] ?? socketAddress;
}
