// Plain words and numbers for the history pages. Pure; locale and time zone are parameters so tests pin them.
import type { AudioQualityJson, SessionStatus } from '../../shared/api.js';
import { findGame } from '../../shared/games.js';

export interface FormatOptions {
  /** BCP 47 tag; undefined means the browser's own. */
  locale?: string;
  /** IANA zone; undefined means the browser's own. */
  timeZone?: string;
}

const MS_PER_SECOND = 1_000;
const SECONDS_PER_MINUTE = 60;
const SECONDS_PER_HOUR = 3_600;

/** "0 s", "45 s", "3 min 05 s", "1 h 02 min": scenes are minutes long, so seconds matter and hours rarely do. */
export function formatDuration(durationMs: number): string {
  const totalSeconds = Math.max(0, Math.round(durationMs / MS_PER_SECOND));
  if (totalSeconds < SECONDS_PER_MINUTE) return `${totalSeconds} s`;
  if (totalSeconds < SECONDS_PER_HOUR) {
    const minutes = Math.floor(totalSeconds / SECONDS_PER_MINUTE);
    const seconds = totalSeconds % SECONDS_PER_MINUTE;
    return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
  }
  const hours = Math.floor(totalSeconds / SECONDS_PER_HOUR);
  const minutes = Math.floor((totalSeconds % SECONDS_PER_HOUR) / SECONDS_PER_MINUTE);
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}

/** Scenes cost cents: two decimals, and "< $0.01" rather than a misleading "$0.00" for a tiny non-zero cost. */
export function formatCostUsd(costUsd: number): string {
  if (!Number.isFinite(costUsd) || costUsd <= 0) return '$0.00';
  if (costUsd < 0.01) return '< $0.01';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 }).format(
    costUsd,
  );
}

export function formatLatencyMs(latencyMs: number | null): string {
  return latencyMs === null ? '—' : `${Math.round(latencyMs)} ms`;
}

/** "Sun, Nov 22, 2026, 6:00 PM" in the reader's locale; the original text if the instant does not parse. */
export function formatSceneDateTime(iso: string, options: FormatOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(options.locale, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: options.timeZone,
  }).format(date);
}

/** "6:00:05 PM": a turn's time of day within its scene. */
export function formatTimeOfDay(iso: string, options: FormatOptions = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(options.locale, {
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZone: options.timeZone,
  }).format(date);
}

export const STATUS_LABELS: Record<SessionStatus, string> = {
  active: 'In progress',
  completed: 'Completed',
  abandoned: 'Ended early',
};

/** The catalog's name, or the id made readable for a game the catalog no longer has. */
export function gameName(gameId: string): string {
  const game = findGame(gameId);
  if (game) return game.name;
  const words = gameId.replace(/[-_]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown game';
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}

/** "0.4 % lost" style figure; null when no frames arrived (nothing to judge). */
export function frameLossPercent(quality: AudioQualityJson): number | null {
  const expected = quality.framesReceived + quality.framesLost;
  if (expected === 0) return null;
  return (quality.framesLost / expected) * 100;
}

export function formatPercent(percent: number | null): string {
  if (percent === null) return '—';
  if (percent > 0 && percent < 0.1) return '< 0.1 %';
  return `${percent.toFixed(1)} %`;
}
