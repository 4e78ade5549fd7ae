// The activity registrations: every name of orchestrations/names.ts `activities`, each calling
// its module in activities/ with the process's dependencies (built on first use from the app
// settings) and a logger bound to the invocation.
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { activityDependencies, activityHandlers, type ActivityLogger } from '../activities';
import { activities } from '../orchestrations/names';

function invocationLogger(context: InvocationContext): ActivityLogger {
  return {
    info: (message, fields) => context.log(message, fields),
    warn: (message, fields) => context.warn(message, fields),
  };
}

// The compiler holds both the names and the handlers to activities/catalog.ts, so every name has a handler.
for (const name of Object.values(activities)) {
  const handler = activityHandlers[name];
  df.app.activity(name, {
    handler: (input: unknown, context: InvocationContext) => handler(input, { deps: activityDependencies(), log: invocationLogger(context) }),
  });
}
