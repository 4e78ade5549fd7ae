// Who may do what on the clusters, as deployed by main.bicep and modules/clusterAccess.bicep: a
// role a platform team created once replaces the template's role definitions; the admin
// kubeconfig action only on the clusters that use it; and the first-deploy papercuts.
import { describe, expect, it } from 'vitest';
import { INFRA_DIR, readInfraFile } from './bicepText';
import fs from 'node:fs';
import path from 'node:path';

const MAIN = readInfraFile('main.bicep');
const ACCESS = readInfraFile('modules/clusterAccess.bicep');
const clusterModule = MAIN.slice(MAIN.indexOf("module clusterAccess 'modules/clusterAccess.bicep'"));
const BICEP_FILES = ['main.bicep', ...fs.readdirSync(path.join(INFRA_DIR, 'modules')).map((f) => `modules/${f}`)];

/** The resource declarations of a Bicep file with their condition (`= if (…)`), if any. */
function resources(text: string): { name: string; type: string; condition?: string }[] {
  return [...text.matchAll(/^resource (\w+) '([^'@]+)@[^']+'(?: existing)? = (?:if \((.+)\) )?[{[]/gm)].map((m) => ({ name: m[1]!, type: m[2]!, ...(m[3] && { condition: m[3] }) }));
}

describe('clusterAccessRoleId: a role created once by a platform team', () => {
  it('is a parameter of main.bicep, passed as the existing role of every cluster without admin credentials', () => {
    expect(MAIN).toMatch(/^param clusterAccessRoleId string = ''$/m);
    expect(MAIN).toMatch(/^param clusterAdminAccessRoleId string = ''$/m);
    expect(clusterModule).toMatch(/^\s+existingRoleId: \(adminForAll \|\| contains\(adminAliases, clusterAliases\[i\]\)\) \? clusterAdminAccessRoleId : clusterAccessRoleId$/m);
  });

  it('with it set, no role definition is created: the only one is conditioned on its absence', () => {
    const definitions = resources(ACCESS).filter((r) => r.type === 'Microsoft.Authorization/roleDefinitions');
    expect(definitions).toEqual([{ name: 'role', type: 'Microsoft.Authorization/roleDefinitions', condition: 'empty(existingRoleId)' }]);
    // The Kubernetes data-action roles of Azure RBAC clusters have their own parameter (azureRbacRoles.test.ts).
    for (const file of BICEP_FILES.filter((f) => f !== 'modules/clusterAccess.bicep' && f !== 'modules/clusterDataAccess.bicep')) {
      expect(resources(readInfraFile(file)).filter((r) => r.type === 'Microsoft.Authorization/roleDefinitions'), file).toEqual([]);
    }
  });

  it('and the assignment and the output name that role, never the template\'s', () => {
    expect(ACCESS).toMatch(/^var roleGuid = empty\(existingRoleId\) \? role\.name : existingRoleId$/m);
    expect(ACCESS).toMatch(/^var roleDefinitionId = subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', roleGuid\)$/m);
    expect(ACCESS).toMatch(/^\s+roleDefinitionId: roleDefinitionId$/m);
    expect(ACCESS).toMatch(/^output roleDefinitionId string = roleDefinitionId$/m);
    // role.* appears only behind empty(existingRoleId).
    const unguarded = ACCESS.split('\n').filter((l) => !l.trim().startsWith('//') && /\brole\.(id|name)\b/.test(l) && !/empty\(existingRoleId\) \?/.test(l));
    expect(unguarded).toEqual([]);
  });
});

describe('admin credentials per cluster', () => {
  it('reads the aliases the same way as AKS_CLUSTERS, entry by entry', () => {
    expect(MAIN).toMatch(/^var clusterAliases = map\(clusterEntries, entry => trim\(substring\(entry, 0, indexOf\(entry, '='\)\)\)\)$/m);
    // REBOOT_USE_ADMIN_CREDENTIALS itself: a boolean (core/formats.ts parseBoolean's words) or aliases.
    expect(MAIN).toMatch(/^var adminSetting = toLower\(trim\(useAdminCredentials\)\)$/m);
    expect(MAIN).toMatch(/^var adminForAll = contains\(\['true', '1'\], adminSetting\)$/m);
    expect(MAIN).toMatch(/^var adminAliases = contains\(\['true', '1', 'false', '0'\], adminSetting\) \? \[\] : filter\(map\(split\(useAdminCredentials, ','\), alias => trim\(alias\)\), alias => !empty\(alias\)\)$/m);
    expect(clusterModule).toMatch(/^module clusterAccess 'modules\/clusterAccess\.bicep' = \[for \(resourceId, i\) in clusterResourceIds: \{/);
  });

  it('grants listClusterAdminCredential only to the listed clusters (or all with true)', () => {
    expect(clusterModule).toMatch(/^\s+useAdminCredentials: adminForAll \|\| contains\(adminAliases, clusterAliases\[i\]\)$/m);
    expect(ACCESS).toMatch(/actions: useAdminCredentials \? concat\(operatorActions, adminCredentialActions\) : operatorActions/);
  });
});

describe('first-deploy papercuts', () => {
  it('gives the basic-auth publishing policies a location', () => {
    const app = readInfraFile('modules/functionApp.bicep');
    const policies = [...app.matchAll(/resource \w+ 'Microsoft\.Web\/sites\/basicPublishingCredentialsPolicies@[^']+' = \{([\s\S]*?)\n\}/g)].map((m) => m[1]!);
    expect(policies).toHaveLength(2);
    for (const body of policies) expect(body).toMatch(/^\s+location: location$/m);
  });

  it.each(BICEP_FILES)('%s: every role assignment names its principal type (no lookup of a just-created identity)', (file) => {
    const text = readInfraFile(file);
    const assignments = [...text.matchAll(/resource \w+ 'Microsoft\.Authorization\/roleAssignments@[^']+' = [\s\S]*?\n\}/g)].map((m) => m[0]);
    for (const body of assignments) expect(body).toMatch(/principalType: '(ServicePrincipal|Group)'/);
  });

  it('creates the app after the modules that grant its roles (it takes their outputs)', () => {
    const app = MAIN.slice(MAIN.indexOf("module functionApp 'modules/functionApp.bicep'"));
    expect(app).toMatch(/storage\.outputs\.blobEndpoint/);
    for (const granting of ['storage.outputs.name', 'monitoring.outputs.connectionString', 'scheduler!.outputs.endpoint', 'keyVaultSecrets!.outputs.vaultName']) expect(MAIN).toContain(granting);
  });
});
