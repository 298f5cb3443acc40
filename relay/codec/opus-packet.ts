// Structural check of an Opus packet (RFC 6716 §3.1–3.2) before it reaches libopus. Opus has no checksum,
// so this cannot catch every garbage payload, but it rejects anything that is not exactly one 20 ms
// packet of ours, which is most non-Opus data and every wrong-duration packet.

/** Frame duration in tenths of a millisecond, by TOC config number (0–31). */
const FRAME_TENTHS_MS_BY_CONFIG: readonly number[] = [
  // SILK-only NB/MB/WB: 10, 20, 40, 60 ms
  100, 200, 400, 600, 100, 200, 400, 600, 100, 200, 400, 600,
  // Hybrid SWB/FB: 10, 20 ms
  100, 200, 100, 200,
  // CELT-only NB/WB/SWB/FB: 2.5, 5, 10, 20 ms
  25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200, 25, 50, 100, 200,
];

/** Returns the packet's audio duration in tenths of a ms, or a reason it is not a valid Opus packet. */
export function opusPacketDurationTenthsMs(packet: Uint8Array): number | string {
  if (packet.byteLength < 1) return 'empty packet';
  const toc = packet[0]!;
  const frameTenthsMs = FRAME_TENTHS_MS_BY_CONFIG[toc >> 3]!;
  const code = toc & 0x3;
  if (code === 0) return frameTenthsMs;
  if (code === 1) {
    // Two frames of equal size: the payload must split evenly (R3).
    return (packet.byteLength - 1) % 2 === 0 ? 2 * frameTenthsMs : 'code 1 packet with odd payload length';
  }
  if (code === 2) {
    if (packet.byteLength < 2) return 'code 2 packet without a frame length';
    const first = packet[1]!;
    const firstLength = first < 252 ? first : packet.byteLength >= 3 ? first + 4 * packet[2]! : -1;
    const headerBytes = first < 252 ? 2 : 3;
    if (firstLength < 0 || headerBytes + firstLength > packet.byteLength) return 'code 2 frame length past the end';
    return 2 * frameTenthsMs;
  }
  if (packet.byteLength < 2) return 'code 3 packet without a frame count';
  const frameCount = packet[1]! & 0x3f;
  if (frameCount === 0) return 'code 3 packet with zero frames';
  // R5: at most 120 ms of audio in one packet.
  if (frameCount * frameTenthsMs > 1200) return 'code 3 packet longer than 120 ms';
  return frameCount * frameTenthsMs;
}
