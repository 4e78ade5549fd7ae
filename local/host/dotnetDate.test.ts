import { describe, expect, it } from 'vitest';
import { tryParseDotNetDateTime } from './dotnetDate';

describe('tryParseDotNetDateTime (the ISO forms of DateTime.TryParse)', () => {
  it.each([
    ['2026-12-06T02:30:00.000Z', Date.UTC(2026, 11, 6, 2, 30)],
    ['2026-12-06T02:30:00Z', Date.UTC(2026, 11, 6, 2, 30)],
    ['2026-12-06T02:30Z', Date.UTC(2026, 11, 6, 2, 30)],
    ['2026-12-06', Date.UTC(2026, 11, 6)],
    ['2026-12-06 02:30:00', Date.UTC(2026, 11, 6, 2, 30)],
    ['2026-12-06T03:30:00+01:00', Date.UTC(2026, 11, 6, 2, 30)],
    ['2026-12-06T02:30:00.1234567Z', Date.UTC(2026, 11, 6, 2, 30) + 123.4567],
    ['0001-01-01T00:00:00', -62135596800000],
    ['1970-01-01T00:00:00.000Z', 0],
  ])('parses %s', (text, ms) => {
    expect(tryParseDotNetDateTime(text)).toBeCloseTo(ms, 3);
  });

  it.each([
    ['year 0 (what toISOString gives for a cutoff before year 1)', '0000-12-25T02:30:00.000Z'],
    ['a negative year', '-000001-12-25T02:30:00.000Z'],
    ['a year after 9999', '+010000-01-01T00:00:00.000Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['hour 24', '2026-04-01T24:00:00Z'],
    ['text', 'yesterday'],
    ['nothing', ''],
    ['absent', null],
  ])('fails on %s', (_what, text) => {
    expect(tryParseDotNetDateTime(text)).toBeUndefined();
  });
});
