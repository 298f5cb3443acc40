// The bench's players behave like real ones on the stage: they let the MC finish its intro before their first
// line, and count as replies only the partner's turns. (The MC's voiced lines are downlink turns too:
// `partner.start` with `speaker: 'mc'` and their own `partner.end`.)
import type { RelayMessage } from '../shared/protocol.js';
import type { BenchPlayer } from './ws-player.js';

type PartnerEnd = Extract<RelayMessage, { type: 'partner.end' }>;

/** With the MC voiced, its intro's first frame follows the welcome within ms; none by then = a text-only MC. */
const MC_VOICE_START_WAIT_MS = 5_000;

/** Resolves once the MC's voiced intro has played out (at once when the MC is text only). */
export async function waitForMcIntro(client: BenchPlayer, timeoutMs = 30_000): Promise<void> {
  const start = await client
    .waitForMessage((m) => m.type === 'partner.start' && m.speaker === 'mc', MC_VOICE_START_WAIT_MS)
    .catch(() => null);
  if (start?.type !== 'partner.start') return;
  await client.waitForMessage((m) => m.type === 'partner.end' && m.turnId === start.turnId, timeoutMs);
}

/** The end of a partner reply (not an MC line) not counted yet. */
export function waitForReplyEnd(client: BenchPlayer, counted: Set<number>, timeoutMs: number): Promise<PartnerEnd> {
  const isReply = (turnId: number) =>
    client.messages.some((m) => m.type === 'partner.start' && m.turnId === turnId && m.speaker !== 'mc');
  return client.waitForMessage(
    (m): m is PartnerEnd => m.type === 'partner.end' && !counted.has(m.turnId) && isReply(m.turnId),
    timeoutMs,
  );
}
