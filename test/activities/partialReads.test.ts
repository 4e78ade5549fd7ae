// The activities that read something per node, against the simulator with API faults: each
// read retried on its own (activities/retryRead.ts), and a node whose reads still fail
// reported with why instead of failing the activity — scheduleTerms' `unread`, checkAdmission's
// `unchecked`, the sentinel's "could not be created", checkBlockers' fail-closed facts. The waits
// are counted and move the virtual clock instead of sleeping.
import { afterEach, describe, expect, it } from 'vitest';
import { checkAdmission } from '../../activities/checkAdmission';
import { checkBlockers } from '../../activities/checkBlockers';
import type { DetectorConfig } from '../../activities/contracts';
import { READ_ATTEMPTS, READ_BACKOFF_MS } from '../../activities/retryRead';
import { releasedBudgets } from '../../activities/releasedBudgets';
import { scheduleTerms } from '../../activities/scheduleTerms';
import { startRebootChecks } from '../../activities/startRebootChecks';
import type { ApiFault } from '../../local/aks/scenario';
import { IMAGE, NAMESPACE, seedScenario, startActivityRig, type ActivityRig } from './rig';

const SENTINEL: DetectorConfig = { kind: 'sentinel', path: '/var/run/reboot-required' };

let rig: ActivityRig | undefined;
let waits: number[] = [];
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/** A rig whose read retries wait on its virtual clock (so a fault window can end between tries) and are counted. */
async function rigWith(api: ApiFault[]): Promise<ActivityRig> {
  const scenario = seedScenario();
  scenario.faults = { api };
  const r = await startActivityRig(scenario);
  rig = r;
  waits = [];
  r.deps.sleep = async (ms) => {
    waits.push(ms);
    r.advance(ms / 1000);
  };
  return r;
}

/** Kube requests the simulator answered with `status`, by verb and resource. */
function answered(r: ActivityRig, status: number, verb: string, resource: string): number {
  return r.sim.recorder.requests().filter((q) => q.surface === 'kube' && q.status === status && q.verb === verb && q.resource === resource && !q.subresource).length;
}

const candidates = (r: ActivityRig) => [...r.nodes('system'), ...r.nodes('user')].map((node) => ({ node, pool: node.includes('system') ? 'system' : 'user', zone: '1' }));

describe('scheduleTerms with reads that keep failing', () => {
  it('a namespace whose PDBs cannot be read leaves the nodes with pods there unread, naming it; the other nodes are read', async () => {
    const r = await rigWith([{ resource: 'poddisruptionbudgets', namespace: 'shop', status: 500, rate: 1 }]);
    const terms = await scheduleTerms({ ...r.base(), candidates: candidates(r) }, r.context);
    expect(terms.nodes.map((n) => n.name)).toEqual(r.nodes('system'));
    expect(terms.nodes.every((n) => n.workloads.some((w) => w.workload === 'PDB kube-system/coredns-pdb'))).toBe(true);
    expect(terms.unread).toEqual(r.nodes('user').map((node) => ({ node, reason: expect.stringMatching(/^the PDBs of namespace shop: .*HTTP 500/) })));
    // One namespace read, tried READ_ATTEMPTS times with the backoff between tries.
    expect(answered(r, 500, 'list', 'poddisruptionbudgets')).toBe(READ_ATTEMPTS);
    expect(waits).toEqual([...READ_BACKOFF_MS]);
  });

  it('pod lists failing every time: each node unread, each list retried on its own, its node read once', async () => {
    const r = await rigWith([{ resource: 'pods', verb: 'list', status: 503, rate: 1 }]);
    const asked = candidates(r);
    const terms = await scheduleTerms({ ...r.base(), candidates: asked }, r.context);
    expect(terms.nodes).toEqual([]);
    expect(terms.unread?.map((u) => u.node)).toEqual(asked.map((c) => c.node));
    for (const u of terms.unread ?? []) expect(u.reason).toMatch(/HTTP 503/);
    expect(answered(r, 503, 'list', 'pods')).toBe(READ_ATTEMPTS * asked.length);
    expect(answered(r, 200, 'get', 'nodes')).toBe(asked.length);
  });

  it('a Retry-After too long to wait inside the activity: the node is reported at once, nothing slept', async () => {
    const r = await rigWith([{ resource: 'pods', verb: 'list', status: 429, rate: 1, retryAfterSeconds: 30 }]);
    const terms = await scheduleTerms({ ...r.base(), candidates: candidates(r).slice(0, 2) }, r.context);
    expect(terms.unread).toHaveLength(2);
    expect(answered(r, 429, 'list', 'pods')).toBe(2);
    expect(waits).toEqual([]);
  });

  it('a read that fails and then answers within its tries is not reported', async () => {
    // Pod lists fail for the first 0.6 s of virtual time; each wait between tries moves the clock on.
    const r = await rigWith([{ resource: 'pods', verb: 'list', status: 500, to: 0.6 }]);
    const terms = await scheduleTerms({ ...r.base(), candidates: candidates(r) }, r.context);
    expect(terms.nodes).toHaveLength(6);
    expect(terms).not.toHaveProperty('unread');
    expect(answered(r, 500, 'list', 'pods')).toBeGreaterThanOrEqual(2);
  });

  it('with nothing failing the result has no `unread` (the same shape as before)', async () => {
    const r = await rigWith([]);
    const terms = await scheduleTerms({ ...r.base(), candidates: candidates(r) }, r.context);
    expect(terms.nodes).toHaveLength(6);
    expect(terms).not.toHaveProperty('unread');
  });
});

