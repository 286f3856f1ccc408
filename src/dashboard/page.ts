/**
 * Fills the page template (the configuration's mark is the JSON string `"%CONFIG%"`, so the
 * template stays valid HTML and JSON for linters): the title, the asset base URL and the page's configuration (a JSON
 * script tag the page reads at start). Pure string work, done once per dashboard.
 */
export interface PageConfig {
  /** Where the dashboard is mounted, without a trailing slash (`''` at the root). */
  prefix: string;
  /** Absolute path of the versioned assets, ending in `/`. */
  assets: string;
  /** WebSocket feed path (`/api/health/ws`); `false` when there is none. */
  feedPath: string | false;
  /** SSE stream path (`/status/stream`); `false` when there is none. */
  ssePath: string | false;
  /** The page's title; the service's identity in the document replaces it when `titleFromDocument`. */
  title: string;
  titleFromDocument?: boolean;
  /** History charts drawn, in order (the page's default set when absent). */
  charts?: string[];
  /** Which transport the page tries first. */
  transport: 'websocket' | 'sse';
  /** The service's words per level, so the page can colour them. */
  vocabulary?: { overall: Readonly<Record<string, string>>; component: Readonly<Record<string, string>> };
  /** Layout keys of the documents the feed sends. */
  statusKey?: string;
  messageKey?: string;
  overallStatusKey?: string | false;
  components?: 'object' | 'word';
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** JSON that cannot close its `<script>` element or open a comment, whatever strings it holds. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderPage(template: string, config: PageConfig): string {
  const missing = ['%TITLE%', '%ASSETS%', '"%CONFIG%"'].filter((mark) => !template.includes(mark));
  if (missing.length > 0) throw new Error(`dashboard template lacks ${missing.join(', ')}`);
  return (
    template
      // Replacer functions, so `$&` and friends in a title are not read as replacement patterns.
      .replaceAll('%TITLE%', () => escapeHtml(config.title))
      .replaceAll('%ASSETS%', () => escapeHtml(config.assets))
      .replace('"%CONFIG%"', () => scriptJson(config))
  );
}
