// Authentication and RBAC of the simulated kube API, each against the rule it follows: AKS's
// local accounts and Entra integration (learn.microsoft.com/azure/aks/control-kubeconfig-access,
// .../manage-local-accounts-managed-azure-ad) and the apiserver's RBAC authorizer and 403
// wording (plugin/pkg/auth/authorizer/rbac/rbac.go, responsewriters/errors.go).
import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { createVirtualClock } from '../clock';
import { AKS_SCOPE, APP_OBJECT_ID, DEFAULT_RBAC, startSimulator, type Simulator } from './index';
import { bundledScenarioPath, loadScenario, scenarioStartMs, type Scenario } from './scenario';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim?.clock.stop();
  sim = undefined;
});

async function start(change: (cluster: Scenario['cluster']) => void): Promise<Simulator> {
  const scenario = loadScenario(bundledScenarioPath('seed'));
  change(scenario.cluster);
  sim = await startSimulator(loadScenario(scenario), createVirtualClock(scenarioStartMs(scenario)));
  return sim;
}

function arm(s: Simulator): ContainerServiceClient {
  return new ContainerServiceClient(s.credential, s.subscriptionId, { endpoint: s.armEndpoint, tlsOptions: { ca: s.caPem }, retryOptions: { maxRetries: 0 } });
}

function withToken(s: Simulator, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: s.kubeEndpoint, caData: Buffer.from(s.caPem).toString('base64') }],
    users: [{ name: 'app', token }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'app' }],
    currentContext: 'sim',
  });
  return kc;
}

async function kubeconfigFrom(answer: Promise<{ kubeconfigs?: { value?: Uint8Array }[] }>): Promise<KubeConfig> {
  const kc = new KubeConfig();
  kc.loadFromString(Buffer.from((await answer).kubeconfigs![0]!.value!).toString('utf8'));
  return kc;
}

const status = (error: unknown) => (error instanceof ApiException ? { code: error.code, body: parseBody(error.body) } : error);

function parseBody(body: unknown): { message?: string; reason?: string } | undefined {
  try {
    return typeof body === 'string' ? (JSON.parse(body) as { message?: string; reason?: string }) : (body as { message?: string; reason?: string } | undefined);
  } catch {
    return undefined;
  }
}

describe('a cluster without Entra ID (entraEnabled: false)', () => {
  it('refuses Entra tokens with 401 and serves the client certificate listClusterUserCredential returns, as an admin', async () => {
    const s = await start((c) => { c.entraEnabled = false; c.rbac = DEFAULT_RBAC; });
    const token = (await s.credential.getToken(AKS_SCOPE)).token;
    const refused = await withToken(s, token).makeApiClient(CoreV1Api).listNode().catch(status);
    expect(refused).toMatchObject({ code: 401 });

    const user = await kubeconfigFrom(arm(s).managedClusters.listClusterUserCredentials(s.resourceGroup, s.clusterName, { format: 'exec' }));
    expect(user.getCurrentUser()).toMatchObject({ name: `clusterUser_${s.resourceGroup}_${s.clusterName}` });
    expect(user.getCurrentUser()?.certData).toBeTruthy();
    // masterclient in system:masters: even a list of events, which the app's RBAC never grants, is allowed.
    expect((await user.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'shop' })).items).toEqual([]);
    expect((await user.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(6);
  });
});

