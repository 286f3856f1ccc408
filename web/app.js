// statuskit dashboard: wires the live feed to the views. Everything shown comes from the feed, which
// has already cut it to what the viewer's tier may see; the page adds nothing of its own.
import { LiveChart, renderDisks } from './js/charts.js';
import { credentialStore, Feed } from './js/feed.js';
import {
  formatAge,
  formatBytes,
  formatClock,
  formatDuration,
  formatPercent,
  formatRate,
} from './js/format.js';
import { createWordBook } from './js/levels.js';
import { el, readDocument, TreeView } from './js/tree.js';

const config = JSON.parse(document.getElementById('statuskit-config')?.textContent ?? '{}');
const book = createWordBook(config.vocabulary);
const $ = (id) => document.getElementById(id);
const MAX_TRANSITIONS = 200;

const state = {
  level: undefined,
  word: undefined,
  since: undefined,
  sinceObserved: false,
  componentLevels: new Map(),
  authenticated: false,
};

// ── overall status, banner, identity ─────────────────────────────────────────────────────────

function unwrap(message) {
  // Seed 002's envelope `{ success, message, data, metadata }` carries the document in `data`.
  if (message && typeof message === 'object' && typeof message.success === 'boolean' && 'data' in message) {
    return { document: message.data, envelope: message };
  }
  return { document: message, envelope: undefined };
}

function showStatus(message) {
  const { document: doc } = unwrap(message);
  const options = {
    statusKey: config.statusKey ?? 'status',
    messageKey: config.messageKey ?? 'message',
    overallKey: config.overallStatusKey ?? 'status',
    wordComponents: config.components === 'word',
    book,
  };
  const { identity, components } = readDocument(doc, options);
  const word = doc && typeof doc[options.overallKey] === 'string' ? doc[options.overallKey] : undefined;
  showOverall(word, word === undefined ? undefined : (book.overall(word) ?? 'unknown'));
  showBanners(doc, state.level);
  showIdentity(identity);
  recordComponentTransitions(components);
  tree.update(components);
}

function showOverall(word, level) {
  const now = Date.now();
  if (level !== state.level || word !== state.word) {
    if (state.level !== undefined || state.word !== undefined) {
      addTransition(now, 'Overall', state.word, word, level);
      state.sinceObserved = true;
    }
    state.level = level;
    state.word = word;
    state.since = now;
  }
  const card = $('overall');
  card.dataset.level = level ?? 'unknown';
  $('overall-word').textContent = word ?? 'No overall status in this document';
  renderSince(now);
  document.title = word ? `${word} · ${config.title ?? 'Status'}` : (config.title ?? 'Status');
}

function renderSince(now = Date.now()) {
  if (state.since === undefined) return;
  const prefix = state.sinceObserved ? 'Since' : 'At least since';
  $('overall-since').textContent =
    `${prefix} ${formatClock(state.since)} (${formatDuration(now - state.since)})`;
}

function showBanners(doc, level) {
  const notice = findNotice(doc);
  const banner = $('maintenance');
  if (level === 'maintenance' || notice) {
    const parts = [notice?.message ?? 'Maintenance in progress.'];
    const until = notice?.estimated_completion ?? notice?.estimatedCompletion ?? notice?.until;
    if (until) parts.push(`Expected back: ${formatWhen(until)}.`);
    banner.textContent = parts.join(' ');
    banner.hidden = false;
  } else banner.hidden = true;
}

function findNotice(doc) {
  if (!doc || typeof doc !== 'object') return undefined;
  for (const key of ['notice', 'maintenance']) {
    const value = doc[key];
    if (value && typeof value === 'object' && typeof value.message === 'string') return value;
    if (typeof value === 'string' && value) return { message: value };
  }
  return undefined;
}

function formatWhen(value) {
  const time = typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isFinite(time) ? new Date(time).toLocaleString() : String(value);
}

function showIdentity(fields) {
  const rows = fields
    .filter(([, value]) => value === null || typeof value !== 'object')
    .flatMap(([key, value]) => [el('dt', '', key), el('dd', '', String(value))]);
  $('identity').replaceChildren(...rows);
}

// ── transitions ──────────────────────────────────────────────────────────────────────────────

function recordComponentTransitions(components) {
  const now = Date.now();
  const seen = new Set();
  const visit = (node) => {
    if (node.word !== undefined) {
      const id = node.path.join('.');
      seen.add(id);
      const before = state.componentLevels.get(id);
      if (before !== undefined && before.word !== node.word)
        addTransition(now, id, before.word, node.word, node.level);
      state.componentLevels.set(id, { word: node.word });
    }
    node.children.forEach(visit);
  };
  components.forEach(visit);
}

function addTransition(time, what, from, to, level) {
  const list = $('transitions');
  const item = el('li', 'transition');
  item.dataset.level = level ?? 'unknown';
  const when = el('time', 'when', formatClock(time));
  when.dateTime = new Date(time).toISOString();
  const badge = el('span', 'badge', to ?? '–');
  badge.dataset.level = level ?? 'unknown';
  item.append(when, el('span', 'what', what), el('span', 'from', `${from ?? '–'} →`), badge);
  list.prepend(item);
  while (list.children.length > MAX_TRANSITIONS) list.lastElementChild.remove();
  $('transitions-empty').hidden = true;
}

