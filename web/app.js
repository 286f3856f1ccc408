// statuskit dashboard: wires the live feed to the views. Everything shown comes from the feed, which
// has already cut it to what the viewer's tier may see; the page adds nothing of its own. Charts,
// sparklines, level bars and the timeline draw from the server's history, so the page opens on the
// past instead of filling up while it stays open.
import { dark, HistoryChart } from './js/charts.js';
import { findFacts, renderDisks, renderFacts } from './js/facts.js';
import { credentialStore, Feed } from './js/feed.js';
import { formatBytes, formatClock, formatDuration, formatNumber, formatRate } from './js/format.js';
import { HistoryView, RANGES, transitionKey } from './js/history.js';
import { createWordBook } from './js/levels.js';
import { el, readDocument, TreeView } from './js/tree.js';

const config = JSON.parse(document.getElementById('statuskit-config')?.textContent ?? '{}');
const book = createWordBook(config.vocabulary);
const $ = (id) => document.getElementById(id);
const MAX_TRANSITIONS = 200;
const RANGE_KEY = 'statuskit.range';
/** No message for this long (or the interval of five samples, if longer) makes the data stale. */
const STALE_AFTER_MS = 5000;

const state = {
  level: undefined,
  word: undefined,
  /** When the page first saw the current overall level, if no transition says better. */
  firstSeen: undefined,
  authenticated: false,
  /** false once the server said it keeps no history: transitions are then noticed here. */
  historyAvailable: true,
  componentWords: new Map(),
  transitions: new Map(),
  stale: false,
};

const history = new HistoryView(readRange());

function readRange() {
  try {
    return sessionStorage.getItem(RANGE_KEY) ?? '15m';
  } catch {
    return '15m';
  }
}

// ── overall status, banner, identity, facts ────────────────────────────────────────────────────

function unwrap(message) {
  // Seed 002's envelope `{ success, message, data, metadata }` carries the document in `data`.
  if (message && typeof message === 'object' && typeof message.success === 'boolean' && 'data' in message) {
    return message.data;
  }
  return message;
}

function showStatus(message) {
  const doc = unwrap(message);
  const { facts, paths } = findFacts(doc, config.statusKey ?? 'status');
  const options = {
    statusKey: config.statusKey ?? 'status',
    messageKey: config.messageKey ?? 'message',
    overallKey: config.overallStatusKey ?? 'status',
    wordComponents: config.components === 'word',
    book,
    skip: paths,
  };
  const { identity, components } = readDocument(doc, options);
  const word = doc && typeof doc[options.overallKey] === 'string' ? doc[options.overallKey] : undefined;
  showOverall(word, word === undefined ? undefined : (book.overall(word) ?? 'unknown'));
  showBanners(doc, state.level);
  showTitle(identity, facts);
  const shownIdentity = showIdentity(identity);
  const shownFacts = renderFacts($('facts'), facts);
  const shownDisks = renderDisks($('disks'), facts.disks);
  $('facts-panel').hidden = !(shownIdentity || shownFacts || shownDisks);
  if (!state.historyAvailable) noticeComponentChanges(components);
  tree.update(components);
  drawTrends();
}

function showOverall(word, level) {
  if (level !== state.level || word !== state.word) {
    if (!state.historyAvailable && state.level !== undefined)
      addTransitions([{ time: Date.now(), component: '', from: state.level, to: level }]);
    state.level = level;
    state.word = word;
    state.firstSeen = Date.now();
  }
  const card = $('overall');
  card.dataset.level = level ?? 'unknown';
  $('overall-word').textContent = word ?? 'No overall status in this document';
  renderSince();
  document.title = word ? `${word} · ${pageTitle}` : pageTitle;
}

