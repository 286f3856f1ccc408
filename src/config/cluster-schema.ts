/**
 * The `cluster:` section: this agent as one instance of a service, publishing its report to Redis
 * or NATS and serving the merged view (docs/cluster.md). Names are checked with the cluster's own
 * rule, so `config check` and `serve` agree.
 */
import { z } from 'zod';
import { NAME_PATTERN } from '../cluster/report.js';
import { duration, WHEN_FIELDS_VALID, WHOLE_MESSAGE } from './fields.js';

const name = z.string().refine((text) => NAME_PATTERN.test(text), {
  message: 'expected 1-128 letters, digits, ".", "_" or "-", starting with a letter or digit',
});

const servers = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const cluster = z
  .strictObject({
    /** One cluster view per service. Default: identity.serviceId, identity.name, else `statuskit`. */
    service: name.optional(),
    /** This instance's name. Default `<hostname>-<pid>`. */
    instance: name.optional(),
    redis: z
      .union([z.string().min(1), z.strictObject({ url: z.string().min(1), prefix: z.string().optional() })])
      .optional(),
    nats: z
      .union([servers, z.strictObject({ servers: servers.optional(), bucket: z.string().optional() })])
      .optional(),
    interval: duration.optional(),
    ttl: duration.optional(),
    forget: duration.optional(),
    timeout: duration.optional(),
    ok: z.union([z.enum(['all', 'majority']), z.number().int().positive()]).optional(),
    guard: z
      .union([
        z.boolean(),
        z.strictObject({
          percent: z.number().gt(0).max(100).optional(),
          minInstances: z.number().int().positive().optional(),
          components: z.array(z.string().min(1)).optional(),
        }),
      ])
      .optional(),
    mount: z.union([z.string().min(1), z.literal(false)]).optional(),
  })
  .superRefine((section, ctx) => {
    const stores = [section.redis, section.nats].filter((s) => s !== undefined).length;
    if (stores !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of `redis` or `nats`',
        params: WHOLE_MESSAGE,
      });
  }, WHEN_FIELDS_VALID)
  .meta({ description: 'This agent as one instance of a service: the cluster view and readiness guard' });
