import { describe, expect, it } from 'vitest';
import type { PdbFacts, PodFacts } from './kubeFacts';
import { RUN_COMMAND_START_SECONDS, scheduleTerms, TYPICAL_REBOOT_SECONDS } from './scheduleTerms';

const pod = (name: string, nodeName: string, over: Partial<PodFacts> = {}): PodFacts => ({
  namespace: 'shop', name, uid: name, nodeName, phase: 'Running', ready: true, labels: { app: 'java-app' },
  ownerReferences: [{ kind: 'ReplicaSet', name: 'java-app-1', controller: true }], isMirror: false, emptyDirVolumes: [], ...over,
});
const pdb: PdbFacts = {
  namespace: 'shop', name: 'java-app-pdb', selector: { matchLabels: { app: 'java-app' } }, minAvailable: 3, generation: 1,
  status: { expectedPods: 4, currentHealthy: 4, desiredHealthy: 3, disruptionsAllowed: 1, observedGeneration: 1 },
} as PdbFacts;

describe('scheduleTerms', () => {
  it('d = longest grace + run-command start + the pool\'s reboot; u adds the observed start-to-Ready; budgets from PDBs', () => {
    const terms = scheduleTerms({
      nodes: [{ name: 'n1', pool: 'user', zone: 'z1', ready: true, unschedulable: false }],
      pods: [pod('a', 'n1', { terminationGracePeriodSeconds: 30, containersStartedAt: '2026-01-05T01:00:00Z', readySince: '2026-01-05T01:04:00Z' })],
      pdbs: [pdb],
      rebootSecondsByPool: { user: 100 },
    });
    expect(terms.budgets).toEqual({ 'PDB shop/java-app-pdb': 1 });
    expect(terms.nodes).toEqual([{
      name: 'n1', zone: 'z1', system: false, disruptionSeconds: 30 + RUN_COMMAND_START_SECONDS + 100,
      workloads: [{ workload: 'PDB shop/java-app-pdb', pods: 1, unavailableSeconds: 150 + 240 }],
    }]);
  });

  it('a workload without a PDB counts by its controller; an unmeasured pool takes the typical reboot; a system node says so', () => {
    const terms = scheduleTerms({
      nodes: [{ name: 's1', pool: 'system', zone: 'z2', mode: 'system', ready: true, unschedulable: false }],
      pods: [pod('b', 's1', { labels: { app: 'other' }, ownerReferences: [{ kind: 'StatefulSet', name: 'db', controller: true }] })],
      pdbs: [pdb],
    });
    expect(terms.nodes[0]).toMatchObject({ system: true, disruptionSeconds: 30 + RUN_COMMAND_START_SECONDS + TYPICAL_REBOOT_SECONDS, workloads: [{ workload: 'StatefulSet shop/db', pods: 1 }] });
  });
});
