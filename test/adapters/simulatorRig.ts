// Starts the AKS simulator in-process on a virtual clock and builds the product's adapters
// against it the production way (ARM for the kubeconfig, Entra tokens from a credential), only
// with the simulator's endpoint, CA and credential injected.

import { readFileSync } from 'node:fs';
import { afterEach } from 'vitest';
import { createAksArmProvider, parseClusterResourceId, type AksArm, type AksArmProvider, type ClusterRef } from '../../adapters/azure';
import { createKubeClientProvider, type KubeClient, type KubeClientProvider } from '../../adapters/kube';
import { createVirtualClock, type VirtualClock } from '../../local/clock';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../local/aks/index';
import { bundledScenarioPath, loadScenario, scenarioStartMs, type Scenario } from '../../local/aks/scenario';

export const HELPER_NAMESPACE = 'aks-reboot-orchestrator';

export interface Rig {
  scenario: Scenario;
  clock: VirtualClock;
  sim: Simulator;
  armProvider: AksArmProvider;
  kubeProvider: KubeClientProvider;
  cluster: ClusterRef;
  aks: AksArm;
  kube: KubeClient;
  /** Moves virtual time forward by `seconds`, running the cluster model's due events. */
  advance(seconds: number): void;
  stop(): Promise<void>;
}

/** The seed scenario as a plain object, to vary per test. */
/**
 * The seed scenario as a plain object, to vary per test, without RBAC: these tests reach
 * namespaces and verbs the app is never granted (a missing namespace, a plain delete) to check
 * the API's own answers; test/e2e runs the product with RBAC enforced.
 */
export function seedScenario(): Scenario {
  const scenario = JSON.parse(readFileSync(bundledScenarioPath('seed'), 'utf8')) as Scenario;
  delete scenario.cluster.rbac;
  return scenario;
}

export async function startRig(scenarioValue: Scenario = seedScenario(), options: SimulatorOptions = {}): Promise<Rig> {
  const scenario = loadScenario({ ...scenarioValue, namespaces: [...new Set([...(scenarioValue.namespaces ?? []), HELPER_NAMESPACE])] });
  const clock = createVirtualClock(scenarioStartMs(scenario));
  const sim = await startSimulator(scenario, clock, options);
  const armProvider = createAksArmProvider({ credential: sim.credential, armEndpoint: sim.armEndpoint, armCaPem: sim.caPem });
  const kubeProvider = createKubeClientProvider({ arm: armProvider, now: () => clock.now() });
  const cluster = parseClusterResourceId(sim.resourceId);
  const kube = await kubeProvider.forCluster(cluster);
  return {
    scenario, clock, sim, armProvider, kubeProvider, cluster, kube,
    aks: armProvider.forCluster(cluster),
    advance: (seconds) => clock.advanceTo(clock.now() + seconds * 1000),
    async stop() {
      await kubeProvider.close();
      await sim.stop();
      clock.stop();
    },
  };
}

/** `startRig` for a test file: each test's rig is stopped after it. Call at the top of the file. */
export function rigPerTest(): typeof startRig {
  let current: Rig | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (...args) => (current = await startRig(...args));
}
