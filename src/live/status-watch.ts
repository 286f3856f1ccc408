import type { Disclosure } from '../access/types.js';
import type { StatusHost } from '../host.js';
import type { DocumentStyle } from '../render/document.js';
import { renderDocument } from '../render/document.js';
import { type EnvelopeOptions, wrapInEnvelope } from '../render/envelope.js';
import type { Snapshot, SnapshotNode } from '../tree/snapshot.js';

/**
 * Watches the status tree for the live `status` topic: polls `status.snapshot()` while someone
 * listens, reports level changes, and renders the document once per tier per snapshot version.
 */
export class StatusWatch {
  private timer: NodeJS.Timeout | undefined;
  private signature: string | undefined;
  private renderedVersion = -1;
  private readonly rendered = new Map<string, string>();
  private readonly style: DocumentStyle;
  private readonly envelope: EnvelopeOptions | undefined;

  constructor(
    private readonly status: StatusHost,
    private readonly pollMs: number,
    private readonly onChange: (snapshot: Snapshot) => void,
    private readonly onError: (error: unknown) => void,
    /** Sees every snapshot polled (the history records transitions from them). */
    private readonly observe: (snapshot: Snapshot) => void = () => {},
  ) {
    this.style = status.style;
    this.envelope = status.envelope;
  }

  /** Polls while `active` is true; the timer is unref'ed so it never keeps a process alive. */
  setActive(active: boolean): void {
    if (active && !this.timer) {
      this.timer = setInterval(() => void this.poll().catch(this.onError), this.pollMs);
      this.timer.unref();
    } else if (!active && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.signature = undefined;
    }
  }

  /** The current snapshot; calls `onChange` when a level differs from the last poll. */
  async poll(): Promise<Snapshot> {
    const snapshot = await this.status.snapshot();
    this.observe(snapshot);
    const signature = levelSignature(snapshot);
    const changed = this.signature !== undefined && signature !== this.signature;
    this.signature = signature;
    if (changed) this.onChange(snapshot);
    return snapshot;
  }

  /** The document as `disclosure` may see it, serialized once per tier and snapshot version. */
  documentJson(snapshot: Snapshot, disclosure: Disclosure): string {
    if (snapshot.version !== this.renderedVersion) {
      this.rendered.clear();
      this.renderedVersion = snapshot.version;
    }
    let json = this.rendered.get(disclosure.key);
    if (json === undefined) {
      json = JSON.stringify(this.document(snapshot, disclosure));
      this.rendered.set(disclosure.key, json);
    }
    return json;
  }

  document(snapshot: Snapshot, disclosure: Disclosure): Record<string, unknown> {
    const view = { details: disclosure.details, messages: disclosure.details && disclosure.messages };
    const document = renderDocument(snapshot, this.style, view);
    return this.envelope ? wrapInEnvelope(document, snapshot.level, this.envelope) : document;
  }

  stop(): void {
    this.setActive(false);
  }
}

/** Every node's level in one string: cheap to build, equal exactly when no level changed. */
export function levelSignature(snapshot: Snapshot): string {
  const parts: string[] = [snapshot.level];
  const visit = (node: SnapshotNode) => {
    if (node.level !== undefined) parts.push(`${node.path.join('\u0000')}=${node.level}`);
    for (const child of node.children) visit(child);
  };
  visit(snapshot.root);
  return parts.join('\n');
}
