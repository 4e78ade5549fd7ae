// The ARM operations aks-reboot-orchestrator can issue, and the check that the custom role of
// infra/modules/clusterAccess.bicep holds exactly those. adapters/azure exports no list of its
// operations, so the list lives here and armRole.test.ts greps the adapter's SDK calls against it.
import { delimitedBlock, readInfraFile, stringLiterals } from './bicepText';

const MC = 'Microsoft.ContainerService/managedClusters';

/** `client.<group>.<method>` calls of @azure/arm-containerservice → the Azure RBAC action each needs. */
export const ARM_SDK_CALLS: Readonly<Record<string, string>> = {
  'managedClusters.get': `${MC}/read`,
  'agentPools.list': `${MC}/agentPools/read`,
  'managedClusters.beginRunCommand': `${MC}/runCommand/action`,
  'managedClusters.getCommandResult': `${MC}/commandResults/read`,
  'managedClusters.listClusterUserCredentials': `${MC}/listClusterUserCredential/action`,
  'managedClusters.listClusterAdminCredentials': `${MC}/listClusterAdminCredential/action`,
};

/** Only with REBOOT_USE_ADMIN_CREDENTIALS. */
export const ADMIN_CREDENTIAL_CALLS: readonly string[] = ['managedClusters.listClusterAdminCredentials'];

/**
 * Names the simulator's ARM surface records (local/aks/arm/handler.ts, ARM_OPERATIONS) where
 * they differ from the SDK call, for the request-log drift test.
 */
export const SIMULATOR_ARM_ALIASES: Readonly<Record<string, string>> = {
  'agentPools.get': `${MC}/agentPools/read`,
  'managedClusters.runCommand': `${MC}/runCommand/action`,
};

/** The action an SDK call or a simulator operation needs; undefined when unknown. */
export function actionOf(operation: string): string | undefined {
  return ARM_SDK_CALLS[operation] ?? SIMULATOR_ARM_ALIASES[operation];
}

export interface CustomRoleActions {
  /** Always granted. */
  operator: string[];
  /** Added when the admin-credentials parameter is set. */
  adminCredentials: string[];
}

/** The two action lists of clusterAccess.bicep's block cluster-role-actions. */
export function customRoleActions(text = readInfraFile('modules/clusterAccess.bicep')): CustomRoleActions {
  const lines = delimitedBlock(text, 'cluster-role-actions');
  const list = (name: string): string[] => {
    const start = lines.findIndex((l) => new RegExp(`^var ${name} = \\[$`).test(l.trim()));
    const end = lines.findIndex((l, i) => i > start && l.trim() === ']');
    if (start < 0 || end < 0) throw new Error(`clusterAccess.bicep: no "var ${name} = [ ... ]" list in block cluster-role-actions`);
    return stringLiterals(lines.slice(start + 1, end));
  };
  return { operator: list('operatorActions'), adminCredentials: list('adminCredentialActions') };
}

export interface RoleCoverage {
  /** Actions the operations need that the role lacks. */
  missing: string[];
  /** Actions the role grants that no operation needed. */
  unused: string[];
  /** Operations with no known action (a new call: add it to the tables above). */
  unknown: string[];
}

/**
 * Whether the custom role (with or without admin credentials) grants every action `operations`
 * need, and which of its actions went unused. `operations` are SDK call names or simulator
 * operation names (actionOf).
 */
export function checkCustomRoleCovers(operations: readonly string[], options: { adminCredentials: boolean }, actions = customRoleActions()): RoleCoverage {
  const granted = new Set([...actions.operator, ...(options.adminCredentials ? actions.adminCredentials : [])]);
  const needed = new Set<string>();
  const unknown: string[] = [];
  for (const operation of new Set(operations)) {
    const action = actionOf(operation);
    if (action) needed.add(action);
    else unknown.push(operation);
  }
  return {
    missing: [...needed].filter((a) => !granted.has(a)).sort(),
    unused: [...granted].filter((a) => !needed.has(a)).sort(),
    unknown: unknown.sort(),
  };
}
