// Run-command jobs on the simulator's clock: a command submitted at t gets its pod, starts once
// the pod has started (the scenario's start latency), runs for a second, and its result is
// readable from then on; the pod is removed. A pod that cannot start within a minute, or a
// scenario fault, makes the job fail instead (provisioningState Failed, a reason).
import { randomUUID } from 'node:crypto';
import { type Clock } from '../../clock';
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
/** AKS gives up on a command whose pod has not started within this time. */
const POD_START_TIMEOUT_MS = 60_000;
const POD_CHECK_MS = 1000;

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
  /** The command's pod in the cluster; without it the command runs nowhere in particular. */
  pods?: CommandPods;
}

export class RunCommandService {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly options: RunCommandServiceOptions) {}

  submit(input: RunCommandInput): string {
    const { clock, pods } = this.options;
    const job: Job = { id: randomUUID().replaceAll('-', '') };
    this.jobs.set(job.id, job);
    const submittedAt = clock.now();
    const created = pods ? pods.create(job.id, input.command) : Promise.resolve();
    const startAt = submittedAt + this.options.startSeconds * 1000;
    clock.schedule(startAt, () => {
      void created.then(() => this.start(job, input, submittedAt, startAt));
    });
    return job.id;
  }

  /**
   * Runs the command if its pod runs; otherwise checks again each second until the start
   * timeout. `now` is the time this check was scheduled for (the clock may have moved on since).
   */
  private async start(job: Job, input: RunCommandInput, submittedAt: number, now: number): Promise<void> {
    const { clock, pods } = this.options;
    const failure = this.options.failureAt?.(now);
    if (failure) {
      await this.fail(job, now, failure.reason, failure.exitCode);
      return;
    }
    const waiting = pods ? await pods.notRunning(job.id) : undefined;
    if (waiting === undefined) {
      await this.run(job, input, now);
      return;
    }
    if (now - submittedAt >= POD_START_TIMEOUT_MS) {
      await this.fail(job, now, `PodStartTimeout: ${waiting}`);
      return;
    }
    clock.schedule(now + POD_CHECK_MS, () => void this.start(job, input, submittedAt, now + POD_CHECK_MS));
  }

  private async fail(job: Job, at: number, reason: string, exitCode?: number): Promise<void> {
    await this.options.pods?.remove(job.id);
    this.finish(job, at, { provisioningState: 'Failed', ...(exitCode === undefined ? {} : { exitCode }), reason });
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
    const finishedAt = startedAt + COMMAND_RUN_MS;
    const { pods } = this.options;
    if (pods) this.options.clock.schedule(finishedAt, () => void pods.remove(job.id));
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
