// Helpers shared by the local host's tests: a host on the fixture app, and a compact view of a
// history (type, ids, names) to compare with the exact sequence the extension would write.
import path from 'node:path';
import { createVirtualClock, type VirtualClock } from '../clock';
import { eventTypeName, type HistoryEvent } from './history';
import { startHost, type LocalHost, type StartHostOptions } from './host';

export const FIXTURE_APP = path.join(__dirname, 'fixtures', 'app.ts');
export const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);

export async function fixtureHost(options: Partial<StartHostOptions> = {}): Promise<{ host: LocalHost; clock: VirtualClock }> {
  const clock = (options.clock as VirtualClock | undefined) ?? createVirtualClock(T0);
  const host = await startHost({ entry: FIXTURE_APP, ...options, clock });
  return { host, clock };
}

/** "TaskScheduled#0 step", "TaskCompleted->0", "TimerFired->3", "EventRaised approve", ... */
export function brief(history: HistoryEvent[]): string[] {
  return history.map((e) => {
    const type = eventTypeName(e.EventType) ?? String(e.EventType);
    if (e.EventId >= 0) return `${type}#${e.EventId}${e.Name ? ` ${String(e.Name)}` : ''}`;
    if (e.TaskScheduledId !== undefined) return `${type}->${String(e.TaskScheduledId)}`;
    if (e.TimerId !== undefined) return `${type}->${String(e.TimerId)}`;
    if (e.EventType === 15) return `${type} ${String(e.Name)}`;
    return type;
  });
}
