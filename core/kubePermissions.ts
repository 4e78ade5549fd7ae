// Where an operator grants a Kubernetes permission the app's identity lacks, for the errors that
// report an authorizer's refusal: the bindings of infra/k8s/rbac.yaml, or on a cluster that
// authorizes with Azure RBAC (aadProfile.enableAzureRBAC) the data-action roles of
// infra/modules/clusterDataAccess.bicep. AKS's webhook ends its refusals with "… access to the
// resource in Azure …" (kubeguard/guard AccessNotAllowedVerdict), which tells the two apart. Pure.

/** The infra README section on Azure RBAC clusters. */
export const AZURE_RBAC_HELP = 'infra/README.md#alternative-azure-rbac-for-kubernetes-authorization';

// The apiserver's forbiddenMessage for a resource request: `User "<u>" cannot <verb> resource "<r>" …`.
const AUTHORIZER_REFUSAL = /\bcannot [a-z]+ resource "/;
const AZURE_VERDICT = /does not have access to the resource in Azure/;

/** Whether a 403's message is an authorizer's refusal (RBAC, Azure RBAC), not admission's. */
export function isAuthorizationRefusal(message: string): boolean {
  return AUTHORIZER_REFUSAL.test(message);
}

/** How to grant what an authorizer refused, chosen by who refused it. */
export function grantHint(message: string): string {
  return AZURE_VERDICT.test(message)
    ? `the cluster authorizes with Azure RBAC: grant the app's identity the roles of infra/modules/clusterDataAccess.bicep at their scopes (${AZURE_RBAC_HELP})`
    : `grant it to the app's identity in infra/k8s/rbac.yaml (on a cluster with Azure RBAC for Kubernetes authorization, the roles of infra/modules/clusterDataAccess.bicep: ${AZURE_RBAC_HELP})`;
}
