// Where a run-command is: running, succeeded, or failed with AKS's reason and kubectl's logs.
// kubectl's AlreadyExists means the helper pod was created by an earlier send: success.
import { z } from 'zod';
import { AzureRequestError } from '../adapters/azure';
import type { CommandResult, GetCommandResultInput } from './contracts';
import { parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase } from './schemas';

const getCommandResultInput: z.ZodType<GetCommandResultInput> = z.object({ ...activityBase, commandId: z.string().min(1) });

const ALREADY_EXISTS = /\bAlreadyExists\b|\balready exists\b/;

export async function getCommandResult(raw: unknown, context: ActivityContext): Promise<CommandResult> {
  const input = parseInput('getCommandResult', getCommandResultInput, raw);
  const log = stepLogger(context, input, 'reboot');
  let result;
  try {
    result = await context.deps.arm.forCluster(input.cluster).getCommandResult(input.commandId);
  } catch (error) {
    if (error instanceof AzureRequestError && error.status === 404) {
      return { state: 'failed', reason: `run-command ${input.commandId} is unknown to AKS (expired or never created)`, logs: '' };
    }
    throw error;
  }
  switch (result.state) {
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
