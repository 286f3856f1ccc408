/** The `statusPage:` section of the watch config: its defaults and every problem at its path. */
import { describe, expect, it } from 'vitest';
import { resolvePageOptions } from '../../src/statuspage/options.js';
import { validateWatchConfig } from '../../src/watch/config.js';

const targets = { api: { url: 'http://127.0.0.1:1/status' }, db: { url: 'http://127.0.0.1:2/status' } };

describe('statusPage config', () => {
  it('resolves defaults and public names', () => {
    const result = validateWatchConfig({
      targets,
      statusPage: {
        refresh: '2s',
        targets: { api: { name: 'API', message: 'Looking into it' }, db: { hidden: true } },
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const options = resolvePageOptions(result.config.statusPage);
    expect(options).toMatchObject({
      path: '/status-page',
      title: 'Service status',
      days: 90,
      refreshMs: 2000,
      autoIncidents: true,
    });
    expect(options.targets.get('api')).toEqual({ name: 'API', message: 'Looking into it' });
    expect([...options.hidden]).toEqual(['db']);
  });

  it('lists every problem with its path: unknown targets, a bad path, short admin keys, bad days', () => {
    const result = validateWatchConfig({
      targets,
      statusPage: {
        path: 'status',
        days: 45,
        groups: [{ name: 'Core', targets: ['api', 'nope'] }],
        targets: { ghost: { name: 'Ghost' } },
        adminKeys: [{ key: 'short' }, {}],
        colour: 'red',
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((problem) => `${problem.path}: ${problem.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^statusPage\.path: expected a path like \/status-page/),
        expect.stringMatching(/^statusPage\.days/),
        expect.stringMatching(/^statusPage\.adminKeys\[0\]\.key: an admin key needs at least 16 characters/),
        expect.stringMatching(/^statusPage\.adminKeys\[1\]: needs key or sha256/),
        expect.stringMatching(/^statusPage\.colour: unknown option/),
      ]),
    );
  });

  it('names unknown targets of groups and public names once the section is valid', () => {
    const result = validateWatchConfig({
      targets,
      statusPage: {
        groups: [{ name: 'Core', targets: ['api', 'nope'] }],
        targets: { ghost: { name: 'Ghost' } },
      },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      'statusPage.groups[0].targets[1]: no target is named "nope"',
      'statusPage.targets.ghost: no target is named "ghost"',
    ]);
  });
});
