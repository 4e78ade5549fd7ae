// The app's settings, parsed once per process from its app settings. A bad setting never
// starts a run: callers get the error text (which never contains a secret's value).
import { formatSettingsErrors, parseSettings, type Settings } from '../core/settings';

export type LoadedSettings = { ok: true; settings: Settings } | { ok: false; message: string };

let loaded: LoadedSettings | undefined;

export function loadSettings(): LoadedSettings {
  if (!loaded) {
    const parsed = parseSettings(process.env);
    loaded = parsed.ok ? parsed : { ok: false, message: formatSettingsErrors(parsed.errors) };
  }
  return loaded;
}

/** Forgets the parsed settings (tests and the local host change app settings between runs). */
export function reloadSettings(): LoadedSettings {
  loaded = undefined;
  return loadSettings();
}
