// The schedule status each timer invocation receives, kept per timer as the Functions host's
// TimerListener keeps it (azure-webjobs-sdk-extensions: Extensions/Timers/Listener/TimerListener.cs).
// An invocation gets the status from *before* it: `Last` is the previous fire, the year-1 value
// when there is none yet (no status blob: first fire after a deployment, or a renamed function);
// `Next` is this fire; `IsPastDue` when the occurrence the listener expected was missed and this
// fire catches it up. After the invocation, Last becomes this fire and Next the next occurrence.
import { type CronSchedule, nextOccurrence } from './cron';

/** `default(DateTime)` as the host serializes it: what the first fire sees in `Last`. */
export const YEAR_ONE = '0001-01-01T00:00:00';

/** The trigger value the host sends for a timer (TimerInfo, PascalCase). */
export interface TimerInfo {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: { Last: string; Next: string; LastUpdated: string };
  IsPastDue: boolean;
}

interface Status {
  last: string;
  /** The occurrence the listener waits for (ms); undefined when the schedule never fires again. */
  next: number | undefined;
  lastUpdated: string;
}

export class TimerSchedules {
  private readonly statuses = new Map<string, Status>();

  /** `startedAt`: when the host started; a timer with no stored status expects its next occurrence after it. */
  constructor(private readonly startedAt: number) {}

  /** The TimerInfo for a fire of `name` at `now`, and the status recorded for the fire after it. */
  fire(name: string, schedule: CronSchedule | undefined, now: number): TimerInfo {
    const status = this.statuses.get(name) ?? { last: YEAR_ONE, next: schedule ? nextOccurrence(schedule, this.startedAt) : undefined, lastUpdated: YEAR_ONE };
    const info: TimerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: status.last, Next: new Date(now).toISOString(), LastUpdated: status.lastUpdated },
      // An occurrence the listener expected before now was not fired on time: this fire catches it up.
      IsPastDue: status.next !== undefined && status.next < now,
    };
    const at = new Date(now).toISOString();
    this.statuses.set(name, { last: at, next: schedule ? nextOccurrence(schedule, now) : undefined, lastUpdated: at });
    return info;
  }
}
