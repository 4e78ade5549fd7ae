// Every Kubernetes API request the product can make, written by hand from adapters/kube,
// activities/ (which calls the DaemonSet list itself) and the run-command's kubectl. `call` is
// the @kubernetes/client-node method; rbac.test.ts greps the code for those methods, so a new
// call without an entry here fails the test. Namespaced calls made in whatever namespace a
// workload lives in use WORKLOAD_NAMESPACE.
import { DEFAULT_LEASE_NAME } from '../../adapters/kube';
import { settingDefaults } from '../../core/settings';
import type { KubeRequest } from './rbac';

/** REBOOT_NAMESPACE's default: the helper pods and the Lease. */
export const HELPER_NAMESPACE = settingDefaults().REBOOT_NAMESPACE!;
/** Node events are posted where the kubelet posts them (adapters/kube/events.ts). */
export const NODE_EVENTS_NAMESPACE = 'default';
/** Stands for any namespace holding workloads. */
export const WORKLOAD_NAMESPACE = 'shop';
/** Not a client-node method: kubectl inside the run-command pod creates the reboot helper. */
export const RUN_COMMAND_KUBECTL = 'kubectl create (run-command)';

export type ProductRequest = KubeRequest & { call: string };

const core = (call: string, verb: string, resource: string, extra: Partial<KubeRequest> = {}): ProductRequest => ({ call, verb, group: '', resource, ...extra });
const apps = (call: string, verb: string, resource: string, namespace?: string): ProductRequest =>
  ({ call, verb, group: 'apps', resource, ...(namespace !== undefined && { namespace }) });
const helper = { namespace: HELPER_NAMESPACE };
const WORKLOAD_KINDS = [['Deployment', 'deployments'], ['StatefulSet', 'statefulsets'], ['ReplicaSet', 'replicasets'], ['DaemonSet', 'daemonsets']] as const;
const workloads = { namespace: WORKLOAD_NAMESPACE };

export const PRODUCT_KUBE_REQUESTS: readonly ProductRequest[] = [
  // nodes.ts: list by pool, read, cordon/uncordon (merge patch), label/annotate/taint (replace).
  core('listNode', 'list', 'nodes'),
  core('readNode', 'get', 'nodes'),
  core('patchNode', 'patch', 'nodes'),
  core('replaceNode', 'update', 'nodes'),
  // pods.ts: pods on a node in every namespace; a workload's pods (clusterFacts) and the helper
  // pods by selector in one namespace; evictions wherever the pods are; helper pods.
  core('listPodForAllNamespaces', 'list', 'pods'),
  core('listNamespacedPod', 'list', 'pods', workloads),
  core('listNamespacedPod', 'list', 'pods', helper),
  core('createNamespacedPodEviction', 'create', 'pods', { subresource: 'eviction', ...workloads }),
  core('createNamespacedPod', 'create', 'pods', helper),
  core('readNamespacedPod', 'get', 'pods', helper),
  core('deleteNamespacedPod', 'delete', 'pods', helper),
  { call: RUN_COMMAND_KUBECTL, verb: 'create', group: '', resource: 'pods', ...helper },
  // workloads.ts: PDBs and workloads, listed in a namespace or everywhere, or read one by one.
  { call: 'listNamespacedPodDisruptionBudget', verb: 'list', group: 'policy', resource: 'poddisruptionbudgets', ...workloads },
  { call: 'listPodDisruptionBudgetForAllNamespaces', verb: 'list', group: 'policy', resource: 'poddisruptionbudgets' },
  ...WORKLOAD_KINDS.map(([kind, resource]) => apps(`readNamespaced${kind}`, 'get', resource, WORKLOAD_NAMESPACE)),
  // kured's lock: every DaemonSet's annotations.
  apps('listDaemonSetForAllNamespaces', 'list', 'daemonsets'),
  // events.ts: node events.
  core('createNamespacedEvent', 'create', 'events', { namespace: NODE_EVENTS_NAMESPACE }),
  // lease.ts: the cluster's Lease, by name.
  { call: 'readNamespacedLease', verb: 'get', group: 'coordination.k8s.io', resource: 'leases', name: DEFAULT_LEASE_NAME, ...helper },
  { call: 'createNamespacedLease', verb: 'create', group: 'coordination.k8s.io', resource: 'leases', ...helper },
  { call: 'replaceNamespacedLease', verb: 'update', group: 'coordination.k8s.io', resource: 'leases', name: DEFAULT_LEASE_NAME, ...helper },
];
