// A kube client per cluster, built once and cached. How it signs in follows the cluster's ARM
// properties (signIn.ts): an Entra token for the AKS server application from our credential,
// refreshed before it expires, with the server and CA of AKS's user kubeconfig; the user
// kubeconfig's client certificate on a cluster without Entra ID; admin credentials only for
// the clusters REBOOT_USE_ADMIN_CREDENTIALS names.

import type { TokenCredential } from '@azure/identity';
import { AKS_SERVER_SCOPE, type AksArmProvider } from '../azure/aksArm';
import { clusterResourceId, type ClusterRef } from '../azure/clusterRef';
import type { ClusterCredentials } from '../azure/kubeconfig';
import { createEntraTokenSource, DEFAULT_REFRESH_MARGIN_MS, type BearerTokenSource } from './entraToken';
import type { KubeAuth } from './kubeApis';
import { createKubeClient, type KubeClient } from './kubeClient';
import { chooseSignIn } from './signIn';

export interface KubeClientProviderOptions {
  arm: AksArmProvider;
  /** Default: the ARM provider's credential. */
  credential?: TokenCredential;
  /** REBOOT_USE_ADMIN_CREDENTIALS: true (every cluster), false, or the aliases whose admin kubeconfig to use. */
  useAdminCredentials?: boolean | readonly string[];
  /** The clock that decides token refreshes (virtual in tests). */
  now?: () => number;
  refreshMarginMs?: number;
}

/** A cluster as AKS_CLUSTERS names it: its alias picks it out of REBOOT_USE_ADMIN_CREDENTIALS. */
export type AliasedClusterRef = ClusterRef & { alias?: string };

export interface KubeClientProvider {
  forCluster(cluster: AliasedClusterRef): Promise<KubeClient>;
  /** The token source a cluster's client uses (absent when it signs in with a certificate). */
  tokensFor(cluster: ClusterRef): BearerTokenSource | undefined;
  close(): Promise<void>;
}

export function createKubeClientProvider(options: KubeClientProviderOptions): KubeClientProvider {
  const credential = options.credential ?? options.arm.credential;
  const now = options.now ?? Date.now;
  const clients = new Map<string, Promise<KubeClient>>();
  const tokens = new Map<string, BearerTokenSource>();

  const adminFor = (alias: string): boolean => {
    const setting = options.useAdminCredentials ?? false;
    return typeof setting === 'boolean' ? setting : setting.includes(alias);
  };

  const build = async (cluster: AliasedClusterRef, key: string): Promise<KubeClient> => {
    const arm = options.arm.forCluster(cluster);
    const facts = await arm.getCluster();
    const alias = cluster.alias ?? cluster.name;
    const choice = chooseSignIn({
      cluster: `${cluster.resourceGroup}/${cluster.name}`, alias,
      entraEnabled: facts.entraEnabled, localAccountsDisabled: facts.localAccountsDisabled, adminCredentials: adminFor(alias),
    });
    if (!choice.ok) throw new Error(choice.problem);
    let auth: KubeAuth;
    let creds: ClusterCredentials;
    if (choice.signIn === 'adminCredentials') {
      creds = await arm.listClusterAdminCredentials();
      auth = kubeconfigAuth(creds, `the admin kubeconfig of ${alias}`);
    } else if (choice.signIn === 'userCertificate') {
      creds = await arm.listClusterUserCredentials();
      auth = kubeconfigAuth(creds, `the user kubeconfig of ${alias} (a cluster without Entra ID)`);
    } else {
      creds = await arm.listClusterUserCredentials();
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

/** The client certificate (or static token) a kubeconfig from AKS carries. */
function kubeconfigAuth(creds: ClusterCredentials, what: string): KubeAuth {
  if (creds.clientCertificatePem && creds.clientKeyPem) return { kind: 'clientCertificate', certificatePem: creds.clientCertificatePem, keyPem: creds.clientKeyPem };
  if (creds.token) return { kind: 'token', token: creds.token };
  throw new Error(`${what} has no client certificate or token to sign in with (its user signs in by ${creds.userKind})`);
}
