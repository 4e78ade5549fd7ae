import { describe, expect, it } from 'vitest';
import { grantHint, isAuthorizationRefusal } from './kubePermissions';

const RBAC = 'leases.coordination.k8s.io "x" is forbidden: User "oid" cannot get resource "leases" in API group "coordination.k8s.io" in the namespace "ns"';
const AZURE = `${RBAC}: User does not have access to the resource in Azure. Update role assignment to allow access.`;
const ADMISSION = 'pods "p" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID)';

describe('authorizer refusals', () => {
  it('are told from admission refusals by the apiserver\'s wording', () => {
    expect(isAuthorizationRefusal(RBAC)).toBe(true);
    expect(isAuthorizationRefusal(AZURE)).toBe(true);
    expect(isAuthorizationRefusal(ADMISSION)).toBe(false);
  });

  it('point at the manifests for Kubernetes RBAC, at the data-action roles when Azure refused', () => {
    expect(grantHint(RBAC)).toMatch(/^grant it to the app's identity in infra\/k8s\/rbac\.yaml \(on a cluster with Azure RBAC/);
    expect(grantHint(AZURE)).toBe("the cluster authorizes with Azure RBAC: grant the app's identity the roles of infra/modules/clusterDataAccess.bicep at their scopes (infra/README.md#alternative-azure-rbac-for-kubernetes-authorization)");
  });
});
