// nodeReboot's waits against stub activities (ADR 0023): each sleeps until its expected end —
// the evicted pods' grace, the gate's expected opening, the pool's measured reboot — then looks
// every second, and the disruption part hands the run what it measured. Times are the `at` of
// each activity call, in seconds after the node started.
import { afterEach, describe, expect, it } from 'vitest';
import type { EvictPodsResult } from '../../activities/contracts';
import type { LocalHost } from '../../local/host';
import { orchestrators } from '../../orchestrations/names';
import type { NodeRebootInput, NodeRebootOutput } from '../../orchestrations/types';
import { calls, useStubs, type ActivityStubs } from './stubApp';
import { BOOT_AFTER, BOOT_BEFORE, healthyNode, nodeId, nodeInput, runSettings, stubHost, T0 } from './stubs';

let host: LocalHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const secondsOf = (at: unknown) => (Date.parse(String(at)) - T0) / 1000;
/** When each call of an activity (or of one gate) was made. */
const timesOf = (name: string, gate?: string) => calls.filter((c) => c.name === name && (gate === undefined || c.input.gate === gate)).map((c) => secondsOf(c.input.at));

async function runNode(stubs: ActivityStubs, extra: Partial<NodeRebootInput> = {}): Promise<NodeRebootOutput> {
  useStubs(stubs);
  host = await stubHost();
  const id = host.startNew(orchestrators.nodeReboot, { instanceId: nodeId('node-1'), input: { ...nodeInput('node-1', runSettings()), ...extra } });
  const status = await host.waitFor(id);
  expect(status.runtimeStatus).toBe('Completed');
  return status.output as NodeRebootOutput;
}

const terminating = (over: Partial<EvictPodsResult>): EvictPodsResult => ({
  drained: false, evicted: [], evictedWorkloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web' }], blocked: [], terminating: ['shop/web-1'], refused: [], errors: [], warnings: [], ...over,
});

