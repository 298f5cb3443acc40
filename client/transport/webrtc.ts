// The WebRTC transport: two data channels to the relay, non-trickle signaling over one POST.
// `audio` is unordered with no retransmits and drops above a watermark; `control` is reliable.
import { AUDIO_CHANNEL_LABEL, CONTROL_CHANNEL_LABEL } from '../../shared/constants.js';
import { HttpError, RtcAnswerResponse, type RtcOfferRequest } from '../../shared/protocol.js';
import { ChannelTransport, type ChannelTransportStats, type ControlSink } from './channel-transport.js';
import { connectDeadline } from './connect-deadline.js';
import { type IceServerSource, sharedIceServerSource } from './ice-servers.js';
import { LossyChannel } from './lossy-channel.js';
import { errorText, TransportError } from './transport-error.js';

export interface WebRtcTransportOptions {
  offerUrl?: string;
  /** Fixed ICE servers for our side; when set, nothing is fetched. */
  iceServers?: RTCIceServer[];
  /**
   * Where the ICE servers (with TURN credentials minted by the relay) come from when `iceServers` is unset:
   * the page's shared source (GET /api/rtc/ice-servers, cached) by default; null = none.
   */
  iceServerSource?: IceServerSource | null;
  /** Non-trickle: we wait this long for ICE gathering, then send whatever candidates we have. */
  iceGatheringTimeoutMs?: number;
  /** From connect() to both channels open. */
  connectTimeoutMs?: number;
  /** Injected for tests in Node (node-datachannel's polyfill); the browser's by default. */
  peerConnectionFactory?: (config: RTCConfiguration) => RTCPeerConnection;
  fetch?: typeof fetch;
}

/** The same counters as the WebSocket's (see ChannelTransport). */
export type WebRtcTransportStats = ChannelTransportStats;

export const DEFAULT_ICE_GATHERING_TIMEOUT_MS = 2_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export class WebRtcTransport extends ChannelTransport {
  readonly kind = 'webrtc' as const;
  #peer: RTCPeerConnection | null = null;
  #audio: RTCDataChannel | null = null;
  #control: RTCDataChannel | null = null;
  #peerId: string | null = null;
  readonly #options: WebRtcTransportOptions;

  constructor(options: WebRtcTransportOptions = {}) {
    super();
    this.#options = options;
  }

  /** The relay's id for this peer, once signaling succeeded. */
  get peerId(): string | null {
    return this.#peerId;
  }

  protected wireCreated(): boolean {
    return this.#peer !== null;
  }

  protected async openWire(signal: AbortSignal | undefined): Promise<void> {
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const deadline = connectDeadline(signal, timeoutMs, `no connection after ${timeoutMs} ms`);
    try {
      await this.#connect(deadline.signal);
    } finally {
      deadline.dispose();
    }
  }

  protected openControl(): ControlSink | null {
    return this.#control?.readyState === 'open' ? this.#control : null;
  }

  async #connect(signal: AbortSignal): Promise<void> {
    const factory = this.#options.peerConnectionFactory;
    if (!factory && typeof RTCPeerConnection === 'undefined') {
      throw new TransportError('transport.unsupported', 'this browser has no WebRTC');
    }
    // Before the peer exists: TURN servers added after the offer was gathered would give it no relay candidates.
    const iceServers = this.#options.iceServers ?? (await this.#fetchIceServers(signal));
    if (signal.aborted) throw signal.reason;
    const config: RTCConfiguration = { iceServers };
    const peer = factory ? factory(config) : new RTCPeerConnection(config);
    this.#peer = peer;
    const audio = peer.createDataChannel(AUDIO_CHANNEL_LABEL, { ordered: false, maxRetransmits: 0 });
    const control = peer.createDataChannel(CONTROL_CHANNEL_LABEL, { ordered: true });
    this.#audio = audio;
    this.#control = control;
    this.#wireChannels(audio, control);
    this.#wirePeer(peer);
    const opened = Promise.all([channelOpen(audio, signal), channelOpen(control, signal)]);
    // Keep a rejection from surfacing as unhandled if signaling fails first.
    opened.catch(() => {});

    await peer.setLocalDescription(await peer.createOffer());
    const withTurn = iceServers.some((server) =>
      (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/.test(url)),
    );
    await iceGatheringComplete(
      peer,
      this.#options.iceGatheringTimeoutMs ?? DEFAULT_ICE_GATHERING_TIMEOUT_MS,
      signal,
      withTurn,
    );
    const sdp = peer.localDescription?.sdp;
    if (!sdp) throw new TransportError('transport.signaling', 'no local description to offer');
    const answer = await this.#postOffer({ type: 'offer', sdp }, signal);
    this.#peerId = answer.peerId;
    if (answer.iceServers.length > 0 && iceServers.length === 0) {
      // We could not fetch servers in time. The answer's only help later ICE restarts: our offer is gathered.
      peer.setConfiguration({ ...peer.getConfiguration(), iceServers: answer.iceServers });
    }
    await peer.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    await opened;
    this.attachAudio(new LossyChannel(audio));
  }

  #fetchIceServers(signal: AbortSignal): Promise<RTCIceServer[]> {
    const source =
      this.#options.iceServerSource === undefined ? sharedIceServerSource() : this.#options.iceServerSource;
    return source ? source.get(signal) : Promise.resolve([]);
  }

  async #postOffer(offer: RtcOfferRequest, signal: AbortSignal): Promise<RtcAnswerResponse> {
    const fetchImpl = this.#options.fetch ?? globalThis.fetch.bind(globalThis);
    let response: Response;
    try {
      response = await fetchImpl(this.#options.offerUrl ?? '/api/rtc/offer', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(offer),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new TransportError('transport.unreachable', `signaling request failed: ${errorText(error)}`);
    }
    const body: unknown = await response.json().catch(() => null);
    // The connect deadline can fire while the answer's body is still arriving: that is the timeout (the selector
    // then moves to the WebSocket), not an answer we could not read.
    if (signal.aborted) throw signal.reason;
    if (!response.ok) {
      const parsed = HttpError.safeParse(body);
      const detail = parsed.success ? `${parsed.data.error.code}: ${parsed.data.error.message}` : `${response.status}`;
      // A 5xx or a proxy's error page means the relay is not there; a 4xx means it refused us.
      const code = response.status >= 500 || !parsed.success ? 'transport.unreachable' : 'transport.signaling';
      throw new TransportError(code, `signaling refused (${detail})`);
    }
    const answer = RtcAnswerResponse.safeParse(body);
    if (!answer.success) {
      const issue = answer.error.issues[0];
      const where = issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : '';
      throw new TransportError('transport.signaling', `signaling answer was not understood${where}`);
    }
    return answer.data;
  }

  #wireChannels(audio: RTCDataChannel, control: RTCDataChannel): void {
    audio.binaryType = 'arraybuffer';
    control.binaryType = 'arraybuffer';
    audio.onmessage = (event: MessageEvent) => this.receiveAudio(event.data);
    control.onmessage = (event: MessageEvent) => this.receiveControl(event.data);
    const onChannelClose = (label: string) => () => this.lost(`${label} channel closed`);
    audio.onclose = onChannelClose(AUDIO_CHANNEL_LABEL);
    control.onclose = onChannelClose(CONTROL_CHANNEL_LABEL);
  }

  #wirePeer(peer: RTCPeerConnection): void {
    peer.oniceconnectionstatechange = () => {
      const ice = peer.iceConnectionState;
      if (ice === 'failed' || ice === 'disconnected' || ice === 'closed') this.lost(`ICE ${ice}`);
    };
    peer.onconnectionstatechange = () => {
      const state = peer.connectionState;
      if (state === 'failed' || state === 'disconnected' || state === 'closed') this.lost(`connection ${state}`);
    };
  }

  /**
   * Nothing reaches our listeners after this; the wire itself closes once `control` has flushed, so the
   * last message sent (`scene.end`) is not lost with the peer — at most CLOSE_FLUSH_MAX_MS later.
   */
  protected teardown(): void {
    const { audio, control, peer } = { audio: this.#audio, control: this.#control, peer: this.#peer };
    for (const channel of [audio, control]) {
      if (!channel) continue;
      channel.onmessage = null;
      channel.onclose = null;
    }
    if (peer) {
      peer.oniceconnectionstatechange = null;
      peer.onconnectionstatechange = null;
    }
    const closeWire = () => {
      for (const channel of [audio, control]) if (channel && channel.readyState !== 'closed') channel.close();
      if (peer && peer.signalingState !== 'closed') peer.close();
    };
    if (control?.readyState !== 'open') {
      closeWire();
      return;
    }
    const startedAtMs = performance.now();
    const timer = setInterval(() => {
      if (control.bufferedAmount === 0 || performance.now() - startedAtMs >= CLOSE_FLUSH_MAX_MS) {
        clearInterval(timer);
        closeWire();
      }
    }, CLOSE_FLUSH_POLL_MS);
  }
}

