// Reboot mechanics, graceful termination and the helper pods (docs/design.md#exactly-once-reboot-and-the-helper-pods), as the
// model executes them.
import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_PULL_SECONDS } from './imagePulls';
import { isHealthy, isNodeReady } from './podState';
import { EVENTS } from './resourceNames';
import { advanceUntil, clusterFor, ensureNamespace, gracefulShutdown, HELPER_NS as NS, rebootPod, seedScenario, smallScenario } from './testing';
import type { KubeObject, Pod } from './types';

function checkPod(node: string, file = 'reboot-required', dir = '/var/run'): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `arc-check-${node}-abcd`, namespace: NS, labels: { 'app.kubernetes.io/managed-by': 'aks-reboot-orchestrator', 'aks-reboot-orchestrator/role': 'check' } },
    spec: {
      nodeName: node, restartPolicy: 'Never', tolerations: [{ operator: 'Exists' }],
      containers: [{ name: 'check', image: 'mcr.microsoft.com/azurelinux/busybox:1.36', command: ['test', '-f', `/sentinel/${file}`], volumeMounts: [{ name: 'sentinel', mountPath: '/sentinel', readOnly: true }] }],
      volumes: [{ name: 'sentinel', hostPath: { path: dir, type: 'Directory' } }],
    },
    status: {},
  };
}

const exitCode = (p: Pod | undefined) => p?.status.containerStatuses?.[0]?.state.terminated?.exitCode;

describe('node reboot with the kubelet\'s graceful shutdown (nodeLifecycle.gracefulShutdown)', () => {
  it('goes NotReady at once, comes back after the pool reboot time with a new boot id, restarts every pod and posts Rebooted', () => {
    const c = clusterFor(gracefulShutdown(seedScenario()));
    const node = c.nodeNames('user')[0]!;
    const bootBefore = c.node(node)!.status.nodeInfo!.bootID;
    const java = c.podsOnNode(node).find((p) => p.metadata.namespace === 'shop')!;
    expect(c.rebootNode(node)).toBe(true);
    expect(isNodeReady(c.node(node)!)).toBe(false);
    expect(c.node(node)!.status.nodeInfo!.bootID).toBe(bootBefore);
    expect(isHealthy(c.pod('shop', java.metadata.name)!)).toBe(false);
    expect(c.rebootNode(node)).toBe(false);

    c.advance(119);
    expect(isNodeReady(c.node(node)!)).toBe(false);
    c.advance(1);
    const after = c.node(node)!;
    expect(isNodeReady(after)).toBe(true);
    expect(after.status.nodeInfo!.bootID).not.toBe(bootBefore);
    expect(after.status.nodeInfo!.bootID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(c.rebootRequired(node)).toBe(false);
    const events = c.store.list<KubeObject>(EVENTS, 'default').filter((e) => e.reason === 'Rebooted');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'Warning', involvedObject: { kind: 'Node', name: node }, message: `Node ${node} has been rebooted, boot id: ${after.status.nodeInfo!.bootID}` });

    const restarted = c.pod('shop', java.metadata.name)!;
    expect(restarted.status.containerStatuses![0]!.restartCount).toBe(1);
    expect(restarted.status.containerStatuses![0]!.lastState.terminated).toBeDefined();
    const waited = advanceUntil(c, () => isHealthy(c.pod('shop', java.metadata.name)!), 400);
    expect(waited).toBeGreaterThanOrEqual(240);
    expect(waited).toBeLessThanOrEqual(242);
  });

  it('a pod deleted while its node is down finishes only when the node is back and its kubelet syncs (podStatusLagSeconds)', () => {
    const c = clusterFor();
    const node = c.nodeNames('user')[0]!;
    const java = c.podsOnNode(node).find((p) => p.metadata.namespace === 'shop')!;
    c.rebootNode(node);
    c.deletePod('shop', java.metadata.name);
    c.advance(60);
    expect(c.pod('shop', java.metadata.name)?.metadata.deletionTimestamp).toBeDefined();
    c.advance(69);
    expect(c.pod('shop', java.metadata.name)).toBeDefined();
    c.advance(1);
    expect(c.pod('shop', java.metadata.name)).toBeUndefined();
  });
});

