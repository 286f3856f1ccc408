import type { StatusHost } from '../host.js';
import { type NoticeFormat, noticeFor } from './notice.js';
import type { MaintenanceState } from './schedule.js';

/**
 * The notice as a value node of the tree: cached with the document like any value, and kept for
 * callers who see only the summary. Replaced only when its text changes.
 */
export class NoticeLeaf {
  private text = '';

  constructor(
    private readonly host: Pick<StatusHost, 'value' | 'remove'>,
    private readonly path: string,
    private readonly format: NoticeFormat,
  ) {}

  update(state: MaintenanceState): void {
    const notice = noticeFor(state, this.format);
    const text = notice ? JSON.stringify(notice) : '';
    if (text === this.text) return;
    if (this.text !== '') this.host.remove(this.path);
    this.text = text;
    if (notice) this.host.value(this.path, notice, { summary: true });
  }
}
