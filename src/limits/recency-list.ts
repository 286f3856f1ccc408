/** The links a `RecencyList` threads through its entries. */
export interface Linked<T> {
  older: T | undefined;
  newer: T | undefined;
}

/**
 * A doubly linked list in order of use, threaded through the entries themselves: appending,
 * moving an entry to the recent end and removing one are O(1), and so is finding the least
 * recently used. (A Map re-inserted to keep that order would do, but finding its first live entry
 * walks over every entry deleted before it, which is O(n) once eviction runs from the front.)
 */
export class RecencyList<T extends Linked<T>> {
  private oldestEntry: T | undefined;
  private newestEntry: T | undefined;

  /** The least recently used entry. */
  get oldest(): T | undefined {
    return this.oldestEntry;
  }

  append(entry: T): void {
    entry.older = this.newestEntry;
    entry.newer = undefined;
    if (this.newestEntry) this.newestEntry.newer = entry;
    else this.oldestEntry = entry;
    this.newestEntry = entry;
  }

  remove(entry: T): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldestEntry = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newestEntry = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }

  /** Marks an entry as just used. */
  touch(entry: T): void {
    if (entry === this.newestEntry) return;
    this.remove(entry);
    this.append(entry);
  }

  clear(): void {
    this.oldestEntry = undefined;
    this.newestEntry = undefined;
  }
}
