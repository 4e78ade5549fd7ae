// The Bicep files hang together without a Bicep compiler: every parameter is used, every module
// output is referenced, every module is deployed, the parameters file names real parameters,
// and no key or connection secret appears anywhere.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INFRA_DIR, params, readInfraFile } from './bicepText';

const MODULE_FILES = fs.readdirSync(path.join(INFRA_DIR, 'modules')).filter((f) => f.endsWith('.bicep')).map((f) => `modules/${f}`);
const BICEP_FILES = ['main.bicep', ...MODULE_FILES];
const MAIN = readInfraFile('main.bicep');
// `module symbol 'modules/file.bicep'` declarations of main.bicep.
const MODULES = [...MAIN.matchAll(/^module\s+(\w+)\s+'(modules\/\w+\.bicep)'/gm)].map((m) => ({ symbol: m[1]!, file: m[2]! }));

const occurrences = (text: string, word: string): number => (text.match(new RegExp(`\\b${word}\\b`, 'g')) ?? []).length;

describe('Bicep consistency', () => {
  it.each(BICEP_FILES)('%s uses every parameter it declares', (file) => {
    const text = readInfraFile(file);
    const unused = params(text).map((p) => p.name).filter((name) => occurrences(text, name) < 2);
    expect(unused).toEqual([]);
  });

  it('deploys every module file', () => {
    expect(MODULES.map((m) => m.file).sort()).toEqual([...MODULE_FILES].sort());
  });

  // `symbol!.outputs.x`: a conditional module's output, read only where its condition holds.
  it.each(MODULES)('main.bicep references every output of $file', ({ symbol, file }) => {
    const outputs = [...readInfraFile(file).matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]!);
    expect(outputs.length).toBeGreaterThan(0);
    const unreferenced = outputs.filter((o) => !new RegExp(`\\b${symbol}(\\[\\w+\\])?!?\\.outputs\\.${o}\\b`).test(MAIN));
    expect(unreferenced).toEqual([]);
  });

  it.each(MODULES)('main.bicep passes every required parameter of $file', ({ file }) => {
    const required = params(readInfraFile(file)).filter((p) => p.defaultExpression === undefined).map((p) => p.name);
    expect(required.filter((name) => !new RegExp(`^\\s+${name}: `, 'm').test(MAIN))).toEqual([]);
  });

  it('main.parameters.json names parameters of main.bicep only', () => {
    const file = JSON.parse(readInfraFile('main.parameters.json')) as { parameters: Record<string, unknown> };
    const declared = params(MAIN).map((p) => p.name);
    expect(Object.keys(file.parameters).filter((name) => !declared.includes(name))).toEqual([]);
  });

  it.each(BICEP_FILES)('%s holds no key: no listKeys, no account key, no instrumentation key', (file) => {
    expect(readInfraFile(file)).not.toMatch(/listKeys|AccountKey|InstrumentationKey|SharedAccessSignature/i);
  });

  it('turns shared-key access to storage and local authentication to Application Insights off', () => {
    expect(readInfraFile('modules/storage.bicep')).toMatch(/^\s*allowSharedKeyAccess: false$/m);
    expect(readInfraFile('modules/monitoring.bicep')).toMatch(/^\s*DisableLocalAuth: true$/m);
  });

  it('runs Node.js 22 on Flex Consumption, deploying with the user-assigned identity', () => {
    const app = readInfraFile('modules/functionApp.bicep');
    expect(app).toMatch(/tier: 'FlexConsumption'\s*\n\s*name: 'FC1'/);
    expect(app).toMatch(/runtime: \{\s*\n\s*name: 'node'\s*\n\s*version: '22'/);
    expect(app).toMatch(/type: 'UserAssignedIdentity'\s*\n\s*userAssignedIdentityResourceId: identityId/);
    expect(app).toMatch(/kind: 'functionapp,linux'/);
  });
});
