import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSettingsErrors, parseSettings, settingDefaults, settingDescriptions, settingsSchema, settingInput, type Settings } from './settings';
import { settingsTable } from './settingsTable';
import { createWindow } from './window';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const clusterId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`;

const settingsOf = (env: Record<string, string | undefined>): Settings => {
  const result = parseSettings(env);
  if (!result.ok) throw new Error(formatSettingsErrors(result.errors));
  return result.settings;
};
const errorsOf = (env: Record<string, string | undefined>) => {
  const result = parseSettings(env);
  if (result.ok) throw new Error('expected settings errors');
  return result.errors;
};

const DEFAULT_SETTINGS: Settings = {
  clusters: [],
  enabled: true,
  schedule: '0 */15 * * * *',
  window: { days: [0, 1, 2, 3, 4, 5, 6], start: '00:00:00', end: '23:59:59', timeZone: 'UTC' },
  concurrency: 1,
  lockTtlSeconds: 1800,
  drainDelaySeconds: 0,
  preDrainGate: true,
  preDrainTimeoutSeconds: 1800,
  drainTimeoutSeconds: 1800,
  drainGracePeriodSeconds: null,
  drainPodSelector: '',
  drainDeleteEmptyDirData: true,
  drainForce: true,
  skipWaitForDeleteTimeoutSeconds: 0,
  implicitBudget: 'rollout',
  forceReboot: false,
  rebootDelaySeconds: 0,
  rebootTimeoutSeconds: 900,
  recoveryGate: true,
  recoveryTimeoutSeconds: 1800,
  postRebootDelaySeconds: 0,
  blockedTimeoutSeconds: 3600,
  pollIntervalSeconds: 10,
  onFailure: 'halt',
  detector: 'sentinel',
  sentinel: '/var/run/reboot-required',
  nodeLabel: { key: 'aks-reboot-orchestrator/reboot-required', value: 'true' },
  nodeCondition: 'RebootRequired',
  method: 'run-command',
  helperImage: 'mcr.microsoft.com/azurelinux/busybox:1.36',
  namespace: 'aks-reboot-orchestrator',
  nodePools: [],
  excludeNodePools: [],
  includeSpot: false,
  blockingPodSelectors: [],
  prometheusUrl: '',
  alertFilterRegexp: '',
  alertFilterMatchOnly: false,
  alertFiringOnly: false,
  preRebootNodeLabels: {},
  postRebootNodeLabels: {},
  preferNoScheduleTaint: '',
  notifyUrls: [],
  messageTemplateDrain: 'Draining node %s',
  messageTemplateReboot: 'Rebooting node %s',
  messageTemplateUncordon: 'Node %s rebooted & uncordoned successfully!',
  useAdminCredentials: false,
  historyRetentionSeconds: 90 * 86_400,
  allowPrivateUrls: false,
};

describe('defaults (the README settings table, kured where it has the setting)', () => {
  it('an empty environment gives every default', () => {
    expect(settingsOf({})).toEqual(DEFAULT_SETTINGS);
  });

  it('a blank value means the default', () => {
    expect(settingsOf({ REBOOT_DRAIN_TIMEOUT: '  ', REBOOT_DAYS: '' })).toEqual(DEFAULT_SETTINGS);
  });

  it('ignores variables that are not ours', () => {
    expect(settingsOf({ PATH: '/usr/bin', AZURE_CLIENT_ID: 'x', FUNCTIONS_WORKER_RUNTIME: 'node', KURED_NODE_ID: 'n' })).toEqual(DEFAULT_SETTINGS);
  });

  it('the default window is a valid window, open all week as kured', () => {
    const window = createWindow(settingsOf({}).window);
    expect(window.contains(Date.parse('2024-02-29T23:59:59Z'))).toBe(true);
    expect(window.contains(Date.parse('2024-03-03T00:00:00Z'))).toBe(true);
  });

  it('the parsed settings are plain JSON', () => {
    const settings = settingsOf({ AKS_CLUSTERS: `prod=${clusterId('aks-prod')}`, REBOOT_PRE_REBOOT_NODE_LABELS: 'a=b' });
    expect(JSON.parse(JSON.stringify(settings))).toEqual(settings);
  });
});

describe('values in every accepted form', () => {
  it('parses a full environment', () => {
    const settings = settingsOf({
      AKS_CLUSTERS: `prod=${clusterId('aks-prod')}, test=${clusterId('aks-test')}`,
      REBOOT_ENABLED: 'FALSE',
      REBOOT_SCHEDULE: '0 0 2 * * Sat',
      REBOOT_DAYS: 'sat,sunday',
      REBOOT_START_TIME: '9pm',
      REBOOT_END_TIME: '03:30am',
      REBOOT_TIME_ZONE: 'Europe/Paris',
      REBOOT_CONCURRENCY: '3',
      REBOOT_LOCK_TTL: '1h',
      REBOOT_DRAIN_DELAY: '1m30s',
      REBOOT_PRE_DRAIN_GATE: 'false',
      REBOOT_PRE_DRAIN_TIMEOUT: '45m',
      REBOOT_DRAIN_TIMEOUT: '1h30m',
      REBOOT_DRAIN_GRACE_PERIOD: '30s',
      REBOOT_DRAIN_POD_SELECTOR: 'app notin (db)',
      REBOOT_DRAIN_DELETE_EMPTYDIR_DATA: '0',
      REBOOT_DRAIN_FORCE: 'false',
      REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT: '5m',
      REBOOT_IMPLICIT_BUDGET: 'off',
      REBOOT_FORCE_REBOOT: 'true',
      REBOOT_REBOOT_DELAY: '10s',
      REBOOT_TIMEOUT: '20m',
      REBOOT_RECOVERY_GATE: 'false',
      REBOOT_RECOVERY_TIMEOUT: '1h',
      REBOOT_POST_REBOOT_DELAY: '2m',
      REBOOT_BLOCKED_TIMEOUT: '0',
      REBOOT_POLL_INTERVAL: '30s',
      REBOOT_ON_FAILURE: 'Skip',
      REBOOT_DETECTOR: 'node-condition',
      REBOOT_SENTINEL: '/run/reboot-needed',
      REBOOT_NODE_LABEL: 'example.com/reboot',
      REBOOT_NODE_CONDITION: 'example.com/KernelUpdated',
      REBOOT_METHOD: 'pod',
      REBOOT_HELPER_IMAGE: `myregistry.azurecr.io/tools/busybox:1.36@sha256:${'a'.repeat(64)}`,
      REBOOT_NAMESPACE: 'ops',
      REBOOT_NODE_POOLS: 'user1,user2',
      REBOOT_EXCLUDE_NODE_POOLS: 'system',
      REBOOT_INCLUDE_SPOT: 'true',
      REBOOT_BLOCKING_POD_SELECTOR: 'app=backup,phase=running; team=db',
      REBOOT_PROMETHEUS_URL: 'https://prometheus.example.com',
      REBOOT_ALERT_FILTER_REGEXP: '(?i)^(RebootRequired|Watchdog)$',
      REBOOT_ALERT_FILTER_MATCH_ONLY: 'true',
      REBOOT_ALERT_FIRING_ONLY: 'true',
      REBOOT_PRE_REBOOT_NODE_LABELS: 'example.com/rebooting=true',
      REBOOT_POST_REBOOT_NODE_LABELS: 'example.com/rebooting=false,team=ops',
      REBOOT_PREFER_NO_SCHEDULE_TAINT: 'weave.works/kured-node-reboot',
      REBOOT_NOTIFY_URL: 'https://hooks.slack.com/services/T/B/x\n teams+https://proxy.example.com/hook,http://127.0.0.1:8080/hook',
      REBOOT_MESSAGE_TEMPLATE_DRAIN: 'Draining %s (100%%)',
      REBOOT_MESSAGE_TEMPLATE_REBOOT: 'Rebooting',
      REBOOT_MESSAGE_TEMPLATE_UNCORDON: '%s is back',
      REBOOT_USE_ADMIN_CREDENTIALS: 'true',
      REBOOT_ALLOW_PRIVATE_URLS: 'true',
      REBOOT_HISTORY_RETENTION: '30d',
    });
    expect(settings).toEqual({
      clusters: [
        { alias: 'prod', resourceId: clusterId('aks-prod'), subscriptionId: SUB, resourceGroup: 'rg-aks', name: 'aks-prod' },
        { alias: 'test', resourceId: clusterId('aks-test'), subscriptionId: SUB, resourceGroup: 'rg-aks', name: 'aks-test' },
      ],
      enabled: false,
      schedule: '0 0 2 * * Sat',
      window: { days: [0, 6], start: '21:00:00', end: '03:30:00', timeZone: 'Europe/Paris' },
      concurrency: 3,
      lockTtlSeconds: 3600,
      drainDelaySeconds: 90,
      preDrainGate: false,
      preDrainTimeoutSeconds: 2700,
      drainTimeoutSeconds: 5400,
      drainGracePeriodSeconds: 30,
      drainPodSelector: 'app notin (db)',
      drainDeleteEmptyDirData: false,
      drainForce: false,
      skipWaitForDeleteTimeoutSeconds: 300,
      implicitBudget: 'off',
      forceReboot: true,
      rebootDelaySeconds: 10,
      rebootTimeoutSeconds: 1200,
      recoveryGate: false,
      recoveryTimeoutSeconds: 3600,
      postRebootDelaySeconds: 120,
      blockedTimeoutSeconds: 0,
      pollIntervalSeconds: 30,
      onFailure: 'skip',
      detector: 'node-condition',
      sentinel: '/run/reboot-needed',
      nodeLabel: { key: 'example.com/reboot' },
      nodeCondition: 'example.com/KernelUpdated',
      method: 'pod',
      helperImage: `myregistry.azurecr.io/tools/busybox:1.36@sha256:${'a'.repeat(64)}`,
      namespace: 'ops',
      nodePools: ['user1', 'user2'],
      excludeNodePools: ['system'],
      includeSpot: true,
      blockingPodSelectors: ['app=backup,phase=running', 'team=db'],
      prometheusUrl: 'https://prometheus.example.com',
      alertFilterRegexp: '(?i)^(RebootRequired|Watchdog)$',
      alertFilterMatchOnly: true,
      alertFiringOnly: true,
      preRebootNodeLabels: { 'example.com/rebooting': 'true' },
      postRebootNodeLabels: { 'example.com/rebooting': 'false', team: 'ops' },
      preferNoScheduleTaint: 'weave.works/kured-node-reboot',
      notifyUrls: ['https://hooks.slack.com/services/T/B/x', 'teams+https://proxy.example.com/hook', 'http://127.0.0.1:8080/hook'],
      messageTemplateDrain: 'Draining %s (100%%)',
      messageTemplateReboot: 'Rebooting',
      messageTemplateUncordon: '%s is back',
      useAdminCredentials: true,
      historyRetentionSeconds: 30 * 86_400,
      allowPrivateUrls: true,
    } satisfies Settings);
  });

  it('accepts kured\'s "-1" grace period as "each pod\'s own"', () => {
    expect(settingsOf({ REBOOT_DRAIN_GRACE_PERIOD: '-1' }).drainGracePeriodSeconds).toBeNull();
  });
});

// One bad value per setting, with the exact message an operator reads.
const DURATION = "use kured's form such as 30m, 1h30m or 90s (units h, m, s, ms; d for days)";
const BOOLEAN = 'is not a boolean; use true or false';
const QUALIFIED = 'an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_" or ".", e.g. example.com/reboot';
const SELECTOR_FORM = 'accepted form: comma-separated requirements, all of which must hold: key=value, key==value, key!=value, key in (v1,v2), key notin (v1,v2), key (exists), !key (does not exist), key>N, key<N; e.g. app=web,tier!=cache,zone in (1,2),!legacy';
const TEMPLATE_FORM = 'expected text of at most 500 characters where %s stands for the node name and %% for a percent sign, e.g. "Rebooting node %s"';
const BAD_VALUES: [setting: string, value: string, message: string][] = [
  ['AKS_CLUSTERS', `prod=${clusterId('aks').replace(SUB, 'xyz')}`, `AKS_CLUSTERS: "prod=${clusterId('aks').replace(SUB, 'xyz')}" has a malformed AKS resource id for prod; use alias=/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>, separated by commas (alias: lower-case letters, digits and "-")`],
  ['REBOOT_ENABLED', 'yes', `REBOOT_ENABLED: "yes" ${BOOLEAN}`],
  ['REBOOT_SCHEDULE', '*/15 * * * *', 'REBOOT_SCHEDULE: "*/15 * * * *" has 5 fields; use a 6-field NCRONTAB expression "{second} {minute} {hour} {day} {month} {day-of-week}", e.g. 0 */15 * * * *'],
  ['REBOOT_DAYS', 'mon,fridayyy', 'REBOOT_DAYS: "mon,fridayyy" has an unknown day "fridayyy"; use days such as su,mo,tu,we,th,fr,sa (or sun/sunday…, or 0-6 with 0 = Sunday; ranges such as mo-fr), separated by commas'],
  ['REBOOT_START_TIME', '25:00', 'REBOOT_START_TIME: "25:00" is not a time of day; use a time of day as kured takes it, such as 15:04, 23:59:59, 3pm or 03:04pm'],
  ['REBOOT_END_TIME', '5 pm-ish', 'REBOOT_END_TIME: "5 pm-ish" is not a time of day; use a time of day as kured takes it, such as 15:04, 23:59:59, 3pm or 03:04pm'],
  ['REBOOT_TIME_ZONE', 'Mars/Olympus', 'REBOOT_TIME_ZONE: "Mars/Olympus" is not a time zone known to the IANA database; use an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles'],
  ['REBOOT_CONCURRENCY', '0', 'REBOOT_CONCURRENCY: "0" is not a whole number from 1 to 100; use for example 1'],
  ['REBOOT_LOCK_TTL', '30', `REBOOT_LOCK_TTL: "30" is not a duration; ${DURATION}`],
  ['REBOOT_DRAIN_DELAY', '-1m', `REBOOT_DRAIN_DELAY: "-1m" is not a duration; ${DURATION}`],
  ['REBOOT_PRE_DRAIN_GATE', 'maybe', `REBOOT_PRE_DRAIN_GATE: "maybe" ${BOOLEAN}`],
  ['REBOOT_PRE_DRAIN_TIMEOUT', '10s', 'REBOOT_PRE_DRAIN_TIMEOUT: "10s" is out of range; use a duration from 1m to 1d, in kured\'s form such as 30m or 1h30m'],
  ['REBOOT_DRAIN_TIMEOUT', '5 minutes', `REBOOT_DRAIN_TIMEOUT: "5 minutes" is not a duration; ${DURATION}`],
  ['REBOOT_DRAIN_GRACE_PERIOD', '2h', 'REBOOT_DRAIN_GRACE_PERIOD: "2h" is out of range; use a duration from 0s to 1h, in kured\'s form such as 30m or 1h30m'],
  ['REBOOT_DRAIN_POD_SELECTOR', 'app in (web', `REBOOT_DRAIN_POD_SELECTOR: "app in (web" is not a label selector: found end of string at position 11, expected ',' or ')'; ${SELECTOR_FORM}`],
  ['REBOOT_DRAIN_DELETE_EMPTYDIR_DATA', 'on', `REBOOT_DRAIN_DELETE_EMPTYDIR_DATA: "on" ${BOOLEAN}`],
  ['REBOOT_DRAIN_FORCE', 'force', `REBOOT_DRAIN_FORCE: "force" ${BOOLEAN}`],
  ['REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT', '30', `REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT: "30" is not a duration; ${DURATION}`],
  ['REBOOT_IMPLICIT_BUDGET', 'pdb', 'REBOOT_IMPLICIT_BUDGET: "pdb" is not accepted; use one of: rollout, off'],
  ['REBOOT_FORCE_REBOOT', 'no', `REBOOT_FORCE_REBOOT: "no" ${BOOLEAN}`],
  ['REBOOT_REBOOT_DELAY', '1w', `REBOOT_REBOOT_DELAY: "1w" is not a duration; ${DURATION}`],
  ['REBOOT_TIMEOUT', '0', 'REBOOT_TIMEOUT: "0" is out of range; use a duration from 1m to 1d, in kured\'s form such as 30m or 1h30m'],
  ['REBOOT_RECOVERY_GATE', 'enabled', `REBOOT_RECOVERY_GATE: "enabled" ${BOOLEAN}`],
  ['REBOOT_RECOVERY_TIMEOUT', '2d', 'REBOOT_RECOVERY_TIMEOUT: "2d" is out of range; use a duration from 1m to 1d, in kured\'s form such as 30m or 1h30m'],
  ['REBOOT_POST_REBOOT_DELAY', '1h 30m', `REBOOT_POST_REBOOT_DELAY: "1h 30m" is not a duration; ${DURATION}`],
  ['REBOOT_BLOCKED_TIMEOUT', '8d', 'REBOOT_BLOCKED_TIMEOUT: "8d" is out of range; use a duration from 0s to 7d, in kured\'s form such as 30m or 1h30m'],
  ['REBOOT_POLL_INTERVAL', '500ms', `REBOOT_POLL_INTERVAL: "500ms" is not a whole number of seconds; ${DURATION}`],
  ['REBOOT_ON_FAILURE', 'continue', 'REBOOT_ON_FAILURE: "continue" is not accepted; use one of: halt, skip'],
  ['REBOOT_DETECTOR', 'file', 'REBOOT_DETECTOR: "file" is not accepted; use one of: sentinel, node-label, node-condition'],
  ['REBOOT_SENTINEL', '/var/run/../reboot-required', 'REBOOT_SENTINEL: "/var/run/../reboot-required" is not valid; use an absolute path of letters, digits, ".", "_" and "-" segments, e.g. /var/run/reboot-required'],
  ['REBOOT_NODE_LABEL', 'reboot=yes=no', `REBOOT_NODE_LABEL: "reboot=yes=no" is not a node label; use key or key=value, e.g. aks-reboot-orchestrator/reboot-required=true (key: ${QUALIFIED})`],
  ['REBOOT_NODE_CONDITION', 'Reboot Required', `REBOOT_NODE_CONDITION: "Reboot Required" is not valid; use a node condition type, e.g. RebootRequired (${QUALIFIED})`],
  ['REBOOT_METHOD', 'ssh', 'REBOOT_METHOD: "ssh" is not accepted; use one of: run-command, pod'],
  ['REBOOT_HELPER_IMAGE', 'Busybox:latest', 'REBOOT_HELPER_IMAGE: "Busybox:latest" is not valid; use an image reference such as mcr.microsoft.com/azurelinux/busybox:1.36 or …@sha256:<64 hex>'],
  ['REBOOT_NAMESPACE', 'Kube_System', 'REBOOT_NAMESPACE: "Kube_System" is not valid; use lower-case letters, digits and "-" (RFC 1123 label, at most 63 characters), e.g. aks-reboot-orchestrator'],
  ['REBOOT_NODE_POOLS', 'System', 'REBOOT_NODE_POOLS: "System" has a bad node pool name "System"; use AKS node pool names (a lower-case letter, then up to 11 lower-case letters or digits) separated by commas, such as nodepool1,user'],
  ['REBOOT_EXCLUDE_NODE_POOLS', 'gpu-pool', 'REBOOT_EXCLUDE_NODE_POOLS: "gpu-pool" has a bad node pool name "gpu-pool"; use AKS node pool names (a lower-case letter, then up to 11 lower-case letters or digits) separated by commas, such as nodepool1,user'],
  ['REBOOT_INCLUDE_SPOT', 'sometimes', `REBOOT_INCLUDE_SPOT: "sometimes" ${BOOLEAN}`],
  ['REBOOT_BLOCKING_POD_SELECTOR', 'app=db;!', `REBOOT_BLOCKING_POD_SELECTOR: "app=db;!" has a bad selector "!" (number 2 of 2, separated by ";"): found end of string at position 1, expected a label key; ${SELECTOR_FORM}`],
  ['REBOOT_PROMETHEUS_URL', 'prometheus.monitoring:9090/?token=hunter2', 'REBOOT_PROMETHEUS_URL: the value is not an http:// or https:// URL (the value is secret and not shown)'],
  ['REBOOT_ALERT_FILTER_REGEXP', '^(Reboot', 'REBOOT_ALERT_FILTER_REGEXP: "^(Reboot" is not a valid regular expression; use a pattern such as ^(RebootRequired|Watchdog)$'],
  ['REBOOT_ALERT_FILTER_MATCH_ONLY', 'matchonly', `REBOOT_ALERT_FILTER_MATCH_ONLY: "matchonly" ${BOOLEAN}`],
  ['REBOOT_ALERT_FIRING_ONLY', 'firing', `REBOOT_ALERT_FIRING_ONLY: "firing" ${BOOLEAN}`],
  ['REBOOT_PRE_REBOOT_NODE_LABELS', 'rebooting', 'REBOOT_PRE_REBOOT_NODE_LABELS: "rebooting" has "rebooting" without "="; use key=value pairs separated by commas, such as example.com/rebooting=true,team=ops'],
  ['REBOOT_POST_REBOOT_NODE_LABELS', 'a=1,a=2', 'REBOOT_POST_REBOOT_NODE_LABELS: "a=1,a=2" sets a twice; use key=value pairs separated by commas, such as example.com/rebooting=true,team=ops'],
  ['REBOOT_PREFER_NO_SCHEDULE_TAINT', 'no schedule', `REBOOT_PREFER_NO_SCHEDULE_TAINT: "no schedule" is not valid; use a taint key such as weave.works/kured-node-reboot (${QUALIFIED})`],
  ['REBOOT_NOTIFY_URL', 'https://hooks.slack.com/services/T0/B0/hunter2 http://hooks.example.com/hunter3', 'REBOOT_NOTIFY_URL: entry 2 of 2 uses http:// to a public host (webhook URLs carry secrets); use https:// (the value is secret and not shown)'],
  ['REBOOT_MESSAGE_TEMPLATE_DRAIN', 'Draining %d', `REBOOT_MESSAGE_TEMPLATE_DRAIN: "Draining %d" has the verb "%d"; ${TEMPLATE_FORM}`],
  ['REBOOT_MESSAGE_TEMPLATE_REBOOT', 'Rebooting %s at %v', `REBOOT_MESSAGE_TEMPLATE_REBOOT: "Rebooting %s at %v" has the verb "%v"; ${TEMPLATE_FORM}`],
  ['REBOOT_MESSAGE_TEMPLATE_UNCORDON', 'x'.repeat(501), `REBOOT_MESSAGE_TEMPLATE_UNCORDON: "${'x'.repeat(200)}…" is 501 characters long; ${TEMPLATE_FORM}`],
  ['REBOOT_USE_ADMIN_CREDENTIALS', 'Prod Cluster', 'REBOOT_USE_ADMIN_CREDENTIALS: "Prod Cluster" is not accepted; use true, false or a comma-separated list of cluster aliases from AKS_CLUSTERS'],
  ['REBOOT_HISTORY_RETENTION', '12h', 'REBOOT_HISTORY_RETENTION: "12h" is out of range; use a duration from 1d to 3650d, in kured\'s form such as 30m or 1h30m'],
  ['REBOOT_ALLOW_PRIVATE_URLS', 'maybe', `REBOOT_ALLOW_PRIVATE_URLS: "maybe" ${BOOLEAN}`],
];

describe('REBOOT_USE_ADMIN_CREDENTIALS', () => {
  const clusters = `prod=${clusterId('aks-prod')}, test=${clusterId('aks-test')}`;

  it.each<[string, boolean | string[]]>([['true', true], ['0', false], ['test', ['test']], [' prod , test,prod', ['prod', 'test']]])('%j is %j', (text, value) => {
    expect(settingsOf({ AKS_CLUSTERS: clusters, REBOOT_USE_ADMIN_CREDENTIALS: text }).useAdminCredentials).toEqual(value);
  });

  it('names an alias that AKS_CLUSTERS does not have, with the aliases it has', () => {
    expect(errorsOf({ AKS_CLUSTERS: clusters, REBOOT_USE_ADMIN_CREDENTIALS: 'prod,staging' })).toEqual([{
      setting: 'REBOOT_USE_ADMIN_CREDENTIALS',
      message: 'REBOOT_USE_ADMIN_CREDENTIALS: "staging" names no cluster of AKS_CLUSTERS (aliases: prod, test); use true, false or a comma-separated list of cluster aliases from AKS_CLUSTERS',
    }]);
  });
});

describe('one bad value per setting: the message names the setting, the value and the accepted form', () => {
  it('covers every setting of the schema', () => {
    expect(BAD_VALUES.map(([name]) => name).sort()).toEqual(Object.keys(settingDefaults()).sort());
  });

  it.each(BAD_VALUES)('%s=%j', (setting, value, message) => {
    expect(errorsOf({ [setting]: value })).toEqual([{ setting, message }]);
  });

  it('reports every problem at once, in schema order', () => {
    const errors = errorsOf(Object.fromEntries(BAD_VALUES.map(([setting, value]) => [setting, value])));
    expect(errors).toEqual(BAD_VALUES.map(([setting, , message]) => ({ setting, message })));
  });
});

describe('secret settings are never echoed', () => {
  it.each([
    ['REBOOT_NOTIFY_URL', 'https://hooks.slack.com/services/T0/B0/hunter2, ftp://hunter2@example.com'],
    ['REBOOT_NOTIFY_URL', 'hunter2'],
    ['REBOOT_PROMETHEUS_URL', 'https://user:hunter2@prometheus example.com'],
    ['REBOOT_NOTIFY_URLS', 'https://hooks.slack.com/services/T0/B0/hunter2'], // a misspelt secret is still a secret
  ])('%s', (setting, value) => {
    const errors = errorsOf({ [setting]: value });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.setting).toBe(setting);
    expect(formatSettingsErrors(errors)).not.toMatch(/hunter2|T0\/B0|prometheus example/);
  });

  it('are marked secret in the schema', () => {
    expect(settingDescriptions().filter((s) => s.secret).map((s) => s.name)).toEqual(['REBOOT_PROMETHEUS_URL', 'REBOOT_NOTIFY_URL']);
  });
});

describe('unknown REBOOT_* variables are errors', () => {
  it.each([
    ['REBOOT_DAYZ', 'REBOOT_DAYZ: is not a setting of aks-reboot-orchestrator; did you mean REBOOT_DAYS? Names are case-sensitive; see the settings table in README.md.'],
    ['reboot_days', 'reboot_days: is not a setting of aks-reboot-orchestrator; did you mean REBOOT_DAYS? Names are case-sensitive; see the settings table in README.md.'],
    ['REBOOT_DRAIN_TIMOUT', 'REBOOT_DRAIN_TIMOUT: is not a setting of aks-reboot-orchestrator; did you mean REBOOT_DRAIN_TIMEOUT? Names are case-sensitive; see the settings table in README.md.'],
    ['REBOOT_PERIOD', 'REBOOT_PERIOD: is not a setting of aks-reboot-orchestrator. Names are case-sensitive; see the settings table in README.md.'],
  ])('%s', (name, message) => {
    expect(errorsOf({ [name]: 'secret-looking-value' })).toEqual([{ setting: name, message }]);
  });

  it('come after the schema errors, together with them', () => {
    const errors = errorsOf({ REBOOT_DAYZ: 'mo', REBOOT_DAYS: 'xx' });
    expect(errors.map((e) => e.setting)).toEqual(['REBOOT_DAYS', 'REBOOT_DAYZ']);
  });
});

describe('rules across settings', () => {
  it('a pool cannot be both included and excluded', () => {
    expect(errorsOf({ REBOOT_NODE_POOLS: 'user,gpu', REBOOT_EXCLUDE_NODE_POOLS: 'gpu,user' })).toEqual([{
      setting: 'REBOOT_EXCLUDE_NODE_POOLS',
      message: 'REBOOT_EXCLUDE_NODE_POOLS: "user,gpu" is also in REBOOT_NODE_POOLS; list a pool in only one of them',
    }]);
  });

  it('the poll interval must let the Lease be renewed in time', () => {
    expect(errorsOf({ REBOOT_LOCK_TTL: '1m', REBOOT_POLL_INTERVAL: '30s' })).toEqual([{
      setting: 'REBOOT_POLL_INTERVAL',
      message: 'REBOOT_POLL_INTERVAL: 30s is more than a third of REBOOT_LOCK_TTL (60s), so the Lease could lapse between renewals; use a shorter interval or a longer TTL',
    }]);
    expect(settingsOf({ REBOOT_LOCK_TTL: '1m', REBOOT_POLL_INTERVAL: '20s' }).pollIntervalSeconds).toBe(20);
  });

  it('still runs when other settings are bad, and stays quiet when its own inputs are', () => {
    expect(errorsOf({ REBOOT_NODE_POOLS: 'gpu', REBOOT_EXCLUDE_NODE_POOLS: 'gpu', REBOOT_DAYS: 'x' }).map((e) => e.setting))
      .toEqual(['REBOOT_DAYS', 'REBOOT_EXCLUDE_NODE_POOLS']);
    expect(errorsOf({ REBOOT_LOCK_TTL: 'x', REBOOT_POLL_INTERVAL: '5m' }).map((e) => e.setting)).toEqual(['REBOOT_LOCK_TTL']);
  });
});

describe('formatSettingsErrors', () => {
  it('makes one readable message', () => {
    expect(formatSettingsErrors(errorsOf({ REBOOT_CONCURRENCY: 'two', REBOOT_ENABLED: 'yes' }))).toBe([
      'Invalid settings (2 problems); no run starts until they are fixed:',
      '  - REBOOT_ENABLED: "yes" is not a boolean; use true or false',
      '  - REBOOT_CONCURRENCY: "two" is not a whole number from 1 to 100; use for example 1',
    ].join('\n'));
    expect(formatSettingsErrors(errorsOf({ REBOOT_ENABLED: 'yes' }))).toMatch(/^Invalid settings \(1 problem\);/);
  });
});

describe('the schema describes itself', () => {
  it('every setting has a one-line description and a default that parses', () => {
    for (const s of settingDescriptions()) {
      expect(s.description, s.name).toMatch(/^[A-Z].{10,110}\.$/);
      expect(s.description, s.name).not.toContain('\n');
    }
    expect(settingsSchema.safeParse(settingInput({})).success).toBe(true);
  });

  it('prints a Markdown table with a row per setting', () => {
    const lines = settingsTable().split('\n');
    expect(lines[0]).toBe('| Setting | Default | Description | Secret |');
    expect(lines[1]).toBe('| --- | --- | --- | --- |');
    expect(lines).toHaveLength(2 + settingDescriptions().length);
    expect(lines).toContain("| `REBOOT_DRAIN_TIMEOUT` | `30m` | Longest drain before giving up (as AKS's drainTimeoutInMinutes). |  |");
    expect(lines).toContain('| `REBOOT_NOTIFY_URL` | *(empty)* | Webhook URLs (Slack, Teams, generic JSON), separated by commas or spaces; empty: none. | yes |');
    expect(lines).toContain('| `REBOOT_SCHEDULE` | `0 */15 * * * *` | NCRONTAB schedule (6 fields, seconds first) of the timer that starts runs in the window. |  |');
    for (const line of lines) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(6);
  });

  it('local.settings.example.json lists exactly the schema settings with their defaults, and an example cluster', () => {
    const example = JSON.parse(readFileSync(join(__dirname, '..', 'local.settings.example.json'), 'utf8')) as { IsEncrypted: boolean; Values: Record<string, string> };
    expect(example.IsEncrypted).toBe(false);
    const { FUNCTIONS_WORKER_RUNTIME, AzureWebJobsStorage, DURABLE_TASK_SCHEDULER_CONNECTION_STRING, AKS_CLUSTERS, ...ours } = example.Values;
    expect(FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    // host.json's task hub backend (ADR 0015), here the scheduler's local emulator.
    expect(DURABLE_TASK_SCHEDULER_CONNECTION_STRING).toBe('Endpoint=http://localhost:8080;Authentication=None');
    const { AKS_CLUSTERS: _none, ...defaults } = settingDefaults();
    expect(ours).toEqual(defaults);
    expect(settingsOf(example.Values).clusters).toHaveLength(1);
    expect(AKS_CLUSTERS).toMatch(/^[a-z0-9-]+=\/subscriptions\//);
  });
});

describe('REBOOT_ALLOW_PRIVATE_URLS: where secrets may be sent', () => {
  it.each([
    ['REBOOT_NOTIFY_URL', 'https://hooks.slack.com/services/T0/B0/hunter2 generic+http://127.0.0.1:8080/hunter2', 'REBOOT_NOTIFY_URL: entry 2 of 2 points to a loopback address'],
    ['REBOOT_NOTIFY_URL', 'https://169.254.169.254/metadata/hunter2', 'REBOOT_NOTIFY_URL: entry 1 of 1 points to a link-local address'],
    ['REBOOT_PROMETHEUS_URL', 'http://10.0.0.7:9090/?token=hunter2', 'REBOOT_PROMETHEUS_URL: points to a private address'],
    ['REBOOT_PROMETHEUS_URL', 'http://reader:hunter2@prometheus.example.com', 'REBOOT_PROMETHEUS_URL: sends credentials over plain http://'],
  ])('%s=%j is refused by default, naming the setting that allows it, without the value', (setting, value, start) => {
    const errors = errorsOf({ [setting]: value });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.setting).toBe(setting);
    expect(errors[0]!.message.startsWith(start)).toBe(true);
    expect(errors[0]!.message).toMatch(/REBOOT_ALLOW_PRIVATE_URLS=true.*\(the value is secret and not shown\)$/);
    expect(formatSettingsErrors(errors)).not.toMatch(/hunter2|10\.0\.0\.7|127\.0\.0\.1|reader/);
    const allowed = parseSettings({ [setting]: value, REBOOT_ALLOW_PRIVATE_URLS: 'true' });
    expect(allowed.ok).toBe(true);
  });

  it('reports the URL policy together with the other problems', () => {
    const errors = errorsOf({ REBOOT_PROMETHEUS_URL: 'http://10.0.0.7:9090', REBOOT_CONCURRENCY: 'many' });
    expect(errors.map((e) => e.setting).sort()).toEqual(['REBOOT_CONCURRENCY', 'REBOOT_PROMETHEUS_URL']);
  });

  it('never lets http:// carry a webhook to a public host, even when private URLs are allowed', () => {
    const errors = errorsOf({ REBOOT_NOTIFY_URL: 'http://hooks.example.com/hunter2', REBOOT_ALLOW_PRIVATE_URLS: 'true' });
    expect(errors).toEqual([{ setting: 'REBOOT_NOTIFY_URL', message: 'REBOOT_NOTIFY_URL: entry 1 of 1 uses http:// to a public host (webhook URLs carry secrets); use https:// (the value is secret and not shown)' }]);
  });
});
