// One run of a cluster (instance `reboot-<alias>-<runId>`): repair orphans, discover the nodes
// that need a reboot, order them, then start nodes as the scheduling rule allows (ADR 0019,
// core/criticalPathSchedule): each node's disruption and then its recovery run as nodeReboot
// parts, and nodes in recovery overlap new ones. The window, control requests, the cluster's
// state, blockers and admission are checked before nodes start. A dry run stops after the
// plan. History stays bounded with continueAsNew every 25 nodes, with no node in flight.
import type { OrchestrationContext, Task } from 'durable-functions';
import type { CheckAdmissionResult, CheckResult, NodeSummary } from '../activities/contracts';
import { describeDenials, type AdmissionDenial } from '../core/admission';
import { nodeResultEvents, runEndEvents } from '../core/auditEvents';
import { estimateSchedule, inStartOrder, nodesToStart, stillShort, waitReason, withStarted, type CandidateNode, type ScheduleDecision, type ScheduleState } from '../core/criticalPathSchedule';
import { orderNodes } from '../core/rolloutOrder';
import { mergeTerms, TYPICAL_REBOOT_SECONDS, withMeasuredReboot, withReplacements, type ScheduleTerms, type UnreadNode } from '../core/scheduleTerms';
import { nodesToReadAgain, reReadWindow } from '../core/termsRefresh';
import { isoSeconds, secondsToNextLook } from '../core/adaptiveWait';
import { buildRunStatus, STATUS_LIST_LIMIT } from '../core/runStatus';
import { CORDONED_BY_SOMEONE_ELSE, type CheckCoverage, type NodeStep, type Plan, type PlannedNode, type RunOutcome, type RunOutput } from '../core/runTypes';
import { createWindow } from '../core/window';
import { Flow, initialControl, type Op } from './flow';
import { LeaseKeeper } from './lease';
import { activities, nodeInstanceId, orchestrators, recoveryInstanceId, runInstanceId } from './names';
import type { ClusterRebootInput, NodeRebootInput, NodeRebootOutput, RunCarry } from './types';

export const NODES_PER_EXECUTION = 25;
const CHECK_COLLECT_INTERVAL_SECONDS = 5;
const CHECK_TIMEOUT_SECONDS = 180;
const CHECK_PARALLELISM = 10;
/**
 * A node whose terms or admission check cannot be read is held back and asked about every
 * round; past this (longer than the activity retry policy's four minutes) it is left for the
 * next run.
 */
const UNREAD_LIMIT_SECONDS = 600;

