/**
 * What a plug-in (rate limits, maintenance, the live feed, the dashboard, your own) may use of a
 * status. A `StatusKit` is one; plug-ins take this narrower type so that none of them reaches into
 * another's internals, and every addition can be taken back.
 */
import type { AccessControl } from './access/types.js';
import type { RequestContext } from './http/context.js';
import type { EndpointPaths, Middleware, Removal, Route } from './http/handler.js';
import type { ReadinessReview } from './http/probe-answers.js';
import type { StatusResponse } from './http/types.js';
import type { HttpCodeMap } from './model/http-codes.js';
import type { CheckFunction } from './model/result.js';
import type { Vocabulary } from './model/vocabulary.js';
import type { DocumentStyle } from './render/document.js';
import type { EnvelopeOptions, ErrorInfo } from './render/envelope.js';
import type { CheckOptions, CheckRunner } from './tree/check-runner.js';
import type { LevelOverride } from './tree/evaluate.js';
import type { NodeOptions } from './tree/nodes.js';
import type { Snapshot } from './tree/snapshot.js';

export type { LevelOverride, ReadinessReview };

export interface StatusHost {
  /** Where the status routes are served (`false`: turned off). */
  readonly paths: Readonly<EndpointPaths>;
  readonly httpCodes: HttpCodeMap;
  /** The status's access control, or undefined when every caller gets the configured disclosure. */
  readonly access: AccessControl | undefined;
  readonly vocabulary: Vocabulary;
  /** Words and layout of rendered documents. */
  readonly style: DocumentStyle;
  /** Seed 002's envelope, when configured. */
  readonly envelope: EnvelopeOptions | undefined;
  /** True once the status is shutting down (readiness answers 503 "shutting down"). */
  readonly isDraining: boolean;

  /** Wraps every request statuskit's adapters hand over; the first added is the outermost. */
  use(middleware: Middleware): Removal;
  /** A route answered before the status routes. */
  addRoute(route: Route): Removal;
  /** Reviews the readiness verdict drawn from the snapshot; returns its removal. */
  addReadinessReview(review: ReadinessReview): Removal;
  /** A per-request value at `path` of every status document (the rest stays cached). */
  decorate(path: string, read: (context: RequestContext) => unknown): Removal;
  /** A level override consulted for every node; the document is assembled anew. */
  addOverride(override: LevelOverride): Removal;
  /** Forces the next document to be assembled anew (inputs of an override changed). */
  invalidate(): void;
  /** An error answer in the status's format (its error envelope when configured). */
  error(info: ErrorInfo): StatusResponse;

  /** The current snapshot (the same one every door serves). */
  snapshot(): Promise<Snapshot>;
  value(path: string, value: unknown, options?: NodeOptions): unknown;
  /** A function read each time a document is assembled (return the same object while nothing changed). */
  provider(path: string, read: () => unknown, options?: NodeOptions): unknown;
  check(path: string, fn: CheckFunction, options?: CheckOptions & NodeOptions): CheckRunner;
  remove(path: string): boolean;
}
