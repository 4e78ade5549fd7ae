// One run of a cluster (instance `reboot-<alias>-<runId>`): repair orphans, discover the nodes
// that need a reboot, order them, then reboot them one node (or one wave) at a time through
// nodeReboot, checking the window, control requests and blockers before each. A dry run
// stops after the plan. History stays bounded with continueAsNew every 25 nodes.
import type { OrchestrationContext, Task } from 'durable-functions';
import type { CheckResult, NodeSummary } from '../activities/contracts';
import { describeDenials, type AdmissionDenial } from '../core/admission';
import { nodeResultEvents, runEndEvents } from '../core/auditEvents';
import { orderNodes } from '../core/rolloutOrder';
import { buildRunStatus } from '../core/runStatus';
import type { CheckCoverage, NodeResult, NodeStep, Plan, PlannedNode, RunOutcome, RunOutput } from '../core/runTypes';
import { createWindow } from '../core/window';
import { Flow, initialControl, type Op } from './flow';
import { LeaseKeeper } from './lease';
import { activities, nodeInstanceId, orchestrators, runInstanceId } from './names';
import type { ClusterRebootInput, NodeRebootInput, RunCarry } from './types';

export const NODES_PER_EXECUTION = 25;
const CHECK_COLLECT_INTERVAL_SECONDS = 5;
const CHECK_TIMEOUT_SECONDS = 180;
const WAVE_LOOKAHEAD = 50;
const CHECK_PARALLELISM = 10;

/** A rough duration per node for the dry run's estimate: drain, reboot and recovery of a typical node. */
const ESTIMATED_NODE_SECONDS = 600;

