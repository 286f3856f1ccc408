import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file ready to serve: the bytes, their gzip form and a strong ETag, all computed once. */
export interface Asset {
  /** Path relative to the web root, with `/` separators (`vendor/uPlot.min.css`). */
  name: string;
  contentType: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Served types. Files of other types (licences, notes) ship with the package but are never served. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

export function makeAsset(name: string, body: Buffer, contentType: string): Asset {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return { name, contentType, body, gzip: gzipSync(body, { level: 9 }), etag: `"${digest}"` };
}

/**
 * Reads every servable file under `root` into memory. The set is fixed when the dashboard is
 * created: the lookup is a map from known names, so no request path ever reaches the file system
 * (path traversal has nothing to traverse).
 */
export function loadAssets(root: string, skip: ReadonlySet<string> = new Set()): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of walk(root)) {
    const name = relative(root, file).split(sep).join('/');
    const contentType = CONTENT_TYPES[extname(name).toLowerCase()];
    if (!contentType || skip.has(name)) continue;
    assets.set(name, makeAsset(name, readFileSync(file), contentType));
  }
  return assets;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/** A version string that changes whenever any asset changes: it names the immutable asset URLs. */
export function versionOf(assets: Iterable<Asset>): string {
  const hash = createHash('sha256');
  for (const asset of [...assets].sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(asset.name).update('\0').update(asset.etag);
  }
  return hash.digest('hex').slice(0, 12);
}

export interface BundleSize {
  files: number;
  /** Bytes as stored. */
  raw: number;
  /** Bytes sent to a browser that accepts gzip. */
  gzip: number;
}

export function bundleSizeOf(assets: Iterable<Asset>): BundleSize {
  const size: BundleSize = { files: 0, raw: 0, gzip: 0 };
  for (const asset of assets) {
    size.files++;
    size.raw += asset.body.length;
    size.gzip += asset.gzip.length;
  }
  return size;
}
