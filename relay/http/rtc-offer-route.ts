// POST /api/rtc/offer: non-trickle signaling. The body carries the browser's complete offer (candidates inline);
// the reply is our complete answer, once ICE gathering is done. The browser then opens `audio` and `control`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../../shared/errors.js';
import { type RtcAnswerResponse, RtcOfferRequest } from '../../shared/protocol.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { IceServerConfig } from '../config.js';
import { clientAddress } from '../limits/client-address.js';
import type { PendingBudget, PendingTicket } from '../limits/pending-budget.js';
import type { Logger } from '../log.js';
import { iceServersFor } from '../rtc/ice-servers.js';
import { RelayPeer } from '../rtc/peer.js';
import { RtcClientConnection } from '../rtc/rtc-connection.js';
import type { TurnSettings } from '../rtc/turn-credentials.js';
import type { SessionManager } from '../session/session-manager.js';
import { readJsonBody, sendAppError, sendJson } from './respond.js';

/** The SDP may be up to 64 KiB (the schema's limit); leave room for the JSON around it. */
const OFFER_BODY_LIMIT_BYTES = 80 * 1024;

export interface RtcOfferRouteOptions {
  sessions: SessionManager;
  peers: Set<RelayPeer>;
  bindAddress?: string;
  /** Static ICE servers (ICE_SERVERS). */
  iceServers: IceServerConfig[];
  /** With TURN configured, each offer mints credentials that our peer gathers with and the answer carries. */
  turn?: TurnSettings;
  portRangeBegin?: number;
  portRangeEnd?: number;
  audioHighWatermarkBytes: number;
  maxSessions: number;
  logger: Logger;
  /** Who is calling: the session gets this owner; a new identity's cookie goes out with the answer. */
  authenticator?: Authenticator;
  /** Offers whose peer has not said hello yet count here (relay-wide and per address), not against scenes. */
  pending?: PendingBudget;
  trustedProxyHops?: number;
  maxControlBufferBytes?: number;
}

export function createRtcOfferHandler(options: RtcOfferRouteOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      // First, so even a refused offer hands out the identity its retry will carry.
      const identity = await options.authenticator?.authenticate(request);
      if (identity?.setCookie) response.setHeader('set-cookie', identity.setCookie);
      const { sessions } = options;
      if (sessions.isDraining) {
        throw new AppError('relay.draining', 'this relay is shutting down; retry to reach another one', 503);
      }
      // Peers still in their handshake are not sessions yet; bound them too (resumes need a little headroom).
      if (!sessions.hasCapacity() || options.peers.size >= options.maxSessions * 2) {
        throw new AppError('session.limit', 'this relay is at its session limit; try again shortly', 503);
      }
      const admission = options.pending?.admit(clientAddress(request, options.trustedProxyHops ?? 0));
      if (admission && !admission.ok) throw new AppError(admission.code, admission.message, 429);
      const ticket = admission?.ticket;
      try {
        await answerOffer(request, response, options, identity?.userId, ticket);
      } catch (error) {
        ticket?.release();
        throw error;
      }
    } catch (error) {
      if (!(error instanceof AppError)) options.logger.error('rtc offer failed', { error });
      sendAppError(response, error);
    }
  };
}

async function answerOffer(
  request: IncomingMessage,
  response: ServerResponse,
  options: RtcOfferRouteOptions,
  userId: string | undefined,
  ticket: PendingTicket | undefined,
): Promise<void> {
  const parsed = RtcOfferRequest.safeParse(await readJsonBody(request, OFFER_BODY_LIMIT_BYTES));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'signaling.invalid_offer',
      `offer rejected at ${issue?.path.join('.') || 'body'}: ${issue?.message}`,
    );
  }
  // Our own relay candidate matters on Cloud Run (no inbound UDP): both ends then meet on the TURN server.
  const { iceServers } = iceServersFor({ staticServers: options.iceServers, turn: options.turn }, { userId });
  const peer = new RelayPeer(
    {
      bindAddress: options.bindAddress,
      iceServers,
      portRangeBegin: options.portRangeBegin,
      portRangeEnd: options.portRangeEnd,
    },
    options.logger,
  );
  options.peers.add(peer);
  peer.onClose(() => {
    options.peers.delete(peer);
    ticket?.release();
  });
  const answerSdp = await peer.answer(parsed.data.sdp);
  peer.onChannels((channels) => {
    const connection = new RtcClientConnection(
      peer,
      channels,
      options.audioHighWatermarkBytes,
      options.logger,
      userId,
      options.maxControlBufferBytes,
    );
    options.sessions.accept(connection, ticket);
  });
  const body: RtcAnswerResponse = {
    peerId: peer.peerId,
    type: 'answer',
    sdp: answerSdp,
    iceServers,
  };
  sendJson(response, 200, body);
}
