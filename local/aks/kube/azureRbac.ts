// Azure RBAC for Kubernetes authorization (`aadProfile.enableAzureRBAC`), as AKS's authorization
// webhook (guard, kubeguard/guard authz/providers/azure/rbac/checkaccessreqhelper.go) applies it
// to an Entra principal's request: the request becomes one data action
// `Microsoft.ContainerService/managedClusters/[<group>/]<resource>/<read|write|delete>` checked at
// the cluster's scope, or at `<cluster>/namespaces/<ns>` for a namespaced request; a role
// assignment at the cluster covers every namespace, one at a namespace only that namespace.
// The built-in roles hold the data actions Microsoft's "Azure built-in roles for Containers" lists.

/** The prefix of every AKS data action (guard's `clusterType` for managed clusters). */
export const MANAGED_CLUSTERS = 'Microsoft.ContainerService/managedClusters';

/** guard's verdict when no assignment allows the data action; the apiserver appends it to its 403. */
export const AZURE_DENIED_REASON = 'User does not have access to the resource in Azure. Update role assignment to allow access.';

export interface AzureRoleDefinition {
  dataActions: string[];
  notDataActions?: string[];
}

/** `cluster.azureRoleAssignments[]`: a role granted to the app's identity at a scope. */
export interface AzureRoleAssignment {
  /** A built-in role's name (BUILT_IN_ROLES) or a custom role's data actions. */
  role: string | AzureRoleDefinition;
  /** `cluster` (the managed cluster's resource id) or `namespaces/<ns>` (`<cluster id>/namespaces/<ns>`). */
  scope: string;
}

