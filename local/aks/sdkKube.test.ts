// The kube API of the simulator driven only through the real @kubernetes/client-node client
// over TLS, with the credentials a product gets from ARM (listClusterUserCredential + an
// Entra token for the AKS server app).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiException, CoordinationV1Api, CoreV1Api, KubeConfig, PatchStrategy, PolicyV1Api, setHeaderOptions, type V1Pod,
} from '@kubernetes/client-node';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { parse } from 'yaml';
import { createVirtualClock, type VirtualClock } from '../clock';
import { AKS_SCOPE, startSimulator, type Simulator } from './index';
import { bundledScenarioPath, loadScenario, scenarioStartMs } from './scenario';

interface Rig {
  sim: Simulator;
  clock: VirtualClock;
  core: CoreV1Api;
  policy: PolicyV1Api;
  coordination: CoordinationV1Api;
}

async function startRig(): Promise<Rig> {
  const scenario = loadScenario(bundledScenarioPath('seed'));
  // The API's semantics, not RBAC (kubeAccess.test.ts): these tests also create and delete what the app may not.
  delete scenario.cluster.rbac;
  const clock = createVirtualClock(scenarioStartMs(scenario));
  const sim = await startSimulator(scenario, clock);
  const kc = await kubeConfigFromArm(sim);
  return { sim, clock, core: kc.makeApiClient(CoreV1Api), policy: kc.makeApiClient(PolicyV1Api), coordination: kc.makeApiClient(CoordinationV1Api) };
}

/** What the product does: ask ARM for the user kubeconfig (exec format), keep server and CA, bring its own AKS token. */
async function kubeConfigFromArm(sim: Simulator): Promise<KubeConfig> {
  const arm = new ContainerServiceClient(sim.credential, sim.subscriptionId, { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caPem } });
  const creds = await arm.managedClusters.listClusterUserCredentials(sim.resourceGroup, sim.clusterName, { format: 'exec' });
  const file = parse(Buffer.from(creds.kubeconfigs![0]!.value!).toString('utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { exec?: { command: string } } }[];
  };
  expect(file.users[0]!.user.exec?.command).toBe('kubelogin');
  const token = await sim.credential.getToken(AKS_SCOPE);
  return kubeConfig(file.clusters[0]!.cluster.server, file.clusters[0]!.cluster['certificate-authority-data'], token.token);
}

function kubeConfig(server: string, caData: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server, caData, skipTLSVerify: false }],
    users: [{ name: 'product', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'product' }],
    currentContext: 'sim',
  });
  return kc;
}

/** Moves virtual time in steps until `check` holds (asked through the client), at most `maxMs`. */
async function advanceUntil(clock: VirtualClock, check: () => Promise<boolean>, stepMs = 5000, maxMs = 30 * 60_000): Promise<number> {
  const start = clock.now();
  while (!(await check())) {
    if (clock.now() - start >= maxMs) throw new Error(`condition not met within ${maxMs / 1000} s of simulator time`);
    clock.advanceTo(clock.now() + stepMs);
  }
  return clock.now() - start;
}

const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const userNodes = async (core: CoreV1Api) =>
  (await core.listNode({ labelSelector: 'kubernetes.azure.com/agentpool=user' })).items.map((n) => n.metadata!.name!).sort();

async function statusOf(call: Promise<unknown>): Promise<{ code: number; body: unknown }> {
  try {
    await call;
    return { code: 200, body: undefined };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, body: typeof error.body === 'string' ? JSON.parse(error.body) : error.body };
  }
}

