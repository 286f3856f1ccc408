// The component tree: a rendered status document read back into components, and a keyed view of
// it that updates in place (expanded/collapsed state and keyboard focus survive every update).
import { formatAge, formatDuration, formatValue } from './format.js';
import { worse } from './levels.js';
import { levelBar, sparkline } from './spark.js';

const RESULT_KEYS = new Set(['durationMs', 'time', 'ageMs', 'reason']);

/**
 * Reads a document into `{ identity, components }`. A component is an object with a status word
 * (or, in the `word` layout, a bare word); objects without one are groups; scalars inside a
 * component are its fields. Only what the document holds is shown: the feed has already pruned
 * it to the viewer's tier. Paths in `skip` (host and process facts, shown on their own) are left
 * out, and so are groups left with nothing in them.
 */
export function readDocument(document, options) {
  const { statusKey, messageKey, overallKey, book, wordComponents } = options;
  const skip = options.skip ?? new Set();
  const identity = [];
  const components = [];
  if (!isObject(document)) return { identity, components };
  const keep = (node) => node.word !== undefined || node.fields.length > 0 || node.children.length > 0;
  for (const [key, value] of Object.entries(document)) {
    if (key === overallKey || skip.has(key)) continue;
    if (isObject(value)) pushKept(components, readNode(key, [key], value, options));
    else if (isListOfObjects(value)) pushKept(components, readList(key, [key], value));
    else if (wordComponents && typeof value === 'string' && book.component(value)) {
      components.push(wordNode(key, [key], value, book));
    } else identity.push([key, value]);
  }
  return { identity, components };

  function readNode(key, path, object, opts) {
    const word = typeof object[statusKey] === 'string' ? object[statusKey] : undefined;
    const node = {
      key,
      id: path.join('\u0000'),
      path,
      word,
      level: word === undefined ? undefined : (book.component(word) ?? 'unknown'),
      message: typeof object[messageKey] === 'string' ? object[messageKey] : undefined,
      durationMs: typeof object.durationMs === 'number' ? object.durationMs : undefined,
      resultTime: resultTimeOf(object),
      reason: typeof object.reason === 'string' ? object.reason : undefined,
      fields: [],
      children: [],
    };
    for (const [childKey, value] of Object.entries(object)) {
      if (childKey === statusKey || childKey === messageKey || RESULT_KEYS.has(childKey)) continue;
      const childPath = [...path, childKey];
      if (skip.has(childPath.join('\u0000'))) continue;
      if (isObject(value)) pushKept(node.children, readNode(childKey, childPath, value, opts));
      else if (isListOfObjects(value)) pushKept(node.children, readList(childKey, childPath, value));
      else if (wordComponents && typeof value === 'string' && word === undefined && book.component(value)) {
        node.children.push(wordNode(childKey, [...path, childKey], value, book));
      } else node.fields.push([childKey, value]);
    }
    node.worst = node.children.reduce(
      (acc, child) => (child.worst ? worse(acc ?? 'ok', child.worst) : acc),
      node.level,
    );
    return node;
  }

  /**
   * A list of objects (disks, interfaces, a component list) as a group with one child per item,
   * named by the item's own name when it has one, rather than as a line of JSON.
   */
  function readList(key, path, items) {
    const byName = {};
    items.forEach((item, index) => {
      const name = itemName(item, index);
      byName[name in byName ? `${name} (${index})` : name] = item;
    });
    return readNode(key, path, byName, options);
  }

  function pushKept(list, node) {
    if (keep(node)) list.push(node);
  }
}

function itemName(item, index) {
  for (const key of ['name', 'mount', 'id', 'interface', 'key']) {
    if (typeof item[key] === 'string' && item[key] !== '') return item[key];
  }
  return String(index);
}

function isListOfObjects(value) {
  return Array.isArray(value) && value.length > 0 && value.length <= 200 && value.every(isObject);
}

function wordNode(key, path, word, book) {
  const level = book.component(word) ?? 'unknown';
  return { key, id: path.join('\u0000'), path, word, level, worst: level, fields: [], children: [] };
}

