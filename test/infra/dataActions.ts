// The Kubernetes data actions an Azure RBAC cluster must grant the app (infra/modules/
// clusterDataAccess.bicep, block kubernetes-data-actions), and the same derived from the grants of
// infra/k8s/rbac.yaml the way AKS's webhook names a request's data action (the simulator's
// dataActionOf, which follows guard): what azureRbacRoles.test.ts holds equal.
import { dataActionOf } from '../../local/aks/kube/azureRbac';
import { delimitedBlock, readInfraFile, stringLiterals } from './bicepText';
import { grantsFor, readManifests, type Grant } from './rbac';

/** Data actions per scope: `cluster`, or `namespaces/<ns>`. */
export type DataActionsByScope = Record<string, string[]>;

/** The block's lists under the scopes the module assigns them at. */
export function moduleDataActions(text = readInfraFile('modules/clusterDataAccess.bicep')): DataActionsByScope {
  const lines = delimitedBlock(text, 'kubernetes-data-actions');
  const list = (name: string): string[] => {
    const start = lines.findIndex((l) => l.trim() === `var ${name} = [`);
    const end = lines.findIndex((l, i) => i > start && l.trim() === ']');
    if (start < 0 || end < 0) throw new Error(`clusterDataAccess.bicep: no "var ${name} = [ ... ]" list in block kubernetes-data-actions`);
    return stringLiterals(lines.slice(start + 1, end));
  };
  const namespaceOf = (name: string): string => {
    const match = new RegExp(`^var ${name} = '([^']+)'$`, 'm').exec(text);
    if (!match) throw new Error(`clusterDataAccess.bicep: no "var ${name} = '<namespace>'"`);
    return match[1]!;
  };
  return {
    cluster: list('clusterDataActions'),
    [`namespaces/${namespaceOf('helperNamespace')}`]: list('helperNamespaceDataActions'),
    [`namespaces/${namespaceOf('nodeEventsNamespace')}`]: list('nodeEventsNamespaceDataActions'),
  };
}

/** One data action per granted verb of every rule, at the scope of its binding. */
function dataActionsOfGrant(grant: Grant): string[] {
  const { rule } = grant;
  return rule.apiGroups.flatMap((group) => rule.resources.flatMap((combined) => {
    const [resource, subresource] = combined.split('/') as [string, string | undefined];
    return rule.verbs.map((verb) => dataActionOf({ verb, group, resource, ...(subresource !== undefined && { subresource }) }));
  }));
}

/**
 * What infra/k8s/rbac.yaml grants, as data actions per scope: a ClusterRoleBinding at the
 * cluster, a RoleBinding in its namespace, leaving out of a namespace what the cluster already
 * grants (an Azure assignment at the cluster covers every namespace).
 */
export function manifestDataActions(grants: readonly Grant[] = grantsFor(readManifests())): DataActionsByScope {
  const byScope: Record<string, Set<string>> = {};
  for (const grant of grants) {
    const scope = grant.namespace === undefined ? 'cluster' : `namespaces/${grant.namespace}`;
    for (const action of dataActionsOfGrant(grant)) (byScope[scope] ??= new Set()).add(action);
  }
  const cluster = byScope.cluster ?? new Set<string>();
  return Object.fromEntries(Object.entries(byScope).map(([scope, actions]) =>
    [scope, [...actions].filter((a) => scope === 'cluster' || !cluster.has(a)).sort()]));
}
