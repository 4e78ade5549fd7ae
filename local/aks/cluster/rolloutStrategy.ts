// The rolling update strategy of Deployments and StatefulSets as the apiserver defaults it and
// the controllers resolve it: a Deployment's maxUnavailable and maxSurge default to 25 %
// (pkg/apis/apps/v1/defaults.go), maxUnavailable rounds down and maxSurge up against the
// replicas, and both at 0 make maxUnavailable 1 (ResolveFenceposts in
// pkg/controller/deployment/util); a StatefulSet's maxUnavailable defaults to 1 and rounds up,
// never below 1 (getStatefulSetMaxUnavailable in pkg/controller/statefulset).
import { scaledValue } from './pdbStatus';
import type { Workload } from './types';

export const DEPLOYMENT_DEFAULT = { maxUnavailable: '25%', maxSurge: '25%' } as const;

interface RollingUpdate {
  maxUnavailable?: number | string;
  maxSurge?: number | string;
}

/** The object's spec.strategy (Deployment) or spec.updateStrategy (StatefulSet) rolling update. */
function rollingUpdateOf(w: Workload): RollingUpdate | undefined {
  const field = w.kind === 'StatefulSet' ? w.spec.updateStrategy : w.spec.strategy;
  return (field as { rollingUpdate?: RollingUpdate } | undefined)?.rollingUpdate;
}

/** How many of the workload's replicas a rolling update may take down at once (a Deployment that surges: maybe 0). */
export function resolvedMaxUnavailable(w: Workload): number {
  const replicas = w.spec.replicas ?? 1;
  const ru = rollingUpdateOf(w);
  if (w.kind === 'StatefulSet') return Math.max(1, scaledValue(ru?.maxUnavailable ?? 1, replicas, true));
  const unavailable = scaledValue(ru?.maxUnavailable ?? DEPLOYMENT_DEFAULT.maxUnavailable, replicas, false);
  const surge = scaledValue(ru?.maxSurge ?? DEPLOYMENT_DEFAULT.maxSurge, replicas, true);
  return unavailable === 0 && surge === 0 ? 1 : unavailable;
}
