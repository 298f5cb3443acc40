// The ICE servers one caller gets: the static ones from ICE_SERVERS plus, with TURN configured, a TURN server
// with credentials minted for that caller. GET /api/rtc/ice-servers and POST /api/rtc/offer both use this, and
// the relay's own peer gathers with the same list it hands out.
import type { IceServerConfig } from '../config.js';
import { mintTurnCredentials, type TurnSettings } from './turn-credentials.js';

export interface IceServerSettings {
  /** ICE_SERVERS: handed out as they are. */
  staticServers: IceServerConfig[];
  /** TURN_URLS + TURN_SECRET (+ TURN_TTL_S); undefined = no minted TURN. */
  turn?: TurnSettings;
}

export interface CallerIceServers {
  iceServers: IceServerConfig[];
  /** Seconds the minted credentials stay valid; null when nothing in the list expires. */
  ttlS: number | null;
}

export function iceServersFor(
  settings: IceServerSettings,
  caller: { userId?: string; nowMs?: number } = {},
): CallerIceServers {
  if (!settings.turn) return { iceServers: [...settings.staticServers], ttlS: null };
  const nowMs = caller.nowMs ?? Date.now();
  const minted = mintTurnCredentials(settings.turn, { userId: caller.userId, nowMs });
  // Whole seconds left (the expiry is a whole second), so a client never believes in a second that is not there.
  const ttlS = Math.floor((minted.expiresAtMs - nowMs) / 1000);
  return { iceServers: [...settings.staticServers, minted.server], ttlS };
}
