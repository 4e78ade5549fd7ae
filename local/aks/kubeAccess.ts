// Who may talk to a simulated cluster's kube API, and what they may do, as AKS sets it up:
// Entra tokens only on clusters with Entra ID (`aadProfile`), client certificates only while
// local accounts are enabled, and Kubernetes RBAC from the scenario's manifests with the app
// identity's object id put in place of their placeholder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bearerToken, kubeUnauthorized, type TokenAuthority } from './auth';
import { type ScenarioCluster, type ScenarioRbac } from './contracts';
import { loadRbacPolicy, type RbacPolicy } from './kube/rbac';
import { SIM_ADMIN_GROUP_ID } from './arm/resources';
import { clientOf, type Authenticate } from './server';

/** The object id of the app's managed identity, as its tokens carry it (`oid`). */
export const APP_OBJECT_ID = '00000000-0000-4000-8000-0000000000a5';
/** The subject the manifests bind until the installer puts the identity's object id there. */
export const IDENTITY_PLACEHOLDER = 'IDENTITY_OBJECT_ID';
/** RBAC enforced from the repository's own manifests: the seed's, the demo's and generated clusters' default. */
export const DEFAULT_RBAC: ScenarioRbac = { enforce: true, files: ['infra/k8s/namespace.yaml', 'infra/k8s/rbac.yaml'] };
/** Every authenticated user is in it (the apiserver adds it). */
const AUTHENTICATED = 'system:authenticated';

const REPOSITORY_ROOT = path.resolve(__dirname, '../..');

/** A scenario with `cluster.rbac` set to DEFAULT_RBAC when it sets none. */
export function withDefaultRbac<T extends { cluster: ScenarioCluster }>(scenario: T): T {
  return scenario.cluster.rbac ? scenario : { ...scenario, cluster: { ...scenario.cluster, rbac: DEFAULT_RBAC } };
}

/**
 * The policy `cluster.rbac` enforces (undefined when it is off): its files' Roles, ClusterRoles
 * and bindings, plus the ClusterRoleBinding AKS creates for the Entra admin groups.
 */
export function loadClusterRbac(rbac: ScenarioRbac | undefined, appObjectId = APP_OBJECT_ID): RbacPolicy | undefined {
  if (!rbac?.enforce) return undefined;
  const manifests = rbac.files.map((file, i) => {
    const full = path.isAbsolute(file) ? file : path.join(REPOSITORY_ROOT, file);
    try {
      return { file, text: readFileSync(full, 'utf8') };
    } catch (cause) {
      throw new Error(`scenario.cluster.rbac.files[${i}]: cannot read ${full} (${(cause as Error).message}); give a path relative to the repository root or an absolute one`, { cause });
    }
  });
  const policy = loadRbacPolicy(manifests, { [IDENTITY_PLACEHOLDER]: appObjectId });
  policy.clusterRoles.set('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  policy.bindings.push({
    kind: 'ClusterRoleBinding',
    name: 'aks-cluster-admin-binding-aad',
    roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'Group', name: SIM_ADMIN_GROUP_ID }],
  });
  return policy;
}

/**
 * The kube-apiserver's authenticators as AKS configures them: a verified client certificate
 * (CN = user, O = groups) unless local accounts are disabled; an Entra token (its `oid`, else
 * its subject, and its groups) only on an Entra cluster. Anything else is 401 "Unauthorized".
 */
export function kubeAuthenticator(tokens: TokenAuthority, cluster: Pick<ScenarioCluster, 'entraEnabled' | 'disableLocalAccounts'>): Authenticate {
  const refuse = { ok: false as const, response: kubeUnauthorized() };
  return (req, peer) => {
    if (peer) {
      if (cluster.disableLocalAccounts) return refuse;
      const user = { name: peer.commonName, groups: [...peer.organizations, AUTHENTICATED] };
      return { ok: true, req: { ...req, user, client: req.client ?? clientOf(req.headers['user-agent'], peer.commonName) } };
    }
    const check = tokens.verify(bearerToken(req.headers.authorization), 'aks');
    if (!check.ok || !cluster.entraEnabled) return refuse;
    const user = { name: check.claims.oid ?? check.claims.subject, groups: [...(check.claims.groups ?? []), AUTHENTICATED], ...(check.claims.oid !== undefined && { oid: check.claims.oid }) };
    return { ok: true, req: { ...req, user, client: req.client ?? clientOf(req.headers['user-agent'], check.claims.subject) } };
  };
}
