// One node of one run (instance `reboot-<alias>-<runId>-<node>`): lock, drain-delay, pre-drain
// gate, cordon, drain, reboot exactly once, wait for a new boot id and Ready, uncordon,
// recovery gate. Its history and custom status are the node's audit trail. Every path ends
// in a known state: before the reboot is issued, each step's undo runs (a saga's
// compensations); after it, a node that does not come back stays cordoned and annotated for
// an operator.
import type { OrchestrationContext } from 'durable-functions';
import type {
  CheckGateInput,
  CommandResult,
  EvictPodsResult,
  GateResult,
  NodeStatus,
  NotifyInput,
  RecordNodeEventInput,
  ReleaseNodeInput,
  WorkloadRef,
} from '../activities/contracts';
import { isoSeconds, secondsToNextLook } from '../core/adaptiveWait';
import { stuckHelperReason } from '../core/helperStart';
import { CORDONED_BY_SOMEONE_ELSE, type NodeResult } from '../core/runTypes';
import { RUN_COMMAND_START_SECONDS, TYPICAL_REBOOT_SECONDS } from '../core/scheduleTerms';
import { Compensations } from './compensations';
import { Flow, initialControl, isPollFailure, type Op } from './flow';
import { LeaseKeeper } from './lease';
import { activities } from './names';
import { NodeProgress } from './nodeProgress';
import type { NodeRebootInput, NodeRebootOutput, RecoveryHandOff } from './types';

const DRAIN_BACKOFF_SECONDS = [5, 10, 20, 30];
/** A drain still going after this long says why held pods wait (their workloads' unplaceable pods). */
const EXPLAIN_HELD_DRAIN_AFTER_SECONDS = 60;
/** Bounded: a Failed run-command is re-sent only while the boot id is unchanged. */
const MAX_REBOOT_SENDS = 5;
const COMMAND_RESULT_TIMEOUT_SECONDS = 600;
/** AKS ends a command whose pod has not started within 30 s; past this, Kubernetes tells whether it ran. */
const COMMAND_START_LIMIT_SECONDS = 60;

/** Ends the node early with an outcome; thrown inside the node's steps, caught at the top. */
class NodeStop {
  constructor(readonly outcome: 'failed' | 'cancelled' | 'skipped', readonly reason: string) {}
}

