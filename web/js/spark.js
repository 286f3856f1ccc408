// Small pictures of one series for a component chip: a sparkline of its response times and a bar
// of its level over the selected range. SVG, a few dozen nodes each: cheap to redraw every sample.
import { LEVELS } from './levels.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 100;
const HEIGHT = 24;

function svg(className, label) {
  const root = document.createElementNS(SVG, 'svg');
  root.setAttribute('class', className);
  root.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  root.setAttribute('preserveAspectRatio', 'none');
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', label);
  return root;
}

/** A sparkline of `values` over `times` (seconds), spanning [start, end]; gaps are skipped. */
export function sparkline(times, values, start, end, label) {
  const root = svg('spark', label);
  const span = Math.max(1, end - start);
  let top = 0;
  for (const value of values) if (value !== null && value > top) top = value;
  top = top || 1;
  const points = [];
  for (let i = 0; i < times.length; i++) {
    if (values[i] === null || times[i] < start) continue;
    const x = ((times[i] - start) / span) * WIDTH;
    const y = HEIGHT - 2 - (values[i] / top) * (HEIGHT - 4);
    points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  if (points.length === 1) points.push(points[0].replace(/^[\d.]+/, String(WIDTH)));
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  root.append(line);
  return root;
}

/**
 * A bar of levels (severity 0 ok … 4 critical) over [start, end]: one rectangle per run of the
 * same level, coloured by level, so an hour of one-second samples is a handful of nodes.
 */
export function levelBar(times, values, start, end, label) {
  const root = svg('level-bar', label);
  const span = Math.max(1, end - start);
  let runStart;
  let runLevel;
  const close = (until) => {
    if (runLevel === undefined) return;
    const rect = document.createElementNS(SVG, 'rect');
    const x = ((Math.max(runStart, start) - start) / span) * WIDTH;
    rect.setAttribute('x', x.toFixed(2));
    rect.setAttribute('y', '0');
    rect.setAttribute(
      'width',
      Math.max(0.5, ((until - Math.max(runStart, start)) / span) * WIDTH).toFixed(2),
    );
    rect.setAttribute('height', String(HEIGHT));
    rect.setAttribute('class', `level-${runLevel}`);
    root.append(rect);
  };
  for (let i = 0; i < times.length; i++) {
    const level = values[i] === null ? undefined : severityLevel(values[i]);
    if (level === runLevel) continue;
    close(times[i]);
    runStart = times[i];
    runLevel = level;
  }
  close(end);
  return root;
}

const BY_SEVERITY = ['ok', 'unknown', 'warning', 'maintenance', 'critical'];

function severityLevel(value) {
  const level = BY_SEVERITY[Math.round(value)];
  return LEVELS.includes(level) ? level : undefined;
}
