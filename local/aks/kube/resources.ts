// The API resources the fake apiserver serves, as discovery lists them and routing finds them.
import { DEPLOY, DS, EVENTS, LEASES, NAMESPACES, NODES, PDBS, PODS, RS, STS } from '../cluster/resourceNames';

export interface SubresourceInfo {
  name: string;
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

export interface ResourceInfo {
  group: string;
  version: string;
  /** The plural, as in URLs. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** The store's table. */
  store: string;
  subresources: SubresourceInfo[];
  /** Fields a `fieldSelector` may name, beyond metadata.name and metadata.namespace. */
  fields: string[];
}

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const SCALE: SubresourceInfo = { name: 'scale', kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling', version: 'v1' };

export const RESOURCES: ResourceInfo[] = [
  { group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], store: NAMESPACES, subresources: [STATUS('Namespace')], fields: ['status.phase'] },
  { group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: ALL, store: NODES, subresources: [STATUS('Node')], fields: ['spec.unschedulable'] },
  {
    group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: ALL, store: PODS,
    subresources: [
      { name: 'eviction', kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      STATUS('Pod'),
    ],
    fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  },
  { group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], verbs: ALL, store: EVENTS, subresources: [], fields: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'] },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], verbs: ALL, store: DEPLOY, subresources: [SCALE, STATUS('Deployment')], fields: [] },
  { group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], verbs: ALL, store: RS, subresources: [SCALE, STATUS('ReplicaSet')], fields: ['status.replicas'] },
  { group: 'apps', version: 'v1', resource: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], verbs: ALL, store: STS, subresources: [SCALE, STATUS('StatefulSet')], fields: [] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], verbs: ALL, store: DS, subresources: [STATUS('DaemonSet')], fields: [] },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], verbs: ALL, store: PDBS, subresources: [STATUS('PodDisruptionBudget')], fields: [] },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, verbs: ALL, store: LEASES, subresources: [], fields: [] },
  { group: 'events.k8s.io', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], verbs: ALL, store: 'events.events.k8s.io', subresources: [], fields: ['regarding.kind', 'regarding.name', 'regarding.namespace', 'reason', 'type'] },
];

export const GROUPS: { name: string; versions: string[] }[] = [
  { name: 'apps', versions: ['v1'] },
  { name: 'events.k8s.io', versions: ['v1'] },
  { name: 'policy', versions: ['v1'] },
  { name: 'coordination.k8s.io', versions: ['v1'] },
];

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** `pods`, `deployments.apps`: how error messages name a resource. */
export function qualified(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}
