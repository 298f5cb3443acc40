// The emulator's `GET /v1beta/models/{model}` (what `ai.models.get` sends): the catalog of models the relay may be
// configured with, in the service's shape (supportedGenerationMethods, which the SDK maps to supportedActions),
// and the service's 404 for anything it does not serve, retired models included. The relay's startup check
// (relay/live/model-check.ts) is tested against this.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIVE_MODEL, TEXT_MODEL, TTS_MODEL } from '../live/models.js';

export interface CatalogModel {
  displayName: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: readonly string[];
}

/** As the service lists them (token limits from each model's page, checked 2026-12-03). */
export const MODEL_CATALOG: Readonly<Record<string, CatalogModel>> = {
  [LIVE_MODEL.name]: {
    displayName: 'Gemini 3.8 Live',
    inputTokenLimit: 131_072,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['bidiGenerateContent'],
  },
  'gemini-3.8-live-extended-thinking': {
    displayName: 'Gemini 3.8 Live Extended Thinking',
    inputTokenLimit: 131_072,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['bidiGenerateContent'],
  },
  [TTS_MODEL.name]: {
    displayName: 'Gemini 3.8 Flash-Lite TTS',
    inputTokenLimit: 8_192,
    outputTokenLimit: 16_384,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  },
  'gemini-3.8-flash-tts': {
    displayName: 'Gemini 3.8 Flash TTS',
    inputTokenLimit: 8_192,
    outputTokenLimit: 16_384,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  },
  [TEXT_MODEL.name]: {
    displayName: 'Gemini 3.5 Flash-Lite',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
  },
  'gemini-3.8-flash': {
    displayName: 'Gemini 3.8 Flash',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
  },
};

/**
 * Shut down, so the service answers 404 for them (ai.google.dev/gemini-api/docs/deprecations, checked
 * 2026-12-03): the Live emulator refuses a setup naming one, as the service does.
 */
export const RETIRED_MODELS: ReadonlySet<string> = new Set([
  'gemini-2.0-flash-live-001',
  'gemini-live-2.5-flash-preview',
  'gemini-2.5-flash',
  'gemini-2.0-flash',
  'gemini-2.5-flash-preview-tts',
  'gemini-2.5-flash-native-audio-preview-09-2025',
]);

const GET_MODEL_PATH = /^\/+(v1beta|v1alpha|v1)\/models\/([^/:]+)$/;

/** The message the service gives for a model it does not serve (REST 404 and Live's setup refusal alike). */
export function notFoundMessage(model: string, version: string, method: string): string {
  return (
    `models/${model} is not found for API version ${version}, or is not supported for ${method}. ` +
    'Call ListModels to see the list of available models and their supported methods.'
  );
}

/** The catalog entry for a model name (`models/` prefix and `;test-knobs` ignored), or undefined. */
export function catalogEntry(model: string): CatalogModel | undefined {
  const name = bareModelName(model);
  return RETIRED_MODELS.has(name) ? undefined : MODEL_CATALOG[name];
}

export function bareModelName(model: string): string {
  return (model.split(';')[0] ?? '').replace(/^models\//, '');
}

/** Answers `GET …/models/{model}`; false when the request is not one (the caller handles it). */
export function handleGetModel(request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(`http://emulator${request.url ?? '/'}`);
  const match = GET_MODEL_PATH.exec(url.pathname);
  if (request.method !== 'GET' || !match) return false;
  request.resume();
  const [, version = 'v1beta', rawName = ''] = match;
  const name = bareModelName(decodeURIComponent(rawName));
  const apiKey = request.headers['x-goog-api-key'] ?? url.searchParams.get('key');
  if (!apiKey) {
    sendJson(response, 403, googleError(403, 'PERMISSION_DENIED', 'Method doesn’t allow unregistered callers.'));
    return true;
  }
  const entry = catalogEntry(name);
  if (!entry) {
    sendJson(response, 404, googleError(404, 'NOT_FOUND', notFoundMessage(name, version, 'get')));
    return true;
  }
  sendJson(response, 200, {
    name: `models/${name}`,
    version: '001',
    displayName: entry.displayName,
    description: `${entry.displayName} (Live emulator catalog)`,
    inputTokenLimit: entry.inputTokenLimit,
    outputTokenLimit: entry.outputTokenLimit,
    supportedGenerationMethods: [...entry.supportedGenerationMethods],
  });
  return true;
}

function googleError(code: number, status: string, message: string): object {
  return { error: { code, message, status } };
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
