// The critical-path bound (local/aks/lowerBound.ts) is a bound: no run beats it. A run under it is
// a bug in the bound. The quick cases run here; the whole sweep (every completing bundled
// scenario, generated 6, 12 and 30 nodes at concurrency 1 and 3) is bench/bound.bench.ts.
import { describe, expect, it } from 'vitest';
import { QUICK_BOUND_CASES, rolloutAgainstBound } from './boundCases';

describe('critical-path bound against real rollouts', () => {
  it.each(QUICK_BOUND_CASES)('%s at concurrency %i: the rollout takes at least the bound', async (_, concurrency, scenario) => {
    const s = scenario();
    const { outcome, output, seconds, bound } = await rolloutAgainstBound(s, concurrency);
    expect(outcome, JSON.stringify(output).slice(0, 1500)).toBe('completed');
    expect(output.results.some((r) => r.outcome === 'rebooted')).toBe(true);
    console.log(`${s.name} C=${concurrency}: rollout ${seconds}s, bound ${bound.seconds}s set by ${bound.limitedBy} (${((seconds / bound.seconds - 1) * 100).toFixed(1)}% over)`);
    expect(seconds).toBeGreaterThanOrEqual(bound.seconds);
  }, 300_000);
});
