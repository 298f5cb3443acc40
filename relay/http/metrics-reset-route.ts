// POST /metrics/reset: clears the relay-added latency histograms so a benchmark can measure one phase (after
// warm-up) on its own. A debug route: served to loopback callers, or to anyone when RELAY_DEBUG_ROUTES=1.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { sendError, sendJson } from './respond.js';

export const METRICS_RESET_PATH = '/metrics/reset';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

export function createMetricsResetHandler(options: { resetLatency: () => void; debugRoutes: boolean }) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    // Behind Cloud Run's front end every caller arrives from a non-loopback address, so this stays closed there.
    if (!options.debugRoutes && !isLoopbackAddress(request.socket.remoteAddress)) {
      sendError(response, 404, 'message.invalid', `no route for POST ${METRICS_RESET_PATH}`);
      return;
    }
    options.resetLatency();
    sendJson(response, 200, { reset: true });
  };
}
