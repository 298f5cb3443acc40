// One browser's WebRTC peer: non-trickle signaling (the offer carries the client's candidates; the answer is
// returned only once our gathering is complete) and the two data channels the client opens.
import { randomUUID } from 'node:crypto';
import { type DataChannel, PeerConnection, type RtcConfig } from 'node-datachannel';
import { AUDIO_CHANNEL_LABEL, CONTROL_CHANNEL_LABEL } from '../../shared/constants.js';
import { AppError } from '../../shared/errors.js';
import type { IceServerConfig } from '../config.js';
import type { Logger } from '../log.js';

export interface PeerOptions {
  bindAddress?: string;
  iceServers: IceServerConfig[];
  portRangeBegin?: number;
  portRangeEnd?: number;
  /** Limit on answer generation (ICE gathering); with no STUN it takes a few ms. */
  gatheringTimeoutMs?: number;
  /** The client must open both channels within this time or the peer is closed. */
  channelsTimeoutMs?: number;
}

export interface PeerChannels {
  audio: DataChannel;
  control: DataChannel;
}

const DEFAULT_GATHERING_TIMEOUT_MS = 5_000;
const DEFAULT_CHANNELS_TIMEOUT_MS = 15_000;

/** libdatachannel wants `stun:host:port` / `turn:user:pass@host:port` strings. */
export function toNdcIceServers(servers: IceServerConfig[]): string[] {
  const out: string[] = [];
  for (const server of servers) {
    for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
      const match = /^(turns?):(.*)$/.exec(url);
      if (match && server.username && server.credential) {
        const user = encodeURIComponent(server.username);
        const pass = encodeURIComponent(server.credential);
        out.push(`${match[1]}:${user}:${pass}@${match[2]}`);
      } else {
        out.push(url);
      }
    }
  }
  return out;
}

export class RelayPeer {
  readonly peerId = randomUUID();
  private readonly pc: PeerConnection;
  private audio: DataChannel | null = null;
  private control: DataChannel | null = null;
  private closed = false;
  private channelsTimer: NodeJS.Timeout | null = null;
  private readonly closeListeners: Array<(reason: string) => void> = [];
  private channelsListener: ((channels: PeerChannels) => void) | null = null;

  constructor(
    private readonly options: PeerOptions,
    private readonly logger: Logger,
  ) {
    const config: RtcConfig = {
      iceServers: toNdcIceServers(options.iceServers),
      ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
      ...(options.portRangeBegin ? { portRangeBegin: options.portRangeBegin } : {}),
      ...(options.portRangeEnd ? { portRangeEnd: options.portRangeEnd } : {}),
    };
    this.pc = new PeerConnection(this.peerId, config);
    this.pc.onStateChange((state) => {
      if (state === 'failed' || state === 'closed' || state === 'disconnected') this.close(`peer ${state}`);
    });
    this.pc.onDataChannel((channel) => this.adoptChannel(channel));
  }

  /** Applies the client's offer and resolves with our complete answer SDP. */
  async answer(offerSdp: string): Promise<string> {
    try {
      this.pc.setRemoteDescription(offerSdp, 'offer');
    } catch (error) {
      this.close('invalid offer');
      throw new AppError('signaling.invalid_offer', `the SDP offer was rejected: ${(error as Error).message}`);
    }
    await this.gatheringComplete(this.options.gatheringTimeoutMs ?? DEFAULT_GATHERING_TIMEOUT_MS);
    const description = this.pc.localDescription();
    if (description?.type !== 'answer') {
      this.close('no answer');
      throw new AppError(
        'signaling.invalid_offer',
        'the offer did not produce an answer (does it carry data channels?)',
      );
    }
    this.channelsTimer = setTimeout(
      () => this.close(`data channels not opened in time (${this.describeState()})`),
      this.options.channelsTimeoutMs ?? DEFAULT_CHANNELS_TIMEOUT_MS,
    );
    return description.sdp;
  }

  /** Called once, when both `audio` and `control` are open. */
  onChannels(listener: (channels: PeerChannels) => void): void {
    this.channelsListener = listener;
    this.maybeReady();
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closed) listener('closed');
    else this.closeListeners.push(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Where the handshake stands, for logs and test failures: peer state and which channels arrived/opened. */
  describeState(): string {
    if (this.closed) return 'closed';
    const channel = (c: DataChannel | null) => (c ? (c.isOpen() ? 'open' : 'not open') : 'not received');
    return `peer ${this.pc.state()}, ice ${this.pc.iceState()}, audio ${channel(this.audio)}, control ${channel(this.control)}`;
  }

  selectedPair(): ReturnType<PeerConnection['getSelectedCandidatePair']> {
    return this.closed ? null : this.pc.getSelectedCandidatePair();
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    if (this.channelsTimer) clearTimeout(this.channelsTimer);
    this.logger.debug('peer closed', { peerId: this.peerId, reason });
    for (const channel of [this.audio, this.control]) {
      try {
        channel?.close();
      } catch {
        // already closed by the remote side
      }
    }
    try {
      this.pc.close();
    } catch {
      // libdatachannel throws if the connection is already gone; nothing left to release
    }
    for (const listener of this.closeListeners.splice(0)) {
      try {
        listener(reason);
      } catch (error) {
        this.logger.error('peer close listener failed', { peerId: this.peerId, error });
      }
    }
  }

  private gatheringComplete(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.pc.gatheringState() === 'complete') return resolve();
      const timer = setTimeout(() => {
        this.close('gathering timeout');
        reject(new AppError('signaling.invalid_offer', `ICE gathering did not complete within ${timeoutMs} ms`, 503));
      }, timeoutMs);
      this.pc.onGatheringStateChange((state) => {
        if (state === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  private adoptChannel(channel: DataChannel): void {
    const label = channel.getLabel();
    if (label === AUDIO_CHANNEL_LABEL && !this.audio) this.audio = channel;
    else if (label === CONTROL_CHANNEL_LABEL && !this.control) this.control = channel;
    else {
      this.logger.warn('unexpected data channel closed', { peerId: this.peerId, label });
      channel.close();
      return;
    }
    channel.onClosed(() => this.close(`${label} channel closed`));
    if (channel.isOpen()) this.maybeReady();
    else channel.onOpen(() => this.maybeReady());
  }

  private maybeReady(): void {
    const { audio, control, channelsListener } = this;
    if (this.closed || !audio || !control || !channelsListener) return;
    if (!audio.isOpen() || !control.isOpen()) return;
    this.channelsListener = null;
    if (this.channelsTimer) clearTimeout(this.channelsTimer);
    this.channelsTimer = null;
    channelsListener({ audio, control });
  }
}
