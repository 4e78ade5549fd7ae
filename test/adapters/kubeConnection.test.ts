// How the kube client talks to the cluster: an Entra token refreshed before it lapses (decided on
// the injected clock, shown here on virtual time, where the simulator rejects expired tokens),
// and one TLS connection for many calls thanks to the client's shared undici Agent.

import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { AKS_SERVER_SCOPE } from '../../adapters/azure';
import { createEntraTokenSource, createKubeClient, KubeApiError } from '../../adapters/kube';
import { rigPerTest } from './simulatorRig';

const MIN = 60;

const startRig = rigPerTest();

describe('kube client connection', () => {
  it('refreshes the Entra token before it expires, mid-run on virtual time', async () => {
    const rig = await startRig();
    const tokens = rig.kubeProvider.tokensFor(rig.cluster)!;
    await rig.kube.listNodes('user');
    expect(tokens.fetches).toBe(1);
    rig.advance(50 * MIN);
    await rig.kube.listNodes('user');
    expect(tokens.fetches).toBe(1);
    // Inside the 5-minute margin of the one-hour token: a new one before the call.
    rig.advance(6 * MIN);
    await rig.kube.listNodes('user');
    expect(tokens.fetches).toBe(2);
    rig.advance(2 * 60 * MIN);
    expect(await rig.kube.listNodes('user')).toHaveLength(4);
    expect(tokens.fetches).toBe(3);
    expect(rig.sim.recorder.summary().apiRequests.kube.byStatus['401']).toBeUndefined();
  });

  it('is refused by the simulator once a token lapses, when nothing refreshes it', async () => {
    const rig = await startRig();
    const frozenAt = rig.clock.now();
    const credentials = await rig.aks.listClusterUserCredentials();
    // The same token source, but its clock never moves: it never sees the token age.
    const stale = createKubeClient({ server: credentials.server, caPem: credentials.caPem, auth: { kind: 'bearer', tokens: createEntraTokenSource(rig.sim.credential, AKS_SERVER_SCOPE, () => frozenAt) } });
    try {
      expect(await stale.listNodes('user')).toHaveLength(4);
      rig.advance(61 * MIN);
      const error = await stale.listNodes('user').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KubeApiError);
      expect(error).toMatchObject({ status: 401 });
    } finally {
      await stale.close();
    }
  });

  it('reuses its TLS connection across many calls, where a default client-node client opens one per call', async () => {
    const rig = await startRig();
    const port = Number(new URL(rig.sim.kubeEndpoint).port);
    const connections = countConnections(port);
    try {
      const [node] = await rig.kube.listNodes('user');
      for (let i = 0; i < 25; i++) {
        await rig.kube.getNode(node!.name);
        await rig.kube.listPodsOnNode(node!.name);
      }
      await rig.kube.cordonNode(node!.name);
      await rig.kube.uncordonNode(node!.name);
      // 53 calls; undici's pool may open a second socket when a request goes out just before
      // the previous one handed its socket back, never one per call.
      const ours = connections.count;
      expect(ours).toBeGreaterThanOrEqual(1);
      expect(ours).toBeLessThanOrEqual(2);

      // The contrast: client-node's own KubeConfig client builds an agent, so a connection, per request.
      const kc = new KubeConfig();
      kc.loadFromString(rig.sim.kubeconfigYaml());
      const plain = kc.makeApiClient(CoreV1Api);
      for (let i = 0; i < 5; i++) await plain.readNode({ name: node!.name });
      expect(connections.count - ours).toBe(5);
    } finally {
      connections.stop();
    }
  });
});

/** Counts new undici connections to 127.0.0.1:`port` (undici's diagnostics channel). */
function countConnections(port: number): { readonly count: number; stop(): void } {
  let count = 0;
  const onConnected = (message: unknown) => {
    const params = (message as { connectParams?: { hostname?: string; port?: string | number } }).connectParams;
    if (params?.hostname === '127.0.0.1' && Number(params.port) === port) count++;
  };
  diagnostics.subscribe('undici:client:connected', onConnected);
  return {
    get count() {
      return count;
    },
    stop: () => diagnostics.unsubscribe('undici:client:connected', onConnected),
  };
}