export function* nodeReboot(context: OrchestrationContext): Op<NodeRebootOutput> {
  const input = context.df.getInput() as NodeRebootInput;
  const { cluster, runId, settings } = input;
  const node = input.node.node;
  const instanceId = context.df.instanceId;
  const flow = new Flow(context, initialControl());
  const lease = new LeaseKeeper(flow, { cluster, runId, namespace: settings.namespace, holder: input.runInstanceId, ttlSeconds: settings.lockTtlSeconds }, input.leaseRenewedAt);
  const progress = new NodeProgress(flow, { cluster: cluster.alias, runId, node });
  const undo = new Compensations();
  const startedAt = flow.nowIso();
  const warnings: string[] = [];
  const evicted = new Map<string, WorkloadRef>();
  /** Evicted workloads a recovery look found whole after the reboot: not looked at again (ADR 0029). */
  const recovered = new Set<string>();
  let evictedPods = 0;
  let bootIdBefore: string | undefined;
  let bootIdAfter: string | undefined;
  /** When the first reboot command was sent: the recovery gate ignores readiness from before it. */
  let rebootSentAt: string | undefined;
  /** The last look after the first command that still saw the node not back (seconds after it): what the pool's next nodes sleep towards. */
  let notBackAfterSeconds: number | undefined;
  /** The commit point: once the reboot is issued nothing is undone, and a cancel no longer stops the node. */
  let rebootIssued = false;
  let released = false;

  yield* flow.listen();
  if (input.part === 'recovery' && input.handOff) return yield* recover(input.handOff);
  progress.enter('lock');
  try {
    const lock = yield* flow.call(activities.lockNode, act({ instanceId }));
    if (!lock.locked) {
      return result('skipped', 'missing' in lock ? 'the node no longer exists' : `the node is held by ${lock.heldBy}`);
    }
    undo.push('release the node', () => releaseNode({ postLabels: {}, taintKey: '' }));
    if (lock.wasUnschedulable && !input.namedInRequest) {
      // Cordoned after discovery chose it: the operator's node is left alone, as discovery
      // leaves one cordoned before the run; only the lock we just took is given back.
      progress.stopClock();
      warnings.push(...(yield* undo.runAll()));
      progress.describe({ reason: CORDONED_BY_SOMEONE_ELSE });
      return result('skipped', CORDONED_BY_SOMEONE_ELSE);
    }
    bootIdBefore = lock.bootId;
    yield* recordEvent('RebootScheduled', 'Normal', `reboot scheduled by run ${runId}`);
    if (Object.keys(settings.preRebootLabels).length > 0) yield* flow.call(activities.labelNode, act({ labels: settings.preRebootLabels }));

    progress.enter('delay');
    yield* pause(settings.drainDelaySeconds);

    if (settings.preDrainGate) {
      progress.enter('gate');
      yield* waitForGate('pre-drain', settings.preDrainTimeoutSeconds);
    }

    progress.enter('cordon');
    yield* flow.call(activities.cordonNode, act({}));
    undo.push('uncordon the node', () => flow.call(activities.uncordonNode, act({ instanceId })));
    progress.enter('drain');
    yield* notify({ event: 'node-draining', step: 'drain' });
    yield* drain();
    yield* notify({ event: 'node-drained', step: 'drain' });

    progress.enter('reboot');
    if (settings.rebootDelaySeconds > 0) yield* pause(settings.rebootDelaySeconds);
    yield* flow.checkpoint();
    if (flow.control.state === 'cancelling') throw cancelled();
    yield* reboot(lock.bootId, false);
    progress.enter('waiting-ready');
    yield* waitUntilBack(lock.bootId);

    progress.enter('uncordon');
    yield* flow.call(activities.uncordonNode, act({ instanceId }));
    yield* releaseNode({
      postLabels: settings.postRebootLabels,
      taintKey: settings.preferNoScheduleTaint,
      lastReboot: { at: flow.nowIso(), bootIdBefore: lock.bootId, bootIdAfter: bootIdAfter ?? '' },
    });
    released = true;
    yield* recordEvent('RebootCompleted', 'Normal', `rebooted by run ${runId}: boot id ${lock.bootId} → ${bootIdAfter}`);
    yield* notify({ event: 'node-rebooted', step: 'reboot' });
    if (input.part === 'disruption') {
      progress.stopClock();
      progress.describe({ disruptionOver: true });
      const recoveryExpectedAt = settings.recoveryGate ? yield* firstRecoveryLook() : undefined;
      const handOff: RecoveryHandOff = {
        disruption: result('rebooted'),
        evicted: [...evicted.values()],
        ...(recovered.size > 0 ? { recovered: [...evicted.values()].filter((w) => recovered.has(refKey(w))) } : {}),
        ...(rebootSentAt ? { rebootSentAt } : {}),
        ...(notBackAfterSeconds !== undefined ? { readyAfterRebootSeconds: notBackAfterSeconds } : {}),
        ...(recoveryExpectedAt ? { recoveryExpectedAt } : {}),
      };
      return { ...result('rebooted'), handOff };
    }

    return yield* recoverySteps();
  } catch (error) {
    return yield* stopAt(error instanceof NodeStop ? error : new NodeStop('failed', `activity failed at step ${progress.step}: ${errorText(error, 300)}`));
  }

  /** The recovery gate over the evicted workloads, then the post-reboot delay. */
  function* recoverySteps(firstLookAt?: string): Op<NodeResult> {
    if (settings.recoveryGate) {
      progress.enter('recovery');
      yield* waitForGate('recovery', settings.recoveryTimeoutSeconds, firstLookAt);
    }
    if (settings.postRebootDelaySeconds > 0) {
      progress.enter('post-delay');
      yield* flow.sleep(settings.postRebootDelaySeconds);
    }
    progress.enter('done');
    return result('rebooted');
  }

  /** The recovery part (ADR 0019): the node is back and uncordoned; its evicted workloads must come back. */
  function* recover(handOff: RecoveryHandOff): Op<NodeResult> {
    for (const w of handOff.evicted) evicted.set(refKey(w), w);
    for (const w of handOff.recovered ?? []) recovered.add(refKey(w));
    rebootSentAt = handOff.rebootSentAt;
    rebootIssued = true;
    released = true;
    const before = handOff.disruption;
    bootIdBefore = before.bootIdBefore;
    bootIdAfter = before.bootIdAfter;
    evictedPods = before.evicted;
    warnings.push(...before.warnings);
    for (const key of Object.keys(progress.seconds) as Array<keyof NodeResult['seconds']>) progress.seconds[key] += before.seconds[key];
    let ended: NodeResult;
    try {
      ended = yield* recoverySteps(handOff.recoveryExpectedAt);
    } catch (error) {
      ended = yield* stopAt(error instanceof NodeStop ? error : new NodeStop('failed', `activity failed at step ${progress.step}: ${errorText(error, 300)}`));
    }
    return { ...ended, startedAt: before.startedAt };
  }

  /** Ends the node: undoes what was done before the reboot was issued, or leaves a node that did not come back cordoned. */
  function* stopAt(stop: NodeStop): Op<NodeResult> {
    progress.stopClock();
    const leftCordoned = rebootIssued && !released;
    if (!rebootIssued && undo.pending) {
      warnings.push(...(yield* undo.runAll()));
      yield* recordEventOrWarn('RebootCancelled', 'Normal', `reboot not done: ${stop.reason}`);
    } else if (leftCordoned) {
      yield* recordEventOrWarn('RebootFailed', 'Warning', `${stop.reason}; left cordoned for an operator`);
    }
    progress.describe({ reason: stop.reason });
    if (stop.outcome === 'failed') yield* notify({ event: 'node-failed', step: progress.step, reason: stop.reason });
    return result(stop.outcome, stop.reason, leftCordoned);
  }

  /** Waits on a durable timer; a cancel before the reboot is issued stops the node. */
  function* pause(secondsToWait: number): Op<void> {
    const interrupted = (yield* flow.sleep(secondsToWait, (c) => !rebootIssued && c.state === 'cancelling')) === 'interrupted';
    if (interrupted) throw cancelled();
  }

  function cancelled(): NodeStop {
    return new NodeStop('cancelled', `cancelled by ${flow.control.by ?? 'an operator'}`);
  }

  function* keepLease(): Op<void> {
    if (!(yield* lease.renewIfDue())) throw new NodeStop('failed', 'the cluster Lease is now held by another run');
  }

  /** Looks at a gate until it opens or its timeout passes; a closed gate that says when it expects to open is looked at again then (ADR 0023). */
  function* waitForGate(gate: CheckGateInput['gate'], timeoutSeconds: number, firstLookAt?: string): Op<void> {
    const began = flow.nowIso();
    const first = isoSeconds(firstLookAt);
    if (first !== undefined && first > secondsOf(began)) yield* pause(Math.min(Math.ceil(first - secondsOf(began)), timeoutSeconds));
    for (;;) {
      yield* keepLease();
      const verdict = yield* lookAtGate(gate);
      if (verdict.ok) return;
      progress.describe({ waitingFor: verdict.reasons.slice(0, 5) });
      if (flow.secondsSince(began) >= timeoutSeconds) {
        throw new NodeStop('failed', `${gate} gate still closed after ${timeoutSeconds}s: ${verdict.reasons.slice(0, 3).join('; ')}`);
      }
      const expectedAt = 'expectedOpenAt' in verdict ? isoSeconds(verdict.expectedOpenAt) : undefined;
      yield* pause(nextLook({ ...(expectedAt !== undefined ? { expectedAt } : {}), latestAt: secondsOf(began) + timeoutSeconds }));
    }
  }

  function* lookAtGate(gate: CheckGateInput['gate']): Op<GateResult> {
    const since = gate === 'recovery' && rebootSentAt ? { rebootedAfter: rebootSentAt } : {};
    const toCheck = [...evicted.values()].filter((w) => !recovered.has(refKey(w)));
    const polled = yield* flow.poll(activities.checkGate, act({ gate, namespace: settings.namespace, evicted: toCheck, ...since }));
    if (isPollFailure(polled)) return { ok: false, reasons: [`could not check: ${polled.failed}`] };
    // Whole once after the reboot is recovered for this node: a later node that disrupts the
    // workload again answers for it with its own gates (ADR 0029).
    if (gate === 'recovery' && !polled.ok) for (const w of polled.recovered ?? []) recovered.add(refKey(w));
    return polled;
  }

  /**
   * The recovery gate's first look, as the disruption ends (ADR 0023): when it expects to open
   * (now if open) is handed to the recovery part, which sleeps until then, and to the run.
   */
  function* firstRecoveryLook(): Op<string | undefined> {
    const verdict = yield* lookAtGate('recovery');
    return verdict.ok ? flow.nowIso() : verdict.expectedOpenAt;
  }

  /**
   * Evicts in passes until the node is drained, a pod is refused, or the drain timeout passes: a
   * pass that waits only for pods to terminate looks again with the backoff, never later than
   * their grace periods' end, then fast (ADR 0023); pods a budget holds back, with the backoff.
   */
  function* drain(): Op<void> {
    const began = flow.nowIso();
    for (let pass = 0; ; pass++) {
      yield* keepLease();
      // Held a minute: the pass also names the held workloads' pods that cannot be placed.
      const explainHeld = flow.secondsSince(began) >= EXPLAIN_HELD_DRAIN_AFTER_SECONDS;
      const polled = yield* flow.poll(activities.evictPods, act({ drain: settings.drain, namespace: settings.namespace, ...(explainHeld ? { explainHeld } : {}) }));
      const outcome: EvictPodsResult = isPollFailure(polled)
        ? { drained: false, evicted: [], evictedWorkloads: [], blocked: [], terminating: [], refused: [], errors: [{ pod: '', message: polled.failed }], warnings: [] }
        : polled;
      evictedPods += outcome.evicted.length;
      for (const w of outcome.evictedWorkloads) evicted.set(refKey(w), w);
      for (const w of outcome.warnings) if (!warnings.includes(w) && warnings.length < 20) warnings.push(w);
      if (outcome.refused.length > 0) {
        throw new NodeStop('failed', `drain refused: ${outcome.refused.slice(0, 3).map((r) => r.message).join('; ')}`);
      }
      if (outcome.drained) return;
      // Pods stuck terminating (finalizers, a kubelet that never confirms) are named too: the
      // operator's way out is REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT.
      const blocked = [
        ...outcome.blocked.slice(0, 3).map((b) => `${b.pod}: ${b.message}`),
        ...(outcome.terminating.length > 0 ? [`still terminating: ${outcome.terminating.slice(0, 3).join(', ')} (REBOOT_SKIP_WAIT_FOR_DELETE_TIMEOUT stops waiting for them)`] : []),
      ];
      progress.describe({ pass, remaining: outcome.blocked.length + outcome.terminating.length + outcome.errors.length, blocked });
      if (flow.secondsSince(began) >= settings.drainTimeoutSeconds) {
        const why = `drain did not finish within ${settings.drainTimeoutSeconds}s${blocked.length ? ` (${blocked.join('; ')})` : ''}`;
        if (!settings.forceReboot) throw new NodeStop('failed', why);
        warnings.push(`${why}; rebooting anyway (REBOOT_FORCE_REBOOT)`);
        return;
      }
      const backoff = DRAIN_BACKOFF_SECONDS[Math.min(pass, DRAIN_BACKOFF_SECONDS.length - 1)]!;
      const held = outcome.blocked.length > 0 || outcome.errors.length > 0;
      const expectedAt = held ? undefined : isoSeconds(outcome.expectedDoneAt);
      yield* pause(expectedAt === undefined ? backoff : secondsToNextLook({
        now: flow.nowSeconds(), expectedAt, longestSeconds: DRAIN_BACKOFF_SECONDS.at(-1)!, stepBeforeSeconds: backoff, latestAt: secondsOf(began) + settings.drainTimeoutSeconds,
      }));
    }
  }

  /** Sends the reboot and follows the run-command until the helper is known to exist; re-sends a command that did not run. */
  function* reboot(bootId: string, reissue: boolean): Op<void> {
    for (let send = 1; ; send++) {
      rebootSentAt ??= flow.nowIso();
      const sent = yield* flow.call(
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
      const followed = yield* followCommand(sent.commandId, bootId);
      if (followed.ran) return;
      if (send >= MAX_REBOOT_SENDS) {
        // No command created the helper (AlreadyExists counts as created) and the boot id never
        // changed: nothing was done to the node, so it is put back as it was, not left cordoned.
        if (!reissue) rebootIssued = false;
        throw new NodeStop('failed', `run-command failed ${send} times: ${followed.reason}`);
      }
      warnings.push(`run-command failed (${followed.reason}); sending again`);
    }
  }

  /**
   * Follows a run-command until we know whether it created the helper. A final answer other
   * than success (Failed, never run, gone) does not say so by itself, and a command still in
   * progress past AKS's start limit may have run: in both cases Kubernetes is asked for the
   * helper by its name (or a new boot id) instead of waiting on AKS.
   */
  function* followCommand(commandId: string, bootId: string): Op<{ ran: true } | { ran: false; reason: string }> {
    const began = flow.nowIso();
    // AKS starts the command's pod about RUN_COMMAND_START_SECONDS after the request: the first look is then.
    const expectedAt = secondsOf(began) + RUN_COMMAND_START_SECONDS;
    for (;;) {
      yield* pause(nextLook({ expectedAt }));
      const polled = yield* flow.poll(activities.getCommandResult, { cluster, runId, at: flow.nowIso(), commandId });
      const outcome: CommandResult = isPollFailure(polled) ? { state: 'running' } : polled;
      if (outcome.state === 'succeeded') return { ran: true };
      const waited = flow.secondsSince(began);
      if (outcome.state === 'running' && waited < COMMAND_START_LIMIT_SECONDS) continue;
      const status = yield* flow.poll(activities.getNodeStatus, act({ helper: { namespace: settings.namespace, bootId } }));
      const known = !isPollFailure(status);
      if (known && (!status.exists || status.bootId !== bootId || status.helper?.exists)) return { ran: true };
      if (known && outcome.state !== 'running') return { ran: false, reason: outcome.reason };
      if (waited >= COMMAND_RESULT_TIMEOUT_SECONDS) {
        // Past AKS's own limits with no helper: the command did not run. Unable to ask
        // Kubernetes, we cannot tell, and the node is treated as rebooting (never put back blind).
        if (known) return { ran: false, reason: `run-command still ${outcome.state} after ${waited}s and no reboot helper on the node` };
        warnings.push(`could not tell whether run-command ${commandId} created the reboot helper: ${status.failed}`);
        return { ran: true };
      }
    }
  }

  /** A helper that cannot start is deleted before it runs; then, and only then, the node can be put back. */
  function* withdrawStuckHelper(bootId: string, why: string): Op<void> {
    const taken = yield* flow.call(activities.withdrawReboot, act({ namespace: settings.namespace, bootId }));
    if (!taken.withdrawn) {
      warnings.push(`${why}; not taken back: ${taken.reason}`);
      return;
    }
    rebootIssued = false;
    throw new NodeStop('failed', `${why}; the helper was deleted before it started and the node put back`);
  }

  /**
   * Looks until the node reports a new boot id and Ready; re-issues once if the boot id never
   * changed. It sleeps until the pool's measured reboot-to-Ready time (ADR 0023), or polls
   * towards a typical one when the pool has none yet, then looks fast.
   */
  function* waitUntilBack(bootId: string): Op<void> {
    const measured = input.expectedReadySeconds;
    for (let attempt = 1; ; attempt++) {
      const began = flow.nowIso();
      const sentAt = attempt === 1 && rebootSentAt ? rebootSentAt : began;
      const expectedAt = secondsOf(sentAt) + (measured ?? RUN_COMMAND_START_SECONDS + TYPICAL_REBOOT_SECONDS);
      let last: NodeStatus | undefined;
      while (flow.secondsSince(began) < settings.rebootTimeoutSeconds) {
        yield* keepLease();
        yield* pause(nextLook({ expectedAt, latestAt: secondsOf(began) + settings.rebootTimeoutSeconds, ...(measured === undefined ? { stepBeforeSeconds: settings.pollIntervalSeconds } : {}) }));
        const polled = yield* flow.poll(activities.getNodeStatus, act({ helper: { namespace: settings.namespace, bootId } }));
        if (isPollFailure(polled)) continue;
        last = polled;
        if (last.exists && last.bootId !== bootId && last.ready) {
          bootIdAfter = last.bootId;
          return;
        }
        if (attempt === 1 && rebootSentAt) notBackAfterSeconds = flow.secondsSince(rebootSentAt);
        if (last.exists && last.bootId !== bootId) {
          bootIdAfter = last.bootId;
        } else if (last.exists && last.helper?.exists) {
          const stuck = stuckHelperReason(last.helper, node, flow.secondsSince(began));
          if (stuck) yield* withdrawStuckHelper(bootId, stuck);
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

  function* releaseNode(release: Pick<ReleaseNodeInput, 'postLabels' | 'taintKey' | 'lastReboot'>): Op<void> {
    yield* flow.call(activities.releaseNode, act({ instanceId, namespace: settings.namespace, ...release }));
  }

  function* recordEvent(reason: RecordNodeEventInput['reason'], type: RecordNodeEventInput['type'], message: string): Op<void> {
    yield* flow.call(activities.recordNodeEvent, act({ reason, type, message }));
  }

  /** The closing event of a failed or cancelled node: a failure to post it is a warning, never a second failure. */
  function* recordEventOrWarn(reason: RecordNodeEventInput['reason'], type: RecordNodeEventInput['type'], message: string): Op<void> {
    try {
      yield* recordEvent(reason, type, message);
    } catch {
      warnings.push(`could not post the ${reason} event`);
    }
  }

  function* notify(event: Pick<NotifyInput, 'event' | 'step' | 'reason'>): Op<void> {
    if (settings.notify) yield* flow.call(activities.notify, act({ ...event, instanceId }));
  }

  /** Seconds to the next look of a wait (core/adaptiveWait), at most REBOOT_POLL_INTERVAL apart once past the expected time. */
  function nextLook(wait: { expectedAt?: number; latestAt?: number; stepBeforeSeconds?: number }): number {
    return secondsToNextLook({ now: flow.nowSeconds(), longestSeconds: settings.pollIntervalSeconds, ...wait });
  }

  /** Every node activity's input: the node, the run, the orchestrator's time. */
  function act<T extends object>(extra: T) {
    return { cluster, runId, node, at: flow.nowIso(), ...extra };
  }

  function result(outcome: NodeResult['outcome'], reason?: string, leftCordoned = false): NodeResult {
    return {
      node,
      pool: input.node.pool,
      zone: input.node.zone,
      outcome,
      ...(outcome !== 'rebooted' ? { step: progress.step } : {}),
      ...(reason ? { reason } : {}),
      ...(bootIdBefore ? { bootIdBefore } : {}),
      ...(bootIdAfter ? { bootIdAfter } : {}),
      startedAt,
      finishedAt: flow.nowIso(),
      seconds: progress.seconds,
      evicted: evictedPods,
      leftCordoned,
      warnings,
    };
  }
}

function errorText(error: unknown, max: number): string {
  return error instanceof Error ? error.message.slice(0, max) : String(error);
}

function secondsOf(iso: string): number {
  return Date.parse(iso) / 1000;
}

function refKey(w: WorkloadRef): string {
  return `${w.kind}/${w.namespace}/${w.name}`;
}
