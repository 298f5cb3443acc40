// The mic's typed error; its message tells the player what to do.

export type MicErrorCode = 'mic.denied' | 'mic.unavailable' | 'mic.unsupported';

export class MicError extends Error {
  constructor(
    readonly code: MicErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MicError';
  }
}
