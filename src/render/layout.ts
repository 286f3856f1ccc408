/**
 * How a document is laid out: which keys hold statuses and durations, whether components are
 * objects or bare words, and the auto-placed overall fields. Plain data; presets cover the seeds.
 */
export interface LayoutOptions {
  /** `object`: `{ status, durationMs, ...fields }` (seeds 001, 004); `word`: `"api": "operational"` (seed 002). */
  components?: 'object' | 'word';
  /** Key of a component's status word. Default `status`. */
  statusKey?: string;
  /** Show each component's `durationMs`. Default true. */
  componentDuration?: boolean;
  /** Show when each component's result was produced (`time`, ISO 8601). Default true. */
  componentTime?: boolean;
  /** Show why statuskit decided a level (`reason`: timeout, error, stale). Default true. */
  componentReason?: boolean;
  /** Key of a failed check's (redacted) error message, shown only to tiers that may see messages. Default `message`. */
  messageKey?: string;
  /**
   * Key of the overall status word placed at the top of the document when the tree does not
   * place it itself with `overallStatus()`. `false` for none (seed 000). Default `status`.
   */
  overallStatusKey?: string | false;
  /** Key of the document's durationMs placed at the end when the tree does not place it. Default `durationMs`. */
  durationKey?: string | false;
}

export type ResolvedLayout = Required<LayoutOptions>;

export const defaultLayout: ResolvedLayout = Object.freeze({
  components: 'object',
  statusKey: 'status',
  componentDuration: true,
  componentTime: true,
  componentReason: true,
  messageKey: 'message',
  overallStatusKey: 'status',
  durationKey: 'durationMs',
});

export function resolveLayout(options: LayoutOptions = {}): ResolvedLayout {
  const layout = { ...defaultLayout };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (layout as Record<string, unknown>)[key] = value;
  }
  if (layout.components !== 'object' && layout.components !== 'word') {
    throw new Error(`layout.components: expected "object" or "word", got "${String(layout.components)}"`);
  }
  return Object.freeze(layout);
}
