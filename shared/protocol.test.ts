import { describe, expect, it } from 'vitest';
import { MAX_CONTROL_MESSAGE_BYTES, PROTOCOL_VERSION } from './constants.js';
import { parseClientMessage, parseRelayMessage } from './protocol.js';

describe('control message schemas', () => {
  it('accepts a hello with the protocol version', () => {
    const result = parseClientMessage(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION }));
    expect(result).toEqual({ ok: true, value: { type: 'hello', protocolVersion: PROTOCOL_VERSION } });
  });

  it('names malformed JSON as malformed', () => {
    const result = parseClientMessage('{"type": "hello"');
    expect(result).toMatchObject({ ok: false, code: 'message.malformed' });
  });

  it('rejects an unknown type with the path of the problem', () => {
    const result = parseClientMessage(JSON.stringify({ type: 'launch-missiles' }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('message.invalid');
      expect(result.message).toContain('type');
    }
  });

  it('rejects a field of the wrong type', () => {
    const result = parseClientMessage(JSON.stringify({ type: 'utterance.start', utteranceId: -1 }));
    expect(result).toMatchObject({ ok: false, code: 'message.invalid' });
  });

  it('rejects an oversized message before parsing it', () => {
    const result = parseClientMessage(
      JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(MAX_CONTROL_MESSAGE_BYTES) }),
    );
    expect(result).toMatchObject({ ok: false, code: 'message.too_large' });
  });

  it('validates relay messages, including error codes', () => {
    expect(
      parseRelayMessage(JSON.stringify({ type: 'error', code: 'session.not_found', message: 'x', fatal: true })).ok,
    ).toBe(true);
    expect(parseRelayMessage(JSON.stringify({ type: 'error', code: 'nope', message: 'x', fatal: true })).ok).toBe(
      false,
    );
  });
});
