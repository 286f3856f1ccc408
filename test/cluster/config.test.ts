import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from '../../src/config/index.js';

const problemsOf = (text: string) => {
  const result = parseConfig(text, {});
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.problems.map(formatProblem);
};

describe('the cluster and otel sections of the config', () => {
  it('reads durations with their units, the quorum and the guard', () => {
    const result = parseConfig(
      `
cluster:
  service: shop
  instance: web-1
  redis: { url: "redis://127.0.0.1:6379", prefix: "shop:" }
  interval: 2s
  forget: 10m
  ok: 3
  guard: { percent: 80, components: [database] }
otel: { endpoint: "http://collector:4318/v1/metrics", interval: 30s }
`,
      {},
    );
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.config.cluster).toEqual({
      service: 'shop',
      instance: 'web-1',
      redis: { url: 'redis://127.0.0.1:6379', prefix: 'shop:' },
      interval: 2000,
      forget: 600_000,
      ok: 3,
      guard: { percent: 80, components: ['database'] },
    });
    expect(result.config.otel).toEqual({ endpoint: 'http://collector:4318/v1/metrics', interval: 30_000 });
  });

  it('names every problem at once, by its path', () => {
    expect(
      problemsOf(`
cluster:
  instance: "web 1"
  interval: 5
  ok: most
  guard: { percent: 150 }
  colour: red
  nats: 127.0.0.1:4222
otel: { endpoint: collector }
`),
    ).toEqual([
      'cluster.instance: expected 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit, got "web 1"',
      'cluster.interval: "5" has no unit; did you mean 5s?',
      'cluster.ok: expected one of "all", "majority", or a number, got "most"',
      'cluster.guard.percent: expected a value <= 100, got 150',
      'cluster.colour: unknown option',
      'otel.endpoint: expected a URL, got "collector"',
    ]);
    expect(problemsOf('cluster: { interval: 2s }')).toEqual([
      'cluster: give exactly one of `redis` or `nats`',
    ]);
    expect(problemsOf('cluster: { redis: "redis://h", nats: "h:4222" }')).toEqual([
      'cluster: give exactly one of `redis` or `nats`',
    ]);
  });
});
