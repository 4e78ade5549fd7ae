// The maintenance window: days of the week and a time-of-day range in an IANA time zone, with
// kured's meaning (pkg/timewindow). A moment is inside when, on the zone's wall clock, its day
// is one of the days and its time of day lies in [start, end], both ends included to the second;
// when start > end the range wraps midnight (21:00–05:00 is 21:00–23:59:59 and 00:00–05:00 of
// each listed day, as kured).
//
// DST follows the wall clock, through luxon (IANA data from Intl), with no offset arithmetic:
// - spring forward: a start time that does not exist that day (02:30 in New York on the second
//   Sunday of March) opens the window at the first existing wall time after it (03:00); a window
//   lying wholly inside the skipped hour does not open that day.
// - fall back: the repeated hour is in the window both times (01:00–02:00 is open two real
//   hours); a window can open twice that night, and nextOpening reports each opening.
import { DateTime, IANAZone } from 'luxon';
import { parseDays, parseTimeOfDay, parseTimeZone } from './formats';

/** The window as settings hold it (JSON): days 0 = Sunday … 6 = Saturday, times "HH:MM:SS". */
export interface WindowSpec {
  days: number[];
  start: string;
  end: string;
  timeZone: string;
}

export interface MaintenanceWindow {
  readonly spec: WindowSpec;
  /** Whether the window is open at this instant. */
  contains(epochMs: number): boolean;
  /** The first instant at or after `epochMs` when the window is open (`epochMs` itself if open). */
  nextOpening(epochMs: number): number;
  /** For logs and status, e.g. "mo,tu,we,th,fr 21:00:00–05:00:00 America/Los_Angeles". */
  describe(): string;
}

const HMS = /^([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
const DAY_ABBREVIATIONS = ['su', 'mo', 'tu', 'we', 'th', 'fr', 'sa'];
const SEARCH_DAYS = 15; // a weekly window opens within 8 days; 15 also covers a week lost to a DST gap

const secondsOfDay = (hms: string): number => {
  const [h, m, s] = hms.split(':').map(Number);
  return h! * 3600 + m! * 60 + s!;
};

/** Validates the spec once; throws an Error naming every bad field and its accepted form. */
export function createWindow(spec: WindowSpec): MaintenanceWindow {
  const problems: string[] = [];
  if (spec.days.length === 0 || !spec.days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) {
    problems.push(`days ${JSON.stringify(spec.days)} must be a non-empty list of 0 (Sunday) to 6 (Saturday)`);
  }
  for (const field of ['start', 'end'] as const) {
    if (!HMS.test(spec[field])) problems.push(`${field} ${JSON.stringify(spec[field])} must be HH:MM:SS, e.g. 21:00:00`);
  }
  const checkedZone = parseTimeZone(spec.timeZone);
  if (!checkedZone.ok) problems.push(`timeZone ${JSON.stringify(spec.timeZone)} ${checkedZone.problem}`);
  if (problems.length > 0) throw new Error(`invalid maintenance window: ${problems.join('; ')}`);

  const frozen: WindowSpec = Object.freeze({ ...spec, days: [...new Set(spec.days)].sort((a, b) => a - b) });
  const days = new Set(frozen.days);
  const start = secondsOfDay(spec.start);
  const end = secondsOfDay(spec.end);
  const wraps = start > end;
  const timeZone = spec.timeZone;
  const zone = IANAZone.create(timeZone); // a zone object, not its name: luxon parses a name on every call
  const local = (ms: number): DateTime => DateTime.fromMillis(ms, { zone });

  const contains = (epochMs: number): boolean => {
    const t = local(epochMs);
    if (!days.has(t.weekday % 7)) return false;
    const s = t.hour * 3600 + t.minute * 60 + t.second;
    return wraps ? s >= start || s <= end : s >= start && s <= end;
  };

  // Every instant whose wall clock reads the given date and time (none in a DST gap, two in a
  // repeated hour).
  const instantsAt = (date: DateTime, seconds: number): number[] => {
    const wall = { hour: Math.floor(seconds / 3600), minute: Math.floor(seconds / 60) % 60, second: seconds % 60 };
    const dt = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, ...wall }, { zone });
    return dt.getPossibleOffsets()
      .filter((c) => c.day === date.day && c.hour === wall.hour && c.minute === wall.minute && c.second === wall.second)
      .map((c) => c.toMillis());
  };

  // The instant in (from, to] where the zone's offset changes, if any: the wall clock jumps
  // there, which can open the window (at a gap's far side, or back into a repeated hour).
  // Zones change offset at most once a day, so comparing a day's two ends finds it.
  const transition = (from: number, to: number): number[] => {
    const before = local(from).offset;
    if (local(to).offset === before) return [];
    let [lo, hi] = [from, to];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (local(mid).offset === before) lo = mid;
      else hi = mid;
    }
    return [hi];
  };

  const nextOpening = (epochMs: number): number => {
    if (!Number.isFinite(epochMs)) throw new TypeError(`nextOpening needs an epoch in milliseconds, got ${epochMs}`);
    if (contains(epochMs)) return epochMs;
    // The window can only open at its start, at midnight (a wrapping window's second part), or
    // where the wall clock jumps. Local days follow each other in time, so the first day with
    // such an instant inside the window holds the answer.
    const opensAt = wraps ? [start, 0] : [start];
    let day = local(epochMs).startOf('day');
    for (let i = 0; i <= SEARCH_DAYS; i += 1) {
      const nextDay = day.plus({ days: 1 }).startOf('day');
      const candidates = [...transition(day.toMillis(), nextDay.toMillis()), ...opensAt.flatMap((seconds) => instantsAt(day, seconds))];
      const inside = candidates.filter((c) => c > epochMs && contains(c));
      if (inside.length > 0) return Math.min(...inside);
      day = nextDay;
    }
    throw new Error(`the window ${describe()} does not open within ${SEARCH_DAYS} days of ${DateTime.fromMillis(epochMs, { zone: 'utc' }).toISO()}`);
  };

  const describe = (): string =>
    `${frozen.days.map((d) => DAY_ABBREVIATIONS[d]).join(',')} ${frozen.start}–${frozen.end} ${timeZone}`;

  return { spec: frozen, contains, nextOpening, describe };
}

/** A window from kured's strings (e.g. "mon,tue", "9am", "5pm", "America/Los_Angeles"). */
export function windowFromStrings(days: string, start: string, end: string, timeZone: string): MaintenanceWindow {
  const d = parseDays(days);
  const s = parseTimeOfDay(start);
  const e = parseTimeOfDay(end);
  const z = parseTimeZone(timeZone);
  if (d.ok && s.ok && e.ok && z.ok) return createWindow({ days: d.value, start: s.value, end: e.value, timeZone: z.value });
  const problems = ([['days', days, d], ['start', start, s], ['end', end, e], ['timeZone', timeZone, z]] as const)
    .flatMap(([field, text, p]) => (p.ok ? [] : [`${field} ${JSON.stringify(text)} ${p.problem}`]));
  throw new Error(`invalid maintenance window: ${problems.join('; ')}`);
}
