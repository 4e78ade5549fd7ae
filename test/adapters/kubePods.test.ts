// Pods, evictions, helper pods, workloads and events through the real client against the
// simulator's apiserver: lists in pages, a PDB's 429 as `blocked`, 404 and uid mismatches as
// `gone`, AlreadyExists as a value, and the apiserver's other refusals as KubeApiError.

import { describe, expect, it } from 'vitest';
import { buildCheckPod, checkPodName } from '../../core/helperPods';
import { KubeApiError, type PodFacts } from '../../adapters/kube';
import { HELPER_NAMESPACE, rigPerTest, seedScenario, type Rig } from './simulatorRig';

const RUN_ID = '20260105T020000Z-ab12';
const IMAGE = 'mcr.microsoft.com/azurelinux/busybox:1.36';

const startRig = rigPerTest();

const listRequests = (r: Rig) => r.sim.recorder.summary().apiRequests.kube.byVerbAndResource['list pods'] ?? 0;
const javaPods = async (r: Rig): Promise<PodFacts[]> => (await r.kube.listPods({ namespace: 'shop', labelSelector: 'app=java-app' })).sort((a, b) => a.nodeName.localeCompare(b.nodeName));

describe('kube pods against the simulator', () => {
  it('dry-runs a create (dryRun=All): admitted creates nothing; an admission refusal is a value with the 403 message', async () => {
    const open = await startRig();
    const [node] = await open.kube.listNodes('user');
    const manifest = buildCheckPod({ namespace: HELPER_NAMESPACE, image: IMAGE, node: node!.name, runId: RUN_ID, sentinel: '/var/run/reboot-required' });
    expect(await open.kube.dryRunCreatePod(manifest)).toEqual({ admitted: true });
    expect(await open.kube.readHelperPod(HELPER_NAMESPACE, manifest.metadata.name)).toBeUndefined();

    const hardened = seedScenario();
    hardened.cluster.admission = { policies: [{ name: 'no-host-path', deny: ['hostPath'] }] };
    const refused = await (await startRig(hardened)).kube.dryRunCreatePod(manifest);
    expect(refused).toEqual({ admitted: false, status: 403, message: 'admission webhook "validation.gatekeeper.sh" denied the request: [no-host-path] HostPath volume is not allowed: sentinel' });
  });


  it('lists the pods of a node in pages of the given size, all of them once', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const whole = await rig.kube.listPodsOnNode(node!.name);
    expect(whole.map((p) => `${p.namespace}/${p.ownerReferences[0]!.kind}/${p.labels['app']}`).sort()).toEqual(['kube-system/DaemonSet/node-agent', 'shop/ReplicaSet/java-app']);
    expect(whole.every((p) => p.nodeName === node!.name)).toBe(true);

    const before = listRequests(rig);
    const paged = await rig.kube.listPodsOnNode(node!.name, 1);
    expect(listRequests(rig) - before).toBe(2);
    expect(paged.map((p) => p.uid).sort()).toEqual(whole.map((p) => p.uid).sort());

    const everywhere = await rig.kube.listPods({ pageSize: 3 });
    expect(everywhere.length).toBeGreaterThanOrEqual(12);
    expect(new Set(everywhere.map((p) => p.uid)).size).toBe(everywhere.length);
  });

  it('evicts a pod; the next one of the same PDB is blocked with the budget message', async () => {
    const rig = await startRig();
    const [first, second] = await javaPods(rig);
    expect(await rig.kube.evictPod({ namespace: 'shop', name: first!.name, uid: first!.uid })).toEqual({ outcome: 'evicted' });
    const blocked = await rig.kube.evictPod({ namespace: 'shop', name: second!.name, uid: second!.uid });
    expect(blocked.outcome).toBe('blocked');
    expect(blocked.outcome === 'blocked' && blocked.message).toMatch(/disruption budget/i);
    expect(blocked.outcome === 'blocked' && blocked.message).toContain('java-app-pdb');
    // The blocked pod is untouched.
    expect((await rig.kube.listPodsOnNode(second!.nodeName)).some((p) => p.uid === second!.uid && !p.deletionTimestamp)).toBe(true);
  });

  it('reports an eviction of a missing pod, or of a same-named successor, as gone', async () => {
    const rig = await startRig();
    expect(await rig.kube.evictPod({ namespace: 'shop', name: 'java-app-none-xxxxx' })).toEqual({ outcome: 'gone' });
    const [pod] = await javaPods(rig);
    expect(await rig.kube.evictPod({ namespace: 'shop', name: pod!.name, uid: '00000000-0000-4000-8000-00000000dead' })).toEqual({ outcome: 'gone' });
    expect((await javaPods(rig)).find((p) => p.uid === pod!.uid)?.deletionTimestamp).toBeUndefined();
  });

  it('deletes a pod once; a second delete is gone', async () => {
    const rig = await startRig();
    const [pod] = await javaPods(rig);
    expect(await rig.kube.deletePod({ namespace: 'shop', name: pod!.name }, { gracePeriodSeconds: 0 })).toEqual({ outcome: 'deleted' });
    expect(await rig.kube.deletePod({ namespace: 'shop', name: pod!.name, uid: pod!.uid })).toEqual({ outcome: 'gone' });
  });

  it('creates a helper pod once: the second create is AlreadyExists as a value; it runs, is read, listed and deleted', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const manifest = buildCheckPod({ namespace: HELPER_NAMESPACE, image: IMAGE, node: node!.name, runId: RUN_ID, sentinel: '/var/run/reboot-required' });
    const name = checkPodName(node!.name, RUN_ID);
    const created = await rig.kube.createHelperPod(manifest);
    expect(created).toMatchObject({ outcome: 'created', pod: { name, namespace: HELPER_NAMESPACE, nodeName: node!.name } });
    const again = await rig.kube.createHelperPod(manifest);
    expect(again).toMatchObject({ outcome: 'exists', pod: { name, uid: created.pod!.uid } });

    for (let i = 0; i < 30 && (await rig.kube.readHelperPod(HELPER_NAMESPACE, name))?.exitCode === undefined; i++) rig.advance(2);
    const done = await rig.kube.readHelperPod(HELPER_NAMESPACE, name);
    // The seed marks every node as needing a reboot: `test -f` exits 0.
    expect(done).toMatchObject({ phase: 'Succeeded', exitCode: 0, labels: { 'aks-reboot-orchestrator/role': 'check' } });
    expect((await rig.kube.listHelperPods(HELPER_NAMESPACE, 'aks-reboot-orchestrator/role=check')).map((p) => p.name)).toEqual([name]);

    expect(await rig.kube.deleteHelperPod(HELPER_NAMESPACE, name)).toEqual({ outcome: 'deleted' });
    for (let i = 0; i < 30 && (await rig.kube.readHelperPod(HELPER_NAMESPACE, name)); i++) rig.advance(2);
    expect(await rig.kube.readHelperPod(HELPER_NAMESPACE, name)).toBeUndefined();
    expect(await rig.kube.deleteHelperPod(HELPER_NAMESPACE, name)).toEqual({ outcome: 'gone' });
  });

  it('throws a refusal that is not an expected outcome (no such namespace) as KubeApiError with its status', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const manifest = buildCheckPod({ namespace: 'no-such-namespace', image: IMAGE, node: node!.name, runId: RUN_ID, sentinel: '/var/run/reboot-required' });
    const error = await rig.kube.createHelperPod(manifest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({ status: 404, reason: 'NotFound', message: expect.stringContaining('creating helper pod no-such-namespace/') });
  });

  it('lists PDBs with their computed status and workloads with theirs', async () => {
    const rig = await startRig();
    const pdbs = await rig.kube.listPdbs('shop');
    expect(pdbs).toEqual([{
      namespace: 'shop', name: 'java-app-pdb', selector: { matchLabels: { app: 'java-app' } }, minAvailable: 3, generation: 1,
      status: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1, observedGeneration: 1 },
    }]);
    const deployment = await rig.kube.getWorkload({ kind: 'Deployment', namespace: 'shop', name: 'java-app' });
    expect(deployment).toMatchObject({ namespace: 'shop', replicas: 4, readyReplicas: 4, availableReplicas: 4 });
    const [javaPod] = await javaPods(rig);
    const owner = javaPod!.ownerReferences.find((o) => o.kind === 'ReplicaSet')!;
    const replicaSet = await rig.kube.getWorkload({ kind: 'ReplicaSet', namespace: 'shop', name: owner.name });
    expect(replicaSet?.owner).toEqual({ kind: 'Deployment', name: 'java-app', controller: true });
    expect(await rig.kube.listDaemonSetAnnotations()).toEqual([{ namespace: 'kube-system', name: 'node-agent', annotations: expect.any(Object) }]);

    const [pod] = await javaPods(rig);
    await rig.kube.evictPod({ namespace: 'shop', name: pod!.name });
    rig.advance(60);
    expect(await rig.kube.getWorkload({ kind: 'Deployment', namespace: 'shop', name: 'java-app' })).toMatchObject({ replicas: 4, readyReplicas: 3 });
    expect((await rig.kube.listPdbs('shop'))[0]!.status.disruptionsAllowed).toBe(0);
    expect(await rig.kube.getWorkload({ kind: 'StatefulSet', namespace: 'shop', name: 'java-app' })).toBeUndefined();
    expect(await rig.kube.getDaemonSet('kube-system', 'node-agent')).toMatchObject({ numberAvailable: 6 });
  });

  it('posts a node Event once per key, where kubectl describe node finds it', async () => {
    const rig = await startRig();
    const [node] = await rig.kube.listNodes('user');
    const input = { node: node!.name, reason: 'RebootScheduled', message: 'run 20260105T020000Z-ab12 reboots this node', type: 'Normal' as const, key: 'reboot-r1', now: rig.clock.now() };
    expect(await rig.kube.postNodeEvent(input)).toEqual({ outcome: 'posted', name: `${node!.name}.reboot-r1` });
    expect(await rig.kube.postNodeEvent(input)).toEqual({ outcome: 'exists', name: `${node!.name}.reboot-r1` });
    const stored = rig.sim.cluster.store.list<{ metadata: { name: string }; involvedObject: { kind: string; name: string; uid: string }; reason: string; source: { component: string } } & Parameters<typeof rig.sim.cluster.store.touch>[1]>('events', 'default')
      .filter((e) => e.involvedObject.name === node!.name && e.reason === 'RebootScheduled');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ involvedObject: { kind: 'Node', name: node!.name, uid: node!.name }, source: { component: 'aks-reboot-orchestrator' } });
  });
});
