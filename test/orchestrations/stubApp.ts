// The entry of the orchestrator tests: the real orchestrators, registered as the app registers
// them (functions/orchestrators.ts), with every activity replaced by a stub keyed by its name
// (as Temporal's mocked activities). The local host runs them in virtual time.
import * as df from 'durable-functions';
import type { ActivityInput, ActivityName, ActivityResult } from '../../activities/catalog';
import '../../functions/orchestrators';
import { activities } from '../../orchestrations/names';

export type ActivityStub<N extends ActivityName> = (input: ActivityInput<N>) => ActivityResult<N>;
export type ActivityStubs = { [N in ActivityName]?: ActivityStub<N> };

export interface ActivityCall {
  name: ActivityName;
  input: Record<string, unknown>;
}

/** Every activity invocation (each retry included), in order. */
export const calls: ActivityCall[] = [];
let stubs: ActivityStubs = {};

/** Replaces every stub and clears the calls: each test says what its activities answer. */
export function useStubs(next: ActivityStubs): void {
  stubs = next;
  calls.length = 0;
}

for (const name of Object.values(activities)) {
  df.app.activity(name, {
    handler: (input: unknown) => {
      calls.push({ name, input: input as Record<string, unknown> });
      const stub = stubs[name] as ((input: unknown) => unknown) | undefined;
      if (!stub) throw new Error(`no stub for activity ${name}`);
      return stub(input);
    },
  });
}
