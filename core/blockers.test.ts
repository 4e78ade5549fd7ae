import { describe, expect, it } from 'vitest';
import {
  blockingAlertNames,
  clusterHealthBlocker,
  compileAlertFilterRegexp,
  type AlertFilter,
  type AlertSample,
  type DaemonSetAnnotationsFact,
  type Fact,
  kuredLockBlocker,
  type NodeHealthFact,
  type PodFact,
  podSelectorBlocker,
  prometheusBlocker,
  summarizeBlockers,
  type AlertNameMatcher,
} from './blockers';

const ok = <T>(value: T): Fact<T> => ({ ok: true, value });
const failed = <T>(error: string): Fact<T> => ({ ok: false, error });

const NODE = 'aks-user-12345678-vmss000000';
const pod = (name: string, phase: PodFact['phase'], labels: Record<string, string>, nodeName = NODE): PodFact => ({
  namespace: 'apps',
  name,
  phase,
  nodeName,
  labels,
});

describe('podSelectorBlocker', () => {
  const pods = [
    pod('batch-1', 'Running', { runtime: 'long', cost: 'expensive' }),
    pod('batch-2', 'Running', { runtime: 'long', cost: 'cheap' }),
    pod('temperamental-1', 'Pending', { name: 'temperamental' }),
    pod('done-1', 'Succeeded', { name: 'finished' }),
    pod('failed-1', 'Failed', { name: 'finished' }),
    pod('lost-1', 'Unknown', { name: 'finished' }),
    pod('web-1', 'Running', { app: 'web', env: 'prod' }),
    pod('elsewhere-1', 'Running', { name: 'elsewhere' }, 'aks-user-12345678-vmss000001'),
  ];
  it.each([
    { selectors: [], blocked: false, pods: [] as string[], why: 'no selector configured' },
    { selectors: ['runtime=long,cost=expensive'], blocked: true, pods: ['apps/batch-1'], why: 'comma is AND' },
    { selectors: ['runtime=long,cost=free'], blocked: false, pods: [], why: 'AND fails on the second term' },
    { selectors: ['runtime=long'], blocked: true, pods: ['apps/batch-1', 'apps/batch-2'], why: 'one term, two pods' },
    { selectors: ['cost=free', 'name=temperamental'], blocked: true, pods: ['apps/temperamental-1'], why: 'several selectors are OR; Pending counts' },
    { selectors: ['name=finished'], blocked: false, pods: [], why: 'Succeeded, Failed and Unknown pods do not count' },
    { selectors: ['env in (prod,stage),app'], blocked: true, pods: ['apps/web-1'], why: 'set-based selectors' },
    { selectors: ['!runtime,app notin (web)'], blocked: true, pods: ['apps/temperamental-1'], why: 'does-not-exist and notin' },
    { selectors: ['name=elsewhere'], blocked: false, pods: [], why: 'pods on other nodes do not count' },
    { selectors: ['runtime=long', 'cost=expensive'], blocked: true, pods: ['apps/batch-1', 'apps/batch-2'], why: 'a pod matching two selectors is listed once' },
  ])('$why: $selectors', ({ selectors, blocked, pods: expectedPods }) => {
    const verdict = podSelectorBlocker({ node: NODE, selectors, pods: ok(pods) });
    expect(verdict.blocked).toBe(blocked);
    if (blocked) expect(verdict.reason!.split(` on node ${NODE}: `)[1]!.split(', ')).toEqual(expectedPods);
    else expect(verdict.reason).toBeUndefined();
  });

  it('fails closed when the pods could not be listed', () => {
    const verdict = podSelectorBlocker({ node: NODE, selectors: ['a=b'], pods: failed('HTTP 503 from the apiserver') });
    expect(verdict).toEqual({ blocker: 'pod-selector', blocked: true, reason: `could not list pods on node ${NODE}: HTTP 503 from the apiserver` });
  });

  it('fails closed when a selector cannot be evaluated', () => {
    const verdict = podSelectorBlocker({ node: NODE, selectors: ['app=web', 'env in (prod'], pods: ok(pods) });
    expect(verdict.blocked).toBe(true);
    expect(verdict.reason).toMatch(/^blocking pod selector could not be used: label selector "env in \(prod"/);
  });

  it('lists at most 10 pods', () => {
    const many = Array.from({ length: 13 }, (_, i) => pod(`p-${i}`, 'Running', { app: 'x' }));
    const verdict = podSelectorBlocker({ node: NODE, selectors: ['app=x'], pods: ok(many) });
    expect(verdict.reason).toContain('apps/p-9 (+3 more)');
    expect(verdict.reason).not.toContain('apps/p-10');
  });
});

