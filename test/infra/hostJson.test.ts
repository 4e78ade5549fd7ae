// host.json's durable settings match what the code and the deployment assume.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { delimitedBlock, objectEntries, readInfraFile } from './bicepText';

interface HostJson {
  extensionBundle?: { id?: string; version?: string };
  extensions?: {
    http?: { routePrefix?: string };
    durableTask?: {
      hubName?: string;
      storageProvider?: { type?: string; connectionName?: string; partitionCount?: number };
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
      extendedSessionsEnabled?: boolean;
    };
  };
}

const HOST = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as HostJson;
const DURABLE = HOST.extensions?.durableTask ?? {};

describe('host.json', () => {
  it('uses extension bundle 4 (durable-functions 3 for Node, and what Flex Consumption requires of non-C# apps)', () => {
    expect(HOST.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });

  it('names the task hub (3–45 letters and digits, starting with a letter, as the Azure Storage provider requires)', () => {
    expect(DURABLE.hubName).toBe('AksRebootOrchestrator');
    expect(DURABLE.hubName).toMatch(/^[A-Za-z][A-Za-z0-9]{2,44}$/);
  });

  it('uses the Azure Storage provider (the only one Flex Consumption supports) on AzureWebJobsStorage', () => {
    expect(DURABLE.storageProvider?.type).toBe('AzureStorage');
    expect(DURABLE.storageProvider?.connectionName ?? 'AzureWebJobsStorage').toBe('AzureWebJobsStorage');
  });

  it('finds that connection among the identity-based settings of the deployment', () => {
    const connection = DURABLE.storageProvider?.connectionName ?? 'AzureWebJobsStorage';
    const settings = objectEntries(delimitedBlock(readInfraFile('main.bicep'), 'app-settings')).map((s) => s.name);
    expect(settings).toEqual(expect.arrayContaining([`${connection}__accountName`, `${connection}__credential`, `${connection}__clientId`]));
  });

  it('bounds activity and orchestrator concurrency per instance', () => {
    expect(DURABLE.maxConcurrentActivityFunctions).toBeGreaterThan(0);
    expect(DURABLE.maxConcurrentOrchestratorFunctions).toBeGreaterThan(0);
  });

  it('leaves extended sessions off (they are for .NET)', () => {
    expect(DURABLE.extendedSessionsEnabled ?? false).toBe(false);
  });

  it('keeps the /api route prefix that the API links are built with (functions/httpResponses.ts)', () => {
    expect(HOST.extensions?.http?.routePrefix ?? 'api').toBe('api');
    expect(fs.readFileSync(path.resolve(__dirname, '../../functions/httpResponses.ts'), 'utf8')).toContain('`/api/clusters/');
  });
});