/** Since the last transition to this level the server recorded; else at least since its oldest point. */
function renderSince(now = Date.now()) {
  if (state.firstSeen === undefined) return;
  const change = [...state.transitions.values()]
    .filter((t) => t.component === '' && t.to === state.level)
    .reduce((latest, t) => (latest && latest.time > t.time ? latest : t), undefined);
  const oldest = history.time.length > 0 ? history.time[0] * 1000 : undefined;
  const since = change?.time ?? Math.min(state.firstSeen, oldest ?? state.firstSeen);
  const prefix = change ? 'Since' : 'At least since';
  $('overall-since').textContent = `${prefix} ${formatClock(since)} (${formatDuration(now - since)})`;
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

/** Top-level fields that say nothing about the service (how long the document took). */
const NOT_IDENTITY = new Set(['durationMs', 'duration', 'time', 'timestamp']);

function showIdentity(fields) {
  const rows = fields
    .filter(([key, value]) => !NOT_IDENTITY.has(key) && (value === null || typeof value !== 'object'))
    .flatMap(([key, value]) => [el('dt', '', key), el('dd', '', String(value))]);
  $('identity').replaceChildren(...rows);
  return rows.length > 0;
}

let pageTitle = config.title ?? 'Status';

/** The configured title, else the service's identity or its host's name, as the document has them. */
function showTitle(identity, facts) {
  if (!config.titleFromDocument) return;
  const named = (key) => identity.find(([k, v]) => k === key && typeof v === 'string' && v)?.[1];
  const title =
    named('name') ??
    named('serviceId') ??
    named('service') ??
    named('hostName') ??
    facts.host?.hostname ??
    config.title ??
    'Status';
  if (title === pageTitle) return;
  pageTitle = title;
  $('title').textContent = title;
}

// ── the timeline of transitions ──────────────────────────────────────────────────────────────

function wordOf(component, level) {
  const words = component === '' ? config.vocabulary?.overall : config.vocabulary?.component;
  return words?.[level] ?? config.vocabulary?.overall?.[level] ?? level ?? '–';
}

function addTransitions(list) {
  let added = false;
  for (const t of list ?? []) {
    const key = transitionKey(t);
    if (state.transitions.has(key)) continue;
    state.transitions.set(key, t);
    added = true;
  }
  if (!added) return;
  // Newest first, at most MAX_TRANSITIONS kept.
  const sorted = [...state.transitions.values()].sort((a, b) => b.time - a.time).slice(0, MAX_TRANSITIONS);
  state.transitions = new Map(sorted.map((t) => [transitionKey(t), t]));
  $('transitions').replaceChildren(...sorted.map(transitionItem));
  $('transitions-empty').hidden = sorted.length > 0;
  renderSince();
}

function transitionItem(t) {
  const item = el('li', 'transition');
  item.dataset.level = t.to ?? 'unknown';
  const when = el('time', 'when', formatClock(t.time));
  when.dateTime = new Date(t.time).toISOString();
  const badge = el('span', 'badge', wordOf(t.component, t.to));
  badge.dataset.level = t.to ?? 'unknown';
  const what = el('span', 'what', t.component === '' ? 'Overall' : t.component);
  item.append(when, what, el('span', 'from', `${wordOf(t.component, t.from)} →`), badge);
  if (t.message) item.append(el('span', 'transition-message', t.message));
  return item;
}

/** Without a server history, component changes are noticed from the documents this page sees. */
function noticeComponentChanges(components) {
  const now = Date.now();
  const changes = [];
  const visit = (node) => {
    if (node.word !== undefined) {
      const id = node.path.join('.');
      const before = state.componentWords.get(id);
      if (before !== undefined && before.level !== node.level)
        changes.push({ time: now, component: id, from: before.level, to: node.level });
      state.componentWords.set(id, { level: node.level });
    }
    node.children.forEach(visit);
  };
  components.forEach(visit);
  addTransitions(changes);
}

// ── history and charts ───────────────────────────────────────────────────────────────────────

const pct = (v) => (typeof v === 'number' ? `${v.toFixed(v >= 10 || v === 0 ? 0 : 1)} %` : '–');
const exactPct = (v) => `${formatNumber(v)} %`;
const ms = (v) => (typeof v === 'number' ? `${v.toFixed(v >= 10 || v === 0 ? 0 : 1)} ms` : '–');
const exactMs = (v) => `${formatNumber(v)} ms`;
const perSecond = (v) => (typeof v === 'number' ? `${v.toFixed(v >= 10 || v === 0 ? 0 : 2)}/s` : '–');

const CHART_SPECS = {
  cpu: { id: 'cpu', title: 'CPU usage', format: pct, exact: exactPct, min: 0, max: 100 },
  memory: { id: 'memory', title: 'Memory and swap used', format: pct, exact: exactPct, min: 0, max: 100 },
  network: { id: 'network', title: 'Network, per second', format: formatBytes, exact: formatRate },
  eventLoop: { id: 'event-loop', title: 'Event-loop delay', format: ms, exact: exactMs },
  pressure: {
    id: 'pressure',
    title: 'Stalled on CPU, memory, I/O (PSI, 10 s)',
    format: pct,
    exact: exactPct,
    min: 0,
  },
  requests: { id: 'requests', title: 'Requests per second', format: perSecond },
  errors: { id: 'errors', title: 'Error ratio (5 min)', format: pct, exact: exactPct, min: 0 },
  disks: { id: 'disks', title: 'Disk space used', format: pct, exact: exactPct, min: 0, max: 100 },
  checks: { id: 'checks', title: 'Response time', format: ms, exact: exactMs, min: 0 },
};
const UNIT_FORMATS = {
  '%': [pct, exactPct],
  ms: [ms, exactMs],
  'B/s': [formatRate],
  '/s': [perSecond],
  B: [formatBytes],
};

function specOf(chart) {
  if (CHART_SPECS[chart]) return CHART_SPECS[chart];
  const [format, exact] = UNIT_FORMATS[history.units[chart]] ?? [formatNumber];
  return { id: chart.replace(/[^a-z0-9]+/gi, '-').toLowerCase(), title: chart, format, exact };
}

const chartsBox = $('charts');
const charts = new Map();
/** What a service's page draws unless the server names its charts (a watcher draws `checks`). */
const DEFAULT_CHARTS = ['cpu', 'memory', 'network', 'eventLoop', 'pressure', 'requests', 'errors'];
const chartNames = Array.isArray(config.charts) ? config.charts : DEFAULT_CHARTS;
for (const name of chartNames) charts.set(name, new HistoryChart(chartsBox, name, specOf(name)));

function showHistory(data) {
  if (data?.kind === 'window') {
    history.replace(data);
    $('charts-restricted').hidden = data.restricted !== true;
    if (data.restricted) $('sign-in').hidden = state.authenticated;
  } else if (data?.kind === 'sample') history.append(data);
  else return;
  addTransitions(data.transitions);
  scheduleHistoryDraw();
}

let historyFrame = 0;
function scheduleHistoryDraw() {
  if (historyFrame) return;
  historyFrame = requestAnimationFrame(() => {
    historyFrame = 0;
    for (const chart of charts.values()) chart.update(history);
    const anyChart = [...charts.values()].some((chart) => !chart.figure.hidden);
    $('charts-empty').hidden = anyChart || !history.received || !$('charts-restricted').hidden;
    $('live-panel').hidden = !anyChart && $('charts-restricted').hidden && history.received;
    drawTrends();
    renderSince();
  });
}

/** Chips span the range, or only what the server has when it has less (a bar of a few pixels says nothing). */
function drawTrends() {
  const end = history.time[history.time.length - 1] ?? Date.now() / 1000;
  const start = Math.max(end - history.rangeMs / 1000, history.time[0] ?? end);
  tree.drawHistory(history, start, end);
}

function buildRangeSwitch() {
  const group = $('range');
  const buttons = Object.entries(RANGES).map(([range, { label }]) => {
    const button = el('button', 'button range-button', label);
    button.type = 'button';
    button.dataset.range = range;
    button.addEventListener('click', () => selectRange(range));
    return button;
  });
  group.replaceChildren(group.querySelector('legend') ?? '', ...buttons);
  markRange();
}

function markRange() {
  for (const button of $('range').querySelectorAll('button'))
    button.setAttribute('aria-pressed', String(button.dataset.range === history.range));
}

function selectRange(range) {
  if (range === history.range) return;
  if (range !== '15m') $('notice').hidden = true;
  history.setRange(range);
  try {
    sessionStorage.setItem(RANGE_KEY, range);
  } catch {
    // Not kept: the range then lasts as long as the page.
  }
  markRange();
  for (const chart of charts.values()) chart.restyle();
  feed.setHistoryRange(range);
}

// ── connection, staleness and sign-in ────────────────────────────────────────────────────────

const tree = new TreeView($('tree'), $('tree-empty'));
const dialog = $('auth');

function openAuth(reason) {
  $('auth-reason').textContent = reason;
  $('auth-error').hidden = true;
  if (!dialog.open) dialog.showModal();
  $('credential').focus();
}

const topicHandlers = { status: showStatus, history: showHistory };

const feed = new Feed(
  {
    feedPath: config.feedPath ?? '/api/health/ws',
    ssePath: config.ssePath ?? '/status/stream',
    transport: config.transport,
    // The document every second (with the vitals' tick), so its facts move with the charts.
    topics: [
      ['status', '1s'],
      ['history', undefined],
    ],
    historyRange: history.range,
  },
  {
    onTopic: (topic, data) => topicHandlers[topic]?.(data),
    onState: () => renderConnection(),
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
    },
    onRefused(topic, code) {
      if (code === 'too_large') {
        // More points than this connection may hold (a host with many cores, a day at a second):
        // back to the range the subscription already delivered.
        $('charts-empty').textContent =
          `The ${RANGES[history.range].label} history is too large for this connection.`;
        $('charts-empty').hidden = false;
        selectRange('15m');
        return;
      }
      if (topic === 'history' && code === 'unavailable') {
        // A feed made with `history: false`: no charts; the timeline is then what this page sees.
        state.historyAvailable = false;
        history.received = true;
        scheduleHistoryDraw();
      }
    },
  },
);

