// The one Upstream implementation: the official @google/genai SDK's Live API. Pointed at Google with a key,
// or at relay/live-emulator through httpOptions.baseUrl offline; the code path is the same.
import { GoogleGenAI, type LiveConnectConfig, type LiveServerMessage, Modality, type Session } from '@google/genai';
import { AppError } from '../../shared/errors.js';
import { dispatchServerMessage } from './server-message.js';
import type { Upstream, UpstreamEvents, UpstreamFactory, UpstreamOptions, UpstreamTextTurn } from './upstream.js';

export interface GeminiUpstreamOptions {
  /** A real key for Google; any placeholder for the emulator. */
  apiKey: string;
  /** Only for the emulator (http://127.0.0.1:N); unset means Google's endpoint. */
  baseUrl?: string;
  model: string;
  /** Used when a session does not bring its own. */
  systemInstruction?: string;
  voiceName?: string;
  /** Upper bound for connect + setupComplete. */
  connectTimeoutMs?: number;
  /** Sees every server message as received (the smoke run records them, scripts/smoke-gemini.ts). */
  onServerMessage?: (message: LiveServerMessage, receivedAtMs: number) => void;
}

const UPLINK_MIME_TYPE = 'audio/pcm;rate=16000';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function liveConnectConfig(defaults: GeminiUpstreamOptions, options: UpstreamOptions): LiveConnectConfig {
  const voiceName = options.voiceName ?? defaults.voiceName;
  const systemInstruction = options.systemInstruction ?? defaults.systemInstruction;
  return {
    responseModalities: [Modality.AUDIO],
    // Turn-taking is decided once, by the client's VAD: its utterance start/end become activityStart/End.
    realtimeInputConfig: { automaticActivityDetection: { disabled: true } },
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    sessionResumption: options.resumptionHandle ? { handle: options.resumptionHandle } : {},
    // Scenes can outlast the native-audio context window; slide it instead of ending the session.
    contextWindowCompression: { slidingWindow: {} },
    ...(voiceName ? { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName } } } } : {}),
    ...(systemInstruction ? { systemInstruction } : {}),
  };
}

function describeClose(event: { code?: number; reason?: string } | undefined): string {
  return `code ${event?.code ?? 1006}${event?.reason ? `: ${event.reason}` : ''}`;
}

class GeminiUpstream implements Upstream {
  private closedByUs = false;

  constructor(private readonly session: Session) {}

  markClosing(): void {
    this.closedByUs = true;
  }

  get wasClosedByUs(): boolean {
    return this.closedByUs;
  }

  sendAudio(pcm: Buffer): void {
    this.session.sendRealtimeInput({ audio: { data: pcm.toString('base64'), mimeType: UPLINK_MIME_TYPE } });
  }

  activityStart(): void {
    this.session.sendRealtimeInput({ activityStart: {} });
  }

  activityEnd(): void {
    this.session.sendRealtimeInput({ activityEnd: {} });
  }

  sendClientContent(turns: UpstreamTextTurn[], turnComplete: boolean): void {
    this.session.sendClientContent({ turns, turnComplete });
  }

  close(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.session.close();
  }
}

export function createGeminiUpstreamFactory(defaults: GeminiUpstreamOptions): UpstreamFactory {
  const ai = new GoogleGenAI({
    apiKey: defaults.apiKey,
    ...(defaults.baseUrl ? { httpOptions: { baseUrl: defaults.baseUrl } } : {}),
  });

  return async (events: UpstreamEvents, options: UpstreamOptions): Promise<Upstream> => {
    let upstream: GeminiUpstream | null = null;
    let closeReported = false;
    const reportClose = (reason: string) => {
      if (closeReported) return;
      closeReported = true;
      events.onClose(reason, !(upstream?.wasClosedByUs ?? false));
    };
    const connecting = ai.live.connect({
      model: defaults.model,
      config: liveConnectConfig(defaults, options),
      callbacks: {
        // The SDK holds messages that arrive before setupComplete and replays them before connect resolves.
        onmessage: (message: LiveServerMessage) => {
          const receivedAtMs = performance.now();
          defaults.onServerMessage?.(message, receivedAtMs);
          dispatchServerMessage(message, events, receivedAtMs);
        },
        // Before connect resolves, a failure rejects connect instead; report only afterwards.
        onerror: (event: { message?: string }) => {
          if (upstream) reportClose(`upstream error: ${event?.message ?? 'WebSocket error'}`);
        },
        onclose: (event: { code?: number; reason?: string }) => {
          if (upstream) reportClose(describeClose(event));
        },
      },
    });
    const timeoutMs = defaults.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no setupComplete within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const session = await Promise.race([connecting, timeout]);
      upstream = new GeminiUpstream(session);
      return upstream;
    } catch (error) {
      // A connect that completes after the timeout must not leak a live socket.
      connecting.then((late) => late.close()).catch(() => {});
      const message = (error as Error).message ?? String(error);
      const code = /quota|RESOURCE_EXHAUSTED|429/i.test(message) ? 'upstream.quota' : 'upstream.unavailable';
      throw new AppError(code, `could not open the Live session: ${message}`, 503);
    } finally {
      clearTimeout(timer);
    }
  };
}
