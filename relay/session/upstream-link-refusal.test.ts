import { describe, expect, it } from 'vitest';
import { isHandleRefused } from './upstream-link.js';

describe('isHandleRefused', () => {
  it('treats both codes the service refuses a handle with as a refusal (1008 policy, 1007 invalid argument)', () => {
    const closed = (code: number, reason: string) =>
      new Error(
        `could not open the Live session: Live connection closed before setup completed (code ${code}): ${reason}`,
      );
    expect(isHandleRefused(closed(1008, 'Session resumption handle is invalid or expired.'))).toBe(true);
    expect(isHandleRefused(closed(1007, 'Request contains an invalid argument.'))).toBe(true);
    // A service that is merely unreachable or failing is retried with the handle.
    expect(isHandleRefused(closed(1011, 'Internal error encountered.'))).toBe(false);
    expect(isHandleRefused(new Error('no setupComplete within 10000 ms'))).toBe(false);
  });
});
