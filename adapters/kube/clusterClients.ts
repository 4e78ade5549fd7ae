// A kube client per cluster, built once and cached: the server and CA from AKS's user
// kubeconfig (ARM), and an Entra token for the AKS server application from our credential,
// refreshed before it expires. Admin credentials (local accounts) only when asked for.

import type { TokenCredential } from '@azure/identity';
import { AKS_SERVER_SCOPE, type AksArmProvider } from '../azure/aksArm';
import { clusterResourceId, type ClusterRef } from '../azure/clusterRef';
import type { ClusterCredentials } from '../azure/kubeconfig';
import { createEntraTokenSource, DEFAULT_REFRESH_MARGIN_MS, type BearerTokenSource } from './entraToken';
import type { KubeAuth } from './kubeApis';
import { createKubeClient, type KubeClient } from './kubeClient';

export interface KubeClientProviderOptions {
  arm: AksArmProvider;
  /** Default: the ARM provider's credential. */
  credential?: TokenCredential;
  /** REBOOT_USE_ADMIN_CREDENTIALS: sign in with the admin kubeconfig instead of Entra. */
  useAdminCredentials?: boolean;
  /** The clock that decides token refreshes (virtual in tests). */
  now?: () => number;
  refreshMarginMs?: number;
}

export interface KubeClientProvider {
  forCluster(cluster: ClusterRef): Promise<KubeClient>;
  /** The token source a cluster's client uses (absent with admin credentials). */
  tokensFor(cluster: ClusterRef): BearerTokenSource | undefined;
  close(): Promise<void>;
}

export function createKubeClientProvider(options: KubeClientProviderOptions): KubeClientProvider {
  const credential = options.credential ?? options.arm.credential;
  const now = options.now ?? Date.now;
  const clients = new Map<string, Promise<KubeClient>>();
  const tokens = new Map<string, BearerTokenSource>();

  const build = async (cluster: ClusterRef, key: string): Promise<KubeClient> => {
    const arm = options.arm.forCluster(cluster);
    const creds = options.useAdminCredentials ? await arm.listClusterAdminCredentials() : await arm.listClusterUserCredentials();
    let auth: KubeAuth;
    if (options.useAdminCredentials) {
      auth = adminAuth(creds, cluster);
    } else {
      const source = createEntraTokenSource(credential, AKS_SERVER_SCOPE, now, options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS);
      tokens.set(key, source);
      auth = { kind: 'bearer', tokens: source };
    }
    return createKubeClient({ server: creds.server, caPem: creds.caPem, auth });
  };

  return {
    forCluster(cluster) {
      const key = clusterResourceId(cluster).toLowerCase();
      let client = clients.get(key);
      if (!client) {
        client = build(cluster, key);
        clients.set(key, client);
        // A failed build (ARM down) is not cached: the next activity tries again.
        client.catch(() => clients.delete(key));
      }
      return client;
    },
    tokensFor: (cluster) => tokens.get(clusterResourceId(cluster).toLowerCase()),
    async close() {
      const all = [...clients.values()];
      clients.clear();
      tokens.clear();
      await Promise.all(all.map(async (c) => (await c.catch(() => undefined))?.close()));
    },
  };
}

function adminAuth(creds: ClusterCredentials, cluster: ClusterRef): KubeAuth {
  if (creds.clientCertificatePem && creds.clientKeyPem) return { kind: 'clientCertificate', certificatePem: creds.clientCertificatePem, keyPem: creds.clientKeyPem };
  if (creds.token) return { kind: 'token', token: creds.token };
  throw new Error(`REBOOT_USE_ADMIN_CREDENTIALS is set but the admin kubeconfig of ${cluster.resourceGroup}/${cluster.name} has no client certificate or token (user kind ${creds.userKind}; are local accounts disabled?)`);
}
