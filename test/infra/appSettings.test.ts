// The app settings cannot drift from core/settings.ts: every setting of the schema is in the
// Bicep app settings and in local.settings.example.json with the schema's default, and nothing
// else is there but the platform's own settings.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings, settingDefaults } from '../../core/settings';
import { defaultSettingValue, delimitedBlock, objectEntries, params, readInfraFile } from './bicepText';

const MAIN = readInfraFile('main.bicep');
const BICEP_SETTINGS = objectEntries(delimitedBlock(MAIN, 'app-settings'));
const MAIN_PARAMS = params(MAIN);
const EXAMPLE = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../local.settings.example.json'), 'utf8')) as { Values: Record<string, string> };
const DEFAULTS = settingDefaults();

// The platform's own settings: host storage by identity, Application Insights, the Functions
// host's FUNCTIONS_*, and the identity @azure/identity picks (AZURE_CLIENT_ID).
const PLATFORM_IN_AZURE = /^(AzureWebJobsStorage__(accountName|credential|clientId)|APPLICATIONINSIGHTS_CONNECTION_STRING|APPLICATIONINSIGHTS_AUTHENTICATION_STRING|FUNCTIONS_[A-Z_]+|AZURE_CLIENT_ID)$/;
// Locally, the storage emulator's connection string and the worker runtime are the platform's.
// The Durable Task Scheduler emulator's connection (host.json's default backend) too.
const PLATFORM_LOCALLY = /^(AzureWebJobsStorage(__[A-Za-z]+)?|DURABLE_TASK_SCHEDULER_CONNECTION_STRING|FUNCTIONS_[A-Z_]+|APPLICATIONINSIGHTS_CONNECTION_STRING|AZURE_CLIENT_ID)$/;

describe('Bicep app settings (infra/main.bicep, block app-settings)', () => {
  const byName = new Map(BICEP_SETTINGS.map((s) => [s.name, s.value]));

  it('name each setting once', () => {
    expect(BICEP_SETTINGS.length).toBe(byName.size);
  });

  it.each(Object.entries(DEFAULTS))('%s is set to the schema default %j', (name, schemaDefault) => {
    const value = byName.get(name);
    expect(value, `${name} is missing from the app-settings block`).toBeDefined();
    expect(defaultSettingValue(value!, MAIN_PARAMS), `${name}: ${value} must be a literal, a parameter with a literal default, or p ? 'true' : 'false'`).toBe(schemaDefault);
  });

  it('hold nothing but the schema settings and the platform settings', () => {
    const others = BICEP_SETTINGS.map((s) => s.name).filter((name) => !(name in DEFAULTS) && !PLATFORM_IN_AZURE.test(name));
    expect(others).toEqual([]);
  });

  it('connect the task hub storage with the user-assigned identity, not a connection string', () => {
    expect(byName.get('AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(byName.get('AzureWebJobsStorage__accountName')).toBe('storage.outputs.name');
    expect(byName.get('AzureWebJobsStorage__clientId')).toBe('identity.properties.clientId');
    expect(byName.get('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
    expect(byName.has('AzureWebJobsStorage')).toBe(false);
  });

  it('leave the runtime to functionAppConfig (Flex Consumption deprecates these app settings)', () => {
    expect(byName.has('FUNCTIONS_WORKER_RUNTIME')).toBe(false);
    expect(byName.has('FUNCTIONS_EXTENSION_VERSION')).toBe(false);
  });

  it('keep REBOOT_SCHEDULE non-empty: the timer trigger resolves %REBOOT_SCHEDULE% itself, without the schema default', () => {
    expect(defaultSettingValue(byName.get('REBOOT_SCHEDULE') ?? '', MAIN_PARAMS)).not.toBe('');
  });

  it('take AKS_CLUSTERS and the admin-credentials switch from the parameters that also drive the cluster roles', () => {
    expect(byName.get('AKS_CLUSTERS')).toBe('aksClusters');
    expect(MAIN).toMatch(/^var clusterEntries = .*\bsplit\(aksClusters, ','\)/m);
    expect(byName.get('REBOOT_USE_ADMIN_CREDENTIALS')).toBe('useAdminCredentials');
    expect(MAIN).toMatch(/^var adminAliases = .*\bsplit\(useAdminCredentials, ','\)/m);
    expect(MAIN).toMatch(/^\s+useAdminCredentials: adminForAll \|\| contains\(adminAliases, clusterAliases\[i\]\)$/m);
  });

  it('take the secret settings from @secure() parameters', () => {
    for (const name of ['REBOOT_NOTIFY_URL', 'REBOOT_PROMETHEUS_URL']) {
      const param = byName.get(name)!;
      expect(MAIN, `${name} comes from param ${param}`).toMatch(new RegExp(`@secure\\(\\)\\s*\\n(@description\\(.*\\)\\s*\\n)?param ${param} string = ''`));
    }
  });

  it('are the settings the Function App gets', () => {
    expect(MAIN).toMatch(/^\s*appSettings: union\(appSettings, useScheduler \? schedulerSettings : azureStorageSettings, empty\(secretsKeyVaultName\) \? \{\} : keyVaultSecretSettings\)$/m);
    expect(readInfraFile('modules/functionApp.bicep')).toMatch(/name: 'appsettings'\s*\n\s*properties: appSettings\s*\n/);
  });
});

describe('local.settings.example.json', () => {
  const values = EXAMPLE.Values;

  it.each(Object.entries(DEFAULTS).filter(([name]) => name !== 'AKS_CLUSTERS'))('%s has the schema default %j', (name, schemaDefault) => {
    expect(values[name]).toBe(schemaDefault);
  });

  it('holds an example AKS_CLUSTERS that the schema accepts, and every value parses', () => {
    expect(values.AKS_CLUSTERS).not.toBe('');
    const parsed = parseSettings(values);
    expect(parsed.ok ? [] : parsed.errors.map((e) => e.message)).toEqual([]);
  });

  it('holds nothing but the schema settings and the platform settings', () => {
    expect(Object.keys(values).filter((name) => !(name in DEFAULTS) && !PLATFORM_LOCALLY.test(name))).toEqual([]);
  });
});
