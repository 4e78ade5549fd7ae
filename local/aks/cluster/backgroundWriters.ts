// Other writers of Node objects (on AKS: the cloud node manager, node-problem-detector, the TTL
// controller's `node.alpha.kubernetes.io/ttl` annotation, CSI drivers…). With
// faults.nodeWriteConflicts one of them changes the node just before a write that carries a
// resourceVersion, so that write meets the apiserver's optimistic concurrency: 409 Conflict
// (Kubernetes API conventions, "Concurrency Control and Consistency"; a patch without a
// resourceVersion is applied to the latest object and never conflicts).
import type { Cluster } from './cluster';
import { NODES } from './resourceNames';
import type { Node } from './types';

/** The annotation the background writer bumps: tests check that no one's write lost it. */
export const BACKGROUND_WRITES = 'simulator.aks.local/background-writes';

/** Whether a request body states a resourceVersion (a PUT's metadata, or a patch's precondition). */
export function carriesResourceVersion(body: Buffer): boolean {
  return /"resourceVersion"\s*:\s*"[^"]+"/.test(body.toString('utf8')) || /"path"\s*:\s*"\/metadata\/resourceVersion"/.test(body.toString('utf8'));
}

/** Maybe lets a background writer change the node first (the fault's rate decides). */
export function maybeWriteBefore(cluster: Cluster, node: string): void {
  if (!cluster.faults.nodeWriteConflict()) return;
  cluster.act(() => {
    const n = cluster.store.get<Node>(NODES, undefined, node);
    if (!n) return;
    const annotations = (n.metadata.annotations ??= {});
    const count = (cluster.backgroundWrites.get(node) ?? 0) + 1;
    cluster.backgroundWrites.set(node, count);
    annotations[BACKGROUND_WRITES] = String(count);
    cluster.store.touch(NODES, n);
  });
}
