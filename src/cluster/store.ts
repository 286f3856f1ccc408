import type { InstanceReport } from './report.js';
import type { StoredReport } from './view.js';

/**
 * Where the instances of a service meet: each publishes its report and reads everyone's. A store
 * judges ages by its own clock where it has one (Redis `TIME`), so skewed instance clocks do not
 * make anyone look missing.
 */
export interface ClusterStore {
  /** `redis`, `nats`: shown in the view. */
  readonly kind: string;
  /**
   * Publishes `report` (unless undefined: an observer) and returns the latest report of every
   * instance not yet forgotten, with its age. Rejects when the store cannot be reached in time.
   */
  exchange(report: InstanceReport | undefined): Promise<StoredReport[]>;
  /** Closes what the store opened itself (an app's own client stays open). */
  close(): Promise<void>;
}

/** What every store is told by the cluster it serves. */
export interface StoreSettings {
  service: string;
  /** An instance not heard from for this long is dropped from the view altogether. */
  forgetMs: number;
  /** An exchange that takes longer fails. */
  timeoutMs: number;
}