// kured's own test fixture (pkg/blockers/prometheus_test.go): four firing alerts, one pending.
const KURED_FIXTURE: AlertSample[] = [
  { labels: { alertname: 'GatekeeperViolations', alertstate: 'firing' }, value: 1 },
  { labels: { alertname: 'PodCrashing-dev', alertstate: 'firing' }, value: 1 },
  { labels: { alertname: 'PodRestart-dev', alertstate: 'firing' }, value: 1 },
  { labels: { alertname: 'PrometheusTargetDown', alertstate: 'firing' }, value: 1 },
  { labels: { alertname: 'ScheduledRebootFailing', alertstate: 'pending' }, value: 1 },
];

const re = (source: string): AlertNameMatcher => {
  const compiled = compileAlertFilterRegexp(source);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.regexp;
};

describe('blockingAlertNames (kured ActiveAlerts)', () => {
  const ALL = ['GatekeeperViolations', 'PodCrashing-dev', 'PodRestart-dev', 'PrometheusTargetDown', 'ScheduledRebootFailing'];
  it.each<[string, AlertFilter, string[]]>([
    ['no filter: every active alert', { matchOnly: false, firingOnly: false }, ALL],
    ['empty regexp ignores everything (Go compiles "" to match-all)', { regexp: re(''), matchOnly: false, firingOnly: false }, []],
    ['regexp ignores matching names', { regexp: re('Pod'), matchOnly: false, firingOnly: false }, ['GatekeeperViolations', 'PrometheusTargetDown', 'ScheduledRebootFailing']],
    ['match-only: only matching names block', { regexp: re('Gatekeeper'), matchOnly: true, firingOnly: false }, ['GatekeeperViolations']],
    ['match-only without a regexp: every alert', { matchOnly: true, firingOnly: false }, ALL],
    ['firing-only drops pending alerts', { matchOnly: false, firingOnly: true }, ALL.filter((n) => n !== 'ScheduledRebootFailing')],
    ['regexp + firing-only', { regexp: re('Pod'), matchOnly: false, firingOnly: true }, ['GatekeeperViolations', 'PrometheusTargetDown']],
    ['match-only + firing-only: a pending match does not block', { regexp: re('Scheduled'), matchOnly: true, firingOnly: true }, []],
    ['match-only + firing-only: a firing match blocks', { regexp: re('^Pod'), matchOnly: true, firingOnly: true }, ['PodCrashing-dev', 'PodRestart-dev']],
    ['unanchored search', { regexp: re('Down'), matchOnly: true, firingOnly: false }, ['PrometheusTargetDown']],
    ['leading (?i) flag as in Go', { regexp: re('(?i)^gatekeeper'), matchOnly: true, firingOnly: false }, ['GatekeeperViolations']],
  ])('%s', (_why, filter, expected) => {
    expect(blockingAlertNames(KURED_FIXTURE, filter)).toEqual(expected);
  });

  it('skips samples without alertname or with value 0, and lists each name once', () => {
    const samples: AlertSample[] = [
      { labels: { alertstate: 'firing' }, value: 1 },
      { labels: { alertname: 'Zeroed', alertstate: 'firing' }, value: 0 },
      { labels: { alertname: 'Twice', alertstate: 'firing', instance: 'a' }, value: 1 },
      { labels: { alertname: 'Twice', alertstate: 'pending', instance: 'b' }, value: 1 },
    ];
    expect(blockingAlertNames(samples, { matchOnly: false, firingOnly: false })).toEqual(['Twice']);
  });

  it('a compiled filter gives the same answer on every call', () => {
    const filter: AlertFilter = { regexp: re('Pod'), matchOnly: true, firingOnly: false };
    expect(blockingAlertNames(KURED_FIXTURE, filter)).toEqual(['PodCrashing-dev', 'PodRestart-dev']);
    expect(blockingAlertNames(KURED_FIXTURE, filter)).toEqual(['PodCrashing-dev', 'PodRestart-dev']);
  });
});

