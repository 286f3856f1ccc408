// measured-core ships no types; the benchmark only needs its Meter.
declare module 'measured-core' {
  export class Meter {
    mark(n?: number): void;
    end(): void;
  }
  const measured: { Meter: typeof Meter };
  export default measured;
}
