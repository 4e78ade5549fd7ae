import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lockInstanceId, makeRunId, nodeInstanceId, planInstanceId, runInstanceId } from './names';

describe('instance ids', () => {
  it('formats the run id as yyyymmddThhmmssZ plus 4 characters of a GUID', () => {
    expect(makeRunId(new Date('2026-11-27T20:30:05.123Z'), 'AB12CD34-0000-4000-8000-000000000000')).toBe('20261127T203005Z-ab12');
  });

  it('derives lock, run and node ids from the alias', () => {
    expect(lockInstanceId('prod')).toBe('reboot-prod');
    expect(runInstanceId('prod', '20261127T203005Z-ab12')).toBe('reboot-prod-20261127T203005Z-ab12');
    expect(nodeInstanceId('prod', '20261127T203005Z-ab12', 'aks-user-1-vmss000000')).toBe('reboot-prod-20261127T203005Z-ab12-aks-user-1-vmss000000');
  });
});

describe('instance ids are unambiguous across clusters and kinds', () => {
  // Built from pieces that could fake another id's parts (a run id, 'plan', a node name), which
  // random strings would almost never hit.
  const RUNS = ['20261127T203005Z-ab12', '20261127T203005Z-ab13', '20270101T000000Z-0000'];
  const piece = fc.constantFrom('x', 'plan', 'a', 'reboot', '20261127t203005z', 'ab12', 'vmss000000');
  const alias = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join('-'));
  const runId = fc.constantFrom(...RUNS);
  const node = fc.array(fc.oneof(piece, fc.constantFrom(...RUNS.map((r) => r.toLowerCase()))), { minLength: 1, maxLength: 4 }).map((p) => p.join('-'));
  it('no two different (kind, alias, run, node) give the same id', () => {
    fc.assert(fc.property(alias, alias, runId, runId, node, node, (a1, a2, r1, r2, n1, n2) => {
      const ids = (a: string, r: string, n: string) => new Map([
        [`lock ${a}`, lockInstanceId(a)],
        [`run ${a} ${r}`, runInstanceId(a, r)],
        [`node ${a} ${r} ${n}`, nodeInstanceId(a, r, n)],
        [`plan ${a}`, planInstanceId(a)],
      ]);
      const seen = new Map<string, string>();
      for (const [what, id] of [...ids(a1, r1, n1), ...ids(a2, r2, n2)]) {
        const before = seen.get(id);
        if (before !== undefined && before !== what) return false;
        seen.set(id, what);
      }
      return true;
    }), { numRuns: 3000 });
  });
  it('the aliases x and x-plan no longer collide', () => {
    expect(planInstanceId('x')).not.toBe(lockInstanceId('x-plan'));
    expect(planInstanceId('x')).toBe('plan-x');
  });
});
