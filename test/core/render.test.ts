import { describe, expect, it } from 'vitest';
import { okKo, operational, passFail } from '../../src/index.js';
import { renderComponent, renderDocument } from '../../src/render/document.js';
import { errorBody, wrapInEnvelope } from '../../src/render/envelope.js';
import { renderHealthJson } from '../../src/render/health-json.js';
import { resolveLayout } from '../../src/render/layout.js';
import { formatTimestamp } from '../../src/render/timestamp.js';
import type { Snapshot, SnapshotNode } from '../../src/tree/snapshot.js';

const T = Date.UTC(2024, 11, 19, 12, 0, 0);

function node(key: string, path: string[], extra: Partial<SnapshotNode> = {}): SnapshotNode {
  return { key, path, critical: true, options: {}, children: [], ...extra };
}

/** A small tree: version (summary), components.api ok, components.search critical with a message. */
function snapshot(): Snapshot {
  const api = node('api', ['components', 'api'], {
    level: 'ok',
    check: {
      level: 'ok',
      durationMs: 4,
      time: T,
      fields: { customs: { sessions: 3 } },
      observedValue: 4,
      observedUnit: 'ms',
    },
  });
  const search = node('search', ['components', 'search'], {
    level: 'critical',
    check: { level: 'critical', durationMs: 12, time: T, reason: 'error', message: 'connection refused' },
  });
  const components = node('components', ['components'], { level: 'critical', children: [api, search] });
  const version = node('version', ['version'], { leaf: 'value', value: '1.0.0', options: { summary: true } });
  const root = node('', [], { level: 'critical', children: [version, components] });
  return { root, level: 'critical', durationMs: 15, time: T, version: 1 };
}

const full = { details: true, messages: true };
const noMessages = { details: true, messages: false };
const summary = { details: false, messages: false };

describe('renderDocument', () => {
  it('renders components as objects with words, durations, fields and messages', () => {
    const doc = renderDocument(
      snapshot(),
      { vocabulary: okKo, layout: resolveLayout({ componentTime: false }) },
      full,
    );
    expect(doc).toEqual({
      status: 'Ko',
      version: '1.0.0',
      components: {
        api: { status: 'Ok', durationMs: 4, customs: { sessions: 3 } },
        search: { status: 'Ko', durationMs: 12, reason: 'error', message: 'connection refused' },
      },
      durationMs: 15,
    });
  });
  it('hides messages from tiers that may not see them', () => {
    const doc = renderDocument(
      snapshot(),
      { vocabulary: okKo, layout: resolveLayout({ componentTime: false }) },
      noMessages,
    );
    expect(JSON.stringify(doc)).not.toContain('connection refused');
  });
  it('renders compact words with component vocabulary (seed 002)', () => {
    const layout = resolveLayout({ components: 'word', durationKey: false });
    const doc = renderDocument(snapshot(), { vocabulary: operational, layout }, full);
    expect(doc).toEqual({
      status: 'critical',
      version: '1.0.0',
      components: { api: 'operational', search: 'unavailable' },
    });
  });
  it('keeps only summary fields without details', () => {
    const doc = renderDocument(snapshot(), { vocabulary: okKo, layout: resolveLayout() }, summary);
    expect(doc).toEqual({ status: 'Ko', version: '1.0.0', durationMs: 15 });
  });
  it('adds time and age to components by default', () => {
    const snap = snapshot();
    snap.time = T + 5000;
    const doc = renderDocument(snap, { vocabulary: okKo, layout: resolveLayout() }, full) as {
      components: { api: Record<string, unknown> };
    };
    expect(doc.components.api.time).toBe('2024-12-19T12:00:00.000Z');
    expect(doc.components.api.ageMs).toBe(5000);
  });
  it('renders one component in object form', () => {
    const snap = snapshot();
    const comp = renderComponent(
      snap.root.children[1].children[0],
      snap,
      { vocabulary: okKo, layout: resolveLayout({ componentTime: false }) },
      full,
    );
    expect(comp).toEqual({ status: 'Ok', durationMs: 4, customs: { sessions: 3 } });
  });
  it('honours per-node words and status keys (seed 000 wConsole, seed 004 app_status)', () => {
    const snap = snapshot();
    const api = snap.root.children[1].children[0];
    api.options = { render: { statusKey: 'app_status', durationMs: false, words: { ok: 'Connected' } } };
    const doc = renderDocument(
      snap,
      { vocabulary: okKo, layout: resolveLayout({ componentTime: false }) },
      full,
    ) as {
      components: { api: unknown };
    };
    expect(doc.components.api).toEqual({ app_status: 'Connected', customs: { sessions: 3 } });
  });
});

describe('health+json', () => {
  it('renders pass/warn/fail with readings', () => {
    const doc = renderHealthJson(snapshot(), { version: '1', serviceId: 'svc' }, full);
    expect(doc.status).toBe(passFail.overall.critical);
    expect(doc.version).toBe('1');
    expect(doc.checks).toEqual({
      'components.api:responseTime': [
        {
          componentId: 'components.api',
          componentType: 'component',
          status: 'pass',
          time: '2024-12-19T12:00:00.000Z',
          durationMs: 4,
          observedValue: 4,
          observedUnit: 'ms',
        },
      ],
      'components.search': [
        {
          componentId: 'components.search',
          componentType: 'component',
          status: 'fail',
          time: '2024-12-19T12:00:00.000Z',
          durationMs: 12,
          output: 'connection refused',
        },
      ],
    });
  });
  it('shows only the status without details', () => {
    expect(renderHealthJson(snapshot(), {}, summary)).toEqual({ status: 'fail' });
  });
});

describe('envelopes', () => {
  it('wraps data (seed 002)', () => {
    expect(wrapInEnvelope({ a: 1 }, 'ok', { metadata: { environment: 'production' } })).toEqual({
      success: true,
      message: 'System status retrieved successfully',
      data: { a: 1 },
      metadata: { environment: 'production' },
    });
  });
  it('builds error envelopes', () => {
    const body = errorBody(
      { status: 500, code: 'internal_error', message: 'Unable to retrieve system status' },
      {},
    );
    expect(body).toMatchObject({ success: false, code: 'internal_error', status_code: 500 });
    expect(typeof body.suggestion).toBe('string');
    expect(errorBody({ status: 404, code: 'not_found', message: 'x' }, undefined)).toEqual({
      error: 'not_found',
      message: 'x',
    });
  });
});

describe('timestamps', () => {
  it('formats ISO without milliseconds by default', () => {
    expect(formatTimestamp(T)).toBe('2024-12-19T12:00:00Z');
  });
  it('formats patterns', () => {
    expect(formatTimestamp(T + 485, { format: 'yyyy-MM-dd HH:mm:ss.SSS XXX' })).toBe(
      '2024-12-19 12:00:00.485 +00:00',
    );
    expect(formatTimestamp(T, { format: 'epoch-ms' })).toBe(T);
  });
});
