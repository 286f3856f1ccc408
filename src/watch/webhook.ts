/**
 * Delivering a transition to a webhook: the body in its format (statuskit's event, or a chat
 * tool's message), POSTed through statuskit's HTTP client with retries.
 */
import { httpRequest } from '../client/http.js';
import { RequestError } from '../client/request-error.js';
import { discordMessage, slackMessage } from './chat-message.js';
import type { WebhookFormat, WebhookSpec } from './target.js';
import { eventBody, type TransitionEvent } from './transition-event.js';

export interface DeliveryOptions {
  /** One attempt is abandoned after this long. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** Wait before the first retry; doubles each time. */
  backoffMs: number;
}

export interface WebhookOutcome {
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

/** A receiver's answer is read and dropped: keep no more of it than this. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A webhook's body in its format: statuskit's event (`json`), or a chat tool's message. */
export function webhookBody(event: TransitionEvent, format: WebhookFormat = 'json'): Record<string, unknown> {
  if (format === 'slack') return slackMessage(event);
  if (format === 'discord') return discordMessage(event);
  return eventBody(event);
}

/**
 * POSTs the body as JSON. Retries network errors, timeouts, 429 and 5xx with doubling waits; any
 * other answer is final. `stop` cuts the waits short (shutdown). Never rejects.
 */
export async function postWebhook(
  spec: WebhookSpec,
  body: Record<string, unknown>,
  options: DeliveryOptions,
  stop?: AbortSignal,
): Promise<WebhookOutcome> {
  const text = JSON.stringify(body);
  let last: WebhookOutcome = { ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    if (attempt > 1 && !(await pause(options.backoffMs * 2 ** (attempt - 2), stop))) break;
    last = { attempts: attempt, ...(await attemptPost(spec, text, options.timeoutMs)) };
    if (last.ok || (last.status !== undefined && !retryable(last.status))) break;
  }
  return last;
}

async function attemptPost(
  spec: WebhookSpec,
  text: string,
  timeoutMs: number,
): Promise<Omit<WebhookOutcome, 'attempts'>> {
  try {
    const response = await httpRequest(spec.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'statuskit-watch', ...spec.headers },
      body: text,
      timeoutMs,
      maxBodyBytes: MAX_ANSWER_BYTES,
      overflow: 'truncate',
    });
    return { ok: response.status >= 200 && response.status < 300, status: response.status };
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    // The code alone (ECONNREFUSED) says it; the timeout says how long it waited.
    return { ok: false, error: error.code ?? error.message };
  }
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Resolves true after `ms`, false at once when `stop` is aborted. */
function pause(ms: number, stop?: AbortSignal): Promise<boolean> {
  if (stop?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onStop = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      stop?.removeEventListener('abort', onStop);
      resolve(true);
    }, ms);
    stop?.addEventListener('abort', onStop, { once: true });
  });
}
