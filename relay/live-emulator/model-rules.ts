// What gemini-3.8-live refuses, as its migration notes state (ai.google.dev/gemini-api/docs/models/gemini-3.8-live,
// checked 2026-12-03), so the emulator closes exactly where the service does and a relay that drifts from the
// protocol fails a test:
//  - a setup naming a model the service does not serve for bidiGenerateContent (retired, or a text/TTS model);
//  - a thinking level (`thinkingConfig`), `proactivity.proactiveAudio: false`, `enableAffectiveDialog`, and
//    response modalities other than AUDIO;
//  - clientContent turns without an explicit role (`user` or `model`).
import { bareModelName, MODEL_CATALOG, notFoundMessage, RETIRED_MODELS } from './models.js';
import { type ClientContentMessage, CloseCode, type SetupMessage } from './protocol.js';

export interface Refusal {
  code: number;
  reason: string;
}

/** Why the service would refuse this setup, or undefined. Unknown model names are the emulator's own (tests). */
export function setupRefusal(setup: SetupMessage): Refusal | undefined {
  const name = bareModelName(setup.model);
  const catalog = MODEL_CATALOG[name];
  if (RETIRED_MODELS.has(name) || (catalog && !catalog.supportedGenerationMethods.includes('bidiGenerateContent'))) {
    return { code: CloseCode.policyViolation, reason: notFoundMessage(name, 'v1beta', 'bidiGenerateContent') };
  }
  const loose = setup as SetupMessage & {
    generationConfig?: { thinkingConfig?: unknown; enableAffectiveDialog?: unknown };
    proactivity?: { proactiveAudio?: unknown };
  };
  if (loose.generationConfig?.thinkingConfig !== undefined) {
    return invalid('thinking_level (thinking_config) is not supported by this model; omit it from the setup.');
  }
  if (loose.generationConfig?.enableAffectiveDialog !== undefined) {
    return invalid('enable_affective_dialog has been removed from the API.');
  }
  if (loose.proactivity?.proactiveAudio === false) {
    return invalid('proactive_audio is always on for this model; proactive_audio: false is not supported.');
  }
  const modalities = setup.generationConfig?.responseModalities ?? [];
  if (modalities.some((modality) => modality !== 'AUDIO')) {
    return invalid('The only supported response modality is AUDIO; enable output audio transcription for text.');
  }
  return undefined;
}

/** Why the service would refuse this client content, or undefined. */
export function clientContentRefusal(content: ClientContentMessage): Refusal | undefined {
  for (const turn of content.turns ?? []) {
    if (turn.role !== 'user' && turn.role !== 'model') {
      return invalid(`Each clientContent turn needs an explicit role, user or model (got ${turn.role ?? 'none'}).`);
    }
  }
  return undefined;
}

function invalid(detail: string): Refusal {
  return { code: CloseCode.invalidPayload, reason: `Request contains an invalid argument. ${detail}` };
}
