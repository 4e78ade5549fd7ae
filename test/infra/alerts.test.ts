// The alerts (infra/modules/alerts.bicep): every rule's KQL parses, queries the app's audit
// events by the names core/auditEvents.ts logs, and the events are listed once in
// docs/operations.md; the action group takes e-mail and a secret webhook; logs outlive the
// history they describe, and sampling never drops the app's traces.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../core/auditEvents';
import { delimitedBlock, objectEntries, readInfraFile, stringLiteral } from './bicepText';
import { kqlSyntaxErrors } from './kusto';

const ALERTS = readInfraFile('modules/alerts.bicep');
const MAIN = readInfraFile('main.bicep');
const QUERIES = objectEntries(delimitedBlock(ALERTS, 'alert-queries')).map((e) => ({ key: e.name, kql: stringLiteral(e.value) }));
const RULE_KEYS = [...ALERTS.matchAll(/^\s+key: '(\w+)'$/gm)].map((m) => m[1]!);
const OPERATIONS = fs.readFileSync(path.resolve(__dirname, '../../docs/operations.md'), 'utf8');
const HOST = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as {
  logging: { applicationInsights: { samplingSettings: { isEnabled: boolean; excludedTypes?: string } } };
};

/** The app's event names a query matches (`message startswith "Name "`). */
const eventsQueried = (kql: string): string[] => [...kql.matchAll(/message startswith "(\w+) "/g)].map((m) => m[1]!);

describe('alert rules', () => {
  it('are one per query, and the conditions the operators asked for', () => {
    expect(QUERIES.map((q) => q.key).sort()).toEqual([...RULE_KEYS].sort());
    expect(RULE_KEYS.sort()).toEqual(['nodeLeftCordoned', 'orchestrationFailed', 'rebootFailed', 'runHaltedOrBlocked']);
  });

  it.each(QUERIES)('$key: one-line KQL that the Kusto language service parses without error', ({ kql }) => {
    expect(kql, 'a single-quoted Bicep literal without interpolation').toBeDefined();
    expect(kqlSyntaxErrors(kql!)).toEqual([]);
  });

  it('would catch a syntax error (the parser is really consulted)', () => {
    expect(kqlSyntaxErrors('traces | where message startswith "RunHalted " | summarize count() by by')).not.toEqual([]);
  });

  it('query the app events by the names it logs, covering halted, blocked, failed and left cordoned', () => {
    const queried = QUERIES.flatMap((q) => eventsQueried(q.kql ?? ''));
    expect(queried.filter((name) => !Object.values(auditEvents).includes(name as never))).toEqual([]);
    expect([...queried].sort()).toEqual([auditEvents.nodeLeftCordoned, auditEvents.rebootFailed, auditEvents.runBlocked, auditEvents.runHalted].sort());
  });

  it('catch a failed orchestration from the Durable Task extension\'s tracking events', () => {
    const kql = QUERIES.find((q) => q.key === 'orchestrationFailed')?.kql ?? '';
    expect(kql).toContain('"Host.Triggers.DurableTask"');
    expect(kql).toContain('prop__state) == "Failed"');
  });

  it('fire on any occurrence within five minutes and go to the action group when there is one', () => {
    expect(ALERTS).toMatch(/timeAggregation: 'Count'\s*\n\s*operator: 'GreaterThan'\s*\n\s*threshold: 0/);
    expect(ALERTS).toMatch(/evaluationFrequency: 'PT5M'\s*\n\s*windowSize: 'PT5M'/);
    expect(ALERTS).toMatch(/actionGroups: hasReceivers \? \[\s*\n\s*actionGroup\.id\s*\n\s*\] : \[\]/);
  });
});

describe('the action group', () => {
  it('takes e-mail addresses and a webhook, the webhook as a secret', () => {
    expect(ALERTS).toMatch(/emailReceivers: \[for \(email, i\) in emails:/);
    expect(ALERTS).toMatch(/serviceUri: alertWebhookUrl/);
    for (const text of [ALERTS, MAIN]) expect(text).toMatch(/@secure\(\)\s*\n@description\(.*\)\s*\nparam alertWebhookUrl string/);
    expect(MAIN).toMatch(/^\s+alertEmails: alertEmails$/m);
    expect(MAIN).toMatch(/^\s+alertWebhookUrl: alertWebhookUrl$/m);
  });
});

describe('logs that last and are complete', () => {
  it('keeps Log Analytics at least as long as the history (REBOOT_HISTORY_RETENTION)', () => {
    expect(MAIN).toMatch(/^\s+retentionInDays: historyRetentionDays$/m);
    expect(readInfraFile('modules/monitoring.bicep')).toMatch(/^\s+retentionInDays: retentionInDays$/m);
  });

  it('never samples traces away (the app\'s audit events are traces)', () => {
    const { isEnabled, excludedTypes = '' } = HOST.logging.applicationInsights.samplingSettings;
    expect(!isEnabled || excludedTypes.split(';').includes('Trace')).toBe(true);
  });

  it('lists every audit event once in docs/operations.md', () => {
    const section = OPERATIONS.slice(OPERATIONS.indexOf('## Log events'));
    expect(OPERATIONS.indexOf('## Log events')).toBeGreaterThan(-1);
    for (const name of Object.values(auditEvents)) expect(section.match(new RegExp(`^\\| \`${name}\` \\|`, 'gm'))?.length, name).toBe(1);
  });
});
