/**
 * The CLI against a hostile status server (a raw TCP server, so the status line and body can hold
 * anything): what `get`, `check` and `watch --log text` print for people never carries the
 * server's terminal controls (screen clear, window title, bell, C1 CSI, bidi overrides); what they
 * print for programs (a piped body, JSON logs) stays exactly what the server sent.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, runInTerminal } from './spawn.js';

/** Clear screen, set the window title (OSC … BEL), a C1 CSI, a right-to-left override. */
const HOSTILE = '\x1b[2J\x1b]0;pwned\x07\x9b31m\u202eevil';
const ESCAPED = '\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u202eevil';
/** Any control character a terminal acts on, and the bidi controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const RAW_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
/** Our own colours are the only escapes allowed on a terminal. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: our colour codes start with ESC
const COLOUR = /\x1b\[\d+m/g;

interface Answer {
  status: string;
  type: string;
  body: string;
}

const ANSWERS: Record<string, Answer> = {
  '/reason': { status: `500 Bad${HOSTILE}News`, type: 'text/plain', body: '' },
  '/error': {
    status: '401 Unauthorized',
    type: 'application/json',
    body: JSON.stringify({ error: `login please${HOSTILE}` }),
  },
  '/text': { status: '200 OK', type: 'text/plain', body: `plain ${HOSTILE} text\r\nline two\n` },
  '/json': {
    status: '200 OK',
    type: 'application/json',
    body: JSON.stringify({ status: 'ok', note: `fine\u009b31m\u202eevil`, [`key${HOSTILE}`]: 1 }),
  },
  '/word': {
    status: '200 OK',
    type: 'application/json',
    body: JSON.stringify({ status: `ok${HOSTILE}` }),
  },
  '/components': {
    status: '200 OK',
    type: 'application/json',
    body: JSON.stringify({ status: 'critical', [`db${HOSTILE}`]: { status: 'critical', durationMs: 3 } }),
  },
  '/down': {
    status: '200 OK',
    type: 'application/json',
    body: JSON.stringify({ status: 'critical', message: `storage is down${HOSTILE}` }),
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (chunk) => {
      const path = chunk.toString('latin1').split(' ')[1] ?? '/';
      const answer = ANSWERS[path] ?? { status: '404 Not Found', type: 'text/plain', body: '' };
      const body = Buffer.from(answer.body, 'utf8');
      const head = `HTTP/1.1 ${answer.status}\r\ncontent-type: ${answer.type}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
      // latin1 keeps the status line's bytes as written (the C1 byte 0x9b included).
      socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('statuskit get', () => {
  it("escapes the server's reason phrase and error text on stderr", async () => {
    const reason = await run(['get', `${base}/reason`]);
    expect(reason.code).toBe(1);
    expect(reason.stderr).not.toMatch(RAW_CONTROL);
    expect(reason.stderr).toContain('statuskit get: HTTP 500 Bad\\u001b[2J\\u001b]0;pwned\\u0007');
    const error = await run(['get', `${base}/error`]);
    expect(error.code).toBe(1);
    expect(error.stderr).toBe(`statuskit get: HTTP 401 Unauthorized: login please${ESCAPED}\n`);
  });

  it('prints a text body on a terminal with its controls escaped, and byte for byte when piped', async () => {
    const terminal = await runInTerminal(['get', `${base}/text`, '--raw']);
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).not.toMatch(RAW_CONTROL);
    expect(terminal.stdout).toBe(`plain ${ESCAPED} text\nline two\n`);
    const piped = await run(['get', `${base}/text`, '--raw']);
    expect(piped.stdout).toBe(ANSWERS['/text'].body);
  });

  it('colours JSON on a terminal without letting C1 or bidi controls through, and keeps its value', async () => {
    const terminal = await runInTerminal(['get', `${base}/json`]);
    expect(terminal.code).toBe(0);
    const uncoloured = terminal.stdout.replace(COLOUR, '');
    expect(uncoloured).not.toMatch(RAW_CONTROL);
    expect(uncoloured).toContain('"fine\\u009b31m\\u202eevil"');
    // The escapes are JSON's own: what is shown still parses to the server's document.
    expect(JSON.parse(uncoloured)).toEqual(JSON.parse(ANSWERS['/json'].body));
    const piped = await run(['get', `${base}/json`]);
    expect(piped.stdout).toBe(`${ANSWERS['/json'].body}\n`);
  });
});

describe('statuskit check', () => {
  it("keeps the plugin line free of the server's controls, in the text and the perfdata", async () => {
    const result = await run(['check', `${base}/word`]);
    expect(result.code).toBe(3);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toMatch(/^STATUSKIT UNKNOWN - status = "ok\\u001b\[2J.*" is not a status word/);
    expect(result.stdout.split('\n')).toHaveLength(2);
    // Component names are document keys: remote text in the text and in the perfdata labels.
    const components = await run(['check', `${base}/components`]);
    expect(components.code).toBe(2);
    expect(components.stdout).not.toMatch(RAW_CONTROL);
    expect(components.stdout).toContain(`(db${ESCAPED} critical) | 'db${ESCAPED}'=0.003s;;;0;`);
  });
});

describe('statuskit watch', () => {
  it('--log text escapes remote messages; --log json keeps them exact', async () => {
    const text = await run(['watch', '--once', '--log', 'text', `down=${base}/down`]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`down is critical`);
    expect(text.stderr).toContain(`message=storage is down${ESCAPED}`);
    expect(text.stderr).not.toMatch(RAW_CONTROL);
    // The --once table is for people too.
    expect(text.stdout).toContain(`storage is down${ESCAPED}`);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    const json = await run(['watch', '--once', '--log', 'json', `down=${base}/down`]);
    const line = JSON.parse(json.stderr.split('\n').find((l) => l.includes('is critical')) ?? '{}');
    expect(line.message).toBe(`storage is down${HOSTILE}`);
  });
});
