// What every activity gets besides its input: the dependencies (deps.ts) and a logger bound to
// the invocation. Also the two things every activity does the same way: check its input
// against its contract (an error names the field), and log with { cluster, node, step }.
import type { z } from 'zod';
import type { KubeClient } from '../adapters/kube';
import type { ActivityBase } from './contracts';
import type { ActivityDependencies } from './deps';

export interface ActivityLogger {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface ActivityContext {
  deps: ActivityDependencies;
  log: ActivityLogger;
}

/** An activity as registered: JSON in, JSON out. */
export type Activity<I, R> = (input: I, context: ActivityContext) => Promise<R>;

/** The input did not match the activity's contract: a bug in the caller, never worth a retry. */
export class ActivityInputError extends Error {
  constructor(activity: string, problems: string[]) {
    super(`${activity}: invalid input: ${problems.join('; ')}`);
    this.name = 'ActivityInputError';
  }
}

/** Parses `input` with the activity's schema; the error lists every bad field by its path. */
export function parseInput<T>(activity: string, schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ActivityInputError(activity, result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`));
}

/** Logs of one activity call, each line carrying the cluster, the node (if any) and the step. */
export function stepLogger(context: ActivityContext, input: ActivityBase & { node?: string }, step: string): ActivityLogger {
  const base = { cluster: input.cluster.alias, ...(input.node !== undefined && { node: input.node }), step, runId: input.runId };
  return {
    info: (message, fields) => context.log.info(message, { ...base, ...fields }),
    warn: (message, fields) => context.log.warn(message, { ...base, ...fields }),
  };
}

export function kubeFor(context: ActivityContext, input: ActivityBase): Promise<KubeClient> {
  return context.deps.kube.forCluster(input.cluster);
}

/** The orchestrator's time of the call, in ms. */
export function atMs(input: ActivityBase): number {
  return Date.parse(input.at);
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** A message for reports: the error's own message, never a stack. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
