import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWindow, windowFromStrings } from './window';

const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test time ${iso}`);
  return ms;
};

// kured's own table (pkg/timewindow/timewindow_test.go), its times rewritten as ISO instants:
// PDT is -07:00; "11:59 UTC" is an instant given in UTC.
const KURED_CASES: { days: string; start: string; end: string; zone: string; cases: [string, boolean][] }[] = [
  { days: 'mon,tue,wed,thu,fri', start: '9am', end: '5pm', zone: 'America/Los_Angeles', cases: [
    ['2019-03-31T10:00-07:00', false],
    ['2019-04-04T00:49-07:00', false],
    ['2019-04-04T12:00-07:00', true],
    ['2019-04-04T11:59Z', false],
    ['2019-04-05T08:59-07:00', false],
    ['2019-04-05T09:01-07:00', true],
  ] },
  { days: 'mon,we,fri', start: '10:01', end: '11:30am', zone: 'America/Los_Angeles', cases: [
    ['2019-04-05T10:30-07:00', true],
    ['2019-04-06T10:30-07:00', false],
    ['2019-04-07T10:30-07:00', false],
    ['2019-04-08T10:30-07:00', true],
    ['2019-04-09T10:30-07:00', false],
    ['2019-04-10T10:30-07:00', true],
    ['2019-04-11T10:30-07:00', false],
  ] },
  { days: 'mo,tu,we,th,fr', start: '00:00', end: '23:59:59', zone: 'UTC', cases: [
    ['2019-04-18T00:00Z', true],
    ['2019-04-18T23:59Z', true],
  ] },
  { days: 'mon,tue,wed,thu,fri', start: '9pm', end: '5am', zone: 'America/Los_Angeles', cases: [
    ['2019-03-30T04:00-07:00', false],
    ['2019-03-31T10:00-07:00', false],
    ['2019-03-31T22:00-07:00', false],
    ['2019-04-04T00:49-07:00', true],
    ['2019-04-04T12:00-07:00', false],
    ['2019-04-04T22:49-07:00', true],
    ['2019-04-05T00:49-07:00', true],
    ['2019-04-05T08:59-07:00', false],
    ['2019-04-05T09:01-07:00', false],
  ] },
  { days: 'mon,tue,wed,thu,fri', start: '11:59pm', end: '00:01am', zone: 'America/Los_Angeles', cases: [
    ['2019-04-04T23:58-07:00', false],
    ['2019-04-04T23:59-07:00', true],
    ['2019-04-05T00:00-07:00', true],
    ['2019-04-05T00:01-07:00', true],
    ['2019-04-05T00:02-07:00', false],
  ] },
  // The days are the days of the moment itself: Thursday 23:59 is out when Thursday is not listed.
  { days: 'mon,tue,wed,fri', start: '11:59pm', end: '00:01am', zone: 'America/Los_Angeles', cases: [
    ['2019-04-04T23:58-07:00', false],
    ['2019-04-04T23:59-07:00', false],
    ['2019-04-05T00:00-07:00', true],
    ['2019-04-05T00:02-07:00', false],
  ] },
  { days: 'mon,tue,wed,thu', start: '11:59pm', end: '00:01am', zone: 'America/Los_Angeles', cases: [
    ['2019-04-04T23:58-07:00', false],
    ['2019-04-04T23:59-07:00', true],
    ['2019-04-05T00:00-07:00', false],
    ['2019-04-05T00:02-07:00', false],
  ] },
  { days: 'mon,tue,wed,thu,fri', start: '11:59pm', end: '00:01am', zone: 'UTC', cases: [
    ['2019-04-04T23:58Z', false],
    ['2019-04-04T23:59Z', true],
    ['2019-04-05T00:00Z', true],
    ['2019-04-05T00:01Z', true],
    ['2019-04-05T00:02Z', false],
  ] },
];

describe('contains: kured timewindow cases', () => {
  for (const { days, start, end, zone, cases } of KURED_CASES) {
    const window = windowFromStrings(days, start, end, zone);
    it.each(cases)(`${days} ${start}-${end} ${zone}: %s → %s`, (time, expected) => {
      expect(window.contains(at(time))).toBe(expected);
    });
  }
});

describe('contains: edges', () => {
  const w = windowFromStrings('0-6', '21:00', '05:00', 'UTC');
  it.each([
    ['2024-01-10T20:59:59.999Z', false],
    ['2024-01-10T21:00:00Z', true],
    ['2024-01-10T23:59:59.999Z', true],
    ['2024-01-11T00:00:00Z', true],
    ['2024-01-11T05:00:00.999Z', true], // the end is included to the end of its second, as kured
    ['2024-01-11T05:00:01Z', false],
    ['2024-01-11T12:00:00Z', false],
  ])('every day 21:00–05:00 UTC at %s → %s', (time, expected) => {
    expect(w.contains(at(time))).toBe(expected);
  });

  it('treats start == end as a one-second window', () => {
    const one = windowFromStrings('su,mo,tu,we,th,fr,sa', '12:00', '12:00', 'UTC');
    expect(one.contains(at('2024-01-10T12:00:00.500Z'))).toBe(true);
    expect(one.contains(at('2024-01-10T12:00:01Z'))).toBe(false);
  });
});

// America/New_York: 2024-03-10 02:00 EST → 03:00 EDT (02:00–02:59 do not exist);
// 2024-11-03 02:00 EDT → 01:00 EST (01:00–01:59 happen twice).
describe('DST, spring forward (decision: the wall clock rules; a start in the gap opens at the gap end)', () => {
  const w = windowFromStrings('0-6', '02:30', '04:00', 'America/New_York');
  it.each([
    ['2024-03-09T02:30:00-05:00', true], // the day before: ordinary
    ['2024-03-10T01:59:59-05:00', false], // just before the jump
    ['2024-03-10T03:00:00-04:00', true], // first instant after the jump: 03:00 ≥ 02:30
    ['2024-03-10T04:00:00.999-04:00', true],
    ['2024-03-10T04:00:01-04:00', false],
  ])('02:30–04:00 at %s → %s', (time, expected) => {
    expect(w.contains(at(time))).toBe(expected);
  });

  it('opens at 03:00 EDT, the first existing time after 02:30', () => {
    expect(w.nextOpening(at('2024-03-10T00:00:00-05:00'))).toBe(at('2024-03-10T03:00:00-04:00'));
  });

  it('a window wholly inside the skipped hour does not open that day', () => {
    const inGap = windowFromStrings('0-6', '02:15', '02:45', 'America/New_York');
    expect(inGap.nextOpening(at('2024-03-10T00:00:00-05:00'))).toBe(at('2024-03-11T02:15:00-04:00'));
  });

  it('a window starting before the gap keeps its start and ends at its wall-clock end', () => {
    const across = windowFromStrings('su', '01:30', '03:30', 'America/New_York');
    expect(across.nextOpening(at('2024-03-09T12:00:00-05:00'))).toBe(at('2024-03-10T01:30:00-05:00'));
    expect(across.contains(at('2024-03-10T03:30:00-04:00'))).toBe(true);
    expect(across.contains(at('2024-03-10T03:31:00-04:00'))).toBe(false);
  });
});

describe('DST, fall back (decision: the repeated hour is inside both times)', () => {
  const hour = windowFromStrings('su', '01:00', '01:59:59', 'America/New_York');
  it.each([
    ['2024-11-03T00:59:59-04:00', false],
    ['2024-11-03T01:00:00-04:00', true],
    ['2024-11-03T01:30:00-04:00', true],
    ['2024-11-03T01:00:00-05:00', true], // the same wall time, one hour later
    ['2024-11-03T01:59:59-05:00', true],
    ['2024-11-03T02:00:00-05:00', false],
  ])('01:00–01:59:59 at %s → %s', (time, expected) => {
    expect(hour.contains(at(time))).toBe(expected);
  });

  it('opens at the first 01:00 (EDT)', () => {
    expect(hour.nextOpening(at('2024-11-03T00:00:00-04:00'))).toBe(at('2024-11-03T01:00:00-04:00'));
  });

  it('opens a second time when the wall clock repeats its start', () => {
    const short = windowFromStrings('su', '01:30', '01:40', 'America/New_York');
    expect(short.nextOpening(at('2024-11-03T01:45:00-04:00'))).toBe(at('2024-11-03T01:30:00-05:00'));
  });

  it('opens at the fall-back instant when the clock jumps back into the window', () => {
    const w = windowFromStrings('su', '00:30', '01:40', 'America/New_York');
    expect(w.contains(at('2024-11-03T01:45:00-04:00'))).toBe(false);
    expect(w.nextOpening(at('2024-11-03T01:45:00-04:00'))).toBe(at('2024-11-03T01:00:00-05:00'));
  });
});

describe('nextOpening', () => {
  const business = windowFromStrings('mon,tue,wed,thu,fri', '9am', '5pm', 'America/Los_Angeles');
  const night = windowFromStrings('mon,tue,wed,thu,fri', '21:00', '05:00', 'America/Los_Angeles');
  it.each([
    ['open now: the same instant', business, '2019-04-04T12:00:00-07:00', '2019-04-04T12:00:00-07:00'],
    ['before the start, same day', business, '2019-04-04T08:00:00-07:00', '2019-04-04T09:00:00-07:00'],
    ['after the end: next day', business, '2019-04-04T17:01:00-07:00', '2019-04-05T09:00:00-07:00'],
    ['friday evening: monday', business, '2019-04-05T18:00:00-07:00', '2019-04-08T09:00:00-07:00'],
    ['wrap: same evening', night, '2019-04-04T12:00:00-07:00', '2019-04-04T21:00:00-07:00'],
    // kured's meaning: Monday's early-morning part opens at Monday 00:00, although Sunday is not listed.
    ['wrap: saturday noon → monday 00:00', night, '2019-04-06T12:00:00-07:00', '2019-04-08T00:00:00-07:00'],
    ['wrap: inside the early part', night, '2019-04-05T04:00:00-07:00', '2019-04-05T04:00:00-07:00'],
    ['a millisecond after the end', night, '2019-04-05T05:01:00-07:00', '2019-04-05T21:00:00-07:00'],
  ] as const)('%s', (_name, window, now, expected) => {
    expect(window.nextOpening(at(now))).toBe(at(expected));
  });

  it('answers a zone whose DST starts at midnight (America/Santiago, 2024-09-08 00:00 → 01:00)', () => {
    const w = windowFromStrings('su', '00:00', '02:00', 'America/Santiago');
    expect(w.nextOpening(at('2024-09-07T12:00:00-04:00'))).toBe(at('2024-09-08T01:00:00-03:00'));
  });
});

describe('createWindow validation', () => {
  it('accepts the settings form and describes itself', () => {
    const w = createWindow({ days: [5, 1, 1], start: '21:00:00', end: '05:00:00', timeZone: 'America/Los_Angeles' });
    expect(w.spec.days).toEqual([1, 5]);
    expect(w.describe()).toBe('mo,fr 21:00:00–05:00:00 America/Los_Angeles');
  });

  it.each([
    [{ days: [], start: '00:00:00', end: '01:00:00', timeZone: 'UTC' }, 'days [] must be a non-empty list of 0 (Sunday) to 6 (Saturday)'],
    [{ days: [7], start: '00:00:00', end: '01:00:00', timeZone: 'UTC' }, 'days [7] must be a non-empty list'],
    [{ days: [1], start: '9am', end: '01:00:00', timeZone: 'UTC' }, 'start "9am" must be HH:MM:SS, e.g. 21:00:00'],
    [{ days: [1], start: '00:00:00', end: '24:00:00', timeZone: 'UTC' }, 'end "24:00:00" must be HH:MM:SS'],
    [{ days: [1], start: '00:00:00', end: '01:00:00', timeZone: 'Mars/Olympus' }, 'timeZone "Mars/Olympus" is not a time zone known to the IANA database'],
  ])('rejects %j', (spec, message) => {
    expect(() => createWindow(spec)).toThrow(message);
  });

  it('reports every bad string at once', () => {
    expect(() => windowFromStrings('mon,fridayyy', '25:00', '5pm', 'Nowhere/Town')).toThrow(
      'invalid maintenance window: days "mon,fridayyy" has an unknown day "fridayyy"; use days such as su,mo,tu,we,th,fr,sa (or sun/sunday…, or 0-6 with 0 = Sunday; ranges such as mo-fr), separated by commas; ' +
      'start "25:00" is not a time of day; use a time of day as kured takes it, such as 15:04, 23:59:59, 3pm or 03:04pm; ' +
      'timeZone "Nowhere/Town" is not a time zone known to the IANA database; use an IANA time zone name such as UTC, Europe/Paris or America/Los_Angeles',
    );
  });
});

describe('nextOpening property: the first open instant, in zones with DST and odd offsets', () => {
  const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe'];
  const TEN_MINUTES = 600_000;
  const hhmm = (tenMinutes: number) => `${String(Math.floor(tenMinutes / 6)).padStart(2, '0')}:${String((tenMinutes % 6) * 10).padStart(2, '0')}:00`;

  it('is open, and no 10-minute mark before it is (every boundary falls on one)', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
      fc.integer({ min: 0, max: 143 }),
      fc.integer({ min: 0, max: 143 }),
      fc.constantFrom(...ZONES),
      fc.integer({ min: 0, max: 366 * 144 }),
      (days, start, end, timeZone, offset) => {
        const w = createWindow({ days, start: hhmm(start), end: hhmm(end), timeZone });
        const from = Date.parse('2024-01-01T00:00:00Z') + offset * TEN_MINUTES;
        const next = w.nextOpening(from);
        expect(next).toBeGreaterThanOrEqual(from);
        expect(w.contains(next)).toBe(true);
        for (let t = from; t < next; t += TEN_MINUTES) expect(w.contains(t)).toBe(false);
      },
    ), { numRuns: 150, seed: 20261127 });
  });
});
