// Helpers for tests of the model: a cluster on a virtual clock from a scenario, a bounded
// wait in virtual time, and a reboot helper pod as the product shapes it.
import { createVirtualClock } from '../../clock';
import { bundledScenarioPath, loadScenario, scenarioStartMs, type Scenario } from '../scenario';
import { Cluster } from './cluster';
import { REBOOT_SCRIPT } from './helperPods';
import type { Pod } from './types';

export const HELPER_NS = 'aks-reboot-orchestrator';

export function seedScenario(): Scenario {
  return loadScenario(bundledScenarioPath('seed'));
}

export function clusterFor(scenario: Scenario | unknown = seedScenario()): Cluster {
  const s = loadScenario(scenario);
  return new Cluster(s, createVirtualClock(scenarioStartMs(s)));
}

/** The scenario with the kubelet's graceful node shutdown (the node reports NotReady at once), which AKS does not configure. */
export function gracefulShutdown(s: Scenario): Scenario {
  return { ...s, cluster: { ...s.cluster, nodeLifecycle: { ...s.cluster.nodeLifecycle, gracefulShutdown: true } } };
}

/** Advances virtual time in steps until `done()` or `maxSeconds` pass; returns the seconds waited, or throws. */
export function advanceUntil(cluster: Cluster, done: () => boolean, maxSeconds: number, stepSeconds = 1): number {
  let waited = 0;
  while (!done()) {
    if (waited >= maxSeconds) throw new Error(`condition not met within ${maxSeconds} s of virtual time`);
    cluster.advance(stepSeconds);
    waited += stepSeconds;
  }
  return waited;
}

/** A minimal scenario for focused tests: one pool of `nodes` nodes across 3 zones. */
export function smallScenario(extra: Partial<Scenario> = {}, nodes = 3): Scenario {
  return {
    name: 'small',
    seed: 7,
    startTime: '2026-01-05T02:00:00Z',
    cluster: { subscriptionId: '00000000-0000-4000-8000-000000000002', resourceGroup: 'rg', name: 'aks', location: 'westeurope' },
    pools: [{ name: 'user', mode: 'User', count: nodes, zones: ['1', '2', '3'], rebootSeconds: 60 }],
    ...extra,
  };
}

export function ensureNamespace(c: Cluster): void {
  if (!c.store.get('namespaces', undefined, HELPER_NS)) c.act(() => c.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: HELPER_NS } }));
}

/** The reboot helper (docs/design.md#exactly-once-reboot-and-the-helper-pods) for `node` and `bootId`. */
export function rebootPod(node: string, bootId: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `arc-reboot-${node}-${bootId.slice(0, 8)}`, namespace: HELPER_NS, labels: { 'aks-reboot-orchestrator/role': 'reboot' } },
    spec: {
      nodeName: node, restartPolicy: 'Never', hostPID: true, tolerations: [{ operator: 'Exists' }],
      containers: [{
        name: 'reboot', image: 'mcr.microsoft.com/azurelinux/busybox:1.36', securityContext: { privileged: true },
        command: ['chroot', '/host', '/bin/sh', '-c', REBOOT_SCRIPT, 'reboot', bootId],
        volumeMounts: [{ name: 'host', mountPath: '/host' }],
      }],
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    },
    status: {},
  };
}
