import { ActivityHandling, type LiveServerMessage } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPROV_LINES } from './script.js';
import { type LiveEmulator, startLiveEmulator } from './server.js';
import { connectTestClient, isTurnComplete, rmsOf, sendPlayerTurn, TEST_CONFIG } from './test-client.js';

function replyAudio(messages: LiveServerMessage[]): { pcm: Buffer; mimeTypes: Set<string> } {
  const chunks: Buffer[] = [];
  const mimeTypes = new Set<string>();
  for (const message of messages) {
    for (const part of message.serverContent?.modelTurn?.parts ?? []) {
      if (!part.inlineData?.data) continue;
      chunks.push(Buffer.from(part.inlineData.data, 'base64'));
      mimeTypes.add(part.inlineData.mimeType ?? '');
    }
  }
  return { pcm: Buffer.concat(chunks), mimeTypes };
}

function outputTranscript(messages: LiveServerMessage[]): string {
  return messages.map((message) => message.serverContent?.outputTranscription?.text ?? '').join('');
}

describe('live emulator turns (real @google/genai SDK)', () => {
  let emulator: LiveEmulator;
  beforeAll(async () => {
    emulator = await startLiveEmulator({ thinkMs: 0, realtime: false, seed: 7, warmVoices: [] });
  });
  afterAll(() => emulator.close());

  it('completes the setup handshake and records the config', async () => {
    const client = await connectTestClient(emulator.url);
    expect(client.session.setupComplete).toBeDefined();
    const update = await client.waitFor((message) => message.sessionResumptionUpdate !== undefined);
    expect(update.sessionResumptionUpdate?.resumable).toBe(true);
    expect(update.sessionResumptionUpdate?.newHandle).toMatch(/^emu-/);
    const setup = emulator.setups.at(-1)!;
    expect(setup).toMatchObject({
      model: 'models/gemini-live-emulator',
      systemInstruction: 'You are an improv scene partner.',
      voiceName: 'Puck',
      automaticActivityDetectionDisabled: true,
      inputAudioTranscription: true,
      outputAudioTranscription: true,
      sessionResumption: true,
    });
    client.session.close();
  });

  it('answers a player turn with speech, transcripts, turnComplete and usage', async () => {
    const client = await connectTestClient(emulator.url);
    const playerMs = 2_000;
    sendPlayerTurn(client.session, playerMs);
    const usageMessage = await client.waitFor((message) => message.usageMetadata !== undefined);
    const { messages } = client;

    const inputTranscript = messages.find((message) => message.serverContent?.inputTranscription);
    expect(inputTranscript?.serverContent?.inputTranscription?.text).toBe('(player speech, 2.0 s)');

    const { pcm, mimeTypes } = replyAudio(messages);
    expect([...mimeTypes]).toEqual(['audio/pcm;rate=24000']);
    const replyMs = (pcm.length / 2 / 24_000) * 1000;
    // A scripted line spoken by espeak lasts a couple of seconds, not a blip and not a minute.
    expect(replyMs).toBeGreaterThan(1_000);
    expect(replyMs).toBeLessThan(8_000);
    expect(rmsOf(pcm)).toBeGreaterThan(500);

    const transcript = outputTranscript(messages);
    expect(IMPROV_LINES).toContain(transcript);

    const order = (predicate: (message: LiveServerMessage) => boolean) => messages.findIndex(predicate);
    const firstAudio = order((message) => message.serverContent?.modelTurn !== undefined);
    const generationComplete = order((message) => message.serverContent?.generationComplete === true);
    const turnComplete = order(isTurnComplete);
    const usage = order((message) => message.usageMetadata !== undefined);
    expect(order((message) => message.serverContent?.inputTranscription !== undefined)).toBeLessThan(firstAudio);
    expect(firstAudio).toBeLessThan(generationComplete);
    expect(generationComplete).toBeLessThan(turnComplete);
    expect(turnComplete).toBeLessThan(usage);

    // 32 tokens per second of audio each way (the documented rate); the prompt also holds the system instruction as text.
    const metadata = usageMessage.usageMetadata!;
    const audioIn = metadata.promptTokensDetails?.find((detail) => detail.modality === 'AUDIO')?.tokenCount;
    const textIn = metadata.promptTokensDetails?.find((detail) => detail.modality === 'TEXT')?.tokenCount;
    const audioOut = metadata.responseTokensDetails?.find((detail) => detail.modality === 'AUDIO')?.tokenCount;
    expect(audioIn).toBe(64);
    expect(textIn).toBe(Math.ceil('You are an improv scene partner.'.length / 4));
    expect(audioOut).toBe(Math.ceil((replyMs / 1000) * 32));
    expect(metadata.promptTokenCount).toBe(audioIn! + textIn!);
    expect(metadata.responseTokenCount).toBe(audioOut);
    expect(metadata.totalTokenCount).toBe(metadata.promptTokenCount! + metadata.responseTokenCount!);

    // A second turn is billed for the accumulated context: both player turns plus the first reply.
    const before = messages.length;
    sendPlayerTurn(client.session, 1_000);
    const second = await client.waitFor(
      (message) => message.usageMetadata !== undefined && client.messages.indexOf(message) >= before,
    );
    const secondAudioIn = second.usageMetadata?.promptTokensDetails?.find((d) => d.modality === 'AUDIO')?.tokenCount;
    expect(secondAudioIn).toBe(64 + audioOut! + 32);
    client.session.close();
  });

  it('ignores an activity with no audio, and stage directions without turnComplete', async () => {
    const client = await connectTestClient(emulator.url);
    client.session.sendRealtimeInput({ activityStart: {} });
    client.session.sendRealtimeInput({ activityEnd: {} });
    client.session.sendClientContent({ turns: 'Stage direction: the lights dim.', turnComplete: false });
    // Then a text turn that does ask for a reply: the only turn the client sees is that one.
    client.session.sendClientContent({ turns: 'MC: Scene! Begin at the bakery.', turnComplete: true });
    const usage = await client.waitFor((message) => message.usageMetadata !== undefined);
    expect(client.messages.filter(isTurnComplete)).toHaveLength(1);
    const textIn = usage.usageMetadata?.promptTokensDetails?.find((detail) => detail.modality === 'TEXT')?.tokenCount;
    const expectedText = [
      'You are an improv scene partner.',
      'Stage direction: the lights dim.',
      'MC: Scene! Begin at the bakery.',
    ]
      .map((text) => Math.ceil(text.length / 4))
      .reduce((a, b) => a + b);
    expect(textIn).toBe(expectedText);
    expect(client.messages.some((message) => message.serverContent?.inputTranscription)).toBe(false);
    expect(replyAudio(client.messages).pcm.length).toBeGreaterThan(0);
    client.session.close();
  });

  it('barge-in during think time interrupts the reply, unless activityHandling is NO_INTERRUPTION', async () => {
    // thinkMs=300 for these connections only, through the model name.
    const model = 'gemini-live-emulator;thinkMs=300';
    const interrupting = await connectTestClient(emulator.url, { model });
    sendPlayerTurn(interrupting.session, 300);
    interrupting.session.sendRealtimeInput({ activityStart: {} });
    await interrupting.waitFor((message) => message.serverContent?.interrupted === true);
    await interrupting.waitFor(isTurnComplete);
    expect(replyAudio(interrupting.messages).pcm.length).toBe(0);
    interrupting.session.close();

    const patient = await connectTestClient(emulator.url, {
      model,
      config: {
        ...TEST_CONFIG,
        realtimeInputConfig: { ...TEST_CONFIG.realtimeInputConfig, activityHandling: ActivityHandling.NO_INTERRUPTION },
      },
    });
    sendPlayerTurn(patient.session, 300);
    patient.session.sendRealtimeInput({ activityStart: {} });
    await patient.waitFor(isTurnComplete);
    expect(patient.messages.some((message) => message.serverContent?.interrupted)).toBe(false);
    expect(replyAudio(patient.messages).pcm.length).toBeGreaterThan(24_000);
    patient.session.close();
  });
});
