// The simulator's TLS material: a throwaway CA and a leaf for 127.0.0.1, made at start, so the
// real SDK clients verify the servers exactly as they verify Azure (no skip-verify anywhere).
import { generate } from 'selfsigned';

export interface SimulatorTls {
  /** PEM of the CA that clients trust (kubeconfig `certificate-authority-data`, `tlsOptions.ca`). */
  caPem: string;
  /** The servers' certificate chain (leaf then CA) and key. */
  certPem: string;
  keyPem: string;
  /** The CA's key: it also signs the client certificates of local accounts. */
  caKeyPem: string;
}

/** A client certificate and its key (PEM), as a kubeconfig's `client-certificate-data` carries it. */
export interface ClientCertificate {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issues a CA and a server certificate for 127.0.0.1 and localhost. Validity follows the wall
 * clock (TLS clients check it against real time, whatever the simulator's clock says).
 */
export async function createSimulatorTls(): Promise<SimulatorTls> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const ca = await generate([{ name: 'commonName', value: 'aks-simulator-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { caPem: ca.cert, certPem: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`, keyPem: leaf.private, caKeyPem: ca.private };
}

/**
 * A client certificate signed by the cluster CA: the apiserver's x509 authenticator takes the
 * subject's CN as the user name and each O as a group (`masterclient`, `system:masters` on AKS).
 */
export async function issueClientCertificate(tls: SimulatorTls, commonName: string, organizations: string[]): Promise<ClientCertificate> {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const cert = await generate([...organizations.map((value) => ({ name: 'organizationName', value })), { name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: tls.caKeyPem, cert: tls.caPem },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return { certPem: cert.cert, keyPem: cert.private };
}