describe('checkAdmission, the sentinel and checkBlockers with reads that fail', () => {
  it('a node whose helper cannot be dry-run is unchecked with why, not refused; a Retry-After of 1 s is waited', async () => {
    const r = await rigWith([{ resource: 'pods', verb: 'create', status: 429, rate: 1, retryAfterSeconds: 1 }]);
    const nodes = r.nodes('user').slice(0, 3);
    const checked = await checkAdmission({ ...r.base(), namespace: NAMESPACE, image: IMAGE, detector: SENTINEL, nodes }, r.context);
    expect(checked.denials).toEqual([]);
    expect(checked.checked).toBe(0);
    expect(checked.unchecked).toEqual(nodes.map((node) => ({ node, reason: expect.stringMatching(/^dry-run creating pod .*HTTP 429/) })));
    expect(waits).toEqual(Array.from({ length: nodes.length * (READ_ATTEMPTS - 1) }, () => 1000));
  });

  it('with nothing failing every given node is checked and no `unchecked` is listed', async () => {
    const r = await rigWith([]);
    const checked = await checkAdmission({ ...r.base(), namespace: NAMESPACE, image: IMAGE, detector: SENTINEL, nodes: r.nodes('user') }, r.context);
    expect(checked).toEqual({ checked: 4, denials: [] });
  });

  it('a check pod whose create keeps failing makes its node "could not check", not the whole discovery', async () => {
    const r = await rigWith([{ resource: 'pods', verb: 'create', status: 503, rate: 1 }]);
    const started = await startRebootChecks({ ...r.base(), pools: ['user'], detector: SENTINEL, namespace: NAMESPACE, image: IMAGE, parallelism: 2 }, r.context);
    expect(started.pending).toEqual([]);
    expect(started.results).toEqual(r.nodes('user').map((node) => ({ node, status: 'unknown', reason: expect.stringMatching(/^its check pod could not be created: .*HTTP 503/) })));
    expect(answered(r, 503, 'create', 'pods')).toBe(READ_ATTEMPTS * 4);
  });

  it('checkBlockers: a node list that fails and then answers within its tries does not block the round; one that keeps failing blocks', async () => {
    const r = await rigWith([{ resource: 'nodes', verb: 'list', status: 503, to: 0.5 }]);
    const input = { ...r.base(), node: r.nodes('user')[0]!, blockingPodSelectors: [] };
    expect(await checkBlockers(input, r.context)).toEqual({ blocked: false });
    expect([answered(r, 503, 'list', 'nodes'), waits]).toEqual([2, [250, 500]]);

    await r.stop();
    const down = await rigWith([{ resource: 'nodes', verb: 'list', status: 503, rate: 1 }]);
    const blocked = await checkBlockers({ ...down.base(), node: down.nodes('user')[0]!, blockingPodSelectors: [] }, down.context);
    expect(blocked).toEqual({ blocked: true, reasons: [expect.stringMatching(/^could not list nodes: .*503/)] });
    expect(answered(down, 503, 'list', 'nodes')).toBe(READ_ATTEMPTS);
  });
});

describe('releasedBudgets reads the pods themselves and fails closed', () => {
  const PDB = 'PDB shop/java-app-pdb';

  it('releases a whole PDB on a node that holds none of its pods, never on a node that still does', async () => {
    const r = await rigWith([]);
    const nodes = [...r.nodes('system'), ...r.nodes('user')].map((node) => ({ node, workloads: [PDB] }));
    const { released } = await releasedBudgets({ ...r.base(), nodes }, r.context);
    // The seed runs one java-app replica on each user node, all Ready.
    expect(released).toEqual(r.nodes('system').map((node) => ({ node, workload: PDB })));
  });

  it('a namespace whose PDBs cannot be read releases nothing in it', async () => {
    const r = await rigWith([{ resource: 'poddisruptionbudgets', namespace: 'shop', status: 500, rate: 1 }]);
    const nodes = r.nodes('system').map((node) => ({ node, workloads: [PDB] }));
    expect(await releasedBudgets({ ...r.base(), nodes }, r.context)).toEqual({ released: [] });
  });
});
