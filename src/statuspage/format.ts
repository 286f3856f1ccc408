/** How the page writes times, spans and ratios (the HTML, feeds and badges agree on them). */
import { formatPercent } from '../watch/availability.js';

export { formatPercent };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `3 Dec 2026` for a `2026-12-03` day (by hand: Intl costs ~100 µs a call, and a page has 9000 days). */
export function formatDay(date: string): string {
  const [year, month, day] = date.split('-');
  return `${Number(day)} ${MONTHS[Number(month) - 1]} ${year}`;
}

/** `3 Dec 2026, 14:05 UTC`. */
export function formatTime(iso: string): string {
  return `${formatDay(iso.slice(0, 10))}, ${iso.slice(11, 16)} UTC`;
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
