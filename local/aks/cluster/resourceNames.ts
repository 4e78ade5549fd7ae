// The store's table names: the resource plural, with its API group when it has one.
export const PODS = 'pods';
export const NODES = 'nodes';
export const NAMESPACES = 'namespaces';
export const EVENTS = 'events';
export const PDBS = 'poddisruptionbudgets.policy';
export const LEASES = 'leases.coordination.k8s.io';
export const DEPLOY = 'deployments.apps';
export const RS = 'replicasets.apps';
export const STS = 'statefulsets.apps';
export const DS = 'daemonsets.apps';
