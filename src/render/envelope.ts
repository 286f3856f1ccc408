import type { Level } from '../model/levels.js';

/**
 * Seed 002's envelope: `{ success, message, data, metadata }`, and its error form
 * `{ success: false, message, code, status_code, suggestion }`.
 */
export interface EnvelopeOptions {
  /** Message of a successful answer; a function gets the overall level. */
  message?: string | ((level: Level) => string);
  /** Static metadata (`environment`, `datacenter`, ...). */
  metadata?: Record<string, unknown>;
  /** Suggestions in error envelopes, by error code; `default` for the rest. */
  suggestions?: Record<string, string>;
}

export interface ErrorInfo {
  status: number;
  /** Machine-readable code: `not_found`, `bad_request`, `internal_error`, `unauthorized`, ... */
  code: string;
  message: string;
}

const DEFAULT_SUGGESTIONS: Record<string, string> = {
  internal_error:
    'The API is experiencing temporary issues. Please try again in a few minutes or contact support if the problem persists.',
  not_found: 'Check the path; paths are dot paths (a.b[0]) or JSON pointers (/a/b/0).',
  bad_request: 'Check the query parameters.',
  unauthorized: 'Send valid credentials.',
  forbidden: 'Your credentials do not allow this.',
  rate_limited: 'Wait until the rate limit resets, then retry.',
};

export function wrapInEnvelope(
  data: unknown,
  level: Level,
  options: EnvelopeOptions,
): Record<string, unknown> {
  const message =
    typeof options.message === 'function'
      ? options.message(level)
      : (options.message ?? 'System status retrieved successfully');
  const out: Record<string, unknown> = { success: true, message, data };
  if (options.metadata) out.metadata = options.metadata;
  return out;
}

export function errorBody(error: ErrorInfo, envelope: EnvelopeOptions | undefined): Record<string, unknown> {
  if (!envelope) return { error: error.code, message: error.message };
  return {
    success: false,
    message: error.message,
    code: error.code,
    status_code: error.status,
    suggestion:
      envelope.suggestions?.[error.code] ??
      envelope.suggestions?.default ??
      DEFAULT_SUGGESTIONS[error.code] ??
      '',
  };
}
