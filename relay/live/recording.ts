// A Live scene as the service sent it, for the replay test (replay.ts): every server message with its arrival time,
// audio replaced by its byte length (a recording stays small and holds no voice), and the player's activity
// boundaries as the relay sent them. Written by `npm run smoke:gemini`; read by replay.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveServerMessage } from '@google/genai';

export const RECORDINGS_DIR = fileURLToPath(new URL('./recordings/', import.meta.url));

export type RecordedEvent =
  | { atMs: number; client: 'activityStart' | 'activityEnd'; utterance: number }
  | { atMs: number; server: LiveServerMessage };

export interface Recording {
  model: string;
  recordedAt: string;
  /** Where the messages came from: the real service, or the emulator's documented shapes with real habits. */
  source: string;
  events: RecordedEvent[];
  /** What the relay stored for the scene when it was recorded (player and partner lines, in order). */
  turns: { speaker: 'player' | 'partner'; text: string }[];
}

/** The message with each audio part's base64 data replaced by `bytes:N` (its decoded length). */
export function withoutAudio(message: LiveServerMessage): LiveServerMessage {
  const parts = message.serverContent?.modelTurn?.parts;
  if (!parts?.some((part) => part.inlineData?.data)) return message;
  const copy = structuredClone(message) as LiveServerMessage;
  for (const part of copy.serverContent!.modelTurn!.parts!) {
    const data = part.inlineData?.data;
    if (data) part.inlineData!.data = `bytes:${Buffer.byteLength(data, 'base64')}`;
  }
  return copy;
}

/** Silent PCM of the recorded length, back as base64, so the relay's audio path runs as it did. */
export function withSilentAudio(message: LiveServerMessage): LiveServerMessage {
  const parts = message.serverContent?.modelTurn?.parts;
  if (!parts?.some((part) => part.inlineData?.data?.startsWith('bytes:'))) return message;
  const copy = structuredClone(message) as LiveServerMessage;
  for (const part of copy.serverContent!.modelTurn!.parts!) {
    const data = part.inlineData?.data;
    if (data?.startsWith('bytes:')) part.inlineData!.data = Buffer.alloc(Number(data.slice(6))).toString('base64');
  }
  return copy;
}

export function loadRecordings(dir = RECORDINGS_DIR): { file: string; recording: Recording }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, recording: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Recording }));
}