// ── charts ───────────────────────────────────────────────────────────────────────────────────

const chartsBox = $('charts');
const charts = {
  cpu: new LiveChart(chartsBox, { id: 'cpu', title: 'CPU usage', format: pct, min: 0, max: 100 }),
  memory: new LiveChart(chartsBox, {
    id: 'memory',
    title: 'Memory and swap used',
    format: pct,
    min: 0,
    max: 100,
  }),
  network: new LiveChart(chartsBox, { id: 'network', title: 'Network', format: formatRate }),
  eventLoop: new LiveChart(chartsBox, { id: 'event-loop', title: 'Event-loop delay', format: ms }),
  pressure: new LiveChart(chartsBox, {
    id: 'pressure',
    title: 'Stalled on CPU, memory, I/O (PSI, 10 s)',
    format: pct,
    min: 0,
  }),
  requests: new LiveChart(chartsBox, { id: 'requests', title: 'Requests per second', format: perSecond }),
  errors: new LiveChart(chartsBox, { id: 'errors', title: 'Error ratio (5 min)', format: pct, min: 0 }),
};

function pct(v) {
  return formatPercent(v, v >= 10 ? 0 : 1);
}
function ms(v) {
  return typeof v === 'number' ? `${v.toFixed(v >= 10 ? 0 : 1)} ms` : '–';
}
function perSecond(v) {
  return typeof v === 'number' ? `${v.toFixed(v >= 10 ? 0 : 2)}/s` : '–';
}

/** CPU from the `cpu` topic (vitals readings) or, failing that, seed 003's `sysinfo.cpus`. */
function showCpu(data, time = Date.now()) {
  const cores = Array.isArray(data?.cores) ? data.cores : Array.isArray(data?.cpus) ? data.cpus : undefined;
  if (!cores) return;
  const total =
    data.total?.usage ?? cores.reduce((sum, core) => sum + (core.usage ?? 0), 0) / (cores.length || 1);
  const entries = [['total', total], ...cores.map((core, i) => [`core ${core.name ?? i + 1}`, core.usage])];
  // The browser's clock for every point: x values must grow, and server clocks may differ.
  charts.cpu.push(time, entries);
}

function showSysinfo(data) {
  if (!state.sawCpuTopic) showCpu(data);
  const mem = data?.mem;
  if (mem && mem.total > 0) {
    const swap = mem.swap_total > 0 ? (mem.swap_used / mem.swap_total) * 100 : 0;
    charts.memory.push(Date.now(), [
      ['memory', (mem.used / mem.total) * 100],
      ['swap', swap],
    ]);
    charts.memory.latest.textContent += ` · ${formatBytes(mem.used)} of ${formatBytes(mem.total)}`;
  }
  if (Array.isArray(data?.disks)) {
    renderDisks($('disks'), data.disks, formatBytes);
    $('disks-heading').hidden = data.disks.length === 0;
  }
}

function showNetwork(data) {
  if (!Array.isArray(data?.interfaces)) return;
  let rx = 0;
  let tx = 0;
  for (const nic of data.interfaces) {
    if (nic.name === 'lo') continue;
    rx += nic.rxBytesPerSec ?? 0;
    tx += nic.txBytesPerSec ?? 0;
  }
  charts.network.push(Date.now(), [
    ['rx', rx],
    ['tx', tx],
  ]);
}

const RATE_KEYS = {
  m1: ['oneMinuteRate', 'm1_rate'],
  m5: ['fiveMinuteRate', 'm5_rate'],
  m15: ['fifteenMinuteRate', 'm15_rate'],
};

function rateOf(meter, window) {
  for (const key of RATE_KEYS[window]) if (typeof meter?.[key] === 'number') return meter[key];
  return 0;
}

/** The `requests` topic: seed 001's meters (successes, errors, ignored) and the error ratio. */
function showRequests(data) {
  const meters = ['successes', 'errors', 'ignored'].map((key) => data?.[key]).filter(Boolean);
  if (meters.length === 0) return;
  const sum = (window) => meters.reduce((total, meter) => total + rateOf(meter, window), 0);
  const now = Date.now();
  charts.requests.push(now, [
    ['1 min', sum('m1')],
    ['5 min', sum('m5')],
    ['15 min', sum('m15')],
  ]);
  if (typeof data.fiveMinuteErrorsRatio === 'number') {
    charts.errors.push(now, [['errors', data.fiveMinuteErrorsRatio * 100]]);
  }
}

/** Event-loop delay wherever the `metrics` topic carries it: a vitals `eventLoop` reading or gauges. */
function showMetrics(data) {
  const loop = findEventLoop(data);
  if (loop) {
    charts.eventLoop.push(Date.now(), [
      ['p50', loop.p50],
      ['p99', loop.p99],
      ['max', loop.max],
    ]);
  }
  if (data?.requests && typeof data.requests === 'object') showRequests(data.requests);
  showPressure(data?.pressure);
}

