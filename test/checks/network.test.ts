import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commandCheck,
  dnsCheck,
  httpCheck,
  statuskitCheck,
  tcpCheck,
  tlsCheck,
} from '../../src/checks/index.js';
import { closedPort, expectNoLeaks, expectStopsOnSilence, run } from './support.js';

async function httpServer(handler: RequestListener) {
  const server = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function json(status: number, body: unknown): RequestListener {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
}

describe('tcp check', () => {
  it('connects to a listening port and reports the connect time', async () => {
    const server = await httpServer(json(200, {}));
    try {
      const outcome = await run(tcpCheck({ port: Number(new URL(server.url).port) }));
      expect(outcome).toMatchObject({ level: 'ok', fields: { connected: true }, observedUnit: 'ms' });
      expect(outcome.observedValue).toBeGreaterThanOrEqual(0);
    } finally {
      await server.close();
    }
  });

  it('fails on an unreachable port', async () => {
    await expect(run(tcpCheck({ port: await closedPort() }))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('leaves no sockets behind after 1000 runs', async () => {
    const server = await httpServer(json(200, {}));
    try {
      await expectNoLeaks(tcpCheck({ port: Number(new URL(server.url).port) }), 1000, 10);
    } finally {
      await server.close();
    }
  });
});

describe('dns check', () => {
  it('fails clearly when the name server does not exist', async () => {
    const check = dnsCheck({
      hostname: 'example.invalid',
      servers: [`127.0.0.1:${await closedPort()}`],
      timeoutMs: 500,
    });
    await expect(run(check)).rejects.toThrow();
  });

  it('cancels the query at the signal', async () => {
    const silent = await import('node:dgram').then((dgram) => dgram.createSocket('udp4'));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const check = dnsCheck({ hostname: 'statuskit.test', servers: [`127.0.0.1:${silent.address().port}`] });
      await expect(run(check, AbortSignal.timeout(200))).rejects.toThrow(/timeout|abort|cancel/i);
    } finally {
      silent.close();
    }
  });

  it('resolves against a real name server when one answers', async () => {
    // A tiny DNS responder: answers every A query with 192.0.2.7.
    const dgram = await import('node:dgram');
    const server = dgram.createSocket('udp4');
    server.on('message', (query, peer) => {
      const questionEnd = query.indexOf(0, 12) + 5;
      const header = Buffer.from([query[0], query[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
      const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]);
      server.send(Buffer.concat([header, query.subarray(12, questionEnd), answer]), peer.port, peer.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    try {
      const outcome = await run(
        dnsCheck({ hostname: 'db.statuskit.test', servers: [`127.0.0.1:${server.address().port}`] }),
      );
      expect(outcome).toMatchObject({ level: 'ok', fields: { records: ['192.0.2.7'], rrtype: 'A' } });
      const strict = dnsCheck({
        hostname: 'db.statuskit.test',
        servers: [`127.0.0.1:${server.address().port}`],
        minRecords: 2,
      });
      expect((await run(strict)).level).toBe('critical');
    } finally {
      server.close();
    }
  });
});

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasOpenssl)('tls check (certificates made with the openssl CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'statuskit-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let serial = 0;

  /** A self-signed certificate for localhost valid between the given times. */
  function makeCert(notBefore: Date, notAfter: Date) {
    const name = `c${++serial}`;
    const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), `0${serial}\n`.slice(-3));
    const config = `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n`;
    writeFileSync(join(dir, 'ca.cnf'), config);
    const key = join(dir, `${name}.key`);
    const csr = join(dir, `${name}.csr`);
    const cert = join(dir, `${name}.pem`);
    const quiet = { stdio: 'ignore' } as const;
    execFileSync(
      'openssl',
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        csr,
        '-subj',
        '/CN=localhost',
      ],
      quiet,
    );
    execFileSync(
      'openssl',
      [
        'ca',
        '-batch',
        '-selfsign',
        '-config',
        join(dir, 'ca.cnf'),
        '-keyfile',
        key,
        '-in',
        csr,
        '-out',
        cert,
        '-startdate',
        stamp(notBefore),
        '-enddate',
        stamp(notAfter),
      ],
      quiet,
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  }

  async function serve(pair: { key: string; cert: string }) {
    const server = createTlsServer(pair, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  const DAY = 86_400_000;
  const now = Date.now();

  it.each([
    { validDays: 90, level: 'ok' },
    { validDays: 5, level: 'warning' },
    { validDays: -3, level: 'critical' },
  ])('a certificate with $validDays days left is $level', async ({ validDays, level }) => {
    const pair = makeCert(new Date(now - 200 * DAY), new Date(now + validDays * DAY));
    const server = await serve(pair);
    try {
      const outcome = await run(
        tlsCheck({ host: 'localhost', port: server.port, ca: pair.cert, warnDays: 14 }),
      );
      expect(outcome.level).toBe(level);
      expect(outcome.observedUnit).toBe('d');
      expect(Math.round(Number(outcome.observedValue))).toBe(validDays);
      expect(outcome.fields).toMatchObject({ subject: 'localhost', trusted: true });
      if (level === 'critical') expect(outcome.message).toMatch(/^certificate expired on /);
    } finally {
      await server.close();
    }
  });

  it('reports an untrusted chain as critical unless allowUntrusted', async () => {
    const pair = makeCert(new Date(now - DAY), new Date(now + 90 * DAY));
    const server = await serve(pair);
    try {
      const untrusted = await run(tlsCheck({ host: 'localhost', port: server.port }));
      expect(untrusted.level).toBe('critical');
      expect(untrusted.message).toMatch(/untrusted/);
      expect(
        (await run(tlsCheck({ host: 'localhost', port: server.port, allowUntrusted: true }))).level,
      ).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('stops at the signal when the server never completes the handshake', async () => {
    await expectStopsOnSilence((port) => tlsCheck({ host: '127.0.0.1', port }));
  });
});

describe('http check', () => {
  it('judges status code, a JSON path condition and latency', async () => {
    const server = await httpServer(json(200, { data: { status: 'operational', queue: 3 } }));
    try {
      const url = `${server.url}/v1/status`;
      expect(
        (await run(httpCheck({ url, expect: { path: 'data.status', equals: 'operational' } }))).level,
      ).toBe('ok');
      const degraded = await run(httpCheck({ url, expect: [{ path: 'data.queue', lt: 2 }] }));
      expect(degraded).toMatchObject({ level: 'critical', message: 'data.queue is 3, expected lt 2' });
      expect((await run(httpCheck({ url, expectStatus: 204 }))).message).toBe('HTTP 200, expected 204');
      expect((await run(httpCheck({ url, warnMs: 0 }))).level).toBe('warning');
      expect((await run(httpCheck({ url, warnMs: 0, critMs: 0 }))).level).toBe('critical');
    } finally {
      await server.close();
    }
  });

  it('sends the method, headers and body it is given', async () => {
    let seen = '';
    const server = await httpServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen = `${req.method} ${req.headers['x-api-key']} ${body}`;
        res.end('{}');
      });
    });
    try {
      await run(httpCheck({ url: server.url, method: 'POST', headers: { 'x-api-key': 'k1' }, body: 'ping' }));
      expect(seen).toBe('POST k1 ping');
    } finally {
      await server.close();
    }
  });

  it('reports a non-2xx answer as critical', async () => {
    const server = await httpServer(json(503, {}));
    try {
      expect(await run(httpCheck({ url: server.url }))).toMatchObject({
        level: 'critical',
        fields: { statusCode: 503 },
      });
    } finally {
      await server.close();
    }
  });

  it('fails on an unreachable port', async () => {
    await expect(run(httpCheck({ url: `http://127.0.0.1:${await closedPort()}/` }))).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('stops at the signal when the server accepts and never answers', async () => {
    await expectStopsOnSilence((port) => httpCheck({ url: `http://127.0.0.1:${port}/health` }));
  });

  it('leaves no sockets behind after 1000 runs', async () => {
    const server = await httpServer(json(200, { status: 'UP' }));
    try {
      await expectNoLeaks(httpCheck({ url: server.url, expect: { path: 'status', in: ['UP'] } }), 1000, 10);
    } finally {
      await server.close();
    }
  });
});

describe('nested statuskit check', () => {
  it.each([
    [{ status: 'UP' }, 200, 'ok'],
    [{ status: 'DOWN' }, 503, 'critical'],
    [{ status: 'Ko' }, 200, 'critical'],
    [{ status: 'warn' }, 200, 'warning'],
    [{ success: true, data: { status: 'degraded' } }, 200, 'warning'],
    [{ success: true, data: { status: 'maintenance' } }, 503, 'maintenance'],
  ] as const)('%j (HTTP %i) becomes %s', async (body, status, level) => {
    const server = await httpServer(json(status, body));
    try {
      const outcome = await run(statuskitCheck({ url: server.url }));
      expect(outcome.level).toBe(level);
      expect(outcome.fields?.httpStatus).toBe(status);
    } finally {
      await server.close();
    }
  });

  it('reads a configured path, and says so when the word is unknown or missing', async () => {
    const server = await httpServer(json(200, { app: { master: { app_status: 'Error' } }, status: 'weird' }));
    try {
      expect(
        (await run(statuskitCheck({ url: server.url, statusPath: 'app.master.app_status' }))).level,
      ).toBe('critical');
      expect(await run(statuskitCheck({ url: server.url }))).toMatchObject({
        level: 'unknown',
        message: 'unknown status word "weird"',
      });
      expect((await run(statuskitCheck({ url: server.url, statusPath: 'nope' }))).level).toBe('unknown');
    } finally {
      await server.close();
    }
  });

  it('is critical when the downstream answers an error without a status', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(502);
      res.end('bad gateway');
    });
    try {
      expect((await run(statuskitCheck({ url: server.url }))).level).toBe('critical');
    } finally {
      await server.close();
    }
  });
});

describe('command check', () => {
  it('maps exit codes the Nagios way and keeps the first output line', async () => {
    const sh = (script: string) => run(commandCheck({ command: 'sh', args: ['-c', script] }));
    expect(await sh('echo "DISK OK - 40% used"; exit 0')).toMatchObject({
      level: 'ok',
      message: 'DISK OK - 40% used',
    });
    expect(await sh('exit 1')).toMatchObject({ level: 'warning', fields: { exitCode: 1 } });
    expect((await sh('echo boom >&2; exit 2')).message).toBe('boom');
    expect((await sh('exit 3')).level).toBe('unknown');
    expect((await sh('exit 7')).level).toBe('critical');
    const custom = commandCheck({ command: 'sh', args: ['-c', 'exit 7'], exitLevels: { 7: 'maintenance' } });
    expect((await run(custom)).level).toBe('maintenance');
  });

  it('fails clearly when the command does not exist', async () => {
    await expect(run(commandCheck({ command: 'statuskit-no-such-command' }))).rejects.toThrow(/ENOENT/);
  });

  it('kills the whole process group at the signal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'statuskit-cmd-'));
    const pidFile = join(dir, 'pid');
    try {
      // The script starts a grandchild that would outlive a plain kill of the script.
      const script = `sleep 30 & echo $! > ${pidFile}; wait`;
      const check = commandCheck({ command: 'sh', args: ['-c', script] });
      await expect(run(check, AbortSignal.timeout(300))).rejects.toThrow(/timeout|abort/i);
      const grandchild = Number(readFileSync(pidFile, 'utf8'));
      const alive = () => {
        try {
          process.kill(grandchild, 0);
          return true;
        } catch {
          return false;
        }
      };
      const deadline = Date.now() + 2000;
      while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(alive()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours its own timeoutMs', async () => {
    const check = commandCheck({ command: 'sleep', args: ['30'], timeoutMs: 200 });
    await expect(run(check)).rejects.toThrow('timed out after 200 ms');
  });
});
