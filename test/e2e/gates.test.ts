// The gates are what make the seed scenario safe: without its PDB the pre-drain and recovery
// gates still wait for the previous node's java-app pod; with the gates off and no drain
// delay, the recorder shows java-app dropping to 2 ready replicas or fewer.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { runScheduledRollout, startStack, type Stack } from './stack';
import { seedWith } from './support';

const withoutPdbs = () => seedWith((s) => {
  for (const w of s.workloads ?? []) delete w.pdb;
});

describe('the gates', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('keep java-app at 3 ready replicas even without a PDB', async () => {
    stack = await startStack({ scenario: withoutPdbs() });
    const lock = await runScheduledRollout(stack);
    expect((lock.output as RunOutput).outcome).toBe('completed');
    const javaApp = stack.sim.recorder.summary().workloads.find((w) => w.name === 'java-app');
    expect(javaApp?.minReady).toBe(3);
  }, 180_000);

  it('turned off (no PDB, no drain delay), let java-app drop to 2 ready replicas or fewer', async () => {
    stack = await startStack({
      scenario: withoutPdbs(),
      settings: { REBOOT_PRE_DRAIN_GATE: 'false', REBOOT_RECOVERY_GATE: 'false', REBOOT_DRAIN_DELAY: '0', REBOOT_IMPLICIT_BUDGET: 'off' },
    });
    const lock = await runScheduledRollout(stack);
    expect((lock.output as RunOutput).outcome).toBe('completed');
    const javaApp = stack.sim.recorder.summary().workloads.find((w) => w.name === 'java-app');
    // Each node comes back in ~150 s, faster than java-app's 240 s readiness: without the
    // gates and without the implicit budget (which would make the drain itself wait for
    // java-app's replacement) the losses pile up (the seed run shows 1 ready replica at worst).
    expect(javaApp?.minReady).toBeLessThanOrEqual(2);
    expect(stack.sim.recorder.summary().invariants.maxNodesDisrupted).toBe(1);
  }, 180_000);
});
