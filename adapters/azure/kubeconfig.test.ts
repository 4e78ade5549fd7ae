import { describe, expect, it } from 'vitest';
import { CLUSTER_RESOURCE_ID_FORM, clusterResourceId, parseClusterResourceId } from './clusterRef';
import { parseKubeconfig } from './kubeconfig';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(user: string, server = 'https://aks-x.hcp.westeurope.azmk8s.io:443'): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(CA)}
contexts:
- name: c
  context: { cluster: c, user: u }
current-context: c
users:
- name: u
  user:
${user}`;
}

describe('parseKubeconfig', () => {
  it('takes server and CA and never runs an exec user', () => {
    const exec = '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]\n';
    expect(parseKubeconfig(kubeconfig(exec))).toEqual({ server: 'https://aks-x.hcp.westeurope.azmk8s.io:443', caPem: CA, userKind: 'exec' });
  });

  it('reads admin client certificates and tokens', () => {
    expect(parseKubeconfig(kubeconfig(`    client-certificate-data: ${b64('CERT')}\n    client-key-data: ${b64('KEY')}\n`)))
      .toMatchObject({ userKind: 'clientCertificate', clientCertificatePem: 'CERT', clientKeyPem: 'KEY' });
    expect(parseKubeconfig(kubeconfig('    token: abc\n'))).toMatchObject({ userKind: 'token', token: 'abc' });
  });

  it('refuses a plain-HTTP server and a missing CA', () => {
    expect(() => parseKubeconfig(kubeconfig('    token: abc\n', 'http://10.0.0.1'))).toThrow(/expected an https:\/\/ URL/);
    expect(() => parseKubeconfig(kubeconfig('    token: abc\n').replace(/ {4}certificate-authority-data.*\n/, ''))).toThrow(/certificate-authority-data/);
  });
});

describe('parseClusterResourceId', () => {
  it('round-trips an AKS resource id, case-insensitively on the fixed segments', () => {
    const id = '/subscriptions/0000/resourcegroups/rg-a/providers/microsoft.containerservice/managedClusters/aks-1';
    const ref = parseClusterResourceId(id);
    expect(ref).toEqual({ subscriptionId: '0000', resourceGroup: 'rg-a', name: 'aks-1' });
    expect(clusterResourceId(ref).toLowerCase()).toBe(id.toLowerCase());
  });

  it('names the accepted form when wrong', () => {
    expect(() => parseClusterResourceId('/subscriptions/0000/resourceGroups/rg')).toThrow(CLUSTER_RESOURCE_ID_FORM);
  });
});
