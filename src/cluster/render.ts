/**
 * The cluster view as documents, in the status's own words: the full view for `?scope=cluster`, and
 * the short summary mounted in each instance's document (which the live feed and the dashboard
 * show). Pure functions of a view.
 */
import type { Level } from '../model/levels.js';
import type { DocumentStyle } from '../render/document.js';
import { ruleText } from './quorum.js';
import type { ClusterView, InstanceView } from './view.js';

/** `GET /status?scope=cluster`. Without details: the level, the service and the quorum counts. */
export function clusterDocument(view: ClusterView, style: DocumentStyle, details: boolean) {
  const { statusKey } = style.layout;
  const word = (level: Level) => style.vocabulary.component[level];
  const document: Record<string, unknown> = {
    [overallKey(style)]: style.vocabulary.overall[view.level],
    service: view.service,
  };
  if (view.reason !== undefined) document.reason = view.reason;
  document.quorum = quorumOf(view);
  if (!details) return document;
  document.instances = view.instances.map((instance) => instanceEntry(instance, statusKey, word));
  document.components = Object.fromEntries(
    view.components.map((component) => [
      component.path,
      {
        [statusKey]: word(component.level),
        failing: component.failing,
        failingOn: `${component.failing.length}/${component.reporting}`,
      },
    ]),
  );
  document.versions = view.versions;
  document.store = view.store;
  document.time = new Date(view.time).toISOString();
  return document;
}

/**
 * What each instance's own document carries at the mount path: levels, counts and versions only,
 * so it changes when the cluster does, not with every report's age or event-loop figure.
 */
export function clusterSummary(view: ClusterView, style: DocumentStyle): Record<string, unknown> {
  const { statusKey } = style.layout;
  const word = (level: Level) => style.vocabulary.component[level];
  const summary: Record<string, unknown> = { [statusKey]: word(view.level), service: view.service };
  if (view.reason !== undefined) summary.reason = view.reason;
  summary.quorum = quorumOf(view);
  summary.instances = view.instances.map(({ id, level, state, version }) => {
    const entry: Record<string, unknown> = { id, [statusKey]: word(level), state };
    if (version !== undefined) entry.version = version;
    return entry;
  });
  const failing = view.components.filter((c) => c.failing.length > 0);
  if (failing.length > 0)
    summary.failing = Object.fromEntries(failing.map((c) => [c.path, `${c.failing.length}/${c.reporting}`]));
  return summary;
}

function quorumOf(view: ClusterView) {
  if (!view.available) return { rule: ruleText(view.rule) };
  return { rule: ruleText(view.rule), required: view.required, up: view.up, total: view.total };
}

function instanceEntry(instance: InstanceView, statusKey: string, word: (level: Level) => string) {
  const entry: Record<string, unknown> = {
    id: instance.id,
    [statusKey]: word(instance.level),
    state: instance.state,
  };
  if (instance.version !== undefined) entry.version = instance.version;
  entry.startedAt = new Date(instance.startedAt).toISOString();
  if (instance.elu !== undefined) entry.eventLoopUtilization = Math.round(instance.elu * 1000) / 1000;
  entry.ageMs = instance.ageMs;
  if (instance.self) entry.self = true;
  return entry;
}

function overallKey(style: DocumentStyle): string {
  const key = style.layout.overallStatusKey;
  return key === false ? style.layout.statusKey : key;
}
