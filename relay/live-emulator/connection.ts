// One BidiGenerateContent WebSocket: setup, realtime input turns, client content, barge-in,
// resumption and injected faults. A failure here closes this connection only.
import { UPLINK_SAMPLE_RATE_HZ } from '../../shared/constants.js';
import type { Conversation, ConversationStore } from './conversations.js';
import { planHabits } from './habits.js';
import { clientContentRefusal, setupRefusal } from './model-rules.js';
import { applyOverrides, type ConnectionOptions, semicolonPairs } from './options.js';
import {
  type ClientContentMessage,
  CloseCode,
  parseClientMessage,
  type RealtimeInputMessage,
  type SetupMessage,
} from './protocol.js';
import { ReplyStream, type ServerMessage, transcriptPieces } from './reply.js';
import { pickSceneLine } from './script.js';
import type { SpeechSynthesizer } from './tts.js';
import { audioTokensFor, type SlidingWindowConfig, textTokensFor, usageForTurn } from './usage.js';

/** The setup a connection was opened with, as the emulator understood it. */
export interface RecordedSetup {
  model: string;
  systemInstruction: string | undefined;
  voiceName: string | undefined;
  automaticActivityDetectionDisabled: boolean;
  /** False when realtimeInputConfig.activityHandling is NO_INTERRUPTION. */
  bargeInInterrupts: boolean;
  inputAudioTranscription: boolean;
  outputAudioTranscription: boolean;
  sessionResumption: boolean;
  resumedFromHandle: string | undefined;
  contextWindowCompression: SlidingWindowConfig | undefined;
}

/** A clientContent message as received (tests check the relay's mid-session stage directions). */
export interface RecordedClientContent {
  /** The text parts of all turns, joined. */
  text: string;
  /** Each turn's role, in order. */
  roles: string[];
  turnComplete: boolean;
  /** The connection owed the player a reply that had not begun: this content held it back (the partner waits). */
  heldReply: boolean;
}

/** The socket surface a connection needs (ws.WebSocket satisfies it). */
export interface LiveSocket {
  readonly readyState: number;
  send(data: Buffer): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface ConnectionContext {
  synthesizer: SpeechSynthesizer;
  conversations: ConversationStore;
  onSetup(setup: RecordedSetup): void;
  onClientContent?(content: RecordedClientContent): void;
  log(line: string): void;
}

const SOCKET_OPEN = 1;
/** Live's default sliding-window trigger is 80% of the model's context; a round figure is enough here. */
const DEFAULT_TRIGGER_TOKENS = 25_600;
const MAX_CLOSE_REASON_BYTES = 123;
/** Upcoming lines synthesized ahead of need, so a reply rarely waits on espeak. */
const LINES_WARMED_AHEAD = 2;

export class LiveConnection {
  private setup: RecordedSetup | undefined;
  private options: ConnectionOptions;
  private conversation: Conversation | undefined;
  private activity: { audioMs: number } | undefined;
  private pendingTextTokens = 0;
  private reply: ReplyStream | undefined;
  /** Settles when the latest reply has sent its turnComplete; the next reply starts after it. */
  private replyDone: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    private readonly socket: LiveSocket,
    options: ConnectionOptions,
    private readonly context: ConnectionContext,
  ) {
    this.options = options;
  }

  onFrame(frame: string): void {
    if (this.closed) return;
    const parsed = parseClientMessage(frame);
    if (!parsed.ok) {
      this.fail(CloseCode.invalidPayload, parsed.reason);
      return;
    }
    const message = parsed.message;
    if ('setup' in message) this.onSetup(message.setup);
    else if (!this.setup) this.fail(CloseCode.invalidPayload, 'The first message must be setup.');
    else if ('realtimeInput' in message) this.onRealtimeInput(message.realtimeInput);
    else if ('clientContent' in message) this.onClientContent(message.clientContent);
    // toolResponse / contextUpdate: accepted, nothing to do.
  }

