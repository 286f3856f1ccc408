/**
 * Chat webhooks carry remote text (a status page's message): `statuskit watch` as a real process
 * posts a hostile message to a real webhook receiver in Slack's and Discord's formats, and what
 * arrives can neither mention anyone nor disguise a link.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, run } from './spawn-watch.js';

const HOSTILE =
  'db down <!channel> <!here|x> @everyone @here <@123> <@&456> <#789> <http://evil.example|docs> [docs](http://evil.example) **bold** ||spoiler|| `code` & more';

let target: Server;
let targetUrl: string;
let receiver: Server;
let receiverBase: string;
const received = new Map<string, Record<string, unknown>>();

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  assertBuilt();
  target = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'critical', message: HOSTILE }));
  });
  targetUrl = `${await listen(target)}/status`;
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      received.set(req.url ?? '', JSON.parse(text));
      res.writeHead(204).end();
    });
  });
  receiverBase = await listen(receiver);
});

afterAll(() => {
  for (const server of [target, receiver]) {
    server.closeAllConnections();
    server.close();
  }
});

const post = (format: string) =>
  run([
    'watch',
    '--once',
    `api=${targetUrl}`,
    '--webhook-format',
    format,
    '--webhook',
    `${receiverBase}/${format}`,
  ]);

describe('chat webhooks', () => {
  it('Slack gets &, < and > as entities: no mention, no disguised link', async () => {
    expect((await post('slack')).code).toBe(2);
    const { text } = received.get('/slack') as { text: string };
    expect(text).toBe(
      `🔴 api: is critical — db down &lt;!channel&gt; &lt;!here|x&gt; @everyone @here &lt;@123&gt; &lt;@&amp;456&gt; &lt;#789&gt; &lt;http://evil.example|docs&gt; [docs](http://evil.example) **bold** ||spoiler|| \`code\` &amp; more (${targetUrl})`,
    );
    // Slack reads markup only between < and >, and entities after &.
    expect(text).not.toMatch(/[<>]/);
    expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
  });

  it('Discord gets Markdown and mentions escaped, and allowed_mentions that ping nobody', async () => {
    expect((await post('discord')).code).toBe(2);
    const body = received.get('/discord') as { content: string; allowed_mentions: unknown; flags: number };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.flags).toBe(4); // SUPPRESS_EMBEDS: a remote URL does not unfold into a preview
    expect(body.content).toBe(
      `🔴 api: is critical — db down \\<!channel\\> \\<!here\\|x\\> @\u200beveryone @\u200bhere \\<@123\\> \\<@&456\\> \\<#789\\> \\<http://evil.example\\|docs\\> \\[docs\\](http://evil.example) \\*\\*bold\\*\\* \\|\\|spoiler\\|\\| \\\`code\\\` & more (${targetUrl})`,
    );
    expect(body.content).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/); // no masked link left
    expect(body.content).not.toMatch(/@(everyone|here)/);
    expect(body.content).not.toMatch(/(^|[^\\])<[@#]/);
  });
});
