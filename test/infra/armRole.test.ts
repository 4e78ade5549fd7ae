// The custom role on each cluster holds exactly the ARM operations the adapters can issue.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARM_OPERATIONS } from '../../local/aks/arm/handler';
import { ADMIN_CREDENTIAL_CALLS, ARM_SDK_CALLS, actionOf, checkCustomRoleCovers, customRoleActions } from './armRole';

const AZURE_ADAPTER = path.resolve(__dirname, '../../adapters/azure');

/** Every `client.<managedClusters|agentPools>.<method>(` call in the adapter's product code. */
function sdkCallsInAdapter(): string[] {
  const files = fs.readdirSync(AZURE_ADAPTER).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const calls = files.flatMap((f) => [...fs.readFileSync(path.join(AZURE_ADAPTER, f), 'utf8').matchAll(/\bclient\.(managedClusters|agentPools)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`));
  return [...new Set(calls)].sort();
}

describe('the ARM operations of adapters/azure', () => {
  it('are exactly the SDK calls listed in test/infra/armRole.ts', () => {
    expect(sdkCallsInAdapter()).toEqual(Object.keys(ARM_SDK_CALLS).sort());
  });

  it('have an action for every operation the simulator records', () => {
    expect(Object.values(ARM_OPERATIONS).filter((op) => actionOf(op) === undefined)).toEqual([]);
  });
});

describe('the custom role (infra/modules/clusterAccess.bicep)', () => {
  const userCalls = Object.keys(ARM_SDK_CALLS).filter((c) => !ADMIN_CREDENTIAL_CALLS.includes(c));

  it('grants exactly what the adapters call with user credentials', () => {
    expect(checkCustomRoleCovers(userCalls, { adminCredentials: false })).toEqual({ missing: [], unused: [], unknown: [] });
  });

  it('adds exactly listClusterAdminCredential with the admin-credentials parameter', () => {
    expect(customRoleActions().adminCredentials).toEqual(['Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action']);
    expect(checkCustomRoleCovers(Object.keys(ARM_SDK_CALLS), { adminCredentials: true })).toEqual({ missing: [], unused: [], unknown: [] });
  });

  it('reports what a role lacks, what it grants in excess and what it does not know', () => {
    const actions = { operator: ['Microsoft.ContainerService/managedClusters/read', 'Microsoft.ContainerService/managedClusters/write'], adminCredentials: [] };
    expect(checkCustomRoleCovers(['managedClusters.get', 'managedClusters.runCommand', 'managedClusters.delete'], { adminCredentials: false }, actions)).toEqual({
      missing: ['Microsoft.ContainerService/managedClusters/runCommand/action'],
      unused: ['Microsoft.ContainerService/managedClusters/write'],
      unknown: ['managedClusters.delete'],
    });
  });

  it('grants the admin kubeconfig only behind the parameter', () => {
    const text = fs.readFileSync(path.resolve(__dirname, '../../infra/modules/clusterAccess.bicep'), 'utf8');
    expect(text).toMatch(/actions: useAdminCredentials \? concat\(operatorActions, adminCredentialActions\) : operatorActions/);
    expect(customRoleActions().operator.some((a) => a.includes('Admin'))).toBe(false);
  });
});
