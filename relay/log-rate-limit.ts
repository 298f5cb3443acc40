// A logger that writes at most `burst` lines plus `perS` a second; the rest are counted and the count rides on
// the next line written. One hostile offer (a 64 KB SDP of candidates) must not write thousands of log lines.

import { TokenBucket } from './limits/token-bucket.js';
import type { LogFields, Logger } from './log.js';

export function rateLimitedLogger(inner: Logger, options: { perS: number; burst: number; now?: () => number }): Logger {
  const now = options.now ?? (() => performance.now());
  const bucket = new TokenBucket(options.perS, options.burst, now());
  let suppressed = 0;
  const gate =
    (write: (msg: string, fields?: LogFields) => void) =>
    (msg: string, fields?: LogFields): void => {
      if (!bucket.take(now())) {
        suppressed++;
        return;
      }
      if (suppressed > 0) {
        write(msg, { ...fields, linesSuppressed: suppressed });
        suppressed = 0;
      } else write(msg, fields);
    };
  return {
    debug: gate(inner.debug),
    info: gate(inner.info),
    warn: gate(inner.warn),
    error: gate(inner.error),
    child: (fields) => rateLimitedLogger(inner.child(fields), options),
  };
}
