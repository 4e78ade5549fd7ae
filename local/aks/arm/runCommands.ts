// Run-command jobs on the simulator's clock, as AKS runs them (README: run-command failures): a
// command submitted at t gets its pod, starts once the pod has started (the scenario's start
// latency), runs for a second, and its result is readable from then on; the pod is removed. A
// pod that has not started within 30 s ends the command as AKS does, with an ARM error
// `KubernetesPerformanceError`. A scenario fault picks another of AKS's shapes: a Failed result,
// an ARM error, a 404 on the result, or a result that stays InProgress.
import { randomUUID } from 'node:crypto';
import { type Clock } from '../../clock';
import { type RunCommandFailure as RunCommandFault } from '../cluster/faults';
import { type CommandPods } from './commandPods';

export interface RunCommandInput {
  command: string;
  /** Base64 zip of the files the command may read, as `az aks command invoke --file` sends it. */
  context?: string;
  clusterToken?: string;
}

export interface CommandOutcome {
  exitCode: number;
  logs: string;
}

export type CommandExecutor = (input: RunCommandInput) => Promise<CommandOutcome>;

/** A failure the scenario injects into the command submitted now, if any. */
export type RunCommandFailureAt = (nowMs: number) => RunCommandFault | undefined;

export type { RunCommandFailure as RunCommandFault } from '../cluster/faults';

export interface CommandResultProperties {
  provisioningState: 'Succeeded' | 'Failed';
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  logs?: string;
  reason?: string;
}

/** An ARM error the result GET answers with (status and `{ error: { code, message } }`). */
export interface CommandArmError {
  status: number;
  code: string;
  message: string;
}

export type CommandStatus =
  | { state: 'unknown' }
  | { state: 'running' }
  | { state: 'error'; error: CommandArmError }
  | { state: 'done'; result: { id: string; properties: CommandResultProperties } };

/** How long kubectl takes inside the command pod once it runs. */
const COMMAND_RUN_MS = 1000;
/** AKS gives up on a command whose container has not started within this time (Microsoft's troubleshooting guide). */
export const COMMAND_START_LIMIT_MS = 30_000;
const POD_CHECK_MS = 1000;

type Ending =
  | { kind: 'result'; properties: CommandResultProperties }
  | { kind: 'error'; error: CommandArmError }
  | { kind: 'gone' };

interface Job {
  id: string;
  visibleAt?: number;
  ending?: Ending;
}

export interface RunCommandServiceOptions {
  clock: Clock;
  startSeconds: number;
  execute: CommandExecutor;
  failureAt?: RunCommandFailureAt;
  /** The command's pod in the cluster; without it the command runs nowhere in particular. */
  pods?: CommandPods;
}

/** AKS's error when the command container did not start in time (wording from Microsoft's guide). */
export function commandPerformanceError(id: string, status = 500): CommandArmError {
  return {
    status,
    code: 'KubernetesPerformanceError',
    message: `Failed to run command due to cluster perf issue, container command-${id} in aks-command namespace did not start within ${COMMAND_START_LIMIT_MS / 1000}s on your cluster, retry may helps. If issue persist, you may need to tune your cluster with better performance (larger node/paid tier).`,
  };
}

