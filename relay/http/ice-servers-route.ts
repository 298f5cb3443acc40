// GET /api/rtc/ice-servers: the caller's ICE servers, fetched by the browser before it builds its
// RTCPeerConnection (gathering needs TURN before the offer, or the offer carries no relay candidates).
// Minted per caller and never cached (sendJson says no-store).
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
}

export function createIceServersHandler(options: IceServersRouteOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      const identity = await options.authenticator?.authenticate(request);
      if (identity?.setCookie) response.setHeader('set-cookie', identity.setCookie);
      const body: IceServersJson = iceServersFor(options, { userId: identity?.userId });
      sendJson(response, 200, body);
    } catch (error) {
      options.logger.error('ice servers failed', { error });
      sendAppError(response, error);
    }
  };
}