describe('prometheusBlocker', () => {
  it('blocks with the alert names', () => {
    expect(prometheusBlocker({ alerts: ok(KURED_FIXTURE), filter: { regexp: re('^P'), matchOnly: true, firingOnly: false } })).toEqual({
      blocker: 'prometheus',
      blocked: true,
      reason: '3 active Prometheus alerts: PodCrashing-dev, PodRestart-dev, PrometheusTargetDown',
    });
  });
  it('is clear when the filter leaves nothing', () => {
    expect(prometheusBlocker({ alerts: ok(KURED_FIXTURE), filter: { regexp: re('.'), matchOnly: false, firingOnly: false } })).toEqual({
      blocker: 'prometheus',
      blocked: false,
    });
  });
  it('repeats an alert name only when it looks like one; others are described, not echoed', () => {
    const hostile = [`<img src=x onerror=alert(1)>`, `ok\u202Eevil`, 'x'.repeat(500)];
    const samples = [...hostile, 'KubeNodeNotReady'].map((alertname) => ({ labels: { alertname, alertstate: 'firing' }, value: 1 }));
    const verdict = prometheusBlocker({ alerts: ok(samples), filter: { matchOnly: false, firingOnly: false } });
    expect(verdict.reason).toContain('4 active Prometheus alerts: ');
    expect(verdict.reason).toContain('KubeNodeNotReady');
    expect(verdict.reason).toContain('(an alert name of 500 unusual characters)');
    for (const name of hostile) expect(verdict.reason).not.toContain(name);
    expect(verdict.reason).not.toMatch(/[<>\u202E]/);
  });
  it('fails closed when Prometheus could not be queried', () => {
    const verdict = prometheusBlocker({ alerts: failed('HTTP 500 from https://prom.example.com'), filter: { matchOnly: false, firingOnly: false } });
    expect(verdict.blocked).toBe(true);
    expect(verdict.reason).toBe('could not query Prometheus alerts: HTTP 500 from https://prom.example.com');
  });
});

describe('compileAlertFilterRegexp', () => {
  it.each([
    ['^(A|B)$', 'B', true],
    ['(?i)^a$', 'A', true],
    ['(?is)^a.b$', 'A\nB', true],
    ['^a$', 'A', false],
  ])('%j on %j → %j', (source, name, expected) => {
    expect(re(source).test(name)).toBe(expected);
  });
  it('accepts what Go accepts and JavaScript does not: the ungreedy flag', () => {
    expect(re('(?U)^a+').test('aaa')).toBe(true);
  });
  it('never backtracks: a pattern that is exponential in JavaScript is linear', () => {
    // (a+)+$ against 28 a's then b takes seconds with a backtracking engine; RE2 answers at once.
    expect(re('(a+)+$').test(`${'a'.repeat(5_000)}b`)).toBe(false);
  });
  it.each(['*', '(unclosed', 'x(?=y)', '(a)\\1'])('rejects %j naming the accepted form', (source) => {
    const compiled = compileAlertFilterRegexp(source);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.error).toMatch(/^invalid regular expression: .*; expected a Go \(RE2\) regular expression/);
  });
});

describe('clusterHealthBlocker', () => {
  const nodes = (...states: [string, boolean][]): Fact<NodeHealthFact[]> => ok(states.map(([name, ready]) => ({ name, ready })));
  it.each([
    { why: 'all Ready', candidates: ['n1'], facts: nodes(['n1', true], ['n2', true]), blocked: false, reason: undefined },
    { why: 'only the candidate is NotReady', candidates: ['n1'], facts: nodes(['n1', false], ['n2', true]), blocked: false, reason: undefined },
    { why: 'another node is NotReady', candidates: ['n1'], facts: nodes(['n1', true], ['n2', false]), blocked: true, reason: 'node not Ready: n2' },
    { why: 'the wave members are excluded', candidates: ['n1', 'n2'], facts: nodes(['n1', false], ['n2', false], ['n3', true]), blocked: false, reason: undefined },
    { why: 'several others, sorted', candidates: ['n1'], facts: nodes(['n3', false], ['n2', false]), blocked: true, reason: 'nodes not Ready: n2, n3' },
    { why: 'the node list could not be read', candidates: ['n1'], facts: failed<NodeHealthFact[]>('timeout'), blocked: true, reason: 'could not list nodes: timeout' },
  ])('$why', ({ candidates, facts, blocked, reason }) => {
    const verdict = clusterHealthBlocker({ candidates, nodes: facts });
    expect(verdict).toEqual(reason === undefined ? { blocker: 'cluster-health', blocked } : { blocker: 'cluster-health', blocked, reason });
  });

  // The run reboots n2 (its disruption: REBOOT_CONCURRENCY counts it) and asks about n1.
  it('a NotReady node the run is rebooting does not block', () => {
    const verdict = clusterHealthBlocker({ candidates: ['n1'], disrupting: ['n2'], nodes: nodes(['n1', true], ['n2', false], ['n3', true]) });
    expect(verdict).toEqual({ blocker: 'cluster-health', blocked: false });
  });

  it('another NotReady node still blocks while the run reboots one, and the reason names it alone', () => {
    const verdict = clusterHealthBlocker({ candidates: ['n1'], disrupting: ['n2'], nodes: nodes(['n1', true], ['n2', false], ['n3', false]) });
    expect(verdict).toEqual({ blocker: 'cluster-health', blocked: true, reason: 'node not Ready: n3' });
  });
});

