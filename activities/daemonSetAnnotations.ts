// Every DaemonSet's annotations, cluster-wide and in pages: where kured keeps its reboot lock.
// (adapters/kube reads DaemonSets one by one or as rollout facts without annotations; this is
// the one list the kured-lock blocker needs.)
import type { DaemonSetAnnotationsFact } from '../core/blockers';
import type { KubeClient } from '../adapters/kube';
import { kubeCall } from '../adapters/kube/errors';
import { DEFAULT_PAGE_SIZE, listAllPages } from '../adapters/kube/paginate';

export async function listDaemonSetAnnotations(kube: KubeClient): Promise<DaemonSetAnnotationsFact[]> {
  const what = 'listing DaemonSets';
  const items = await listAllPages(what, (token) => kubeCall(what, () => kube.apis.apps.listDaemonSetForAllNamespaces({
    limit: DEFAULT_PAGE_SIZE,
    ...(token && { _continue: token }),
  })));
  return items.map((ds) => ({
    namespace: ds.metadata?.namespace ?? '',
    name: ds.metadata?.name ?? '',
    annotations: { ...(ds.metadata?.annotations ?? {}) },
  }));
}
