// The whole product on one machine, shared by `npm run demo` and the end-to-end tests: the AKS
// simulator and the local durable host on one clock, the real app loaded through
// functions/index.ts, its activities pointed at the simulator the way a deployment points them
// at Azure. Whoever imports this must have installed the functions-core stand-in first
// (vitest's setup file does; the demo's entry does it on its first line).
import path from 'node:path';
import { overrideActivityDependencies, resetActivityDependencies } from '../activities/deps';
import { useFunctionClock } from '../functions/clock';
import { reloadSettings } from '../functions/settings';
import { type Clock, createRealTimeClock, createVirtualClock } from './clock';
import { startSimulator, withDefaultRbac, type Simulator, type SimulatorOptions } from './aks';
import { loadScenario, scenarioStartMs, type Scenario } from './aks/scenario';
import { type Backend, type HistoryStore, startHost, type LocalHost } from './host';

export const ALIAS = 'seed';
const ROOT = path.resolve(__dirname, '..');
export const SEED_SCENARIO = path.join(ROOT, 'local/aks/scenarios/seed.json');
/** The timer function a maintenance window fires (functions/schedule.ts). */
export const REBOOT_TIMER = 'rebootSchedule';

export interface Stack {
  clock: Clock;
  sim: Simulator;
  host: LocalHost;
  alias: string;
  /** Instance id of the cluster's lock orchestration (`reboot-<alias>`). */
  lockInstanceId: string;
  /** Calls one of the app's HTTP routes with the function key; `location` is the answer's Location header, if any. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers read the JSON answers field by field
  api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any; location?: string }>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** A scenario file or object (default: the seed scenario). */
  scenario?: string | Scenario;
  /** App settings on top of the defaults (REBOOT_*). */
  settings?: Record<string, string>;
  /** Virtual clock only: the host skips time by itself whenever it is idle. */
  autoAdvance?: boolean;
  /** A real-time clock, this many times faster than the wall clock (default: a virtual clock). */
  realTimeSpeed?: number;
  /** The durability provider whose start semantics the host follows (default: host.json's). */
  backend?: Backend;
  crashAt?: Parameters<typeof startHost>[0]['crashAt'];
  /** Where the host keeps histories and queues (default: in memory); a FileHistoryStore survives a restart. */
  store?: HistoryStore;
  duplicateDelivery?: Parameters<typeof startHost>[0]['duplicateDelivery'];
  /** Seeded dequeue delays and cold starts (local/host/latency.ts). */
  latency?: Parameters<typeof startHost>[0]['latency'];
  onLog?: Parameters<typeof startHost>[0]['onLog'];
  /** The cluster's alias in AKS_CLUSTERS (default `seed`). */
  alias?: string;
  /** Simulator options, e.g. a short `tokenLifetimeMs` for the app's credential. */
  simulator?: SimulatorOptions;
}

/**
 * Settings every stack uses unless the caller overrides them: short polls keep histories small;
 * webhook receivers and Prometheus stubs of the local world listen on 127.0.0.1.
 */
export const BASE_SETTINGS: Readonly<Record<string, string>> = {
  REBOOT_SCHEDULE: '0 */15 * * * *',
  REBOOT_POLL_INTERVAL: '10s',
  REBOOT_ALLOW_PRIVATE_URLS: 'true',
};

/** The app settings a stack runs with: the base, the caller's, and the simulated cluster. */
export function stackEnv(settings: Record<string, string> | undefined, alias: string, resourceId: string): Record<string, string> {
  return { ...BASE_SETTINGS, ...settings, AKS_CLUSTERS: `${alias}=${resourceId}` };
}

const HOST_MODES = ['race', 'duplicates', 'latency'] as const;
const DEFAULT_LATENCY_SEED = 12;

/**
 * LOCAL_HOST_MODES, a comma-separated list, turns on harsher Azure behaviours for a whole run of
 * the end-to-end suite (CI runs it once more with them): `race` = the Azure Storage backend's
 * start semantics, `duplicates` = every activity message delivered twice at once, `latency` =
 * seeded dequeue delays up to the polling interval and cold starts (seed: LOCAL_HOST_LATENCY_SEED,
 * an integer, default 12). A test's own options win.
 */
