import type { Leaf, MetaKind, StatusReadable } from './nodes.js';

/** Marks a value to be mounted as a meta leaf. */
export interface MetaLeaf {
  readonly __statuskitMeta: MetaKind;
}

/** The overall status word, placed at this path (e.g. `data.status`, `status` after `applications`). */
export function overallStatus(): MetaLeaf {
  return { __statuskitMeta: { type: 'overall' } };
}

/** The document's assembly time in ms (seed 001 `durationMs`, seed 002 `performance.response_time_ms`). */
export function documentDuration(): MetaLeaf {
  return { __statuskitMeta: { type: 'duration' } };
}

/** When the document was assembled; `format` like `yyyy-MM-dd HH:mm:ss` (local time with `utc: false`). */
export function timestamp(format?: string, options: { utc?: boolean } = {}): MetaLeaf {
  return { __statuskitMeta: { type: 'timestamp', format, utc: options.utc } };
}

/** Echoes whether details are shown (seed 001 `withDetails`). */
export function detailsShown(): MetaLeaf {
  return { __statuskitMeta: { type: 'details' } };
}

function isMeta(value: unknown): value is MetaLeaf {
  return typeof value === 'object' && value !== null && '__statuskitMeta' in value;
}

function isReadable(value: unknown): value is StatusReadable {
  return (
    typeof value === 'object' && value !== null && typeof (value as StatusReadable).readStatus === 'function'
  );
}

/** Decides what kind of leaf a mounted source is: meta marker, provider function, readable object, or static value. */
export function toLeaf(source: unknown): Leaf {
  if (isMeta(source)) return { kind: 'meta', meta: source.__statuskitMeta };
  if (typeof source === 'function') return { kind: 'provider', read: source as () => unknown };
  if (isReadable(source)) {
    const changes = source.statusChanges;
    return changes
      ? { kind: 'provider', read: () => source.readStatus(), changes }
      : { kind: 'provider', read: () => source.readStatus() };
  }
  return { kind: 'value', value: source };
}
