// The controllers' queues (controllerDelaySeconds, faults.controllerManagerDown): status trails
// the pods by the seeded delay, a new PDB has no status until the disruption controller gets to
// it, and nothing moves while the controller manager is down.
import { describe, expect, it } from 'vitest';
import { evictPod } from './eviction';
import { PDBS } from './resourceNames';
import { clusterFor, seedScenario } from './testing';
import type { KubeObject, PodDisruptionBudget } from './types';

const deploymentStatus = (c: ReturnType<typeof clusterFor>) => c.store.get<KubeObject & { status: Record<string, number> }>('deployments.apps', 'shop', 'java-app')!.status;

function newPdb(c: ReturnType<typeof clusterFor>): void {
  c.act(() => c.store.create(PDBS, {
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget',
    metadata: { name: 'java-extra', namespace: 'shop' },
    spec: { minAvailable: 2, selector: { matchLabels: { app: 'java-app' } } },
  }));
}

describe('controller queues', () => {
  it('a new PDB has no status (the Eviction API answers "still being processed") until the disruption controller processes it, within max', () => {
    const c = clusterFor();
    newPdb(c);
    expect(c.pdb('shop', 'java-extra')!.status).toBeUndefined();
    c.advance(2);
    expect(c.pdb('shop', 'java-extra')!.status).toMatchObject({ observedGeneration: 1, expectedPods: 4, currentHealthy: 4 });
  });

  it('the delays are drawn from the scenario\'s seed, within [min, max]', () => {
    const delayOf = (seed: number) => {
      const s = { ...seedScenario(), seed, cluster: { ...seedScenario().cluster, controllerDelaySeconds: { min: 0.5, max: 1.5 } } };
      const c = clusterFor(s);
      newPdb(c);
      let ms = 0;
      while (!c.pdb('shop', 'java-extra')!.status) {
        c.advance(0.1);
        ms += 100;
      }
      return ms;
    };
    const first = delayOf(3);
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(1500);
    expect(delayOf(3)).toBe(first);
  });

  it('a pod\'s replacement comes at the same time and with the same name whatever order the evictions arrived in (a drain sends them in parallel)', () => {
    // Old pods of each workload, evicted at the same instant in one order and in the other.
    const replacements = (order: readonly string[]) => {
      const c = clusterFor();
      c.advance(10);
      const victims = order.map((w) => c.pods(w === 'java-app' ? 'shop' : 'kube-system', w)[0]!);
      const before = new Set(c.pods().map((p) => p.metadata.name));
      for (const v of victims) expect(c.act(() => evictPod(c, { namespace: v.metadata.namespace!, name: v.metadata.name })).status).toBe(201);
      c.advance(5);
      return ['java-app', 'coredns'].map((w) => c.pods(w === 'java-app' ? 'shop' : 'kube-system', w)
        .filter((p) => !before.has(p.metadata.name))
        .map((p) => `${p.metadata.name} ${p.metadata.creationTimestamp}`));
    };
    const forward = replacements(['java-app', 'coredns']);
    expect(forward.map((r) => r.length)).toEqual([1, 1]);
    expect(replacements(['coredns', 'java-app'])).toEqual(forward);
  });

  it('while the controller manager is down no status moves and no pod is replaced; afterwards they catch up', () => {
    const s = seedScenario();
    s.faults = { controllerManagerDown: [{ from: 10, to: 70 }] };
    const c = clusterFor(s);
    c.advance(10);
    const victim = c.pods('shop', 'java-app')[0]!;
    const evicted = c.act(() => evictPod(c, { namespace: 'shop', name: victim.metadata.name }));
    expect(evicted.status).toBe(201);
    c.advance(50);
    expect(c.pod('shop', victim.metadata.name)).toBeUndefined();
    expect(c.pods('shop', 'java-app')).toHaveLength(3);
    expect(deploymentStatus(c)).toMatchObject({ readyReplicas: 4 });
    const pdb = c.store.get<PodDisruptionBudget>(PDBS, 'shop', 'java-app-pdb')!;
    expect(pdb.status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 4 });

    // Two controller hops after the outage (the ReplicaSet, then the Deployment), each ≤ 2 s.
    c.advance(14);
    expect(c.pods('shop', 'java-app')).toHaveLength(4);
    expect(deploymentStatus(c)).toMatchObject({ readyReplicas: 3 });
    expect(c.pdb('shop', 'java-app-pdb')!.status).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 0 });
  });
});
