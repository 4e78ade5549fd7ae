// A cluster that authorizes with Azure RBAC for Kubernetes authorization
// (local/aks/scenarios/azure-rbac.json): no Kubernetes binding for the app, the data-action roles
// of infra/modules/clusterDataAccess.bicep instead. The app signs in as on any Entra cluster and
// completes; without its roles it stops before touching a node, naming the refused call and the fix.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { leaseHolder } from './support';

describe('Azure RBAC for Kubernetes authorization (azure-rbac.json)', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('with the roles of clusterDataAccess.bicep the run reboots every node once, and no request is refused', async () => {
    stack = await startStack({ scenario: bundledScenarioPath('azure-rbac') });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.map((r) => r.rebootCount)).toEqual([1, 1, 1]);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
    expect(summary.invariants.pdbViolations).toEqual([]);
    const app = stack.sim.recorder.requests().filter((r) => r.surface === 'kube' && r.client !== 'aks-control-plane');
    expect(app.filter((r) => r.status === 403)).toEqual([]);
    // Signed in as on any Entra cluster: the identity's token, with the user kubeconfig's server and CA.
    // run-command's kubectl presents the app's cluster token, so Azure RBAC authorizes what it creates too.
    expect([...new Set(app.map((r) => r.client))].sort()).toEqual(['product', 'run-command']);
    expect(app.some((r) => r.client === 'run-command' && r.verb === 'create' && r.resource === 'pods' && r.status === 201)).toBe(true);
    expect(summary.apiRequests.arm.byResource['managedClusters.listClusterUserCredentials']).toBe(1);
    expect(summary.apiRequests.arm.byResource['managedClusters.listClusterAdminCredentials']).toBeUndefined();
    // Evictions went through: pods/write on the cluster.
    expect(app.some((r) => r.subresource === 'eviction' && r.status === 201)).toBe(true);
  }, 60_000);

  it('without the helper namespace\'s role the run fails before touching a node, naming the refused call and the roles to grant', async () => {
    const scenario = loadScenario(bundledScenarioPath('azure-rbac'));
    scenario.cluster.azureRoleAssignments = scenario.cluster.azureRoleAssignments!.filter((a) => a.scope !== 'namespaces/aks-reboot-orchestrator');
    stack = await startStack({ scenario: loadScenario(scenario) });
    const lock = await runScheduledRollout(stack);
    expect(lock.runtimeStatus).toBe('Failed');
    expect(String(lock.output)).toMatch(/acquiring Lease aks-reboot-orchestrator\/aks-reboot-orchestrator .*HTTP 403 Forbidden .*cannot (get|create) resource "leases" in API group "coordination.k8s.io" in the namespace "aks-reboot-orchestrator": User does not have access to the resource in Azure\. Update role assignment to allow access\.\); the cluster authorizes with Azure RBAC: grant the app's identity the roles of infra\/modules\/clusterDataAccess\.bicep at their scopes \(infra\/README\.md#alternative-azure-rbac-for-kubernetes-authorization\)/);
    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
    expect(stack.sim.recorder.timeline().filter((e) => (e as { phase?: string }).phase === 'cordoned')).toEqual([]);
    expect(leaseHolder(stack)).toBe('');
  }, 60_000);
});
