// What the simulated cluster looks like right now, for the progress view and the report: the
// nodes and whether they need a reboot, each workload's ready replicas and its PDB's
// desiredHealthy, and the pods a drain still has to move off a node.
import type { Cluster } from '../aks/cluster/cluster';
import { isActive } from '../aks/cluster/podState';
import type { Pod } from '../aks/cluster/types';
import type { NodeInfo } from './tracker';

export interface WorkloadInfo {
  namespace: string;
  name: string;
  kind: string;
}

export interface WorkloadReadiness extends WorkloadInfo {
  ready: number;
  desired: number;
}

export function nodeInfos(cluster: Cluster): NodeInfo[] {
  return cluster.nodeNames().map((name) => {
    const rt = cluster.nodeRuntime(name)!;
    return { name, pool: rt.pool, zone: rt.zone ?? '', queued: cluster.rebootRequired(name) };
  });
}

/** The scenario's workloads (Deployments, StatefulSets, DaemonSets), in scenario order. */
export function workloadInfos(cluster: Cluster): WorkloadInfo[] {
  return (cluster.scenario.workloads ?? []).map((w) => ({ namespace: w.namespace ?? 'default', name: w.name, kind: w.kind }));
}

export function readiness(cluster: Cluster, workloads: readonly WorkloadInfo[]): WorkloadReadiness[] {
  return workloads.map((w) => ({ ...w, ...cluster.workloadReadiness(w.namespace, w.name) }));
}

const isDaemonPod = (p: Pod): boolean => (p.metadata.ownerReferences ?? []).some((r) => r.kind === 'DaemonSet');

/** Pods a drain moves off the node that are still there (not DaemonSet pods, not our helper pods). */
export function podsToDrain(cluster: Cluster, node: string): number {
  return cluster.podsOnNode(node).filter((p) => !isDaemonPod(p) && p.spec.restartPolicy !== 'Never' && (isActive(p) || p.metadata.deletionTimestamp !== undefined)).length;
}

/** Ready pods the workload's PDB wants (its status.desiredHealthy), when it has one. */
export function desiredHealthy(cluster: Cluster, workload: WorkloadInfo): number | undefined {
  const pod = cluster.pods(workload.namespace, workload.name)[0];
  if (!pod) return undefined;
  const budgets = cluster.pdbsFor(pod).map((b) => b.status?.desiredHealthy).filter((n): n is number => typeof n === 'number');
  return budgets.length > 0 ? Math.max(...budgets) : undefined;
}