describe('kuredLockBlocker', () => {
  const NOW = Date.parse('2026-03-01T12:00:00Z');
  const HOUR_NS = 3_600_000_000_000;
  const ds = (annotations: Record<string, string>, name = 'kured'): DaemonSetAnnotationsFact => ({ namespace: 'kube-system', name, annotations });
  const single = (created: string, ttl: number, nodeID = 'aks-user-1') =>
    JSON.stringify({ nodeID, metadata: { unschedulable: false }, created, TTL: ttl });
  const KEY = 'weave.works/kured-node-lock';

  it.each([
    { why: 'no annotation', sets: [ds({})], blocked: false, holder: undefined },
    { why: 'held without TTL (never expires)', sets: [ds({ [KEY]: single('2020-01-01T00:00:00Z', 0) })], blocked: true, holder: 'aks-user-1' },
    { why: 'held within its TTL (Go nanosecond timestamp)', sets: [ds({ [KEY]: single('2026-03-01T11:30:00.123456789Z', HOUR_NS) })], blocked: true, holder: 'aks-user-1' },
    { why: 'expired TTL (Go nanosecond timestamp)', sets: [ds({ [KEY]: single('2026-03-01T10:59:59.123456789Z', HOUR_NS) })], blocked: false, holder: undefined },
    { why: 'expired exactly at the TTL (>=)', sets: [ds({ [KEY]: single('2026-03-01T11:00:00Z', HOUR_NS) })], blocked: false, holder: undefined },
    { why: 'unreadable created with a TTL: taken as live', sets: [ds({ [KEY]: single('yesterday', HOUR_NS) })], blocked: true, holder: 'aks-user-1' },
    {
      why: 'multi-owner lock with one live owner',
      sets: [ds({ [KEY]: JSON.stringify({ maxOwners: 2, locks: [JSON.parse(single('2026-03-01T10:00:00Z', HOUR_NS, 'old')), JSON.parse(single('2026-03-01T11:59:00Z', HOUR_NS, 'aks-user-2'))] }) })],
      blocked: true,
      holder: 'aks-user-2',
    },
    { why: 'multi-owner lock released (empty list)', sets: [ds({ [KEY]: JSON.stringify({ maxOwners: 2, locks: [] }) })], blocked: false, holder: undefined },
    { why: 'other annotations only', sets: [ds({ 'deprecated.daemonset.template.generation': '3' })], blocked: false, holder: undefined },
  ])('$why', ({ sets, blocked, holder }) => {
    const verdict = kuredLockBlocker({ daemonSets: ok(sets), now: NOW });
    expect(verdict.blocked).toBe(blocked);
    if (holder !== undefined) expect(verdict.reason).toContain(`DaemonSet kube-system/kured (held by ${holder})`);
    if (!blocked) expect(verdict.reason).toBeUndefined();
  });

  it('fails closed on an unparseable annotation', () => {
    const verdict = kuredLockBlocker({ daemonSets: ok([ds({ [KEY]: '{nope' })]), now: NOW });
    expect(verdict.blocked).toBe(true);
    expect(verdict.reason).toMatch(/unreadable .*taken as held/);
  });

  it('fails closed when the DaemonSets could not be read', () => {
    expect(kuredLockBlocker({ daemonSets: failed('403 Forbidden'), now: NOW })).toEqual({
      blocker: 'kured-lock',
      blocked: true,
      reason: "could not read kured's DaemonSets: 403 Forbidden",
    });
  });

  it('honours a changed --lock-annotation', () => {
    const sets = [ds({ 'example.com/lock': single('2026-03-01T11:59:00Z', 0) })];
    expect(kuredLockBlocker({ daemonSets: ok(sets), now: NOW }).blocked).toBe(false);
    expect(kuredLockBlocker({ daemonSets: ok(sets), now: NOW, annotation: 'example.com/lock' }).blocked).toBe(true);
  });
});

describe('summarizeBlockers', () => {
  it('blocks when any verdict blocks, keeping their order', () => {
    const a = { blocker: 'prometheus' as const, blocked: true, reason: 'alerts' };
    const b = { blocker: 'pod-selector' as const, blocked: false };
    const c = { blocker: 'kured-lock' as const, blocked: true, reason: 'lock' };
    expect(summarizeBlockers([a, b, c])).toEqual({ blocked: true, blockedBy: [a, c] });
    expect(summarizeBlockers([b])).toEqual({ blocked: false, blockedBy: [] });
    expect(summarizeBlockers([])).toEqual({ blocked: false, blockedBy: [] });
  });
});
