/** The public status page of `statuskit watch --serve` (issue 22). */
export { renderBadge } from './badge.js';
export { type StatusPageConfig, statusPageField } from './config.js';
export { renderAtom, renderRss } from './feeds.js';
export { incidentActions } from './incidents.js';
export { API_VERSION, buildPageData, type PageData } from './model.js';
export { type MountedStatusPage, mountStatusPage, type StatusPageMountOptions } from './mount.js';
export { type PageOptions, resolvePageOptions } from './options.js';
export { StatusPage } from './page.js';
export { PgPageSource } from './pg-source.js';
export { statusPageRoute } from './routes.js';
export type * from './source.js';
export { SqlitePageSource } from './sqlite-source.js';
