// The kube API through its handler, as an HTTP client sees it.
import { describe, expect, it } from 'vitest';
import { advanceUntil, clusterFor, seedScenario } from '../cluster/testing';
import { createRealTimeClock } from '../../clock';
import { Cluster } from '../cluster/cluster';
import { loadScenario } from '../scenario';
import { createKubeHandler } from './handler';
import { call } from './testClient';

function setup(scenario = seedScenario()): { c: Cluster; h: ReturnType<typeof createKubeHandler> } {
  const c = clusterFor(scenario);
  return { c, h: createKubeHandler(c) };
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const eviction = (name: string, ns = 'shop', apiVersion = 'policy/v1') => ({ apiVersion, kind: 'Eviction', metadata: { name, namespace: ns } });

describe('discovery', () => {
  it('serves /version, /api, /apis and the resource lists kubectl reads', async () => {
    const { h } = setup();
    expect((await call(h, 'GET', '/version')).json).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4' });
    expect((await call(h, 'GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await call(h, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' }));
    expect(groups.headers?.['content-type']).toBe('application/json');
    expect(groups.json.groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['apps', 'policy', 'coordination.k8s.io']));
    const v1 = (await call(h, 'GET', '/api/v1')).json;
    expect(v1).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    expect(v1.resources.find((r: { name: string }) => r.name === 'pods/eviction')).toEqual({ name: 'pods/eviction', singularName: '', namespaced: true, kind: 'Eviction', verbs: ['create'], group: 'policy', version: 'v1' });
    expect(v1.resources.find((r: { name: string }) => r.name === 'nodes')).toMatchObject({ namespaced: false, kind: 'Node', verbs: expect.arrayContaining(['list', 'patch', 'watch']) });
    expect((await call(h, 'GET', '/apis/apps/v1')).json.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'deployments/scale']));
    expect((await call(h, 'GET', '/apis/policy')).json).toMatchObject({ kind: 'APIGroup', preferredVersion: { groupVersion: 'policy/v1' } });
  });

  it('answers an unknown path with a NotFound Status', async () => {
    const { h } = setup();
    for (const path of ['/apis/batch/v1', '/api/v1/widgets', '/openapi/v3', '/nope']) {
      const r = await call(h, 'GET', path);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
    }
  });
});

