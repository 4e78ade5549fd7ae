import { describe, expect, it } from 'vitest';
import { FAST_LOOK_SECONDS, isoSeconds, secondsToNextLook } from './adaptiveWait';

const T = 1_000_000;

describe('secondsToNextLook', () => {
  it('sleeps until the expected time in one step', () => {
    expect(secondsToNextLook({ now: T, expectedAt: T + 240, longestSeconds: 10 })).toBe(240);
    expect(secondsToNextLook({ now: T, expectedAt: T + 0.4, longestSeconds: 10 })).toBe(FAST_LOOK_SECONDS);
  });

  it('before the expected time, steps at most stepBeforeSeconds (a backoff, or a typical figure polled as before)', () => {
    expect(secondsToNextLook({ now: T, expectedAt: T + 30, longestSeconds: 10, stepBeforeSeconds: 5 })).toBe(5);
    expect(secondsToNextLook({ now: T + 25, expectedAt: T + 30, longestSeconds: 10, stepBeforeSeconds: 20 })).toBe(5);
  });

  it('past the expected time, looks every second, then backs off to half the overrun, up to the longest step', () => {
    const steps = [0, 1, 2, 3, 5, 9, 19, 40, 400].map((overrun) => secondsToNextLook({ now: T + overrun, expectedAt: T, longestSeconds: 10 }));
    expect(steps).toEqual([1, 1, 1, 1, 2, 4, 9, 10, 10]);
  });

  it('a change never seen costs about a look per longest step once far past its expected time', () => {
    let now = T;
    let looks = 0;
    while (now < T + 600) {
      now += secondsToNextLook({ now, expectedAt: T, longestSeconds: 10 });
      looks++;
    }
    expect(looks).toBeLessThanOrEqual(60 + 10);
    expect(looks).toBeGreaterThan(60);
  });

  it('without an expectation, polls at the longest step (REBOOT_POLL_INTERVAL), as before', () => {
    expect(secondsToNextLook({ now: T, longestSeconds: 10 })).toBe(10);
    expect(secondsToNextLook({ now: T, expectedAt: Number.NaN, longestSeconds: 7 })).toBe(7);
  });

  it('never sleeps past latestAt (the wait\'s timeout), and never less than a second', () => {
    expect(secondsToNextLook({ now: T, expectedAt: T + 240, longestSeconds: 10, latestAt: T + 100 })).toBe(100);
    expect(secondsToNextLook({ now: T + 200, expectedAt: T + 240, longestSeconds: 10, latestAt: T + 100 })).toBe(FAST_LOOK_SECONDS);
  });

  it('refuses a longest step below a second, naming the setting', () => {
    expect(() => secondsToNextLook({ now: T, longestSeconds: 0 })).toThrow(/longestSeconds: 0 must be .*REBOOT_POLL_INTERVAL/);
  });
});

describe('isoSeconds', () => {
  it('reads an ISO instant as epoch seconds; absent or unreadable is undefined', () => {
    expect(isoSeconds('1970-01-01T00:01:40Z')).toBe(100);
    expect(isoSeconds(undefined)).toBeUndefined();
    expect(isoSeconds('soon')).toBeUndefined();
  });
});
