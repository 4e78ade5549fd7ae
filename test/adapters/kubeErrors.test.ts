// Which kube failures are transient (thrown as TransientError for the orchestrator's retry
// policy, with what we were doing) and which are outcomes: the simulator injects 5xx and 429
// answers and, last, goes away altogether.

import { describe, expect, it } from 'vitest';
import { TransientError } from '../../adapters/kube';
import { seedScenario, rigPerTest } from './simulatorRig';

const startRig = rigPerTest();

describe('kube errors', () => {
  it('throws 5xx and a throttled list as TransientError naming the operation; evictions throttled are blocked', async () => {
    const scenario = seedScenario();
    scenario.faults = {
      api: [
        { surface: 'kube', resource: 'nodes', verb: 'list', status: 503, from: 0, to: 1 },
        { surface: 'kube', resource: 'pods', verb: 'list', status: 429, retryAfterSeconds: 5, from: 0, to: 1 },
        { surface: 'kube', resource: 'pods', subresource: 'eviction', status: 429, from: 0, to: 1 },
        { surface: 'kube', resource: 'leases', status: 500, from: 0, to: 1 },
      ],
    };
    const rig = await startRig(scenario);
    const nodes = await rig.kube.listNodes('user').catch((e: unknown) => e);
    expect(nodes).toBeInstanceOf(TransientError);
    expect(nodes).toMatchObject({ status: 503, message: expect.stringMatching(/^listing the nodes of pool user: HTTP 503/) });

    const pods = await rig.kube.listPodsOnNode('aks-user-34845411-vmss000000').catch((e: unknown) => e);
    expect(pods).toMatchObject({ name: 'TransientError', status: 429, message: expect.stringContaining('listing pods on node aks-user-34845411-vmss000000') });
    expect((pods as Error).cause).toBeDefined();

    expect(await rig.kube.evictPod({ namespace: 'shop', name: 'whatever' })).toMatchObject({ outcome: 'blocked' });
    await expect(rig.kube.acquireLease({ namespace: 'aks-reboot-orchestrator', holder: 'r', durationSeconds: 60, now: rig.clock.now() })).rejects.toBeInstanceOf(TransientError);

    // After the fault window the same calls succeed: nothing was cached from the failures.
    rig.advance(2);
    expect(await rig.kube.listNodes('user')).toHaveLength(4);
    expect(await rig.kube.listPodsOnNode('aks-user-34845411-vmss000000')).toHaveLength(2);
  });

  it('throws a connection that cannot be made as TransientError', async () => {
    const rig = await startRig();
    await rig.kube.listNodes('user');
    await rig.sim.stop();
    const error = await rig.kube.listNodes('user').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ message: 'listing the nodes of pool user: no answer from the API server' });
  });
});
