import { describe, expect, it } from 'vitest';
import {
  buildNotification,
  checkMessageTemplate,
  KURED_MESSAGE_TEMPLATES,
  type NotificationFacts,
  parseNotifyTarget,
  redactUrl,
  renderTemplate,
  webhookKindOfHost,
} from './notifyMessages';

const NODE = 'aks-user-12345678-vmss000002';
const base = { cluster: 'prod-weu', runId: '20260301T020000Z-ab12', at: '2026-03-01T02:14:00.000Z' };

describe('renderTemplate (kured %s = node)', () => {
  it.each([
    ['Draining node %s', 'Draining node n1'],
    ['%s: 100%% done', 'n1: 100% done'],
    ['no placeholder', 'no placeholder'],
    ['%s and %s', 'n1 and n1'],
  ])('%j', (template, expected) => {
    expect(renderTemplate(template, 'n1')).toBe(expected);
  });
  it('does not expand $-patterns of the node name', () => {
    expect(renderTemplate('node %s', "$&$'")).toBe("node $&$'");
  });
});

describe('checkMessageTemplate', () => {
  it.each(['Rebooting node %s', '100%% %s', 'plain'])('accepts %j', (t) => {
    expect(checkMessageTemplate(t)).toEqual({ ok: true });
  });
  it.each([
    ['node %d', /has the verb "%d"/],
    ['trailing %', /has the verb "%"/],
    ['x'.repeat(501), /is 501 characters long/],
  ])('rejects %j', (t, error) => {
    const checked = checkMessageTemplate(t);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error).toMatch(error);
      expect(checked.error).toContain('%s stands for the node name');
    }
  });
});

describe('buildNotification', () => {
  it.each<[NotificationFacts, string, 'good' | 'attention' | 'neutral']>([
    [{ ...base, event: 'run-started', counts: { total: 4, done: 0, failed: 0, remaining: 4 } }, 'Reboot run 20260301T020000Z-ab12 on cluster prod-weu started: 4 nodes to reboot', 'neutral'],
    [{ ...base, event: 'run-started' }, 'Reboot run 20260301T020000Z-ab12 on cluster prod-weu started', 'neutral'],
    [{ ...base, event: 'node-draining', node: NODE }, `Draining node ${NODE}`, 'neutral'],
    [{ ...base, event: 'node-drained', node: NODE }, `Rebooting node ${NODE}`, 'neutral'],
    [{ ...base, event: 'node-rebooted', node: NODE }, `Node ${NODE} rebooted & uncordoned successfully!`, 'good'],
    [{ ...base, event: 'node-failed', node: NODE, step: 'drain', reason: 'PDB apps/web allows no disruption' }, `Node ${NODE} failed at step drain: PDB apps/web allows no disruption`, 'attention'],
    [{ ...base, event: 'run-finished', counts: { total: 4, done: 3, failed: 1, remaining: 0 } }, 'Reboot run 20260301T020000Z-ab12 on cluster prod-weu finished: 3 of 4 nodes rebooted, 1 failed', 'good'],
    [{ ...base, event: 'run-halted', reason: `node ${NODE} did not come back` }, `Reboot run 20260301T020000Z-ab12 on cluster prod-weu halted: node ${NODE} did not come back`, 'attention'],
    [{ ...base, event: 'run-started', detail: '4 node(s) to reboot' }, 'Reboot run 20260301T020000Z-ab12 on cluster prod-weu started: 4 node(s) to reboot', 'neutral'],
    [{ ...base, event: 'run-finished', reason: 'completed', detail: '3 rebooted, 0 failed, 0 remaining' }, 'Reboot run 20260301T020000Z-ab12 on cluster prod-weu finished: 3 rebooted, 0 failed, 0 remaining', 'good'],
    [{ ...base, event: 'run-halted', reason: 'node failed', detail: '1 rebooted, 1 failed, 2 remaining' }, 'Reboot run 20260301T020000Z-ab12 on cluster prod-weu halted: node failed (1 rebooted, 1 failed, 2 remaining)', 'attention'],
  ])('%j', (facts, message, tone) => {
    const n = buildNotification(facts);
    expect(n.message).toBe(message);
    expect(n.tone).toBe(tone);
    expect(n.event).toBe(facts.event);
    expect(n.at).toBe(facts.at);
    expect(n.fields[0]).toEqual({ name: 'Cluster', value: 'prod-weu' });
    expect(n.title).toContain('prod-weu');
  });

  it('uses the configured templates', () => {
    const templates = { ...KURED_MESSAGE_TEMPLATES, reboot: ':recycle: %s is going down (100%%)' };
    expect(buildNotification({ ...base, event: 'node-drained', node: NODE }, templates).message).toBe(`:recycle: ${NODE} is going down (100%)`);
  });

  it('carries the structured fields in order, and only those given', () => {
    const n = buildNotification({ ...base, event: 'node-failed', node: NODE, step: 'reboot', reason: 'bootID unchanged' });
    expect(n.fields.map((f) => f.name)).toEqual(['Cluster', 'Run', 'Node', 'Step', 'Reason', 'At']);
    expect(n).toMatchObject({ cluster: 'prod-weu', runId: base.runId, node: NODE, step: 'reboot', reason: 'bootID unchanged' });
    const started = buildNotification({ ...base, event: 'run-started' });
    expect(started.fields.map((f) => f.name)).toEqual(['Cluster', 'Run', 'At']);
    const halted = buildNotification({ ...base, event: 'run-halted', reason: 'r', detail: 'd', counts: { total: 2, done: 1, failed: 1, remaining: 0 } });
    expect(halted.fields.map((f) => f.name)).toEqual(['Cluster', 'Run', 'Reason', 'Nodes', 'Detail', 'At']);
    expect(halted.fields[3]!.value).toBe('1 done, 1 failed, 0 remaining of 2');
    expect('node' in started).toBe(false);
  });

  it('clips a long reason', () => {
    const n = buildNotification({ ...base, event: 'run-halted', reason: 'x'.repeat(5000) });
    expect(n.reason!.length).toBe(1000);
    expect(n.message.length).toBeLessThanOrEqual(1000);
  });
});