function resultTimeOf(object) {
  const parsed = typeof object.time === 'string' ? Date.parse(object.time) : Number.NaN;
  if (Number.isFinite(parsed)) return parsed;
  return typeof object.ageMs === 'number' ? Date.now() - object.ageMs : undefined;
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Does this node, or anything below it, match the filter? */
function matches(node, filter) {
  if (filter.problemsOnly && (!node.worst || node.worst === 'ok')) return false;
  if (!filter.text) return true;
  const haystack = [node.path.join('.'), node.word ?? '', node.message ?? ''].join(' ').toLowerCase();
  return haystack.includes(filter.text) || node.children.some((child) => matches(child, filter));
}

export class TreeView {
  constructor(list, empty) {
    this.list = list;
    this.empty = empty;
    this.views = new Map();
    this.filter = { text: '', problemsOnly: false };
    this.components = [];
  }

  update(components) {
    this.components = components;
    this.render();
  }

  setFilter(filter) {
    this.filter = { ...this.filter, ...filter, text: (filter.text ?? this.filter.text).trim().toLowerCase() };
    this.render();
  }

  setAllOpen(open) {
    for (const view of this.views.values()) if (view.expandable) view.details.open = open;
  }

  /**
   * Draws each component's level bar and response-time sparkline over [start, end] (seconds) from
   * the page's history: the `levels` and `checks` charts, keyed by the component's path.
   */
  drawHistory(history, start, end) {
    for (const view of this.views.values()) {
      const { node } = view;
      if (node.word === undefined) continue;
      const path = node.path.join('.');
      const levels = history.column('levels', path);
      const times = history.time;
      const response = history.column('checks', path);
      const pictures = [];
      if (levels) pictures.push(levelBar(times, levels, start, end, `${node.key}: level over time`));
      if (response?.some((v) => v !== null)) {
        const latest = history.latest('checks', path);
        pictures.push(
          sparkline(times, response, start, end, `${node.key}: response time, latest ${latest} ms`),
        );
      }
      view.trend.replaceChildren(...pictures);
      view.trend.hidden = pictures.length === 0;
    }
  }

  /** Refreshes the ages shown, without a new document. */
  tick(now = Date.now()) {
    for (const view of this.views.values()) view.meta.textContent = metaText(view.node, now);
  }

  render() {
    const seen = new Set();
    const shown = this.place(this.list, this.components, seen);
    for (const [id, view] of this.views) {
      if (!seen.has(id)) {
        view.li.remove();
        this.views.delete(id);
      }
    }
    this.empty.hidden = shown > 0;
  }

  place(list, nodes, seen) {
    let index = 0;
    for (const node of nodes) {
      const view = this.viewFor(node);
      seen.add(node.id);
      const visible = matches(node, this.filter);
      view.li.hidden = !visible;
      if (list.children[index] !== view.li) list.insertBefore(view.li, list.children[index] ?? null);
      index++;
      const shownBelow = this.place(view.childList, node.children, seen);
      view.childList.hidden = node.children.length === 0;
      if (visible && this.filter.text && shownBelow > 0) view.details.open = true;
    }
    while (list.children.length > index) {
      const extra = list.children[index];
      extra.remove();
    }
    return nodes.filter((node) => matches(node, this.filter)).length;
  }

  viewFor(node) {
    let view = this.views.get(node.id);
    if (!view) {
      view = createView(node);
      this.views.set(node.id, view);
    }
    updateView(view, node);
    return view;
  }
}

function createView(node) {
  const li = el('li', 'node');
  const details = el('details');
  const summary = el('summary');
  const badge = el('span', 'badge');
  const name = el('span', 'name');
  const meta = el('span', 'meta');
  const trend = el('span', 'trend');
  summary.append(badge, name, meta, trend);
  const message = el('p', 'message');
  const fields = el('dl', 'fields');
  const childList = el('ul', 'tree');
  details.append(summary, message, fields, childList);
  li.append(details);
  // Open at first: top-level components, and anything that is not ok.
  details.open = node.path.length === 1 || (node.worst !== undefined && node.worst !== 'ok');
  return { li, details, summary, badge, name, meta, trend, message, fields, childList, fieldsKey: '', node };
}

function updateView(view, node) {
  view.node = node;
  const level = node.level ?? node.worst;
  view.li.dataset.level = level ?? 'none';
  view.badge.hidden = node.word === undefined;
  view.badge.textContent = node.word ?? '';
  view.badge.dataset.level = node.level ?? 'none';
  view.name.textContent = node.key;
  view.meta.textContent = metaText(node);
  view.message.hidden = node.message === undefined;
  view.message.textContent = node.message ?? '';
  const fieldsKey = JSON.stringify(node.fields);
  if (fieldsKey !== view.fieldsKey) {
    view.fieldsKey = fieldsKey;
    view.fields.replaceChildren(
      ...node.fields.flatMap(([key, value]) => [el('dt', '', key), el('dd', '', formatValue(value))]),
    );
  }
  view.fields.hidden = node.fields.length === 0;
  view.expandable = node.fields.length > 0 || node.children.length > 0 || node.message !== undefined;
  view.li.classList.toggle('leaf', !view.expandable);
  const state = node.word ? `${node.key}: ${node.word}` : node.key;
  view.summary.setAttribute('aria-label', [state, metaText(node)].filter(Boolean).join(', '));
}

function metaText(node, now = Date.now()) {
  const parts = [];
  if (node.durationMs !== undefined) parts.push(formatDuration(node.durationMs));
  if (node.resultTime !== undefined) parts.push(formatAge(node.resultTime, now));
  if (node.reason) parts.push(node.reason);
  return parts.join(' · ');
}

export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
