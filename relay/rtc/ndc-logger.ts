// libdatachannel logs through one process-wide callback; route it into our JSON log, once.
import { initLogger } from 'node-datachannel';
import type { Logger } from '../log.js';
import { rateLimitedLogger } from '../log-rate-limit.js';

/** libdatachannel logs per candidate: a crafted offer of thousands of them must not flood the log. */
const NDC_LOG_LINES_PER_S = 5;
const NDC_LOG_BURST = 20;

let installed = false;

// Expected with a peer bound to one IPv4 address (RTC_BIND_ADDRESS=127.0.0.1): browsers also offer TCP
// and IPv6 candidates, which libjuice skips (ICE-TCP off) or cannot reach (errno 97, EAFNOSUPPORT).
// Not faults; kept at debug so a real warning stands out.
const EXPECTED_NOISE = [/ICE-TCP is disabled/, /Send failed, errno=97/, /STUN message send failed/];

export function installNdcLogger(relayLogger: Logger): void {
  if (installed) return;
  installed = true;
  const logger = rateLimitedLogger(relayLogger, { perS: NDC_LOG_LINES_PER_S, burst: NDC_LOG_BURST });
  // node-datachannel 0.33 needs the callback, or it logs to stdout on its own.
  initLogger('Warning', (level, message) => {
    if (level === 'Warning') {
      if (EXPECTED_NOISE.some((pattern) => pattern.test(message))) logger.debug('libdatachannel', { message });
      else logger.warn('libdatachannel', { message });
    } else if (level === 'Error' || level === 'Fatal') logger.error('libdatachannel', { message });
  });
}
