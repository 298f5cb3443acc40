// The one way the relay builds its @google/genai client: an API key (Gemini Developer API), Vertex AI with
// Application Default Credentials, or the local emulator. Live, TTS, text and the startup check share it.
import { GoogleGenAI, type GoogleGenAIOptions } from '@google/genai';

export interface GenAiTarget {
  /** Gemini Developer API key; with no key and no Vertex project, the emulator. */
  apiKey?: string;
  /** The emulator (http://127.0.0.1:N); unset for Google. */
  baseUrl?: string;
}

export function genAiOptions(target: GenAiTarget): GoogleGenAIOptions {
  return {
    apiKey: target.apiKey ?? 'emulator',
    ...(target.baseUrl ? { httpOptions: { baseUrl: target.baseUrl } } : {}),
  };
}

export function createGenAi(target: GenAiTarget): GoogleGenAI {
  return new GoogleGenAI(genAiOptions(target));
}
