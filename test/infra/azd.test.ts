// azure.yaml, the packaging script and .funcignore agree with the Bicep and with package.json.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readInfraFile } from './bicepText';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface AzureYaml {
  infra: { provider: string; path: string; module: string };
  services: Record<string, { project: string; language: string; host: string; dist: string; hooks: { prepackage: { posix: { run: string }; windows: { run: string } } } }>;
}

const AZURE_YAML = parse(read('azure.yaml')) as AzureYaml;
const PACKAGE_JSON = JSON.parse(read('package.json')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const FUNCIGNORE = read('.funcignore').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

describe('azure.yaml', () => {
  const [name, service] = Object.entries(AZURE_YAML.services)[0]!;

  it('provisions infra/main.bicep', () => {
    expect(AZURE_YAML.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
  });

  it('deploys one function service to the app that the Bicep tags with its name', () => {
    expect(Object.keys(AZURE_YAML.services)).toHaveLength(1);
    expect(service).toMatchObject({ project: '.', language: 'ts', host: 'function' });
    expect(readInfraFile('modules/functionApp.bicep')).toContain(`'azd-service-name': '${name}'`);
  });

  it('packages what the prepackage hook stages, with scripts that exist', () => {
    const script = read(service.hooks.prepackage.posix.run);
    expect(script).toContain(`out=${service.dist}`);
    expect(read(service.hooks.prepackage.windows.run)).toContain(`$out = '${service.dist}'`);
  });
});

describe('the packaging script (infra/scripts/package.sh)', () => {
  const script = read('infra/scripts/package.sh');

  it('builds with tsc and installs production dependencies only', () => {
    expect(script).toContain('npm run build');
    expect(script).toMatch(/npm ci --omit=dev/);
  });

  it('stages every folder of the build and what the host reads', () => {
    const built = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    for (const dir of built) expect(script).toMatch(new RegExp(`for dir in .*\\b${dir}\\b`));
    expect(script).toMatch(/cp host\.json package\.json package-lock\.json \.funcignore/);
    expect(PACKAGE_JSON.main).toMatch(/^dist\//);
  });

  it('leaves the node binary package out: it is a dev dependency', () => {
    expect(PACKAGE_JSON.devDependencies.node).toBeDefined();
    expect(PACKAGE_JSON.dependencies.node).toBeUndefined();
  });
});

describe('.funcignore', () => {
  it('anchors every pattern at the root, so azd (gitignore rules) and Core Tools read it alike', () => {
    expect(FUNCIGNORE.filter((p) => !p.startsWith('/'))).toEqual([]);
  });

  it('keeps out sources, tests, tooling and the local tools', () => {
    expect(FUNCIGNORE).toEqual(expect.arrayContaining(['/core', '/test', '/bench', '/local', '/infra', '/docs', '/local.settings.json', '/node_modules/node']));
  });

  it('never drops what the host runs', () => {
    for (const needed of ['/dist', '/host.json', '/package.json', '/node_modules', '*.js', '*.json', '/*.js', '/*.json']) expect(FUNCIGNORE).not.toContain(needed);
  });
});
