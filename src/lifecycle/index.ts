export type { DrainableServer } from './drain.js';
export { LIFECYCLE_STATES, Lifecycle, type LifecycleState, type LifecycleView } from './lifecycle.js';
export type { StartupOptions } from './startup.js';
