// Nodes through the real @kubernetes/client-node against the simulator's apiserver: listing by
// pool, cordon and uncordon by merge patch, an operator's cordon reported as it is, and
// resourceVersion-guarded metadata changes that re-read on a conflict.

import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../adapters/kube';
import { rigPerTest, type Rig } from './simulatorRig';

const startRig = rigPerTest();

describe('kube nodes against the simulator', () => {
  it('lists nodes by agent pool with their zone, readiness and boot id', async () => {
    const rig = await startRig();
    const user = await rig.kube.listNodes('user');
    const system = await rig.kube.listNodes('system');
    expect(user).toHaveLength(4);
    expect(system).toHaveLength(2);
    expect(new Set(user.map((n) => n.pool))).toEqual(new Set(['user']));
    expect(user.every((n) => n.ready && !n.unschedulable && n.mode === 'user')).toBe(true);
    expect(new Set(user.map((n) => n.zone))).toEqual(new Set(['westeurope-1', 'westeurope-2', 'westeurope-3']));
    expect(new Set(user.map((n) => n.bootId)).size).toBe(4);
    expect(await rig.kube.listNodes()).toHaveLength(6);
    expect(await rig.kube.listNodes('nosuchpool')).toEqual([]);
    await expect(rig.kube.listNodes('user,kubernetes.io/os=linux')).rejects.toThrow(/agent pool name .* is not accepted/);
  });

  it('reads one node; a missing node is undefined', async () => {
    const rig = await startRig();
    const [first] = await rig.kube.listNodes('system');
    const node = await rig.kube.getNode(first!.name);
    expect(node).toMatchObject({ name: first!.name, pool: 'system', ready: true, bootId: first!.bootId, taints: [] });
    expect(node!.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    expect(await rig.kube.getNode('aks-user-00000000-vmss00000z')).toBeUndefined();
  });

  it('cordons and uncordons by merge patch; repeating either changes nothing', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const cordoned = await rig.kube.cordonNode(node!.name);
    expect(cordoned).toMatchObject({ outcome: 'changed', node: { unschedulable: true } });
    expect(await rig.kube.cordonNode(node!.name)).toMatchObject({ outcome: 'unchanged', node: { unschedulable: true } });
    expect((await rig.kube.getNode(node!.name))!.unschedulable).toBe(true);
    expect(await rig.kube.uncordonNode(node!.name)).toMatchObject({ outcome: 'changed', node: { unschedulable: false } });
    expect(await rig.kube.uncordonNode(node!.name)).toMatchObject({ outcome: 'unchanged' });
    expect(rig.sim.recorder.summary().apiRequests.kube.byVerbAndResource['patch nodes']).toBe(2);
    expect(await rig.kube.cordonNode('aks-user-00000000-vmss00000z')).toEqual({ outcome: 'missing' });
  });

  it("reports a node cordoned by an operator (kubectl) as unschedulable, and our cordon as no change", async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    // The operator's own request, with kubectl's token, outside our adapter.
    const operator = await fetchAsOperator(rig, `/api/v1/nodes/${node!.name}`, 'PATCH', { spec: { unschedulable: true } });
    expect(operator.status).toBe(200);
    const seen = (await rig.kube.listNodes('user')).find((n) => n.name === node!.name)!;
    expect(seen.unschedulable).toBe(true);
    expect(await rig.kube.cordonNode(node!.name)).toMatchObject({ outcome: 'unchanged' });
  });

  it('sets and removes labels, annotations and taints, keeping what others set', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const name = node!.name;
    expect(await rig.kube.annotateNode(name, { 'aks-reboot-orchestrator/in-progress': '{"runId":"r1"}' })).toMatchObject({ outcome: 'updated' });
    expect(await rig.kube.annotateNode(name, { 'aks-reboot-orchestrator/in-progress': '{"runId":"r1"}' })).toMatchObject({ outcome: 'unchanged' });
    await rig.kube.labelNode(name, { 'reboot.example/state': 'pending' });
    await rig.kube.taintNode(name, { key: 'aks-reboot-orchestrator/pending', effect: 'PreferNoSchedule' });
    let now: NodeInfo = (await rig.kube.getNode(name))!;
    expect(now.annotations['aks-reboot-orchestrator/in-progress']).toBe('{"runId":"r1"}');
    expect(now.annotations['node.alpha.kubernetes.io/ttl']).toBe('0');
    expect(now.labels['reboot.example/state']).toBe('pending');
    expect(now.labels['kubernetes.azure.com/agentpool']).toBe('user');
    expect(now.taints).toEqual([{ key: 'aks-reboot-orchestrator/pending', effect: 'PreferNoSchedule' }]);

    await rig.kube.annotateNode(name, { 'aks-reboot-orchestrator/in-progress': null });
    await rig.kube.labelNode(name, { 'reboot.example/state': null });
    await rig.kube.untaintNode(name, { key: 'aks-reboot-orchestrator/pending' });
    now = (await rig.kube.getNode(name))!;
    expect(now.annotations['aks-reboot-orchestrator/in-progress']).toBeUndefined();
    expect(now.labels['reboot.example/state']).toBeUndefined();
    expect(now.taints).toEqual([]);
  });

  it('re-reads and decides again when another writer changed the node in between (409)', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const name = node!.name;
    const seen: string[] = [];
    const result = await rig.kube.updateNode(name, (current) => {
      seen.push(current.annotations['other/writer'] ?? '-');
      return { annotations: { 'ours/marker': 'set' } };
    });
    expect(result.outcome).toBe('updated');

    // A racing writer: on our first read, someone else annotates the node before we write.
    let raced = false;
    const decisions: string[] = [];
    const raced409 = await rig.kube.updateNode(name, (current) => {
      decisions.push(current.annotations['other/writer'] ?? '-');
      if (!raced) {
        raced = true;
        return { annotations: { 'ours/lock': 'r1' }, ...racer(rig!, name) };
      }
      return current.annotations['other/writer'] === 'r2' ? undefined : { annotations: { 'ours/lock': 'r1' } };
    });
    // After the conflict we saw the other writer's mark and decided to back off.
    expect(decisions).toEqual(['-', 'r2']);
    expect(raced409).toMatchObject({ outcome: 'unchanged', node: { annotations: { 'other/writer': 'r2' } } });
    expect((await rig.kube.getNode(name))!.annotations['ours/lock']).toBeUndefined();
    expect(rig.sim.recorder.summary().apiRequests.kube.byStatus['409']).toBe(1);
  });

  it('refuses a malformed label or annotation before sending it, naming it', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    await expect(rig.kube.labelNode(node!.name, { 'bad key with spaces': 'x' })).rejects.toThrow(/label key "bad key with spaces" is not accepted/);
    await expect(rig.kube.labelNode(node!.name, { 'reboot.example/state': 'not a value' })).rejects.toThrow(/label value "not a value" .* is not accepted/);
    await expect(rig.kube.annotateNode(node!.name, { '/x': 'y' })).rejects.toThrow(/annotation key "\/x" is not accepted/);
    expect(rig.sim.recorder.summary().apiRequests.kube.byVerb['update']).toBeUndefined();
  });
});

/** Another writer (here the model itself, synchronously) annotates the node before our PUT. */
function racer(r: Rig, name: string): Record<string, never> {
  const stored = r.sim.cluster.store.get<{ metadata: { annotations?: Record<string, string> } } & Parameters<typeof r.sim.cluster.store.touch>[1]>('nodes', undefined, name)!;
  stored.metadata.annotations = { ...stored.metadata.annotations, 'other/writer': 'r2' };
  r.sim.cluster.store.touch('nodes', stored);
  return {};
}

/** A request from another client of the cluster (kubectl's token), outside our adapter. */
async function fetchAsOperator(r: Rig, path: string, method: string, body: unknown): Promise<{ status: number }> {
  const { Agent, request } = await import('undici');
  const kubeconfig = r.sim.kubeconfigYaml();
  const token = /token: (\S+)/.exec(kubeconfig)![1]!;
  const dispatcher = new Agent({ connect: { ca: r.sim.caPem } });
  try {
    const response = await request(`${r.sim.kubeEndpoint}${path}`, {
      method: method as 'PATCH',
      dispatcher,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify(body),
    });
    await response.body.dump();
    return { status: response.statusCode };
  } finally {
    await dispatcher.close();
  }
}
