// Why a transport could not connect, as a stable code the session turns into plain words.

export type TransportErrorCode =
  | 'transport.unreachable' // signaling endpoint could not be reached or answered badly
  | 'transport.signaling' // the relay refused our offer
  | 'transport.ice_failed' // ICE could not find a path
  | 'transport.timeout' // channels did not open in time
  | 'transport.aborted' // the caller gave up (e.g. the player pressed End scene)
  | 'transport.unsupported'; // the browser lacks WebRTC data channels

export class TransportError extends Error {
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
