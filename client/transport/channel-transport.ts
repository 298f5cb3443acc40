// What WebRTC and the WebSocket do alike, once: both carry control JSON (reliable) and binary audio
// frames (lossy, through a LossyChannel) to the relay. Connect's failure handling, validating inbound
// messages at the edge, the counters, close and "lost" live here; a subclass only opens, reaches and
// tears down its own wire (two data channels, or one socket).
import { type ClientMessage, parseRelayMessage } from '../../shared/protocol.js';
import type { LossyChannel, LossyChannelStats } from './lossy-channel.js';
import type { Transport } from './transport.js';
import { TransportBase } from './transport-base.js';
import { asTransportError, errorText, TransportError } from './transport-error.js';

export interface ChannelTransportStats {
  audio: LossyChannelStats;
  invalidControlMessages: number;
  invalidAudioMessages: number;
}

/** Where control JSON goes once the wire is open: the `control` data channel, or the socket. */
export interface ControlSink {
  send(text: string): void;
}

export abstract class ChannelTransport extends TransportBase implements Transport {
  abstract readonly kind: Transport['kind'];
  #lossyAudio: LossyChannel | null = null;
  #invalidControlMessages = 0;
  #invalidAudioMessages = 0;

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.wireCreated())
      throw new TransportError('transport.unsupported', 'a transport connects once; make a new one');
    try {
      await this.openWire(signal);
      this.setState('open');
    } catch (error) {
      this.teardown();
      this.setState('closed', errorText(error));
      throw asTransportError(error);
    }
  }

  sendFrame(frame: Uint8Array): void {
    if (this.state !== 'open' || !this.#lossyAudio) return;
    this.#lossyAudio.send(frame);
  }

  send(message: ClientMessage): void {
    const control = this.state === 'open' ? this.openControl() : null;
    if (!control) {
      console.warn(`control message "${message.type}" not sent: transport is ${this.state}`);
      return;
    }
    control.send(JSON.stringify(message));
  }

  close(): void {
    this.teardown();
    this.setState('closed', 'closed by client');
  }

  stats(): ChannelTransportStats {
    return {
      audio: this.#lossyAudio?.stats() ?? { sentFrames: 0, droppedFrames: 0, watermarkBytes: 0 },
      invalidControlMessages: this.#invalidControlMessages,
      invalidAudioMessages: this.#invalidAudioMessages,
    };
  }

  /** True once connect() has made the wire (peer or socket): a transport connects once. */
  protected abstract wireCreated(): boolean;
  /** Resolves when audio and control can both carry data; rejects, ideally with a TransportError. */
  protected abstract openWire(signal: AbortSignal | undefined): Promise<void>;
  /** The control path when it can send now, else null. */
  protected abstract openControl(): ControlSink | null;
  /** Detaches our handlers and closes the wire; safe in any state, and more than once. */
  protected abstract teardown(): void;

  /** Audio frames go out through `channel` from now on (set once the wire is open). */
  protected attachAudio(channel: LossyChannel): void {
    this.#lossyAudio = channel;
  }

  /** Parse at the edge: only a valid RelayMessage reaches listeners; the rest is counted and dropped. */
  protected receiveControl(data: unknown): void {
    const parsed = typeof data === 'string' ? parseRelayMessage(data) : null;
    if (!parsed?.ok) {
      this.#invalidControlMessages++;
      console.warn(`dropped control message: ${parsed ? parsed.message : 'not text'}`);
      return;
    }
    this.emitMessage(parsed.value);
  }

  /** Audio arrives as binary (binaryType 'arraybuffer'); anything else is counted and dropped. */
  protected receiveAudio(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) {
      this.#invalidAudioMessages++;
      return;
    }
    this.emitFrame(new Uint8Array(data));
  }

  /** The wire went away underneath us (only reported once it had opened). */
  protected lost(reason: string): void {
    if (this.state !== 'open') return;
    this.teardown();
    this.setState('closed', reason);
  }
}
