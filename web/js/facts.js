// Host and process facts as a few readable lines instead of a tree of JSON keys. The figures are
// the document's own (a disk's `usedPercent`, memory's `usedPercent`), never recomputed here, so
// the page and the document always say the same. Objects are recognised by their shape, wherever
// the service mounted its vitals.
import { formatBytes, formatDuration, formatNumber } from './format.js';
import { el } from './tree.js';

const MAX_DEPTH = 4;

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value) => typeof value === 'number' && Number.isFinite(value);

const SHAPES = {
  host: (v) => isObject(v) && typeof v.hostname === 'string' && typeof v.platform === 'string',
  memory: (v) => isObject(v) && isNumber(v.usedPercent) && isNumber(v.total) && 'available' in v,
  disks: (v) =>
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((d) => isObject(d) && typeof d.mount === 'string' && 'usedPercent' in d),
  process: (v) => isObject(v) && isNumber(v.pid) && typeof v.nodeVersion === 'string',
  // Charted from the history, so left out of the tree.
  cpus: (v) => isObject(v) && Array.isArray(v.cores) && isObject(v.total),
  network: (v) => isObject(v) && Array.isArray(v.interfaces) && 'supported' in v,
  pressure: (v) => isObject(v) && isObject(v.cpu ?? v.memory ?? v.io) && 'cgroup' in v,
};

/**
 * The facts found in a document and the paths they came from (the tree leaves those out).
 * The first of each kind wins, in document order. Components (objects with a status word, such as
 * a memory check reporting `usedPercent`) are never facts.
 */
export function findFacts(document, statusKey = 'status') {
  const facts = {};
  const paths = new Set();
  const visit = (value, path) => {
    if (path.length > MAX_DEPTH || (!isObject(value) && !Array.isArray(value))) return;
    if (isObject(value) && typeof value[statusKey] === 'string') {
      for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
      return;
    }
    for (const [kind, matches] of Object.entries(SHAPES)) {
      if (!matches(value)) continue;
      facts[kind] ??= value;
      paths.add(path.join('\u0000'));
      return;
    }
    if (isObject(value)) for (const [key, child] of Object.entries(value)) visit(child, [...path, key]);
  };
  if (isObject(document)) for (const [key, child] of Object.entries(document)) visit(child, [key]);
  return { facts, paths };
}

/** The facts as rows of `<dt>`/`<dd>`; disks as used-space bars (`role="meter"`). */
export function renderFacts(box, facts) {
  const rows = [];
  const row = (name, text, id) => {
    const dd = el('dd', '', text);
    if (id) dd.id = id;
    rows.push(el('dt', '', name), dd);
    return dd;
  };
  const { host, memory, process } = facts;
  if (host) {
    const cpus = isNumber(host.cpuCount)
      ? `${host.cpuCount} CPU${host.cpuCount === 1 ? '' : 's'}`
      : undefined;
    const load = Array.isArray(host.loadAverage) ? `load ${host.loadAverage.join(' ')}` : undefined;
    const up = isNumber(host.uptime) ? `up ${formatDuration(host.uptime * 1000)}` : undefined;
    const system = [host.osName, host.release, host.architecture].filter(Boolean).join(' ');
    row('Host', [host.hostname, system, cpus, up, load].filter(Boolean).join(' · '), 'fact-host');
  }
  if (memory) {
    const text = `${memory.usedPercent} % used · ${formatBytes(memory.used)} of ${formatBytes(memory.total)}`;
    row('Memory', text, 'fact-memory').dataset.value = String(memory.usedPercent);
  }
  if (process) {
    const parts = [
      `pid ${process.pid}`,
      `Node ${process.nodeVersion}`,
      isNumber(process.uptime) ? `up ${formatDuration(process.uptime * 1000)}` : undefined,
      isNumber(process.memory?.rss) ? `RSS ${formatBytes(process.memory.rss)}` : undefined,
      isNumber(process.cpuPercent) ? `CPU ${formatNumber(process.cpuPercent)} %` : undefined,
    ];
    row('Process', parts.filter(Boolean).join(' · '), 'fact-process');
  }
  box.replaceChildren(...rows);
  return rows.length > 0;
}

export function renderDisks(list, disks) {
  const rows = (disks ?? []).map((disk) => {
    const used = isNumber(disk.usedPercent) ? disk.usedPercent : undefined;
    const li = el('li', 'disk');
    li.dataset.level = used === undefined ? 'none' : used >= 95 ? 'critical' : used >= 85 ? 'warning' : 'ok';
    const bar = el('div', 'disk-bar');
    bar.setAttribute('role', 'meter');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    if (used !== undefined) bar.setAttribute('aria-valuenow', String(used));
    bar.setAttribute('aria-label', `${disk.mount} used`);
    const fill = el('span', 'disk-fill');
    fill.style.width = `${Math.min(100, used ?? 0)}%`;
    bar.append(fill);
    const free = isNumber(disk.available)
      ? ` · ${formatBytes(disk.available)} free of ${formatBytes(disk.total)}`
      : '';
    const text = used === undefined ? (disk.state ?? 'no figures yet') : `${used} % used${free}`;
    li.append(el('span', 'disk-name', disk.mount), bar, el('span', 'disk-text', text));
    return li;
  });
  list.replaceChildren(...rows);
  return rows.length > 0;
}