describe('disableLocalAccounts on an Entra cluster', () => {
  it('fails listClusterAdminCredential with AKS\'s 400 and refuses client certificates; Entra tokens still work', async () => {
    const open = await start((c) => { c.entraEnabled = true; });
    const admin = await kubeconfigFrom(arm(open).managedClusters.listClusterAdminCredentials(open.resourceGroup, open.clusterName));
    expect((await admin.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(6);
    await open.stop();
    sim = undefined;

    const s = await start((c) => { c.entraEnabled = true; c.disableLocalAccounts = true; });
    await expect(arm(s).managedClusters.listClusterAdminCredentials(s.resourceGroup, s.clusterName)).rejects.toMatchObject({
      statusCode: 400, code: 'BadRequest', message: 'Getting static credential is not allowed because this cluster is set to disable local accounts.',
    });
    // The certificate of the earlier cluster shape is refused now (same CA, local accounts off).
    const refused = await withClientCertificateOf(admin, s).makeApiClient(CoreV1Api).listNode().catch(status);
    expect(refused).toMatchObject({ code: 401 });
    const token = (await s.credential.getToken(AKS_SCOPE)).token;
    expect((await withToken(s, token).makeApiClient(CoreV1Api).listNode()).items).toHaveLength(6);
  });

  it('is refused in a scenario without Entra ID, as AKS refuses it', async () => {
    const scenario = loadScenario(bundledScenarioPath('seed'));
    scenario.cluster.entraEnabled = false;
    scenario.cluster.disableLocalAccounts = true;
    expect(() => loadScenario(scenario)).toThrow(/scenario\.cluster\.disableLocalAccounts: AKS accepts it only on a cluster with Entra ID/);
  });
});

/** A kubeconfig for `s` that presents the client certificate of `from`. */
function withClientCertificateOf(from: KubeConfig, s: Simulator): KubeConfig {
  const user = from.getCurrentUser()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: s.kubeEndpoint, caData: Buffer.from(s.caPem).toString('base64') }],
    users: [{ name: 'cert', certData: user.certData, keyData: user.keyData }],
    contexts: [{ name: 'sim', cluster: 'sim', user: 'cert' }],
    currentContext: 'sim',
  });
  return kc;
}

describe('cluster.rbac enforced from infra/k8s', () => {
  it('allows the app identity what the manifests grant and answers anything else with the apiserver\'s 403', async () => {
    const s = await start((c) => { c.rbac = DEFAULT_RBAC; });
    const kc = withToken(s, (await s.credential.getToken(AKS_SCOPE)).token);
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.listNode()).items).toHaveLength(6);
    expect((await core.listPodForAllNamespaces()).items.length).toBeGreaterThan(0);

    expect(await core.listNamespacedEvent({ namespace: 'shop' }).catch(status)).toMatchObject({
      code: 403,
      body: { reason: 'Forbidden', message: `events is forbidden: User "${APP_OBJECT_ID}" cannot list resource "events" in API group "" in the namespace "shop"` },
    });
    expect(await core.deleteNode({ name: s.cluster.nodeNames()[0]! }).catch(status)).toMatchObject({
      code: 403,
      body: { message: `nodes "${s.cluster.nodeNames()[0]}" is forbidden: User "${APP_OBJECT_ID}" cannot delete resource "nodes" in API group "" at the cluster scope` },
    });
    // resourceNames: only the app's own Lease may be read by name.
    const leases = kc.makeApiClient(CoordinationV1Api);
    expect(await leases.readNamespacedLease({ name: 'kube-scheduler', namespace: 'aks-reboot-orchestrator' }).catch(status)).toMatchObject({
      code: 403,
      body: { message: `leases.coordination.k8s.io "kube-scheduler" is forbidden: User "${APP_OBJECT_ID}" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "aks-reboot-orchestrator"` },
    });
    expect(await leases.readNamespacedLease({ name: 'aks-reboot-orchestrator', namespace: 'aks-reboot-orchestrator' }).catch(status)).toMatchObject({ code: 404 });
    // Recorded with its status, as every request.
    expect(s.recorder.requests().some((r) => r.resource === 'events' && r.status === 403)).toBe(true);
  });

  it('gives kubectl and tests an admin kubeconfig (the AKS admin group), and ignores RBAC when not enforced', async () => {
    const s = await start((c) => { c.rbac = DEFAULT_RBAC; });
    const admin = new KubeConfig();
    admin.loadFromString(s.kubeconfigYaml());
    expect((await admin.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'shop' })).items).toEqual([]);
    await s.stop();
    sim = undefined;

    const off = await start((c) => { c.rbac = { ...DEFAULT_RBAC, enforce: false }; });
    const app = withToken(off, (await off.credential.getToken(AKS_SCOPE)).token).makeApiClient(CoreV1Api);
    expect((await app.listNamespacedEvent({ namespace: 'shop' })).items).toEqual([]);
  });
});

