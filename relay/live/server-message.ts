// Maps one Live server message onto UpstreamEvents. Pure, so both real Gemini and emulator traffic go through
// exactly this code, and tests can feed it literal messages.
import type { LiveServerMessage, ModalityTokenCount, UsageMetadata } from '@google/genai';
import type { UpstreamEvents, UpstreamUsage } from './upstream.js';

/** Live durations are protobuf JSON strings such as "10s" or "0.5s". */
export function parseDurationMs(duration: string | undefined): number {
  if (!duration) return 0;
  const match = /^(-?\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return match ? Math.max(0, Math.round(Number(match[1]) * 1000)) : 0;
}

function tokens(details: ModalityTokenCount[] | undefined, modality: string): number {
  let sum = 0;
  for (const detail of details ?? []) if (detail.modality === modality) sum += detail.tokenCount ?? 0;
  return sum;
}

export function toUpstreamUsage(usage: UsageMetadata): UpstreamUsage {
  // Thinking is reported beside the modality details (thoughtsTokenCount, not in responseTokensDetails) and
  // billed as output text, so it is counted there; totalTokenCount already includes it.
  const thinkingTokens = usage.thoughtsTokenCount ?? 0;
  return {
    inputAudioTokens: tokens(usage.promptTokensDetails, 'AUDIO'),
    outputAudioTokens: tokens(usage.responseTokensDetails, 'AUDIO'),
    inputTextTokens: tokens(usage.promptTokensDetails, 'TEXT'),
    outputTextTokens: tokens(usage.responseTokensDetails, 'TEXT') + thinkingTokens,
    thinkingTokens,
    totalTokens: usage.totalTokenCount ?? 0,
  };
}

export function dispatchServerMessage(message: LiveServerMessage, events: UpstreamEvents, receivedAtMs: number): void {
  const content = message.serverContent;
  if (content) {
    // Interruption first: anything after it in this message belongs to no turn the player should hear.
    if (content.interrupted) events.onInterrupted();
    for (const part of content.modelTurn?.parts ?? []) {
      const data = part.inlineData?.data;
      if (data && part.inlineData?.mimeType?.startsWith('audio/')) {
        events.onAudio(Buffer.from(data, 'base64'), receivedAtMs);
      }
    }
    if (content.inputTranscription?.text) events.onInputTranscript(content.inputTranscription.text);
    if (content.outputTranscription?.text) events.onOutputTranscript(content.outputTranscription.text);
    if (content.turnComplete) events.onTurnComplete();
  }
  if (message.usageMetadata) events.onUsage(toUpstreamUsage(message.usageMetadata));
  if (message.sessionResumptionUpdate?.resumable && message.sessionResumptionUpdate.newHandle) {
    events.onResumptionHandle(message.sessionResumptionUpdate.newHandle);
  }
  if (message.goAway) events.onGoAway(parseDurationMs(message.goAway.timeLeft));
}
