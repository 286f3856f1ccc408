/**
 * The `/info` document: what is running (name, version, build) and since when. Spring's
 * `/actuator/info` with the runtime facts an operator asks first: which Node, started when, up how long.
 */
import type { BuildInfo } from './build-info.js';

/** When this process started (epoch ms), read once. */
const PROCESS_START = Date.now() - process.uptime() * 1000;

export function infoDocument(build: BuildInfo, now: number = Date.now()): Record<string, unknown> {
  const { name, version, commit, branch, buildTime, extra } = build;
  const document: Record<string, unknown> = {};
  if (name !== undefined) document.name = name;
  if (version !== undefined) document.version = version;
  const facts = { commit, branch, time: buildTime };
  const known = Object.entries(facts).filter(([, value]) => value !== undefined);
  if (known.length > 0) document.build = Object.fromEntries(known);
  document.node = process.version;
  document.startTime = new Date(PROCESS_START).toISOString();
  document.uptimeSeconds = Math.max(0, Math.floor((now - PROCESS_START) / 1000));
  // Extra fields come after and never replace a fact statuskit reports.
  for (const [key, value] of Object.entries(extra ?? {})) if (!(key in document)) document[key] = value;
  return document;
}
