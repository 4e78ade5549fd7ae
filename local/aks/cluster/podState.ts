// Small facts about pods and nodes that several controllers agree on, as Kubernetes'
// own helpers (podutil.IsPodReady, controller.FilterActivePods) define them.
import type { Condition, Node, Pod, Taint, Toleration } from './types';

export function condition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isPodReady(pod: Pod): boolean {
  return condition(pod.status.conditions, 'Ready')?.status === 'True';
}

export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isFinished(pod: Pod): boolean {
  return pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
}

/** Counts towards a controller's replicas: not finished, not being deleted. */
export function isActive(pod: Pod): boolean {
  return !isFinished(pod) && !isTerminating(pod);
}

/** Ready and not being deleted: what PDBs and the recorder count as healthy. */
export function isHealthy(pod: Pod): boolean {
  return isActive(pod) && isPodReady(pod);
}

export function isNodeReady(node: Node): boolean {
  return condition(node.status.conditions, 'Ready')?.status === 'True';
}

export function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

export function ownerUid(pod: { metadata: { ownerReferences?: { uid: string; controller?: boolean }[] } }): string | undefined {
  const refs = pod.metadata.ownerReferences ?? [];
  return (refs.find((r) => r.controller) ?? refs[0])?.uid;
}

export function setCondition(conditions: Condition[], next: Condition, now: string): boolean {
  const cur = conditions.find((c) => c.type === next.type);
  if (cur && cur.status === next.status && cur.reason === next.reason && cur.message === next.message) return false;
  const changed: Condition = { ...next, lastTransitionTime: cur && cur.status === next.status ? cur.lastTransitionTime : now };
  if (cur) Object.assign(cur, changed);
  else conditions.push(changed);
  return true;
}
