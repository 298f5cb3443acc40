// One JSON-mode text call through @google/genai, for the audience and the coach. Never throws: a failed,
// timed-out, empty or unparsable reply comes back as { ok: false, reason } so callers can fall back.
import { ApiError, type GoogleGenAI, type Schema } from '@google/genai';
import type { z } from 'zod';
import { DEFAULT_TEXT_MODEL } from '../live/models.js';
import { callDeadline } from './call-deadline.js';

export { DEFAULT_TEXT_MODEL } from '../live/models.js';

/** GEMINI_TEXT_MODEL, or the default. */
export function textModelFromEnv(env: Record<string, string | undefined> = process.env): string {
  const value = env.GEMINI_TEXT_MODEL?.trim();
  return value ? value : DEFAULT_TEXT_MODEL;
}

export interface JsonCallRequest<T> {
  model: string;
  systemInstruction: string;
  prompt: string;
  /** Gemini's OpenAPI-subset schema, so the model answers in this shape. */
  responseSchema: Schema;
  /** Validates the reply; the model's schema is a request, not a guarantee. */
  validator: z.ZodType<T>;
  timeoutMs: number;
  temperature?: number;
  maxOutputTokens?: number;
  /** Thinking token budget (0 = off). Gemini 2.5 Flash thinks by default, which adds seconds and eats maxOutputTokens. */
  thinkingBudget?: number;
  /** Aborts the call (e.g. the session closed); reported as a failure like any other. */
  signal?: AbortSignal;
}

export type JsonCallResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function generateJson<T>(ai: GoogleGenAI, request: JsonCallRequest<T>): Promise<JsonCallResult<T>> {
  const deadline = callDeadline(request.timeoutMs, request.signal);
  let text: string | undefined;
  try {
    const response = await ai.models.generateContent({
      model: request.model,
      contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
      config: {
        systemInstruction: request.systemInstruction,
        responseMimeType: 'application/json',
        responseSchema: request.responseSchema,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
        ...(request.thinkingBudget === undefined ? {} : { thinkingConfig: { thinkingBudget: request.thinkingBudget } }),
        abortSignal: deadline.signal,
      },
    });
    text = response.text;
  } catch (error) {
    if (deadline.timedOut) return { ok: false, reason: `the text model did not answer within ${request.timeoutMs} ms` };
    if (deadline.cancelled) return { ok: false, reason: 'the call was cancelled' };
    if (error instanceof ApiError) return { ok: false, reason: `the text model failed (HTTP ${error.status})` };
    return { ok: false, reason: `the text model could not be reached (${errorText(error)})` };
  } finally {
    deadline.dispose();
  }
  if (!text?.trim()) return { ok: false, reason: 'the text model returned an empty reply' };
  let json: unknown;
  try {
    json = JSON.parse(stripCodeFence(text));
  } catch {
    return { ok: false, reason: 'the text model returned malformed JSON' };
  }
  const parsed = request.validator.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return {
      ok: false,
      reason: `the text model's reply did not match the schema (${first?.path.join('.') || 'root'}: ${first?.message})`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** Some models wrap JSON in a ```json fence even in JSON mode. */
function stripCodeFence(text: string): string {
  const match = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  return match ? match[1]! : text;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}
