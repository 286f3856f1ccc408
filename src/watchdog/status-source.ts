/**
 * A status as the watchdog's source: each refresh takes a snapshot (as any door does) and, when
 * the snapshot, the lifecycle or the app's hold on readiness changed, renders the record — the
 * probes' answers and the document an anonymous caller would get (no per-request decorations).
 */
import type { Disclosure } from '../access/types.js';
import type { MaybePromise } from '../http/context.js';
import type { EndpointPaths } from '../http/handler.js';
import type { ProbeKind, Probes } from '../http/probe-answers.js';
import type { Lifecycle } from '../lifecycle/lifecycle.js';
import type { HttpCodeMap } from '../model/http-codes.js';
import { type DocumentStyle, renderDocument } from '../render/document.js';
import { type EnvelopeOptions, wrapInEnvelope } from '../render/envelope.js';
import type { Snapshot } from '../tree/snapshot.js';
import type { WatchdogRecord } from './record.js';
import type { SourceState, WatchdogSource } from './watchdog.js';

export interface StatusParts {
  snapshot(): MaybePromise<Snapshot>;
  probes: Probes;
  lifecycle: Lifecycle;
  heldBack(): string | undefined;
  style: DocumentStyle;
  httpCodes: HttpCodeMap;
  envelope: EnvelopeOptions | undefined;
  paths: Readonly<EndpointPaths>;
  /** What a caller without credentials sees; undefined when such callers are refused. */
  anonymous(): MaybePromise<Disclosure | undefined>;
}

const PROBES: readonly ProbeKind[] = ['live', 'ready', 'started'];

export function statusSource(parts: StatusParts): WatchdogSource {
  // The last snapshot and anonymous disclosure a refresh took: a lifecycle change republishes them at once.
  let snapshot: Snapshot | undefined;
  let disclosure: Disclosure | undefined;
  const state = (): SourceState => {
    const key = [snapshot?.version, parts.lifecycle.state, parts.heldBack() ?? '', disclosure?.key ?? '-'];
    const taken = snapshot;
    const shown = disclosure;
    return { key: key.join('\u0000'), record: () => recordOf(parts, taken, shown) };
  };
  return {
    async refreshed() {
      [snapshot, disclosure] = await Promise.all([parts.snapshot(), parts.anonymous()]);
      return state();
    },
    current: state,
    fallback: (record, reason) => ({ ...record, document: undefined, noDocument: reason }),
  };
}

function recordOf(
  parts: StatusParts,
  snapshot: Snapshot | undefined,
  disclosure: Disclosure | undefined,
): WatchdogRecord {
  const { paths, style } = parts;
  const words = style.vocabulary.overall;
  const probes = Object.fromEntries(PROBES.map((kind) => [kind, parts.probes.answer(kind, snapshot)]));
  const record: WatchdogRecord = {
    lifecycle: parts.lifecycle.state,
    words: { ok: words.ok, critical: words.critical },
    paths: { live: paths.live, ready: paths.ready, started: paths.started, status: paths.status },
    probes: probes as WatchdogRecord['probes'],
  };
  if (!snapshot) {
    record.noDocument = 'no snapshot taken yet';
    return record;
  }
  if (!disclosure) {
    record.noDocument = 'the document needs credentials, which the watchdog does not check';
    return record;
  }
  const details = disclosure.details;
  const document = renderDocument(snapshot, style, { details, messages: details && disclosure.messages });
  const body = parts.envelope ? wrapInEnvelope(document, snapshot.level, parts.envelope) : document;
  record.document = { code: parts.httpCodes[snapshot.level], body };
  return record;
}
