// Where a run-command is: running, succeeded, failed with AKS's reason and kubectl's logs, never
// run (AKS's KubernetesPerformanceError and the like) or lost (404): the last two are final
// answers, not errors to retry. kubectl's AlreadyExists means the helper pod was created by an
// earlier send: success.
import { z } from 'zod';
import type { CommandResult, GetCommandResultInput } from './contracts';
import { parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase } from './schemas';

const getCommandResultInput: z.ZodType<GetCommandResultInput> = z.object({ ...activityBase, commandId: z.string().min(1) });

const ALREADY_EXISTS = /\bAlreadyExists\b|\balready exists\b/;

export async function getCommandResult(raw: unknown, context: ActivityContext): Promise<CommandResult> {
  const input = parseInput('getCommandResult', getCommandResultInput, raw);
  const log = stepLogger(context, input, 'reboot');
  const result = await context.deps.arm.forCluster(input.cluster).getCommandResult(input.commandId);
  switch (result.state) {
    case 'not-run':
    case 'lost':
      log.warn('run-command ended without a result', { commandId: input.commandId, state: result.state, reason: result.reason });
      return { state: result.state, reason: result.reason };
    case 'running':
      return { state: 'running' };
    case 'succeeded':
      return { state: 'succeeded', exitCode: result.exitCode, logs: result.logs };
    case 'failed':
      if (result.provisioningState.toLowerCase() === 'succeeded' && ALREADY_EXISTS.test(result.logs)) {
        log.info('reboot helper already existed (kubectl AlreadyExists)', { commandId: input.commandId });
        return { state: 'succeeded', exitCode: result.exitCode ?? 1, logs: result.logs };
      }
      log.warn('run-command failed', { commandId: input.commandId, reason: result.reason, exitCode: result.exitCode });
      return { state: 'failed', reason: withLastLogLine(result.reason, result.logs), logs: result.logs, ...(result.exitCode !== undefined && { exitCode: result.exitCode }) };
  }
}

/** kubectl's error is the last line of its output: the reason a person needs, next to AKS's. */
function withLastLogLine(reason: string, logs: string): string {
  const last = logs.trim().split('\n').pop()?.trim();
  return last ? `${reason}: ${last.slice(0, 300)}` : reason;
}
