/**
 * The watchdog thread: its own HTTP listener, answering from shared memory. It never waits on the
 * main thread, so it answers while the main loop is stuck. It watches the heartbeat counter,
 * measures each stall, and reports a stall longer than the threshold once the loop beats again.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { parseRequestTarget } from '../http/target.js';
import { refuseTunnels } from '../util/listen.js';
import { badTarget, watchdogAnswer } from './answers.js';
import { decodeRecord, type WatchdogRecord } from './record.js';
import { SharedReader } from './shared-state.js';

/** What the main thread hands the watchdog thread at start. */
export interface WatchdogWorkerData {
  memory: SharedArrayBuffer;
  port: number;
  host: string;
  thresholdMs: number;
}

/** Messages to the main thread. */
export type WatchdogMessage =
  | { type: 'listening'; port: number }
  | { type: 'error'; code?: string; message: string }
  | { type: 'block'; durationMs: number; endedAt: number };

const { memory, port, host, thresholdMs } = workerData as WatchdogWorkerData;
const reader = new SharedReader(memory);
const post = (message: WatchdogMessage) => parentPort!.postMessage(message);

let seenBeat = reader.beats;
let seenAt = performance.now();

/** Notes a beat if there was one; a beat after a long stall ends a block, which is reported. */
function observe(): number {
  const beat = reader.beats;
  const now = performance.now();
  if (beat !== seenBeat) {
    const stall = now - seenAt;
    if (stall >= thresholdMs) post({ type: 'block', durationMs: Math.round(stall), endedAt: Date.now() });
    seenBeat = beat;
    seenAt = now;
  }
  return now - seenAt;
}

async function watchBeats(): Promise<void> {
  for (;;) {
    await reader.nextBeat(seenBeat, thresholdMs);
    observe();
  }
}

let decoded: { version: number; record: WatchdogRecord | undefined } = { version: -1, record: undefined };

function current() {
  const shared = reader.read();
  if (shared.version !== decoded.version)
    decoded = { version: shared.version, record: decodeRecord(shared.bytes) };
  return { record: decoded.record, confirmedAt: shared.confirmedAt };
}

const server = createServer((request, response) => {
  const stallMs = observe();
  const { record, confirmedAt } = current();
  const target = parseRequestTarget(request.url ?? '/');
  const view = { record, confirmedAt, stallMs, thresholdMs, now: Date.now() };
  const answer = target.ok
    ? watchdogAnswer(request.method ?? 'GET', target.pathname, view)
    : badTarget(target.reason);
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
});

// CONNECT gets a 405, as on the status's own listeners, rather than a dropped connection.
refuseTunnels(server);
server.on('error', (error: NodeJS.ErrnoException) =>
  post({ type: 'error', code: error.code, message: error.message }),
);
server.listen(port, host, () => {
  post({ type: 'listening', port: (server.address() as AddressInfo).port });
  void watchBeats();
});
