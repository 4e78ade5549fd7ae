// The run's snapshot of the settings: what the orchestrators need, taken once when a run
// starts. Secrets (webhook URLs, the Prometheus URL) are left out: they would otherwise be
// stored in the run's history for anyone who can read it.
import type { RunSettings } from './runTypes';
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
  return {
    namespace: settings.namespace,
    helperImage: settings.helperImage,
    window: settings.window,
    concurrency: settings.concurrency,
    lockTtlSeconds: settings.lockTtlSeconds,
    drainDelaySeconds: settings.drainDelaySeconds,
    preDrainGate: settings.preDrainGate,
    preDrainTimeoutSeconds: settings.preDrainTimeoutSeconds,
    drain: {
      deleteEmptyDirData: settings.drainDeleteEmptyDirData,
      force: settings.drainForce,
      ...(settings.drainPodSelector ? { podSelector: settings.drainPodSelector } : {}),
      ...(settings.drainGracePeriodSeconds !== null ? { gracePeriodSeconds: settings.drainGracePeriodSeconds } : {}),
      skipWaitForDeleteTimeoutSeconds: settings.skipWaitForDeleteTimeoutSeconds,
    },
    drainTimeoutSeconds: settings.drainTimeoutSeconds,
    forceReboot: settings.forceReboot,
    rebootDelaySeconds: settings.rebootDelaySeconds,
    rebootTimeoutSeconds: settings.rebootTimeoutSeconds,
    recoveryGate: settings.recoveryGate,
    recoveryTimeoutSeconds: settings.recoveryTimeoutSeconds,
    postRebootDelaySeconds: settings.postRebootDelaySeconds,
    blockedTimeoutSeconds: settings.blockedTimeoutSeconds,
    pollIntervalSeconds: settings.pollIntervalSeconds,
    onFailure: settings.onFailure,
    detector: detectorOf(settings),
    method: settings.method,
    nodePools: settings.nodePools,
    excludeNodePools: settings.excludeNodePools,
    includeSpot: settings.includeSpot,
    blockingPodSelectors: settings.blockingPodSelectors,
    alerts: {
      enabled: settings.prometheusUrl !== '',
      ...(settings.alertFilterRegexp ? { filterRegexp: settings.alertFilterRegexp } : {}),
      matchOnly: settings.alertFilterMatchOnly,
      firingOnly: settings.alertFiringOnly,
    },
    preRebootLabels: settings.preRebootNodeLabels,
    postRebootLabels: settings.postRebootNodeLabels,
    preferNoScheduleTaint: settings.preferNoScheduleTaint,
    notify: settings.notifyUrls.length > 0,
  };
}
