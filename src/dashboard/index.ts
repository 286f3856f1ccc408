export { type Asset, type BundleSize, bundleSizeOf, loadAssets } from './assets.js';
export { createDashboard, type DashboardOptions, type DashboardRoute } from './dashboard.js';
export { type PageConfig, renderPage } from './page.js';
