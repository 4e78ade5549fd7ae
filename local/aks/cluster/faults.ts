// The faults a scenario injects, evaluated against the virtual clock. Rates draw from their own
// seeded generator, so a run with the same scenario and the same requests fails the same way.
import type { ApiFault, NodeRef, RunCommandFailureSpec, ScenarioFaults } from '../scenario';
import { Prng } from './prng';

export interface ApiCall {
  surface: 'kube' | 'arm';
  /** Kube resource plural, or the ARM operation name. */
  resource: string;
  subresource?: string;
  verb: string;
  namespace?: string;
}

export interface ApiFaultDecision {
  /** Answer with this error status (after the latency, if any). */
  status?: number;
  latencyMs?: number;
  retryAfterSeconds?: number;
  /** The fault that fired, for messages. */
  fault: ApiFault | 'outage';
}

/** A run-command failure, resolved to its shape with the defaults applied. */
export type RunCommandFailure =
  | { shape: 'result'; reason: string; exitCode?: number; commandRuns: boolean }
  | { shape: 'armError'; status: number }
  | { shape: 'notFound' }
  | { shape: 'hang'; untilSeconds?: number; commandRuns: boolean };

function runCommandFailureOf(f: RunCommandFailureSpec): RunCommandFailure {
  switch (f.shape ?? 'result') {
    case 'armError':
      return { shape: 'armError', status: f.armStatus ?? 500 };
    case 'notFound':
      return { shape: 'notFound' };
    case 'hang':
      return { shape: 'hang', commandRuns: f.commandRuns ?? true, ...(f.untilSeconds !== undefined && { untilSeconds: f.untilSeconds }) };
    default:
      return { shape: 'result', reason: f.reason ?? 'CommandFailed', commandRuns: f.commandRuns ?? false, ...(f.exitCode !== undefined && { exitCode: f.exitCode }) };
  }
}

export const HELPER_STATUS_LOSSES = ['stays-running', 'killed', 'runs-again'] as const;
export type HelperStatusLoss = (typeof HELPER_STATUS_LOSSES)[number];

export class Faults {
  private readonly prng: Prng;
  private readonly ignoredLeft: number[];
  private readonly runCommandFailuresLeft: (number | undefined)[];

  constructor(
    readonly spec: ScenarioFaults,
    seed: number,
    private readonly startMs: number,
    private readonly resolve: (ref: NodeRef) => string | undefined,
  ) {
    this.prng = new Prng(seed ^ 0x5eed);
    this.ignoredLeft = (spec.rebootsIgnored ?? []).map((r) => r.times ?? 1);
    this.runCommandFailuresLeft = (spec.runCommandFailures ?? []).map((f) => f.count);
  }

  private seconds(nowMs: number): number {
    return (nowMs - this.startMs) / 1000;
  }

  private inWindow(w: { from?: number; to?: number }, nowMs: number): boolean {
    const s = this.seconds(nowMs);
    return (w.from === undefined || s >= w.from) && (w.to === undefined || s < w.to);
  }

  /** Whether the whole API surface is down now. */
  outage(surface: 'kube' | 'arm', nowMs: number): boolean {
    return (this.spec.apiOutages ?? []).some((o) => (o.surface ?? 'both') !== (surface === 'kube' ? 'arm' : 'kube') && this.inWindow(o, nowMs));
  }

  /** What to do with one API call: nothing, a delay, an error or both. */
  apiCall(call: ApiCall, nowMs: number): ApiFaultDecision | undefined {
    if (this.outage(call.surface, nowMs)) return { status: 503, fault: 'outage' };
    let decision: ApiFaultDecision | undefined;
    for (const f of this.spec.api ?? []) {
      if ((f.surface ?? 'kube') !== call.surface) continue;
      if (f.resource !== undefined && f.resource !== call.resource) continue;
      if (f.subresource !== undefined && f.subresource !== (call.subresource ?? '')) continue;
      if (f.verb !== undefined && f.verb !== call.verb) continue;
      if (f.namespace !== undefined && f.namespace !== call.namespace) continue;
      if (!this.inWindow(f, nowMs)) continue;
      if (f.rate !== undefined && this.prng.next() >= f.rate) continue;
      decision = {
        ...decision,
        fault: f,
        ...(f.latencyMs !== undefined ? { latencyMs: (decision?.latencyMs ?? 0) + f.latencyMs } : {}),
        ...(f.status !== undefined && decision?.status === undefined ? { status: f.status, retryAfterSeconds: f.retryAfterSeconds } : {}),
      };
    }
    return decision;
  }

