// The startup check: before taking a scene, ask the service (`models.get` through @google/genai) whether each
// configured model exists and supports what the relay calls on it. A retired or mistyped model would otherwise
// fail only when the first player speaks; here the relay refuses to start and names the variable to fix.
import { ApiError, type GoogleGenAI } from '@google/genai';
import type { ModelMethod } from './models.js';

export interface ConfiguredModel {
  name: string;
  /** The variable an operator changes to fix it. */
  envVar: string;
  method: ModelMethod;
}

const CHECK_TIMEOUT_MS = 10_000;

/** Problems in words an operator can act on; empty when every model is fine. */
export async function checkModels(ai: GoogleGenAI, models: readonly ConfiguredModel[]): Promise<string[]> {
  const problems = await Promise.all(models.map((model) => checkModel(ai, model)));
  return problems.filter((problem): problem is string => problem !== null);
}

async function checkModel(ai: GoogleGenAI, model: ConfiguredModel): Promise<string | null> {
  const setting = `${model.envVar}=${model.name}`;
  let supportedActions: string[] | undefined;
  try {
    const found = await ai.models.get({
      model: model.name,
      config: { abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS) },
    });
    supportedActions = found.supportedActions;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return `${setting}: the service has no such model (retired or mistyped); set ${model.envVar} to a current model (see docs/models.md)`;
    }
    if (error instanceof ApiError && (error.status === 400 || error.status === 401 || error.status === 403)) {
      return `${setting}: the service refused the credentials (HTTP ${error.status}); check GEMINI_API_KEY or the Vertex AI project's access`;
    }
    const reason = error instanceof Error ? error.message.slice(0, 200) : String(error);
    return `${setting}: could not ask the service about the model (${reason})`;
  }
  // Vertex AI's publisher models do not list their methods: existence is all it can confirm.
  if (supportedActions && supportedActions.length > 0 && !supportedActions.includes(model.method)) {
    return `${setting}: the model does not support ${model.method} (it supports ${supportedActions.join(', ')}); set ${model.envVar} to a model that does (see docs/models.md)`;
  }
  return null;
}
