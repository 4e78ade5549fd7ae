import { describe, expect, it } from 'vitest';
import { drainEndsBy, planDrain, type DrainAction, type DrainOptions, type DrainReason } from './drainPlan';
import type { OwnerReference, PodFacts } from './kubeFacts';

const NOW = '2024-05-01T03:00:00Z';
const NODE = 'aks-user-12345678-vmss000000';

const replicaSet: OwnerReference = { kind: 'ReplicaSet', name: 'java-app-7d9f', controller: true };
const daemonSet: OwnerReference = { kind: 'DaemonSet', name: 'kube-proxy', controller: true };

function pod(name: string, overrides: Partial<PodFacts> = {}): PodFacts {
  return {
    namespace: 'apps', name, uid: `uid-${name}`, nodeName: NODE, phase: 'Running', ready: true,
    labels: { app: name }, ownerReferences: [replicaSet], isMirror: false, emptyDirVolumes: [],
    ...overrides,
  };
}

const strict: DrainOptions = { deleteEmptyDirData: false, force: false, skipWaitForDeleteTimeoutSeconds: 0, implicitBudget: 'rollout' };
const kuredDefaults: DrainOptions = { deleteEmptyDirData: true, force: true, skipWaitForDeleteTimeoutSeconds: 0, implicitBudget: 'rollout' };
const existingDaemonSets = [{ namespace: 'apps', name: 'kube-proxy' }];

