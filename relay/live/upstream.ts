// What a session needs from Gemini Live. The real implementation wraps @google/genai's
// `ai.live.connect`; offline the same code is pointed at relay/live-emulator (never a mock).

export interface UpstreamUsage {
  inputAudioTokens: number;
  outputAudioTokens: number;
  inputTextTokens: number;
  /** Text out, thinking included: Google bills thinking as output text. */
  outputTextTokens: number;
  /** Of which thinking (usageMetadata.thoughtsTokenCount); 0 for models that do not think. */
  thinkingTokens?: number;
  totalTokens: number;
}

export interface UpstreamEvents {
  /** PCM16 little-endian mono at DOWNLINK_SAMPLE_RATE_HZ; `receivedAtMs` is performance.now() when it arrived. */
  onAudio(pcm: Buffer, receivedAtMs: number): void;
  /** Transcript of the player's speech (Live inputTranscription); appended pieces. */
  onInputTranscript(text: string): void;
  /** Transcript of the partner's speech (Live outputTranscription); appended pieces. */
  onOutputTranscript(text: string): void;
  /** The model finished its turn (turnComplete). */
  onTurnComplete(): void;
  /** The model's reply was cut short because the player started speaking. */
  onInterrupted(): void;
  onUsage(usage: UpstreamUsage): void;
  /** The server will close soon; reconnect with the latest handle before `timeLeftMs` runs out. */
  onGoAway(timeLeftMs: number): void;
  onResumptionHandle(handle: string): void;
  /** The upstream connection ended; `abnormal` when it was not closed by us. */
  onClose(reason: string, abnormal: boolean): void;
}

export interface UpstreamOptions {
  systemInstruction?: string;
  voiceName?: string;
  resumptionHandle?: string;
}

/** One text turn of Live client content (e.g. a director's note). */
export interface UpstreamTextTurn {
  role: 'user' | 'model';
  parts: Array<{ text: string }>;
}

export interface Upstream {
  /** PCM16 little-endian mono at UPLINK_SAMPLE_RATE_HZ. */
  sendAudio(pcm: Buffer): void;
  activityStart(): void;
  activityEnd(): void;
  /**
   * Live client content mid-session. `turnComplete: false` only adds the turns to the context (no reply is
   * forced): that is how the relay hands the partner a stage direction without reconnecting.
   */
  sendClientContent(turns: UpstreamTextTurn[], turnComplete: boolean): void;
  close(): void;
}

export type UpstreamFactory = (events: UpstreamEvents, options: UpstreamOptions) => Promise<Upstream>;
