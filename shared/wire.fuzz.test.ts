// Property tests (fast-check, bounded runs) over what a hostile client controls on the wire: any text on
// `control`, any bytes on `audio`. The parsers never throw; they accept a valid message or refuse with a code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from './errors.js';
import { decodeFrame, encodeFrame, FrameError, MAX_FRAME_BYTES } from './frame.js';
import { ClientMessage, parseClientMessage } from './protocol.js';

const RUNS = 2_000;
const TYPES = ['hello', 'utterance.start', 'utterance.end', 'barge-in', 'playback.started', 'ping', 'scene.end'];

/** JSON that looks like our messages: a known (or nearly known) type and fields of any shape. */
const messageLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...TYPES), fc.string()),
    protocolVersion: fc.oneof(fc.integer(), fc.string()),
    utteranceId: fc.oneof(fc.integer(), fc.double(), fc.string()),
    frameCount: fc.oneof(fc.integer(), fc.double()),
    turnId: fc.oneof(fc.integer(), fc.constant(null)),
    t: fc.oneof(fc.double(), fc.string()),
    sessionId: fc.string(),
    resumeToken: fc.string(),
    game: fc.string(),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['type'] },
);

describe('control messages (shared/protocol.ts)', () => {
  it('never throw: a valid message, or a coded refusal', () => {
    const raw = fc.oneof(
      fc.string({ maxLength: 2_000 }),
      fc.json({ maxDepth: 4 }),
      messageLike.map((message) => JSON.stringify(message)),
    );
    fc.assert(
      fc.property(raw, (text) => {
        const result = parseClientMessage(text);
        if (result.ok) expect(ClientMessage.safeParse(result.value).success).toBe(true);
        else {
          expect(ErrorCode.options).toContain(result.code);
          expect(result.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuse oversized text without parsing it', () => {
    const result = parseClientMessage(`"${'x'.repeat(64 * 1024)}"`);
    expect(result).toMatchObject({ ok: false, code: 'message.too_large' });
  });
});

describe('audio frames (shared/frame.ts)', () => {
  it('never throw anything but a coded FrameError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_FRAME_BYTES + 64 }), (bytes) => {
        try {
          const frame = decodeFrame(bytes);
          expect(frame.payload.byteLength).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(FrameError);
          expect(ErrorCode.options).toContain((error as FrameError).code);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trip every valid frame', () => {
    const frame = fc.record({
      flags: fc.integer({ min: 0, max: 255 }),
      streamId: fc.integer({ min: 0, max: 0xffff }),
      seq: fc.integer({ min: 0, max: 0xffffffff }),
      timestampMs: fc.integer({ min: 0, max: 0xffffffff }),
      payload: fc.uint8Array({ minLength: 1, maxLength: 1275 }),
    });
    fc.assert(
      fc.property(frame, (input) => {
        expect(decodeFrame(encodeFrame(input))).toEqual(input);
      }),
      { numRuns: RUNS },
    );
  });
});
