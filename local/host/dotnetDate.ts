// The management API reads createdTimeFrom/To with .NET's DateTime.TryParse
// (azure-functions-durable-extension: HttpApiHandler.cs, TryGetDateTimeQueryParameterValue).
// A DateTime holds years 1 to 9999 only, so what a JavaScript client sends for year 0 or before
// ("0000-12-25T…", "-000001-…") or after 9999 ("+010000-…") does not parse, and the handler then
// falls back (purge: createdTimeTo = now; list: no filter). The ISO 8601 forms are modelled
// (date, optional time with fraction, optional Z or offset); the culture-dependent forms
// TryParse also accepts are not, and count as unparseable.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Milliseconds since the epoch (UTC when no offset is given, as on an Azure host), or undefined when TryParse fails. */
export function tryParseDotNetDateTime(text: string | null): number | undefined {
  const m = text === null ? null : ISO.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1) return undefined; // 31 April and the like
  date.setUTCHours(hour, minute, second, 0);
  let ms = date.getTime() + fraction;
  const offset = m[8];
  if (offset && offset !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number];
    if (oh > 14 || om > 59) return undefined;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return ms;
}
