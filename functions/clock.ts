// The clock client functions read and wait on: the wall clock on Azure. A local host provides
// its own (useFunctionClock), so that the API's short waits and the retention cutoff follow the
// host's virtual time and tests stay deterministic.

export interface FunctionClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const wallClock: FunctionClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

let current: FunctionClock = wallClock;

export function functionClock(): FunctionClock {
  return current;
}

/** Replaces the clock (a local host's); undefined restores the wall clock. */
export function useFunctionClock(clock: FunctionClock | undefined): void {
  current = clock ?? wallClock;
}
