import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRealTimeClock, createVirtualClock, type Clock } from './clock';

const T0 = Date.UTC(2026, 10, 27, 20, 30);

/** Lets pending promise callbacks (a resolved sleep's continuation) run. */
const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves when `done` does, or rejects after `ms` real milliseconds: no test waits forever. */
function bounded<T>(done: Promise<T>, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms of real time`)), ms);
  });
  return Promise.race([done, guard]).finally(() => clearTimeout(timer));
}

describe('virtual clock', () => {
  it('starts where asked and stands still until advanced', () => {
    const clock = createVirtualClock(T0);
    expect(clock.mode).toBe('virtual');
    expect(clock.now()).toBe(T0);
    expect(clock.now()).toBe(T0);
    expect(createVirtualClock(new Date(T0)).now()).toBe(T0);
    expect(createVirtualClock().now()).toBe(Date.UTC(2026, 0, 1));
  });

  it('runs callbacks in time order, each seeing its own time as now()', () => {
    const clock = createVirtualClock(T0);
    const seen: [string, number][] = [];
    for (const [name, offset] of [['c', 300], ['a', 100], ['b', 200]] as const) {
      clock.schedule(T0 + offset, () => seen.push([name, clock.now() - T0]));
    }
    clock.advanceTo(T0 + 1_000);
    expect(seen).toEqual([['a', 100], ['b', 200], ['c', 300]]);
    expect(clock.now()).toBe(T0 + 1_000);
  });

  it('runs same-time callbacks in the order they were scheduled (FIFO)', () => {
    const clock = createVirtualClock(T0);
    const seen: number[] = [];
    for (let i = 0; i < 50; i++) clock.schedule(T0 + 10, () => seen.push(i));
    clock.advanceTo(T0 + 10);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('runs callbacks due exactly at the target, and none beyond it', () => {
    const clock = createVirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 500, () => seen.push('at'));
    clock.schedule(T0 + 501, () => seen.push('after'));
    clock.advanceTo(T0 + 500);
    expect(seen).toEqual(['at']);
    expect(clock.nextDue()).toBe(T0 + 501);
  });

  it('runs, in order, callbacks scheduled during an advance that fall inside the advanced range', () => {
    const clock = createVirtualClock(T0);
    const seen: [string, number][] = [];
    const log = (name: string) => () => seen.push([name, clock.now() - T0]);
    clock.schedule(T0 + 100, () => {
      log('first')();
      clock.after(50, log('chained +50')); // 150: before 'second'
      clock.schedule(T0 + 100, log('same time, scheduled later')); // FIFO after the rest at 100
      clock.schedule(T0 + 2_000, log('beyond the range'));
    });
    clock.schedule(T0 + 100, log('also at 100'));
    clock.schedule(T0 + 200, log('second'));
    clock.advanceTo(T0 + 1_000);
    expect(seen).toEqual([['first', 100], ['also at 100', 100], ['same time, scheduled later', 100], ['chained +50', 150], ['second', 200]]);
    expect(clock.nextDue()).toBe(T0 + 2_000);
  });

  it('runs a past-due callback at once on the next advance, without moving time backwards', () => {
    const clock = createVirtualClock(T0);
    clock.advanceTo(T0 + 1_000);
    const seen: number[] = [];
    clock.schedule(T0 + 10, () => seen.push(clock.now()));
    expect(clock.nextDue()).toBe(T0 + 10);
    clock.advanceTo(clock.now());
    expect(seen).toEqual([T0 + 1_000]);
  });

  it('runs a callback that schedules itself in the past before anything later', () => {
    const clock = createVirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 100, () => {
      seen.push('a');
      clock.schedule(T0, () => seen.push('past, from a'));
    });
    clock.schedule(T0 + 200, () => seen.push('b'));
    clock.advanceTo(T0 + 300);
    expect(seen).toEqual(['a', 'past, from a', 'b']);
  });

  it('after(ms) counts from now; negative delays mean now', () => {
    const clock = createVirtualClock(T0);
    clock.advanceTo(T0 + 1_000);
    const seen: number[] = [];
    clock.after(250, () => seen.push(clock.now() - T0));
    clock.after(-5, () => seen.push(clock.now() - T0));
    expect(clock.nextDue()).toBe(T0 + 1_000);
    clock.advanceTo(T0 + 2_000);
    expect(seen).toEqual([1_000, 1_250]);
  });

  it('nextDue is the earliest pending time, undefined when nothing is pending', () => {
    const clock = createVirtualClock(T0);
    expect(clock.nextDue()).toBeUndefined();
    clock.schedule(T0 + 30, () => {});
    clock.schedule(T0 + 20, () => {});
    expect(clock.nextDue()).toBe(T0 + 20);
    clock.advanceTo(T0 + 20);
    expect(clock.nextDue()).toBe(T0 + 30);
    clock.advanceTo(T0 + 30);
    expect(clock.nextDue()).toBeUndefined();
  });

  it('a cancelled callback never runs and no longer counts as due', () => {
    const clock = createVirtualClock(T0);
    const seen: string[] = [];
    const first = clock.schedule(T0 + 10, () => seen.push('first'));
    const middle = clock.schedule(T0 + 20, () => seen.push('middle'));
    clock.schedule(T0 + 30, () => seen.push('last'));
    first.cancel();
    middle.cancel();
    middle.cancel(); // cancelling twice is harmless
    expect(clock.nextDue()).toBe(T0 + 30);
    clock.advanceTo(T0 + 100);
    expect(seen).toEqual(['last']);
  });

  it('a callback can cancel a later one that is due in the same advance', () => {
    const clock = createVirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 10, () => {
      seen.push('canceller');
      victim.cancel();
    });
    const victim = clock.schedule(T0 + 20, () => seen.push('victim'));
    clock.advanceTo(T0 + 100);
    expect(seen).toEqual(['canceller']);
  });

  it('cancelling after the callback ran changes nothing', () => {
    const clock = createVirtualClock(T0);
    let runs = 0;
    const handle = clock.schedule(T0 + 10, () => runs++);
    clock.advanceTo(T0 + 10);
    handle.cancel();
    clock.advanceTo(T0 + 20);
    expect(runs).toBe(1);
  });

  it('sleep resolves once the clock has been advanced past it, and not before', async () => {
    const clock = createVirtualClock(T0);
    const order: string[] = [];
    const sleeping = clock.sleep(5_000).then(() => order.push(`woke at +${clock.now() - T0}`));
    clock.advanceTo(T0 + 4_999);
    await flushMicrotasks();
    expect(order).toEqual([]);
    clock.advanceTo(T0 + 60_000);
    await bounded(sleeping);
    expect(order).toEqual(['woke at +60000']);
  });

  it('sleeps wake in order of their end times', async () => {
    const clock = createVirtualClock(T0);
    const order: number[] = [];
    const sleeps = [300, 100, 200, 100].map((ms, i) => clock.sleep(ms).then(() => order.push(i)));
    clock.advanceTo(T0 + 1_000);
    await bounded(Promise.all(sleeps));
    expect(order).toEqual([1, 3, 2, 0]);
  });

  it('never moves backwards: advancing to an earlier time is ignored', () => {
    const clock = createVirtualClock(T0);
    clock.advanceTo(T0 + 1_000);
    clock.advanceTo(T0 + 10);
    expect(clock.now()).toBe(T0 + 1_000);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses to schedule at %s', (at) => {
    const clock = createVirtualClock(T0);
    expect(() => clock.schedule(at, () => {})).toThrow(/finite number of ms/);
    expect(() => clock.after(at, () => {})).toThrow(/finite number of ms/);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses to advance to %s, keeping its time', (t) => {
    const clock = createVirtualClock(T0);
    expect(() => clock.advanceTo(t)).toThrow(/finite number of ms/);
    expect(clock.now()).toBe(T0);
  });

  it('a callback that throws stops that advance; the rest stay scheduled for the next one', () => {
    const clock = createVirtualClock(T0);
    const seen: string[] = [];
    clock.schedule(T0 + 10, () => {
      throw new Error('boom');
    });
    clock.schedule(T0 + 20, () => seen.push('later'));
    expect(() => clock.advanceTo(T0 + 100)).toThrow('boom');
    expect(clock.now()).toBe(T0 + 10);
    clock.advanceTo(T0 + 100);
    expect(seen).toEqual(['later']);
    expect(clock.now()).toBe(T0 + 100);
  });

  it('stop drops everything pending', () => {
    const clock = createVirtualClock(T0);
    let runs = 0;
    clock.schedule(T0 + 10, () => runs++);
    clock.stop();
    expect(clock.nextDue()).toBeUndefined();
    clock.advanceTo(T0 + 100);
    expect(runs).toBe(0);
  });

  it('matches a sorted-list model under random schedule, cancel and advance steps', () => {
    type Step = { kind: 'schedule'; offset: number } | { kind: 'cancel'; pick: number } | { kind: 'advance'; by: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), offset: fc.integer({ min: -50, max: 200 }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 0, max: 150 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const clock = createVirtualClock(T0);
        const ran: number[] = [];
        const model: { id: number; at: number; cancelled: boolean }[] = [];
        const handles: { cancel(): void }[] = [];
        const expected: number[] = [];
        for (const s of steps) {
          if (s.kind === 'schedule') {
            const id = model.length;
            const at = clock.now() + s.offset;
            model.push({ id, at, cancelled: false });
            handles.push(clock.schedule(at, () => ran.push(id)));
          } else if (s.kind === 'cancel' && model.length > 0) {
            const i = s.pick % model.length;
            model[i]!.cancelled = true;
            handles[i]!.cancel();
          } else if (s.kind === 'advance') {
            const to = clock.now() + s.by;
            // The model: everything due by `to` that has not run or been cancelled, by (time, id).
            const due = model.filter((e) => !e.cancelled && e.at <= to && !expected.includes(e.id));
            due.sort((a, b) => a.at - b.at || a.id - b.id);
            expected.push(...due.map((e) => e.id));
            clock.advanceTo(to);
            expect(clock.now()).toBe(to);
          }
          expect(ran).toEqual(expected);
          const pending = model.filter((e) => !e.cancelled && !expected.includes(e.id)).map((e) => e.at);
          expect(clock.nextDue()).toBe(pending.length > 0 ? Math.min(...pending) : undefined);
        }
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});

describe('real-time clock', () => {
  const SPEED = 1_000;

  it('follows the wall clock from its start, speed times faster', async () => {
    const realBefore = Date.now();
    const clock = createRealTimeClock({ start: T0, speed: SPEED });
    expect(clock.mode).toBe('realtime');
    expect(clock.now()).toBeGreaterThanOrEqual(T0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const virtualElapsed = clock.now() - T0;
    const realElapsed = Date.now() - realBefore;
    // At least the 20 ms slept (less a millisecond of Date.now rounding), at most what really passed.
    expect(virtualElapsed).toBeGreaterThanOrEqual(19 * SPEED);
    expect(virtualElapsed).toBeLessThanOrEqual(realElapsed * SPEED);
    clock.stop();
  });

  it('defaults to now at speed 1', () => {
    const realBefore = Date.now();
    const clock = createRealTimeClock();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(realBefore);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('refuses a speed that is not a positive number', () => {
    for (const speed of [0, -1, Number.NaN]) {
      expect(() => createRealTimeClock({ speed })).toThrow(/positive number/);
    }
  });

  it('fires callbacks on real timers in time order, FIFO at equal times, never early', async () => {
    const clock = createRealTimeClock({ start: T0, speed: SPEED });
    const start = clock.now();
    const seen: [string, number][] = [];
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => { finish = resolve; });
    const record = (name: string, at: number) => () => {
      seen.push([name, clock.now() - at]);
      if (seen.length === 5) finish();
    };
    // Scheduled out of order: the timer is re-armed for earlier entries.
    for (const [name, offset] of [['d', 9_000], ['b', 3_000], ['c1', 6_000], ['c2', 6_000], ['a', 1_000]] as const) {
      clock.schedule(start + offset, record(name, start + offset));
    }
    await bounded(finished);
    expect(seen.map(([name]) => name)).toEqual(['a', 'b', 'c1', 'c2', 'd']);
    for (const [, late] of seen) expect(late).toBeGreaterThanOrEqual(0);
    expect(clock.nextDue()).toBeUndefined();
    clock.stop();
  });

  it('sleep resolves after at least that much clock time', async () => {
    const clock = createRealTimeClock({ start: T0, speed: SPEED });
    const before = clock.now();
    await bounded(clock.sleep(5_000));
    expect(clock.now() - before).toBeGreaterThanOrEqual(5_000);
    clock.stop();
  });

  it('runs callbacks scheduled by callbacks, and past-due ones at once', async () => {
    const clock = createRealTimeClock({ start: T0, speed: SPEED });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      clock.after(1_000, () => {
        seen.push('outer');
        clock.schedule(clock.now() - 60_000, () => seen.push('past-due'));
        clock.after(2_000, () => {
          seen.push('inner');
          resolve();
        });
      });
    });
    await bounded(done);
    expect(seen).toEqual(['outer', 'past-due', 'inner']);
    clock.stop();
  });

  it('advanceTo runs what is already due, synchronously, and cannot push time', () => {
    const clock = createRealTimeClock({ start: T0, speed: SPEED });
    const seen: string[] = [];
    clock.schedule(clock.now() - 1, () => seen.push('due'));
    clock.schedule(clock.now() + 3_600_000, () => seen.push('in an hour'));
    const shared: Clock = clock; // as the host and the simulator call it
    shared.advanceTo(clock.now() + 7_200_000);
    expect(seen).toEqual(['due']);
    expect(clock.nextDue()).toBeGreaterThan(clock.now());
    clock.stop();
  });

  it('cancel and stop keep callbacks from ever firing', async () => {
    const clock = createRealTimeClock({ start: T0, speed: SPEED });
    const seen: string[] = [];
    clock.after(1_000, () => seen.push('cancelled')).cancel();
    clock.after(2_000, () => seen.push('kept'));
    await bounded(clock.sleep(3_000));
    expect(seen).toEqual(['kept']);
    clock.after(1_000, () => seen.push('stopped'));
    clock.stop();
    expect(clock.nextDue()).toBeUndefined();
    // 30 real ms is 30 virtual seconds at this speed: long past the stopped callback's time.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toEqual(['kept']);
  });
});
