// Least privilege, checked against what the product really sends: full seed runs with every
// optional feature on (both reboot methods, taints, labels, blockers, a plan, a manual run)
// against the simulator, and their request logs held against the Kubernetes ClusterRole/Roles
// of infra/k8s and the custom ARM role of infra/modules/clusterAccess.bicep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRequestRecord } from '../../local/aks/recorder';
import { runScheduledRollout, startStack, type Stack } from '../e2e/stack';
import { checkCustomRoleCovers } from './armRole';
import { seedWith } from '../e2e/support';
import { checkClusterRoleCovers, kubeRequestsFromLog } from './rbac';

const EVERYTHING_ON = {
  REBOOT_PREFER_NO_SCHEDULE_TAINT: 'aks-reboot-orchestrator/rebooting',
  REBOOT_PRE_REBOOT_NODE_LABELS: 'example.com/rebooting=true',
  REBOOT_POST_REBOOT_NODE_LABELS: 'example.com/rebooting=false',
  REBOOT_BLOCKING_POD_SELECTOR: 'app=backup',
  REBOOT_CONCURRENCY: '2',
};

describe('what the product sends is exactly what the roles grant', () => {
  const log: ApiRequestRecord[] = [];
  let stack: Stack | undefined;

  async function collect(settings: Record<string, string>, drive: (s: Stack) => Promise<void>): Promise<void> {
    stack = await startStack({ scenario: withStatefulSet, settings, autoAdvance: true });
    await drive(stack);
    log.push(...stack.sim.recorder.requests());
    await stack.close();
    stack = undefined;
  }

  // A StatefulSet too, so the gates read one (the seed has Deployments only).
  const withStatefulSet = seedWith((s) => {
    s.workloads = [...(s.workloads ?? []), { name: 'queue', kind: 'StatefulSet', namespace: 'shop', replicas: 2, pool: 'user', startupSeconds: 30, graceSeconds: 10, pdb: { maxUnavailable: 1 } }];
  });

  beforeAll(async () => {
    await collect(EVERYTHING_ON, async (s) => {
      const lock = await runScheduledRollout(s);
      expect((lock.output as { outcome: string }).outcome).toBe('completed');
      expect(s.sim.recorder.summary().nodes.reboots.every((r) => r.rebootCount === 1)).toBe(true);
    });
    await collect({ ...EVERYTHING_ON, REBOOT_METHOD: 'pod', REBOOT_CONCURRENCY: '1' }, async (s) => {
      expect((await s.api('GET', 'clusters/seed/plan')).status).toBe(200);
      const node = s.sim.cluster.nodeNames('user')[0]!;
      expect((await s.api('POST', 'clusters/seed/reboots', { nodes: [node], ignoreWindow: true })).status).toBe(202);
      const lock = await s.host.waitFor('reboot-seed', { maxRealMs: 120_000 });
      expect((lock.output as { outcome: string }).outcome).toBe('completed');
    });
  }, 300_000);
  afterAll(async () => stack?.close());

  it('the Kubernetes roles cover every request, and every resource the runs touched is a known one', () => {
    const { requests, unknown } = kubeRequestsFromLog(log);
    expect(unknown).toEqual([]);
    // The runs enforce infra/k8s (the simulator's default for every stack): nothing was refused.
    expect(log.filter((r) => r.surface === 'kube' && r.status === 403)).toEqual([]);
    expect(requests.length).toBeGreaterThan(500);
    const coverage = checkClusterRoleCovers(requests);
    expect(coverage.missing).toEqual([]);
    expect(coverage.unused).toEqual([]);
  });

  it('the custom ARM role covers every operation, and needs admin credentials for none', () => {
    const operations = log.filter((r) => r.surface === 'arm').map((r) => r.resource);
    expect(operations).toContain('managedClusters.runCommand');
    const coverage = checkCustomRoleCovers(operations, { adminCredentials: false });
    expect(coverage).toMatchObject({ missing: [], unknown: [] });
  });
});
