// The run's snapshot of the settings: what the orchestrators need, taken once when a run
// starts. Secrets (webhook URLs, the Prometheus URL) are left out: they would otherwise be
// stored in the run's history for anyone who can read it.
import { COPIED_SETTINGS, type RunSettings } from './runTypes';
import type { Settings } from './settings';

function detectorOf(settings: Settings): RunSettings['detector'] {
  switch (settings.detector) {
    case 'sentinel':
      return { kind: 'sentinel', path: settings.sentinel };
    case 'node-label':
      return { kind: 'node-label', key: settings.nodeLabel.key, ...(settings.nodeLabel.value !== undefined ? { value: settings.nodeLabel.value } : {}) };
    case 'node-condition':
      return { kind: 'node-condition', condition: settings.nodeCondition };
  }
}

export function toRunSettings(settings: Settings): RunSettings {
  const copied = Object.fromEntries(COPIED_SETTINGS.map((name) => [name, settings[name]])) as Pick<Settings, (typeof COPIED_SETTINGS)[number]>;
  return {
    ...copied,
    drain: {
      deleteEmptyDirData: settings.drainDeleteEmptyDirData,
      force: settings.drainForce,
      ...(settings.drainPodSelector ? { podSelector: settings.drainPodSelector } : {}),
      ...(settings.drainGracePeriodSeconds !== null ? { gracePeriodSeconds: settings.drainGracePeriodSeconds } : {}),
      skipWaitForDeleteTimeoutSeconds: settings.skipWaitForDeleteTimeoutSeconds,
      implicitBudget: settings.implicitBudget,
    },
    detector: detectorOf(settings),
    alerts: {
      enabled: settings.prometheusUrl !== '',
      ...(settings.alertFilterRegexp ? { filterRegexp: settings.alertFilterRegexp } : {}),
      matchOnly: settings.alertFilterMatchOnly,
      firingOnly: settings.alertFiringOnly,
    },
    preRebootLabels: settings.preRebootNodeLabels,
    postRebootLabels: settings.postRebootNodeLabels,
    notify: settings.notifyUrls.length > 0,
  };
}
