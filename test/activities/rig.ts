// The activities against the AKS simulator, in-process on a virtual clock: dependencies built
// by the production composition root (activities/deps.ts) from app settings, with only the
// simulator's credential, ARM endpoint, CA and clock injected. No client is mocked.
import { readFileSync } from 'node:fs';
import { createActivityDependencies, type ActivityContext, type ActivityDependencies } from '../../activities';
import type { ClusterRef } from '../../activities/contracts';
import { createVirtualClock, type VirtualClock } from '../../local/clock';
import { startSimulator, type Simulator } from '../../local/aks/index';
import { bundledScenarioPath, loadScenario, scenarioStartMs, type Scenario } from '../../local/aks/scenario';

export const NAMESPACE = 'aks-reboot-orchestrator';
export const RUN_ID = '20260105T020000Z-ab12';
export const IMAGE = 'mcr.microsoft.com/azurelinux/busybox:1.36';

export interface LogLine {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown>;
}

export interface ActivityRig {
  scenario: Scenario;
  clock: VirtualClock;
  sim: Simulator;
  deps: ActivityDependencies;
  context: ActivityContext;
  logs: LogLine[];
  cluster: ClusterRef;
  /** { cluster, runId, at } at the clock's time now. */
  base(): { cluster: ClusterRef; runId: string; at: string };
  /** base() and a node. */
  on(node: string): { cluster: ClusterRef; runId: string; at: string; node: string };
  advance(seconds: number): void;
  /** Advances in steps (real-time yields between them) until `done` holds; bounded. */
  advanceUntil(done: () => boolean | Promise<boolean>, options?: { stepSeconds?: number; maxSeconds?: number }): Promise<void>;
  nodes(pool: string): string[];
  stop(): Promise<void>;
}

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

export async function startActivityRig(scenarioValue: Scenario = seedScenario(), env: Record<string, string> = {}): Promise<ActivityRig> {
  const scenario = loadScenario({ ...scenarioValue, namespaces: [...new Set([...(scenarioValue.namespaces ?? []), NAMESPACE])] });
  const clock = createVirtualClock(scenarioStartMs(scenario));
  const sim = await startSimulator(scenario, clock);
  const deps = createActivityDependencies({
    // Test receivers and Prometheus stubs listen on 127.0.0.1.
    env: { AKS_CLUSTERS: `sim=${sim.resourceId}`, REBOOT_ALLOW_PRIVATE_URLS: 'true', ...env },
    credential: sim.credential,
    armEndpoint: sim.armEndpoint,
    armCaPem: sim.caPem,
    now: () => clock.now(),
  });
  const logs: LogLine[] = [];
  const context: ActivityContext = {
    deps,
    log: {
      info: (message, fields) => logs.push({ level: 'info', message, fields }),
      warn: (message, fields) => logs.push({ level: 'warn', message, fields }),
    },
  };
  const cluster: ClusterRef = { alias: 'sim', resourceId: sim.resourceId, subscriptionId: sim.subscriptionId, resourceGroup: sim.resourceGroup, name: sim.clusterName };
  const base = () => ({ cluster, runId: RUN_ID, at: new Date(clock.now()).toISOString() });
  const advance = (seconds: number) => clock.advanceTo(clock.now() + seconds * 1000);
  return {
    scenario, clock, sim, deps, context, logs, cluster, base, advance,
    on: (node) => ({ ...base(), node }),
    async advanceUntil(done, options = {}) {
      const step = options.stepSeconds ?? 2;
      const max = options.maxSeconds ?? 900;
      for (let elapsed = 0; elapsed <= max; elapsed += step) {
        if (await done()) return;
        advance(step);
        // Let the simulator's async work (run-command's kubectl) finish between steps.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      throw new Error(`condition not reached within ${max} virtual seconds`);
    },
    nodes: (pool) => sim.cluster.nodeNames(pool),
    async stop() {
      await deps.kube.close();
      await sim.stop();
      clock.stop();
    },
  };
}
