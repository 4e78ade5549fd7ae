// What a run-command's result means for us. AKS answers 202 while the command pod runs and 200
// once it is over; a 200 still resolves when the command failed, so the provisioning state and
// the exit code decide, and the logs (capped by AKS at 512 kB) are cut to what a report needs.
// Two error answers are final results too, not failures to retry: an ARM error naming a
// Kubernetes failure (the command pod never started) and a 404 (AKS no longer knows the command).

export type CommandResult =
  | { state: 'running' }
  | { state: 'succeeded'; exitCode: number; logs: string; startedAt?: string; finishedAt?: string }
  | {
      state: 'failed';
      /** AKS's provisioningState (`Failed`, `Canceled`…), or `Succeeded` when only the exit code failed. */
      provisioningState: string;
      exitCode?: number;
      /** Why, in one line: AKS's reason, else the exit code. */
      reason: string;
      logs: string;
      startedAt?: string;
      finishedAt?: string;
    };

/** A final answer that came as an HTTP error: the command did not run, or AKS no longer knows it. */
export type CommandEnded =
  | { state: 'not-run'; code: string; reason: string }
  | { state: 'lost'; reason: string };

/**
 * The codes AKS answers when the command pod could not be scheduled, started or admitted
 * (Microsoft's "Resolve az aks command invoke failures": `KubernetesPerformanceError`,
 * `KubernetesOperationError`): the command never ran, whatever the HTTP status.
 */
const COMMAND_NOT_RUN_CODES = new Set(['kubernetesperformanceerror', 'kubernetesoperationerror']);

/** The final result an error answer of `GET …/commandResults/{id}` stands for, if it is one. */
export function interpretCommandError(status: number | undefined, code: string | undefined, message: string | undefined): CommandEnded | undefined {
  if (code !== undefined && COMMAND_NOT_RUN_CODES.has(code.toLowerCase())) {
    return { state: 'not-run', code, reason: `${code}: ${(message ?? '').slice(0, 300)}`.trim() };
  }
  if (status === 404) return { state: 'lost', reason: 'the run-command result is gone (404): AKS gave up on it or it expired' };
  return undefined;
}

/** The fields of a RunCommandResult we read (the SDK's model, as plain data). */
export interface RawCommandResult {
  provisioningState?: string;
  exitCode?: number;
  startedAt?: Date | string;
  finishedAt?: Date | string;
  logs?: string;
  reason?: string;
}

export const DEFAULT_MAX_LOG_CHARS = 4000;

/** Keeps the end of the logs, where kubectl's error is; says how much was dropped. */
export function truncateLogs(logs: string, maxChars = DEFAULT_MAX_LOG_CHARS): string {
  if (logs.length <= maxChars) return logs;
  const dropped = logs.length - maxChars;
  return `[${dropped} earlier characters dropped]\n${logs.slice(dropped)}`;
}

/** `status` is the HTTP status of `GET …/commandResults/{id}`. */
export function interpretCommandResult(status: number, raw: RawCommandResult | undefined, maxLogChars = DEFAULT_MAX_LOG_CHARS): CommandResult {
  if (status === 202 || !raw) return { state: 'running' };
  const provisioningState = raw.provisioningState ?? 'Unknown';
  const times = {
    ...(raw.startedAt !== undefined && { startedAt: iso(raw.startedAt) }),
    ...(raw.finishedAt !== undefined && { finishedAt: iso(raw.finishedAt) }),
  };
  const logs = truncateLogs(raw.logs ?? '', maxLogChars);
  if (!isFinal(provisioningState)) return { state: 'running' };
  if (provisioningState.toLowerCase() === 'succeeded' && raw.exitCode === 0) {
    return { state: 'succeeded', exitCode: 0, logs, ...times };
  }
  const reason = raw.reason?.trim()
    || (raw.exitCode === undefined ? `run-command ended ${provisioningState} without an exit code` : `run-command ended ${provisioningState} with exit code ${raw.exitCode}`);
  return { state: 'failed', provisioningState, ...(raw.exitCode !== undefined && { exitCode: raw.exitCode }), reason, logs, ...times };
}

/** The command id at the end of the poller's operation location (`…/commandResults/{id}?api-version=…`). */
export function commandIdFromLocation(location: string): string | undefined {
  const match = /\/commandResults\/([^/?#]+)/i.exec(location);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

function isFinal(provisioningState: string): boolean {
  return ['succeeded', 'failed', 'canceled', 'cancelled'].includes(provisioningState.toLowerCase());
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}
