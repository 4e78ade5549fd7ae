// Azure RBAC for Kubernetes authorization against the rules it follows: guard's data action per
// request (kubeguard/guard authz/providers/azure/rbac/checkaccessreqhelper.go), Azure RBAC's
// wildcards, notDataActions and scopes, and the built-in roles as "Azure built-in roles for
// Containers" lists them.
import { describe, expect, it } from 'vitest';
import { actionMatches, azureRbacAllows, azureRoleAssignmentErrors, BUILT_IN_ROLES, dataActionOf, type AzureRequest, type AzureRoleAssignment } from './azureRbac';

const MC = 'Microsoft.ContainerService/managedClusters';

describe('dataActionOf (guard\'s getDataActions for one resource request)', () => {
  it.each<[AzureRequest, string]>([
    [{ verb: 'get', group: '', resource: 'nodes' }, `${MC}/nodes/read`],
    [{ verb: 'list', group: '', resource: 'pods' }, `${MC}/pods/read`],
    [{ verb: 'watch', group: 'apps', resource: 'daemonsets', namespace: 'x' }, `${MC}/apps/daemonsets/read`],
    [{ verb: 'patch', group: '', resource: 'nodes' }, `${MC}/nodes/write`],
    [{ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'x' }, `${MC}/coordination.k8s.io/leases/write`],
    [{ verb: 'create', group: '', resource: 'events', namespace: 'default' }, `${MC}/events/write`],
    [{ verb: 'delete', group: '', resource: 'pods', namespace: 'x' }, `${MC}/pods/delete`],
    [{ verb: 'deletecollection', group: '', resource: 'pods', namespace: 'x' }, `${MC}/pods/delete`],
    // Subresources are dropped: an eviction is a write of pods, reading logs a read of pods…
    [{ verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: 'x' }, `${MC}/pods/write`],
    [{ verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'x' }, `${MC}/pods/read`],
    // …except exec, which has its own action.
    [{ verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'x' }, `${MC}/pods/exec/action`],
    [{ verb: 'impersonate', group: '', resource: 'users' }, `${MC}/users/impersonate/action`],
  ])('%j needs %s', (request, action) => {
    expect(dataActionOf(request)).toBe(action);
  });
});

