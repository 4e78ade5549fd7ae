// The Eviction subresource as the apiserver implements it (registry/core/pod/storage/eviction.go):
// pods that are Pending, finished or already terminating are deleted without a budget check;
// several matching PDBs are a 500; a PDB whose status is stale or that allows no disruption
// answers 429 with a DisruptionBudget cause; otherwise the budget is decremented, the pod is
// recorded in disruptedPods and deleted gracefully.
import type { Cluster } from './cluster';
import { PDBS, PODS } from './resourceNames';
import { isPodReady, isTerminating } from './podState';
import type { Pod, PodDisruptionBudget } from './types';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field?: string }[]; retryAfterSeconds?: number };
  code: number;
}

export interface EvictionResult {
  status: number;
  body: StatusBody;
}

export interface EvictionRequest {
  namespace: string;
  name: string;
  deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] };
  dryRun?: boolean;
  client?: string;
}

export function statusBody(code: number, reason: string | undefined, message: string, details?: StatusBody['details']): StatusBody {
  return {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: code < 400 ? 'Success' : 'Failure',
    ...(message ? { message } : {}), ...(reason ? { reason } : {}), ...(details ? { details } : {}), code,
  };
}

function tooManyRequests(message: string, retryAfterSeconds: number, cause: string): EvictionResult {
  const details: StatusBody['details'] = { causes: [{ reason: 'DisruptionBudget', message: cause }] };
  if (retryAfterSeconds) details.retryAfterSeconds = retryAfterSeconds;
  return { status: 429, body: statusBody(429, 'TooManyRequests', message, details) };
}

const VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget.";

export function evictPod(cluster: Cluster, req: EvictionRequest): EvictionResult {
  return cluster.act(() => {
    const result = decide(cluster, req);
    const pod = cluster.store.get<Pod>(PODS, req.namespace, req.name);
    cluster.emit({ type: 'eviction', at: cluster.clock.now(), namespace: req.namespace, pod: req.name, node: pod?.spec.nodeName, client: req.client, status: result.status, pdb: result.pdb });
    return { status: result.status, body: result.body };
  });
}

function decide(cluster: Cluster, req: EvictionRequest): EvictionResult & { pdb?: string } {
  const pod = cluster.store.get<Pod>(PODS, req.namespace, req.name);
  if (!pod) return { status: 404, body: statusBody(404, 'NotFound', `pods "${req.name}" not found`, { name: req.name, kind: 'pods' }) };
  const dryRun = req.dryRun || (req.deleteOptions?.dryRun ?? []).includes('All');
  const del = (pdb?: string): EvictionResult & { pdb?: string } => {
    const r = cluster.deletePod(req.namespace, req.name, {
      gracePeriodSeconds: req.deleteOptions?.gracePeriodSeconds,
      preconditions: req.deleteOptions?.preconditions,
      dryRun,
      client: req.client,
      budgetChecked: true,
    });
    if (!r.ok) return { status: r.status, body: statusBody(r.status, r.reason, r.message, { name: req.name, kind: 'pods' }), pdb };
    return { status: 201, body: statusBody(201, undefined, '', undefined), pdb };
  };

  const phase = pod.status.phase;
  if (phase === 'Pending' || phase === 'Succeeded' || phase === 'Failed' || isTerminating(pod)) return del();

  const pdbs = cluster.pdbsFor(pod);
  if (pdbs.length > 1) {
    return { status: 500, body: statusBody(500, undefined, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.') };
  }
  if (pdbs.length === 0) return del();
  const pdb = pdbs[0]!;
  const st = pdb.status;
  const name = pdb.metadata.name;
  if (!st || (st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    return { ...tooManyRequests(VIOLATES, 10, `The disruption budget ${name} is still being processed by the server.`), pdb: name };
  }
  const unhealthyMayGo = !isPodReady(pod) && (
    pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (st.currentHealthy >= st.desiredHealthy && st.desiredHealthy > 0)
  );
  if (unhealthyMayGo) return del(name);
  if (st.disruptionsAllowed < 0) {
    return { status: 403, body: statusBody(403, 'Forbidden', `poddisruptionbudget.policy "${name}" is forbidden: pdb disruptions allowed is negative`, { name, group: 'policy', kind: 'poddisruptionbudget' }), pdb: name };
  }
  if (st.disruptionsAllowed === 0) {
    return { ...tooManyRequests(VIOLATES, 0, `The disruption budget ${name} needs ${st.desiredHealthy} healthy pods and has ${st.currentHealthy} currently`), pdb: name };
  }
  if (!dryRun) decrement(cluster, pdb, req.name);
  return del(name);
}

function decrement(cluster: Cluster, pdb: PodDisruptionBudget, pod: string): void {
  const st = pdb.status!;
  st.disruptionsAllowed--;
  st.disruptedPods = { ...(st.disruptedPods ?? {}), [pod]: cluster.iso() };
  if (st.disruptionsAllowed === 0) {
    st.conditions = [{ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', lastTransitionTime: cluster.iso(), observedGeneration: st.observedGeneration }];
  }
  cluster.store.touch(PDBS, pdb);
}
