// When each transcript line showed each of its texts on the page, recorded in the page itself (a
// MutationObserver on the transcript log), so a fault test can say not only *what* the store lacks of a line
// but *how long before the fault* the page had it: the measure docs/faults.md bounds a hard kill by.
import type { Page } from '@playwright/test';

export type TimelineSpeaker = 'player' | 'partner';

/** One text a line showed, from the page's clock (Date.now(), the same clock as the test's on one machine). */
export interface LineVersion {
  atMs: number;
  text: string;
}

/** Versions of each line by speaker, in page order (index i = that speaker's i-th line). */
export type Timeline = Record<TimelineSpeaker, LineVersion[][]>;

declare global {
  interface Window {
    __transcriptTimeline?: Timeline;
  }
}

/** Install before the page loads: `await recordTranscriptTimeline(page)` then `page.goto(...)`. */
export async function recordTranscriptTimeline(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const timeline: Timeline = { player: [], partner: [] };
    window.__transcriptTimeline = timeline;
    const record = (): void => {
      const log = document.querySelector('[role="log"][aria-label="Transcript"]');
      if (!log) return;
      const index: Record<string, number> = { player: 0, partner: 0 };
      const now = Date.now();
      for (const entry of log.querySelectorAll<HTMLElement>(':scope > [data-speaker]')) {
        const speaker = entry.dataset.speaker;
        if (speaker !== 'player' && speaker !== 'partner') continue;
        const i = index[speaker]!++;
        const text = (entry.querySelector(':scope > span:nth-of-type(2)')?.textContent ?? '').trim();
        const versions = timeline[speaker][i] ?? [];
        timeline[speaker][i] = versions;
        if (text && versions.at(-1)?.text !== text) versions.push({ atMs: now, text });
      }
    };
    new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

export async function readTranscriptTimeline(page: Page): Promise<Timeline> {
  return page.evaluate(() => window.__transcriptTimeline ?? { player: [], partner: [] });
}

export interface KillLoss {
  /** The speaker's line index on the page. */
  line: number;
  shown: string;
  stored: string | null;
  /** How long before the kill the page first showed text the store lacks (negative: after it, in flight). */
  missingSinceMs: number;
}

export interface KillComparison {
  /** Lines the store lacks in part or whole; each must fit the bound. */
  losses: KillLoss[];
  /** Why the store disagrees with the page beyond a lost tail; empty when it does not. */
  problems: string[];
}

/**
 * Compares one speaker's stored lines with what the page showed around a hard kill. Lines that first showed
 * after `reconnectedAtMs` come from the new relay, which was never killed: stored exactly. Lines of the killed
 * relay may lack a tail (or, when their whole text came in the last window, be missing at the end); what each
 * lacks is measured as how long before `killedAtMs` the page first showed it.
 */
export function compareAtKill(
  timeline: readonly LineVersion[][],
  stored: readonly string[],
  killedAtMs: number,
  reconnectedAtMs: number,
): KillComparison {
  const problems: string[] = [];
  const losses: KillLoss[] = [];
  // An entry never shows empty text; a slot without versions is not a line.
  const versions = timeline.filter((line) => line.length > 0);
  const shown = versions.map((line) => line.at(-1)?.text ?? '');
  const fromKilled = versions.filter((line) => (line[0]?.atMs ?? Number.POSITIVE_INFINITY) < reconnectedAtMs).length;
  const fromNew = shown.length - fromKilled;
  const storedKilled = stored.slice(0, Math.max(0, stored.length - fromNew));
  const storedNew = stored.slice(storedKilled.length);
  if (storedKilled.length > fromKilled) {
    problems.push(`the store has ${stored.length} lines, the page showed ${shown.length}: ${JSON.stringify(stored)}`);
  }
  for (const [i, text] of shown.slice(fromKilled).entries()) {
    if (storedNew[i] !== text)
      problems.push(`new relay's line ${fromKilled + i}: stored ${storedNew[i]} ≠ shown ${text}`);
  }
  for (let i = 0; i < fromKilled; i++) {
    const kept = storedKilled[i] ?? null;
    const text = shown[i]!;
    if (kept?.startsWith(text)) continue;
    if (kept !== null && !text.startsWith(kept)) {
      problems.push(`line ${i}: stored "${kept}" is not a prefix of shown "${text}"`);
      continue;
    }
    const firstMissing = versions[i]!.find((version) => kept === null || !kept.startsWith(version.text))!;
    losses.push({ line: i, shown: text, stored: kept, missingSinceMs: killedAtMs - firstMissing.atMs });
  }
  return { losses, problems };
}
