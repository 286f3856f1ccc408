/**
 * SVG badges for a README: `label | value`, in the shields.io flat style, with a `<title>` and
 * `aria-label` so the value is text as well as a colour. Widths come from a per-character estimate
 * (Verdana 11px), good enough for short labels; long ones are clipped at 40 characters.
 */
import { escapeXml as esc } from './xml.js';

export const BADGE_COLOURS = {
  good: '#116329',
  fair: '#7d4e00',
  bad: '#a40e26',
  maintenance: '#0550ae',
  neutral: '#57606a',
} as const;
export type BadgeColour = keyof typeof BADGE_COLOURS;

const LABEL_BG = '#444d56';

function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[ilj.,:;|!' ]/.test(char) ? 4 : /[mwMW%@]/.test(char) ? 10 : 7;
  return width;
}

export function renderBadge(label: string, value: string, colour: BadgeColour): string {
  const left = label.slice(0, 40);
  const right = value.slice(0, 40);
  const leftWidth = textWidth(left) + 12;
  const rightWidth = textWidth(right) + 12;
  const width = leftWidth + rightWidth;
  const text = `${left}: ${right}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${esc(text)}">
<title>${esc(text)}</title>
<rect width="${leftWidth}" height="20" rx="3" fill="${LABEL_BG}"/>
<rect x="${leftWidth}" width="${rightWidth}" height="20" rx="3" fill="${BADGE_COLOURS[colour]}"/>
<rect x="${leftWidth}" width="4" height="20" fill="${BADGE_COLOURS[colour]}"/>
<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
<text x="${leftWidth / 2}" y="14">${esc(left)}</text>
<text x="${leftWidth + rightWidth / 2}" y="14">${esc(right)}</text>
</g>
</svg>
`;
}

/** Uptime colours: 99.9 % and above good, 99 % fair, below bad. */
export function uptimeColour(ratio: number | undefined): BadgeColour {
  if (ratio === undefined) return 'neutral';
  if (ratio >= 0.999) return 'good';
  return ratio >= 0.99 ? 'fair' : 'bad';
}

export function levelColour(level: string): BadgeColour {
  switch (level) {
    case 'ok':
      return 'good';
    case 'warning':
      return 'fair';
    case 'critical':
      return 'bad';
    case 'maintenance':
      return 'maintenance';
    default:
      return 'neutral';
  }
}
