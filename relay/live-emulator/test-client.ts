// Test helper: the real @google/genai SDK connected to an emulator, with its messages recorded and
// awaitable conditions (never sleeps standing in for them).
import { GoogleGenAI, type LiveConnectConfig, type LiveServerMessage, Modality, type Session } from '@google/genai';

export interface RecordedClose {
  code: number;
  reason: string;
}

export interface TestLiveClient {
  session: Session;
  messages: LiveServerMessage[];
  /** Resolves with the first message (already received or future) that matches. */
  waitFor(predicate: (message: LiveServerMessage) => boolean, timeoutMs?: number): Promise<LiveServerMessage>;
  closed: Promise<RecordedClose>;
}

export const TEST_CONFIG: LiveConnectConfig = {
  responseModalities: [Modality.AUDIO],
  speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
  systemInstruction: 'You are an improv scene partner.',
  realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  sessionResumption: {},
};

export async function connectTestClient(
  baseUrl: string,
  { model = 'gemini-live-emulator', config = TEST_CONFIG, apiKey = 'emulator' } = {},
): Promise<TestLiveClient> {
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
  const messages: LiveServerMessage[] = [];
  const waiters = new Set<() => void>();
  let onClose: (close: RecordedClose) => void = () => {};
  const closed = new Promise<RecordedClose>((resolve) => {
    onClose = resolve;
  });
  const session = await ai.live.connect({
    model,
    config,
    callbacks: {
      onmessage: (message) => {
        messages.push(message);
        for (const wake of [...waiters]) wake();
      },
      onclose: (event) => onClose({ code: event.code, reason: event.reason }),
    },
  });
  const waitFor = (predicate: (message: LiveServerMessage) => boolean, timeoutMs = 10_000) =>
    new Promise<LiveServerMessage>((resolve, reject) => {
      let checked = 0;
      const check = (): void => {
        for (; checked < messages.length; checked++) {
          const message = messages[checked]!;
          if (predicate(message)) {
            cleanup();
            resolve(message);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching Live message within ${timeoutMs} ms (got ${messages.length})`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { session, messages, waitFor, closed };
}

/** PCM16 LE mono: a 220 Hz tone standing in for the player's voice (content is not recognized anyway). */
export function playerSpeechPcm(durationMs: number, sampleRateHz = 16_000): Buffer {
  const samples = Math.round((sampleRateHz * durationMs) / 1000);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++)
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / sampleRateHz)), i * 2);
  return pcm;
}

/** Sends one player turn the way the relay does: activityStart, 20 ms audio chunks, activityEnd. */
export function sendPlayerTurn(session: Session, durationMs: number, { end = true } = {}): void {
  session.sendRealtimeInput({ activityStart: {} });
  const pcm = playerSpeechPcm(durationMs);
  const chunkBytes = 640; // 20 ms at 16 kHz
  for (let offset = 0; offset < pcm.length; offset += chunkBytes) {
    session.sendRealtimeInput({
      audio: { data: pcm.subarray(offset, offset + chunkBytes).toString('base64'), mimeType: 'audio/pcm;rate=16000' },
    });
  }
  if (end) session.sendRealtimeInput({ activityEnd: {} });
}

export function rmsOf(pcm: Buffer): number {
  let sum = 0;
  const samples = pcm.length / 2;
  for (let i = 0; i < samples; i++) sum += pcm.readInt16LE(i * 2) ** 2;
  return Math.sqrt(sum / Math.max(1, samples));
}

export const isTurnComplete = (message: LiveServerMessage): boolean => message.serverContent?.turnComplete === true;