export class RunCommandService {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: RunCommandServiceOptions) {}

  submit(input: RunCommandInput): string {
    const { clock, pods } = this.options;
    const job: Job = { id: randomUUID().replaceAll('-', '') };
    this.jobs.set(job.id, job);
    const submittedAt = clock.now();
    const limitAt = submittedAt + COMMAND_START_LIMIT_MS;
    const startAt = submittedAt + this.options.startSeconds * 1000;
    const fault = this.options.failureAt?.(submittedAt);
    if (fault && (fault.shape === 'armError' || fault.shape === 'notFound' || !fault.commandRuns)) {
      this.neverStarts(job, fault, submittedAt, Math.min(startAt, limitAt));
      return job.id;
    }
    const created = pods ? pods.create(job.id, input.command) : Promise.resolve();
    const firstCheck = Math.min(startAt, limitAt);
    clock.schedule(firstCheck, () => {
      void created.then(() => this.start(job, input, { submittedAt, startAt, fault }, firstCheck));
    });
    return job.id;
  }

  status(id: string): CommandStatus {
    const job = this.jobs.get(id);
    if (!job) return { state: 'unknown' };
    if (!job.ending || job.visibleAt === undefined || this.options.clock.now() < job.visibleAt) return { state: 'running' };
    switch (job.ending.kind) {
      case 'gone':
        return { state: 'unknown' };
      case 'error':
        return { state: 'error', error: job.ending.error };
      case 'result':
        return { state: 'done', result: { id: job.id, properties: job.ending.properties } };
    }
  }

  /** A command whose pod never runs: how and when AKS reports it, by the fault's shape. */
  private neverStarts(job: Job, fault: RunCommandFault, submittedAt: number, startAt: number): void {
    const limitAt = submittedAt + COMMAND_START_LIMIT_MS;
    switch (fault.shape) {
      case 'notFound':
        return this.end(job, limitAt, { kind: 'gone' });
      case 'armError':
        return this.end(job, limitAt, { kind: 'error', error: commandPerformanceError(job.id, fault.status) });
      case 'result':
        return this.end(job, startAt, { kind: 'result', properties: failed(fault.reason, fault.exitCode) });
      case 'hang': {
        const until = fault.untilSeconds === undefined ? Infinity : Math.max(limitAt, submittedAt + fault.untilSeconds * 1000);
        return this.end(job, until, { kind: 'error', error: commandPerformanceError(job.id) });
      }
    }
  }

  /**
   * Runs the command once its pod runs and its start latency has passed; otherwise checks again
   * each second until the start limit. `now` is the time this check was scheduled for.
   */
  private async start(job: Job, input: RunCommandInput, times: { submittedAt: number; startAt: number; fault?: RunCommandFault }, now: number): Promise<void> {
    const { clock, pods } = this.options;
    const waiting = now < times.startAt ? 'the command container is starting' : pods ? await pods.notRunning(job.id) : undefined;
    if (waiting === undefined) {
      await this.run(job, input, now, times);
      return;
    }
    if (now - times.submittedAt >= COMMAND_START_LIMIT_MS) {
      await pods?.remove(job.id);
      this.end(job, now, { kind: 'error', error: commandPerformanceError(job.id) });
      return;
    }
    clock.schedule(now + POD_CHECK_MS, () => void this.start(job, input, times, now + POD_CHECK_MS));
  }

  private async run(job: Job, input: RunCommandInput, startedAt: number, times: { submittedAt: number; fault?: RunCommandFault }): Promise<void> {
    let outcome: CommandOutcome;
    try {
      outcome = await this.options.execute(input);
    } catch (error) {
      outcome = { exitCode: 1, logs: `error: ${error instanceof Error ? error.message : String(error)}\n` };
    }
    const finishedAt = startedAt + COMMAND_RUN_MS;
    const { pods } = this.options;
    if (pods) this.options.clock.schedule(finishedAt, () => void pods.remove(job.id));
    const { fault } = times;
    if (fault?.shape === 'result') {
      this.end(job, finishedAt, { kind: 'result', properties: failed(fault.reason, fault.exitCode) });
      return;
    }
    const visibleAt = fault?.shape === 'hang'
      ? fault.untilSeconds === undefined ? Infinity : Math.max(finishedAt, times.submittedAt + fault.untilSeconds * 1000)
      : finishedAt;
    this.end(job, visibleAt, {
      kind: 'result',
      properties: {
        provisioningState: 'Succeeded',
        exitCode: outcome.exitCode,
        startedAt: new Date(startedAt).toISOString(),
        finishedAt: new Date(finishedAt).toISOString(),
        logs: outcome.logs,
      },
    });
  }

  private end(job: Job, at: number, ending: Ending): void {
    job.visibleAt = at;
    job.ending = ending;
  }
}

/** A Failed result as AKS reports one: a reason, often no exit code and no logs. */
function failed(reason: string, exitCode?: number): CommandResultProperties {
  return { provisioningState: 'Failed', reason, ...(exitCode === undefined ? {} : { exitCode }) };
}
