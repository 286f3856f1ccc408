/** How the page writes times, spans and ratios (the HTML, feeds and badges agree on them). */
import { formatPercent } from '../watch/availability.js';

export { formatPercent };

/** `3 Dec 2026` for a `2026-12-03` day. */
export function formatDay(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  return parsed.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** `3 Dec 2026, 14:05 UTC`. */
export function formatTime(iso: string): string {
  const parsed = new Date(iso);
  const day = parsed.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${day}, ${iso.slice(11, 16)} UTC`;
}

/** `2 h 5 min`, `40 s`, `0 min`. */
export function formatLength(ms: number): string {
  if (ms < 60_000) return ms < 1000 ? '0 min' : `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
