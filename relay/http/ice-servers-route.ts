// GET /api/rtc/ice-servers: the caller's ICE servers, fetched by the browser before it builds its
// RTCPeerConnection (gathering needs TURN before the offer, or the offer carries no relay candidates).
// Minted per caller and never cached (sendJson says no-store). TURN credentials cost the TURN server a quota slot
// per username: they go only to a caller with a live scene (a resume, which needs them back); a new scene's
// offer gets its credentials in the answer (rtc-offer-route), so nobody can mint them in a loop.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IceServersJson } from '../../shared/api.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Logger } from '../log.js';
import { type IceServerSettings, iceServersFor } from '../rtc/ice-servers.js';
import { sendAppError, sendJson } from './respond.js';

export const ICE_SERVERS_PATH = '/api/rtc/ice-servers';

export interface IceServersRouteOptions extends IceServerSettings {
  logger: Logger;
  /** Its user id names the credentials; a new identity's cookie goes out here, before the offer. */
  authenticator?: Authenticator;
  /** Does this identity have a scene on this relay now? Without the seam every caller gets TURN (tests). */
  hasLiveScene?: (userId: string | undefined) => boolean;
}

export function createIceServersHandler(options: IceServersRouteOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const identity = await options.authenticator?.authenticate(request);
      if (identity?.setCookie) response.setHeader('set-cookie', identity.setCookie);
      const withTurn = options.hasLiveScene?.(identity?.userId) ?? true;
      const body: IceServersJson = withTurn
        ? iceServersFor(options, { userId: identity?.userId })
        : { iceServers: [...options.staticServers], ttlS: null };
      sendJson(response, 200, body);
    } catch (error) {
      options.logger.error('ice servers failed', { error });
      sendAppError(response, error);
    }
  };
}
