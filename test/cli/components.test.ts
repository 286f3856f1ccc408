import { describe, expect, it } from 'vitest';
import { documentComponents, failingComponents } from '../../src/cli/components.js';

describe('documentComponents (statuskit check)', () => {
  it('finds components in any vocabulary, with their durations, and ranks the failing ones', () => {
    // Shapes from the seeds: DYDU applications, Wickson's envelope, Itgrix's app_status.
    const document = {
      status: 'Ko',
      applications: {
        dialog: { status: 'Ko', durationMs: 60 },
        sso: { status: 'Warning', durationMs: 1234 },
        search: { status: 'Ok', durationMs: 5 },
      },
      data: { components: [{ name: 'api', status: 'degraded' }] },
      app: { master: { general: { app_status: 'Error', app_state: 'restarting' } } },
      hosts: { connectionStatus: 'Connected' }, // not a status word: ignored
    };
    const components = documentComponents(document);
    expect(components).toEqual([
      { path: 'applications.dialog', word: 'Ko', level: 'critical', durationMs: 60 },
      { path: 'applications.sso', word: 'Warning', level: 'warning', durationMs: 1234 },
      { path: 'applications.search', word: 'Ok', level: 'ok', durationMs: 5 },
      { path: 'data.components.0', word: 'degraded', level: 'warning' },
      { path: 'app.master.general', word: 'Error', level: 'critical' },
    ]);
    expect(failingComponents(components).map((c) => c.path)).toEqual([
      'applications.dialog',
      'app.master.general',
      'applications.sso',
      'data.components.0',
    ]);
  });

  it('stays bounded on hostile documents', () => {
    let deep: Record<string, unknown> = { status: 'critical' };
    for (let i = 0; i < 10_000; i++) deep = { nested: deep };
    expect(documentComponents(deep)).toEqual([]);
    const wide = { items: Array.from({ length: 5000 }, () => ({ status: 'ok' })) };
    expect(documentComponents(wide)).toHaveLength(500);
    expect(documentComponents(null)).toEqual([]);
    expect(documentComponents('Ok')).toEqual([]);
  });
});
