import type { Principal } from '../access/types.js';
import type { StatusResponse } from '../http/types.js';
import { refusal, retryAfterSeconds } from '../limits/headers.js';
import type { RateDecision, RateLimiter } from '../limits/limiter.js';
import type { EnvelopeOptions } from '../render/envelope.js';
import { LiveError } from './protocol.js';

/**
 * The caller's rate limit, spent by the feed as by `/status`: the same limiter, the same bucket
 * (the principal's id once authenticated, else the address). A connect costs one unit, and so does
 * every WebSocket command; pushes cost nothing (the caller asked for them once).
 */
export class CallerLimit {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly envelope: EnvelopeOptions | undefined,
  ) {}

  spend(
    remoteAddress: string | undefined,
    principal: Pick<Principal, 'id' | 'tier'> | undefined,
  ): RateDecision | Promise<RateDecision> {
    return this.limiter.consume(this.limiter.subjectOf({ remoteAddress }, principal));
  }

  /** A refused connect: 429 with Retry-After, the RateLimit headers and a JSON body, as `/status` answers. */
  response(decision: RateDecision): StatusResponse {
    return refusal(decision, this.envelope);
  }

  /** A refused command: an error reply, the connection stays. */
  commandError(decision: RateDecision): LiveError {
    const seconds = retryAfterSeconds(decision);
    if (decision.storeFailed)
      return new LiveError(
        'rate_limit_unavailable',
        `rate limiting is unavailable; retry in ${seconds} s`,
        seconds,
      );
    return new LiveError('rate_limited', `rate limit exceeded; retry in ${seconds} s`, seconds);
  }
}
