// How the app signs in and what RBAC lets it do, end to end: a cluster without Entra ID, admin
// credentials asked for where local accounts are disabled, and a ClusterRole missing a verb.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { bundledScenarioPath, loadScenario } from '../../local/aks/scenario';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { leaseHolder, nodeState, seedWith } from './support';

const RBAC_YAML = path.resolve(__dirname, '../../infra/k8s/rbac.yaml');

describe('authentication and RBAC', () => {
  let stack: Stack | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('non-entra.json: the app signs in with the user kubeconfig\'s client certificate and reboots each node that needs it once', async () => {
    // The system pool's two nodes are enough to show the sign-in (discovery, Lease, drain with a
    // PDB, run-command, recovery); the whole seed rollout took four times as long for nothing more.
    const scenario = loadScenario(bundledScenarioPath('non-entra'));
    scenario.rebootRequired = { pools: ['system'] };
    stack = await startStack({ scenario });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => [r.pool, r.outcome])).toEqual([['system', 'rebooted'], ['system', 'rebooted']]);
    const summary = stack.sim.recorder.summary();
    expect(summary.nodes.reboots.map((r) => [r.node.split('-')[1], r.rebootCount])).toEqual([['system', 1], ['system', 1], ['user', 0], ['user', 0], ['user', 0], ['user', 0]]);
    expect(summary.invariants.nodesLeftCordoned).toEqual([]);
    expect(summary.invariants.pdbViolations).toEqual([]);
    const kubeClients = new Set(stack.sim.recorder.requests().filter((r) => r.surface === 'kube').map((r) => r.client));
    // The app's requests carry the certificate's CN; run-command's kubectl runs as the local admin too.
    expect([...kubeClients].sort()).toEqual(['aks-control-plane', 'masterclient', 'run-command']);
    expect(summary.apiRequests.arm.byResource['managedClusters.listClusterUserCredentials']).toBe(1);
    expect(summary.apiRequests.arm.byResource['managedClusters.listClusterAdminCredentials']).toBeUndefined();
  }, 180_000);

  it('admin credentials asked for on a cluster with local accounts disabled: the run fails before touching a node, naming the cluster and the fix', async () => {
    stack = await startStack({
      scenario: seedWith((s) => { s.cluster.disableLocalAccounts = true; }),
      settings: { REBOOT_USE_ADMIN_CREDENTIALS: 'seed' },
    });
    const lock = await runScheduledRollout(stack);
    // The lock's first kube call (taking the Lease) fails once its retries are spent, before any node is touched.
    expect(lock.runtimeStatus).toBe('Failed');
    expect(String(lock.output)).toMatch(/cluster seed \(rg-shop-prod\/aks-shop-prod\) has local accounts disabled \(disableLocalAccounts\), so AKS refuses its admin credentials: leave seed out of REBOOT_USE_ADMIN_CREDENTIALS/);
    const summary = stack.sim.recorder.summary();
    expect(summary.apiRequests.arm.byResource['managedClusters.listClusterAdminCredentials']).toBeUndefined();
    expect(stack.sim.recorder.requests().filter((r) => r.surface === 'kube' && r.client !== 'aks-control-plane')).toEqual([]);
    expect(summary.nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
  }, 180_000);

  it('a ClusterRole without pods/eviction: the drain is refused with the apiserver\'s 403, the node is put back, the run halts naming the permission', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbac-'));
    const withoutEviction = fs.readFileSync(RBAC_YAML, 'utf8').replace(/ {2}- apiGroups: \[""\]\n {4}resources: \["pods\/eviction"\]\n {4}verbs: \["create"\]\n/, '');
    expect(withoutEviction).not.toContain('pods/eviction');
    const rbacFile = path.join(dir, 'rbac.yaml');
    fs.writeFileSync(rbacFile, withoutEviction);
    stack = await startStack({ scenario: seedWith((s) => { s.cluster.rbac = { enforce: true, files: ['infra/k8s/namespace.yaml', rbacFile] }; }) });
    const output = (await runScheduledRollout(stack)).output as RunOutput;
    expect(output.outcome).toBe('halted');
    const failed = output.results[0]!;
    expect(failed).toMatchObject({ outcome: 'failed', step: 'drain', leftCordoned: false });
    expect(failed.reason).toContain(`cannot create resource "pods/eviction" in API group "" in the namespace`);
    expect(failed.reason).toContain('grant it to the app\'s identity in infra/k8s/rbac.yaml');
    expect(nodeState(stack, failed.node)).toMatchObject({ unschedulable: false, inProgress: undefined });
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);
    expect(stack.sim.recorder.summary().nodes.reboots.every((r) => r.rebootCount === 0)).toBe(true);
    expect(leaseHolder(stack)).toBe('');
  }, 180_000);
});
