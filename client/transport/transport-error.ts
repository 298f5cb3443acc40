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

/** An Error's message, or whatever was thrown as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A connect failure as a TransportError: ours pass through, anything else reads as unreachable. */
export function asTransportError(error: unknown): TransportError {
  return error instanceof TransportError ? error : new TransportError('transport.unreachable', errorText(error));
}
