/**
 * Type-level tests, checked by `tsc --noEmit` (npm test's typecheck step): the check signatures
 * users write must compile, and the mistakes the compiler can see must not.
 */
import { type CheckFunction, createStatus } from '../../src/index.js';

const s = createStatus();
s.check('async-await', async ({ signal }) => {
  await new Promise((resolve) => setTimeout(resolve, 1, signal));
  return 'ok';
});
s.check('async-outcome', async () => {
  if (Math.random() > 0.5) return { level: 'warning', fields: { queue: 1 } };
  return 'ok';
});
s.check('sync-ternary', () => (Math.random() > 0.5 ? 'ok' : 'critical'), { timeout: '1s' });
s.check('sync-boolean', () => true);
s.check('sync-word', () => 'ok');
const typed: CheckFunction = async () => 'ok';
s.check('typed', typed);
// @ts-expect-error a sync return must be a level
s.check('typo', () => 'okay');
// @ts-expect-error an outcome's level must be a level
s.check('typo-object', async () => ({ level: 'okay' }));
