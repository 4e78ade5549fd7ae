import { describe, expect, it } from 'vitest';
import { nextOccurrence, parseNcrontab } from './cron';

const at = (iso: string): number => Date.parse(iso);

describe('parseNcrontab', () => {
  it('accepts day and month names as NCrontab does (abbreviated or full, any case)', () => {
    expect(parseNcrontab('0 0 2 * * Mon-Fri')).toEqual(parseNcrontab('0 0 2 * * 1-5'));
    expect(parseNcrontab('0 0 2 * JAN,jul *')).toEqual(parseNcrontab('0 0 2 * 1,7 *'));
    expect(parseNcrontab('0 0 2 * * sunday,SAT')).toEqual(parseNcrontab('0 0 2 * * 0,6'));
    // 2026-01-03 is a Saturday: the next weekday 02:00 is Monday the 5th.
    expect(nextOccurrence(parseNcrontab('0 0 2 * * Mon-Fri'), at('2026-01-03T00:00:00Z'))).toBe(at('2026-01-05T02:00:00Z'));
  });

  it('refuses an unknown name, naming the field', () => {
    expect(() => parseNcrontab('0 0 2 * * Mun')).toThrow(/weekday field 'Mun'/);
    expect(() => parseNcrontab('0 0 2 * Janvier *')).toThrow(/month field 'Janvier'/);
  });
});
