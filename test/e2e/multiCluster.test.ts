// Two clusters, one app: each alias of AKS_CLUSTERS has its own lock, Lease and run, and
// both roll at the same time without touching each other's nodes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overrideActivityDependencies, resetActivityDependencies } from '../../activities/deps';
import type { RunOutput } from '../../core/runTypes';
import { reloadSettings } from '../../functions/settings';
import { startSimulators, type SimulatorFleet } from '../../local/aks';
import { createVirtualClock } from '../../local/clock';
import { startHost, type LocalHost } from '../../local/host';
import { seedWith } from './support';

const ROOT = path.resolve(__dirname, '../..');

describe('two clusters', () => {
  let fleet: SimulatorFleet;
  let host: LocalHost;
  let outputs: Record<string, RunOutput>;
  let overlap: boolean;

  beforeAll(async () => {
    const shop = seedWith(() => undefined);
    const payments = seedWith((s) => {
      s.name = 'payments';
      s.seed = 99;
      s.cluster = { ...s.cluster, resourceGroup: 'rg-payments-prod', name: 'aks-payments-prod' };
    });
    const clock = createVirtualClock(Date.parse('2026-01-05T02:00:00Z'));
    fleet = await startSimulators([shop, payments], clock);
    const [a, b] = fleet.clusters;
    for (const key of Object.keys(process.env)) if (key.startsWith('REBOOT_') || key === 'AKS_CLUSTERS') delete process.env[key];
    Object.assign(process.env, { REBOOT_SCHEDULE: '0 */15 * * * *', AKS_CLUSTERS: `shop=${a!.resourceId},payments=${b!.resourceId}` });
    reloadSettings();
    overrideActivityDependencies({ env: process.env, credential: fleet.credential, armEndpoint: fleet.armEndpoint, armCaPem: fleet.caPem, now: () => clock.now() });
    host = await startHost({ entry: path.join(ROOT, 'functions/index.ts'), clock, hostJson: path.join(ROOT, 'host.json') });
    const running = new Set<string>();
    overlap = false;
    host.on((event) => {
      if (!('instanceId' in event) || typeof event.instanceId !== 'string' || !/^reboot-(shop|payments)$/.test(event.instanceId)) return;
      if (event.type === 'instanceStarted') running.add(event.instanceId);
      if (event.type === 'instanceCompleted' || event.type === 'instanceFailed') running.delete(event.instanceId);
      if (running.size === 2) overlap = true;
    });
    await host.fireTimer('rebootSchedule');
    const shopLock = await host.waitFor('reboot-shop', { maxRealMs: 180_000 });
    const paymentsLock = await host.waitFor('reboot-payments', { maxRealMs: 180_000 });
    outputs = { shop: shopLock.output as RunOutput, payments: paymentsLock.output as RunOutput };
  }, 240_000);

  afterAll(async () => {
    await host?.close();
    await resetActivityDependencies();
    await fleet?.stop();
  });

  it('rolls both clusters at the same time, each completely', () => {
    expect(overlap).toBe(true);
    expect(outputs.shop!.outcome).toBe('completed');
    expect(outputs.payments!.outcome).toBe('completed');
    for (const sim of fleet.clusters) {
      const summary = sim.recorder.summary();
      expect(summary.nodes.reboots.map((r) => r.rebootCount)).toEqual(Array(6).fill(1));
      expect(summary.workloads.find((w) => w.name === 'java-app')?.minReady).toBe(3);
      expect(summary.invariants.maxNodesDisrupted).toBe(1);
      expect(summary.invariants.pdbViolations).toEqual([]);
    }
  });

  it('keeps each run to its own cluster', () => {
    const [shop, payments] = fleet.clusters;
    expect(outputs.shop!.results.map((r) => r.node).sort()).toEqual(shop!.cluster.nodeNames().sort());
    expect(outputs.payments!.results.map((r) => r.node).sort()).toEqual(payments!.cluster.nodeNames().sort());
  });
});