  /** The socket closed (either side): stop everything this connection started. */
  onClosed(): void {
    this.closed = true;
    this.reply?.cancel();
    this.reply = undefined;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private onSetup(setup: SetupMessage): void {
    if (this.setup) {
      this.fail(CloseCode.invalidPayload, 'setup may be sent only once per connection.');
      return;
    }
    const refusal = setupRefusal(setup);
    if (refusal) {
      this.fail(refusal.code, refusal.reason);
      return;
    }
    this.options = applyOverrides(this.options, semicolonPairs(setup.model));
    const handle = setup.sessionResumption?.handle;
    if (handle) {
      const resumed = this.options.refuseResumption ? undefined : this.context.conversations.find(handle);
      if (!resumed) {
        this.fail(CloseCode.policyViolation, 'Session resumption handle is invalid or expired.');
        return;
      }
      this.conversation = resumed;
    } else {
      this.conversation = this.context.conversations.create();
    }
    const compression = setup.contextWindowCompression;
    this.setup = {
      model: setup.model,
      systemInstruction: setup.systemInstruction?.parts?.map((part) => part.text ?? '').join('') || undefined,
      voiceName: setup.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName,
      automaticActivityDetectionDisabled: setup.realtimeInputConfig?.automaticActivityDetection?.disabled === true,
      bargeInInterrupts: setup.realtimeInputConfig?.activityHandling !== 'NO_INTERRUPTION',
      inputAudioTranscription: setup.inputAudioTranscription !== undefined,
      outputAudioTranscription: setup.outputAudioTranscription !== undefined,
      sessionResumption: setup.sessionResumption !== undefined,
      resumedFromHandle: handle,
      contextWindowCompression: compression && {
        triggerTokens: compression.triggerTokens ?? DEFAULT_TRIGGER_TOKENS,
        targetTokens:
          compression.slidingWindow?.targetTokens ?? (compression.triggerTokens ?? DEFAULT_TRIGGER_TOKENS) / 2,
      },
    };
    if (!handle && this.setup.systemInstruction) {
      this.conversation.context.systemInstructionTokens = textTokensFor(this.setup.systemInstruction);
    }
    this.context.onSetup(this.setup);
    this.warmUpcomingLines();
    this.send({ setupComplete: {} });
    this.sendResumptionUpdate();
    this.startFaultTimers();
  }

  private onRealtimeInput(input: RealtimeInputMessage): void {
    if (input.activityStart) {
      // Barge-in: the player talks over the partner, so the partner stops at once.
      if (this.reply && this.setup?.bargeInInterrupts) this.interruptReply();
      this.activity = { audioMs: 0 };
    }
    for (const blob of [...(input.audio ? [input.audio] : []), ...(input.mediaChunks ?? [])]) {
      if (!blob.mimeType.startsWith('audio/pcm')) continue;
      // Audio outside an activity is not part of any turn (the relay only sends speech).
      if (!this.activity) continue;
      const sampleRateHz = Number(/rate=(\d+)/.exec(blob.mimeType)?.[1] ?? UPLINK_SAMPLE_RATE_HZ);
      const bytes = Buffer.byteLength(blob.data, 'base64');
      this.activity.audioMs += (bytes / 2 / sampleRateHz) * 1000;
    }
    if (input.activityEnd && this.activity) {
      const inputAudioMs = this.activity.audioMs;
      this.activity = undefined;
      if (inputAudioMs > 0) this.startReply(inputAudioMs);
    }
  }

  private onClientContent(content: ClientContentMessage): void {
    const refusal = clientContentRefusal(content);
    if (refusal) {
      this.fail(refusal.code, refusal.reason);
      return;
    }
    const texts: string[] = [];
    for (const turn of content.turns ?? []) {
      for (const part of turn.parts ?? []) {
        if (!part.text) continue;
        this.pendingTextTokens += textTokensFor(part.text);
        texts.push(part.text);
      }
    }
    // A fresh session told the scene so far (the relay's history: one "You: …" line per partner line) continues
    // it, as the model would, rather than opening with the lines it already said.
    const conversation = this.conversation;
    if (conversation && conversation.turnCount === 0) {
      conversation.turnCount = texts.join('\n').match(/^You: /gm)?.length ?? 0;
      if (conversation.turnCount > 0) this.warmUpcomingLines();
    }
    // 3.8 Live: turnComplete:true interrupts any reply in progress, unconditionally, and is answered; content
    // without it makes the server wait for more before answering, so a reply owed but not yet begun is held
    // back until the next activity or turnComplete (a direction sent there delays the partner).
    const holds = !content.turnComplete && this.reply !== undefined && !this.reply.started;
    this.context.onClientContent?.({
      text: texts.join('\n'),
      roles: (content.turns ?? []).map((turn) => turn.role ?? ''),
      turnComplete: content.turnComplete === true,
      heldReply: holds,
    });
    if (content.turnComplete) {
      if (this.reply) this.interruptReply();
      this.startReply(0);
    } else if (holds) {
      this.reply?.hold();
      this.reply = undefined;
    }
  }

  private startReply(inputAudioMs: number): void {
    const setup = this.setup!;
    const conversation = this.conversation!;
    const turnIndex = conversation.turnCount++;
    const line = pickSceneLine(this.options.seed, turnIndex, setup.systemInstruction);
    conversation.context.add({ audioTokens: audioTokensFor(inputAudioMs), textTokens: this.pendingTextTokens });
    this.pendingTextTokens = 0;
    const prompt = conversation.context.totals();
    const inputTranscript =
      setup.inputAudioTranscription && inputAudioMs > 0
        ? `(player speech, ${(inputAudioMs / 1000).toFixed(1)} s)`
        : undefined;
    const habits =
      this.options.habits === 'real'
        ? planHabits(this.options.habitsSeed, turnIndex, inputTranscript, transcriptPieces(line).length)
        : undefined;
    const reply = new ReplyStream(
      {
        line,
        speech: this.context.synthesizer.speak(line, setup.voiceName, 'urgent'),
        inputTranscript,
        sendOutputTranscription: setup.outputAudioTranscription,
        habits,
        thinkMs: this.options.thinkMs,
        firstByteDelayMs: this.options.firstByteDelayMs,
        realtime: this.options.realtime,
      },
      (message) => this.send(message),
    );
    this.reply = reply;
    this.warmUpcomingLines();
    // Chained so an interrupted turn's turnComplete and usage always precede the next turn's messages.
    this.replyDone = this.replyDone
      .then(() => reply.run())
      .then(
        (outcome) => {
          if (this.reply === reply) this.reply = undefined;
          // Held back before it began: no turn happened (its input stays in the context).
          if (this.closed || reply.held) return;
          const response = { audioTokens: audioTokensFor(outcome.sentAudioMs), textTokens: 0 };
          conversation.context.add(response);
          // An interrupted turn still ends with turnComplete (Live: interrupted, then turn_complete).
          this.send({ serverContent: { turnComplete: true } });
          this.send({ usageMetadata: usageForTurn(prompt, response) });
          // Real habits: the transcript's tail arrives after turnComplete.
          for (const piece of outcome.tail) {
            this.timers.push(
              setTimeout(
                () => this.send({ serverContent: { outputTranscription: { text: piece.text } } }),
                piece.delayMs,
              ),
            );
          }
          conversation.context.compress(setup.contextWindowCompression);
          this.sendResumptionUpdate();
        },
        (error: unknown) => {
          if (this.reply === reply) this.reply = undefined;
          const reason = error instanceof Error ? error.message : String(error);
          this.context.log(`reply failed: ${reason}`);
          this.fail(CloseCode.internalError, `Internal error encountered: ${reason}`);
        },
      );
  }

  private interruptReply(): void {
    this.reply?.cancel();
    // Sent synchronously so it precedes the interrupted turn's turnComplete and usage.
    this.send({ serverContent: { interrupted: true } });
  }

  private warmUpcomingLines(): void {
    const turnCount = this.conversation?.turnCount ?? 0;
    for (let ahead = 0; ahead < LINES_WARMED_AHEAD; ahead++) {
      const line = pickSceneLine(this.options.seed, turnCount + ahead, this.setup?.systemInstruction);
      this.context.synthesizer.speak(line, this.setup?.voiceName, 'background').catch(() => {
        // A failed pre-warm is retried when the reply needs it; the reply reports the error.
      });
    }
  }

  private sendResumptionUpdate(): void {
    if (!this.setup?.sessionResumption || !this.conversation) return;
    const newHandle = this.context.conversations.issueHandle(this.conversation);
    this.send({ sessionResumptionUpdate: { newHandle, resumable: true } });
  }

  private startFaultTimers(): void {
    const { goAwayAfterMs, goAwayTimeLeftMs, dropAfterMs } = this.options;
    if (goAwayAfterMs !== undefined) {
      this.timers.push(
        setTimeout(() => {
          this.send({ goAway: { timeLeft: `${goAwayTimeLeftMs / 1000}s` } });
          this.timers.push(
            setTimeout(() => this.fail(CloseCode.normal, 'Session time limit reached.'), goAwayTimeLeftMs),
          );
        }, goAwayAfterMs),
      );
    }
    if (dropAfterMs !== undefined) {
      this.timers.push(
        setTimeout(() => {
          this.context.log('fault: dropping connection abnormally');
          this.onClosed();
          this.socket.terminate();
        }, dropAfterMs),
      );
    }
  }

  private send(message: ServerMessage): void {
    // Binary frames, as the real service sends (the SDK decodes Blob, ArrayBuffer and Buffer alike).
    if (!this.closed && this.socket.readyState === SOCKET_OPEN) this.socket.send(Buffer.from(JSON.stringify(message)));
  }

  private fail(code: number, reason: string): void {
    if (this.closed) return;
    this.context.log(`closing connection ${code}: ${reason}`);
    this.onClosed();
    this.socket.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES));
  }
}

function truncateUtf8(text: string, maxBytes: number): string {
  let result = text;
  while (Buffer.byteLength(result) > maxBytes) result = result.slice(0, -1);
  return result;
}
