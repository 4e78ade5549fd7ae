// The disruption controller's arithmetic: a PodDisruptionBudget's status from the pods it
// selects and the scale of their controllers (pkg/controller/disruption).
import { isHealthy } from './podState';
import type { Condition, PdbStatus, Pod, PodDisruptionBudget } from './types';

/** The scale of a pod's controller (Deployment through its ReplicaSet, StatefulSet, ReplicaSet). */
export type ScaleOf = (pod: Pod) => { uid: string; replicas: number } | undefined;

export function scaledValue(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) {
    if (/^\d+$/.test(value)) return Number(value);
    throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(value)}: expected an integer or a percentage like "25%"`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface PdbInputs {
  pdb: PodDisruptionBudget;
  /** Pods the PDB's selector matches, in its namespace. */
  pods: Pod[];
  scaleOf: ScaleOf;
  now: string;
  /** A fault: this budget never allows a disruption. */
  neverAllows?: boolean;
}

export function computePdbStatus(input: PdbInputs): PdbStatus {
  const { pdb, pods, scaleOf, now } = input;
  const spec = pdb.spec;
  const disrupted = pdb.status?.disruptedPods ?? {};
  const currentHealthy = pods.filter((p) => isHealthy(p) && !(p.metadata.name in disrupted)).length;
  let expectedPods = 0;
  let desiredHealthy: number;
  let failure: string | undefined;
  const needsScale = spec.maxUnavailable !== undefined || typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%');
  if (!needsScale) {
    expectedPods = pods.length;
    desiredHealthy = spec.minAvailable === undefined ? 1 : scaledValue(spec.minAvailable, 0, true);
  } else {
    const controllers = new Map<string, number>();
    for (const p of pods) {
      const scale = scaleOf(p);
      if (!scale) {
        failure = `found no controllers for pod ${JSON.stringify(p.metadata.name)}`;
        break;
      }
      controllers.set(scale.uid, scale.replicas);
    }
    for (const r of controllers.values()) expectedPods += r;
    if (spec.maxUnavailable !== undefined) {
      desiredHealthy = Math.max(0, expectedPods - scaledValue(spec.maxUnavailable, expectedPods, true));
    } else {
      desiredHealthy = scaledValue(spec.minAvailable!, expectedPods, true);
    }
  }
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (failure || input.neverAllows || expectedPods <= 0 || disruptionsAllowed < 0) disruptionsAllowed = 0;
  const condition: Condition = failure
    ? { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: failure }
    : disruptionsAllowed > 0
      ? { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' }
      : { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' };
  const prev = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  condition.lastTransitionTime = prev && prev.status === condition.status ? prev.lastTransitionTime : now;
  condition.observedGeneration = pdb.metadata.generation ?? 1;
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    conditions: [condition],
  };
}
