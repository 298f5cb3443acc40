// The shape of the text prompts the stage sends to the text model, shared with the live emulator's REST
// handler so its offline answers can depend on what was said:
//  - the system instruction starts with AUDIENCE_PROMPT_MARKER or COACH_PROMPT_MARKER (which call it is);
//  - the user content holds `GAME: <name>` and then one line per utterance, `PLAYER: …` / `PARTNER: …` /
//    `AUDIENCE: …`, each on a single line (newlines inside an utterance are flattened).
// A real Gemini model just reads these as part of the prompt.

export const AUDIENCE_PROMPT_MARKER = '[[improv-stage:audience v1]]';
export const COACH_PROMPT_MARKER = '[[improv-stage:coach v1]]';

export type PromptSpeaker = 'PLAYER' | 'PARTNER' | 'AUDIENCE';

export interface PromptLine {
  speaker: PromptSpeaker;
  text: string;
}

/** Long utterances are cut so one runaway transcript cannot blow the prompt up. */
export const MAX_PROMPT_LINE_CHARS = 1_000;

export function formatPromptLine(speaker: PromptSpeaker, text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim().slice(0, MAX_PROMPT_LINE_CHARS);
  return `${speaker}: ${flat}`;
}

export function formatGameLine(gameName: string): string {
  return `GAME: ${gameName.replace(/\s+/g, ' ').trim()}`;
}

const LINE_PATTERN = /^(PLAYER|PARTNER|AUDIENCE): (.*)$/;

/** The utterance lines of a prompt, in order; other lines are ignored. */
export function parsePromptLines(prompt: string): PromptLine[] {
  const lines: PromptLine[] = [];
  for (const raw of prompt.split('\n')) {
    const match = LINE_PATTERN.exec(raw.trim());
    if (match) lines.push({ speaker: match[1] as PromptSpeaker, text: match[2]!.trim() });
  }
  return lines;
}

export function parseGameName(prompt: string): string | undefined {
  return /^GAME: (.+)$/m.exec(prompt)?.[1]?.trim();
}
