// The app settings a demo run uses: the stack's base, a maintenance window that opens as the
// scenario starts (so the timer fires as the window opens, and the timeline shows its edge),
// then the person's --set values; checked by core/settings before anything starts.
import { formatSettingsErrors, parseSettings, settingDescriptions } from '../../core/settings';
import { stackEnv } from '../stack';

const WINDOW_SETTINGS = ['REBOOT_DAYS', 'REBOOT_START_TIME', 'REBOOT_END_TIME', 'REBOOT_TIME_ZONE'];

export type DemoSettings =
  | { ok: true; settings: Record<string, string>; /** As reports show them: secrets replaced. */ shown: Record<string, string>; namespace: string }
  | { ok: false; message: string };

export const SECRET_SHOWN_AS = '(secret, not shown)';

/** The settings as a report may show them: a secret setting's value never leaves the process. */
export function shownSettings(settings: Readonly<Record<string, string>>): Record<string, string> {
  const secret = new Set(settingDescriptions().filter((s) => s.secret).map((s) => s.name));
  return Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, secret.has(name) ? SECRET_SHOWN_AS : value]));
}

/** The demo's settings on top of the app's defaults; `startMs` is when the scenario starts. */
export function demoSettings(sets: Readonly<Record<string, string>>, startMs: number, alias: string, resourceId: string): DemoSettings {
  const known = new Set(settingDescriptions().map((s) => s.name));
  for (const name of Object.keys(sets)) {
    if (name === 'AKS_CLUSTERS') return { ok: false, message: '--set AKS_CLUSTERS: the demo sets AKS_CLUSTERS itself, to the simulated cluster; choose the cluster with --scenario or --nodes.' };
    // REBOOT_* names go to core/settings, which names a typo's nearest setting.
    if (!known.has(name) && !/^reboot_/i.test(name)) return { ok: false, message: `--set ${name}: not a setting of aks-reboot-orchestrator; the settings are ${[...known].join(', ')}.` };
  }
  const settings: Record<string, string> = {};
  if (!WINDOW_SETTINGS.some((name) => name in sets)) settings.REBOOT_START_TIME = new Date(startMs).toISOString().slice(11, 19);
  Object.assign(settings, sets);
  const parsed = parseSettings(stackEnv(settings, alias, resourceId));
  if (!parsed.ok) return { ok: false, message: formatSettingsErrors(parsed.errors) };
  return { ok: true, settings, shown: shownSettings(settings), namespace: parsed.settings.namespace };
}
