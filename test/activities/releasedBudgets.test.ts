// releasedBudgets against the simulator: besides the released (node, workload) pairs, when the
// cluster expects the next in-flight workload whole (`expectedAt`, the earliest) and which
// workloads have a replacement the scheduler cannot place (`unplaced`).
import { afterEach, describe, expect, it } from 'vitest';
import type { DrainOptions } from '../../activities/contracts';
import { cordonNode } from '../../activities/cordonNode';
import { evictPods } from '../../activities/evictPods';
import { releasedBudgets } from '../../activities/releasedBudgets';
import type { Scenario } from '../../local/aks/scenario';
import { NAMESPACE, seedScenario, startActivityRig, type ActivityRig } from './rig';

const JAVA = 'PDB shop/java-app-pdb';
const COREDNS = 'PDB kube-system/coredns-pdb';
const DRAIN: DrainOptions = { deleteEmptyDirData: true, force: true, skipWaitForDeleteTimeoutSeconds: 0, implicitBudget: 'rollout' };

let rig: ActivityRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const javaOn = (r: ActivityRig, node: string) => r.sim.cluster.podsOnNode(node).filter((p) => p.metadata.labels?.['app'] === 'java-app' && !p.metadata.deletionTimestamp);

/** Cordons `node` and runs one drain pass on it: its pods are evicted (terminating), their replacements created. */
async function cordonAndEvict(r: ActivityRig, node: string): Promise<void> {
  await cordonNode(r.on(node), r.context);
  const pass = await evictPods({ ...r.on(node), drain: DRAIN, namespace: NAMESPACE }, r.context);
  expect(pass.evicted.length).toBeGreaterThan(0);
}

describe('releasedBudgets: expectedAt and unplaced', () => {
  it('a placed replacement: expected at its start + readiness delay; an unplaceable one: now + its delay, and named unplaced; the earliest is the answer', async () => {
    // The seed with a fifth user node: java-app (4 replicas, one per node) has a free node to go
    // to; CoreDNS (2 replicas, one per node, 2 system nodes) has none once one is cordoned.
    const scenario: Scenario = seedScenario();
    scenario.pools!.find((p) => p.name === 'user')!.count = 5;
    rig = await startActivityRig(scenario);
    const r = rig;
    const user = r.nodes('user');
    const [a, b] = user.filter((n) => javaOn(r, n).length === 1);
    const free = user.find((n) => javaOn(r, n).length === 0)!;
    const [s1] = r.nodes('system');
    await cordonAndEvict(r, a!);
    await cordonAndEvict(r, s1!);
    // The kubelet starts the replacement on the free node within a few seconds.
    await r.advanceUntil(() => javaOn(r, free).some((p) => p.status.containerStatuses?.[0]?.state?.running !== undefined), { maxSeconds: 60 });
    const startedAt = javaOn(r, free)[0]!.status.containerStatuses![0]!.state!.running!.startedAt;
    const at = r.base().at;

    // java-app: started + 240 s (its readiness probe's initial delay); CoreDNS, Pending
    // Unschedulable: now + 20 s. The earliest of the two is CoreDNS's.
    const javaExpected = new Date(Date.parse(startedAt) + 240_000).toISOString();
    const corednsExpected = new Date(Date.parse(at) + 20_000).toISOString();
    expect(corednsExpected < javaExpected).toBe(true);
    expect(await releasedBudgets({ ...r.base(), nodes: [{ node: a!, workloads: [JAVA] }, { node: s1!, workloads: [COREDNS] }] }, r.context))
      .toEqual({ released: [], expectedAt: corednsExpected, unplaced: [COREDNS] });
    expect(await releasedBudgets({ ...r.base(), nodes: [{ node: a!, workloads: [JAVA] }] }, r.context)).toEqual({ released: [], expectedAt: javaExpected });

    // A node that still runs its java-app pod predicts nothing.
    expect(await releasedBudgets({ ...r.base(), nodes: [{ node: b!, workloads: [JAVA] }] }, r.context)).toEqual({ released: [] });

    // Once the replacement is Ready, a is released and nothing is expected of it any more.
    r.advance(Math.ceil((Date.parse(javaExpected) - Date.parse(r.base().at)) / 1000) + 10);
    expect(await releasedBudgets({ ...r.base(), nodes: [{ node: a!, workloads: [JAVA] }] }, r.context)).toEqual({ released: [{ node: a!, workload: JAVA }] });
  });
});
