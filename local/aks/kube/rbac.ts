// Kubernetes RBAC as the apiserver applies it: the Roles, ClusterRoles and bindings of a
// scenario's manifests (read as data), evaluated per request the way
// plugin/pkg/auth/authorizer/rbac/rbac.go does (ClusterRoleBindings everywhere, RoleBindings in
// their namespace; verb, API group, `resource/subresource` with `*` and `*/sub`, resourceNames),
// behind the privileged `system:masters` group, and the 403 worded as the apiserver words it
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go).
import { parseAllDocuments } from 'yaml';
import { statusBody, type StatusBody } from './status';

/** The group the apiserver lets do anything (authorizerfactory's privileged group). */
export const SYSTEM_MASTERS = 'system:masters';

/** Who a request is from, once authenticated. */
export interface KubeUser {
  name: string;
  groups: string[];
  /** The Entra object id of a user signed in with an Entra token (what Azure RBAC checks). */
  oid?: string;
}

/** What the authorizer is asked about a resource request. */
export interface ResourceAttributes {
  verb: string;
  /** '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

interface Subject { kind?: string; name?: string; namespace?: string }
interface Binding { kind: 'ClusterRoleBinding' | 'RoleBinding'; name: string; namespace?: string; roleRef: { kind: string; name: string }; subjects: Subject[] }

export interface RbacPolicy {
  clusterRoles: Map<string, PolicyRule[]>;
  /** Keyed `<namespace>/<name>`. */
  roles: Map<string, PolicyRule[]>;
  bindings: Binding[];
}

export interface ManifestText {
  /** For error messages: where the text came from. */
  file: string;
  text: string;
}

/**
 * The RBAC objects of these manifests; other kinds are skipped. `substitutions` replace subject
 * names (the manifests' identity placeholder becomes the app identity's object id).
 */
export function loadRbacPolicy(manifests: ManifestText[], substitutions: Record<string, string> = {}): RbacPolicy {
  const policy: RbacPolicy = { clusterRoles: new Map(), roles: new Map(), bindings: [] };
  for (const { file, text } of manifests) {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`cluster.rbac: ${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const object = doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string }; rules?: PolicyRule[]; roleRef?: { kind?: string; name?: string }; subjects?: Subject[] } | null;
      if (!object?.kind) continue;
      const name = object.metadata?.name;
      const where = `${file}: ${object.kind} ${name ?? '(no name)'}`;
      if (object.kind === 'ClusterRole' || object.kind === 'Role') {
        if (!name) throw new Error(`cluster.rbac: ${where}: metadata.name is required`);
        const rules = object.rules ?? [];
        if (object.kind === 'ClusterRole') policy.clusterRoles.set(name, rules);
        else policy.roles.set(`${object.metadata?.namespace ?? 'default'}/${name}`, rules);
      } else if (object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') {
        if (!name || !object.roleRef?.kind || !object.roleRef.name) throw new Error(`cluster.rbac: ${where}: metadata.name and roleRef { kind, name } are required`);
        policy.bindings.push({
          kind: object.kind,
          name,
          ...(object.kind === 'RoleBinding' && { namespace: object.metadata?.namespace ?? 'default' }),
          roleRef: { kind: object.roleRef.kind, name: object.roleRef.name },
          subjects: (object.subjects ?? []).map((s) => ({ ...s, ...(s.name !== undefined && substitutions[s.name] !== undefined && { name: substitutions[s.name] }) })),
        });
      }
    }
  }
  return policy;
}

/** rbac.go's appliesTo: a User subject by name, a Group subject by membership. */
function appliesTo(user: KubeUser, subjects: Subject[]): boolean {
  return subjects.some((s) => (s.kind === 'User' && s.name === user.name) || (s.kind === 'Group' && s.name !== undefined && user.groups.includes(s.name)));
}

const has = (list: readonly string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);

/** evaluation_helpers.go: ResourceMatches, including a rule of the form "*" + "/<subresource>". */
function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (subresource !== undefined && r === `*/${subresource}`));
}

export function ruleAllows(rule: PolicyRule, request: ResourceAttributes): boolean {
  return has(rule.verbs, request.verb)
    && has(rule.apiGroups, request.group)
    && resourceMatches(rule, request.resource, request.subresource)
    // A rule with resourceNames never matches a request without a name (create, list).
    && (!rule.resourceNames?.length || (request.name !== undefined && rule.resourceNames.includes(request.name)));
}

function bindingRules(policy: RbacPolicy, binding: Binding): PolicyRule[] {
  if (binding.roleRef.kind === 'ClusterRole') return policy.clusterRoles.get(binding.roleRef.name) ?? [];
  if (binding.roleRef.kind === 'Role' && binding.kind === 'RoleBinding') return policy.roles.get(`${binding.namespace}/${binding.roleRef.name}`) ?? [];
  return [];
}

/** Whether `user` may make this resource request. */
export function authorize(policy: RbacPolicy, user: KubeUser, request: ResourceAttributes): boolean {
  if (user.groups.includes(SYSTEM_MASTERS)) return true;
  return policy.bindings.some((binding) =>
    (binding.kind === 'ClusterRoleBinding' || (request.namespace !== undefined && binding.namespace === request.namespace))
    && appliesTo(user, binding.subjects)
    && bindingRules(policy, binding).some((rule) => ruleAllows(rule, request)));
}

/**
 * The apiserver's 403: `<resource>[.<group>] ["<name>"] is forbidden: User "<name>" cannot …`,
 * followed by `: <reason>` when the denying authorizer gave one (a webhook's verdict).
 */
export function forbiddenStatus(user: KubeUser, request: ResourceAttributes, reason?: string): StatusBody {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  const scope = request.namespace ? `in the namespace "${request.namespace}"` : 'at the cluster scope';
  const why = `User "${user.name}" cannot ${request.verb} resource "${resource}" in API group "${request.group}" ${scope}${reason ? `: ${reason}` : ''}`;
  const qualified = request.group ? `${request.resource}.${request.group}` : request.resource;
  const message = request.name ? `${qualified} "${request.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return statusBody(403, 'Forbidden', message, { ...(request.name !== undefined && { name: request.name }), ...(request.group && { group: request.group }), kind: request.resource });
}
