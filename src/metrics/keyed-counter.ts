import { checkCount, checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';

export interface KeyedCounterOptions extends MetricOptions {
  /** Most distinct keys kept (default 100); later new keys are counted under `overflowKey`. */
  maxKeys?: number;
  /** Where the overflow is counted (default `other`). A real key of that name shares the bucket. */
  overflowKey?: string;
  /** Prometheus label name for the key (default `key`). */
  label?: string;
}

/** A mutable cell, so an increment is one Map lookup and one add (no Map.set). */
interface Cell {
  n: number;
}

/**
 * Counts per key (seed 001's `errorsByBot`) with bounded cardinality: a flood of new keys
 * cannot exhaust memory, it only grows the overflow bucket.
 */
export class KeyedCounter {
  readonly kind = 'keyed' as const;
  readonly help: string | undefined;
  readonly jsonForm: JsonForm;
  readonly maxKeys: number;
  readonly overflowKey: string;
  readonly label: string;
  private readonly cells = new Map<string, Cell>();
  private overflow = 0;

  constructor(options: KeyedCounterOptions = {}) {
    const maxKeys = options.maxKeys ?? 100;
    if (!Number.isInteger(maxKeys) || maxKeys < 0) {
      throw new RangeError(`KeyedCounter: maxKeys must be a non-negative integer, got ${maxKeys}`);
    }
    this.maxKeys = maxKeys;
    this.overflowKey = options.overflowKey ?? 'other';
    this.label = options.label ?? 'key';
    if (typeof this.overflowKey !== 'string')
      throw new TypeError('KeyedCounter: overflowKey must be a string');
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(this.label) || this.label.startsWith('__')) {
      throw new TypeError(`KeyedCounter: invalid Prometheus label name ${JSON.stringify(this.label)}`);
    }
    this.help = options.help;
    this.jsonForm = checkJsonForm(options.jsonForm);
  }

  inc(key: string, n = 1): void {
    if (n !== 1) checkCount(n, 'KeyedCounter.inc');
    const cell = this.cells.get(key);
    if (cell !== undefined) cell.n += n;
    else this.addKey(key, n);
  }

  private addKey(key: string, n: number): void {
    if (typeof key !== 'string')
      throw new TypeError(`KeyedCounter.inc: key must be a string, got ${typeof key}`);
    if (this.cells.size < this.maxKeys) this.cells.set(key, { n });
    else this.overflow += n;
  }

  get(key: string): number {
    const own = this.cells.get(key)?.n ?? 0;
    return key === this.overflowKey ? own + this.overflow : own;
  }

  /** How many distinct keys are kept (the overflow bucket not included). */
  get size(): number {
    return this.cells.size;
  }

  get total(): number {
    let sum = this.overflow;
    for (const cell of this.cells.values()) sum += cell.n;
    return sum;
  }

  /** `[key, count]` in first-seen order, then the overflow bucket if it was used. */
  entries(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const [key, cell] of this.cells) {
      if (key !== this.overflowKey) out.push([key, cell.n]);
    }
    const overflow = this.get(this.overflowKey);
    if (overflow > 0 || this.cells.has(this.overflowKey)) out.push([this.overflowKey, overflow]);
    return out;
  }

  reset(): void {
    this.cells.clear();
    this.overflow = 0;
  }

  toSeedJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, n] of this.entries()) setOwn(out, key, n);
    return out;
  }

  /** Servlet form: one Dropwizard counter per key. */
  toServletJSON(): Record<string, { count: number }> {
    const out: Record<string, { count: number }> = {};
    for (const [key, n] of this.entries()) setOwn(out, key, { count: n });
    return out;
  }

  readStatus(): Record<string, number> | Record<string, { count: number }> {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : this.toSeedJSON();
  }
}

/** Keys are caller data: `__proto__` must become an own property, not a prototype change. */
function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
