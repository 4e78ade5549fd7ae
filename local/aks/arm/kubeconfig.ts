// Kubeconfig files as AKS hands them out: a cluster entry with the CA, and a user that carries a
// client certificate (local accounts), a static token (our tests' kubectl), or runs kubelogin
// (Entra ID, `format=exec`).
import { stringify } from 'yaml';
import { AKS_SERVER_APP_ID } from '../auth';
import { SIM_TENANT_ID } from './resources';

/** The Azure CLI's public client id, which AKS puts in kubelogin's arguments. */
const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export type KubeconfigUser =
  | { kind: 'token'; token: string }
  | { kind: 'clientCertificate'; certPem: string; keyPem: string }
  | { kind: 'kubelogin' }
  | { kind: 'azure-auth-provider' };

export interface KubeconfigInput {
  clusterName: string;
  userName: string;
  server: string;
  caPem: string;
  user: KubeconfigUser;
}

export function kubeconfigYaml(input: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: input.clusterName, cluster: { 'certificate-authority-data': Buffer.from(input.caPem).toString('base64'), server: input.server } }],
    contexts: [{ name: input.clusterName, context: { cluster: input.clusterName, user: input.userName } }],
    'current-context': input.clusterName,
    preferences: {},
    users: [{ name: input.userName, user: userEntry(input.user) }],
  });
}

function userEntry(user: KubeconfigUser): object {
  switch (user.kind) {
    case 'token':
      return { token: user.token };
    case 'clientCertificate':
      return { 'client-certificate-data': Buffer.from(user.certPem).toString('base64'), 'client-key-data': Buffer.from(user.keyPem).toString('base64') };
    case 'kubelogin':
      return {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'kubelogin',
          args: ['get-token', '--environment', 'AzurePublicCloud', '--server-id', AKS_SERVER_APP_ID, '--client-id', AZURE_CLI_CLIENT_ID, '--tenant-id', SIM_TENANT_ID, '--login', 'devicecode'],
          env: null,
          installHint: 'kubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://aka.ms/aks/kubelogin\n',
          provideClusterInfo: false,
          interactiveMode: 'IfAvailable',
        },
      };
    case 'azure-auth-provider':
      return {
        'auth-provider': {
          name: 'azure',
          config: { 'apiserver-id': AKS_SERVER_APP_ID, 'client-id': AZURE_CLI_CLIENT_ID, 'config-mode': '1', environment: 'AzurePublicCloud', 'tenant-id': SIM_TENANT_ID },
        },
      };
  }
}
