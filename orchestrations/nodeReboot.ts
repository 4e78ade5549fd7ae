// One node of one run (instance `reboot-<alias>-<runId>-<node>`): lock, drain-delay, pre-drain
// gate, cordon, drain, reboot exactly once, wait for a new boot id and Ready, uncordon,
// recovery gate. Its history and custom status are the node's audit trail. Every path ends
// in a known state: before the reboot is issued, what we did is undone; after it, a node that
// does not come back stays cordoned and annotated for an operator.
import type { OrchestrationContext } from 'durable-functions';
import type {
  CheckGateInput,
  CommandResult,
  EvictPodsResult,
  GateResult,
  LockNodeResult,
  NodeStatus,
  StartRebootResult,
  WorkloadRef,
} from '../activities/contracts';
import type { NodeResult, NodeStep } from '../core/runTypes';
import { Flow, initialControl, isPollFailure, type Op } from './flow';
import { LeaseKeeper } from './lease';
import { activities } from './names';
import type { NodeRebootInput } from './types';

const DRAIN_BACKOFF_SECONDS = [5, 10, 20, 30];
/** Bounded: a Failed run-command is re-sent only while the boot id is unchanged. */
const MAX_REBOOT_SENDS = 5;
const COMMAND_RESULT_TIMEOUT_SECONDS = 600;

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

/** Ends the node early with an outcome; thrown inside the node's steps, caught at the top. */
class NodeStop {
  constructor(readonly outcome: 'failed' | 'cancelled' | 'skipped', readonly reason: string) {}
}

