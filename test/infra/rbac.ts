// Kubernetes RBAC as infra/k8s grants it to the app's identity, and the check that it covers a
// list of API requests (hand-written from adapters/kube today; the simulator's request log of a
// full run later) and grants nothing those requests did not use. The evaluation follows the
// apiserver's RBAC authorizer for what the manifests use: a ClusterRoleBinding grants its
// ClusterRole in every namespace and on cluster-scoped resources; a RoleBinding grants its Role
// (or a ClusterRole) in its own namespace only; subresources are `resource/subresource`;
// resourceNames restrict by object name.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = path.resolve(__dirname, '../../infra/k8s');
/** The RBAC subject the manifests carry until the installer puts the identity's object id there. */
export const IDENTITY_PLACEHOLDER = 'IDENTITY_OBJECT_ID';

export interface KubeRequest {
  verb: string;
  /** API group: '' for the core group. */
  group: string;
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped resources and for requests across all namespaces. */
  namespace?: string;
  /** Object name, when the request names one (only checked against resourceNames). */
  name?: string;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface Grant {
  rule: PolicyRule;
  /** undefined: every namespace and cluster-scoped resources (a ClusterRoleBinding). */
  namespace?: string;
  /** Which binding and role, for messages: `ClusterRoleBinding/x → ClusterRole/x`. */
  source: string;
}

interface Subject { kind?: string; name?: string; apiGroup?: string }
interface K8sObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind?: string; name?: string };
  subjects?: Subject[];
}

/** Every object of every YAML file in `dir`. */
export function readManifests(dir = K8S_DIR): K8sObject[] {
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().flatMap((f) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${f}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8sObject;
    }).filter((o) => o !== null));
}

const BINDINGS = new Set(['ClusterRoleBinding', 'RoleBinding']);

/** What the manifests grant to `subjectName` (as a User), binding by binding. */
export function grantsFor(objects: readonly K8sObject[], subjectName = IDENTITY_PLACEHOLDER): Grant[] {
  const roleRules = (kind: string, name: string, namespace?: string): PolicyRule[] => {
    const role = objects.find((o) => o.kind === kind && o.metadata?.name === name && (kind === 'ClusterRole' || o.metadata?.namespace === namespace));
    if (!role) throw new Error(`the manifests bind ${kind} ${namespace ? `${namespace}/` : ''}${name}, which they do not define`);
    return role.rules ?? [];
  };
  return objects
    .filter((o) => BINDINGS.has(o.kind ?? '') && (o.subjects ?? []).some((s) => s.kind === 'User' && s.name === subjectName))
    .flatMap((binding) => {
      const namespace = binding.kind === 'RoleBinding' ? binding.metadata?.namespace : undefined;
      const refKind = binding.roleRef?.kind ?? '';
      const refName = binding.roleRef?.name ?? '';
      const source = `${binding.kind}/${namespace ? `${namespace}/` : ''}${binding.metadata?.name} → ${refKind}/${refName}`;
      return roleRules(refKind, refName, namespace).map((rule) => ({ rule, source, ...(namespace !== undefined && { namespace }) }));
    });
}

const resourceOf = (r: KubeRequest): string => (r.subresource ? `${r.resource}/${r.subresource}` : r.resource);
const has = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value);

function allows(grant: Grant, request: KubeRequest): boolean {
  const { rule } = grant;
  if (grant.namespace !== undefined && grant.namespace !== request.namespace) return false;
  if (!has(rule.apiGroups, request.group) || !has(rule.resources, resourceOf(request)) || !has(rule.verbs, request.verb)) return false;
  // A request of unknown name is taken to address the permitted name (the simulator's log does
  // not record names); pass `name` for the strict check.
  return !rule.resourceNames?.length || request.name === undefined || rule.resourceNames.includes(request.name);
}

export interface RbacCoverage {
  /** Requests no grant allows. */
  missing: KubeRequest[];
  /** Grants (one verb on one resource of one rule) that no request used: more than needed. */
  unused: Array<{ source: string; group: string; resource: string; verb: string; namespace?: string }>;
}

/**
 * Whether the identity's RBAC in infra/k8s allows every request, and which granted verbs no
 * request used. Non-resource requests (discovery, /version, /openapi) are not RBAC resources and
 * must be left out: every authenticated user may make them (the default system:discovery role).
 */
export function checkClusterRoleCovers(requests: ReadonlyArray<KubeRequest>, grants: readonly Grant[] = grantsFor(readManifests())): RbacCoverage {
  const missing = requests.filter((r) => !grants.some((g) => allows(g, r)));
  const unused = grants.flatMap((g) => g.rule.apiGroups.flatMap((group) => g.rule.resources.flatMap((resource) => g.rule.verbs
    .filter((verb) => !requests.some((r) => allows({ ...g, rule: { ...g.rule, apiGroups: [group], resources: [resource], verbs: [verb] } }, r)))
    .map((verb) => ({ source: g.source, group, resource, verb, ...(g.namespace !== undefined && { namespace: g.namespace }) })))));
  return { missing, unused };
}

/** API group of the resources the product touches, for logs that record only the resource. */
export const GROUP_OF_RESOURCE: Readonly<Record<string, string>> = {
  nodes: '',
  pods: '',
  events: '',
  poddisruptionbudgets: 'policy',
  deployments: 'apps',
  statefulsets: 'apps',
  replicasets: 'apps',
  daemonsets: 'apps',
  leases: 'coordination.k8s.io',
};

/** What the simulator's recorder logs of one kube request (local/aks/recorder.ts, ApiRequestRecord). */
export interface LoggedRequest {
  surface: string;
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  client?: string;
}

// Route kinds the simulator logs for non-resource paths (discovery, /version, /openapi, health):
// every authenticated user may call them (system:discovery), so RBAC is not asked.
const NON_RESOURCE = new Set(['version', 'health', 'api', 'apis', 'openapi', 'group', 'resourceList']);
/** The AKS control plane's own requests (the run-command pod in aks-command), not the identity's. */
export const SIMULATOR_PLATFORM_CLIENTS: readonly string[] = ['aks-control-plane'];

/**
 * The identity's RBAC requests in a simulator log: kube surface only, non-resource paths and
 * the platform's clients left out, the API group added from GROUP_OF_RESOURCE. Resources that
 * map to no group are returned in `unknown` (a new resource: add it to the map and the manifests).
 */
export function kubeRequestsFromLog(records: ReadonlyArray<LoggedRequest>, ignoreClients: readonly string[] = SIMULATOR_PLATFORM_CLIENTS): { requests: KubeRequest[]; unknown: string[] } {
  const requests: KubeRequest[] = [];
  const unknown = new Set<string>();
  for (const r of records) {
    if (r.surface !== 'kube' || NON_RESOURCE.has(r.resource) || (r.client !== undefined && ignoreClients.includes(r.client))) continue;
    const group = GROUP_OF_RESOURCE[r.resource];
    if (group === undefined) {
      unknown.add(r.resource);
      continue;
    }
    requests.push({ verb: r.verb, group, resource: r.resource, ...(r.subresource && { subresource: r.subresource }), ...(r.namespace && { namespace: r.namespace }) });
  }
  return { requests, unknown: [...unknown].sort() };
}
