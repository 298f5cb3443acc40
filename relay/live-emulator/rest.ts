// The emulator's REST surface: `POST /v1beta/models/{model}:generateContent`, as @google/genai sends it with
// `httpOptions.baseUrl` pointing here (API key in the `x-goog-api-key` header). Answers are deterministic:
//  - system instruction carries AUDIENCE_PROMPT_MARKER → `{ sentiment, reaction }` scored from the exchange's
//    PLAYER/PARTNER lines (a hash for texture, plus cues: "yes, and", blocking, specifics, questions, length);
//  - COACH_PROMPT_MARKER → a coach report whose scores come from cues in the transcript and whose strengths
//    quote the player's real lines;
//  - a TTS model (name with "tts", or responseModalities AUDIO) → the text spoken with espeak-ng in the voice the
//    speechConfig names, as base64 PCM16 24 kHz inlineData (rest-tts.ts);
//  - anything else → a scripted improv line.
// Fault switches after `;` in the model name (or the API key), like the Live endpoint's:
//   `malformed=1` (truncated JSON text), `malformed=schema` (valid JSON of the wrong shape),
//   `status=503` (Google-shaped error), `delayMs=2000` (slow answer).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  AUDIENCE_PROMPT_MARKER,
  COACH_PROMPT_MARKER,
  type PromptLine,
  parseGameName,
  parsePromptLines,
} from '../stage/prompt-contract.js';
import { semicolonPairs } from './options.js';
import { isTtsRequest, sharedSynthesizer, type TtsRequestBody, ttsAnswer, ttsVoiceName } from './rest-tts.js';
import { IMPROV_LINES } from './script.js';
import type { SpeechSynthesizer } from './tts.js';
import { textTokensFor } from './usage.js';

const GENERATE_CONTENT_PATH = /^\/+(v1beta|v1alpha|v1)\/models\/([^/]+):generateContent$/;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_DELAY_MS = 60_000;

interface RestFaults {
  malformed: 'truncated' | 'schema' | undefined;
  status: number | undefined;
  delayMs: number;
}

interface RequestBody extends TtsRequestBody {
  contents?: { parts?: { text?: unknown }[] }[];
  systemInstruction?: { parts?: { text?: unknown }[] };
}

export function handleRest(
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
  synthesizer?: SpeechSynthesizer,
): void {
  const url = new URL(`http://emulator${request.url ?? '/'}`);
  const match = GENERATE_CONTENT_PATH.exec(url.pathname);
  if (request.method !== 'POST' || !match) {
    request.resume();
    sendError(response, 404, 'NOT_FOUND', `The live emulator does not serve ${request.method} ${request.url}.`);
    return;
  }
  const apiKey = headerValue(request.headers['x-goog-api-key']) ?? url.searchParams.get('key') ?? '';
  if (!apiKey) {
    request.resume();
    sendError(response, 403, 'PERMISSION_DENIED', 'Method doesn’t allow unregistered callers: send an API key.');
    return;
  }
  const model = decodeURIComponent(match[2]!);
  const faults = faultsFrom([...semicolonPairs(apiKey), ...semicolonPairs(model)]);
  readBody(request)
    .then((raw) => answer(raw, model, faults, response, synthesizer))
    .catch((error: unknown) => {
      log(`rest error: ${error instanceof Error ? error.message : error}`);
      if (!response.headersSent) sendError(response, 400, 'INVALID_ARGUMENT', 'Could not read the request body.');
    });
}

function answer(
  raw: string,
  model: string,
  faults: RestFaults,
  response: ServerResponse,
  synthesizer: SpeechSynthesizer | undefined,
): void {
  let body: RequestBody;
  try {
    body = JSON.parse(raw) as RequestBody;
  } catch {
    sendError(response, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    return;
  }
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    sendError(response, 400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified');
    return;
  }
  const system = partsText(body.systemInstruction?.parts);
  const prompt = body.contents.map((content) => partsText(content?.parts)).join('\n');
  const tts = isTtsRequest(model, body);
  const send = () => {
    if (response.destroyed) return;
    if (faults.status !== undefined) {
      sendError(response, faults.status, statusName(faults.status), `Injected failure (status=${faults.status}).`);
      return;
    }
    if (tts) {
      void sendSpeech(response, synthesizer ?? sharedSynthesizer(), model, prompt, ttsVoiceName(body), faults);
      return;
    }
    const text = faults.malformed ? malformedText(system, faults.malformed) : replyText(system, prompt);
    const promptTokenCount = textTokensFor(system) + textTokensFor(prompt);
    const candidatesTokenCount = textTokensFor(text);
    const json = {
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount,
        candidatesTokenCount,
        totalTokenCount: promptTokenCount + candidatesTokenCount,
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
      },
      modelVersion: model.split(';')[0],
      responseId: `emu-${hash32(system + prompt).toString(36)}`,
    };
    response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(json));
  };
  if (faults.delayMs > 0) setTimeout(send, faults.delayMs).unref();
  else send();
}

