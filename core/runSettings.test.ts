import { describe, expect, it } from 'vitest';
import { toRunSettings } from './runSettings';
import { parseSettings } from './settings';

function settingsFrom(env: Record<string, string>) {
  const parsed = parseSettings(env);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.settings;
}

describe('toRunSettings', () => {
  it('keeps secrets out of the snapshot but says whether they are configured', () => {
    const run = toRunSettings(settingsFrom({
      REBOOT_NOTIFY_URL: 'https://hooks.slack.com/services/T000/B000/SECRETSECRET',
      REBOOT_PROMETHEUS_URL: 'https://user:p4ssw0rd@prometheus.example.com',
    }));
    const text = JSON.stringify(run);
    expect(text).not.toContain('SECRETSECRET');
    expect(text).not.toContain('p4ssw0rd');
    expect(run.notify).toBe(true);
    expect(run.alerts.enabled).toBe(true);
  });

  it('maps the defaults to the values of the README settings table', () => {
    const run = toRunSettings(settingsFrom({}));
    expect(run).toMatchObject({
      concurrency: 1,
      lockTtlSeconds: 1800,
      drainTimeoutSeconds: 1800,
      rebootTimeoutSeconds: 900,
      recoveryTimeoutSeconds: 1800,
      pollIntervalSeconds: 10,
      preDrainGate: true,
      recoveryGate: true,
      onFailure: 'halt',
      method: 'run-command',
      detector: { kind: 'sentinel', path: '/var/run/reboot-required' },
      drain: { deleteEmptyDirData: true, force: true },
      notify: false,
      alerts: { enabled: false },
    });
  });

  it.each([
    [{ REBOOT_DETECTOR: 'node-label', REBOOT_NODE_LABEL: 'example.com/reboot-required=true' }, { kind: 'node-label', key: 'example.com/reboot-required', value: 'true' }],
    [{ REBOOT_DETECTOR: 'node-condition', REBOOT_NODE_CONDITION: 'RebootRequired' }, { kind: 'node-condition', condition: 'RebootRequired' }],
  ])('maps detector settings %j', (env, detector) => {
    expect(toRunSettings(settingsFrom(env)).detector).toEqual(detector);
  });
});