/** Upper bound on how long a closing transport waits for its last control message to leave. */
const CLOSE_FLUSH_MAX_MS = 500;
const CLOSE_FLUSH_POLL_MS = 20;

function channelOpen(channel: RTCDataChannel, signal: AbortSignal): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      channel.removeEventListener('open', onOpen);
      channel.removeEventListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new TransportError('transport.ice_failed', `${channel.label} channel closed before it opened`));
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    channel.addEventListener('open', onOpen);
    channel.addEventListener('close', onClose);
    signal.addEventListener('abort', onAbort);
  });
}

/**
 * After a candidate, how long to wait for more before offering. Chrome's gathering takes ~125 ms to report
 * `complete` on loopback while its host candidates arrive in ~10 ms; every connect and every resume paid that.
 */
export const ICE_SETTLE_MS = 30;

/**
 * Resolves when the offer has the candidates worth waiting for: gathering complete; or, without TURN, the host
 * candidates settled (none for ICE_SETTLE_MS); with TURN, a relay candidate and then the settle. At most
 * `timeoutMs` (we send what we have). Candidates that come later are not lost: the relay learns the browser's
 * address from its connectivity checks (peer-reflexive).
 */
function iceGatheringComplete(
  peer: RTCPeerConnection,
  timeoutMs: number,
  signal: AbortSignal,
  needRelay = false,
): Promise<void> {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let settle: ReturnType<typeof setTimeout> | undefined;
    let haveRelay = false;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(settle);
      peer.removeEventListener('icegatheringstatechange', onChange);
      peer.removeEventListener('icecandidate', onCandidate);
      signal.removeEventListener('abort', onAbort);
    };
    const finish = () => {
      done();
      resolve();
    };
    const onChange = () => {
      if (peer.iceGatheringState === 'complete') finish();
    };
    const onCandidate = (event: RTCPeerConnectionIceEvent) => {
      if (!event.candidate) return;
      haveRelay ||= / typ relay/.test(event.candidate.candidate);
      if (needRelay && !haveRelay) return;
      clearTimeout(settle);
      settle = setTimeout(finish, ICE_SETTLE_MS);
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    const timer = setTimeout(finish, timeoutMs);
    peer.addEventListener('icegatheringstatechange', onChange);
    peer.addEventListener('icecandidate', onCandidate);
    signal.addEventListener('abort', onAbort);
  });
}
