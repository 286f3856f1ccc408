// Live line charts on uPlot (served by statuskit itself, no CDN). Each chart keeps a bounded window
// of points, redraws at most once per animation frame, and carries a text line with its latest
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
const CAPACITY = 300;
const HEIGHT = 170;
const WINDOW_S = 120;

function dark() {
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

export class LiveChart {
  /**
   * @param {HTMLElement} parent
   * @param {{ id: string, title: string, format: (v: number) => string, min?: number, max?: number }} spec
   */
  constructor(parent, spec) {
    this.spec = spec;
    this.labels = [];
    this.data = [[]];
    this.points = 0;
    this.figure = el('figure', 'chart');
    this.figure.id = `chart-${spec.id}`;
    this.figure.dataset.points = '0';
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

  /** Adds one point per series; a new series set (cores appearing) rebuilds the chart. */
  push(timeMs, entries) {
    const labels = entries.map(([label]) => label);
    if (labels.join('\u0000') !== this.labels.join('\u0000')) this.reset(labels);
    this.data[0].push(timeMs / 1000);
    entries.forEach(([, value], i) => {
      this.data[i + 1].push(typeof value === 'number' && Number.isFinite(value) ? value : null);
    });
    if (this.data[0].length > CAPACITY) for (const column of this.data) column.shift();
    this.points++;
    this.figure.hidden = false;
    // Its panel too, which hides itself when no topic had data to chart.
    const panel = this.figure.closest('section');
    if (panel) panel.hidden = false;
    this.figure.dataset.points = String(this.points);
    this.latest.textContent = entries
      .map(([label, value]) => `${label} ${this.spec.format(value)}`)
      .join(' · ');
    this.schedule();
  }

  reset(labels) {
    this.labels = labels;
    this.data = [[], ...labels.map(() => [])];
    this.plot?.destroy();
    this.plot = undefined;
  }

  /** Rebuilds with the current theme's colours (after a light/dark switch). */
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
    this.plot?.setSize({ width: this.width(), height: HEIGHT });
  }

  width() {
    return Math.max(200, this.plotBox.clientWidth || this.figure.clientWidth - 16);
  }

  draw() {
    if (typeof window.uPlot !== 'function' || this.labels.length === 0) return;
    if (this.plot) {
      this.plot.setData(this.data);
      return;
    }
    const palette = dark() ? PALETTE_DARK : PALETTE_LIGHT;
    const styles = getComputedStyle(document.documentElement);
    const ink = styles.getPropertyValue('--muted').trim() || '#555';
    const grid = styles.getPropertyValue('--grid').trim() || '#8884';
    const { format, min, max } = this.spec;
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    this.plot = new window.uPlot(
      {
        width: this.width(),
        height: HEIGHT,
        legend: { show: this.labels.length > 1, live: false },
        cursor: { show: false },
        scales: {
          // A fixed two-minute window ending at the newest point: one point never stretches the axis to years.
          x: {
            time: true,
            range: (_u, _lo, hi) => {
              // Before the first point there is no `hi`: show the window ending now, not a date from nowhere.
              const end = Number.isFinite(hi) ? hi : Date.now() / 1000;
              return [end - WINDOW_S, end];
            },
          },
          y: { range: (_u, lo, hi) => [min ?? Math.min(0, lo), Math.max(max ?? 0, hi || 1)] },
        },
        axes: [
          // Clock time only: the window is two minutes, a date row would only crowd the ticks.
          { ...axis, space: 70, values: (_u, ticks) => ticks.map(clockTime) },
          { ...axis, size: 76, values: (_u, ticks) => ticks.map(format) },
        ],
        series: [
          {},
          ...this.labels.map((label, i) => ({
            label,
            stroke: palette[i % palette.length],
            width: i === 0 ? 2 : 1.25,
            value: (_u, v) => (v == null ? '–' : format(v)),
          })),
        ],
      },
      this.data,
      this.plotBox,
    );
  }
}

/** Used-space bars for disks, one row per mount; `role="meter"` carries the figure for assistive tech. */
export function renderDisks(list, disks, formatBytes) {
  const rows = disks.map((disk) => {
    const used = disk.total > 0 ? ((disk.total - disk.free) / disk.total) * 100 : 0;
    const li = el('li', 'disk');
    li.dataset.level = used >= 95 ? 'critical' : used >= 85 ? 'warning' : 'ok';
    const label = el('span', 'disk-name', disk.name);
    const bar = el('div', 'disk-bar');
    bar.setAttribute('role', 'meter');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.setAttribute('aria-valuenow', used.toFixed(1));
    bar.setAttribute('aria-label', `${disk.name} used`);
    const fill = el('span', 'disk-fill');
    fill.style.width = `${Math.min(100, used).toFixed(1)}%`;
    bar.append(fill);
    const text = el('span', 'disk-text', `${used.toFixed(0)} % of ${formatBytes(disk.total)} used`);
    li.append(label, bar, text);
    return li;
  });
  list.replaceChildren(...rows);
}

function clockTime(seconds) {
  const date = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}