let connection = 'connecting';
let transportName;

/** The badge says live, stale (since when) or offline (retrying when); the data dims while stale. */
function renderConnection(now = Date.now()) {
  const badge = $('connection');
  const silentFor = feed.lastMessageAt === undefined ? Number.POSITIVE_INFINITY : now - feed.lastMessageAt;
  const live = feed.socket?.readyState === WebSocket.OPEN || feed.source?.readyState === EventSource.OPEN;
  const staleAfter = Math.max(STALE_AFTER_MS, history.intervalMs * 5);
  const seen = feed.lastMessageAt !== undefined || feed.retryAt !== undefined;
  connection = live ? (silentFor > staleAfter ? 'stale' : 'live') : seen ? 'offline' : 'connecting';
  transportName = feed.transport;
  const last = feed.lastMessageAt === undefined ? '' : ` · last update ${formatDuration(silentFor)} ago`;
  const retry = feed.retryAt ? ` · retrying in ${Math.max(1, Math.ceil((feed.retryAt - now) / 1000))} s` : '';
  const text = {
    live: `Live · ${transportName}`,
    stale: `Stale${last}`,
    offline: `Offline${last}${retry}`,
    connecting: 'Connecting…',
  }[connection];
  if (badge.textContent !== text) badge.textContent = text;
  badge.dataset.state = connection;
  document.body.dataset.stale = String(connection === 'stale' || connection === 'offline');
  $('retry').hidden = connection === 'live' || connection === 'connecting';
}

$('retry').addEventListener('click', () => feed.reconnectNow());
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
  renderConnection(now);
}, 1000);

new ResizeObserver(() => {
  for (const chart of charts.values()) chart.resize();
}).observe(chartsBox);
const restyleAll = () => {
  for (const chart of charts.values()) chart.restyle();
};
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', restyleAll);
window.matchMedia('(max-width: 40rem)').addEventListener('change', restyleAll);

buildRangeSwitch();
// Exposed for tests and the curious: the page's state, read-only in spirit.
window.statuskitDashboard = { state, charts, feed, history, dark };
feed.start();
