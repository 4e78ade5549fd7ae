// Reads what the kube adapter needs from a kubeconfig that AKS returned: the API server, its
// CA and, for admin credentials, the client certificate or token. An Entra user entry (exec
// kubelogin) is never run: the kube adapter brings its own Entra token.

import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterCredentials {
  /** `https://…:443` */
  server: string;
  /** PEM of the CA that signed the API server's certificate. */
  caPem: string;
  /** How the kubeconfig's user signs in: `exec` (kubelogin, Entra), `token`, `clientCertificate`. */
  userKind: 'exec' | 'token' | 'clientCertificate' | 'none';
  /** Admin credentials of a local-account cluster: mutual TLS… */
  clientCertificatePem?: string;
  clientKeyPem?: string;
  /** …or a static bearer token. */
  token?: string;
}

export function parseKubeconfig(text: string): ClusterCredentials {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new Error('reading the kubeconfig AKS returned: it is not a valid kubeconfig', { cause: err });
  }
  const cluster = kc.getCurrentCluster() ?? kc.getClusters()[0];
  if (!cluster?.server) throw new Error('reading the kubeconfig AKS returned: it names no cluster server');
  if (!cluster.server.startsWith('https://')) throw new Error(`reading the kubeconfig AKS returned: server ${JSON.stringify(cluster.server)} is not accepted (expected an https:// URL)`);
  if (!cluster.caData) throw new Error('reading the kubeconfig AKS returned: the cluster entry has no certificate-authority-data');
  const user = kc.getCurrentUser() ?? kc.getUsers()[0];
  const base = { server: cluster.server, caPem: fromBase64(cluster.caData) };
  if (user?.exec) return { ...base, userKind: 'exec' };
  if (user?.certData && user.keyData) {
    return { ...base, userKind: 'clientCertificate', clientCertificatePem: fromBase64(user.certData), clientKeyPem: fromBase64(user.keyData) };
  }
  if (user?.token) return { ...base, userKind: 'token', token: user.token };
  return { ...base, userKind: 'none' };
}

function fromBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}
