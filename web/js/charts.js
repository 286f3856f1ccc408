// Line charts on uPlot (served by statuskit itself, no CDN), drawn from the page's HistoryView.
// Each chart redraws at most once per animation frame and carries a text line with its latest
// values: the accessible description of a picture screen readers cannot see.
import { el } from './tree.js';

const PALETTE_LIGHT = [
  '#0b57d0',
  '#b3261e',
  '#137333',
  '#8a3ffc',
  '#b06000',
  '#007b83',
  '#a1306a',
  '#5f6368',
];
const PALETTE_DARK = ['#8ab4f8', '#f28b82', '#81c995', '#c58af9', '#fdd663', '#78d9ec', '#ff8bcb', '#bdc1c6'];
/** Series named in the text line; the rest are drawn, and counted. */
const LATEST_SHOWN = 4;

export function dark() {
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export function paletteColour(i) {
  const palette = dark() ? PALETTE_DARK : PALETTE_LIGHT;
  return palette[i % palette.length];
}

const compact = () => window.matchMedia('(max-width: 40rem)').matches;

export class HistoryChart {
  /**
   * @param {HTMLElement} parent
   * @param {string} chart the server's chart name (`cpu`, `memory`, …)
   * @param {{ id: string, title: string, format: (v: number) => string, exact?: (v: number) => string, min?: number, max?: number }} spec
   */
  constructor(parent, chart, spec) {
    this.chart = chart;
    this.spec = spec;
    this.labels = [];
    this.points = 0;
    this.drawnVersion = -1;
    this.figure = el('figure', 'chart');
    this.figure.id = `chart-${spec.id}`;
    this.figure.dataset.chart = chart;
    this.figure.dataset.points = '0';
    this.figure.hidden = true;
    const caption = el('figcaption', '', spec.title);
    caption.id = `chart-${spec.id}-title`;
    this.plotBox = el('div', 'plot');
    this.plotBox.setAttribute('aria-hidden', 'true');
    this.latest = el('p', 'latest', 'No data yet');
    this.figure.setAttribute('aria-labelledby', caption.id);
    this.figure.append(caption, this.plotBox, this.latest);
    parent.append(this.figure);
    this.frame = 0;
  }

  /** Takes the view's current columns for this chart; draws on the next frame. */
  update(view) {
    const [labels, columns] = view.series(this.chart);
    this.points = countPoints(columns);
    this.figure.dataset.points = String(this.points);
    if (this.figure.dataset.initialPoints === undefined && view.received && this.points > 0)
      this.figure.dataset.initialPoints = String(this.points);
    if (labels.join('\u0000') !== this.labels.join('\u0000')) {
      this.labels = labels;
      this.plot?.destroy();
      this.plot = undefined;
    }
    this.data = [view.time, ...columns];
    this.rangeMs = view.rangeMs;
    this.figure.hidden = this.points === 0;
    this.latest.textContent = this.latestText(view, labels);
    this.latest.title = this.latest.textContent;
    this.schedule();
  }

  latestText(view, labels) {
    const exact = this.spec.exact ?? this.spec.format;
    const parts = labels
      .map((label) => [label, view.latest(this.chart, label)])
      .filter(([, value]) => value !== undefined)
      .map(([label, value]) => `${label} ${exact(value)}`);
    if (parts.length === 0) return 'No data yet';
    const more = parts.length - LATEST_SHOWN;
    return more > 0 ? `${parts.slice(0, LATEST_SHOWN).join(' · ')} · +${more} more` : parts.join(' · ');
  }

  /** Rebuilds with the current theme's colours and size (after a light/dark or layout switch). */
  restyle() {
    this.plot?.destroy();
    this.plot = undefined;
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  resize() {
    this.plot?.setSize(this.size());
  }

  size() {
    const width = Math.max(120, this.plotBox.clientWidth || this.figure.clientWidth - 16);
    return { width, height: compact() ? 64 : 120 };
  }

  draw() {
    if (typeof window.uPlot !== 'function' || this.labels.length === 0 || this.figure.hidden) return;
    if (this.plot) {
      this.plot.setData(this.data);
      return;
    }
    const styles = getComputedStyle(document.documentElement);
    const ink = styles.getPropertyValue('--muted').trim() || '#555';
    const grid = styles.getPropertyValue('--grid').trim() || '#8884';
    const { format, min, max } = this.spec;
    const small = compact();
    const axis = {
      stroke: ink,
      grid: { stroke: grid, width: 1 },
      ticks: { show: false },
      font: small ? '10px system-ui' : '11px system-ui',
    };
    this.plot = new window.uPlot(
      {
        ...this.size(),
        legend: { show: false },
        cursor: { show: false },
        padding: small ? [6, 8, 6, 0] : [6, 14, 0, 0],
        scales: {
          x: {
            time: true,
            range: (_u, lo, hi) => {
              // The selected range, ending at the newest point (or now, before any point).
              const end = Number.isFinite(hi) ? hi : Date.now() / 1000;
              const span = (this.rangeMs ?? 900_000) / 1000;
              return [Math.min(end - span, Number.isFinite(lo) ? lo : end - span), end];
            },
          },
          y: { range: (_u, lo, hi) => [min ?? Math.min(0, lo ?? 0), Math.max(max ?? 0, hi || 1)] },
        },
        axes: [
          { ...axis, show: !small, space: 80, size: 24, values: (_u, ticks) => ticks.map(clockTime) },
          {
            ...axis,
            size: small ? 40 : 56,
            space: small ? 20 : 30,
            values: (_u, ticks) => ticks.map(format),
          },
        ],
        series: [
          {},
          ...this.labels.map((label, i) => ({
            label,
            stroke: paletteColour(i),
            width: i === 0 ? 2 : 1,
            spanGaps: this.chart === 'checks',
            points: { show: false },
          })),
        ],
      },
      this.data,
      this.plotBox,
    );
  }
}

function countPoints(columns) {
  let best = 0;
  for (const column of columns) {
    let count = 0;
    for (const value of column) if (value !== null) count++;
    if (count > best) best = count;
  }
  return best;
}

function clockTime(seconds) {
  const date = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}
