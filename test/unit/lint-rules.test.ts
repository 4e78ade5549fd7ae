// Proves that each architecture rule of eslint.config.mjs fires on a bad fixture, and that a
// well-behaved orchestrator passes: a rule that cannot fail would protect nothing.
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/lint-fixtures');

type Finding = { ruleId: string | null; message: string };
let findings: Map<string, Finding[]>;

beforeAll(async () => {
  const eslint = new ESLint({ cwd: root, ignore: false });
  const results = await eslint.lintFiles([`${fixtures}/**/*.ts`]);
  findings = new Map(results.map((r) => [path.relative(fixtures, r.filePath), r.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }))]));
}, 120_000);

const cases: Array<[file: string, rule: string, text: RegExp]> = [
  ['orchestrations/usesDate.ts', 'no-restricted-syntax', /Date.now reads the wall clock/],
  ['orchestrations/usesNewDate.ts', 'no-restricted-syntax', /new Date\(\) reads the wall clock/],
  ['orchestrations/usesRandom.ts', 'no-restricted-properties', /Math.random is not deterministic/],
  ['orchestrations/usesProcess.ts', 'no-restricted-globals', /process is not deterministic/],
  ['orchestrations/usesTimer.ts', 'no-restricted-globals', /setTimeout is not deterministic/],
  ['orchestrations/importsNode.ts', '@typescript-eslint/no-restricted-imports', /may import only durable-functions/],
  ['orchestrations/importsAdapter.ts', '@typescript-eslint/no-restricted-imports', /may import only durable-functions/],
  ['orchestrations/importsActivity.ts', '@typescript-eslint/no-restricted-imports', /only the types of activities/],
  ['orchestrations/importsSdk.ts', '@typescript-eslint/no-restricted-imports', /may import only durable-functions/],
  ['core/importsAdapter.ts', '@typescript-eslint/no-restricted-imports', /may not import adapters/],
  ['core/doesIo.ts', '@typescript-eslint/no-restricted-imports', /pure rules: no I\/O/],
  ['functions/importsLocal.ts', '@typescript-eslint/no-restricted-imports', /never imports local/],
  ['activities/importsOrchestration.ts', '@typescript-eslint/no-restricted-imports', /may not import orchestrations/],
  ['adapters/floatingPromise.ts', '@typescript-eslint/no-floating-promises', /Promises must be awaited/],
  ['local/aks/importsCore.ts', '@typescript-eslint/no-restricted-imports', /may not import core/],
  ['local/aks/importsHost.ts', '@typescript-eslint/no-restricted-imports', /may not import host/],
  ['local/host/importsSimulator.ts', '@typescript-eslint/no-restricted-imports', /may not import aks/],
];

describe('architecture lint rules', () => {
  it.each(cases)('%s breaks %s', (file, rule, text) => {
    const messages = findings.get(file) ?? [];
    expect(messages.some((m) => m.ruleId === rule && text.test(m.message)), JSON.stringify(messages)).toBe(true);
  });

  it.each(['orchestrations/allowed.ts', 'local/aks/importsClock.ts'])('%s passes the import and determinism rules', (file) => {
    const messages = (findings.get(file) ?? []).filter((m) => m.ruleId?.includes('restricted'));
    expect(messages).toEqual([]);
  });

  it('the import count for every fixture is known', () => {
    expect([...findings.keys()].sort()).toEqual([...new Set([...cases.map((c) => c[0]), 'orchestrations/allowed.ts', 'local/aks/importsClock.ts'])].sort());
  });
});
