// The activities' composition root: everything they touch outside the process, built once,
// lazily, from the app settings (process.env) — the settings parsed by core/settings, the
// Azure credential, the ARM and kube client providers (one client per cluster, cached), and
// the secret URLs (webhooks, Prometheus) that never travel in an activity's input. The local
// host, the demo and tests inject the simulator's credential, endpoint, CA and clock through
// overrideActivityDependencies before the first activity runs.
import type { TokenCredential } from '@azure/identity';
import { createAksArmProvider, type AksArmProvider } from '../adapters/azure';
import { createKubeClientProvider, type KubeClientProvider } from '../adapters/kube';
import type { MessageTemplates } from '../core/notifyMessages';
import { formatSettingsErrors, parseSettings, type Settings } from '../core/settings';

export interface ActivityDependencies {
  settings: Settings;
  /** ARM per cluster (agent pools, run-command). */
  arm: AksArmProvider;
  /** Kubernetes per cluster, built from the user kubeconfig and an Entra token. */
  kube: KubeClientProvider;
  /** REBOOT_PROMETHEUS_URL (a secret; '' = the alert blocker is off). */
  prometheusUrl: string;
  /** REBOOT_NOTIFY_URL entries (secrets). */
  notifyUrls: string[];
  messageTemplates: MessageTemplates;
  /** For the webhook and Prometheus calls; Node's global fetch unless injected. */
  fetch?: typeof fetch;
  /** Waits between the attempts of one read (activities/retryRead.ts); a timer unless injected. */
  sleep: (ms: number) => Promise<void>;
}

/** What a host, the demo or a test may inject; everything else comes from the settings. */
export interface ActivityDependencyOverrides {
  /** The app settings to read instead of process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Instead of DefaultAzureCredential (the simulator's token credential). */
  credential?: TokenCredential;
  /** Instead of https://management.azure.com (the simulator's ARM endpoint). */
  armEndpoint?: string;
  /** PEM of a CA trusted for the ARM endpoint only (the simulator's). */
  armCaPem?: string;
  /** The clock that decides Entra token refreshes (the virtual clock); Date.now otherwise. */
  now?: () => number;
  /** For webhooks and Prometheus. */
  fetch?: typeof fetch;
  /** Instead of a real timer between read attempts (a test that counts the waits). */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds a fresh set of dependencies; throws with every settings problem when they are invalid. */
export function createActivityDependencies(overrides: ActivityDependencyOverrides = {}): ActivityDependencies {
  const parsed = parseSettings(overrides.env ?? process.env);
  if (!parsed.ok) throw new Error(formatSettingsErrors(parsed.errors));
  const { settings } = parsed;
  const arm = createAksArmProvider({
    ...(overrides.credential && { credential: overrides.credential }),
    ...(overrides.armEndpoint && { armEndpoint: overrides.armEndpoint }),
    ...(overrides.armCaPem && { armCaPem: overrides.armCaPem }),
  });
  const kube = createKubeClientProvider({
    arm,
    useAdminCredentials: settings.useAdminCredentials,
    ...(overrides.now && { now: overrides.now }),
  });
  return {
    settings,
    arm,
    kube,
    prometheusUrl: settings.prometheusUrl,
    notifyUrls: settings.notifyUrls,
    messageTemplates: {
      drain: settings.messageTemplateDrain,
      reboot: settings.messageTemplateReboot,
      uncordon: settings.messageTemplateUncordon,
    },
    ...(overrides.fetch && { fetch: overrides.fetch }),
    sleep: overrides.sleep ?? realSleep,
  };
}

let overrides: ActivityDependencyOverrides = {};
let current: ActivityDependencies | undefined;

/** The process's dependencies, built on first use (settings are read once). */
export function activityDependencies(): ActivityDependencies {
  current ??= createActivityDependencies(overrides);
  return current;
}

/**
 * Replaces what the next `activityDependencies()` is built from: call it before loading
 * functions/index.ts (the local host, the demo) or between tests. Dependencies already built
 * are dropped; await `resetActivityDependencies()` instead to wait for their connections to close.
 */
export function overrideActivityDependencies(partial: ActivityDependencyOverrides): void {
  overrides = { ...partial };
  const built = current;
  current = undefined;
  built?.kube.close().catch(() => undefined);
}

/** Forgets the built dependencies and closes their kube connections; the overrides stay. */
export async function resetActivityDependencies(): Promise<void> {
  const built = current;
  current = undefined;
  await built?.kube.close();
}
