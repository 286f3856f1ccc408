// The page's copy of the server's history: columns of points per chart series, filled from a
// `window` answer (the past, in one message) and extended by each `sample` push. Pure data: the
// charts, sparklines and level bars all draw from it.

export const RANGES = {
  '15m': { label: '15 min', ms: 15 * 60_000, minGapMs: 0 },
  '1h': { label: '1 h', ms: 60 * 60_000, minGapMs: 0 },
  // The server answers 24 h at one point a minute: live samples refresh the newest point until a
  // minute has passed, so a tab left open for a day stays at about 1440 points.
  '24h': { label: '24 h', ms: 24 * 60 * 60_000, minGapMs: 60_000 },
};

export class HistoryView {
  constructor(range = '15m') {
    this.range = RANGES[range] ? range : '15m';
    /** Seconds since the epoch, oldest first (uPlot's x values). */
    this.time = [];
    /** chart -> label -> values (null: no value at that time), aligned with `time`. */
    this.charts = new Map();
    this.units = {};
    this.intervalMs = 1000;
    /** Whether the newest point came from a live sample (and may be refreshed in place). */
    this.liveTail = false;
    /** Bumped on every change, so views redraw only when there is something new. */
    this.version = 0;
    this.received = false;
  }

  get rangeMs() {
    return RANGES[this.range].ms;
  }

  setRange(range) {
    if (RANGES[range]) this.range = range;
  }

  /** Replaces everything with a `window` answer. */
  replace(window) {
    const times = Array.isArray(window.time) ? window.time : [];
    this.time = times.map((ms) => ms / 1000);
    this.charts = new Map();
    for (const [chart, series] of Object.entries(window.charts ?? {})) {
      const columns = new Map();
      for (const [label, values] of Object.entries(series)) {
        if (Array.isArray(values) && values.length === times.length) columns.set(label, values.slice());
      }
      this.charts.set(chart, columns);
    }
    this.units = { ...this.units, ...(window.units ?? {}) };
    if (typeof window.intervalMs === 'number') this.intervalMs = window.intervalMs;
    this.liveTail = false;
    this.received = true;
    this.version++;
  }

  /** Adds one `sample` push (ignoring one the window already holds). */
  append(sample) {
    if (typeof sample.time !== 'number') return;
    const seconds = sample.time / 1000;
    const last = this.time[this.time.length - 1];
    if (last !== undefined && seconds <= last) return;
    const { minGapMs } = RANGES[this.range];
    const refresh = this.liveTail && last !== undefined && (seconds - last) * 1000 < minGapMs;
    if (refresh) this.time[this.time.length - 1] = seconds;
    else this.time.push(seconds);
    const length = this.time.length;
    const values = sample.charts ?? {};
    for (const [chart, series] of Object.entries(values)) {
      let columns = this.charts.get(chart);
      if (!columns) {
        columns = new Map();
        this.charts.set(chart, columns);
      }
      for (const label of Object.keys(series)) {
        if (!columns.has(label)) columns.set(label, new Array(length - (refresh ? 0 : 1)).fill(null));
      }
    }
    for (const [chart, columns] of this.charts) {
      for (const [label, column] of columns) {
        const value = values[chart]?.[label];
        const point = typeof value === 'number' ? value : null;
        if (refresh) column[column.length - 1] = point ?? column[column.length - 1];
        else column.push(point);
      }
    }
    this.liveTail = true;
    this.received = true;
    this.trim(seconds);
    this.version++;
  }

  /** Drops points older than the range, in batches so a long window is not shifted every second. */
  trim(nowSeconds) {
    const cutoff = nowSeconds - RANGES[this.range].ms / 1000;
    let drop = 0;
    while (drop < this.time.length && this.time[drop] < cutoff) drop++;
    if (drop === 0 || drop < Math.max(1, this.time.length / 50)) return;
    this.time.splice(0, drop);
    for (const columns of this.charts.values()) for (const column of columns.values()) column.splice(0, drop);
  }

  /** `[labels, columns]` of one chart, in the server's order. */
  series(chart) {
    const columns = this.charts.get(chart);
    if (!columns) return [[], []];
    return [[...columns.keys()], [...columns.values()]];
  }

  column(chart, label) {
    return this.charts.get(chart)?.get(label);
  }

  /** The newest non-null value of a series. */
  latest(chart, label) {
    const column = this.column(chart, label);
    if (!column) return undefined;
    for (let i = column.length - 1; i >= 0; i--) if (column[i] !== null) return column[i];
    return undefined;
  }
}

/** A transition's identity, so the same change told twice (window, then push) is listed once. */
export function transitionKey(t) {
  return `${t.time}|${t.component}|${t.to}`;
}
