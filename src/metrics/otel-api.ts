/**
 * What statuskit uses of OpenTelemetry's metrics API (`@opentelemetry/api` 1.x), as structural
 * types: the published declarations never import the package, and both the bridge and the runtime
 * observers depend on these alone.
 */
export type OtelAttributes = Record<string, string | number | boolean>;

export interface OtelObservableResult {
  observe(value: number, attributes?: OtelAttributes): void;
}

export interface OtelBatchResult {
  observe(observable: OtelObservable, value: number, attributes?: OtelAttributes): void;
}

export interface OtelObservable {
  addCallback(callback: (result: OtelObservableResult) => void | Promise<void>): void;
  removeCallback(callback: (result: OtelObservableResult) => void | Promise<void>): void;
}

export interface OtelHistogram {
  record(value: number, attributes?: OtelAttributes): void;
}

export interface OtelInstrumentOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}

/** What the bridge uses of an OpenTelemetry `Meter` (`@opentelemetry/api` 1.x). */
export interface OtelMeter {
  createObservableGauge(name: string, options?: OtelInstrumentOptions): OtelObservable;
  createObservableCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  createObservableUpDownCounter(name: string, options?: OtelInstrumentOptions): OtelObservable;
  createHistogram(name: string, options?: OtelInstrumentOptions): OtelHistogram;
  addBatchObservableCallback(
    callback: (result: OtelBatchResult) => void | Promise<void>,
    observables: OtelObservable[],
  ): void;
  removeBatchObservableCallback(
    callback: (result: OtelBatchResult) => void | Promise<void>,
    observables: OtelObservable[],
  ): void;
}

export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter;
}
