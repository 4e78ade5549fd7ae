// Where the maintenance window opened or closed during the run, for the timeline's edges.
import type { MaintenanceWindow } from '../../core/window';

const STEP_MS = 60_000;

/** Edges in seconds from `startMs`, found by sampling each minute and narrowing to the millisecond. */
export function windowEdges(window: MaintenanceWindow, startMs: number, endMs: number): { openBefore: boolean; edges: { at: number; opens: boolean }[] } {
  const openBefore = window.contains(startMs - 1000);
  const edges: { at: number; opens: boolean }[] = [];
  let state = openBefore;
  let previous = startMs - 1000;
  for (let t = startMs; ; t = Math.min(t + STEP_MS, endMs)) {
    const now = window.contains(t);
    if (now !== state) {
      let lo = previous;
      let hi = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (window.contains(mid) === state) lo = mid;
        else hi = mid;
      }
      edges.push({ at: Math.max(0, (hi - startMs) / 1000), opens: now });
      state = now;
    }
    previous = t;
    if (t >= endMs) break;
  }
  return { openBefore, edges };
}
