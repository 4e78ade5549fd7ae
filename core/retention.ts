// The retention timer's cutoff: finished instances created before it are purged. It comes from
// the current time, never from the timer's schedule status (whose `last` is year 1 on the first
// fire after a deployment), and a cutoff outside 1970..now is refused: the extension reads a date
// it cannot parse as "now" and would purge every finished instance, the whole audit trail.

export type PurgeCutoff = { ok: true; cutoff: Date } | { ok: false; reason: string };

export function purgeCutoff(nowMs: number, retentionSeconds: number): PurgeCutoff {
  const cutoff = nowMs - retentionSeconds * 1000;
  if (!Number.isFinite(cutoff)) return { ok: false, reason: `the cutoff is not a time (now ${String(nowMs)} ms, retention ${String(retentionSeconds)} s)` };
  const at = (ms: number): string => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${String(ms)} ms`);
  if (cutoff < 0) return { ok: false, reason: `the cutoff ${at(cutoff)} is before 1970 (now ${at(nowMs)}, retention ${String(retentionSeconds)} s)` };
  if (cutoff > nowMs) return { ok: false, reason: `the cutoff ${at(cutoff)} is after now (${at(nowMs)}); the retention must not be negative` };
  return { ok: true, cutoff: new Date(cutoff) };
}