describe('nodes', () => {
  it('lists with a label selector and gets one; a missing node is NotFound', async () => {
    const { c, h } = setup();
    const r = await call(h, 'GET', '/api/v1/nodes?labelSelector=kubernetes.azure.com%2Fagentpool%3Duser');
    expect(r.json.kind).toBe('NodeList');
    expect(r.json.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(c.nodeNames('user'));
    const one = (await call(h, 'GET', `/api/v1/nodes/${c.nodeNames('user')[0]}`)).json;
    expect(one).toMatchObject({ apiVersion: 'v1', kind: 'Node', metadata: { labels: { 'kubernetes.azure.com/mode': 'user', 'topology.kubernetes.io/zone': 'westeurope-1', 'kubernetes.io/os': 'linux' } } });
    expect(one.metadata.name).toMatch(/^aks-user-\d{8}-vmss[0-9a-z]{6}$/);
    expect(one.spec.providerID).toMatch(/^azure:\/\/\/subscriptions\/.+\/virtualMachineScaleSets\/aks-user-\d{8}-vmss\/virtualMachines\/0$/);
    const missing = await call(h, 'GET', '/api/v1/nodes/nope');
    expect([missing.status, missing.json.message, missing.json.details]).toEqual([404, 'nodes "nope" not found', { name: 'nope', kind: 'nodes' }]);
  });

  it('cordons and uncordons with a strategic merge patch, as kubectl does', async () => {
    const { c, h } = setup();
    const node = c.nodeNames('user')[0]!;
    const r = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { body: { spec: { unschedulable: true } }, contentType: 'application/strategic-merge-patch+json' });
    expect(r.status).toBe(200);
    expect(r.json.spec.unschedulable).toBe(true);
    expect(r.json.spec.taints).toEqual([expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })]);
    const t = await call(h, 'GET', `/api/v1/nodes/${node}`, { accept: TABLE });
    expect(t.json.columnDefinitions.slice(0, 5).map((col: { name: string }) => col.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(t.json.rows[0].cells.slice(0, 5)).toEqual([node, 'Ready,SchedulingDisabled', '<none>', '0s', 'v1.32.4']);
    const back = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { body: { spec: { unschedulable: null } }, contentType: 'application/strategic-merge-patch+json' });
    expect(back.json.spec.unschedulable).toBeUndefined();
    expect(back.json.spec.taints).toBeUndefined();
  });

  it.each([
    ['merge patch', 'application/merge-patch+json', { metadata: { labels: { a: '1' }, annotations: { b: '2' } } }],
    ['strategic merge patch', 'application/strategic-merge-patch+json', { metadata: { labels: { a: '1' }, annotations: { b: '2' } } }],
    ['JSON patch', 'application/json-patch+json', [{ op: 'add', path: '/metadata/labels/a', value: '1' }, { op: 'add', path: '/metadata/annotations/b', value: '2' }]],
  ])('sets labels and annotations with a %s, keeping the others', async (_, contentType, body) => {
    const { c, h } = setup();
    const node = c.nodeNames('user')[0]!;
    const r = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { body, contentType });
    expect(r.status).toBe(200);
    expect(r.json.metadata.labels).toMatchObject({ a: '1', 'kubernetes.azure.com/agentpool': 'user' });
    expect(r.json.metadata.annotations).toMatchObject({ b: '2', 'node.alpha.kubernetes.io/ttl': '0' });
  });

  it('refuses a failed JSON patch test (422) and an unknown patch type (415)', async () => {
    const { c, h } = setup();
    const node = c.nodeNames('user')[0]!;
    const r = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { body: [{ op: 'test', path: '/spec/unschedulable', value: true }], contentType: 'application/json-patch+json' });
    expect([r.status, r.json.reason]).toEqual([422, 'Invalid']);
    const y = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { body: '{}', contentType: 'application/apply-patch+yaml' });
    expect([y.status, y.json.reason]).toEqual([415, 'UnsupportedMediaType']);
  });

  it('updates with PUT only at the current resourceVersion (409 otherwise)', async () => {
    const { c, h } = setup();
    const node = c.nodeNames('user')[0]!;
    const cur = (await call(h, 'GET', `/api/v1/nodes/${node}`)).json;
    cur.metadata.annotations.owner = 'me';
    const ok = await call(h, 'PUT', `/api/v1/nodes/${node}`, { body: cur });
    expect(ok.status).toBe(200);
    expect(Number(ok.json.metadata.resourceVersion)).toBeGreaterThan(Number(cur.metadata.resourceVersion));
    const stale = await call(h, 'PUT', `/api/v1/nodes/${node}`, { body: cur });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ reason: 'Conflict', message: `Operation cannot be fulfilled on nodes "${node}": the object has been modified; please apply your changes to the latest version and try again` });
    const patchStale = await call(h, 'PATCH', `/api/v1/nodes/${node}`, { body: { metadata: { resourceVersion: cur.metadata.resourceVersion, labels: { x: 'y' } } }, contentType: 'application/merge-patch+json' });
    expect(patchStale.status).toBe(409);
  });
});