export function* clusterReboot(context: OrchestrationContext): Op<RunOutput | undefined> {
  const input = context.df.getInput() as ClusterRebootInput;
  const { cluster, settings, runId, request } = input;
  const instanceId = runInstanceId(cluster.alias, runId);
  const window = createWindow(settings.window);
  const flow = new Flow(context, input.carry?.control ?? initialControl());
  const base = () => ({ cluster, runId, at: flow.nowIso() });
  const lease = new LeaseKeeper(
    flow,
    { cluster, runId, namespace: settings.namespace, holder: instanceId, ttlSeconds: settings.lockTtlSeconds },
    input.carry?.leaseRenewedAt ?? input.leaseRenewedAt ?? flow.nowIso(),
    input.holdsLease,
  );

  let phase = 'starting';
  let current: Array<{ node: string; step: NodeStep; since: string }> = [];
  let blockedBy: string[] | undefined;
  const windowNow = () => {
    const now = flow.now().getTime();
    const open = window.contains(now);
    return open ? { open } : { open, nextOpening: new Date(window.nextOpening(now)).toISOString() };
  };
  let carry: RunCarry = input.carry ?? {
    startedAt: flow.nowIso(),
    generation: 0,
    total: 0,
    queue: [],
    results: [],
    skipped: [],
    repaired: [],
    control: flow.control,
    leaseRenewedAt: lease.renewedAt,
    tainted: [],
    unchecked: 0,
  };
  const showStatus = (): void => {
    context.df.setCustomStatus(buildRunStatus({
      runId, phase, window: windowNow(), control: flow.control, total: carry.total, results: carry.results, current, next: carry.queue, ...(blockedBy ? { blockedBy } : {}),
    }));
  };
  const setPhase = (next: string): void => {
    phase = next;
    showStatus();
    flow.log('run phase', { cluster: cluster.alias, runId, phase });
  };
  flow.onControl = showStatus;
  /** Set when discovery found the cluster stopped or in an operation: the run touches nothing. */
  let notStarted: string | undefined;

  yield* flow.listen();

  if (!input.carry) {
    if (input.holdsLease) {
      setPhase('repairing');
      const repair = yield* flow.call(activities.repairOrphans, {
        ...base(), namespace: settings.namespace, instanceId, preferNoScheduleTaint: settings.preferNoScheduleTaint,
      });
      carry.repaired = repair.repaired.map((r) => ({ node: r.node, message: r.message }));
    }
    setPhase('discovering');
    const discovered = yield* discover();
    carry.skipped.push(...discovered.skipped);
    carry.queue = discovered.queue;
    carry.total = discovered.queue.length;
    carry.unchecked = discovered.unchecked;
    const denials = discovered.denials;
    if (request?.dryRun) {
      const blockers = yield* flow.call(activities.checkBlockers, blockersInput());
      const plan: Plan = {
        order: carry.queue,
        skipped: carry.skipped,
        blockers: [...(denials.length ? [describeDenials(denials)] : []), ...(blockers.blocked ? blockers.reasons : [])],
        admissionDenials: denials,
        checks: coverage(),
        window: windowNow(),
        estimateSeconds: carry.queue.length * (ESTIMATED_NODE_SECONDS + settings.drainDelaySeconds + settings.rebootDelaySeconds + settings.postRebootDelaySeconds),
      };
      setPhase('planned');
      return output('planned', undefined, plan);
    }
    // Before any node is touched: helpers that cannot be created mean no node can be rebooted.
    if (denials.length > 0) carry.admissionDenials = denials;
    else if (settings.preferNoScheduleTaint && carry.queue.length > 0) {
      yield* flow.call(activities.taintCandidates, { ...base(), nodes: carry.queue.map((n) => n.node), taintKey: settings.preferNoScheduleTaint, add: true });
      carry.tainted = carry.queue.map((n) => n.node);
    }
    if (settings.notify && denials.length === 0) yield* flow.call(activities.notify, { ...base(), instanceId: context.df.instanceId, event: 'run-started', message: `${carry.queue.length} node(s) to reboot` });
  }

  const refusedAtStart = !input.carry && carry.admissionDenials !== undefined ? describeDenials(carry.admissionDenials) : undefined;
  const haltedAtStart = notStarted ?? refusedAtStart;
  let outcome: RunOutcome | undefined = haltedAtStart ? 'halted' : undefined;
  let reason: string | undefined = haltedAtStart;
  let processed = 0;
  let blockedSince: string | undefined;
  while (outcome === undefined) {
    yield* flow.checkpoint();
    if (flow.control.state === 'cancelling') {
      outcome = 'cancelled';
      reason = `cancelled by ${flow.control.by ?? 'an operator'}`;
      break;
    }
    if (!(yield* lease.renewIfDue())) {
      outcome = 'halted';
      reason = 'the cluster Lease is now held by another run';
      break;
    }
    if (flow.control.state === 'paused') {
      setPhase('paused');
      yield* flow.sleep(Math.max(settings.pollIntervalSeconds, Math.floor(settings.lockTtlSeconds / 4)), (c) => c.state !== 'paused');
      continue;
    }
    if (carry.queue.length === 0) {
      outcome = 'completed';
      break;
    }
    if (processed >= NODES_PER_EXECUTION) {
      carry = { ...carry, generation: carry.generation + 1, control: flow.control, leaseRenewedAt: lease.renewedAt };
      context.df.continueAsNew({ ...input, carry } satisfies ClusterRebootInput);
      return undefined;
    }
    if (!request?.ignoreWindow && !window.contains(flow.now().getTime())) {
      outcome = 'window-closed';
      reason = `the maintenance window (${window.describe()}) closed; the remaining nodes wait for the next window`;
      break;
    }
    const state = yield* flow.call(activities.checkClusterState, base());
    if (state.busy) {
      outcome = 'halted';
      reason = `${state.busy}: stopped before the next node; ${carry.queue.length} node(s) wait for the next run`;
      break;
    }
    const wave = yield* nextWave();
    const blockers = yield* flow.call(activities.checkBlockers, blockersInput(wave.map((n) => n.node)));
    if (blockers.blocked) {
      blockedSince ??= flow.nowIso();
      blockedBy = blockers.reasons;
      setPhase('blocked');
      if (flow.secondsSince(blockedSince) >= settings.blockedTimeoutSeconds) {
        outcome = 'blocked';
        reason = `blocked for ${settings.blockedTimeoutSeconds}s: ${blockers.reasons.slice(0, 3).join('; ')}`;
        break;
      }
      yield* flow.sleep(settings.pollIntervalSeconds, (c) => c.state !== 'running');
      continue;
    }
    blockedSince = undefined;
    blockedBy = undefined;
    const refused = yield* admissionDenials({ nodes: wave.map((n) => n.node) });
    if (refused.length > 0) {
      outcome = 'halted';
      reason = describeDenials(refused);
      carry.admissionDenials = refused;
      break;
    }

    current = wave.map((n) => ({ node: n.node, step: 'queued' as NodeStep, since: flow.nowIso() }));
    setPhase('rebooting');
    const results = yield* rebootWave(wave);
    const done = new Set(wave.map((n) => n.node));
    carry.queue = carry.queue.filter((n) => !done.has(n.node));
    carry.tainted = carry.tainted.filter((n) => !results.some((r) => r.node === n && r.outcome === 'rebooted'));
    carry.results.push(...results);
    for (const event of nodeResultEvents({ cluster: cluster.alias, runId }, results)) flow.log(event.name, event.fields);
    current = [];
    processed += wave.length;
    const failed = results.filter((r) => r.outcome === 'failed');
    if (results.some((r) => r.outcome === 'cancelled')) {
      outcome = 'cancelled';
      reason = `cancelled by ${flow.control.by ?? 'an operator'}`;
    } else if (failed.some((r) => r.leftCordoned)) {
      outcome = 'halted';
      reason = failed.map((r) => `${r.node} did not come back at step ${r.step}: ${r.reason}`).join('; ');
    } else if (failed.length > 0 && settings.onFailure === 'halt') {
      outcome = 'halted';
      reason = failed.map((r) => `${r.node} failed at step ${r.step}: ${r.reason}`).join('; ');
    }
    showStatus();
  }

  if (carry.tainted.length > 0) {
    yield* flow.call(activities.taintCandidates, { ...base(), nodes: carry.tainted, taintKey: settings.preferNoScheduleTaint, add: false });
    carry.tainted = [];
  }
  setPhase(outcome);
  const counts = { rebooted: carry.results.filter((r) => r.outcome === 'rebooted').length, failed: carry.results.filter((r) => r.outcome === 'failed').length, remaining: carry.queue.length };
  for (const event of runEndEvents({ cluster: cluster.alias, runId }, outcome, reason, counts)) flow.log(event.name, event.fields);
  if (settings.notify) {
    yield* flow.call(activities.notify, {
      ...base(),
      instanceId: context.df.instanceId,
      event: outcome === 'completed' ? 'run-finished' : 'run-halted',
      reason: reason ?? outcome,
      message: `${counts.rebooted} rebooted, ${counts.failed} failed, ${counts.remaining} remaining`,
    });
  }
  return output(outcome, reason);

  function coverage(): CheckCoverage {
    return { complete: carry.unchecked === 0, unchecked: carry.unchecked };
  }

  /** Dry-run creates of the helper pods: what the cluster's admission would refuse. */
  function* admissionDenials(target: { nodes: string[] } | { pools: string[] }): Op<AdmissionDenial[]> {
    const checked = yield* flow.call(activities.checkAdmission, {
      ...base(), namespace: settings.namespace, image: settings.helperImage, detector: settings.detector, ...target,
    });
    return checked.denials;
  }

  function output(result: RunOutcome, why?: string, plan?: Plan, denials = carry.admissionDenials): RunOutput {
    return {
      runId,
      outcome: result,
      ...(why ? { reason: why } : {}),
      startedAt: carry.startedAt,
      finishedAt: flow.nowIso(),
      results: carry.results,
      skipped: carry.skipped,
      repaired: carry.repaired,
      remaining: carry.queue.map((n) => n.node),
      checks: coverage(),
      ...(denials?.length ? { admissionDenials: denials } : {}),
      ...(plan ? { plan } : {}),
    };
  }

  function blockersInput(nodes: string[] = []) {
    return {
      ...base(),
      ...(nodes.length === 1 ? { node: nodes[0] } : {}),
      ...(nodes.length > 1 ? { nodes } : {}),
      blockingPodSelectors: settings.blockingPodSelectors,
      ...(settings.alerts.enabled ? { alerts: { ...(settings.alerts.filterRegexp ? { filterRegexp: settings.alerts.filterRegexp } : {}), matchOnly: settings.alerts.matchOnly, firingOnly: settings.alerts.firingOnly } } : {}),
    };
  }

  /** Pools from ARM, nodes and reboot checks from Kubernetes: the ordered queue and what was left out, with why. */
  function* discover(): Op<{ queue: PlannedNode[]; skipped: RunCarry['skipped']; unchecked: number; denials: AdmissionDenial[] }> {
    const skipped: RunCarry['skipped'] = [];
    const pools = yield* flow.call(activities.listPools, {
      ...base(), include: settings.nodePools, exclude: settings.excludeNodePools, includeSpot: settings.includeSpot, ...(request?.pools ? { requested: request.pools } : {}),
    });
    skipped.push(...pools.skipped.map((s) => ({ pool: s.pool, reason: s.reason })));
    if (pools.clusterBusy) {
      notStarted = `${pools.clusterBusy}: no node was touched; the run waits for the next window`;
      skipped.push({ reason: notStarted });
      return { queue: [], skipped, unchecked: 0, denials: [] };
    }
    if (pools.runCommandDisabled && settings.method === 'run-command') {
      skipped.push({ reason: 'run-command is disabled on this cluster: set REBOOT_METHOD=pod' });
      return { queue: [], skipped, unchecked: 0, denials: [] };
    }
    // Before the check pods: a refused helper would otherwise read as nodes that "could not be checked".
    const denials = yield* admissionDenials({ pools: pools.pools.map((p) => p.name) });
    if (denials.length > 0) return { queue: [], skipped, unchecked: 0, denials };
    const started = yield* flow.call(activities.startRebootChecks, {
      ...base(),
      pools: pools.pools.map((p) => p.name),
      detector: settings.detector,
      namespace: settings.namespace,
      image: settings.helperImage,
      parallelism: CHECK_PARALLELISM,
      ...(request?.nodes ? { nodes: request.nodes } : {}),
    });
    skipped.push(...started.unknownNodes.map((node) => ({ node, reason: 'no such node in the selected pools' })));
    const checks: CheckResult[] = [...started.results];
    let pending = started.pending;
    const began = flow.nowIso();
    while (pending.length > 0) {
      const final = flow.secondsSince(began) >= CHECK_TIMEOUT_SECONDS;
      if (!final) yield* flow.sleep(CHECK_COLLECT_INTERVAL_SECONDS);
      const collected = yield* flow.call(activities.collectRebootChecks, {
        ...base(), namespace: settings.namespace, nodes: pending, final,
      });
      checks.push(...collected.results);
      pending = collected.pending;
    }
    const required = new Set(checks.filter((c) => c.status === 'required').map((c) => c.node));
    const unknown = checks.filter((c) => c.status === 'unknown');
    for (const c of unknown) skipped.push({ node: c.node, reason: `could not check: ${c.reason ?? 'unknown reason'}` });
    const explicit = new Set(request?.nodes ?? []);
    const candidates: NodeSummary[] = [];
    for (const n of started.nodes) {
      if (!explicit.has(n.name) && !required.has(n.name)) continue;
      if (n.inProgressBy) {
        skipped.push({ node: n.name, reason: `held by ${n.inProgressBy}` });
      } else if (n.unschedulable && !explicit.has(n.name)) {
        skipped.push({ node: n.name, reason: 'cordoned by someone else: left alone (name it in a manual request to include it)' });
      } else {
        candidates.push(n);
      }
    }
    const ordered = orderNodes(candidates.map((n) => ({ name: n.name, pool: n.pool, zone: n.zone, mode: n.mode, ready: n.ready, unschedulable: n.unschedulable })), { poolOrder: settings.nodePools });
    return { queue: ordered.map((n) => ({ node: n.name, pool: n.pool, zone: n.zone })), skipped, unchecked: unknown.length, denials: [] };
  }

  function* nextWave(): Op<PlannedNode[]> {
    if (settings.concurrency <= 1) return [carry.queue[0]!];
    const planned = yield* flow.call(activities.planWave, {
      ...base(), candidates: carry.queue.slice(0, WAVE_LOOKAHEAD), concurrency: settings.concurrency, implicitBudget: settings.drain.implicitBudget,
    });
    const wave = carry.queue.filter((n) => planned.wave.includes(n.node));
    return wave.length > 0 ? wave : [carry.queue[0]!];
  }

  function* rebootWave(wave: PlannedNode[]): Op<NodeResult[]> {
    const tasks: Task[] = wave.map((n) => context.df.callSubOrchestrator(
      orchestrators.nodeReboot,
      { cluster, settings, runId, runInstanceId: instanceId, node: n, leaseRenewedAt: lease.renewedAt } satisfies NodeRebootInput,
      nodeInstanceId(cluster.alias, runId, n.node),
    ));
    try {
      return (yield context.df.Task.all(tasks)) as NodeResult[];
    } catch (error) {
      // nodeReboot returns its failures as results; an exception here is a bug or a platform failure.
      const message = error instanceof Error ? error.message.slice(0, 300) : String(error);
      return wave.map((n, i) => (tasks[i]!.isCompleted ? (tasks[i]!.result as NodeResult) : {
        node: n.node, pool: n.pool, zone: n.zone, outcome: 'failed' as const, step: 'queued' as NodeStep, reason: `node orchestration failed: ${message}`,
        startedAt: flow.nowIso(), finishedAt: flow.nowIso(), seconds: { delay: 0, gate: 0, drain: 0, reboot: 0, recovery: 0 }, evicted: 0, leftCordoned: true, warnings: [],
      }));
    }
  }
}
