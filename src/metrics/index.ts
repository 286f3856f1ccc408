export {
  CLIENT_CLOSED_REQUEST,
  type ExpressInstrumentOptions,
  expressMetrics,
  expressRouteKey,
  type FastifyInstrumentOptions,
  fastifyRouteKey,
  instrumentFastify,
  instrumentListener,
  type KoaInstrumentOptions,
  koaMetrics,
  koaRouteKey,
  type NodeInstrumentOptions,
  observeResponse,
} from './adapters/index.js';
export {
  type ClockInput,
  ManualClock,
  type MetricsClock,
  SystemClock,
  type SystemClockOptions,
  systemClock,
  toClock,
} from './clock.js';
export { Counter } from './counter.js';
export { Derived, errorRatio, meterRate, type RateWindow } from './derived.js';
export * from './endpoint.js';
export { ALPHA_M1, ALPHA_M5, ALPHA_M15, ewmaAlpha, RATE_FLOOR, TICK_INTERVAL_MS } from './ewma.js';
export { Gauge, type GaugeSource } from './gauge.js';
export { Histogram, type HistogramOptions } from './histogram.js';
export type { JsonForm, MetricOptions } from './json-form.js';
export { KeyedCounter, type KeyedCounterOptions } from './keyed-counter.js';
export { Meter, type MeterOptions, type MeterServletJSON, type MeterStatus } from './meter.js';
export type { Metric, MetricKind, MetricSet } from './metric.js';
export { prometheusName } from './names.js';
export {
  createOtelBridge,
  globalMeterProvider,
  type OtelAttributes,
  type OtelBatchResult,
  type OtelBridge,
  type OtelBridgeOptions,
  type OtelHistogram,
  type OtelInstrumentOptions,
  type OtelMeter,
  type OtelMeterProvider,
  type OtelObservable,
  type OtelObservableResult,
  otelName,
} from './otel.js';
export {
  escapeLabel as escapePrometheusLabel,
  OPENMETRICS_TYPE,
  PROMETHEUS_TEXT_TYPE,
  type PrometheusCheck,
  type PrometheusDocument,
  type PrometheusOptions,
  renderPrometheus,
  renderPrometheusForAccept,
  wantsOpenMetrics,
} from './prometheus.js';
export {
  MetricsRegistry,
  type MetricsRegistryOptions,
  type RegisteredMetric,
  type ServletDocument,
} from './registry.js';
export {
  type Classifier,
  defaultClassifier,
  RequestMetrics,
  type RequestMetricsOptions,
  type RequestOutcome,
  type RequestsStatus,
  type RequestTiming,
} from './requests.js';
export { type HistogramStats, QUANTILES, quantile } from './snapshot.js';
export { Timer, type TimerOptions, type TimerServletJSON, type TimerStatus } from './timer.js';