/** What the webhook is asked about (the apiserver's request attributes). */
export interface AzureRequest {
  verb: string;
  /** '' for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

const mc = (action: string): string => `${MANAGED_CLUSTERS}/${action}`;

// The data actions of the built-in roles as "Azure built-in roles for Containers" lists them
// (MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/containers.md).
const READER_DATA_ACTIONS = [
  'apps/controllerrevisions/read', 'apps/daemonsets/read', 'apps/deployments/read', 'apps/replicasets/read', 'apps/statefulsets/read',
  'autoscaling/horizontalpodautoscalers/read', 'batch/cronjobs/read', 'batch/jobs/read', 'configmaps/read',
  'discovery.k8s.io/endpointslices/read', 'endpoints/read', 'events.k8s.io/events/read', 'events/read',
  'extensions/daemonsets/read', 'extensions/deployments/read', 'extensions/ingresses/read', 'extensions/networkpolicies/read',
  'extensions/replicasets/read', 'limitranges/read', 'metrics.k8s.io/pods/read', 'metrics.k8s.io/nodes/read', 'namespaces/read',
  'networking.k8s.io/ingresses/read', 'networking.k8s.io/networkpolicies/read', 'persistentvolumeclaims/read', 'pods/read',
  'policy/poddisruptionbudgets/read', 'replicationcontrollers/read', 'resourcequotas/read', 'serviceaccounts/read', 'services/read',
].map(mc);

const WRITER_DATA_ACTIONS = [
  'apps/controllerrevisions/read', 'apps/daemonsets/*', 'apps/deployments/*', 'apps/replicasets/*', 'apps/statefulsets/*',
  'autoscaling/horizontalpodautoscalers/*', 'batch/cronjobs/*', 'coordination.k8s.io/leases/read', 'coordination.k8s.io/leases/write',
  'coordination.k8s.io/leases/delete', 'discovery.k8s.io/endpointslices/read', 'batch/jobs/*', 'configmaps/*', 'endpoints/*',
  'events.k8s.io/events/read', 'events/*', 'extensions/daemonsets/*', 'extensions/deployments/*', 'extensions/ingresses/*',
  'extensions/networkpolicies/*', 'extensions/replicasets/*', 'limitranges/read', 'metrics.k8s.io/pods/read', 'metrics.k8s.io/nodes/read',
  'namespaces/read', 'networking.k8s.io/ingresses/*', 'networking.k8s.io/networkpolicies/*', 'persistentvolumeclaims/*', 'pods/*',
  'policy/poddisruptionbudgets/*', 'replicationcontrollers/*', 'resourcequotas/read', 'secrets/*', 'serviceaccounts/*', 'services/*',
].map(mc);

export const BUILT_IN_ROLES: Readonly<Record<string, AzureRoleDefinition>> = {
  'Azure Kubernetes Service RBAC Reader': { dataActions: READER_DATA_ACTIONS },
  'Azure Kubernetes Service RBAC Writer': { dataActions: WRITER_DATA_ACTIONS },
  'Azure Kubernetes Service RBAC Admin': {
    dataActions: [mc('*')],
    notDataActions: ['resourcequotas/write', 'resourcequotas/delete', 'namespaces/write', 'namespaces/delete'].map(mc),
  },
  'Azure Kubernetes Service RBAC Cluster Admin': { dataActions: [mc('*')] },
};

/** guard's getActionName: the Kubernetes verb as a data action's last part ('' for a verb it does not map). */
function actionOfVerb(verb: string): string {
  if (verb === 'get' || verb === 'list' || verb === 'watch') return 'read';
  if (verb === 'create' || verb === 'update' || verb === 'patch') return 'write';
  if (verb === 'delete' || verb === 'deletecollection') return 'delete';
  if (verb === 'bind' || verb === 'escalate' || verb === 'use' || verb === 'impersonate') return `${verb}/action`;
  return '';
}

/**
 * The data action a request needs (guard's getResourceAndAction): subresources are dropped — an
 * eviction (`create pods/eviction`) needs `pods/write` — except `pods/exec`, its own action.
 */
export function dataActionOf(request: AzureRequest): string {
  const resourceAction = request.resource === 'pods' && request.subresource === 'exec' ? 'pods/exec/action' : `${request.resource}/${actionOfVerb(request.verb)}`;
  return mc(request.group ? `${request.group}/${resourceAction}` : resourceAction);
}

/** Azure RBAC's wildcard: `*` stands for any characters, `/` included; operation names are case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(action);
}

/** A role's effective data actions: any of its dataActions, none of its notDataActions. */
function roleAllows(role: AzureRoleDefinition, action: string): boolean {
  return role.dataActions.some((p) => actionMatches(p, action)) && !(role.notDataActions ?? []).some((p) => actionMatches(p, action));
}

/** A cluster assignment covers every request; a namespace's only requests in that namespace. */
function scopeCovers(scope: string, request: AzureRequest): boolean {
  return scope === 'cluster' || (request.namespace !== undefined && scope === `namespaces/${request.namespace}`);
}

function roleOf(assignment: AzureRoleAssignment): AzureRoleDefinition {
  if (typeof assignment.role !== 'string') return assignment.role;
  const builtIn = BUILT_IN_ROLES[assignment.role];
  if (!builtIn) throw new Error(`unknown built-in role ${JSON.stringify(assignment.role)}; known: ${Object.keys(BUILT_IN_ROLES).join(', ')}`);
  return builtIn;
}

/** Whether some assignment of the principal allows the request's data action at its scope. */
export function azureRbacAllows(assignments: readonly AzureRoleAssignment[], request: AzureRequest): boolean {
  const action = dataActionOf(request);
  return assignments.some((a) => scopeCovers(a.scope, request) && roleAllows(roleOf(a), action));
}

/** Every problem with the scenario's assignments, each naming its field and the accepted form. */
export function azureRoleAssignmentErrors(assignments: readonly AzureRoleAssignment[], field = 'scenario.cluster.azureRoleAssignments'): string[] {
  return assignments.flatMap((a, i) => {
    const errors: string[] = [];
    if (typeof a.role === 'string' && !BUILT_IN_ROLES[a.role]) {
      errors.push(`${field}[${i}].role: ${JSON.stringify(a.role)} is not a built-in role; use one of ${Object.keys(BUILT_IN_ROLES).map((n) => JSON.stringify(n)).join(', ')} or { "dataActions": [...] }`);
    }
    if (typeof a.role !== 'string') {
      const all = [...a.role.dataActions, ...(a.role.notDataActions ?? [])];
      all.filter((d) => !d.toLowerCase().startsWith(`${MANAGED_CLUSTERS.toLowerCase()}/`))
        .forEach((d) => errors.push(`${field}[${i}].role: data action ${JSON.stringify(d)} must start with "${MANAGED_CLUSTERS}/"`));
    }
    if (a.scope !== 'cluster' && !/^namespaces\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(a.scope)) {
      errors.push(`${field}[${i}].scope: ${JSON.stringify(a.scope)} must be "cluster" or "namespaces/<namespace>"`);
    }
    return errors;
  });
}