export function hostModesFromEnv(env: NodeJS.ProcessEnv = process.env): Pick<StackOptions, 'backend' | 'duplicateDelivery' | 'latency'> {
  const modes = (env.LOCAL_HOST_MODES ?? '').split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = modes.filter((m) => !(HOST_MODES as readonly string[]).includes(m));
  if (unknown.length > 0) throw new Error(`LOCAL_HOST_MODES: unknown mode ${unknown.join(', ')}; accepted: ${HOST_MODES.join(', ')} (comma-separated)`);
  const seedText = env.LOCAL_HOST_LATENCY_SEED ?? String(DEFAULT_LATENCY_SEED);
  const seed = Number(seedText);
  if (!/^-?\d+$/.test(seedText.trim()) || !Number.isSafeInteger(seed)) throw new Error(`LOCAL_HOST_LATENCY_SEED: '${seedText}' is not an integer`);
  return {
    ...(modes.includes('race') ? { backend: 'azureStorage' as const } : {}),
    ...(modes.includes('duplicates') ? { duplicateDelivery: true } : {}),
    ...(modes.includes('latency') ? { latency: { seed } } : {}),
  };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  options = { ...hostModesFromEnv(), ...options };
  // Every stack enforces the app's Kubernetes RBAC unless its scenario says otherwise: a call
  // that infra/k8s does not grant fails the run, as it would on a real cluster.
  const scenario = withDefaultRbac(typeof options.scenario === 'object' ? options.scenario : loadScenario(options.scenario ?? SEED_SCENARIO));
  const alias = options.alias ?? ALIAS;
  const start = scenarioStartMs(scenario);
  const clock = options.realTimeSpeed !== undefined ? createRealTimeClock({ start, speed: options.realTimeSpeed }) : createVirtualClock(start);
  const sim = await startSimulator(scenario, clock, options.simulator);
  try {
    for (const key of Object.keys(process.env)) if (key.startsWith('REBOOT_') || key === 'AKS_CLUSTERS') delete process.env[key];
    Object.assign(process.env, stackEnv(options.settings, alias, sim.resourceId));
    const settings = reloadSettings();
    if (!settings.ok) throw new Error(settings.message);
    overrideActivityDependencies({ env: process.env, credential: sim.credential, armEndpoint: sim.armEndpoint, armCaPem: sim.caPem, now: () => clock.now() });
    const host = await startHost({
      entry: path.join(ROOT, 'functions/index.ts'),
      clock,
      hostJson: path.join(ROOT, 'host.json'),
      ...(options.autoAdvance !== undefined ? { autoAdvance: options.autoAdvance } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.crashAt ? { crashAt: options.crashAt } : {}),
      ...(options.store ? { store: options.store } : {}),
      ...(options.duplicateDelivery ? { duplicateDelivery: options.duplicateDelivery } : {}),
      ...(options.latency ? { latency: options.latency } : {}),
      ...(options.onLog ? { onLog: options.onLog } : {}),
    });
    // Client functions read the host's clock, as they read the wall clock on Azure.
    useFunctionClock(host.functionClock);
    return {
      clock,
      sim,
      host,
      alias,
      lockInstanceId: `reboot-${alias}`,
      api: (method, route, body) => callApi(host, method, route, body),
      async close() {
        await host.close();
        useFunctionClock(undefined);
        await resetActivityDependencies();
        await sim.stop();
        clock.stop();
      },
    };
  } catch (error) {
    useFunctionClock(undefined);
    await resetActivityDependencies();
    await sim.stop();
    clock.stop();
    throw error;
  }
}

async function callApi(host: LocalHost, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown; location?: string }> {
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
  const location = response.headers.get('location');
  return { status: response.status, body: parsed, ...(location ? { location } : {}) };
}

/** Fires the maintenance timer and runs until the cluster's lock instance has finished. */
export async function runScheduledRollout(stack: Stack, limits = { maxRealMs: 120_000 }) {
  await stack.host.fireTimer(REBOOT_TIMER);
  return stack.host.waitFor(stack.lockInstanceId, limits);
}
