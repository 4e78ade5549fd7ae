// NCRONTAB (the Functions timer trigger's six-field cron: second minute hour day month weekday),
// enough to compute a Timer's scheduleStatus (last and next occurrence) on the virtual clock.
// Supports *, numbers, ranges a-b, lists a,b and steps */n or a-b/n, and, as NCrontab does,
// month and day names (JAN–DEC, SUN–SAT, or in full; any case: `Mon-Fri`); times are UTC.

const FIELDS = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'weekday', min: 0, max: 6 },
] as const;

export type CronSchedule = Set<number>[];

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** Month (field 4) and day (field 5) names to their numbers: 3-letter abbreviations or full names. */
function namesToNumbers(part: string, field: number): string {
  const names = field === 4 ? MONTHS : field === 5 ? DAYS : undefined;
  if (!names) return part;
  const offset = field === 4 ? 1 : 0;
  return part.replace(/[a-z]+/gi, (word) => {
    const lower = word.toLowerCase();
    const i = names.findIndex((n) => n === lower || (lower.length === 3 && n.startsWith(lower)));
    return i < 0 ? word : String(i + offset);
  });
}

export function parseNcrontab(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/).map((part, i) => namesToNumbers(part, i));
  if (parts.length !== 6) throw new Error(`schedule '${expression}': NCRONTAB needs 6 fields (second minute hour day month weekday), got ${parts.length}`);
  return parts.map((part, i) => {
    const f = FIELDS[i]!;
    const values = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(item);
      if (!m) throw new Error(`schedule '${expression}': ${f.name} field '${part}' is not *, n, a-b, a,b or */n`);
      const [lo, hi] = m[1] === '*' ? [f.min, f.max] : m[1]!.includes('-') ? m[1]!.split('-').map(Number) as [number, number] : [Number(m[1]), m[2] ? f.max : Number(m[1])];
      const step = m[2] ? Number(m[2]) : 1;
      if (lo < f.min || hi > f.max || lo > hi || step < 1) throw new Error(`schedule '${expression}': ${f.name} field '${part}' is outside ${f.min}-${f.max}`);
      for (let v = lo; v <= hi; v += step) values.add(v);
    }
    return values;
  });
}

function matches(s: CronSchedule, d: Date): boolean {
  return (
    s[0]!.has(d.getUTCSeconds()) && s[1]!.has(d.getUTCMinutes()) && s[2]!.has(d.getUTCHours()) &&
    s[3]!.has(d.getUTCDate()) && s[4]!.has(d.getUTCMonth() + 1) && s[5]!.has(d.getUTCDay())
  );
}

/** The first occurrence strictly after `afterMs` (searching up to ~4 years), else undefined. */
export function nextOccurrence(s: CronSchedule, afterMs: number): number | undefined {
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  const limit = afterMs + 4 * 366 * 86400_000;
  while (t <= limit) {
    const d = new Date(t);
    if (!s[4]!.has(d.getUTCMonth() + 1) || !s[3]!.has(d.getUTCDate()) || !s[5]!.has(d.getUTCDay())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!s[2]!.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    } else if (!s[1]!.has(d.getUTCMinutes())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes() + 1);
    } else if (matches(s, d)) {
      return t;
    } else {
      t += 1000;
    }
  }
  return undefined;
}
