/** The `otel:` section: the agent's metrics and check levels sent over OTLP/HTTP (docs/metrics.md). */
import { z } from 'zod';
import { duration } from './fields.js';

export const otel = z
  .strictObject({
    /** The collector's OTLP/HTTP metrics URL, e.g. http://127.0.0.1:4318/v1/metrics. */
    endpoint: z.url(),
    /** How often metrics are sent. Default 10 s. */
    interval: duration.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Resource attributes beside service.name, service.version and service.instance.id. */
    resource: z.record(z.string(), z.string()).optional(),
    /** Node runtime metrics (nodejs.eventloop.*, v8js.*). Default true. */
    runtime: z.boolean().optional(),
  })
  .meta({ description: 'Send metrics and check levels to an OpenTelemetry collector over OTLP/HTTP' });
