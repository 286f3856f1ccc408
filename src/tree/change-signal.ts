/**
 * A source's promise to announce every change of what it reports. The evaluator subscribes to the
 * signals of the leaves it reads: while every leaf either announces its changes or says until when
 * its value holds, a document is answered without reading a single leaf (issue 17: the cost of a
 * request must not depend on the size of the tree).
 */
export interface ChangeSignal {
  /**
   * False while changes are not announced (a vitals sampler that is not running reads fresh
   * figures on every call): the evaluator then reads the leaf for every document.
   */
  readonly announcing: boolean;
  /** Calls `listener` after every change; returns its removal. */
  subscribe(listener: () => void): () => void;
}

/** The plain implementation: a set of listeners, told on `announce()`. */
export class Announcer implements ChangeSignal {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly isAnnouncing: () => boolean = () => true) {}

  get announcing(): boolean {
    return this.isAnnouncing();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  announce(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's failure must not keep the others from hearing of the change.
      }
    }
  }
}