describe('planDrain: one pod through the filter chain', () => {
  it.each<[string, PodFacts, DrainOptions, DrainAction, DrainReason, string]>([
    ['a replicated pod is evicted', pod('java-app'), strict, 'evict', 'evictable', 'Eviction API'],
    ['a mirror pod is skipped', pod('etcd', { isMirror: true, ownerReferences: [{ kind: 'Node', name: NODE, controller: true }] }), strict, 'skip', 'mirror', 'static pod'],
    ['a mirror pod is skipped even unreplicated', pod('static', { isMirror: true, ownerReferences: [] }), strict, 'skip', 'mirror', 'kubelet'],
    ['a DaemonSet pod stays', pod('kube-proxy-x', { ownerReferences: [daemonSet] }), kuredDefaults, 'skip', 'daemonset', 'DaemonSet apps/kube-proxy'],
    ['a DaemonSet pod whose DaemonSet is gone blocks', pod('orphan', { ownerReferences: [{ ...daemonSet, name: 'gone' }] }), strict, 'block', 'daemonset-gone', 'DaemonSet apps/gone no longer exists; set REBOOT_DRAIN_FORCE=true'],
    ['... unless forced', pod('orphan', { ownerReferences: [{ ...daemonSet, name: 'gone' }] }), { ...strict, force: true }, 'evict', 'daemonset-gone', 'deleting the orphan (REBOOT_DRAIN_FORCE=true)'],
    ['an emptyDir pod blocks', pod('cache', { emptyDirVolumes: ['scratch', 'tmp'] }), strict, 'block', 'local-storage', 'emptyDir volumes (scratch, tmp) whose data eviction loses; set REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true'],
    ['... unless deleteEmptyDirData', pod('cache', { emptyDirVolumes: ['scratch'] }), { ...strict, deleteEmptyDirData: true }, 'evict', 'local-storage', 'emptyDir data (scratch) is lost'],
    ['an unreplicated pod blocks', pod('bare', { ownerReferences: [] }), strict, 'block', 'unreplicated', 'declares no controller, so nothing would recreate it; set REBOOT_DRAIN_FORCE=true'],
    ['... a non-controller owner does not replicate it', pod('bare', { ownerReferences: [{ kind: 'ConfigMap', name: 'x' }] }), strict, 'block', 'unreplicated', 'REBOOT_DRAIN_FORCE'],
    ['... unless forced', pod('bare', { ownerReferences: [] }), { ...strict, force: true }, 'evict', 'unreplicated', 'deleting it anyway (REBOOT_DRAIN_FORCE=true)'],
    ['a Succeeded pod is removed, no budget involved', pod('job-x', { phase: 'Succeeded', ownerReferences: [] }), strict, 'evict', 'finished', 'no disruption budget check'],
    ['a Failed emptyDir pod is removed', pod('job-y', { phase: 'Failed', emptyDirVolumes: ['w'] }), strict, 'evict', 'finished', 'finished (Failed)'],
    ['a finished orphaned DaemonSet pod is removed', pod('ds-done', { phase: 'Succeeded', ownerReferences: [{ ...daemonSet, name: 'gone' }] }), strict, 'evict', 'finished', 'finished'],
    ['a Pending pod is evicted', pod('starting', { phase: 'Pending', ready: false }), strict, 'evict', 'evictable', 'Eviction API'],
    ['a terminating pod is waited for', pod('leaving', { deletionTimestamp: '2024-05-01T02:59:00Z' }), strict, 'wait', 'terminating', '(60s ago): waiting for it to go; set REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT'],
    ['a terminating unreplicated pod is waited for, not blocked', pod('leaving', { ownerReferences: [], deletionTimestamp: '2024-05-01T02:59:00Z' }), strict, 'wait', 'terminating', 'waiting'],
    ['terminating before the timeout: wait', pod('leaving', { deletionTimestamp: '2024-05-01T02:55:00Z' }), { ...strict, skipWaitForDeleteTimeoutSeconds: 300 }, 'wait', 'terminating', 'stops waiting after REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT (300s)'],
    ['terminating exactly the timeout: still wait (kubectl: strictly longer)', pod('leaving', { deletionTimestamp: '2024-05-01T02:55:00Z' }), { ...strict, skipWaitForDeleteTimeoutSeconds: 300 }, 'wait', 'terminating', '300s ago'],
    ['terminating past the timeout: skip', pod('stuck', { deletionTimestamp: '2024-05-01T02:54:59Z' }), { ...strict, skipWaitForDeleteTimeoutSeconds: 300 }, 'skip', 'deleted-long-ago', 'deleted 301s ago, longer than REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT (300s)'],
    ['terminating for hours with timeout 0: wait', pod('stuck', { deletionTimestamp: '2024-04-30T00:00:00Z' }), strict, 'wait', 'terminating', 'waiting'],
    ['outside the pod selector: skipped', pod('other', { labels: { app: 'other' } }), { ...strict, podSelector: 'app in (java-app,web)' }, 'skip', 'not-selected', 'not selected by REBOOT_DRAIN_POD_SELECTOR=app in (java-app,web)'],
    ['outside the selector, even unreplicated: skipped', pod('other', { labels: {}, ownerReferences: [] }), { ...strict, podSelector: 'app' }, 'skip', 'not-selected', 'left on the node'],
    ['inside the pod selector: evicted', pod('web', { labels: { app: 'web' } }), { ...strict, podSelector: 'app in (java-app,web)' }, 'evict', 'evictable', 'Eviction API'],
  ])('%s', (_name, facts, options, action, reason, messageFragment) => {
    const plan = planDrain({ pods: [facts], daemonSets: existingDaemonSets, options, now: NOW });
    expect(plan.decisions).toEqual([{ pod: facts, action, reason, message: expect.any(String) }]);
    expect(plan.decisions[0]!.message).toContain(messageFragment);
    expect(plan.blocked).toBe(action === 'block');
    expect(plan.evict.map((p) => p.name)).toEqual(action === 'evict' ? [facts.name] : []);
    expect(plan.waitFor.map((p) => p.name)).toEqual(action === 'wait' ? [facts.name] : []);
  });
});

