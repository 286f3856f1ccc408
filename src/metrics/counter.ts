import { checkCount, checkJsonForm, type JsonForm, type MetricOptions } from './json-form.js';

/** A number that goes up and down by explicit amounts. */
export class Counter {
  readonly kind = 'counter' as const;
  readonly help: string | undefined;
  readonly jsonForm: JsonForm;
  private value = 0;

  constructor(options: MetricOptions = {}) {
    this.help = options.help;
    this.jsonForm = checkJsonForm(options.jsonForm);
  }

  inc(n = 1): void {
    if (n !== 1) checkCount(n, 'Counter.inc');
    this.value += n;
  }

  dec(n = 1): void {
    if (n !== 1) checkCount(n, 'Counter.dec');
    this.value -= n;
  }

  get count(): number {
    return this.value;
  }

  reset(): void {
    this.value = 0;
  }

  toServletJSON(): { count: number } {
    return { count: this.value };
  }

  readStatus(): number | { count: number } {
    return this.jsonForm === 'servlet' ? this.toServletJSON() : this.value;
  }
}
