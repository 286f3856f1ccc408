import { afterEach, describe, expect, it } from 'vitest';
import {
  apiKeyAuth,
  basicAuth,
  createAccess,
  digestAuth,
  type ThrottleOptions,
  tokenPairAuth,
} from '../../src/access/index.js';
import { Client } from '../live/helpers.js';
import { curl, getFrom } from './harness.js';
import { type ServedStatus, serveStatus } from './served-status.js';

const READER_KEY = 'reader-key-0123456789';
const ADMIN_KEY = 'admin-key-9876543210';
const PAIR_KEY = '8fd26a17-eb28-4c74-aa6f-a3794f4f466c';
const USERS = [
  { username: 'admin', password: 'correct-horse-battery', tier: 'admin' },
  { username: 'bob', password: 'b0b-pa55word', tier: 'reader' },
];

let served: ServedStatus | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

async function start(throttle: ThrottleOptions): Promise<ServedStatus> {
  const access = createAccess({
    authenticators: [
      apiKeyAuth({
        keys: [
          { key: READER_KEY, name: 'monitor', tier: 'reader' },
          { key: ADMIN_KEY, name: 'ops', tier: 'admin' },
        ],
      }),
      basicAuth({ users: USERS }),
      digestAuth({ users: USERS }),
      tokenPairAuth({ pairs: [{ token: 'the-real-token', key: PAIR_KEY, name: 'webitel', tier: 'admin' }] }),
    ],
    throttle,
  });
  served = await serveStatus(
    (status) => status.check('db', () => 'ok'),
    { access },
    { maxAuthFailures: 1000 },
  );
  return served;
}

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('failed-login throttle through the real server', () => {
  it('does not let a valid reader key reset the count of wrong admin-key guesses', async () => {
    const { base } = await start({ maxFailures: 10 });
    const answers: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (let guess = 0; guess < 9; guess++) {
        const res = await fetch(`${base}/status`, {
          headers: { 'x-api-key': `admin-guess-${round}-${guess}` },
        });
        answers.push(res.status);
        await res.arrayBuffer();
      }
      const valid = await fetch(`${base}/status`, { headers: { 'x-api-key': READER_KEY } });
      answers.push(valid.status);
      await valid.arrayBuffer();
    }
    // Nine 401s, the reader's 200, one more 401 (the tenth failure), then the address is blocked.
    expect(answers.slice(0, 11)).toEqual([...Array(9).fill(401), 200, 401]);
    expect(answers.slice(11)).toEqual(Array(89).fill(429));
    const blocked = await fetch(`${base}/status`, { headers: { 'x-api-key': READER_KEY } });
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await blocked.json()).toMatchObject({ error: 'too_many_requests' });
  });

  it('does the same for WebSocket `auth`: a success in between clears nothing', async () => {
    const { wsUrl } = await start({ maxFailures: 10 });
    const client = await Client.open(wsUrl);
    try {
      const replies: string[] = [];
      for (let round = 0; round < 3; round++) {
        for (let guess = 0; guess < 9; guess++) replies.push(await client.ask(`auth admin-guess-${guess}`));
        replies.push(await client.ask(`auth ${READER_KEY}`));
      }
      const kinds = replies.map((reply) => (reply === 'ok' ? 'ok' : JSON.parse(reply).message));
      expect(kinds.slice(0, 11)).toEqual([...Array(9).fill('unknown API key'), 'ok', 'unknown API key']);
      expect(new Set(kinds.slice(11))).toEqual(new Set(['too many failed attempts']));
    } finally {
      client.close();
    }
  });

  it('keeps a blocked address blocked while failures from many other addresses churn the table', async () => {
    const { base } = await start({ maxFailures: 3, maxAddresses: 50 });
    const url = `${base}/status`;
    for (let i = 0; i < 3; i++) await getFrom('127.0.0.2', url, { 'x-api-key': 'guess' });
    expect((await getFrom('127.0.0.2', url)).status).toBe(429);
    // Four times the table's size of other addresses, one failure each.
    for (let i = 0; i < 200; i++) {
      expect((await getFrom(`127.0.1.${i + 1}`, url, { 'x-api-key': 'guess' })).status).toBe(401);
    }
    expect((await getFrom('127.0.0.2', url, { 'x-api-key': READER_KEY })).status).toBe(429);
    expect((await getFrom('127.0.0.3', url, { 'x-api-key': READER_KEY })).status).toBe(200);
  });

  it('blocks a user name guessed from many addresses, even for its password, and spares the others', async () => {
    const { base } = await start({ maxFailures: 10, maxTargetFailures: 5 });
    const url = `${base}/status`;
    const spread = await Promise.all(
      Array.from({ length: 5 }, (_, i) => getFrom(`127.0.2.${i + 1}`, url, basic('admin', `guess-${i}`))),
    );
    expect(spread.map((res) => res.status)).toEqual(Array(5).fill(401));
    const owner = await getFrom('127.0.3.1', url, basic('admin', 'correct-horse-battery'));
    expect(owner.status).toBe(429);
    expect(owner.headers['retry-after']).toMatch(/^\d+$/);
    // Another account, from one of the guessing addresses, is not affected.
    expect((await getFrom('127.0.2.1', url, basic('bob', 'b0b-pa55word'))).status).toBe(200);
  });

  it('forgives a user who mistypes and then logs in, but only that user', async () => {
    const { base } = await start({ maxFailures: 100, maxTargetFailures: 3 });
    const url = `${base}/status`;
    for (let round = 0; round < 3; round++) {
      expect((await getFrom('127.0.4.1', url, basic('bob', 'typo'))).status).toBe(401);
      expect((await getFrom('127.0.4.1', url, basic('bob', 'typo'))).status).toBe(401);
      expect((await getFrom('127.0.4.1', url, basic('bob', 'b0b-pa55word'))).status).toBe(200);
    }
    // Bob's successes do not forgive guesses at admin.
    for (let i = 0; i < 2; i++) await getFrom('127.0.4.2', url, basic('admin', 'guess'));
    expect((await getFrom('127.0.4.2', url, basic('bob', 'b0b-pa55word'))).status).toBe(200);
    expect((await getFrom('127.0.4.2', url, basic('admin', 'guess'))).status).toBe(401);
    expect((await getFrom('127.0.4.3', url, basic('admin', 'correct-horse-battery'))).status).toBe(429);
  });

  it('counts Digest guesses at one user from many addresses too (curl --digest)', async () => {
    const { base } = await start({ maxFailures: 10, maxTargetFailures: 3 });
    const url = `${base}/status?details=true`;
    const login = (source: string, password: string) =>
      curl(['--digest', '--interface', source, '-u', `admin:${password}`, url]);
    for (let i = 0; i < 3; i++) expect((await login(`127.0.5.${i + 1}`, `guess-${i}`)).status).toBe(401);
    const owner = await login('127.0.6.1', 'correct-horse-battery');
    expect(owner.status).toBe(429);
    expect(owner.json()).toMatchObject({ error: 'too_many_requests' });
  });

  it("counts guesses at one token pair's token across addresses, by its key", async () => {
    const { base } = await start({ maxFailures: 10, maxTargetFailures: 3 });
    const url = `${base}/status`;
    const pair = (token: string) => ({ 'x-access-token': token, 'x-key': PAIR_KEY });
    for (let i = 0; i < 3; i++)
      expect((await getFrom(`127.0.7.${i + 1}`, url, pair(`guess-${i}`))).status).toBe(401);
    expect((await getFrom('127.0.8.1', url, pair('the-real-token'))).status).toBe(429);
  });
});
