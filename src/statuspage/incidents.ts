/**
 * Incidents that follow the targets: a transition to critical opens one (unless one opened by a
 * transition is still open for that target), a recovery to ok resolves it. The decision is pure;
 * `followTransition` applies it to a source.
 */

import type { PublicTarget } from './options.js';
import type { Incident, NewIncident, NewUpdate, PageTransition, StatusPageSource } from './source.js';

export type IncidentAction =
  | { kind: 'open'; incident: NewIncident }
  | { kind: 'resolve'; id: number; update: NewUpdate }
  | { kind: 'none' };

export function incidentActions(
  open: readonly Incident[],
  transition: PageTransition,
  target: PublicTarget,
): IncidentAction[] {
  const mine = open.filter((incident) => incident.automatic && incident.targets.includes(target.id));
  if (transition.to === 'critical' && transition.from !== 'critical') {
    if (mine.length > 0) return [];
    return [
      {
        kind: 'open',
        incident: {
          title: `${target.name} is unavailable`,
          targets: [target.id],
          impact: 'major',
          status: 'investigating',
          message: target.message ?? `${target.name} is not working as expected. We are investigating.`,
          automatic: true,
          ...(transition.id === undefined ? {} : { transitionId: transition.id }),
          at: transition.time,
        },
      },
    ];
  }
  if (transition.to === 'ok') {
    // A recovery followed late (a fleet member catching up) never closes a later outage's incident.
    return mine
      .filter((incident) => incident.openedAt <= transition.time)
      .map((incident) => ({
        kind: 'resolve',
        id: incident.id,
        update: {
          status: 'resolved',
          message: `${target.name} has recovered.`,
          ...(transition.id === undefined ? {} : { transitionId: transition.id }),
          at: transition.time,
        },
      }));
  }
  return [];
}

/**
 * Applies the decision. Several fleet members may follow the same transition: the source writes an
 * action carrying a transition id once (a unique key), so the race costs nothing but a no-op.
 */
export async function followTransition(
  source: StatusPageSource,
  transition: PageTransition,
  target: PublicTarget,
): Promise<void> {
  const open = await source.incidents({ openOnly: true });
  for (const action of incidentActions(open, transition, target)) {
    if (action.kind === 'open') await source.openIncident(action.incident);
    else if (action.kind === 'resolve') await source.addUpdate(action.id, action.update);
  }
}
