// The whole product on one machine for end-to-end tests: the AKS simulator and the local
// durable host on one virtual clock, the real app loaded through functions/index.ts, its
// activities pointed at the simulator the way a deployment points them at Azure.
import path from 'node:path';
import { overrideActivityDependencies, resetActivityDependencies } from '../../activities/deps';
import { reloadSettings } from '../../functions/settings';
import { createVirtualClock, type VirtualClock } from '../../local/clock';
import { startSimulator, type Simulator } from '../../local/aks';
import { loadScenario, scenarioStartMs, type Scenario } from '../../local/aks/scenario';
import { startHost, type LocalHost } from '../../local/host';

export const ALIAS = 'seed';
const ROOT = path.resolve(__dirname, '../..');

export interface Stack {
  clock: VirtualClock;
  sim: Simulator;
  host: LocalHost;
  alias: string;
  /** Calls one of the app's HTTP routes with the function key. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON answers field by field
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface StackOptions {
  scenario?: string | Scenario;
  /** App settings on top of the defaults (REBOOT_*). */
  settings?: Record<string, string>;
  autoAdvance?: boolean;
  crashAt?: Parameters<typeof startHost>[0]['crashAt'];
  /** Extra clusters: alias → scenario, each on its own simulator. */
}

/** Settings every e2e run uses unless a test overrides them: short polls keep histories small. */
const BASE_SETTINGS: Record<string, string> = {
  REBOOT_SCHEDULE: '0 */15 * * * *',
  REBOOT_POLL_INTERVAL: '10s',
};

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const scenario = typeof options.scenario === 'object' ? options.scenario : loadScenario(options.scenario ?? path.join(ROOT, 'local/aks/scenarios/seed.json'));
  const clock = createVirtualClock(scenarioStartMs(scenario));
  const sim = await startSimulator(scenario, clock);
  const env = { ...BASE_SETTINGS, ...options.settings, AKS_CLUSTERS: `${ALIAS}=${sim.resourceId}` };
  for (const key of Object.keys(process.env)) if (key.startsWith('REBOOT_') || key === 'AKS_CLUSTERS') delete process.env[key];
  Object.assign(process.env, env);
  const settings = reloadSettings();
  if (!settings.ok) throw new Error(settings.message);
  overrideActivityDependencies({ env: process.env, credential: sim.credential, armEndpoint: sim.armEndpoint, armCaPem: sim.caPem, now: () => clock.now() });
  const host = await startHost({
    entry: path.join(ROOT, 'functions/index.ts'),
    clock,
    hostJson: path.join(ROOT, 'host.json'),
    ...(options.autoAdvance !== undefined ? { autoAdvance: options.autoAdvance } : {}),
    ...(options.crashAt ? { crashAt: options.crashAt } : {}),
  });
  return {
    clock,
    sim,
    host,
    alias: ALIAS,
    async api(method, route, body) {
      const response = await fetch(`${host.origin}/api/${route}`, {
        method,
        headers: { 'x-functions-key': host.keys.function, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
    async close() {
      await host.close();
      await resetActivityDependencies();
      await sim.stop();
      clock.stop();
    },
  };
}

/** Fires the maintenance timer and runs until the cluster's lock instance has finished. */
export async function runScheduledRollout(stack: Stack, limits = { maxRealMs: 120_000 }) {
  await stack.host.fireTimer('rebootSchedule');
  return stack.host.waitFor(`reboot-${stack.alias}`, limits);
}