/** Linux pressure-stall shares (`some`, over 10 s) from the agent's `metrics` topic, when present. */
function showPressure(pressure) {
  if (!pressure || typeof pressure !== 'object') return;
  const entries = ['cpu', 'memory', 'io']
    .filter((resource) => typeof pressure[resource]?.some?.avg10 === 'number')
    .map((resource) => [resource === 'io' ? 'I/O' : resource, pressure[resource].some.avg10]);
  if (entries.length > 0) charts.pressure.push(Date.now(), entries);
}

function findEventLoop(data, depth = 0) {
  if (!data || typeof data !== 'object' || depth > 3) return undefined;
  if (typeof data.p99 === 'number' && typeof data.p50 === 'number') return data;
  for (const [key, value] of Object.entries(data)) {
    if (/event.?loop/i.test(key) || depth < 2) {
      const found = findEventLoop(value, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

const topicHandlers = {
  status: showStatus,
  sysinfo: showSysinfo,
  cpu: (data) => {
    state.sawCpuTopic = true;
    showCpu(data);
  },
  network: showNetwork,
  requests: showRequests,
  metrics: showMetrics,
};

// ── connection and sign-in ───────────────────────────────────────────────────────────────────

const tree = new TreeView($('tree'), $('tree-empty'));
const dialog = $('auth');

function openAuth(reason) {
  $('auth-reason').textContent = reason;
  $('auth-error').hidden = true;
  if (!dialog.open) dialog.showModal();
  $('credential').focus();
}

const feed = new Feed(
  {
    feedPath: config.feedPath ?? '/api/health/ws',
    ssePath: config.ssePath ?? '/status/stream',
    transport: config.transport,
    topics: [
      ['status', undefined],
      ['sysinfo', '2s'],
      ['cpu', '1s'],
      ['network', '1s'],
      ['requests', '1s'],
      ['metrics', '1s'],
    ],
  },
  {
    onTopic: (topic, data) => topicHandlers[topic]?.(data),
    onState(connection, transport) {
      const badge = $('connection');
      badge.dataset.state = connection;
      badge.textContent =
        connection === 'live'
          ? `Live · ${transport}`
          : connection === 'offline'
            ? 'Offline'
            : `${capitalise(connection)}…`;
    },
    onNeedAuth(reason) {
      state.authenticated = false;
      $('sign-in').hidden = false;
      $('sign-out').hidden = true;
      if (dialog.open) {
        $('auth-error').textContent = reason;
        $('auth-error').hidden = false;
      } else openAuth(reason);
    },
    onAuthenticated() {
      state.authenticated = true;
      if (dialog.open) dialog.close();
      $('sign-in').hidden = true;
      $('sign-out').hidden = false;
      $('charts-restricted').hidden = true;
    },
    onRefused(topic, code) {
      // `forbidden`: the tier sees the summary only; `unavailable`: the server has no such source.
      for (const chart of chartsOf(topic)) if (chart.points === 0) chart.figure.hidden = true;
      if (code === 'forbidden') {
        $('sign-in').hidden = state.authenticated;
        $('charts-restricted').hidden = false;
      }
      // A server with no live sources at all (a watcher's page) shows no empty "Live" panel.
      const anyChart = Object.values(charts).some((chart) => !chart.figure.hidden);
      $('live-panel').hidden = !anyChart && $('charts-restricted').hidden;
    },
  },
);

function chartsOf(topic) {
  const byTopic = {
    cpu: [charts.cpu],
    sysinfo: [charts.memory, charts.cpu],
    network: [charts.network],
    requests: [charts.requests, charts.errors],
    metrics: [charts.eventLoop, charts.pressure],
  };
  return byTopic[topic] ?? [];
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

$('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const credential = $('credential').value.trim();
  if (!credential) return;
  $('credential').value = '';
  feed.authenticate(credential);
});
$('auth-cancel').addEventListener('click', () => dialog.close());
$('sign-in').addEventListener('click', () => openAuth('Sign in with an API key or a token to see more.'));
$('sign-out').addEventListener('click', () => {
  state.authenticated = false;
  $('sign-out').hidden = true;
  feed.signOut();
});
$('sign-out').hidden = !credentialStore.get();

// ── filters and housekeeping ─────────────────────────────────────────────────────────────────

$('filter').addEventListener('input', (event) => tree.setFilter({ text: event.target.value }));
$('problems-only').addEventListener('change', (event) =>
  tree.setFilter({ problemsOnly: event.target.checked }),
);
$('expand-all').addEventListener('click', () => tree.setAllOpen(true));
$('collapse-all').addEventListener('click', () => tree.setAllOpen(false));

setInterval(() => {
  const now = Date.now();
  renderSince(now);
  tree.tick(now);
}, 1000);

new ResizeObserver(() => {
  for (const chart of Object.values(charts)) chart.resize();
}).observe(chartsBox);
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  for (const chart of Object.values(charts)) chart.restyle();
});

// Exposed for tests and the curious: the page's state, read-only in spirit.
window.statuskitDashboard = { state, charts, feed, formatAge };
feed.start();
