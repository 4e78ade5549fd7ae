// The task hub backend (ADR 0015): the Durable Task Scheduler by default, the storage account as
// a parameter. host.json names the scheduler; the Bicep provisions it with identity-based access,
// or overrides host.json to the Azure Storage provider; operators get read access to either.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { delimitedBlock, objectEntries, params, readInfraFile, stringLiteral } from './bicepText';

const MAIN = readInfraFile('main.bicep');
const SCHEDULER = readInfraFile('modules/durableTaskScheduler.bicep');
const STORAGE = readInfraFile('modules/storage.bicep');
const HOST = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as {
  extensions: { durableTask: Record<string, unknown> & { hubName: string; storageProvider: Record<string, unknown> } };
};
const BACKEND = new Map(objectEntries(delimitedBlock(MAIN, 'backend-settings')).map((e) => [e.name, e.value]));
const APP_SETTINGS = new Map(objectEntries(delimitedBlock(MAIN, 'app-settings')).map((e) => [e.name, e.value]));

const OVERRIDE = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__';
const DURABLE_TASK_DATA_CONTRIBUTOR = '0ad04412-c4d5-4796-b79c-f76d14c8d402';
const DURABLE_TASK_DATA_READER = 'd6a5505f-6ebb-45a4-896e-ac8274cfc0ac';
const STORAGE_READERS = {
  table: '76199698-9eea-4c19-bc75-cec21354c6b6',
  blob: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  queue: '19e7f393-937e-4f77-808e-94535e297925',
};

describe('the backend parameter', () => {
  it('defaults to the Durable Task Scheduler and allows the storage account', () => {
    expect(params(MAIN).find((p) => p.name === 'durableBackend')?.defaultExpression).toBe("'durableTaskScheduler'");
    expect(MAIN).toMatch(/@allowed\(\[\s*\n\s*'durableTaskScheduler'\s*\n\s*'azureStorage'\s*\n\s*\]\)\s*\n@description\(.*\)\s*\nparam durableBackend string/);
    expect(MAIN).toMatch(/^var useScheduler = durableBackend == 'durableTaskScheduler'$/m);
  });

  it('deploys the scheduler only for its backend, and hands the app one backend\'s settings', () => {
    expect(MAIN).toMatch(/^module scheduler 'modules\/durableTaskScheduler\.bicep' = if \(useScheduler\) \{/m);
    expect(MAIN).toMatch(/appSettings: union\(appSettings, useScheduler \? schedulerSettings : azureStorageSettings[,)]/);
  });
});

describe('the Durable Task Scheduler (default)', () => {
  it('connects with the app\'s user-assigned identity, never a key', () => {
    expect(BACKEND.get('DURABLE_TASK_SCHEDULER_CONNECTION_STRING')).toBe(
      "useScheduler ? 'Endpoint=${scheduler!.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.properties.clientId}' : ''",
    );
    expect(HOST.extensions.durableTask.storageProvider.connectionStringName).toBe('DURABLE_TASK_SCHEDULER_CONNECTION_STRING');
  });

  it('names the task hub as host.json does', () => {
    expect(MAIN).toMatch(new RegExp(`^var taskHubName = '${HOST.extensions.durableTask.hubName}'$`, 'm'));
    expect(MAIN).toMatch(/^\s+taskHubName: taskHubName$/m);
    expect(SCHEDULER).toMatch(/resource taskHub 'Microsoft\.DurableTask\/schedulers\/taskHubs@[\d-]+' = \{\s*\n\s*parent: scheduler\s*\n\s*name: taskHubName/);
  });

  it('keeps finished instances as long as REBOOT_HISTORY_RETENTION (autopurge would keep 30 days)', () => {
    const days = /^var historyRetentionDays = (\d+)$/m.exec(MAIN)?.[1];
    expect(stringLiteral(APP_SETTINGS.get('REBOOT_HISTORY_RETENTION') ?? '')).toBe(`${days}d`);
    expect(MAIN).toMatch(/^\s+retentionDays: historyRetentionDays$/m);
    expect(SCHEDULER).toMatch(/retentionPolicies: \[\s*\n\s*\{\s*\n\s*retentionPeriodInDays: retentionDays/);
    expect(SCHEDULER).toMatch(/@maxValue\(90\)\s*\nparam retentionDays int/);
  });

  it('lets the app use the task hub (Durable Task Data Contributor on the task hub)', () => {
    expect(SCHEDULER).toContain(`var durableTaskDataContributor = '${DURABLE_TASK_DATA_CONTRIBUTOR}'`);
    expect(SCHEDULER).toMatch(/resource appData '[^']+' = \{\s*\n\s*name: guid\(taskHub\.id, identityPrincipalId, durableTaskDataContributor\)\s*\n\s*scope: taskHub/);
  });

  it('lets the operators read it in the dashboard when a group is given (Durable Task Data Reader)', () => {
    expect(SCHEDULER).toContain(`var durableTaskDataReader = '${DURABLE_TASK_DATA_READER}'`);
    expect(SCHEDULER).toMatch(/resource operatorRead '[^']+' = if \(!empty\(operatorPrincipalId\)\) \{\s*\n\s*name: guid\(taskHub\.id, operatorPrincipalId, durableTaskDataReader\)/);
    expect(MAIN).toMatch(/^output AZURE_DURABLE_DASHBOARD_URL string = useScheduler \? scheduler!\.outputs\.dashboardUrl : ''$/m);
  });
});

describe('the storage account as the backend (durableBackend=azureStorage)', () => {
  it('overrides host.json to the Azure Storage provider on AzureWebJobsStorage, with its own tuning', () => {
    expect(Object.fromEntries([...BACKEND].filter(([name]) => name.startsWith(OVERRIDE)).map(([name, value]) => [name.slice(OVERRIDE.length), stringLiteral(value)]))).toEqual({
      type: 'AzureStorage',
      connectionName: 'AzureWebJobsStorage',
      connectionStringName: 'AzureWebJobsStorage',
      partitionCount: '4',
      maxQueuePollingInterval: '00:00:10',
    });
    expect([...BACKEND.keys()].filter((name) => name !== 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING' && !name.startsWith(OVERRIDE))).toEqual([]);
  });

  it('grants an operator group Table, Blob and Queue Data Reader on the account, only for this backend', () => {
    for (const [symbol, id] of Object.entries({ storageTableDataReader: STORAGE_READERS.table, storageBlobDataReader: STORAGE_READERS.blob, storageQueueDataReader: STORAGE_READERS.queue })) {
      expect(STORAGE).toContain(`var ${symbol} = '${id}'`);
    }
    expect(STORAGE).toMatch(/resource operatorReadRoles '[^']+' = \[for role in \(empty\(operatorPrincipalId\) \? \[\] : \[storageTableDataReader, storageBlobDataReader, storageQueueDataReader\]\): \{/);
    expect(MAIN).toMatch(/^\s+operatorPrincipalId: useScheduler \? '' : operatorPrincipalId$/m);
  });
});