  nodeNeverReturns(node: string): boolean {
    return (this.spec.nodesNeverReturn ?? []).some((r) => this.resolve(r) === node);
  }

  /** True (and counts it) when this reboot of `node` is to be silently dropped. */
  takeIgnoredReboot(node: string): boolean {
    const list = this.spec.rebootsIgnored ?? [];
    for (let i = 0; i < list.length; i++) {
      if (this.ignoredLeft[i]! > 0 && this.resolve(list[i]!.node) === node) {
        this.ignoredLeft[i]!--;
        return true;
      }
    }
    return false;
  }

  podNeverReady(workload: string, namespace: string, node: string, nowMs: number): boolean {
    return (this.spec.podsNeverReady ?? []).some((f) =>
      f.workload === workload && (f.namespace ?? 'default') === namespace &&
      (f.node === undefined || this.resolve(f.node) === node) && this.inWindow({ from: f.from }, nowMs));
  }

  pdbNeverAllows(namespace: string, name: string): boolean {
    return (this.spec.pdbsNeverAllow ?? []).some((p) => p.name === name && (p.namespace ?? 'default') === namespace);
  }

  /** ARM: whether the run-command submitted now fails, and in which shape. */
  runCommandFailure(nowMs: number): RunCommandFailure | undefined {
    const list = this.spec.runCommandFailures ?? [];
    for (let i = 0; i < list.length; i++) {
      const f = list[i]!;
      const left = this.runCommandFailuresLeft[i];
      if (left !== undefined && left <= 0) continue;
      if (!this.inWindow(f, nowMs)) continue;
      if (f.rate !== undefined && this.prng.next() >= f.rate) continue;
      if (left !== undefined) this.runCommandFailuresLeft[i] = left - 1;
      return runCommandFailureOf(f);
    }
    return undefined;
  }

  /** Whether a pull of `image` on `node` now fails. */
  imagePullFails(image: string, node: string, nowMs: number): boolean {
    return (this.spec.imagePullFailures ?? []).some((f) =>
      (f.image === undefined || f.image === image) && (f.node === undefined || this.resolve(f.node) === node) && this.inWindow(f, nowMs));
  }

  /**
   * For a reboot helper whose node reboots now: whether its exit is never reported, and what the
   * API shows instead — it stays Running, turns Failed 137 after the boot, or runs again after it.
   */
  helperStatusLost(): HelperStatusLoss | undefined {
    const rate = this.spec.helperStatusLost?.rate;
    if (rate === undefined || this.prng.next() >= rate) return undefined;
    return HELPER_STATUS_LOSSES[this.prng.int(HELPER_STATUS_LOSSES.length)];
  }

  /** The end (ms) of a controller-manager outage covering `nowMs`, if there is one. */
  controllerManagerDownUntil(nowMs: number): number | undefined {
    const w = (this.spec.controllerManagerDown ?? []).find((o) => this.inWindow(o, nowMs));
    return w && this.startMs + w.to * 1000;
  }

  /** ARM: the managed cluster's state now (faults.clusterStates), over its usual Succeeded / Running. */
  clusterState(nowMs: number): { provisioningState: string; powerState: 'Running' | 'Stopped' } {
    const active = (this.spec.clusterStates ?? []).filter((w) => this.inWindow(w, nowMs));
    return {
      provisioningState: active.find((w) => w.provisioningState)?.provisioningState ?? 'Succeeded',
      powerState: active.some((w) => w.powerState === 'Stopped') ? 'Stopped' : 'Running',
    };
  }

  /** Whether another writer changes the node just before this guarded write (faults.nodeWriteConflicts). */
  nodeWriteConflict(): boolean {
    const rate = this.spec.nodeWriteConflicts?.rate;
    return rate !== undefined && this.prng.next() < rate;
  }

  /** ARM: a pool's provisioningState now, given its declared one. */

  poolProvisioningState(pool: string, declared: string, nowMs: number): string {
    return (this.spec.poolsUpgrading ?? []).some((u) => u.pool === pool && this.inWindow(u, nowMs)) ? 'Upgrading' : declared;
  }
}
