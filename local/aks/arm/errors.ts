// ARM's error bodies (`{ error: { code, message } }`), with the codes and wording ARM uses.
import { type SimResponse } from '../contracts';

export function armError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { code, message } } };
}

export const armErrors = {
  missingApiVersion: () =>
    armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."),
  subscriptionNotFound: (subscriptionId: string) =>
    armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`),
  resourceGroupNotFound: (resourceGroup: string) =>
    armError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`),
  clusterNotFound: (resourceGroup: string, name: string) =>
    armError(404, 'ResourceNotFound',
      `The Resource 'Microsoft.ContainerService/managedClusters/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`),
  agentPoolNotFound: (name: string) =>
    armError(404, 'NotFound', `Could not find agent pool '${name}' in the managed cluster.`),
  commandNotFound: (id: string) =>
    armError(404, 'NotFound', `Could not find command result '${id}'.`),
  noRoute: (method: string, path: string) =>
    armError(404, 'InvalidResourceType', `The simulator has no ARM operation for ${method} '${path}'.`),
  methodNotAllowed: (method: string, path: string) =>
    armError(405, 'MethodNotAllowed', `The HTTP method '${method}' is not supported for '${path}'.`),
  badRequest: (message: string) => armError(400, 'BadRequest', message),
  authorizationFailed: (client: string, action: string, scope: string) =>
    armError(403, 'AuthorizationFailed',
      `The client '${client}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`),
  localAccountsDisabled: () =>
    armError(400, 'BadRequest', 'Getting static credential is not allowed because this cluster is set to disable local accounts.'),
  runCommandDisabled: () =>
    armError(400, 'RunCommandDisabled', 'Run command is disabled for this cluster (apiServerAccessProfile.disableRunCommand is true).'),
};
