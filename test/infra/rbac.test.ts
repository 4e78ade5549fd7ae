// The Kubernetes RBAC of infra/k8s allows every request the product makes and nothing more.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_NAME } from '../../adapters/kube';
import { HELPER_NAMESPACE, NODE_EVENTS_NAMESPACE, PRODUCT_KUBE_REQUESTS, RUN_COMMAND_KUBECTL, WORKLOAD_NAMESPACE } from './kubeRequests';
import { GROUP_OF_RESOURCE, IDENTITY_PLACEHOLDER, checkClusterRoleCovers, grantsFor, kubeRequestsFromLog, readManifests, type KubeRequest } from './rbac';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCT_DIRS = ['adapters/kube', 'activities'];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const relative = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(relative);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [relative] : [];
  });
}

/** Every client-node API method the product code calls: `<apis>.core|apps|policy|coordination.<method>(`. */
function clientNodeCalls(): string[] {
  const calls = PRODUCT_DIRS.flatMap(tsFiles).flatMap((f) =>
    [...fs.readFileSync(path.join(ROOT, f), 'utf8').matchAll(/\.(?:core|apps|policy|coordination)\.(\w+)\(/g)].map((m) => m[1]!));
  return [...new Set(calls)].sort();
}

const MANIFESTS = readManifests();

describe('the hand-written request list (test/infra/kubeRequests.ts)', () => {
  it('names exactly the client-node methods that adapters/kube and activities call', () => {
    const listed = [...new Set(PRODUCT_KUBE_REQUESTS.map((r) => r.call).filter((c) => c !== RUN_COMMAND_KUBECTL))].sort();
    expect(clientNodeCalls()).toEqual(listed);
  });

  it('posts node events where adapters/kube/events.ts posts them', () => {
    expect(fs.readFileSync(path.join(ROOT, 'adapters/kube/events.ts'), 'utf8')).toContain(`NODE_EVENTS_NAMESPACE = '${NODE_EVENTS_NAMESPACE}'`);
  });

  it('knows the API group of every resource it touches', () => {
    expect(PRODUCT_KUBE_REQUESTS.filter((r) => GROUP_OF_RESOURCE[r.resource] !== r.group)).toEqual([]);
  });
});

describe('infra/k8s RBAC', () => {
  it('allows every request of the product and grants nothing they do not use', () => {
    expect(checkClusterRoleCovers(PRODUCT_KUBE_REQUESTS)).toEqual({ missing: [], unused: [] });
  });

  it.each<[string, KubeRequest]>([
    ['creating pods outside the helper namespace', { verb: 'create', group: '', resource: 'pods', namespace: WORKLOAD_NAMESPACE }],
    ['deleting workload pods (drains evict)', { verb: 'delete', group: '', resource: 'pods', namespace: WORKLOAD_NAMESPACE }],
    ['reading pods one by one outside the helper namespace', { verb: 'get', group: '', resource: 'pods', namespace: WORKLOAD_NAMESPACE }],
    ['exec into pods', { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: HELPER_NAMESPACE }],
    ['deleting nodes', { verb: 'delete', group: '', resource: 'nodes' }],
    ['reading secrets', { verb: 'get', group: '', resource: 'secrets', namespace: HELPER_NAMESPACE }],
    ['writing workloads', { verb: 'patch', group: 'apps', resource: 'deployments', namespace: WORKLOAD_NAMESPACE }],
    ['updating another Lease', { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: HELPER_NAMESPACE, name: 'kube-scheduler' }],
    ['Leases outside the helper namespace', { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system', name: DEFAULT_LEASE_NAME }],
    ['events outside default', { verb: 'create', group: '', resource: 'events', namespace: HELPER_NAMESPACE }],
    ['helper pods across all namespaces', { verb: 'create', group: '', resource: 'pods' }],
  ])('refuses %s', (_what, request) => {
    expect(checkClusterRoleCovers([request]).missing).toEqual([request]);
  });

  it('reports a granted verb that no request used', () => {
    const withoutUpdate = PRODUCT_KUBE_REQUESTS.filter((r) => !(r.resource === 'nodes' && r.verb === 'update'));
    expect(checkClusterRoleCovers(withoutUpdate).unused).toEqual([
      { source: 'ClusterRoleBinding/aks-reboot-orchestrator → ClusterRole/aks-reboot-orchestrator', group: '', resource: 'nodes', verb: 'update' },
    ]);
  });

  it('binds only the identity placeholder, as a User, in every binding', () => {
    const bindings = MANIFESTS.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding');
    expect(bindings.length).toBeGreaterThan(0);
    for (const b of bindings) expect(b.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: IDENTITY_PLACEHOLDER }]);
    expect(grantsFor(MANIFESTS, 'someone-else')).toEqual([]);
  });

  it('puts the Lease name and the helper namespace where the code expects them', () => {
    const roles = MANIFESTS.filter((o) => o.kind === 'Role' && o.metadata?.namespace === HELPER_NAMESPACE);
    expect(roles.flatMap((r) => r.rules ?? []).flatMap((rule) => rule.resourceNames ?? [])).toEqual([DEFAULT_LEASE_NAME]);
  });
});

describe('the helper namespace (infra/k8s/namespace.yaml)', () => {
  const namespace = MANIFESTS.find((o) => o.kind === 'Namespace') as { metadata: { name: string; labels: Record<string, string> } };

  it('is REBOOT_NAMESPACE default, under Pod Security privileged (hostPID, privileged, hostPath)', () => {
    expect(namespace.metadata.name).toBe(HELPER_NAMESPACE);
    for (const mode of ['enforce', 'audit', 'warn']) expect(namespace.metadata.labels[`pod-security.kubernetes.io/${mode}`]).toBe('privileged');
  });

  it('holds every namespaced manifest but the node-events Role', () => {
    const elsewhere = MANIFESTS.filter((o) => o.metadata?.namespace !== undefined && o.metadata.namespace !== HELPER_NAMESPACE);
    expect(elsewhere.map((o) => `${o.kind}/${o.metadata?.namespace}/${o.metadata?.name}`)).toEqual([
      `Role/${NODE_EVENTS_NAMESPACE}/aks-reboot-orchestrator-node-events`,
      `RoleBinding/${NODE_EVENTS_NAMESPACE}/aks-reboot-orchestrator-node-events`,
    ]);
  });
});

describe('kubeRequestsFromLog', () => {
  it('keeps the identity\'s resource requests, with their API group, and names unknown resources', () => {
    const log = [
      { surface: 'kube', verb: 'get', resource: 'apis', client: 'kubectl' },
      { surface: 'kube', verb: 'create', resource: 'pods', namespace: HELPER_NAMESPACE, client: 'kubectl' },
      { surface: 'kube', verb: 'create', resource: 'pods', namespace: 'aks-command', client: 'aks-control-plane' },
      { surface: 'kube', verb: 'create', resource: 'pods', subresource: 'eviction', namespace: WORKLOAD_NAMESPACE, client: 'app' },
      { surface: 'kube', verb: 'list', resource: 'secrets', namespace: WORKLOAD_NAMESPACE, client: 'app' },
      { surface: 'arm', verb: 'POST', resource: 'managedClusters.runCommand', client: 'app' },
    ];
    expect(kubeRequestsFromLog(log)).toEqual({
      requests: [
        { verb: 'create', group: '', resource: 'pods', namespace: HELPER_NAMESPACE },
        { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: WORKLOAD_NAMESPACE },
      ],
      unknown: ['secrets'],
    });
  });
});
