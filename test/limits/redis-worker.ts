// A separate limiter process for the shared-budget test: consumes `count` decisions for one
// subject from a Redis store and prints how many were allowed.
import { RateLimiter, redisStore } from '../../src/limits/index.js';

const [url, prefix, count] = process.argv.slice(2);
const store = await redisStore({ url, prefix });
for (let attempt = 0; ; attempt++) {
  try {
    await store.ping();
    break;
  } catch (error) {
    if (attempt > 40) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const limiter = new RateLimiter({ store, tiers: { anonymous: { limit: 10, window: '1h' } } });
let allowed = 0;
for (let i = 0; i < Number(count); i++) {
  const decision = await limiter.consume({ key: 'shared-caller', tier: 'anonymous' });
  if (decision.storeFailed) throw new Error('store failed');
  if (decision.allowed) allowed++;
}
process.stdout.write(JSON.stringify({ allowed }));
await limiter.close();
