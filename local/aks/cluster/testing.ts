// Helpers for tests of the model: a cluster on a virtual clock from a scenario, and a bounded
// wait in virtual time.
import { createVirtualClock } from '../../clock';
import { bundledScenarioPath, loadScenario, scenarioStartMs, type Scenario } from '../scenario';
import { Cluster } from './cluster';

export function seedScenario(): Scenario {
  return loadScenario(bundledScenarioPath('seed'));
}

export function clusterFor(scenario: Scenario | unknown = seedScenario()): Cluster {
  const s = loadScenario(scenario);
  return new Cluster(s, createVirtualClock(scenarioStartMs(s)));
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
