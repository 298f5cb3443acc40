import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors.js';
import { messageForFailure, messageForRelayError, USER_MESSAGES } from './user-messages.js';

class CodedError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

describe('user messages', () => {
  it('maps mic failures to the words a player needs', () => {
    expect(messageForFailure(new CodedError('mic.denied')).text).toMatch(
      /^We can’t hear you — allow microphone access/,
    );
    expect(messageForFailure(new CodedError('mic.unavailable')).code).toBe('mic.unavailable');
    expect(messageForFailure(Object.assign(new Error('x'), { name: 'NotAllowedError' })).code).toBe('mic.denied');
  });

  it('maps transport failures; unknown transport codes read as unreachable', () => {
    expect(messageForFailure(new CodedError('transport.unreachable')).text).toMatch(/^Can’t reach the stage server/);
    expect(messageForFailure(new CodedError('transport.ice_failed')).code).toBe('transport.unreachable');
    expect(messageForFailure(new CodedError('transport.timeout')).code).toBe('transport.timeout');
  });

  it('falls back to the given code for anything else, never leaking the raw message', () => {
    const message = messageForFailure(new Error('TypeError: x is undefined'), 'audio.unavailable');
    expect(message).toEqual({ code: 'audio.unavailable', text: USER_MESSAGES['audio.unavailable'] });
    expect(messageForFailure('weird').code).toBe('internal');
  });

  it('has a plain-words message for every relay error code', () => {
    for (const code of ErrorCode.options) {
      const message = messageForRelayError(code);
      expect(message.text.length, code).toBeGreaterThan(20);
      expect(message.text, code).not.toMatch(/undefined|\[object/);
    }
    expect(messageForRelayError('session.limit').code).toBe('session.limit');
    expect(messageForRelayError('frame.empty').code).toBe('internal');
  });
});
