// Checks a manual request against the cluster itself: every named node exists in it and every
// named pool is one of its agent pools. Called by the HTTP API before it starts a run, so a
// typo is a 400 naming the field, not a run that finds nothing to do.
import type { FieldError } from '../core/manualRequest';
import type { ManualRequest } from '../core/runTypes';
import type { ClusterRef } from '../core/settings';
import { activityDependencies } from './deps';

export async function checkRequestTargets(cluster: ClusterRef, request: ManualRequest): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const deps = activityDependencies();
  if (request.pools?.length) {
    const pools = new Set((await deps.arm.forCluster(cluster).listAgentPools()).map((p) => p.name));
    request.pools.forEach((pool, i) => {
      if (!pools.has(pool)) errors.push({ field: `pools[${i}]`, message: `pools[${i}] "${pool}" is not a node pool of ${cluster.alias}; its pools are ${[...pools].sort().join(', ')}` });
    });
  }
  if (request.nodes?.length) {
    const kube = await deps.kube.forCluster(cluster);
    const nodes = new Set((await kube.listNodes()).map((n) => n.name));
    request.nodes.forEach((node, i) => {
      if (!nodes.has(node)) errors.push({ field: `nodes[${i}]`, message: `nodes[${i}] "${node}" is not a node of ${cluster.alias} (kubectl get nodes lists them)` });
    });
  }
  return errors;
}
