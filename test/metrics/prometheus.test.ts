import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ManualClock,
  MetricsRegistry,
  OPENMETRICS_TYPE,
  PROMETHEUS_TEXT_TYPE,
  renderPrometheus,
  renderPrometheusForAccept,
  wantsOpenMetrics,
} from '../../src/metrics/index.js';

/** promtool parses and lints the text format; any output means a problem. */
function promtool(body: string): { status: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/**
 * The Prometheus project's reference OpenMetrics parser (python3-prometheus-client), which is
 * strict about the exposition format; installed promtool 2.42 only reads the 0.0.4 text format.
 */
function openMetricsParser(body: string): { status: number | null; output: string } {
  const script = [
    'import sys',
    'from prometheus_client.openmetrics.parser import text_string_to_metric_families',
    'families = list(text_string_to_metric_families(sys.stdin.read()))',
    'print(" ".join(sorted(f.name + ":" + f.type for f in families)))',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script], { input: body, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

function populated(): { registry: MetricsRegistry; clock: ManualClock } {
  const clock = new ManualClock(0);
  const registry = new MetricsRegistry({ clock });
  registry.counter('jobs.done', { help: 'Jobs finished' }).inc(3);
  registry.gauge('volumes.connectedPeople', () => 9);
  registry.meter('logins').mark(5);
  const h = registry.histogram('payload', { unit: 'bytes', help: 'Payload "size"\nin bytes \\ raw' });
  for (let i = 1; i <= 100; i++) h.update(i);
  registry.histogram('empty.window');
  const t = registry.timer('db.query');
  t.update(250);
  t.update(750);
  const bots = registry.keyedCounter('errorsByBot', { label: 'bot' });
  bots.inc('plain');
  bots.inc('quote"back\\slash\nnewline', 2);
  const requests = registry.requests('servlet.requests.chatHttp');
  requests.record(200, 12, 'bot-1');
  requests.record(503, 40, 'bot-1');
  clock.set(6_000);
  return { registry, clock };
}

const checks = [
  { path: 'applications.dialog', level: 'ok' as const, critical: true, durationMs: 60 },
  { path: 'applications.sso', level: 'critical' as const, critical: false, durationMs: 1234 },
];

describe('renderPrometheus (text 0.0.4)', () => {
  it('passes promtool check metrics', () => {
    const { registry } = populated();
    const doc = renderPrometheus(registry, { checks, meterRates: true, prefix: 'app_' });
    expect(doc.contentType).toBe(PROMETHEUS_TEXT_TYPE);
    const result = promtool(doc.body);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('also passes promtool with an empty registry and no process metrics', () => {
    const doc = renderPrometheus(new MetricsRegistry(), { processMetrics: false });
    expect(doc.body).toBe('');
    expect(promtool(renderPrometheus(new MetricsRegistry()).body).status).toBe(0);
  });

  it('writes each metric type as documented', () => {
    const { registry } = populated();
    const lines = renderPrometheus(registry, { checks, meterRates: true }).body.split('\n');
    expect(lines).toContain('# TYPE jobs_done_total counter');
    expect(lines).toContain('jobs_done_total 3');
    expect(lines).toContain('volumes_connected_people 9');
    expect(lines).toContain('logins_total 5');
    expect(lines).toContain('logins_rate{window="1m"} 1');
    expect(lines).toContain('# TYPE payload_bytes summary');
    expect(lines).toContain('# HELP payload_bytes Payload "size"\\nin bytes \\\\ raw');
    expect(lines).toContain('payload_bytes{quantile="0.5"} 50.5');
    expect(lines).toContain('payload_bytes_sum 5050');
    expect(lines).toContain('payload_bytes_count 100');
    expect(lines).toContain('db_query_seconds{quantile="0.999"} 0.75');
    expect(lines).toContain('empty_window{quantile="0.99"} NaN');
    expect(lines).toContain('empty_window_count 0');
    expect(lines).toContain('db_query_seconds_sum 1');
    expect(lines).toContain('errors_by_bot_total{bot="plain"} 1');
    expect(lines).toContain('errors_by_bot_total{bot="quote\\"back\\\\slash\\nnewline"} 2');
    expect(lines).toContain('servlet_requests_chat_http_errors_total 1');
    expect(lines).toContain('servlet_requests_chat_http_errors_by_key_total{key="bot-1"} 1');
    expect(lines).toContain('servlet_requests_chat_http_five_minute_errors_ratio 0.5');
    expect(lines).toContain('statuskit_check_status{check="applications.dialog",critical="true"} 0');
    expect(lines).toContain('statuskit_check_status{check="applications.sso",critical="false"} 4');
    expect(lines).toContain('statuskit_check_duration_seconds{check="applications.sso"} 1.234');
    for (const vital of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(lines.some((l) => l.startsWith(`${vital} `))).toBe(true);
    }
    expect(lines.some((l) => /^process_open_fds \d+$/.test(l))).toBe(process.platform === 'linux');
  });

  it('rejects an invalid prefix', () => {
    expect(() => renderPrometheus(new MetricsRegistry(), { prefix: '9-bad' })).toThrow(TypeError);
  });
});

describe('renderPrometheus (OpenMetrics)', () => {
  it('names counter families without _total, samples with it, and ends with # EOF', () => {
    const { registry } = populated();
    const doc = renderPrometheus(registry, { openMetrics: true, checks });
    expect(doc.contentType).toBe(OPENMETRICS_TYPE);
    const lines = doc.body.split('\n');
    expect(doc.body.endsWith('# EOF\n')).toBe(true);
    expect(lines).toContain('# TYPE jobs_done counter');
    expect(lines).toContain('jobs_done_total 3');
    expect(lines).toContain('# TYPE nodejs_version info');
    expect(lines).toContain('# UNIT payload_bytes bytes');
    expect(lines).toContain('# UNIT db_query_seconds seconds');
    expect(lines).toContain('# HELP payload_bytes Payload \\"size\\"\\nin bytes \\\\ raw');
    // Every sample belongs to the family declared just before it.
    let family = '';
    for (const line of lines) {
      const typeMatch = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (typeMatch) family = typeMatch[1];
      else if (line !== '' && !line.startsWith('#')) expect(line.startsWith(family)).toBe(true);
    }
  });

  it('is accepted by the reference OpenMetrics parser, types and all', () => {
    const { registry } = populated();
    const result = openMetricsParser(renderPrometheus(registry, { openMetrics: true, checks }).body);
    expect(result.output).not.toMatch(/Error|Traceback/);
    expect(result.status).toBe(0);
    const families = result.output.split(' ');
    expect(families).toContain('jobs_done:counter');
    expect(families).toContain('payload_bytes:summary');
    expect(families).toContain('nodejs_version:info');
    expect(families).toContain('statuskit_check_status:gauge');
  });

  it('the reference parser rejects a broken document (the check can fail)', () => {
    const { registry } = populated();
    const body = renderPrometheus(registry, { openMetrics: true }).body.replace('# EOF\n', '');
    expect(openMetricsParser(body).status).not.toBe(0);
  });
});

describe('format negotiation', () => {
  it('picks OpenMetrics only when the Accept header asks for it', () => {
    expect(wantsOpenMetrics(undefined)).toBe(false);
    expect(wantsOpenMetrics('text/plain')).toBe(false);
    expect(wantsOpenMetrics('application/openmetrics-text; version=1.0.0')).toBe(true);
    expect(
      wantsOpenMetrics(
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      ),
    ).toBe(true);
    expect(wantsOpenMetrics('application/openmetrics-text;q=0.2, text/plain')).toBe(false);
    expect(wantsOpenMetrics('application/openmetrics-text;q=0')).toBe(false);
    const doc = renderPrometheusForAccept(new MetricsRegistry(), 'application/openmetrics-text', {
      processMetrics: false,
    });
    expect(doc).toEqual({ contentType: OPENMETRICS_TYPE, body: '# EOF\n' });
  });
});

describe('MetricsRegistry', () => {
  it('returns the same metric for the same name and refuses type clashes', () => {
    const registry = new MetricsRegistry({ clock: new ManualClock() });
    expect(registry.meter('a')).toBe(registry.meter('a'));
    expect(() => registry.counter('a')).toThrow(/is a meter, not a counter/);
    registry.counter('x.y');
    expect(() => registry.counter('x_y')).toThrow(/share the Prometheus name x_y/);
    expect(() => registry.counter('')).toThrow(TypeError);
    expect(registry.remove('x.y')).toBe(true);
    registry.counter('x_y');
    expect(registry.size).toBe(2);
  });

  it('renders the Dropwizard metrics-servlet document', () => {
    const { registry } = populated();
    const doc = registry.toServletJSON();
    expect(Object.keys(doc)).toEqual(['version', 'gauges', 'counters', 'histograms', 'meters', 'timers']);
    expect(doc.counters['jobs.done']).toEqual({ count: 3 });
    expect(doc.counters['errorsByBot.plain']).toEqual({ count: 1 });
    expect(doc.gauges['volumes.connectedPeople']).toEqual({ value: 9 });
    expect(doc.meters.logins).toMatchObject({ count: 5, m1_rate: 1, units: 'events/second' });
    expect(doc.timers['db.query']).toMatchObject({ count: 2, max: 750, duration_units: 'milliseconds' });
    expect(doc.histograms.payload).toMatchObject({ count: 100, min: 1, max: 100 });
  });

  it('applies the registry-wide JSON form', () => {
    const registry = new MetricsRegistry({ clock: new ManualClock(), jsonForm: 'servlet' });
    registry.meter('m').mark();
    registry.counter('c').inc();
    expect(registry.readStatus()).toEqual({
      m: { count: 1, m15_rate: 0, m1_rate: 0, m5_rate: 0, mean_rate: 0, units: 'events/second' },
      c: { count: 1 },
    });
  });
});