describe('actionMatches (Azure RBAC wildcards)', () => {
  it.each<[string, string, boolean]>([
    [`${MC}/*`, `${MC}/apps/deployments/read`, true],
    [`${MC}/pods/*`, `${MC}/pods/exec/action`, true],
    [`${MC}/*/read`, `${MC}/policy/poddisruptionbudgets/read`, true],
    [`${MC}/*/read`, `${MC}/pods/write`, false],
    [`${MC}/pods/read`, `${MC}/pods/readx`, false],
    [`${MC}/pods/read`, `${MC}/podsXread`, false],
    // Operation names are case-insensitive (the docs spell both runCommand and runcommand).
    ['microsoft.containerservice/MANAGEDCLUSTERS/Pods/Read', `${MC}/pods/read`, true],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

const custom = (...dataActions: string[]): AzureRoleAssignment['role'] => ({ dataActions: dataActions.map((a) => `${MC}/${a}`) });

describe('azureRbacAllows', () => {
  const evict: AzureRequest = { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', namespace: 'shop' };
  const listNodes: AzureRequest = { verb: 'list', group: '', resource: 'nodes' };
  const podsEverywhere: AzureRequest = { verb: 'list', group: '', resource: 'pods' };

  it.each<[string, AzureRoleAssignment[], AzureRequest, boolean]>([
    ['a cluster assignment covers cluster-scoped requests', [{ role: custom('nodes/read'), scope: 'cluster' }], listNodes, true],
    ['…and every namespace', [{ role: custom('pods/write'), scope: 'cluster' }], evict, true],
    ['a namespace assignment covers its namespace', [{ role: custom('pods/write'), scope: 'namespaces/shop' }], evict, true],
    ['…not another one', [{ role: custom('pods/write'), scope: 'namespaces/other' }], evict, false],
    ['…nor cluster-scoped requests', [{ role: custom('nodes/read'), scope: 'namespaces/shop' }], listNodes, false],
    ['…nor a list across all namespaces', [{ role: custom('pods/read'), scope: 'namespaces/shop' }], podsEverywhere, false],
    ['a role without the data action allows nothing', [{ role: custom('pods/read'), scope: 'cluster' }], evict, false],
    ['assignments add up', [{ role: custom('pods/read'), scope: 'cluster' }, { role: custom('pods/write'), scope: 'namespaces/shop' }], evict, true],
    ['no assignment, no access', [], listNodes, false],
    ['Reader reads pods', [{ role: 'Azure Kubernetes Service RBAC Reader', scope: 'cluster' }], podsEverywhere, true],
    ['…but does not evict', [{ role: 'Azure Kubernetes Service RBAC Reader', scope: 'cluster' }], evict, false],
    ['…nor read nodes (not in its list)', [{ role: 'Azure Kubernetes Service RBAC Reader', scope: 'cluster' }], listNodes, false],
    ['Writer evicts (pods/*)', [{ role: 'Azure Kubernetes Service RBAC Writer', scope: 'namespaces/shop' }], evict, true],
    ['…but does not read nodes', [{ role: 'Azure Kubernetes Service RBAC Writer', scope: 'cluster' }], listNodes, false],
    ['Admin may do most things', [{ role: 'Azure Kubernetes Service RBAC Admin', scope: 'cluster' }], listNodes, true],
    ['…but its notDataActions take away namespace writes', [{ role: 'Azure Kubernetes Service RBAC Admin', scope: 'cluster' }], { verb: 'update', group: '', resource: 'namespaces' }, false],
    ['Cluster Admin may do anything', [{ role: 'Azure Kubernetes Service RBAC Cluster Admin', scope: 'cluster' }], { verb: 'update', group: '', resource: 'namespaces' }, true],
  ])('%s', (_what, assignments, request, expected) => {
    expect(azureRbacAllows(assignments, request)).toBe(expected);
  });

  it('holds the four built-in roles with the documented data actions', () => {
    expect(Object.keys(BUILT_IN_ROLES)).toEqual([
      'Azure Kubernetes Service RBAC Reader', 'Azure Kubernetes Service RBAC Writer', 'Azure Kubernetes Service RBAC Admin', 'Azure Kubernetes Service RBAC Cluster Admin',
    ]);
    expect(BUILT_IN_ROLES['Azure Kubernetes Service RBAC Reader']!.dataActions).toHaveLength(31);
    expect(BUILT_IN_ROLES['Azure Kubernetes Service RBAC Writer']!.dataActions).toHaveLength(35);
    expect(BUILT_IN_ROLES['Azure Kubernetes Service RBAC Reader']!.dataActions.some((a) => a.includes('secrets'))).toBe(false);
  });
});

describe('azureRoleAssignmentErrors', () => {
  it('names the field and the accepted form of each bad assignment', () => {
    expect(azureRoleAssignmentErrors([
      { role: 'Azure Kubernetes Service RBAC Viewer', scope: 'cluster' },
      { role: { dataActions: ['Microsoft.Storage/storageAccounts/read'] }, scope: 'namespaces/ok' },
      { role: 'Azure Kubernetes Service RBAC Reader', scope: 'namespace/shop' },
    ])).toEqual([
      expect.stringMatching(/^scenario\.cluster\.azureRoleAssignments\[0\]\.role: "Azure Kubernetes Service RBAC Viewer" is not a built-in role; use one of "Azure Kubernetes Service RBAC Reader", .* or \{ "dataActions": \[\.\.\.\] \}$/),
      'scenario.cluster.azureRoleAssignments[1].role: data action "Microsoft.Storage/storageAccounts/read" must start with "Microsoft.ContainerService/managedClusters/"',
      'scenario.cluster.azureRoleAssignments[2].scope: "namespace/shop" must be "cluster" or "namespaces/<namespace>"',
    ]);
    expect(azureRoleAssignmentErrors([{ role: 'Azure Kubernetes Service RBAC Reader', scope: 'cluster' }, { role: custom('pods/*'), scope: 'namespaces/aks-reboot-orchestrator' }])).toEqual([]);
  });
});