describe('nodeReboot\'s adaptive waits', () => {
  it('the drain looks with its backoff (5, 10, …) but never past the evicted pods\' grace end, then every second', async () => {
    let pass = 0;
    await runNode({
      ...healthyNode(),
      // Evicted at 0 with a 30 s grace; the pod is gone at 31.
      evictPods: (input) => (++pass === 1 ? terminating({ evicted: ['shop/web-1'], terminating: [], expectedDoneAt: iso(30) })
        : secondsOf(input.at) >= 31 ? terminating({ terminating: [], drained: true }) : terminating({ expectedDoneAt: iso(30) })),
    });
    expect(timesOf('evictPods')).toEqual([0, 5, 15, 30, 31]);
  });

  it('pods a budget holds back keep the backoff, whatever the others\' grace', async () => {
    let pass = 0;
    await runNode({
      ...healthyNode(),
      evictPods: () => (++pass === 4 ? terminating({ terminating: [], drained: true }) : terminating({ blocked: [{ pod: 'shop/web-2', message: 'PDB' }], expectedDoneAt: iso(1) })),
    });
    expect(timesOf('evictPods')).toEqual([0, 5, 15, 35]);
  });

  it('a drain held for a minute asks each later pass to say why the held pods wait', async () => {
    await runNode({
      ...healthyNode(),
      evictPods: (input) => (secondsOf(input.at) >= 95 ? terminating({ terminating: [], drained: true }) : terminating({ blocked: [{ pod: 'shop/web-2', message: 'PDB' }] })),
    });
    const passes = calls.filter((c) => c.name === 'evictPods').map((c) => [secondsOf(c.input.at), c.input.explainHeld ?? false]);
    expect(passes).toEqual([[0, false], [5, false], [15, false], [35, false], [65, true], [95, true]]);
  });

  it('the recovery gate sleeps until the opening it expects (its pods\' readiness delay), then looks every second', async () => {
    let opensAt = 0;
    await runNode({
      ...healthyNode(),
      checkGate: (input) => {
        if (input.gate === 'pre-drain') return { ok: true };
        const now = secondsOf(input.at);
        opensAt ||= now + 242;
        return now >= opensAt ? { ok: true } : { ok: false, reasons: ['Deployment shop/web: 3/4 available'], expectedOpenAt: iso(opensAt - 2) };
      },
    });
    const looks = timesOf('checkGate', 'recovery');
    expect(looks.map((t) => t - looks[0]!)).toEqual([0, 240, 241, 242]);
  });

  it('a gate that says nothing of when it opens is polled every REBOOT_POLL_INTERVAL, as before', async () => {
    let looks = 0;
    await runNode({ ...healthyNode(), checkGate: (input) => (input.gate === 'pre-drain' || ++looks === 3 ? { ok: true } : { ok: false, reasons: ['PDB shop/web-pdb: 3 of 4 healthy'] }) });
    const times = timesOf('checkGate', 'recovery');
    expect(times.map((t) => t - times[0]!)).toEqual([0, 10, 20]);
  });

  it('with the pool\'s measured reboot, the wait for Ready sleeps until it; the disruption hands over what it measured and when recovery is expected', async () => {
    const backAt = 20 + 133;
    const output = await runNode(
      {
        ...healthyNode(),
        getNodeStatus: (input) => ({ exists: true, ready: true, bootId: secondsOf(input.at) >= backAt ? BOOT_AFTER : BOOT_BEFORE, unschedulable: true }),
        checkGate: (input) => (input.gate === 'pre-drain' ? { ok: true } : { ok: false, reasons: ['Deployment shop/web: 3/4 available'], expectedOpenAt: iso(400) }),
      },
      { part: 'disruption', expectedReadySeconds: 130 },
    );
    // Sent at 0: the command's result at its expected start (20 s), then the node at 130 s, then
    // every second, backing off to half the overrun: back at 153 s, seen at 158 s.
    expect(timesOf('getCommandResult')).toEqual([20]);
    expect(timesOf('getNodeStatus')).toEqual([130, 131, 132, 133, 134, 136, 139, 143, 149, 158]);
    // The last look that still saw the old boot was at 149 s; the gate's first look, at the end, expects 400 s.
    expect(output.handOff).toMatchObject({ readyAfterRebootSeconds: 149, recoveryExpectedAt: iso(400) });
    expect(output.bootIdAfter).toBe(BOOT_AFTER);
  });

  it('a recovery part starts with a sleep until the opening its disruption expected', async () => {
    const first = await runNode(
      { ...healthyNode(), checkGate: (input) => (input.gate === 'pre-drain' ? { ok: true } : { ok: false, reasons: ['Deployment shop/web: 3/4 available'], expectedOpenAt: iso(500) }) },
      { part: 'disruption' },
    );
    await host?.close();
    host = undefined;
    await runNode({ ...healthyNode(), checkGate: (input) => (secondsOf(input.at) >= 500 ? { ok: true } : { ok: false, reasons: ['not yet'] }) }, { part: 'recovery', handOff: first.handOff! });
    expect(timesOf('checkGate', 'recovery')).toEqual([500]);
  });

  // ADR 0029: a workload a recovery look found whole after the reboot is not looked at again; a
  // later node that disrupts it (here: `web` short again from 100 s) does not hold this node.
  const web = { kind: 'Deployment', namespace: 'shop', name: 'web' };
  const api = { kind: 'Deployment', namespace: 'shop', name: 'api' };
  const twoWorkloads: ActivityStubs['evictPods'] = () => ({
    drained: true, evicted: ['shop/web-1', 'shop/api-1'], evictedWorkloads: [web, api], blocked: [], terminating: [], refused: [], errors: [], warnings: [],
  });
  /** web whole at the first look only; api back at 300 s. */
  const recoveryGate: ActivityStubs['checkGate'] = (input) => {
    if (input.gate === 'pre-drain') return { ok: true };
    const asked = (input.evicted ?? []).map((w) => w.name);
    const reasons = [
      ...(asked.includes('web') && secondsOf(input.at) >= 100 ? ['Deployment shop/web: 3/4 available (a later node drains it)'] : []),
      ...(asked.includes('api') && secondsOf(input.at) < 300 ? ['Deployment shop/api: 1/2 available'] : []),
    ];
    const recovered = asked.includes('web') && secondsOf(input.at) < 100 ? [web] : [];
    return reasons.length === 0 ? { ok: true } : { ok: false, reasons, ...(recovered.length > 0 && { recovered }), expectedOpenAt: iso(300) };
  };

  it('a workload found whole after the reboot is not looked at again: a later disruption of it does not hold the node', async () => {
    const output = await runNode({ ...healthyNode(), evictPods: twoWorkloads, checkGate: recoveryGate });
    expect(output).toMatchObject({ outcome: 'rebooted' });
    const asked = calls.filter((c) => c.input.gate === 'recovery').map((c) => (c.input.evicted as { name: string }[]).map((w) => w.name));
    expect(asked[0]).toEqual(['web', 'api']);
    expect(asked.slice(1).length).toBeGreaterThan(0);
    for (const later of asked.slice(1)) expect(later).toEqual(['api']);
    expect(secondsOf(output.finishedAt)).toBeGreaterThanOrEqual(300);
  });

  it('what the disruption\'s first recovery look found whole is handed to the recovery part', async () => {
    const first = await runNode({ ...healthyNode(), evictPods: twoWorkloads, checkGate: recoveryGate }, { part: 'disruption' });
    expect(first.handOff).toMatchObject({ evicted: [web, api], recovered: [web] });
    await host?.close();
    host = undefined;
    const second = await runNode({ ...healthyNode(), checkGate: recoveryGate }, { part: 'recovery', handOff: first.handOff! });
    expect(second).toMatchObject({ outcome: 'rebooted' });
    expect(calls.filter((c) => c.input.gate === 'recovery').map((c) => c.input.evicted)).toEqual([[api]]);
  });
});
