/**
 * What the main thread publishes for the watchdog: everything the watchdog needs to answer on its
 * own — the probes' answers, the document as an anonymous caller sees it, the words for its own
 * verdicts — as plain JSON, so the watchdog thread loads none of statuskit's rendering.
 */
import type { ProbeAnswer, ProbeKind } from '../http/probe-answers.js';
import type { LifecycleState } from '../lifecycle/lifecycle.js';

export interface WatchdogRecord {
  lifecycle: LifecycleState;
  /** The overall words for `ok` and `critical`, for the watchdog's own verdicts. */
  words: { ok: string; critical: string };
  /** Where the status serves each door (`false`: off); the watchdog answers the same paths. */
  paths: { live: string | false; ready: string | false; started: string | false; status: string | false };
  probes: Record<ProbeKind, ProbeAnswer>;
  /** The document, when an anonymous caller may see one. */
  document?: { code: number; body: Record<string, unknown> };
  /** Why the watchdog has no document to serve. */
  noDocument?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeRecord(record: WatchdogRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

/** The record in `bytes`, or undefined before the first one was published. */
export function decodeRecord(bytes: Uint8Array): WatchdogRecord | undefined {
  return bytes.byteLength === 0 ? undefined : (JSON.parse(decoder.decode(bytes)) as WatchdogRecord);
}