export function* nodeReboot(context: OrchestrationContext): Op<NodeResult> {
  const input = context.df.getInput() as NodeRebootInput;
  const { cluster, runId, settings } = input;
  const node = input.node.node;
  const instanceId = context.df.instanceId;
  const flow = new Flow(context, initialControl());
  const lease = new LeaseKeeper(flow, { cluster, runId, namespace: settings.namespace, holder: input.runInstanceId, ttlSeconds: settings.lockTtlSeconds }, input.leaseRenewedAt);
  const act = <T extends object>(extra: T) => ({ cluster, runId, node, at: flow.nowIso(), ...extra });

  const startedAt = flow.nowIso();
  const seconds = { delay: 0, gate: 0, drain: 0, reboot: 0, recovery: 0 };
  const warnings: string[] = [];
  const evicted = new Map<string, WorkloadRef>();
  let evictedPods = 0;
  let step: NodeStep = 'lock';
  let since = startedAt;
  let detail: Record<string, unknown> = {};
  let bootIdBefore: string | undefined;
  let bootIdAfter: string | undefined;
  let locked = false;
  let rebootIssued = false;

  const showStatus = (): void => context.df.setCustomStatus({ node, runId, step, since, control: flow.control, ...detail });
  /** Adds the time spent in the current step to its timing. */
  const account = (): void => {
    const timing = TIMING_OF[step];
    if (timing) seconds[timing] += flow.secondsSince(since);
    since = flow.nowIso();
  };
  const enter = (next: NodeStep): void => {
    account();
    step = next;
    since = flow.nowIso();
    detail = {};
    showStatus();
    flow.log('node step', { cluster: cluster.alias, node, step });
  };
  const describe = (extra: Record<string, unknown>): void => {
    detail = extra;
    showStatus();
  };
  flow.onControl = showStatus;
  const result = (outcome: NodeResult['outcome'], reason?: string, leftCordoned = false): NodeResult => ({
    node,
    pool: input.node.pool,
    zone: input.node.zone,
    outcome,
    ...(outcome !== 'rebooted' ? { step } : {}),
    ...(reason ? { reason } : {}),
    ...(bootIdBefore ? { bootIdBefore } : {}),
    ...(bootIdAfter ? { bootIdAfter } : {}),
    startedAt,
    finishedAt: flow.nowIso(),
    seconds,
    evicted: evictedPods,
    leftCordoned,
    warnings,
  });

  /** Waits on a durable timer; a cancel before the reboot is issued stops the node. */
  function* pause(secondsToWait: number): Op<void> {
    const cancelled = (yield* flow.sleep(secondsToWait, (c) => !rebootIssued && c.state === 'cancelling')) === 'interrupted';
    if (cancelled) throw new NodeStop('cancelled', `cancelled by ${flow.control.by ?? 'an operator'}`);
  }

  function* keepLease(): Op<void> {
    if (!(yield* lease.renewIfDue())) throw new NodeStop('failed', 'the cluster Lease is now held by another run');
  }

  /** Polls a gate until it opens or its timeout passes. */
  function* waitForGate(gate: CheckGateInput['gate'], timeoutSeconds: number): Op<void> {
    const began = flow.nowIso();
    for (;;) {
      yield* keepLease();
      const polled = yield* flow.poll<GateResult>(activities.checkGate, act({ gate, namespace: settings.namespace, evicted: [...evicted.values()] }));
      const verdict: GateResult = isPollFailure(polled) ? { ok: false, reasons: [`could not check: ${polled.failed}`] } : polled;
      if (verdict.ok) return;
      describe({ waitingFor: verdict.reasons.slice(0, 5) });
      if (flow.secondsSince(began) >= timeoutSeconds) {
        throw new NodeStop('failed', `${gate} gate still closed after ${timeoutSeconds}s: ${verdict.reasons.slice(0, 3).join('; ')}`);
      }
      yield* pause(settings.pollIntervalSeconds);
    }
  }

  function* drain(): Op<void> {
    const began = flow.nowIso();
    for (let pass = 0; ; pass++) {
      yield* keepLease();
      const polled = yield* flow.poll<EvictPodsResult>(activities.evictPods, act({ drain: settings.drain, namespace: settings.namespace }));
      const outcome: EvictPodsResult = isPollFailure(polled)
        ? { drained: false, evicted: [], evictedWorkloads: [], blocked: [], terminating: [], refused: [], errors: [{ pod: '', message: polled.failed }], warnings: [] }
        : polled;
      evictedPods += outcome.evicted.length;
      for (const w of outcome.evictedWorkloads) evicted.set(`${w.kind}/${w.namespace}/${w.name}`, w);
      for (const w of outcome.warnings) if (!warnings.includes(w) && warnings.length < 20) warnings.push(w);
      if (outcome.refused.length > 0) {
        throw new NodeStop('failed', `drain refused: ${outcome.refused.slice(0, 3).map((r) => r.message).join('; ')}`);
      }
      if (outcome.drained) return;
      const blocked = outcome.blocked.slice(0, 3).map((b) => `${b.pod}: ${b.message}`);
      describe({ pass, remaining: outcome.blocked.length + outcome.terminating.length + outcome.errors.length, blocked });
      if (flow.secondsSince(began) >= settings.drainTimeoutSeconds) {
        const why = `drain did not finish within ${settings.drainTimeoutSeconds}s${blocked.length ? ` (${blocked.join('; ')})` : ''}`;
        if (!settings.forceReboot) throw new NodeStop('failed', why);
        warnings.push(`${why}; rebooting anyway (REBOOT_FORCE_REBOOT)`);
        return;
      }
      yield* pause(DRAIN_BACKOFF_SECONDS[Math.min(pass, DRAIN_BACKOFF_SECONDS.length - 1)]!);
    }
  }

  /** Sends the reboot and follows the run-command until it finished; re-sends a Failed one while the boot id is unchanged. */
  function* reboot(bootId: string, reissue: boolean): Op<void> {
    for (let send = 1; ; send++) {
      const sent = yield* flow.call<StartRebootResult>(
        activities.startReboot,
        act({ method: settings.method, namespace: settings.namespace, image: settings.helperImage, bootId, instanceId, reissue: reissue || send > 1 }),
      );
      if (!sent.sent) {
        if (!sent.rebootedAlready) throw new NodeStop('failed', `reboot not sent: ${sent.reason}`);
        warnings.push(sent.reason);
        rebootIssued = true;
        return;
      }
      rebootIssued = true;
      if (!sent.commandId) return;
      const began = flow.nowIso();
      let outcome: CommandResult = { state: 'running' };
      while (outcome.state === 'running' && flow.secondsSince(began) < COMMAND_RESULT_TIMEOUT_SECONDS) {
        yield* pause(settings.pollIntervalSeconds);
        const polled = yield* flow.poll<CommandResult>(activities.getCommandResult, { cluster, runId, at: flow.nowIso(), commandId: sent.commandId });
        outcome = isPollFailure(polled) ? { state: 'running' } : polled;
      }
      if (outcome.state !== 'failed') return;
      const status = yield* flow.call<NodeStatus>(activities.getNodeStatus, act({}));
      if (!status.exists || status.bootId !== bootId) return;
      if (send >= MAX_REBOOT_SENDS) {
        // Every command failed before kubectl created the helper (AlreadyExists counts as
        // success) and the boot id never changed: nothing was done to the node, so the node is
        // put back as it was rather than left cordoned.
        if (!reissue) rebootIssued = false;
        throw new NodeStop('failed', `run-command failed ${send} times: ${outcome.reason}`);
      }
      warnings.push(`run-command failed (${outcome.reason}); sending again`);
    }
  }

  /** Polls until the node reports a new boot id and Ready; re-issues once if the boot id never changed. */
  function* waitUntilBack(bootId: string): Op<void> {
    for (let attempt = 1; ; attempt++) {
      const began = flow.nowIso();
      let last: NodeStatus | undefined;
      while (flow.secondsSince(began) < settings.rebootTimeoutSeconds) {
        yield* keepLease();
        yield* pause(settings.pollIntervalSeconds);
        const polled = yield* flow.poll<NodeStatus>(activities.getNodeStatus, act({}));
        if (isPollFailure(polled)) continue;
        last = polled;
        if (last.exists && last.bootId !== bootId) {
          bootIdAfter = last.bootId;
          if (last.ready) return;
        }
      }
      // Still Ready on the old boot id: the reboot did not happen, send it once more. NotReady on
      // the old boot id: it went down and has not come back; sending again would not help.
      if (last?.exists && last.bootId === bootId && last.ready && attempt === 1) {
        warnings.push(`boot id unchanged after ${settings.rebootTimeoutSeconds}s; reboot sent again`);
        yield* reboot(bootId, true);
        continue;
      }
      const why = !last?.exists
        ? 'the node disappeared from the cluster after the reboot'
        : last.bootId !== bootId
          ? `the node rebooted but is not Ready after ${settings.rebootTimeoutSeconds}s`
          : last.ready
            ? `the node did not reboot (boot id unchanged after ${attempt} attempts)`
            : `the node went NotReady after the reboot was sent and did not come back within ${settings.rebootTimeoutSeconds}s`;
      throw new NodeStop('failed', why);
    }
  }

  /** Puts back what we did before the reboot was issued: uncordon (only if we cordoned), release. */
  function* undo(reason: string): Op<void> {
    if (!locked) return;
    yield* flow.call(activities.uncordonNode, act({ instanceId }));
    yield* flow.call(activities.releaseNode, act({ instanceId, namespace: settings.namespace, postLabels: {}, taintKey: '' }));
    yield* flow.call(activities.recordNodeEvent, act({ reason: 'RebootCancelled', type: 'Normal', message: `reboot not done: ${reason}` }));
  }

  yield* flow.listen();
  enter('lock');
  try {
    const lock = yield* flow.call<LockNodeResult>(activities.lockNode, act({ instanceId }));
    if (!lock.locked) {
      return result('skipped', 'missing' in lock ? 'the node no longer exists' : `the node is held by ${lock.heldBy}`);
    }
    locked = true;
    bootIdBefore = lock.bootId;
    yield* flow.call(activities.recordNodeEvent, act({ reason: 'RebootScheduled', type: 'Normal', message: `reboot scheduled by run ${runId}` }));
    if (Object.keys(settings.preRebootLabels).length > 0) yield* flow.call(activities.labelNode, act({ labels: settings.preRebootLabels }));

    enter('delay');
    yield* pause(settings.drainDelaySeconds);

    if (settings.preDrainGate) {
      enter('gate');
      yield* waitForGate('pre-drain', settings.preDrainTimeoutSeconds);
    }

    enter('cordon');
    yield* flow.call(activities.cordonNode, act({}));
    enter('drain');
    if (settings.notify) yield* flow.call(activities.notify, act({ event: 'node-draining', step: 'drain' }));
    yield* drain();
    if (settings.notify) yield* flow.call(activities.notify, act({ event: 'node-drained', step: 'drain' }));

    enter('reboot');
    if (settings.rebootDelaySeconds > 0) yield* pause(settings.rebootDelaySeconds);
    yield* flow.checkpoint();
    if (flow.control.state === 'cancelling') throw new NodeStop('cancelled', `cancelled by ${flow.control.by ?? 'an operator'}`);
    yield* reboot(lock.bootId, false);
    enter('waiting-ready');
    yield* waitUntilBack(lock.bootId);

    enter('uncordon');
    yield* flow.call(activities.uncordonNode, act({ instanceId }));
    yield* flow.call(activities.releaseNode, act({
      instanceId,
      namespace: settings.namespace,
      postLabels: settings.postRebootLabels,
      taintKey: settings.preferNoScheduleTaint,
      lastReboot: { at: flow.nowIso(), bootIdBefore: lock.bootId, bootIdAfter: bootIdAfter ?? '' },
    }));
    locked = false;
    yield* flow.call(activities.recordNodeEvent, act({ reason: 'RebootCompleted', type: 'Normal', message: `rebooted by run ${runId}: boot id ${lock.bootId} → ${bootIdAfter}` }));
    if (settings.notify) yield* flow.call(activities.notify, act({ event: 'node-rebooted', step: 'reboot' }));

    if (settings.recoveryGate) {
      enter('recovery');
      yield* waitForGate('recovery', settings.recoveryTimeoutSeconds);
    }
    if (settings.postRebootDelaySeconds > 0) {
      enter('post-delay');
      yield* flow.sleep(settings.postRebootDelaySeconds);
    }
    enter('done');
    return result('rebooted');
  } catch (error) {
    const stop = error instanceof NodeStop ? error : new NodeStop('failed', `activity failed at step ${step}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
    account();
    const failedStep = step;
    const leftCordoned = rebootIssued && locked;
    if (locked && !rebootIssued) {
      try {
        yield* undo(stop.reason);
      } catch (undoError) {
        warnings.push(`could not undo: ${undoError instanceof Error ? undoError.message.slice(0, 200) : String(undoError)}`);
      }
    } else if (leftCordoned) {
      try {
        yield* flow.call(activities.recordNodeEvent, act({ reason: 'RebootFailed', type: 'Warning', message: `${stop.reason}; left cordoned for an operator` }));
      } catch {
        warnings.push('could not post the RebootFailed event');
      }
    }
    step = failedStep;
    describe({ reason: stop.reason });
    if (stop.outcome === 'failed' && settings.notify) {
      yield* flow.call(activities.notify, act({ event: 'node-failed', step: failedStep, reason: stop.reason }));
    }
    return result(stop.outcome, stop.reason, leftCordoned);
  }
}
