// The app the replay benchmark runs on the local host: the same N activities as one instance,
// as N sub-orchestrations, and as one instance that continues as new every 25 activities.
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';

df.app.activity('benchStep', { handler: (n: number) => n + 1 });

df.app.orchestration('benchSequential', function* (context: OrchestrationContext) {
  const total = context.df.getInput() as number;
  let value = 0;
  for (let i = 0; i < total; i++) value = (yield context.df.callActivity('benchStep', value)) as number;
  return value;
});

df.app.orchestration('benchOneStep', function* (context: OrchestrationContext) {
  return yield context.df.callActivity('benchStep', context.df.getInput() as number);
});

df.app.orchestration('benchSubOrchestrations', function* (context: OrchestrationContext) {
  const total = context.df.getInput() as number;
  let value = 0;
  for (let i = 0; i < total; i++) value = (yield context.df.callSubOrchestrator('benchOneStep', value, `${context.df.instanceId}-${i}`)) as number;
  return value;
});

df.app.orchestration('benchContinueAsNew', function* (context: OrchestrationContext) {
  const state = context.df.getInput() as { total: number; done: number; value: number; every: number };
  let value = state.value;
  const batch = Math.min(state.every, state.total - state.done);
  for (let i = 0; i < batch; i++) value = (yield context.df.callActivity('benchStep', value)) as number;
  const done = state.done + batch;
  if (done < state.total) {
    context.df.continueAsNew({ ...state, done, value });
    return undefined;
  }
  return value;
});