describe('planDrain: the whole node', () => {
  const node = [
    pod('java-app-0'),
    pod('kube-proxy-abc', { ownerReferences: [daemonSet] }),
    pod('cache-1', { emptyDirVolumes: ['data'] }),
    pod('cache-2', { emptyDirVolumes: ['data'] }),
    pod('debug', { ownerReferences: [] }),
    pod('both', { ownerReferences: [], emptyDirVolumes: ['scratch'] }),
    pod('orphan-ds', { ownerReferences: [{ ...daemonSet, name: 'removed' }] }),
    pod('old', { deletionTimestamp: '2024-05-01T02:00:00Z' }),
    pod('etcd', { isMirror: true }),
  ];

  it('lists every blocker at once, grouped like kubectl, and evicts nothing while blocked', () => {
    const plan = planDrain({ pods: node, daemonSets: existingDaemonSets, options: strict, now: NOW });
    expect(plan.blocked).toBe(true);
    expect(plan.blockers).toEqual([
      'cannot evict Pods with local storage (emptyDir) (set REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true to override): apps/cache-1, apps/cache-2, apps/both',
      'cannot evict Pods that declare no controller (set REBOOT_DRAIN_FORCE=true to override): apps/debug, apps/both',
      'cannot evict Pods whose DaemonSet no longer exists (set REBOOT_DRAIN_FORCE=true to override): apps/orphan-ds',
    ]);
    const both = plan.decisions.find((d) => d.pod.name === 'both')!;
    expect(both).toMatchObject({ action: 'block', reason: 'local-storage' });
    expect(both.message).toContain('REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true');
    expect(both.message).toContain('REBOOT_DRAIN_FORCE=true');
    expect(plan.warnings).toEqual([]);
  });

  it("with kured's defaults evicts what it may and accumulates every warning", () => {
    const plan = planDrain({ pods: node, daemonSets: existingDaemonSets, options: { ...kuredDefaults, skipWaitForDeleteTimeoutSeconds: 600 }, now: NOW });
    expect(plan.blocked).toBe(false);
    expect(plan.blockers).toEqual([]);
    expect(plan.evict.map((p) => p.name)).toEqual(['java-app-0', 'cache-1', 'cache-2', 'debug', 'both', 'orphan-ds']);
    expect(plan.waitFor).toEqual([]);
    expect(plan.decisions.map((d) => [d.pod.name, d.action, d.reason])).toEqual([
      ['java-app-0', 'evict', 'evictable'],
      ['kube-proxy-abc', 'skip', 'daemonset'],
      ['cache-1', 'evict', 'local-storage'],
      ['cache-2', 'evict', 'local-storage'],
      ['debug', 'evict', 'unreplicated'],
      ['both', 'evict', 'local-storage'],
      ['orphan-ds', 'evict', 'daemonset-gone'],
      ['old', 'skip', 'deleted-long-ago'],
      ['etcd', 'skip', 'mirror'],
    ]);
    expect(plan.warnings).toEqual([
      'deleting Pods with local storage (their emptyDir data is lost): apps/cache-1, apps/cache-2, apps/both',
      'deleting Pods that declare no controller (nothing recreates them): apps/debug, apps/both',
      'deleting orphaned DaemonSet Pods: apps/orphan-ds',
      'not waiting for Pods deleted longer ago than REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT: apps/old',
    ]);
    expect(plan.decisions.find((d) => d.pod.name === 'both')!.message).toBe(
      'emptyDir data (scratch) is lost (REBOOT_DRAIN_DELETE_EMPTYDIR_DATA=true); declares no controller, so nothing recreates it: deleting it anyway (REBOOT_DRAIN_FORCE=true)',
    );
  });

  it('a blocked orphaned DaemonSet pod does not warn about a deletion that will not happen', () => {
    const plan = planDrain({
      pods: [pod('orphan-ds', { ownerReferences: [{ ...daemonSet, name: 'removed' }], emptyDirVolumes: ['x'] })],
      daemonSets: [], options: { ...strict, force: true }, now: NOW,
    });
    expect(plan.decisions[0]).toMatchObject({ action: 'block', reason: 'local-storage' });
    expect(plan.warnings).toEqual([]);
  });

  it('an empty node is drained: nothing to evict, wait for or block', () => {
    const plan = planDrain({ pods: [], daemonSets: [], options: strict, now: NOW });
    expect(plan).toEqual({ decisions: [], evict: [], waitFor: [], blocked: false, blockers: [], warnings: [] });
  });

  it.each<[string, number | undefined]>([
    ["each pod's own grace period", undefined],
    ['the grace-period setting', 10],
  ])('the evictions use %s', (_name, gracePeriodSeconds) => {
    const options = gracePeriodSeconds === undefined ? strict : { ...strict, gracePeriodSeconds };
    const plan = planDrain({ pods: [pod('p0', { terminationGracePeriodSeconds: 240 })], daemonSets: [], options, now: NOW });
    expect(plan.gracePeriodSeconds).toBe(gracePeriodSeconds);
  });

  it('the seed node: the Java replica is evicted, node agents stay', () => {
    const plan = planDrain({
      pods: [
        pod('java-app-7d9f-abcde', { labels: { app: 'java-app' }, terminationGracePeriodSeconds: 60 }),
        pod('kube-proxy-abc', { namespace: 'kube-system', ownerReferences: [daemonSet] }),
        pod('azure-ip-masq-agent-x', { namespace: 'kube-system', ownerReferences: [{ ...daemonSet, name: 'azure-ip-masq-agent' }] }),
      ],
      daemonSets: [{ namespace: 'kube-system', name: 'kube-proxy' }, { namespace: 'kube-system', name: 'azure-ip-masq-agent' }],
      options: kuredDefaults,
      now: NOW,
    });
    expect(plan.evict.map((p) => p.name)).toEqual(['java-app-7d9f-abcde']);
    expect(plan.decisions.filter((d) => d.action === 'skip').map((d) => d.reason)).toEqual(['daemonset', 'daemonset']);
    expect(plan.evict[0]!.terminationGracePeriodSeconds).toBe(60); // the pod's facts travel with its decision
  });
});

