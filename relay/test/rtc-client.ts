// A Node WebRTC client for tests and the benchmark: does the HTTP offer/answer against a relay, opens `audio`
// (unordered, no retransmits) and `control` (reliable) like the browser, and records everything it receives.
import { type DataChannel, PeerConnection } from 'node-datachannel';
import { AUDIO_CHANNEL_LABEL, CONTROL_CHANNEL_LABEL, PROTOCOL_VERSION } from '../../shared/constants.js';
import { type AudioFrame, decodeFrame, encodeFrame, FrameFlag } from '../../shared/frame.js';
import { type ClientMessage, parseRelayMessage, type RelayMessage, RtcAnswerResponse } from '../../shared/protocol.js';

export interface RtcTestClientOptions {
  /** Loopback only in tests: 127.0.0.1. */
  bindAddress?: string;
  connectTimeoutMs?: number;
  /** Send our host candidates in the offer, as a browser does (racy with libdatachannel; see connect()). */
  offerCandidates?: boolean;
  /** A Cookie header for the offer request, as a browser sends its identity cookie. */
  cookie?: string;
}

type Waiter<T> = { match: (item: T) => boolean; resolve: (item: T) => void };

export class RtcTestClient {
  readonly messages: RelayMessage[] = [];
  readonly frames: AudioFrame[] = [];
  /** Raw text that did not parse as a RelayMessage (should stay empty). */
  readonly invalidMessages: string[] = [];
  /** performance.now() of each received frame, parallel to `frames`. */
  readonly frameArrivalsMs: number[] = [];
  closed = false;
  /** The `name=value` of a Set-Cookie the offer's answer carried (a new identity), else null. */
  setCookie: string | null = null;
  private seq = 0;
  private readonly messageWaiters = new Set<Waiter<RelayMessage>>();
  private readonly frameWaiters = new Set<Waiter<AudioFrame>>();
  private readonly closeWaiters: Array<() => void> = [];

  private constructor(
    private readonly pc: PeerConnection,
    private readonly audio: DataChannel,
    private readonly control: DataChannel,
    readonly peerId: string,
  ) {
    control.onMessage((raw) => {
      const text = typeof raw === 'string' ? raw : Buffer.from(raw as ArrayBuffer).toString();
      const parsed = parseRelayMessage(text);
      if (!parsed.ok) {
        this.invalidMessages.push(text);
        return;
      }
      this.messages.push(parsed.value);
      for (const waiter of this.messageWaiters) {
        if (waiter.match(parsed.value)) {
          this.messageWaiters.delete(waiter);
          waiter.resolve(parsed.value);
        }
      }
    });
    audio.onMessage((raw) => {
      if (typeof raw === 'string') return;
      const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array(raw);
      const frame = decodeFrame(bytes);
      this.frames.push(frame);
      this.frameArrivalsMs.push(performance.now());
      for (const waiter of this.frameWaiters) {
        if (waiter.match(frame)) {
          this.frameWaiters.delete(waiter);
          waiter.resolve(frame);
        }
      }
    });
    const onClosed = () => {
      if (this.closed) return;
      this.closed = true;
      for (const waiter of this.closeWaiters.splice(0)) waiter();
    };
    control.onClosed(onClosed);
    pc.onStateChange((state) => {
      if (state === 'closed' || state === 'failed' || state === 'disconnected') onClosed();
    });
  }

