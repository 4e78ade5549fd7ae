// On a cluster with Azure RBAC for Kubernetes authorization, the custom roles of
// infra/modules/clusterDataAccess.bicep grant the app what infra/k8s/rbac.yaml grants, as AKS's
// webhook names it, at the same scopes, and nothing else.
import { describe, expect, it } from 'vitest';
import { azureRbacAllows, type AzureRoleAssignment } from '../../local/aks/kube/azureRbac';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
import { readInfraFile } from './bicepText';
import { manifestDataActions, moduleDataActions } from './dataActions';
import { HELPER_NAMESPACE, NODE_EVENTS_NAMESPACE, PRODUCT_KUBE_REQUESTS, WORKLOAD_NAMESPACE } from './kubeRequests';
import type { KubeRequest } from './rbac';

const MAIN = readInfraFile('main.bicep');
const MODULE = readInfraFile('modules/clusterDataAccess.bicep');
const assignments: AzureRoleAssignment[] = Object.entries(moduleDataActions()).map(([scope, dataActions]) => ({ role: { dataActions }, scope }));

describe('the Kubernetes data-action roles (block kubernetes-data-actions)', () => {
  it('are the grants of infra/k8s/rbac.yaml, scope by scope, with nothing a cluster grant already holds', () => {
    const sorted = Object.fromEntries(Object.entries(moduleDataActions()).map(([scope, actions]) => [scope, [...actions].sort()]));
    expect(sorted).toEqual(manifestDataActions());
  });

  it('are assigned in the helper namespace and where node events go', () => {
    expect(Object.keys(moduleDataActions())).toEqual(['cluster', `namespaces/${HELPER_NAMESPACE}`, `namespaces/${NODE_EVENTS_NAMESPACE}`]);
  });

  it('allow every Kubernetes request of the product', () => {
    expect(PRODUCT_KUBE_REQUESTS.filter((r) => !azureRbacAllows(assignments, r))).toEqual([]);
  });

  it.each<[string, KubeRequest]>([
    ['deleting workload pods', { verb: 'delete', group: '', resource: 'pods', namespace: WORKLOAD_NAMESPACE }],
    ['exec into pods', { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: HELPER_NAMESPACE }],
    ['deleting nodes', { verb: 'delete', group: '', resource: 'nodes' }],
    ['reading secrets', { verb: 'get', group: '', resource: 'secrets', namespace: HELPER_NAMESPACE }],
    ['writing workloads', { verb: 'patch', group: 'apps', resource: 'deployments', namespace: WORKLOAD_NAMESPACE }],
    ['Leases outside the helper namespace', { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' }],
    ['events outside default', { verb: 'create', group: '', resource: 'events', namespace: HELPER_NAMESPACE }],
  ])('refuse %s', (_what, request) => {
    expect(azureRbacAllows(assignments, request)).toBe(false);
  });

  // What data actions cannot narrow (infra/README.md says so): an eviction is pods/write in the
  // pod's namespace, so the cluster role lets the identity create pods anywhere, and a Lease
  // cannot be restricted to its name.
  it.each<[string, KubeRequest]>([
    ['creating pods in a workload namespace', { verb: 'create', group: '', resource: 'pods', namespace: WORKLOAD_NAMESPACE }],
    ['updating another Lease of the helper namespace', { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: HELPER_NAMESPACE, name: 'other' }],
  ])('cannot refuse %s, as the manifests do', (_what, request) => {
    expect(azureRbacAllows(assignments, request)).toBe(true);
  });
});

describe('the bundled scenario local/aks/scenarios/azure-rbac.json', () => {
  it('grants the app exactly these roles at these scopes, and no Kubernetes binding', () => {
    const scenario = loadScenario(bundledScenarioPath('azure-rbac'));
    expect(scenario.cluster.enableAzureRBAC).toBe(true);
    expect(scenario.cluster.azureRoleAssignments).toEqual(assignments.map((a) => ({ scope: a.scope, role: a.role })));
    expect(scenario.cluster.rbac).toEqual({ enforce: true, files: ['infra/k8s/namespace.yaml'] });
  });
});

describe('clusterDataAccess.bicep in the deployment', () => {
  it('is deployed on exactly the clusters azureRbacClusters names, read as useAdminCredentials is', () => {
    expect(MAIN).toMatch(/^param azureRbacClusters string = 'false'$/m);
    expect(MAIN).toMatch(/^var azureRbacAliases = contains\(\['true', '1', 'false', '0'\], azureRbacSetting\) \? \[\] : filter\(map\(split\(azureRbacClusters, ','\), alias => trim\(alias\)\), alias => !empty\(alias\)\)$/m);
    expect(MAIN).toMatch(/^module clusterDataAccess 'modules\/clusterDataAccess\.bicep' = \[for \(resourceId, i\) in clusterResourceIds: if \(azureRbacForAll \|\| contains\(azureRbacAliases, clusterAliases\[i\]\)\) \{$/m);
  });

  it('creates its roles only without clusterDataRoleIds, and assigns the given ones otherwise', () => {
    expect(MAIN).toMatch(/^\s+existingRoleIds: filter\(map\(split\(clusterDataRoleIds, ','\), id => trim\(id\)\), id => !empty\(id\)\)$/m);
    expect(MODULE).toMatch(/^resource roles 'Microsoft\.Authorization\/roleDefinitions@[^']+' = \[for grant in grants: if \(empty\(existingRoleIds\)\) \{$/m);
    expect(MODULE).toMatch(/^var roleDefinitionIds = \[for \(grant, i\) in grants: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', empty\(existingRoleIds\) \? roles\[i\]\.name : existingRoleIds\[i\]\)\]$/m);
    const assigned = [...MODULE.matchAll(/^\s+roleDefinitionId: (.+)$/gm)].map((m) => m[1]);
    expect(assigned).toEqual(['roleDefinitionIds[0]', 'roleDefinitionIds[1]', 'roleDefinitionIds[2]']);
  });

  it('assigns each role at its scope: the cluster, then <cluster>/namespaces/<ns>, as a service principal', () => {
    expect(MODULE).toMatch(/resource clusterAssignment 'Microsoft\.Authorization\/roleAssignments@[^']+' = \{\n.*\n\s+scope: cluster\n/);
    expect(MODULE).toMatch(/name: '\$\{clusterName\}\/\$\{helperNamespace\}\/Microsoft\.Authorization\/\$\{guid\(/);
    expect(MODULE).toMatch(/name: '\$\{clusterName\}\/\$\{nodeEventsNamespace\}\/Microsoft\.Authorization\/\$\{guid\(/);
    expect(MODULE.match(/principalType: 'ServicePrincipal'/g)).toHaveLength(3);
  });
});
