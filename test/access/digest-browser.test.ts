import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAccess, type DigestOptions, digestAuth } from '../../src/access/index.js';
import { createStatus, type RunningServer, type StatusKit } from '../../src/status.js';
import { launchChromium } from '../dashboard/harness.js';

/** The real Chromium answering the real status endpoint's Digest challenge (Playwright's httpCredentials). */
const REALM = 'shop';
const USERS = [
  { username: 'ops', password: 'correct horse', tier: 'admin' },
  { username: 'jürgen', password: 'pässwörd', tier: 'reader' },
];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Served {
  url: string;
  /** The Authorization header of every request, '-' when there was none. */
  authorizations: string[];
}

let status: StatusKit | undefined;
let running: RunningServer | undefined;
let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  await running?.close();
  await status?.close();
  context = running = status = undefined;
});

async function serveStatus(digest: Partial<DigestOptions> = {}): Promise<Served> {
  const access = createAccess({
    anonymous: 'refuse',
    authenticators: [digestAuth({ realm: REALM, users: USERS, ...digest })],
  });
  status = createStatus({ access });
  status.value('version', '2.1.0', { summary: true });
  status.check('database', () => ({ level: 'ok', fields: { pool: 10 } }));
  const authorizations: string[] = [];
  const listener = status.nodeListener();
  running = await status.listen({
    listener: (req, res) => {
      authorizations.push(req.headers.authorization ?? '-');
      listener(req, res);
    },
  });
  return { url: running.url, authorizations };
}

async function browse(url: string, username: string, password: string) {
  context = await browser.newContext({ httpCredentials: { username, password } });
  const page = await context.newPage();
  const response = await page.goto(url);
  return { page, status: response?.status(), body: (await response?.text()) ?? '' };
}

/** The Digest answers Chromium sent for `path`. */
function answersFor(served: Served, algorithm: string): string[] {
  return served.authorizations.filter((header) => header.includes(`algorithm=${algorithm},`));
}

describe('HTTP Digest with the real Chromium', () => {
  it('logs in with the default challenges (SHA-256 first) and gets the JSON status', async () => {
    const served = await serveStatus();
    const { page, status: code, body } = await browse(`${served.url}/status`, 'ops', 'correct horse');
    expect(code).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ status: 'ok', version: '2.1.0', database: { status: 'ok' } });
    expect(served.authorizations[0]).toBe('-');
    const [answer] = answersFor(served, 'SHA-256');
    expect(answer).toMatch(/^Digest username="ops", realm="shop", .*qop=auth, nc=00000001, cnonce="/);
    // The page's own fetch reuses the nonce with the next count, and the window accepts it: no new
    // challenge (which would show as a request without credentials and then a new nonce).
    const again = await page.evaluate(() => fetch('/status').then((res) => res.status));
    expect(again).toBe(200);
    const nonce = /nonce="([^"]+)"/.exec(answer)?.[1];
    const later = served.authorizations.slice(1);
    expect(later.length).toBeGreaterThanOrEqual(2);
    expect(later.every((header) => header.includes(`nonce="${nonce}"`))).toBe(true);
    expect(later.at(-1)).toMatch(/nc=0000000[2-9]/);
  });

  it('skips SHA-512-256, which it does not know, and answers SHA-256-sess with userhash', async () => {
    const served = await serveStatus({ algorithms: ['SHA-512-256', 'SHA-256-sess', 'MD5'], userhash: true });
    const { status: code, body } = await browse(`${served.url}/status`, 'ops', 'correct horse');
    expect(code).toBe(200);
    expect(JSON.parse(body).database).toBeDefined();
    const [answer] = answersFor(served, 'SHA-256-sess');
    expect(answer).toContain('userhash=true');
    expect(answer).not.toContain('username="ops"');
    expect(answersFor(served, 'SHA-512-256')).toEqual([]);
  });

  it('logs in a non-ASCII user with MD5-sess (raw UTF-8 name), with the tier it was given', async () => {
    const served = await serveStatus({ algorithms: ['MD5-sess'] });
    const { status: code, body } = await browse(`${served.url}/status`, 'jürgen', 'pässwörd');
    expect(code).toBe(200);
    expect(JSON.parse(body).database).toMatchObject({ status: 'ok', pool: 10 });
    // Node reads header bytes as Latin-1: the UTF-8 "ü" shows as "Ã¼" here, and is decoded by digestAuth.
    expect(answersFor(served, 'MD5-sess')[0]).toContain('username="jÃ¼rgen"');
  });

  it('gets a 401 JSON error for a wrong password', async () => {
    const served = await serveStatus({ algorithms: ['SHA-256-sess'] });
    const { status: code, body } = await browse(`${served.url}/status`, 'ops', 'wrong horse');
    expect(code).toBe(401);
    expect(JSON.parse(body)).toEqual({
      error: 'unauthorized',
      message: 'Authentication failed: wrong user name or password',
    });
    expect(answersFor(served, 'SHA-256-sess').length).toBeGreaterThan(0);
  });
});