  /** Offer → POST /api/rtc/offer → answer → both channels open. */
  static async connect(relayUrl: string, options: RtcTestClientOptions = {}): Promise<RtcTestClient> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const pc = new PeerConnection('test-client', {
      iceServers: [],
      ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
    });
    try {
      const audio = pc.createDataChannel(AUDIO_CHANNEL_LABEL, { unordered: true, maxRetransmits: 0 });
      const control = pc.createDataChannel(CONTROL_CHANNEL_LABEL);
      await withTimeout(
        new Promise<void>((resolve) => {
          pc.onGatheringStateChange((state) => state === 'complete' && resolve());
          if (pc.gatheringState() === 'complete') resolve();
        }),
        timeoutMs,
        'ICE gathering',
      );
      const offer = pc.localDescription();
      if (!offer) throw new Error('no local offer');
      // libdatachannel as the *offerer* races a browser would not: given our candidates, the relay's ICE checks
      // reach us and its DTLS handshake starts before we hold its answer (its fingerprint), so the handshake
      // fails ("unknown CA"). Without our candidates, the relay learns us as peer-reflexive from our checks,
      // which only start once the answer is applied. The relay path under test is the same.
      const sdp = options.offerCandidates ? offer.sdp : offer.sdp.replace(/^a=candidate:.*\r?\n/gm, '');
      const reply = await fetch(`${relayUrl}/api/rtc/offer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(options.cookie ? { cookie: options.cookie } : {}) },
        body: JSON.stringify({ type: 'offer', sdp }),
      });
      const body: unknown = await reply.json();
      if (!reply.ok) throw new Error(`offer rejected: ${reply.status} ${JSON.stringify(body)}`);
      const answer = RtcAnswerResponse.parse(body);
      pc.setRemoteDescription(answer.sdp, 'answer');
      const client = new RtcTestClient(pc, audio, control, answer.peerId);
      client.setCookie = reply.headers.get('set-cookie')?.split(';')[0] ?? null;
      await withTimeout(
        Promise.all([whenOpen(audio), whenOpen(control)]).then(() => undefined),
        timeoutMs,
        'data channels open',
      );
      return client;
    } catch (error) {
      pc.close();
      throw error;
    }
  }

  /** The ICE pair in use, e.g. to check that traffic stays on loopback. */
  selectedPair(): ReturnType<PeerConnection['getSelectedCandidatePair']> {
    return this.pc.getSelectedCandidatePair();
  }

  /**
   * Sends on `control`; false (nothing sent) once the channel is closed. libdatachannel throws on a closed channel,
   * and `closed` can lag the channel's own state, so a timer's send (a heartbeat) must not crash the process.
   */
  send(message: ClientMessage): boolean {
    return this.trySend(() => this.control.sendMessage(JSON.stringify(message)));
  }

  /** Messages not sent because the channel had already closed. */
  sendsAfterClose = 0;

  private trySend(send: () => void): boolean {
    if (this.closed || !this.control.isOpen()) {
      this.sendsAfterClose++;
      return false;
    }
    try {
      send();
      return true;
    } catch {
      this.sendsAfterClose++;
      return false;
    }
  }

  /** Sends raw text on `control` (for malformed-input tests). */
  sendRawControl(text: string): void {
    this.control.sendMessage(text);
  }

  sendRawAudio(bytes: Uint8Array): void {
    this.audio.sendMessageBinary(bytes);
  }

  /** Wraps one Opus packet in a shared frame with the next uplink seq. */
  sendOpus(utteranceId: number, packet: Uint8Array, flags = 0): boolean {
    const frame = encodeFrame({
      flags,
      streamId: utteranceId,
      seq: this.seq++,
      timestampMs: Date.now() >>> 0,
      payload: packet,
    });
    return this.trySend(() => this.audio.sendMessageBinary(frame));
  }

  async hello(extra: Partial<Extract<ClientMessage, { type: 'hello' }>> = {}, timeoutMs = 10_000) {
    this.send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, ...extra });
    return this.waitForMessage(
      (m): m is Extract<RelayMessage, { type: 'welcome' | 'error' }> => m.type === 'welcome' || m.type === 'error',
      timeoutMs,
    );
  }

  /**
   * One utterance as the browser sends it: utterance.start, frames paced every `frameIntervalMs`
   * (0 = as fast as possible), utterance.end.
   */
  async speak(utteranceId: number, packets: Uint8Array[], frameIntervalMs = 20): Promise<void> {
    this.send({ type: 'utterance.start', utteranceId });
    const startMs = performance.now();
    for (let i = 0; i < packets.length; i++) {
      const flags = (i === 0 ? FrameFlag.Start : 0) | (i === packets.length - 1 ? FrameFlag.End : 0);
      if (!this.sendOpus(utteranceId, packets[i]!, flags)) return;
      if (frameIntervalMs > 0) {
        const dueMs = startMs + (i + 1) * frameIntervalMs;
        const waitMs = dueMs - performance.now();
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    this.send({ type: 'utterance.end', utteranceId, frameCount: packets.length });
  }

  /** Resolves with the first message (already received or future) that matches. */
  waitForMessage<T extends RelayMessage>(match: (m: RelayMessage) => m is T, timeoutMs?: number): Promise<T>;
  waitForMessage(match: (m: RelayMessage) => boolean, timeoutMs?: number): Promise<RelayMessage>;
  waitForMessage(match: (m: RelayMessage) => boolean, timeoutMs = 10_000): Promise<RelayMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return waitFor(this.messageWaiters, match, timeoutMs, 'control message');
  }

  waitForFrame(match: (f: AudioFrame) => boolean, timeoutMs = 10_000): Promise<AudioFrame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return waitFor(this.frameWaiters, match, timeoutMs, 'audio frame');
  }

  waitForClose(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.closeWaiters.push(resolve)), timeoutMs, 'close');
  }

  close(): void {
    try {
      this.audio.close();
      this.control.close();
    } catch {
      // already closed
    }
    this.pc.close();
    this.closed = true;
  }
}

function whenOpen(channel: DataChannel): Promise<void> {
  return new Promise((resolve) => {
    channel.onOpen(() => resolve());
    if (channel.isOpen()) resolve();
  });
}

function waitFor<T>(waiters: Set<Waiter<T>>, match: (item: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return withTimeout(new Promise<T>((resolve) => waiters.add({ match, resolve })), timeoutMs, `waiting for ${what}`);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