/** How the dry run's estimate is made: the terms of the critical-path bound, stepped through the run's own scheduling rule. */
const ESTIMATE_BASIS = 'the scheduling rule (ADR 0019, ADR 0024) over each node\'s expected disruption (longest grace period, or budget-paced evictions, + run-command start + reboot) '
  + 'and each workload\'s pods unavailable for their observed start-to-Ready once replaced elsewhere, or for the disruption plus that when they can only come back to their node, within the PDB budgets; plus the configured delays per node';

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
  /** The nodes still to start and why each waits, as of the rule's last decision. */
  let waiting: Array<{ node: string; reason: string }> = [];
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
      ...(waiting.length > 0 ? { waiting } : {}),
    }));
  };
  const setPhase = (next: string): void => {
    phase = next;
    showStatus();
    flow.log('run phase', { cluster: cluster.alias, runId, phase });
  };
  flow.onControl = showStatus;
  /** Nodes a manual request named: included even when someone else cordoned them. */
  const explicitNodes = new Set(request?.nodes ?? []);
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
      const known = yield* flow.call(activities.scheduleTerms, { ...base(), candidates: carry.queue });
      // In queue order, as the run's rule sees its pending nodes (the tie-breaker); a node whose
      // terms could not be read is estimated with the typical ones.
      const estimated = carry.queue.map((n) => withReplacements(known.nodes.find((t) => t.name === n.node) ?? typicalTerms(n), []));
      const estimate = estimateSchedule(estimated, settings.concurrency, known.budgets);
      const delays = settings.drainDelaySeconds + settings.rebootDelaySeconds + settings.postRebootDelaySeconds;
      const plan: Plan = {
        // The order the estimate starts them in: what the run will do, not the queue's order.
        order: inStartOrder(carry.queue, estimate.starts),
        skipped: carry.skipped,
        blockers: [...(denials.length ? [describeDenials(denials)] : []), ...(blockers.blocked ? blockers.reasons : [])],
        admissionDenials: denials,
        checks: coverage(),
        window: windowNow(),
        estimateSeconds: Math.round(estimate.seconds + carry.queue.length * delays),
        estimateBasis: ESTIMATE_BASIS,
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
  let outcome = (haltedAtStart ? 'halted' : undefined) as RunOutcome | undefined;
  let reason: string | undefined = haltedAtStart;
  let processed = 0;
  let blockedSince: string | undefined;
  const inFlight: InFlight[] = [];
  let terms: ScheduleTerms | undefined;
  /** When the cluster expects the next in-flight workload whole again (seconds), as the last release read said. */
  let releaseExpectedAt: number | undefined;
  /** Queued nodes whose terms predate a disruption's end in their pool: the pods it evicted may run on them now (ADR 0027). */
  const stale = new Set<string>();
  /** Nodes held back because a read about them failed, since when (UNREAD_LIMIT_SECONDS). */
  const unreadSince = new Map<string, string>();
  const stop = (why: RunOutcome, text?: string) => {
    if (outcome !== undefined) return;
    outcome = why;
    reason = text;
  };
  for (;;) {
    yield* flow.checkpoint();
    if (flow.control.state === 'cancelling') stop('cancelled', `cancelled by ${flow.control.by ?? 'an operator'}`);
    if (!(yield* lease.renewIfDue())) stop('halted', 'the cluster Lease is now held by another run');
    let waitSeconds = Math.max(settings.pollIntervalSeconds, Math.floor(settings.lockTtlSeconds / 4));
    const waited = waiting;
    waiting = [];
    if (outcome === undefined) {
      if (carry.queue.length === 0 && inFlight.length === 0) {
        // Nothing left to start or to finish: a pause has nothing to hold, the run is done.
        stop('completed');
      } else if (flow.control.state === 'paused') {
        // Pause stops new nodes; nodes in flight finish (ADR 0019).
        if (phase !== 'paused') setPhase('paused');
      } else if (carry.queue.length === 0) {
        // The last nodes in flight finish.
      } else if (processed >= NODES_PER_EXECUTION) {
        // continueAsNew only with no node in flight: a new execution cannot await this one's nodes.
        if (inFlight.length === 0) {
          carry = { ...carry, generation: carry.generation + 1, control: flow.control, leaseRenewedAt: lease.renewedAt };
          context.df.continueAsNew({ ...input, carry } satisfies ClusterRebootInput);
          return undefined;
        }
      } else if (!request?.ignoreWindow && !window.contains(flow.now().getTime())) {
        stop('window-closed', `the maintenance window (${window.describe()}) closed; the remaining nodes wait for the next window`);
      } else {
        terms = yield* readTerms(terms);
        const unread = terms.unread ?? [];
        if (carry.queue.some((n) => unread.some((u) => u.node === n.node))) waitSeconds = settings.pollIntervalSeconds;
        releaseExpectedAt = undefined;
        const chosen = (yield* nextNodes(terms)).slice(0, Math.max(0, NODES_PER_EXECUTION - processed));
        const state = chosen.length > 0 ? yield* flow.call(activities.checkClusterState, { ...base(), pools: [...new Set(carry.queue.map((n) => n.pool))] }) : undefined;
        if (state?.busy) {
          stop('halted', `${state.busy}: stopped before the next node; ${carry.queue.length} node(s) wait for the next run`);
        } else if (chosen.length > 0) {
          const blockers = yield* flow.call(activities.checkBlockers, blockersInput(chosen, disrupting().map((f) => f.node.node)));
          if (blockers.blocked) {
            blockedSince ??= flow.nowIso();
            blockedBy = blockers.reasons;
            setPhase('blocked');
            if (flow.secondsSince(blockedSince) >= settings.blockedTimeoutSeconds) {
              stop('blocked', `blocked for ${settings.blockedTimeoutSeconds}s: ${blockers.reasons.slice(0, 3).join('; ')}`);
            }
            waitSeconds = settings.pollIntervalSeconds;
          } else {
            blockedSince = undefined;
            blockedBy = undefined;
            const checked = yield* checkAdmission({ nodes: chosen });
            if (checked.denials.length > 0) {
              stop('halted', describeDenials(checked.denials));
              carry.admissionDenials = checked.denials;
              continue;
            }
            // A node whose helper could not be checked waits for the next round.
            const unchecked = checked.unchecked ?? [];
            noteReads(chosen, unchecked);
            const cleared = chosen.filter((name) => !unchecked.some((u) => u.node === name));
            if (unchecked.length > 0) waitSeconds = settings.pollIntervalSeconds;
            for (const name of cleared) yield* startDisruption(carry.queue.find((n) => n.node === name)!);
            processed += cleared.length;
            if (cleared.length > 0) setPhase('rebooting');
          }
        }
      }
    }
    // Why the nodes left wait (the rule's last decision) is shown as it changes.
    if (JSON.stringify(waiting) !== JSON.stringify(waited)) showStatus();
    if (outcome !== undefined && inFlight.length === 0) break;
    const done = inFlight.find((f) => f.task.isCompleted || f.task.isFaulted);
    if (done) {
      yield* finished(done);
      continue;
    }
    // Adaptive wait (ADR 0023, core/adaptiveWait): sleep until the earliest expected end of a
    // node part in flight, then look every second, backing off towards REBOOT_POLL_INTERVAL the
    // longer it overruns (a node that never comes back must not fill the run's history with a
    // look a second for REBOOT_TIMEOUT); a control event ends the sleep at once.
    const now = flow.nowSeconds();
    const nextEnd = Math.min(...inFlight.map((f) => f.expectedEnd));
    // A free slot with nodes waiting: what holds them may be a workload whose replacement is
    // Ready before any part in flight is expected to end (its pods left the node with the drain).
    const slotFree = outcome === undefined && flow.control.state !== 'paused' && carry.queue.length > 0 && disrupting().length < settings.concurrency;
    if (slotFree) {
      waitSeconds = releaseExpectedAt === undefined ? settings.pollIntervalSeconds
        : secondsToNextLook({ now, expectedAt: releaseExpectedAt, longestSeconds: settings.pollIntervalSeconds });
    }
    const seconds = inFlight.length === 0 ? waitSeconds : Math.min(waitSeconds, secondsToNextLook({ now, expectedAt: nextEnd, longestSeconds: settings.pollIntervalSeconds }));
    const control = flow.control.state;
    yield* flow.sleep(seconds, (c) => c.state !== control);
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

  /** Dry-run creates of the helper pods: what the cluster's admission would refuse, and the nodes it could not be asked about. */
  function* checkAdmission(target: { nodes: string[] } | { pools: string[] }): Op<CheckAdmissionResult> {
    return yield* flow.call(activities.checkAdmission, {
      ...base(), namespace: settings.namespace, image: settings.helperImage, detector: settings.detector, ...target,
    });
  }

  /**
   * The queue's terms: read once per execution; then, each round, the nodes left unread and the
   * stale ones among each pool's first queued nodes (core/termsRefresh, ADR 0027).
   */
  function* readTerms(known: ScheduleTerms | undefined): Op<ScheduleTerms> {
    if (!known) return yield* readNodes(undefined, carry.queue);
    const unread = new Set((known.unread ?? []).map((u) => u.node));
    const ask = nodesToReadAgain(carry.queue, stale, unread, reReadWindow(settings.concurrency));
    return ask.length === 0 ? known : yield* readNodes(known, ask);
  }

  /** Reads the terms of `ask` and lays them over `known`; a node read is no longer stale. */
  function* readNodes(known: ScheduleTerms | undefined, ask: readonly PlannedNode[]): Op<ScheduleTerms> {
    const fresh = yield* flow.call(activities.scheduleTerms, { ...base(), candidates: [...ask] });
    const asked = ask.map((n) => n.node);
    noteReads(asked, fresh.unread ?? []);
    const notRead = new Set((fresh.unread ?? []).map((u) => u.node));
    for (const node of asked) if (!notRead.has(node)) stale.delete(node);
    return known ? mergeTerms(known, fresh, asked) : fresh;
  }

  /** Records which of `asked` could not be read; a node unread for UNREAD_LIMIT_SECONDS leaves the queue for the next run. */
  function noteReads(asked: readonly string[], unread: readonly UnreadNode[]): void {
    for (const node of asked) if (!unread.some((u) => u.node === node)) unreadSince.delete(node);
    for (const u of unread) {
      const since = unreadSince.get(u.node) ?? flow.nowIso();
      unreadSince.set(u.node, since);
      if (flow.secondsSince(since) < UNREAD_LIMIT_SECONDS) continue;
      unreadSince.delete(u.node);
      carry.queue = carry.queue.filter((q) => q.node !== u.node);
      carry.skipped.push({ node: u.node, reason: `could not be read for ${UNREAD_LIMIT_SECONDS}s, left for the next run: ${u.reason}` });
    }
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

  function blockersInput(nodes: string[] = [], disrupting: string[] = []) {
    return {
      ...base(),
      ...(nodes.length === 1 ? { node: nodes[0] } : {}),
      ...(nodes.length > 1 ? { nodes } : {}),
      ...(disrupting.length > 0 ? { disrupting } : {}),
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
    const { denials } = yield* checkAdmission({ pools: pools.pools.map((p) => p.name) });
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
    if (started.pending.length > 0) yield* deleteChecks(started.pending);
    const required = new Set(checks.filter((c) => c.status === 'required').map((c) => c.node));
    const unknown = checks.filter((c) => c.status === 'unknown');
    for (const c of unknown) skipped.push({ node: c.node, reason: `could not check: ${c.reason ?? 'unknown reason'}` });
    const candidates: NodeSummary[] = [];
    for (const n of started.nodes) {
      if (!explicitNodes.has(n.name) && !required.has(n.name)) continue;
      if (n.inProgressBy) {
        skipped.push({ node: n.name, reason: `held by ${n.inProgressBy}` });
      } else if (n.unschedulable && !explicitNodes.has(n.name)) {
        skipped.push({ node: n.name, reason: CORDONED_BY_SOMEONE_ELSE });
      } else {
        candidates.push(n);
      }
    }
    const ordered = orderNodes(candidates.map((n) => ({ name: n.name, pool: n.pool, zone: n.zone, mode: n.mode, ready: n.ready, unschedulable: n.unschedulable })), { poolOrder: settings.nodePools });
    return { queue: ordered.map((n) => ({ node: n.name, pool: n.pool, zone: n.zone })), skipped, unchecked: unknown.length, denials: [] };
  }

  /**
   * Deletes the check pods once every answer is in the history: a collection that runs twice
   * (a crash before its completion was recorded, a duplicate delivery) must find them. A failed
   * clean-up is logged, never fails the run: the pods have ended or only read a file.
   */
  function* deleteChecks(nodes: string[]): Op<void> {
    try {
      yield* flow.call(activities.deleteRebootChecks, { ...base(), namespace: settings.namespace, nodes });
    } catch (error) {
      flow.log('check pods not deleted', { cluster: cluster.alias, runId, error: error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error) });
    }
  }

  /** The nodes in their disruption part (cordoned, draining, rebooting, not yet back): what REBOOT_CONCURRENCY counts. */
  function disrupting(): InFlight[] {
    return inFlight.filter((f) => f.part === 'disruption');
  }

  /**
   * A node's expected terms, with its pool's reboot as measured on its earlier nodes once known,
   * and its ReplicaSet pods replaced elsewhere unless this run saw their workload stay.
   */
  function termsOf(n: PlannedNode): CandidateNode {
    return withReplacements(
      withMeasuredReboot(terms?.nodes.find((t) => t.name === n.node) ?? typicalTerms(n), carry.readySecondsByPool?.[n.pool]),
      carry.staying ?? [],
    );
  }

  /**
   * The nodes the rule starts now. When it starts none while a slot is free, it asks the cluster
   * which in-flight nodes' workloads are whole again (their pods left the node and Ready
   * replacements run elsewhere, core/releasedBudget) and decides again without them: such a
   * workload spent its budget only until its replacement was Ready, as the bound counts it.
   */
  function* nextNodes(known: ScheduleTerms): Op<string[]> {
    const { state, decided } = yield* decide(known);
    noteWaiting(state, decided);
    return decided.start;
  }

  /** The rule's decision, and the state it was made on (nextNodes). */
  function* decide(known: ScheduleTerms): Op<{ state: ScheduleState; decided: ScheduleDecision }> {
    const decision = (state: ScheduleState) => ({ state, decided: nodesToStart(state) });
    const first = decision(scheduleState(known));
    if (first.decided.start.length > 0 || carry.queue.length === 0 || disrupting().length >= settings.concurrency) return first;
    // Only what the bound may count as replaced elsewhere: a PDB's or a ReplicaSet's pods.
    const counting = inFlight
      .map((f) => ({
        node: f.node.node,
        workloads: termsOf(f.node).workloads.map((w) => w.workload).filter((w) => w.startsWith('PDB ') || w.startsWith('ReplicaSet ')),
        ...(f.rebootSentAt !== undefined ? { rebootedAfter: f.rebootSentAt } : {}),
      }))
      .filter((n) => n.workloads.length > 0);
    if (counting.length === 0) return first;
    const { released, expectedAt, unplaced } = yield* flow.call(activities.releasedBudgets, { ...base(), nodes: counting });
    // A workload whose replacement the scheduler could not place is expected back on its node from now on.
    const staying = (unplaced ?? []).filter((w) => !carry.staying?.includes(w));
    if (staying.length > 0) carry.staying = [...(carry.staying ?? []), ...staying];
    const last = released.length === 0 && staying.length === 0 ? first : decision(scheduleState(known, released));
    // A replacement may become Ready before any part in flight is expected to end: the run looks
    // again when the cluster expects the next one (ADR 0023), else soon (its free slot).
    if (last.decided.start.length === 0) releaseExpectedAt = isoSeconds(expectedAt);
    return last;
  }

  /** Why each node the rule does not start now waits, once the nodes it starts have started (for the run's status). */
  function noteWaiting(state: ScheduleState, decided: ScheduleDecision): void {
    let after = state;
    for (const name of decided.start) after = withStarted(after, after.pending.find((n) => n.name === name)!);
    waiting = after.pending.slice(0, STATUS_LIST_LIMIT).map((n) => ({ node: n.name, reason: waitReason(after, n, decided.critical) }));
  }

  /** What the scheduler sees now: the queue's terms, in flight nodes' expected ends, less the workloads the cluster shows whole again. */
  function scheduleState(known: ScheduleTerms, released: ReadonlyArray<{ node: string; workload: string }> = []): ScheduleState {
    const now = flow.nowSeconds();
    // The canary holds system nodes only while a user-pool node is still to start or in flight
    // (a node whose terms are unknown counts as one: system nodes wait for it, the safe side).
    const userNodes = [...carry.queue, ...inFlight.map((f) => f.node)].some((n) => !termsOf(n).system);
    return {
      now,
      concurrency: settings.concurrency,
      // A node whose terms are unknown is not eligible until they are read.
      pending: carry.queue.filter((n) => !known.unread?.some((u) => u.node === n.node)).map(termsOf),
      // A node counts as disrupted until its disruption part ends, whatever was expected.
      disrupted: disrupting().map((f) => ({ node: f.node.node, zone: f.node.zone, until: Math.max(now + 1, f.startedAt + termsOf(f.node).disruptionSeconds) })),
      // Its workloads count as short until its recovery gate passed.
      unavailable: inFlight.flatMap((f) => termsOf(f.node).workloads
        .filter((w) => !released.some((r) => r.node === f.node.node && r.workload === w.workload))
        .map((w) => ({ workload: w.workload, pods: w.pods, ...stillShort(now, f.startedAt + w.unavailableSeconds), since: f.startedAt }))),
      budgets: known.budgets,
      holdSystemNodes: userNodes && !carry.canaryPassed,
    };
  }

  /** The pool's reboot-to-Ready time: the shortest its nodes measured (a lower bound; the waits look fast past it). */
  function learnReboot(pool: string, seconds: number | undefined): void {
    if (seconds === undefined) return;
    const known = carry.readySecondsByPool?.[pool];
    carry.readySecondsByPool = { ...carry.readySecondsByPool, [pool]: known === undefined ? seconds : Math.min(known, seconds) };
  }

  function* startDisruption(n: PlannedNode): Op<void> {
    carry.queue = carry.queue.filter((q) => q.node !== n.node);
    stale.delete(n.node);
    const task = context.df.callSubOrchestrator(
      orchestrators.nodeReboot,
      {
        cluster, settings, runId, runInstanceId: instanceId, node: n, leaseRenewedAt: lease.renewedAt, part: 'disruption', ...(explicitNodes.has(n.node) ? { namedInRequest: true } : {}),
        ...(carry.readySecondsByPool?.[n.pool] !== undefined ? { expectedReadySeconds: carry.readySecondsByPool[n.pool] } : {}),
      } satisfies NodeRebootInput,
      nodeInstanceId(cluster.alias, runId, n.node),
    );
    const startedAt = flow.nowSeconds();
    inFlight.push({ node: n, part: 'disruption', task, startedAt, expectedEnd: startedAt + termsOf(n).disruptionSeconds });
    yield* flow.launch(task);
    showCurrent();
  }

  function showCurrent(): void {
    current = inFlight.map((f) => ({ node: f.node.node, step: (f.part === 'disruption' ? 'queued' : 'recovery') as NodeStep, since: new Date(f.startedAt * 1000).toISOString() }));
    showStatus();
  }

  /** A node instance ended: its disruption hands over to its recovery; a recovery or a failure ends the node. */
  function* finished(f: InFlight): Op<void> {
    inFlight.splice(inFlight.indexOf(f), 1);
    let ended: NodeRebootOutput;
    if (f.task.isFaulted) {
      // nodeReboot returns its failures as results; an exception here is a bug or a platform failure.
      const cause = (f.task as { result?: unknown }).result;
      const message = cause instanceof Error ? cause.message.slice(0, 300) : 'the sub-orchestration threw';
      ended = {
        node: f.node.node, pool: f.node.pool, zone: f.node.zone, outcome: 'failed', step: f.part === 'disruption' ? 'queued' : 'recovery', reason: `node orchestration failed: ${message}`,
        startedAt: flow.nowIso(), finishedAt: flow.nowIso(), seconds: { delay: 0, gate: 0, drain: 0, reboot: 0, recovery: 0 }, evicted: 0, leftCordoned: f.part === 'disruption', warnings: [],
      };
    } else {
      ended = f.task.result as NodeRebootOutput;
    }
    if (f.part === 'disruption' && ended.outcome === 'rebooted' && ended.handOff) {
      learnReboot(f.node.pool, ended.handOff.readyAfterRebootSeconds);
      for (const queued of carry.queue) if (queued.pool === f.node.pool) stale.add(queued.node);
      const task = context.df.callSubOrchestrator(
        orchestrators.nodeReboot,
        { cluster, settings, runId, runInstanceId: instanceId, node: f.node, leaseRenewedAt: lease.renewedAt, part: 'recovery', handOff: ended.handOff } satisfies NodeRebootInput,
        recoveryInstanceId(cluster.alias, runId, f.node.node),
      );
      // When the recovery gate's look at the disruption's end expected it to open (ADR 0023);
      // without one, from now: pods that went elsewhere may be back already.
      const now = flow.nowSeconds();
      const expectedEnd = Math.max(now, isoSeconds(ended.handOff.recoveryExpectedAt) ?? now) + settings.postRebootDelaySeconds;
      inFlight.push({ ...f, part: 'recovery', task, expectedEnd, ...(ended.handOff.rebootSentAt !== undefined ? { rebootSentAt: ended.handOff.rebootSentAt } : {}) });
      yield* flow.launch(task);
      showCurrent();
      return;
    }
    const { handOff: _handOff, ...result } = ended;
    carry.results.push(result);
    if (result.outcome === 'rebooted') {
      carry.tainted = carry.tainted.filter((n) => n !== result.node);
      if (!terms?.nodes.find((t) => t.name === result.node)?.system) carry.canaryPassed = true;
    }
    for (const event of nodeResultEvents({ cluster: cluster.alias, runId }, [result])) flow.log(event.name, event.fields);
    if (result.outcome === 'cancelled') {
      stop('cancelled', `cancelled by ${flow.control.by ?? 'an operator'}`);
    } else if (result.outcome === 'failed' && result.leftCordoned) {
      stop('halted', `${result.node} did not come back at step ${result.step}: ${result.reason}`);
    } else if (result.outcome === 'failed' && settings.onFailure === 'halt') {
      stop('halted', `${result.node} failed at step ${result.step}: ${result.reason}`);
    }
    showCurrent();
  }
}

/** Terms for a node without read ones (gone, or not read for a dry run's estimate): a typical reboot, no workloads. */
function typicalTerms(n: PlannedNode): CandidateNode {
  return { name: n.node, zone: n.zone, system: false, disruptionSeconds: TYPICAL_REBOOT_SECONDS, workloads: [] };
}

interface InFlight {
  node: PlannedNode;
  part: 'disruption' | 'recovery';
  task: Task;
  /** Seconds (epoch) when its disruption started. */
  startedAt: number;
  /** Seconds (epoch) when its current part is expected to end: the first look at it. */
  expectedEnd: number;
  /** In recovery: when its reboot was sent (ISO 8601); pods on it since are new (ADR 0025). */
  rebootSentAt?: string;
}