describe('kube API through @kubernetes/client-node', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.sim.stop();
  });

  it('cordons a node with a merge patch', async () => {
    const [node] = await userNodes(rig.core);
    const patched = await rig.core.patchNode({ name: node!, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(patched.spec?.unschedulable).toBe(true);
    expect((await rig.core.readNode({ name: node! })).spec?.unschedulable).toBe(true);
  });

  it('lists the pods on one node with a field selector', async () => {
    const [node] = await userNodes(rig.core);
    const pods = await rig.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` });
    const names = pods.items.map((p) => `${p.metadata!.namespace}/${p.metadata!.name!.split('-')[0]}`).sort();
    expect(names).toEqual(['kube-system/node', 'shop/java']);
    expect(pods.items.every((p) => p.spec?.nodeName === node)).toBe(true);
  });

  it('refuses an eviction the PDB does not allow (429), and allows it once the evicted pod is back and Ready', async () => {
    const pods = (await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=java-app' })).items;
    expect(pods).toHaveLength(4);
    const [first, second] = pods;
    const evict = (pod: V1Pod) => rig.core.createNamespacedPodEviction({
      name: pod.metadata!.name!, namespace: 'shop',
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata!.name!, namespace: 'shop' } },
    });
    expect((await statusOf(evict(first!))).code).toBe(200);
    const refused = await statusOf(evict(second!));
    expect(refused.code).toBe(429);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', details: { causes: [{ reason: 'DisruptionBudget' }] } });
    const waited = await advanceUntil(rig.clock, async () => {
      const live = (await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=java-app' })).items.filter((p) => !p.metadata?.deletionTimestamp);
      return live.length === 4 && live.every(isReady);
    });
    expect(waited).toBeGreaterThanOrEqual(240_000);
    rig.clock.advanceTo(rig.clock.now() + 2000); // the disruption controller's queue (controllerDelaySeconds)
    expect((await statusOf(evict(second!))).code).toBe(200);
  });

  it('answers 500 when several PDBs match the pod', async () => {
    const [existing] = (await rig.policy.listNamespacedPodDisruptionBudget({ namespace: 'shop' })).items;
    await rig.policy.createNamespacedPodDisruptionBudget({
      namespace: 'shop',
      body: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'java-app-extra' }, spec: { maxUnavailable: 1, selector: existing!.spec!.selector } },
    });
    const [pod] = (await rig.core.listNamespacedPod({ namespace: 'shop', labelSelector: 'app=java-app' })).items;
    const answer = await statusOf(rig.core.createNamespacedPodEviction({
      name: pod!.metadata!.name!, namespace: 'shop', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod!.metadata!.name!, namespace: 'shop' } },
    }));
    expect(answer.code).toBe(500);
    expect(answer.body).toMatchObject({ message: expect.stringContaining('more than one PodDisruptionBudget') });
  });

  it('keeps Lease updates optimistic: a stale resourceVersion and a second create get 409', async () => {
    const namespace = 'aks-reboot-orchestrator';
    const lease = (holder: string) => ({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'aks-reboot-orchestrator', namespace },
      spec: { holderIdentity: holder, leaseDurationSeconds: 1800 },
    });
    const created = await rig.coordination.createNamespacedLease({ namespace, body: lease('run-1') });
    expect((await statusOf(rig.coordination.createNamespacedLease({ namespace, body: lease('run-2') }))).body).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    const renewed = await rig.coordination.replaceNamespacedLease({ name: 'aks-reboot-orchestrator', namespace, body: { ...created, spec: { ...created.spec, holderIdentity: 'run-1', renewTime: new Date(rig.clock.now()) } } });
    expect(renewed.metadata!.resourceVersion).not.toBe(created.metadata!.resourceVersion);
    const stale = await statusOf(rig.coordination.replaceNamespacedLease({ name: 'aks-reboot-orchestrator', namespace, body: { ...created, spec: { ...created.spec, holderIdentity: 'run-2' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict' });
    expect((await rig.coordination.readNamespacedLease({ name: 'aks-reboot-orchestrator', namespace })).spec?.holderIdentity).toBe('run-1');
  });

  it.each([
    ['a token the simulator did not mint', () => 'simtok.e30.bad'],
    ['an ARM token', (r: Rig) => r.sim.tokens.mint('arm', 'product').token],
  ])('answers 401 to %s (the client drops a 401 body; server.test.ts checks the Status)', async (_what, token) => {
    const kc = kubeConfig(rig.sim.kubeEndpoint, Buffer.from(rig.sim.caPem).toString('base64'), token(rig));
    const answer = await statusOf(kc.makeApiClient(CoreV1Api).listNode());
    expect(answer.code).toBe(401);
  });

  it('answers 401 once a token has expired in virtual time', async () => {
    const token = rig.sim.tokens.mint('aks', 'product', 60_000).token;
    const core = kubeConfig(rig.sim.kubeEndpoint, Buffer.from(rig.sim.caPem).toString('base64'), token).makeApiClient(CoreV1Api);
    expect((await core.listNode()).items).toHaveLength(6);
    rig.clock.advanceTo(rig.clock.now() + 60_000);
    expect((await statusOf(core.listNode())).code).toBe(401);
  });
});