describe('planDrain: malformed input is an error naming the field', () => {
  it.each<[string, Partial<Parameters<typeof planDrain>[0]>, string | RegExp]>([
    ['bad now', { now: 'yesterday' }, 'drain plan now: "yesterday" is not an ISO 8601 instant'],
    ['bad deletionTimestamp', { pods: [pod('x', { deletionTimestamp: 'soon' })] }, 'pod apps/x deletionTimestamp: "soon" is not an ISO 8601 instant'],
    ['bad selector', { options: { ...strict, podSelector: 'app in' } }, /label selector "app in": found end of string/],
    ['negative timeout', { options: { ...strict, skipWaitForDeleteTimeoutSeconds: -1 } }, 'skipWaitForDeleteTimeoutSeconds: -1 must be a whole number of seconds >= 0'],
  ])('%s', (_name, override, error) => {
    expect(() => planDrain({ pods: [pod('p')], daemonSets: [], options: strict, now: NOW, ...override })).toThrow(error);
  });
});

describe('drainEndsBy: when the pods a pass leaves are gone at the latest', () => {
  it('a terminating pod at its deletionTimestamp, a pod evicted now after its own grace period; the latest wins', () => {
    const terminating = pod('old', { deletionTimestamp: '2024-05-01T03:00:20Z' });
    expect(drainEndsBy({ waitFor: [terminating], evicted: [pod('java-app', { terminationGracePeriodSeconds: 30 })], now: NOW })).toBe('2024-05-01T03:00:30.000Z');
    expect(drainEndsBy({ waitFor: [terminating], evicted: [pod('quick', { terminationGracePeriodSeconds: 5 })], now: NOW })).toBe('2024-05-01T03:00:20.000Z');
  });

  it('the drain\'s grace override applies to the evicted pods; 30 s when neither says; unscheduled pods go at once', () => {
    expect(drainEndsBy({ waitFor: [], evicted: [pod('a', { terminationGracePeriodSeconds: 300 })], gracePeriodSeconds: 10, now: NOW })).toBe('2024-05-01T03:00:10.000Z');
    expect(drainEndsBy({ waitFor: [], evicted: [pod('b')], now: NOW })).toBe('2024-05-01T03:00:30.000Z');
    expect(drainEndsBy({ waitFor: [], evicted: [pod('c', { nodeName: '', terminationGracePeriodSeconds: 60 })], now: NOW })).toBe('2024-05-01T03:00:00.000Z');
  });

  it('nothing evicted or terminating: no time; an unreadable now is refused by name', () => {
    expect(drainEndsBy({ waitFor: [], evicted: [], now: NOW })).toBeUndefined();
    expect(() => drainEndsBy({ waitFor: [], evicted: [], now: 'later' })).toThrow(/drain pass now: "later" is not an ISO 8601 instant/);
  });
});
