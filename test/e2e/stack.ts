// The end-to-end tests' stack is the demo's: one implementation in local/stack.ts.
export { ALIAS, hostModesFromEnv, runScheduledRollout, startStack, type Stack, type StackOptions } from '../../local/stack';
