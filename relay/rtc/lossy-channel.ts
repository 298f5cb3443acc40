// The `audio` data channel from the relay's side. A late audio frame is worth nothing, so above a watermark of
// queued bytes a frame is dropped and counted instead of queued (LiveKit's LossyDataChannel shape): latency stays
// bounded, loss is visible, and there is never a silent queue.
import type { DataChannel } from 'node-datachannel';
import type { Logger } from '../log.js';

/** Log one drop in this many, so a congested peer cannot flood the log. */
const DROP_LOG_EVERY = 100;

export class LossyAudioChannel {
  framesSent = 0;
  framesDropped = 0;
  bytesSent = 0;

  constructor(
    private readonly channel: DataChannel,
    private readonly highWatermarkBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Sends one binary frame; false when it was dropped (channel closed or backed up). */
  send(frame: Uint8Array): boolean {
    if (!this.channel.isOpen()) return this.drop('closed');
    const bufferedBytes = this.channel.bufferedAmount();
    if (bufferedBytes > this.highWatermarkBytes) return this.drop('backpressure', bufferedBytes);
    try {
      this.channel.sendMessageBinary(frame);
    } catch (error) {
      return this.drop('send_failed', bufferedBytes, error);
    }
    this.framesSent++;
    this.bytesSent += frame.byteLength;
    return true;
  }

  private drop(reason: string, bufferedBytes = 0, error?: unknown): false {
    this.framesDropped++;
    if (this.framesDropped % DROP_LOG_EVERY === 1) {
      this.logger.warn('audio frame dropped', { reason, bufferedBytes, framesDropped: this.framesDropped, error });
    }
    return false;
  }
}