async function sendSpeech(
  response: ServerResponse,
  synthesizer: SpeechSynthesizer,
  model: string,
  text: string,
  voiceName: string,
  faults: RestFaults,
): Promise<void> {
  const result = await ttsAnswer(synthesizer, model, text, voiceName, faults.malformed !== undefined);
  if (response.destroyed) return;
  if (!result.ok) {
    sendError(response, result.status, statusName(result.status), result.message);
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(result.json));
}

function replyText(system: string, prompt: string): string {
  const lines = parsePromptLines(prompt);
  if (system.includes(AUDIENCE_PROMPT_MARKER)) return JSON.stringify(audienceReply(lines, parseGameName(prompt)));
  if (system.includes(COACH_PROMPT_MARKER)) return JSON.stringify(coachReply(lines, parseGameName(prompt)));
  return IMPROV_LINES[hash32(prompt) % IMPROV_LINES.length]!;
}

/** Truncated: cut mid-value, as a reply cut off by a token limit. Schema: parses, but is the wrong shape. */
function malformedText(system: string, kind: 'truncated' | 'schema'): string {
  const coach = system.includes(COACH_PROMPT_MARKER);
  if (kind === 'schema') return coach ? '{"summary": "", "tryNext": []}' : '{"sentiment": "very funny"}';
  return coach ? '{"summary": "Great sce' : '{"sentiment": 0.4, "reaction": "*laugh';
}

// ---- the audience ---------------------------------------------------------------------------------

