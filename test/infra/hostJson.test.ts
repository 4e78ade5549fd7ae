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
      storageProvider?: { type?: string; connectionName?: string; connectionStringName?: string; partitionCount?: number; maxQueuePollingInterval?: string };
      maxConcurrentActivityFunctions?: number;
      maxConcurrentOrchestratorFunctions?: number;
      extendedSessionsEnabled?: boolean;
    };
  };
}

const HOST = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as HostJson;
const DURABLE = HOST.extensions?.durableTask ?? {};

describe('host.json', () => {
  it('uses extension bundle 4 from 4.32.0, the first that carries the Durable Task Scheduler provider (ADR 0015)', () => {
    expect(HOST.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.32.0, 5.0.0)' });
  });

  it('names the task hub (3–45 letters and digits, starting with a letter, as the Azure Storage provider requires)', () => {
    expect(DURABLE.hubName).toBe('AksRebootOrchestrator');
    expect(DURABLE.hubName).toMatch(/^[A-Za-z][A-Za-z0-9]{2,44}$/);
  });

  it('uses the Durable Task Scheduler provider by default, with only what it reads (no Azure Storage tuning)', () => {
    expect(DURABLE.storageProvider).toEqual({ type: 'azureManaged', connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING' });
  });

  it('finds that connection among the backend settings of the deployment', () => {
    const settings = objectEntries(delimitedBlock(readInfraFile('main.bicep'), 'backend-settings')).map((s) => s.name);
    expect(settings).toContain(DURABLE.storageProvider?.connectionStringName);
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
