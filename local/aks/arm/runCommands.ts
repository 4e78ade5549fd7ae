// Run-command jobs on the simulator's clock: a command submitted at t starts once its pod has
// started (the scenario's start latency), runs for a second, and its result is readable from
// then on. A scenario fault can make a job fail instead (provisioningState Failed, a reason).
import { randomUUID } from 'node:crypto';
import { type Clock } from '../../clock';

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

/** A failure the scenario injects into the job starting now, if any. */
export type RunCommandFailureAt = (nowMs: number) => { exitCode: number; reason: string } | undefined;

export interface CommandResultProperties {
  provisioningState: 'Succeeded' | 'Failed';
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  logs?: string;
  reason?: string;
}

export type CommandStatus =
  | { state: 'unknown' }
  | { state: 'running' }
  | { state: 'done'; result: { id: string; properties: CommandResultProperties } };

/** How long kubectl takes inside the command pod once it runs. */
const COMMAND_RUN_MS = 1000;

interface Job {
  id: string;
  visibleAt?: number;
  properties?: CommandResultProperties;
}

export interface RunCommandServiceOptions {
  clock: Clock;
  startSeconds: number;
  execute: CommandExecutor;
  failureAt?: RunCommandFailureAt;
}

export class RunCommandService {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: RunCommandServiceOptions) {}

  submit(input: RunCommandInput): string {
    const { clock } = this.options;
    const job: Job = { id: randomUUID().replaceAll('-', '') };
    this.jobs.set(job.id, job);
    const startAt = clock.now() + this.options.startSeconds * 1000;
    clock.schedule(startAt, () => {
      const failure = this.options.failureAt?.(startAt);
      if (failure) {
        this.finish(job, startAt, { provisioningState: 'Failed', exitCode: failure.exitCode, reason: failure.reason });
        return;
      }
      void this.run(job, input, startAt);
    });
    return job.id;
  }

  status(id: string): CommandStatus {
    const job = this.jobs.get(id);
    if (!job) return { state: 'unknown' };
    if (!job.properties || job.visibleAt === undefined || this.options.clock.now() < job.visibleAt) return { state: 'running' };
    return { state: 'done', result: { id: job.id, properties: job.properties } };
  }

  private async run(job: Job, input: RunCommandInput, startedAt: number): Promise<void> {
    let outcome: CommandOutcome;
    try {
      outcome = await this.options.execute(input);
    } catch (error) {
      outcome = { exitCode: 1, logs: `error: ${error instanceof Error ? error.message : String(error)}\n` };
    }
    const finishedAt = Math.max(this.options.clock.now(), startedAt + COMMAND_RUN_MS);
    this.finish(job, finishedAt, {
      provisioningState: 'Succeeded',
      exitCode: outcome.exitCode,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finishedAt).toISOString(),
      logs: outcome.logs,
    });
  }

  private finish(job: Job, at: number, properties: CommandResultProperties): void {
    job.visibleAt = at;
    job.properties = properties;
  }
}