describe('a cluster already running at the scenario\'s start', () => {
  it('shows its pods Ready since the start, their containers started one readiness delay before it', () => {
    const c = clusterFor();
    const ready = (p: Pod) => p.status.conditions?.find((x) => x.type === 'Ready');
    const java = c.pods('shop', 'java-app')[0]!;
    expect(ready(java)).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-05T02:00:00Z' });
    // java-app's readiness probe waits 240 s after the container starts (seed.json startupSeconds).
    expect(java.status.containerStatuses![0]!.state.running!.startedAt).toBe('2026-01-05T01:56:00Z');
    expect(java.status.startTime).toBe('2026-01-05T01:56:00Z');
    expect(isHealthy(java)).toBe(true);
    const coredns = c.pods('kube-system', 'coredns')[0]!;
    expect(coredns.status.containerStatuses![0]!.state.running!.startedAt).toBe('2026-01-05T01:59:40Z');
  });
});

describe('graceful deletion', () => {
  it('sets deletionTimestamp and removes the pod after its grace period; the ReplicaSet replaces it once its queue gets to it (controllerDelaySeconds, at most 2 s)', () => {
    const c = clusterFor();
    const java = c.pods('shop', 'java-app')[0]!;
    const r = c.deletePod('shop', java.metadata.name);
    expect(r.ok).toBe(true);
    const terminating = c.pod('shop', java.metadata.name)!;
    expect(terminating.metadata.deletionTimestamp).toBe('2026-01-05T02:00:30Z');
    expect(terminating.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(c.pods('shop', 'java-app')).toHaveLength(4);
    c.advance(2);
    expect(c.pods('shop', 'java-app')).toHaveLength(5);
    c.advance(27);
    expect(c.pod('shop', java.metadata.name)).toBeDefined();
    c.advance(1);
    expect(c.pod('shop', java.metadata.name)).toBeUndefined();
  });

  it.each([
    ['an explicit grace period of 0', { gracePeriodSeconds: 0 }],
  ])('deletes at once with %s', (_, opts) => {
    const c = clusterFor();
    const java = c.pods('shop', 'java-app')[0]!;
    c.deletePod('shop', java.metadata.name, opts);
    expect(c.pod('shop', java.metadata.name)).toBeUndefined();
  });

  it('deletes an unscheduled pod at once whatever its grace period', () => {
    const c = clusterFor();
    const [a] = c.nodeNames('user');
    c.cordon(a!);
    const java = c.podsOnNode(a!).find((p) => p.metadata.namespace === 'shop')!;
    c.deletePod('shop', java.metadata.name);
    c.advance(2);
    const pending = c.pods('shop', 'java-app').find((p) => !p.spec.nodeName)!;
    expect(pending.status.conditions?.find((x) => x.type === 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    c.deletePod('shop', pending.metadata.name);
    expect(c.pod('shop', pending.metadata.name)).toBeUndefined();
  });

  it('honours a uid precondition', () => {
    const c = clusterFor();
    const java = c.pods('shop', 'java-app')[0]!;
    const r = c.deletePod('shop', java.metadata.name, { preconditions: { uid: 'other' } });
    expect(r).toMatchObject({ ok: false, status: 409, reason: 'Conflict' });
  });
});

describe('helper pods', () => {
  // The helper image is new on every node: its first pod waits for the pull.
  const PULL = DEFAULT_IMAGE_PULL_SECONDS;

  it('the check pod exits 0 when the sentinel exists and 1 when it does not', () => {
    const c = clusterFor();
    ensureNamespace(c);
    const [a, b] = c.nodeNames('user') as [string, string];
    c.setFile(b, '/var/run/reboot-required', false);
    c.createPod(checkPod(a));
    c.createPod(checkPod(b));
    c.advance(PULL + 2);
    const pa = c.pod(NS, `arc-check-${a}-abcd`)!;
    const pb = c.pod(NS, `arc-check-${b}-abcd`)!;
    expect([pa.status.phase, exitCode(pa), pa.status.containerStatuses![0]!.state.terminated!.reason]).toEqual(['Succeeded', 0, 'Completed']);
    expect([pb.status.phase, exitCode(pb), pb.status.containerStatuses![0]!.state.terminated!.reason]).toEqual(['Failed', 1, 'Error']);
  });

  it('the check pod reads the file its hostPath and argument name together, not a fixed path', () => {
    const s = smallScenario({ sentinelFile: '/var/run/needs-reboot', rebootRequired: 'all' });
    const c = clusterFor(s);
    ensureNamespace(c);
    const [a] = c.nodeNames() as [string];
    c.createPod(checkPod(a, 'reboot-required'));
    c.advance(PULL + 2);
    expect(exitCode(c.pod(NS, `arc-check-${a}-abcd`))).toBe(1);
    c.deletePod(NS, `arc-check-${a}-abcd`);
    c.createPod(checkPod(a, 'needs-reboot'));
    c.advance(2);
    expect(exitCode(c.pod(NS, `arc-check-${a}-abcd`))).toBe(0);
  });

  it('a container that merely looks like the check (no /sentinel hostPath) just runs', () => {
    const c = clusterFor();
    ensureNamespace(c);
    const [a] = c.nodeNames('user') as [string];
    const p = checkPod(a);
    p.spec.volumes = [{ name: 'sentinel', emptyDir: {} }];
    c.createPod(p);
    c.advance(PULL + 5);
    expect(c.pod(NS, p.metadata.name)!.status.phase).toBe('Running');
  });

  it('the reboot helper reboots the node iff the boot id matches, and a re-run after the reboot does not reboot again', () => {
    const s = seedScenario();
    s.rerunFinishedPodsAfterReboot = true;
    const c = clusterFor(s);
    ensureNamespace(c);
    const [a, b] = c.nodeNames('user') as [string, string];
    const bootA = c.nodeRuntime(a)!.bootId;
    c.createPod(rebootPod(a, bootA));
    c.createPod(rebootPod(b, '11111111-2222-4333-8444-555555555555'));
    c.advance(PULL + 1);
    expect(c.nodeRuntime(a)!.down).toBe(true);
    expect(c.nodeRuntime(b)!.down).toBe(false);
    expect(exitCode(c.pod(NS, `arc-reboot-${a}-${bootA.slice(0, 8)}`))).toBe(0);
    expect(exitCode(c.pod(NS, `arc-reboot-${b}-11111111`))).toBe(1);

    advanceUntil(c, () => !c.nodeRuntime(a)!.down, 200);
    c.advance(15); // the kubelet posts pod status podStatusLagSeconds (10) after the boot
    const helper = c.pod(NS, `arc-reboot-${a}-${bootA.slice(0, 8)}`)!;
    expect(helper.status.containerStatuses![0]!.lastState.terminated!.exitCode).toBe(0);
    expect(exitCode(helper)).toBe(1);
    expect(c.nodeRuntime(a)!.rebootCount).toBe(1);
    expect(c.nodeRuntime(a)!.bootIds).toHaveLength(2);
    c.advance(600);
    expect(c.nodeRuntime(a)!.rebootCount).toBe(1);
  });

  it('without rerunFinishedPodsAfterReboot a finished helper stays finished after the reboot', () => {
    const c = clusterFor();
    ensureNamespace(c);
    const [a] = c.nodeNames('user') as [string];
    const bootA = c.nodeRuntime(a)!.bootId;
    c.createPod(rebootPod(a, bootA));
    advanceUntil(c, () => c.nodeRuntime(a)!.bootIds.length === 2, 300);
    c.advance(10);
    const helper = c.pod(NS, `arc-reboot-${a}-${bootA.slice(0, 8)}`)!;
    expect([helper.status.phase, exitCode(helper)]).toEqual(['Succeeded', 0]);
  });

  it('the reboot command needs hostPID, privileged and / at /host to be recognised', () => {
    const c = clusterFor();
    ensureNamespace(c);
    const [a] = c.nodeNames('user') as [string];
    const p = rebootPod(a, c.nodeRuntime(a)!.bootId);
    p.spec.hostPID = false;
    c.createPod(p);
    c.advance(PULL + 5);
    expect(c.nodeRuntime(a)!.down).toBe(false);
    expect(c.pod(NS, p.metadata.name)!.status.phase).toBe('Running');
  });
});

describe('controllers', () => {
  it('a StatefulSet replaces a deleted pod under the same name only once the old one is gone', () => {
    const c = clusterFor(smallScenario({ workloads: [{ name: 'db', kind: 'StatefulSet', replicas: 3, antiAffinity: 'hostname', startupSeconds: 10, graceSeconds: 20 }] }));
    expect(c.pods('default', 'db').map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1', 'db-2']);
    const uid = c.pod('default', 'db-1')!.metadata.uid;
    c.deletePod('default', 'db-1');
    c.advance(19);
    expect(c.pod('default', 'db-1')!.metadata.uid).toBe(uid);
    c.advance(3);
    const next = c.pod('default', 'db-1')!;
    expect(next.metadata.uid).not.toBe(uid);
    advanceUntil(c, () => isHealthy(c.pod('default', 'db-1')!), 20);
  });

  it('a DaemonSet keeps one pod per node, even on a cordoned node', () => {
    const c = clusterFor();
    const ds = c.pods('kube-system', 'node-agent');
    expect(new Set(ds.map((p) => p.spec.nodeName)).size).toBe(6);
    const node = c.nodeNames('user')[0]!;
    c.cordon(node);
    const victim = ds.find((p) => p.spec.nodeName === node)!;
    c.deletePod('kube-system', victim.metadata.name);
    c.advance(12);
    const now = c.pods('kube-system', 'node-agent').filter((p) => p.spec.nodeName === node);
    expect(now).toHaveLength(1);
    expect(now[0]!.metadata.name).not.toBe(victim.metadata.name);
  });

  it('Deployment status follows its pods as the API shows them (a silent node\'s pods count until marked not Ready)', () => {
    const c = clusterFor();
    const node = c.nodeNames('user')[0]!;
    c.rebootNode(node);
    const status = () => c.store.get<KubeObject & { status: Record<string, unknown> }>('deployments.apps', 'shop', 'java-app')!.status;
    c.advance(39);
    expect(status()).toMatchObject({ replicas: 4, readyReplicas: 4 });
    c.advance(6);
    expect(status()).toMatchObject({ replicas: 4, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 4, observedGeneration: 1 });
  });
});

describe('AKS pools', () => {
  it('a stopped pool has no nodes; a Spot pool\'s nodes carry the spot label and taint', () => {
    const s = smallScenario();
    s.pools.push({ name: 'off', mode: 'User', count: 2, powerState: 'Stopped' }, { name: 'spot', mode: 'User', count: 1, priority: 'Spot' });
    const c = clusterFor(s);
    expect(c.nodeNames('off')).toEqual([]);
    const spot = c.node(c.nodeNames('spot')[0]!)!;
    expect(spot.metadata.labels!['kubernetes.azure.com/scalesetpriority']).toBe('spot');
    expect(spot.spec.taints).toEqual([{ key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' }]);
    expect(spot.metadata.labels!['topology.kubernetes.io/zone']).toBe('0');
  });
});