describe('parseNotifyTarget', () => {
  it.each([
    ['https://hooks.slack.com/services/T000/B000/XXXX', 'slack', 'https://hooks.slack.com'],
    ['https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRET', 'teams', 'https://prod-12.westeurope.logic.azure.com'],
    ['https://default0123.ab.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/x/triggers/manual/paths/invoke?sig=S', 'teams', 'https://default0123.ab.environment.api.powerplatform.com'],
    ['https://contoso.webhook.office.com/webhookb2/x', 'teams', 'https://contoso.webhook.office.com'],
    ['https://events.example.com:8443/reboots?token=T', 'generic', 'https://events.example.com:8443'],
    ['teams+https://proxy.example.com/hook', 'teams', 'https://proxy.example.com'],
    ['SLACK+https://relay.example.com/x', 'slack', 'https://relay.example.com'],
    ['generic+https://hooks.slack.com/services/x', 'generic', 'https://hooks.slack.com'],
    ['  https://user:pw@events.example.com/x  ', 'generic', 'https://events.example.com'],
  ])('%s → %s', (raw, kind, redacted) => {
    const parsed = parseNotifyTarget(raw);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.target.kind).toBe(kind);
      expect(parsed.target.redacted).toBe(redacted);
      expect(parsed.target.url).toBe(new URL(raw.trim().replace(/^\w+\+/, '')).href);
    }
  });

  it.each([
    ['http://hooks.slack.com/services/SECRET', /uses http:\/\/ .*only https:\/\/ is accepted/],
    ['slack+http://127.0.0.1:9/SECRET', /uses http:\/\//],
    ['ftp://example.com/SECRET', /uses ftp:\/\//],
    ['not a url SECRET', /is not a URL/],
    ['teams+', /is not a URL/],
  ])('rejects %j without echoing it', (raw, error) => {
    const parsed = parseNotifyTarget(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toMatch(error);
      expect(parsed.error).not.toContain('SECRET');
      expect(parsed.error).toContain('expected an https:// webhook URL');
    }
  });

  it('accepts http:// only when told to (loopback test receivers)', () => {
    const parsed = parseNotifyTarget('slack+http://127.0.0.1:8080/hook', { allowInsecureHttp: true });
    expect(parsed).toEqual({ ok: true, target: { kind: 'slack', url: 'http://127.0.0.1:8080/hook', redacted: 'http://127.0.0.1:8080' } });
  });
});

describe('webhookKindOfHost and redactUrl', () => {
  it.each([
    ['hooks.slack.com', 'slack'],
    ['HOOKS.SLACK.COM', 'slack'],
    ['flow.microsoft.com', 'teams'],
    ['x.api.powerautomate.com', 'teams'],
    ['notslack.com', 'generic'],
    ['logic.azure.com.evil.example', 'generic'],
  ])('%s is %s', (host, kind) => {
    expect(webhookKindOfHost(host)).toBe(kind);
  });
  it.each([
    ['https://u:p@prom.example.com:9090/prometheus?x=1', 'https://prom.example.com:9090'],
    ['teams+https://proxy.example.com/hook?sig=S', 'https://proxy.example.com'],
    ['nonsense', '(not a URL)'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
