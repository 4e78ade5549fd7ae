// The step bookkeeping of one nodeReboot: which step it is in and since when, what it is
// waiting for (all shown in the custom status), and the time each step adds to the result's
// timings. Kept apart so the orchestrator reads as its runbook.
import type { NodeResult, NodeStep } from '../core/runTypes';
import type { Flow } from './flow';

/** Which of the result's timings each step's time counts towards. */
const TIMING_OF: Partial<Record<NodeStep, keyof NodeResult['seconds']>> = {
  delay: 'delay',
  gate: 'gate',
  cordon: 'drain',
  drain: 'drain',
  reboot: 'reboot',
  'waiting-ready': 'reboot',
  uncordon: 'recovery',
  recovery: 'recovery',
  'post-delay': 'recovery',
};

export class NodeProgress {
  step: NodeStep = 'lock';
  readonly seconds: NodeResult['seconds'] = { delay: 0, gate: 0, drain: 0, reboot: 0, recovery: 0 };
  private since: string;
  private detail: Record<string, unknown> = {};

  constructor(
    private readonly flow: Flow,
    private readonly where: { cluster: string; runId: string; node: string },
  ) {
    this.since = flow.nowIso();
    flow.onControl = () => this.show();
  }

  /** Closes the current step's time and shows the next step. */
  enter(next: NodeStep): void {
    this.stopClock();
    this.step = next;
    this.detail = {};
    this.show();
    this.flow.log('node step', { cluster: this.where.cluster, node: this.where.node, step: next });
  }

  /** What the step is waiting for or why it ended, shown beside it. */
  describe(detail: Record<string, unknown>): void {
    this.detail = detail;
    this.show();
  }

  /** Adds the time spent in the current step to its timing; the step stays the current one. */
  stopClock(): void {
    const timing = TIMING_OF[this.step];
    if (timing) this.seconds[timing] += this.flow.secondsSince(this.since);
    this.since = this.flow.nowIso();
  }

  private show(): void {
    const { node, runId } = this.where;
    this.flow.context.df.setCustomStatus({ node, runId, step: this.step, since: this.since, control: this.flow.control, ...this.detail });
  }
}