describe('pods', () => {
  it('filters by field selectors (spec.nodeName, status.phase with !=) and label selectors; rejects unknown fields', async () => {
    const { c, h } = setup();
    const node = c.nodeNames('user')[0]!;
    const onNode = (await call(h, 'GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json.items;
    expect(onNode.map((p: { metadata: { namespace: string } }) => p.metadata.namespace).sort()).toEqual(['kube-system', 'shop']);
    expect((await call(h, 'GET', '/api/v1/pods?fieldSelector=status.phase!%3DRunning')).json.items).toEqual([]);
    expect((await call(h, 'GET', '/api/v1/namespaces/shop/pods?labelSelector=app%20in%20(java-app,other)')).json.items).toHaveLength(4);
    expect((await call(h, 'GET', '/api/v1/namespaces/shop/pods?labelSelector=app!%3Djava-app')).json.items).toHaveLength(0);
    const bad = await call(h, 'GET', '/api/v1/pods?fieldSelector=spec.foo%3Dx');
    expect([bad.status, bad.json.reason, bad.json.message]).toEqual([400, 'BadRequest', 'field label not supported: spec.foo']);
  });

  it('pages with limit and continue, in key order, with remainingItemCount', async () => {
    const { h } = setup();
    const all = (await call(h, 'GET', '/api/v1/pods')).json.items.map((p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(all).toEqual([...all].sort());
    const seen: string[] = [];
    let token = '';
    for (let i = 0; i < 10; i++) {
      const r = (await call(h, 'GET', `/api/v1/pods?limit=5${token ? `&continue=${encodeURIComponent(token)}` : ''}`)).json;
      seen.push(...r.items.map((p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`));
      token = r.metadata.continue ?? '';
      if (i === 0) expect(r.metadata.remainingItemCount).toBe(all.length - 5);
      if (!token) break;
    }
    expect(seen).toEqual(all);
    expect((await call(h, 'GET', '/api/v1/pods?limit=5&continue=garbage')).status).toBe(400);
  });

  it('creates a pod with kubectl\'s query parameters, then 409 AlreadyExists; 422 for a bad name; 404 for a missing namespace', async () => {
    const { h } = setup();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
    const r = await call(h, 'POST', '/api/v1/namespaces/shop/pods?fieldManager=kubectl-create&fieldValidation=Ignore', { body: pod });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ kind: 'Pod', metadata: { name: 'debug', namespace: 'shop', uid: expect.any(String) }, status: { phase: 'Pending' } });
    const again = await call(h, 'POST', '/api/v1/namespaces/shop/pods?fieldManager=kubectl-create&fieldValidation=Ignore', { body: pod });
    expect([again.status, again.json.reason, again.json.message, again.json.details]).toEqual([409, 'AlreadyExists', 'pods "debug" already exists', { name: 'debug', kind: 'pods' }]);
    const bad = await call(h, 'POST', '/api/v1/namespaces/shop/pods', { body: { ...pod, metadata: { name: 'Bad_Name' } } });
    expect([bad.status, bad.json.reason]).toEqual([422, 'Invalid']);
    expect(bad.json.message).toMatch(/^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const noNs = await call(h, 'POST', '/api/v1/namespaces/nowhere/pods', { body: { ...pod, metadata: { name: 'x' } } });
    expect([noNs.status, noNs.json.message]).toEqual([404, 'namespaces "nowhere" not found']);
    const noContainers = await call(h, 'POST', '/api/v1/namespaces/shop/pods', { body: { metadata: { name: 'y' }, spec: {} } });
    expect([noContainers.status, noContainers.json.message]).toEqual([422, 'Pod "y" is invalid: spec.containers: Required value']);
  });

  it('deletes gracefully: 200 with deletionTimestamp, then gone after the grace period', async () => {
    const { c, h } = setup();
    const name = c.pods('shop', 'java-app')[0]!.metadata.name;
    const r = await call(h, 'DELETE', `/api/v1/namespaces/shop/pods/${name}`);
    expect(r.status).toBe(200);
    expect(r.json.metadata.deletionTimestamp).toBe('2026-01-05T02:00:30Z');
    expect((await call(h, 'GET', `/api/v1/namespaces/shop/pods/${name}`)).status).toBe(200);
    c.advance(30);
    expect((await call(h, 'GET', `/api/v1/namespaces/shop/pods/${name}`)).status).toBe(404);
    const now = await call(h, 'DELETE', `/api/v1/namespaces/shop/pods/${c.pods('shop', 'java-app')[0]!.metadata.name}`, { body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 } });
    expect((await call(h, 'GET', `/api/v1/namespaces/shop/pods/${now.json.metadata.name}`)).status).toBe(404);
  });

  it('serves logs as text, and the kubectl pod Table', async () => {
    const { c, h } = setup();
    const p = c.pods('shop', 'java-app')[0]!;
    const log = await call(h, 'GET', `/api/v1/namespaces/shop/pods/${p.metadata.name}/log`);
    expect(log.headers?.['content-type']).toBe('text/plain');
    // The cluster was already running: java-app's container started its 240 s readiness delay before the scenario.
    expect(log.body).toBe('2026-01-05T01:56:00Z java-app started\n');
    const t = (await call(h, 'GET', '/api/v1/namespaces/shop/pods', { accept: TABLE })).json;
    expect(t.kind).toBe('Table');
    expect(t.columnDefinitions.slice(0, 5).map((col: { name: string }) => col.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(t.rows[0].cells.slice(1, 4)).toEqual(['1/1', 'Running', '0']);
    expect(t.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { namespace: 'shop' } });
  });
});

describe('pods/eviction', () => {
  it('evicts once the budget allows (201), refuses the next with 429 DisruptionBudget, allows again after the pod is Ready', async () => {
    const { c, h } = setup();
    const [a, b] = c.pods('shop', 'java-app').map((p) => p.metadata.name) as [string, string];
    const first = await call(h, 'POST', `/api/v1/namespaces/shop/pods/${a}/eviction`, { body: eviction(a) });
    expect([first.status, first.json]).toEqual([201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }]);
    const second = await call(h, 'POST', `/api/v1/namespaces/shop/pods/${b}/eviction`, { body: eviction(b, 'shop', 'policy/v1beta1') });
    expect(second.status).toBe(429);
    // The apiserver only decremented disruptionsAllowed; currentHealthy waits for the disruption controller's queue.
    expect(second.json).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'TooManyRequests', code: 429,
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget java-app-pdb needs 3 healthy pods and has 4 currently' }] },
    });
    const node = c.pod('shop', a)!.spec.nodeName!;
    c.advance(30);
    expect(c.workloadReadiness('shop', 'java-app').ready).toBe(3);
    c.act(() => c.rebootNode(node));
    advanceUntil(c, () => c.workloadReadiness('shop', 'java-app').ready === 4, 600, 5);
    c.advance(2); // the disruption controller's queue (controllerDelaySeconds)
    expect((await call(h, 'POST', `/api/v1/namespaces/shop/pods/${b}/eviction`, { body: eviction(b) })).status).toBe(201);
  });

  it('answers 500 when several PDBs match the pod', async () => {
    const { c, h } = setup();
    const extra = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'second' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'java-app' } } } };
    expect((await call(h, 'POST', '/apis/policy/v1/namespaces/shop/poddisruptionbudgets', { body: extra })).status).toBe(201);
    const name = c.pods('shop', 'java-app')[0]!.metadata.name;
    const r = await call(h, 'POST', `/api/v1/namespaces/shop/pods/${name}/eviction`, { body: eviction(name) });
    expect([r.status, r.json.message]).toEqual([500, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.']);
  });

  it('deletes Pending, finished and terminating pods without a budget check; 404 for a missing pod; 400 on a name mismatch', async () => {
    const { c, h } = setup();
    const [a, b] = c.pods('shop', 'java-app').map((p) => p.metadata.name) as [string, string];
    await call(h, 'POST', `/api/v1/namespaces/shop/pods/${a}/eviction`, { body: eviction(a) });
    expect((await call(h, 'POST', `/api/v1/namespaces/shop/pods/${a}/eviction`, { body: eviction(a) })).status).toBe(201);
    c.advance(2); // the ReplicaSet's queue creates the replacement
    const pending = c.pods('shop', 'java-app').find((p) => !p.spec.nodeName)!.metadata.name;
    expect((await call(h, 'POST', `/api/v1/namespaces/shop/pods/${pending}/eviction`, { body: eviction(pending) })).status).toBe(201);
    expect(c.pod('shop', pending)).toBeUndefined();
    const missing = await call(h, 'POST', '/api/v1/namespaces/shop/pods/ghost/eviction', { body: eviction('ghost') });
    expect([missing.status, missing.json.message]).toEqual([404, 'pods "ghost" not found']);
    const mismatch = await call(h, 'POST', `/api/v1/namespaces/shop/pods/${b}/eviction`, { body: eviction('other') });
    expect([mismatch.status, mismatch.json.message]).toEqual([400, 'name in URL does not match name in Eviction object']);
  });

  it('lets an unready pod go while the budget is healthy', async () => {
    const s = seedScenario();
    s.workloads![0]!.pdb = { minAvailable: 2 };
    s.faults = { podsNeverReady: [{ workload: 'java-app', namespace: 'shop', from: 1 }] };
    const { c, h } = setup(s);
    c.advance(1);
    const victim = c.pods('shop', 'java-app')[0]!;
    c.act(() => c.rebootNode(victim.spec.nodeName!));
    c.advance(200);
    expect(c.pdb('shop', 'java-app-pdb')!.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    const r = await call(h, 'POST', `/api/v1/namespaces/shop/pods/${victim.metadata.name}/eviction`, { body: eviction(victim.metadata.name) });
    expect(r.status).toBe(201);
    expect(c.pdb('shop', 'java-app-pdb')!.status!.disruptionsAllowed).toBe(1);
  });
});

describe('PDBs, workloads, leases, events, namespaces', () => {
  it('creates PDBs whose status the disruption controller computes (int and percent) once it gets to them', async () => {
    const { c, h } = setup();
    const mk = (name: string, spec: object) => call(h, 'POST', '/apis/policy/v1/namespaces/shop/poddisruptionbudgets', { body: { metadata: { name }, spec: { ...spec, selector: { matchLabels: { app: 'java-app' } } } } });
    expect((await mk('p50', { minAvailable: '50%' })).json.status.observedGeneration).toBeUndefined();
    c.advance(2);
    expect((await call(h, 'GET', '/apis/policy/v1/namespaces/shop/poddisruptionbudgets/p50')).json.status).toMatchObject({ expectedPods: 4, desiredHealthy: 2, currentHealthy: 4, disruptionsAllowed: 2, observedGeneration: 1 });
    const list = (await call(h, 'GET', '/apis/policy/v1/namespaces/shop/poddisruptionbudgets')).json;
    expect(list.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['java-app-pdb', 'p50']);
    const both = await mk('both', { minAvailable: 1, maxUnavailable: 1 });
    expect([both.status, both.json.reason]).toEqual([422, 'Invalid']);
  });

  it('reports workload status and scales a Deployment through its scale subresource', async () => {
    const { c, h } = setup();
    const d = (await call(h, 'GET', '/apis/apps/v1/namespaces/shop/deployments/java-app')).json;
    expect(d.status).toMatchObject({ replicas: 4, readyReplicas: 4, availableReplicas: 4, updatedReplicas: 4, observedGeneration: 1 });
    const ds = (await call(h, 'GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/node-agent')).json;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 6, numberReady: 6, currentNumberScheduled: 6 });
    const scaled = await call(h, 'PATCH', '/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale', { body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json' });
    expect(scaled.json).toMatchObject({ kind: 'Scale', spec: { replicas: 3 } });
    c.advance(2);
    const coredns = c.pods('kube-system', 'coredns');
    expect(coredns).toHaveLength(3);
    expect(coredns.filter((p) => !p.spec.nodeName)).toHaveLength(1);
    expect((await call(h, 'GET', '/apis/apps/v1/namespaces/kube-system/deployments/coredns')).json.metadata.generation).toBe(2);
  });

  it('leases: create, get, update with optimistic concurrency (409 on a stale resourceVersion), delete', async () => {
    const { h } = setup();
    const base = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'lock' }, spec: { holderIdentity: 'run-1', leaseDurationSeconds: 1800 } };
    const created = await call(h, 'POST', base, { body: lease });
    expect(created.status).toBe(201);
    expect((await call(h, 'POST', base, { body: lease })).json.message).toBe('leases.coordination.k8s.io "lock" already exists');
    const got = (await call(h, 'GET', `${base}/lock`)).json;
    const mine = await call(h, 'PUT', `${base}/lock`, { body: { ...got, spec: { ...got.spec, holderIdentity: 'run-2' } } });
    expect([mine.status, mine.json.spec.holderIdentity]).toEqual([200, 'run-2']);
    const theirs = await call(h, 'PUT', `${base}/lock`, { body: { ...got, spec: { ...got.spec, holderIdentity: 'run-3' } } });
    expect([theirs.status, theirs.json.reason, theirs.json.message]).toEqual([409, 'Conflict', 'Operation cannot be fulfilled on leases.coordination.k8s.io "lock": the object has been modified; please apply your changes to the latest version and try again']);
    const del = await call(h, 'DELETE', `${base}/lock`);
    expect(del.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'lock', group: 'coordination.k8s.io', kind: 'leases' } });
    expect((await call(h, 'GET', `${base}/lock`)).json.message).toBe('leases.coordination.k8s.io "lock" not found');
  });

  it('events: create and list; the kubelet\'s Rebooted events are there too', async () => {
    const { c, h } = setup();
    const node = c.nodeNames('user')[0]!;
    const ev = { metadata: { generateName: `${node}.` }, involvedObject: { kind: 'Node', name: node }, reason: 'RebootScheduled', message: 'm', type: 'Normal' };
    const r = await call(h, 'POST', '/api/v1/namespaces/default/events', { body: ev });
    expect(r.status).toBe(201);
    expect(r.json.metadata.name).toMatch(new RegExp(`^${node}\\.[a-z0-9]{5}$`));
    c.act(() => c.rebootNode(node));
    c.advance(120);
    const list = (await call(h, 'GET', `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${node},reason%3DRebooted`)).json.items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ type: 'Warning', source: { component: 'kubelet', host: node } });
  });

  it('namespaces: create and get; deleting one removes what it held', async () => {
    const { h } = setup();
    expect((await call(h, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-a' } } })).json.status).toEqual({ phase: 'Active' });
    expect((await call(h, 'GET', '/api/v1/namespaces/team-a')).json.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    expect((await call(h, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-a' } } })).json.message).toBe('namespaces "team-a" already exists');
    await call(h, 'DELETE', '/api/v1/namespaces/shop');
    expect((await call(h, 'GET', '/api/v1/namespaces/shop/pods')).json.items).toEqual([]);
  });
});

describe('watch', () => {
  it('streams ADDED for what exists, then changes as JSON lines; ends after timeoutSeconds', async () => {
    const { c, h } = setup();
    const r = await call(h, 'GET', '/api/v1/nodes?watch=true&labelSelector=kubernetes.azure.com%2Fagentpool%3Dsystem&timeoutSeconds=60');
    const it = r.stream![Symbol.asyncIterator]();
    const first = JSON.parse((await it.next()).value);
    expect(first).toMatchObject({ type: 'ADDED', object: { kind: 'Node', apiVersion: 'v1' } });
    await it.next();
    c.cordon(c.nodeNames('system')[0]!);
    c.cordon(c.nodeNames('user')[0]!);
    const change = JSON.parse((await it.next()).value);
    expect(change).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: c.nodeNames('system')[0] }, spec: { unschedulable: true } } });
    c.advance(60);
    expect((await it.next()).done).toBe(true);
  });

  it('resumes from a resourceVersion, or says 410 Expired when it is too old', async () => {
    const { c, h } = setup();
    const rv = (await call(h, 'GET', '/api/v1/nodes')).json.metadata.resourceVersion;
    c.cordon(c.nodeNames('user')[1]!);
    const r = await call(h, 'GET', `/api/v1/nodes?watch=1&resourceVersion=${rv}`);
    const it = r.stream![Symbol.asyncIterator]();
    expect(JSON.parse((await it.next()).value)).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: c.nodeNames('user')[1] } } });
    await it.return!();
    const lease = c.act(() => c.store.create('leases.coordination.k8s.io', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'churn', namespace: 'default' }, spec: {} }));
    for (let i = 0; i < 10_001; i++) c.store.touch('leases.coordination.k8s.io', lease);
    const old = await call(h, 'GET', `/api/v1/nodes?watch=1&resourceVersion=${rv}`);
    const line = JSON.parse((await old.stream![Symbol.asyncIterator]().next()).value);
    expect(line).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});

describe('faults and accounting', () => {
  it('injects 429 with Retry-After per resource, and an outage as 503', async () => {
    const s = seedScenario();
    s.faults = { api: [{ resource: 'pods', verb: 'list', status: 429, retryAfterSeconds: 3, to: 10 }], apiOutages: [{ from: 20, to: 30 }] };
    const { c, h } = setup(s);
    const r = await call(h, 'GET', '/api/v1/pods');
    expect([r.status, r.headers?.['retry-after'], r.json.reason]).toEqual([429, '3', 'TooManyRequests']);
    expect((await call(h, 'GET', '/api/v1/nodes')).status).toBe(200);
    c.advance(20);
    expect((await call(h, 'GET', '/api/v1/nodes')).json).toMatchObject({ code: 503, reason: 'ServiceUnavailable' });
    c.advance(10);
    expect((await call(h, 'GET', '/api/v1/pods')).status).toBe(200);
  });

  it('counts requests by verb, resource, subresource, namespace and client', async () => {
    const { c, h } = setup();
    const name = c.pods('shop', 'java-app')[0]!.metadata.name;
    await call(h, 'GET', '/api/v1/nodes', { client: 'kubectl' });
    await call(h, 'GET', `/api/v1/namespaces/shop/pods/${name}`, { client: 'product' });
    await call(h, 'POST', `/api/v1/namespaces/shop/pods/${name}/eviction`, { body: eviction(name), client: 'product' });
    const k = c.recorder.summary().apiRequests.kube;
    expect(k.total).toBe(3);
    expect(k.byVerbAndResource).toEqual({ 'list nodes': 1, 'get pods': 1, 'create pods/eviction': 1 });
    expect(k.byClient).toEqual({ kubectl: 1, product: 2 });
    expect(k.byNamespace).toEqual({ '': 1, shop: 2 });
  });
});

describe('tables for kubectl get', () => {
  it.each([
    ['/apis/apps/v1/namespaces/shop/deployments', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'], ['java-app', '4/4', 4, 4, '0s']],
    ['/apis/apps/v1/namespaces/kube-system/daemonsets', ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'], ['node-agent', 6, 6, 6, 6, 6, '<none>', '0s']],
    ['/apis/policy/v1/namespaces/shop/poddisruptionbudgets', ['Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age'], ['java-app-pdb', '3', 'N/A', 1, '0s']],
    ['/api/v1/namespaces', ['Name', 'Status', 'Age'], ['aks-reboot-orchestrator', 'Active', '0s']],
  ])('%s', async (path, columns, firstRow) => {
    const { h } = setup();
    const t = (await call(h, 'GET', path, { accept: TABLE })).json;
    expect(t.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(columns);
    expect(t.rows[0].cells).toEqual(firstRow);
  });
});

describe('request shapes the simulator does not take', () => {
  it('answers a protobuf body with 415 and a create without a namespace with 405', async () => {
    const { h } = setup();
    const proto = await call(h, 'POST', '/api/v1/namespaces/shop/pods', { body: 'k8s\u0000', contentType: 'application/vnd.kubernetes.protobuf' });
    expect([proto.status, proto.json.reason]).toEqual([415, 'UnsupportedMediaType']);
    const noNs = await call(h, 'POST', '/api/v1/pods', { body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    expect([noNs.status, noNs.json.reason]).toEqual([405, 'MethodNotAllowed']);
  });
});

describe('latency faults', () => {
  it('are served on a real-time clock and skipped on a virtual one (which nobody advances mid-request)', async () => {
    const s = seedScenario();
    s.faults = { api: [{ resource: 'nodes', verb: 'list', latencyMs: 400 }] };
    // Resolving at all proves it: nothing advances this virtual clock.
    expect((await call(setup(s).h, 'GET', '/api/v1/nodes')).status).toBe(200);
    const clock = createRealTimeClock({ speed: 10 });
    try {
      const h = createKubeHandler(new Cluster(loadScenario(s), clock));
      const t1 = Date.now();
      expect((await call(h, 'GET', '/api/v1/nodes')).status).toBe(200);
      expect(Date.now() - t1).toBeGreaterThanOrEqual(35);
    } finally {
      clock.stop();
    }
  });
});