const YES_AND = /\byes,? and\b/i;
const BLOCK = /^(no\b|nope\b|that'?s (not|wrong)|i don'?t think so|you'?re wrong)/i;
const SPECIFIC = /\d|\s[A-Z][a-z]{2,}/;
const JUSTIFY = /\b(because|that'?s why|which is why|so that|since)\b/i;

function audienceReply(
  lines: readonly PromptLine[],
  game: string | undefined,
): { sentiment: number; reaction: string } {
  const player = lastLine(lines, 'PLAYER');
  const partner = lastLine(lines, 'PARTNER');
  const hash = hash32(`${player}\n${partner}`);
  // The hash gives texture in [-0.2, 0.2]; the cues decide the direction.
  let sentiment = ((hash % 41) - 20) / 100;
  if (YES_AND.test(player) || YES_AND.test(partner)) sentiment += 0.4;
  if (BLOCK.test(player)) sentiment -= 0.5;
  if (SPECIFIC.test(player)) sentiment += 0.15;
  if (player.includes('!')) sentiment += 0.1;
  if (player.trim().endsWith('?') && game !== 'Questions Only') sentiment -= 0.15;
  if (wordCount(player) < 3) sentiment -= 0.2;
  sentiment = Math.round(Math.max(-1, Math.min(1, sentiment)) * 100) / 100;
  return { sentiment, reaction: reactionFor(sentiment, hash) };
}

const REACTIONS: readonly (readonly [number, readonly string[]])[] = [
  [0.6, ['*roaring laughter*', '*applause break*', 'WOOO!']],
  [0.3, ['*laughter*', '*big laugh*', 'Ha!']],
  [0.05, ['Ooooh!', '*chuckles*', '*warm laughter*']],
  [-0.2, ['*polite chuckle*', '*murmurs*', 'Hmm!']],
  [-0.5, ['*groans*', 'Awww...', '*a cough*']],
  [-1.01, ['*crickets*', '*awkward silence*', '*one person claps*']],
];

function reactionFor(sentiment: number, hash: number): string {
  const options = REACTIONS.find(([floor]) => sentiment > floor)?.[1] ?? REACTIONS[REACTIONS.length - 1]![1];
  return options[(hash >>> 8) % options.length]!;
}

// ---- the coach ------------------------------------------------------------------------------------

type Principle = 'yes-and' | 'specificity' | 'heightening' | 'listening' | 'justification';

const TIPS: Record<Principle, string> = {
  'yes-and': 'Start your reply by accepting exactly what your partner just said, then add one new thing to it.',
  specificity: 'Swap general words for specific ones: a name, a number, a place, a brand.',
  heightening: 'Find the one unusual thing in the scene and make it bigger each turn instead of starting new ideas.',
  listening: 'Reuse a word or detail from your partner’s last line in your next one, to show you heard it.',
  justification: 'When something odd happens, explain it in character ("because...") instead of ignoring it.',
};

const NOTES: Record<Principle, (percent: number) => string> = {
  'yes-and': (percent) => `${percent}% of your lines accepted an offer out loud with "yes, and".`,
  specificity: (percent) => `${percent}% of your lines named something specific (a name, number or detail).`,
  heightening: (percent) => `Your energy and line length rose by a heightening index of ${percent}%.`,
  listening: (percent) => `${percent}% of your lines picked up a word from your partner's last line.`,
  justification: (percent) => `${percent}% of your lines explained something ("because...").`,
};

function coachReply(lines: readonly PromptLine[], game: string | undefined) {
  const player = lines.filter((line) => line.speaker === 'PLAYER').map((line) => line.text);
  const share = (test: (text: string, index: number) => boolean) =>
    player.length === 0 ? 0 : player.filter(test).length / player.length;
  const listened = (text: string, index: number) => {
    const before = previousPartnerLine(lines, index);
    const words = new Set(contentWords(before));
    return contentWords(text).some((word) => words.has(word));
  };
  const half = Math.floor(player.length / 2);
  const growth = half === 0 ? 0 : meanLength(player.slice(half)) / Math.max(1, meanLength(player.slice(0, half))) - 1;
  const fractions: Record<Principle, number> = {
    'yes-and': share((text) => YES_AND.test(text) && !BLOCK.test(text)),
    specificity: share((text) => SPECIFIC.test(text) || wordCount(text) >= 12),
    heightening: Math.max(0, Math.min(1, growth + share((text) => text.includes('!')))),
    listening: share(listened),
    justification: share((text) => JUSTIFY.test(text)),
  };
  const principles = (Object.keys(fractions) as Principle[]).map((principle) => {
    const score = Math.max(1, Math.min(5, 1 + Math.round(fractions[principle] * 4)));
    return { principle, score, note: NOTES[principle](Math.round(fractions[principle] * 100)) };
  });
  const ranked = [...principles].sort((a, b) => a.score - b.score);
  const strongest = ranked[ranked.length - 1]!;
  const weakest = ranked[0]!;
  const balance =
    strongest.score === weakest.score
      ? `Your principles were even, all at ${weakest.score}/5.`
      : `Strongest: ${strongest.principle} (${strongest.score}/5); most room to grow: ${weakest.principle} (${weakest.score}/5).`;
  const quotes = [...player].sort((a, b) => lineScore(b) - lineScore(a) || b.length - a.length).slice(0, 2);
  return {
    summary: `You played ${player.length} line${player.length === 1 ? '' : 's'} of ${game ?? 'improv'}. ${balance}`,
    strengths: quotes.map((quote) => ({ point: strengthPoint(quote), quote })),
    tryNext: [...new Set(ranked.slice(0, 2).map((item) => TIPS[item.principle]))],
    principles,
  };
}

function lineScore(text: string): number {
  return [YES_AND, SPECIFIC, JUSTIFY].filter((cue) => cue.test(text)).length + (text.includes('!') ? 1 : 0);
}

function strengthPoint(text: string): string {
  if (YES_AND.test(text)) return 'You accepted the offer and built on it.';
  if (JUSTIFY.test(text)) return 'You justified what was happening instead of ignoring it.';
  if (SPECIFIC.test(text)) return 'You brought in a specific detail.';
  return 'You committed to your line.';
}

function previousPartnerLine(lines: readonly PromptLine[], playerIndex: number): string {
  let seen = -1;
  let partner = '';
  for (const line of lines) {
    if (line.speaker === 'PARTNER') partner = line.text;
    if (line.speaker === 'PLAYER' && ++seen === playerIndex) return partner;
  }
  return '';
}

// ---- helpers --------------------------------------------------------------------------------------

function lastLine(lines: readonly PromptLine[], speaker: PromptLine['speaker']): string {
  return lines.filter((line) => line.speaker === speaker).at(-1)?.text ?? '';
}

function contentWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z]{4,}/g) ?? [];
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function meanLength(texts: readonly string[]): number {
  return texts.length === 0 ? 0 : texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
}

function partsText(parts: readonly { text?: unknown }[] | undefined): string {
  if (!Array.isArray(parts)) return '';
  return parts.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

function faultsFrom(pairs: readonly [string, string][]): RestFaults {
  const faults: RestFaults = { malformed: undefined, status: undefined, delayMs: 0 };
  for (const [key, value] of pairs) {
    const number = Number(value);
    if (key === 'malformed')
      faults.malformed = value === 'schema' ? 'schema' : value === '1' || value === 'true' ? 'truncated' : undefined;
    if (key === 'status' && Number.isInteger(number) && number >= 400 && number <= 599) faults.status = number;
    if (key === 'delayMs' && Number.isFinite(number) && number >= 0) faults.delayMs = Math.min(number, MAX_DELAY_MS);
  }
  return faults;
}

function statusName(code: number): string {
  if (code === 429) return 'RESOURCE_EXHAUSTED';
  if (code === 503) return 'UNAVAILABLE';
  if (code >= 500) return 'INTERNAL';
  return code === 403 ? 'PERMISSION_DENIED' : 'INVALID_ARGUMENT';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(response: ServerResponse, code: number, status: string, message: string): void {
  const body = JSON.stringify({ error: { code, message, status } });
  response.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' }).end(body);
}

/** FNV-1a, 32 bit. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