describe('cluster.enableAzureRBAC: Azure role assignments authorize Entra principals too', () => {
  const namespaceOnly = { enforce: true, files: ['infra/k8s/namespace.yaml'] };
  const azure = (c: Scenario['cluster'], assignments: NonNullable<Scenario['cluster']['azureRoleAssignments']>) => {
    c.entraEnabled = true;
    c.enableAzureRBAC = true;
    c.azureRoleAssignments = assignments;
  };

  it('allows what the app\'s Azure roles grant at their scope, and words a refusal with the webhook\'s verdict', async () => {
    const s = await start((c) => {
      c.rbac = namespaceOnly;
      azure(c, [{ role: 'Azure Kubernetes Service RBAC Reader', scope: 'cluster' }, { role: { dataActions: ['Microsoft.ContainerService/managedClusters/events/write'] }, scope: 'namespaces/default' }]);
    });
    const core = withToken(s, (await s.credential.getToken(AKS_SCOPE)).token).makeApiClient(CoreV1Api);
    expect((await core.listPodForAllNamespaces()).items.length).toBeGreaterThan(0);
    // The Reader role has no nodes/read.
    expect(await core.listNode().catch(status)).toMatchObject({
      code: 403,
      body: { reason: 'Forbidden', message: `nodes is forbidden: User "${APP_OBJECT_ID}" cannot list resource "nodes" in API group "" at the cluster scope: User does not have access to the resource in Azure. Update role assignment to allow access.` },
    });
    const event = { metadata: { generateName: 'x-' }, involvedObject: { kind: 'Node', name: 'n' }, reason: 'Test', message: 'm', type: 'Normal' };
    expect((await core.createNamespacedEvent({ namespace: 'default', body: event })).metadata?.name).toMatch(/^x-/);
    expect(await core.createNamespacedEvent({ namespace: 'shop', body: event }).catch(status)).toMatchObject({ code: 403 });
    const mc = await arm(s).managedClusters.get(s.resourceGroup, s.clusterName);
    expect(mc.aadProfile?.enableAzureRbac).toBe(true);
  });

  it('is a union with Kubernetes RBAC: a binding from the manifests is enough without any Azure role', async () => {
    const s = await start((c) => { c.rbac = DEFAULT_RBAC; azure(c, []); });
    const core = withToken(s, (await s.credential.getToken(AKS_SCOPE)).token).makeApiClient(CoreV1Api);
    expect((await core.listNode()).items).toHaveLength(6);
    // Neither allows: the webhook had the last word.
    expect(await core.listNamespacedEvent({ namespace: 'shop' }).catch(status)).toMatchObject({ code: 403, body: { message: expect.stringMatching(/: User does not have access to the resource in Azure\. Update role assignment to allow access\.$/) } });
  });

  it('asks Azure only about Entra principals: the admin group keeps cluster-admin, and a token without an object id is not checked', async () => {
    const s = await start((c) => { c.rbac = namespaceOnly; azure(c, []); });
    const admin = new KubeConfig();
    admin.loadFromString(s.kubeconfigYaml());
    expect((await admin.makeApiClient(CoreV1Api).listNode()).items).toHaveLength(6);
    const noOid = withToken(s, s.tokens.mint('aks', 'someone').token).makeApiClient(CoreV1Api);
    expect(await noOid.listNode().catch(status)).toMatchObject({ code: 403, body: { message: 'nodes is forbidden: User "someone" cannot list resource "nodes" in API group "" at the cluster scope' } });
  });

  it('is refused in a scenario without Entra ID, and assignments without it are named', () => {
    const scenario = loadScenario(bundledScenarioPath('seed'));
    scenario.cluster.entraEnabled = false;
    scenario.cluster.enableAzureRBAC = true;
    expect(() => loadScenario(scenario)).toThrow(/scenario\.cluster\.enableAzureRBAC: AKS needs managed Entra ID integration/);
    const without = loadScenario(bundledScenarioPath('seed'));
    without.cluster.azureRoleAssignments = [{ role: 'Azure Kubernetes Service RBAC Reader', scope: 'cluster' }];
    expect(() => loadScenario(without)).toThrow(/scenario\.cluster\.azureRoleAssignments: Azure roles authorize Kubernetes requests only with cluster\.enableAzureRBAC set to true/);
  });
});
