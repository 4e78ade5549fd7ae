import { describe, expect, it } from 'vitest';
import { purgeCutoff } from './retention';

const NOW = Date.UTC(2026, 11, 6, 2, 30);
const DAY_S = 86_400;

describe('purgeCutoff', () => {
  it('is now minus the retention', () => {
    expect(purgeCutoff(NOW, 7 * DAY_S)).toEqual({ ok: true, cutoff: new Date(NOW - 7 * 86_400_000) });
    expect(purgeCutoff(NOW, 0)).toEqual({ ok: true, cutoff: new Date(NOW) });
  });

  it.each([
    ['before 1970', -62135596800000 /* year 1 */, 7 * DAY_S, /before 1970/],
    ['before 1970 (retention longer than the epoch)', NOW, 3650 * 10 * DAY_S, /before 1970/],
    ['after now', NOW, -DAY_S, /after now/],
    ['not a time', Number.NaN, DAY_S, /not a time/],
  ])('refuses a cutoff %s', (_what, now, retention, reason) => {
    const result = purgeCutoff(now, retention);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
