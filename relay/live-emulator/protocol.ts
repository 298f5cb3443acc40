// The subset of BidiGenerateContent client messages the emulator understands, validated once at the
// edge. Nested objects are loose (the SDK may add fields); the top level is strict, because the real
// service rejects an unknown message with close code 1007.
import { z } from 'zod';

const tokenCount = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

const part = z.looseObject({ text: z.string().optional() });
const content = z.looseObject({ role: z.string().optional(), parts: z.array(part).optional() });

const setup = z.looseObject({
  model: z.string().min(1),
  generationConfig: z
    .looseObject({
      responseModalities: z.array(z.string()).optional(),
      speechConfig: z
        .looseObject({
          voiceConfig: z
            .looseObject({ prebuiltVoiceConfig: z.looseObject({ voiceName: z.string().optional() }).optional() })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  systemInstruction: content.optional(),
  sessionResumption: z.looseObject({ handle: z.string().optional() }).optional(),
  inputAudioTranscription: z.looseObject({}).optional(),
  outputAudioTranscription: z.looseObject({}).optional(),
  realtimeInputConfig: z
    .looseObject({
      automaticActivityDetection: z.looseObject({ disabled: z.boolean().optional() }).optional(),
      activityHandling: z.string().optional(),
    })
    .optional(),
  contextWindowCompression: z
    .looseObject({
      triggerTokens: tokenCount.optional(),
      slidingWindow: z.looseObject({ targetTokens: tokenCount.optional() }).optional(),
    })
    .optional(),
});

const blob = z.looseObject({ data: z.string(), mimeType: z.string() });

const realtimeInput = z.looseObject({
  audio: blob.optional(),
  mediaChunks: z.array(blob).optional(),
  activityStart: z.looseObject({}).optional(),
  activityEnd: z.looseObject({}).optional(),
  audioStreamEnd: z.boolean().optional(),
  text: z.string().optional(),
});

const clientContent = z.looseObject({
  turns: z.array(content).optional(),
  turnComplete: z.boolean().optional(),
});

export const clientMessageSchema = z.union([
  z.strictObject({ setup }),
  z.strictObject({ realtimeInput }),
  z.strictObject({ clientContent }),
  // Accepted and ignored: the emulator declares no tools and keeps no mutable instruction.
  z.strictObject({ toolResponse: z.looseObject({}) }),
  z.strictObject({ contextUpdate: z.looseObject({}) }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type SetupMessage = z.infer<typeof setup>;
export type RealtimeInputMessage = z.infer<typeof realtimeInput>;
export type ClientContentMessage = z.infer<typeof clientContent>;

/** Close codes the real service uses. */
export const CloseCode = {
  normal: 1000,
  /** Malformed JSON, unknown field, bad argument: "Request contains an invalid argument." */
  invalidPayload: 1007,
  /** Policy: unknown or expired resumption handle, refused resumption. */
  policyViolation: 1008,
  internalError: 1011,
} as const;

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; reason: string };

/** Parses one WebSocket frame (text or binary, the SDK sends text) into a client message. */
export function parseClientMessage(frame: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, reason: 'Invalid JSON payload received.' };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'message';
    return { ok: false, reason: `Invalid JSON payload received. ${where}: ${issue?.message ?? 'unrecognized'}` };
  }
  return { ok: true, message: parsed.data };
}
