// Cuts a stream of PCM chunks of any size into fixed-size frames. Upstream audio arrives in chunks that do not
// line up with 20 ms; the remainder waits in one preallocated buffer for the next chunk (or for `flush`).

export class PcmFramer {
  private readonly pending: Buffer;
  private pendingBytes = 0;

  constructor(readonly frameBytes: number) {
    this.pending = Buffer.alloc(frameBytes);
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Calls `onFrame` once per complete frame, in order. Frames handed out are only valid during the call. */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    let offset = 0;
    if (this.pendingBytes > 0) {
      const take = Math.min(this.frameBytes - this.pendingBytes, chunk.byteLength);
      this.pending.set(chunk.subarray(0, take), this.pendingBytes);
      this.pendingBytes += take;
      offset = take;
      if (this.pendingBytes < this.frameBytes) return;
      this.pendingBytes = 0;
      onFrame(this.pending);
    }
    // Whole frames straight from the chunk, without copying.
    while (chunk.byteLength - offset >= this.frameBytes) {
      onFrame(chunk.subarray(offset, offset + this.frameBytes));
      offset += this.frameBytes;
    }
    if (offset < chunk.byteLength) {
      this.pending.set(chunk.subarray(offset), 0);
      this.pendingBytes = chunk.byteLength - offset;
    }
  }

  /** The partial frame left over, zero-padded to a full frame; null when nothing is pending. */
  flush(): Uint8Array | null {
    if (this.pendingBytes === 0) return null;
    this.pending.fill(0, this.pendingBytes);
    this.pendingBytes = 0;
    return this.pending;
  }

  /** Drop whatever is pending (a barge-in cut the turn). */
  clear(): void {
    this.pendingBytes = 0;
  }
}
