// The deployment package as it ships: staged by infra/scripts/package.sh (azd's prepackage
// hook), filtered by .funcignore once the way azd applies it (gitignore rules) and once the way
// Core Tools does (every pattern anchored at the root), copied file by file to an empty folder,
// and loaded there on Node 22 as the Functions worker loads it: package.json "main", with
// `@azure/functions-core` standing in for the worker. Every function of the app must register.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFunctionNames } from '../../functions/api';
import { REBOOT_TIMER, RETENTION_TIMER } from '../../functions/schedule';
import { activities, orchestrators } from '../../orchestrations/names';
import { copyKept, funcignoreMatcher, funcignorePatterns, type Semantics } from './funcignore';

const ROOT = path.resolve(__dirname, '../..');
const STAGED = path.join(ROOT, 'dist/deploy');
const NODE_22 = path.join(ROOT, 'node_modules/node/bin/node');

const APP_FUNCTIONS = [...Object.values(orchestrators), ...Object.values(activities), REBOOT_TIMER, RETENTION_TIMER, ...apiFunctionNames].sort();

// Runs in the fresh process: the worker's `@azure/functions-core` reduced to what
// `@azure/functions` calls at import, then the package's main, then the names it registered.
const LOADER = `
const Module = require('node:module');
const path = require('node:path');
const names = [];
const disposable = () => ({ dispose() {} });
const core = {
  version: '3.10.1-package-test',
  hostVersion: '4.0.0-package-test',
  registerFunction(metadata) { names.push(metadata.name); return disposable(); },
  setProgrammingModel() {},
  getProgrammingModel() { return undefined; },
  registerHook: disposable,
  log() {},
  Disposable: class { constructor(fn) { this.fn = fn; } dispose() { this.fn(); } },
};
const id = '\\0package-test:@azure/functions-core';
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === '@azure/functions-core' ? id : resolve.call(this, request, ...rest);
};
const standIn = new Module(id);
standIn.exports = core;
standIn.loaded = true;
Module._cache[id] = standIn;
const root = process.cwd();
require(path.join(root, require(path.join(root, 'package.json')).main));
process.stdout.write(JSON.stringify({ node: process.versions.node, names }), () => process.exit(0));
`;

let work: string;

beforeAll(() => {
  execFileSync('sh', ['infra/scripts/package.sh'], { cwd: ROOT, stdio: 'pipe', timeout: 300_000 });
  // Beside the staged package, so the kept files can be hard links instead of copies.
  work = fs.mkdtempSync(path.join(ROOT, 'dist/package-test-'));
  fs.writeFileSync(path.join(work, 'loader.cjs'), LOADER);
}, 310_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

function shipAndLoad(semantics: Semantics): { kept: string[]; node: string; names: string[] } {
  const patterns = funcignorePatterns(fs.readFileSync(path.join(STAGED, '.funcignore'), 'utf8'));
  const target = path.join(work, semantics);
  fs.mkdirSync(target);
  const kept = copyKept(STAGED, target, funcignoreMatcher(patterns, semantics));
  let out: string;
  try {
    out = execFileSync(NODE_22, [path.join(work, 'loader.cjs')], { cwd: target, encoding: 'utf8', stdio: 'pipe', timeout: 30_000, env: { PATH: process.env.PATH ?? '' } });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`the package filtered with ${semantics} rules does not load: ${stderr.split('\n').slice(0, 8).join('\n')}`, { cause: error });
  }
  const loaded = JSON.parse(out) as { node: string; names: string[] };
  return { kept, ...loaded };
}

describe.each<Semantics>(['gitignore', 'anchored'])('the package filtered by .funcignore with %s rules', (semantics) => {
  it('loads on Node 22 and registers every function of the app', () => {
    const { kept, node, names } = shipAndLoad(semantics);
    expect(node).toMatch(/^22\./);
    expect([...names].sort()).toEqual(APP_FUNCTIONS);
    // What the host reads is there; what only the build and the tests use is not.
    expect(kept).toEqual(expect.arrayContaining(['host.json', 'package.json', 'dist/functions/index.js', 'node_modules/undici/lib/web/infra/index.js']));
    expect(kept.filter((f) => f.startsWith('node_modules/node/') || f.startsWith('node_modules/.bin/'))).toEqual([]);
  });
});

describe('.funcignore keeps a publish from the repository root to the compiled app', () => {
  const patterns = funcignorePatterns(fs.readFileSync(path.join(ROOT, '.funcignore'), 'utf8'));

  it.each<Semantics>(['gitignore', 'anchored'])('drops sources, tests, tooling and the local tools, keeps dist and host.json (%s)', (semantics) => {
    const matcher = funcignoreMatcher(patterns, semantics);
    for (const dropped of ['core/settings.ts', 'test/infra/azd.test.ts', 'local/aks/cli.ts', 'infra/main.bicep', 'bench/', 'docs/', 'tsconfig.json', 'local.settings.json', 'node_modules/node/', 'node_modules/.bin/', 'dist/deploy/']) {
      expect(matcher.ignores(dropped), dropped).toBe(true);
    }
    for (const kept of ['dist/functions/index.js', 'dist/core/settings.js', 'host.json', 'package.json', 'node_modules/undici/lib/web/infra/index.js', 'node_modules/@azure/functions/package.json']) {
      expect(matcher.ignores(kept), kept).toBe(false);
    }
  });
});
