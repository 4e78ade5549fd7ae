// One drain pass over a node (nodeReboot's drain step, docs/design.md#the-life-of-a-run): list its pods (in
// pages), leave our helper pods alone, plan with kubectl's filter chain (core/drainPlan), then
// ask the Eviction API once per pod to evict — a workload without a PDB at most its implicit
// budget at a time (core/implicitBudget, ADR 0018). Reports what was evicted, what a PDB refused
// (429), what is still terminating, what the plan refuses (nothing is evicted then, as kubectl
// aborts), an eviction the apiserver forbids (403: RBAC lacks pods/eviction, which no retry
// changes), the workloads that lost pods (for the recovery gate), and when the pods it evicted
// or saw terminating are gone at the latest. Waiting between passes is the orchestrator's job.
import { z } from 'zod';
import { KubeApiError, type PodFacts } from '../adapters/kube';
import { drainEndsBy, planDrain } from '../core/drainPlan';
import { unplacedPods, workloadOf } from '../core/gates';
import { limitByImplicitBudget, type BudgetedEvictions } from '../core/implicitBudget';
import { pdbsSelecting, qualifiedName, type WorkloadRef } from '../core/kubeFacts';
import { daemonSetsOwning, pdbsIn, podsOfWorkloads, workloadsOwning } from './clusterFacts';
import type { EvictPodsInput, EvictPodsResult } from './contracts';
import { errorMessage, kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
import { drainOptions, namespaceName, nodeActivityBase } from './schemas';

const evictPodsInput: z.ZodType<EvictPodsInput> = z.object({ ...nodeActivityBase, drain: drainOptions, namespace: namespaceName, explainHeld: z.boolean().optional() });

const PARALLEL_EVICTIONS = 10;

export async function evictPods(raw: unknown, context: ActivityContext): Promise<EvictPodsResult> {
  const input = parseInput('evictPods', evictPodsInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'drain');

  const pods = (await kube.listPodsOnNode(input.node)).filter((pod) => pod.namespace !== input.namespace);
  const daemonSets = await daemonSetsOwning(kube, pods);
  const plan = planDrain({ pods, daemonSets, options: input.drain, now: input.at });
  const terminating = plan.waitFor.map(qualifiedName);

  const result: EvictPodsResult = {
    drained: false, evicted: [], evictedWorkloads: [], blocked: [], terminating, refused: [], errors: [], warnings: plan.warnings,
  };
  if (plan.blocked) {
    result.refused = plan.decisions.filter((d) => d.action === 'block').map((d) => ({ pod: qualifiedName(d.pod), reason: d.reason, message: d.message }));
    log.warn('drain refused by the pod filter chain', { blockers: plan.blockers });
    return result;
  }

  const { evict, held } = input.drain.implicitBudget === 'off' || plan.evict.length === 0
    ? { evict: plan.evict, held: [] }
    : await withinImplicitBudgets(kube, plan.evict, pods);
  result.blocked.push(...held.map((h) => ({ pod: qualifiedName(h.pod), message: h.message })));
  const outcomes = await mapBounded(evict, PARALLEL_EVICTIONS, async (pod) => {
    try {
      return { pod, outcome: await kube.evictPod(pod, plan.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: plan.gracePeriodSeconds }) };
    } catch (error) {
      return { pod, error: errorMessage(error), forbidden: error instanceof KubeApiError && error.status === 403 };
    }
  });
  const disrupted: PodFacts[] = [...plan.waitFor];
  const evictedNow: PodFacts[] = [];
  for (const o of outcomes) {
    const name = qualifiedName(o.pod);
    if ('error' in o && o.forbidden) result.refused.push({ pod: name, reason: 'forbidden', message: o.error });
    else if ('error' in o) result.errors.push({ pod: name, message: o.error ?? 'unknown error' });
    else if (o.outcome.outcome === 'evicted') {
      result.evicted.push(name);
      disrupted.push(o.pod);
      evictedNow.push(o.pod);
    } else if (o.outcome.outcome === 'blocked') result.blocked.push({ pod: name, message: o.outcome.message });
  }
  // Pods already terminating count too: a pass retried after its evictions were accepted must not lose their workloads.
  result.evictedWorkloads = await workloadRefs(kube, disrupted);
  if (input.explainHeld && result.blocked.length > 0) {
    // Words only: a read that fails leaves the apiserver's messages as they are, never the pass.
    try {
      result.blocked = await withUnplaced(kube, result.blocked, pods);
    } catch (error) {
      log.warn('could not read why held pods wait', { error: errorMessage(error) });
    }
  }
  result.drained = plan.evict.length === 0 && plan.waitFor.length === 0;
  const expectedDoneAt = drainEndsBy({ waitFor: plan.waitFor, evicted: evictedNow, ...(plan.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: plan.gracePeriodSeconds }), now: input.at });
  if (!result.drained && expectedDoneAt) result.expectedDoneAt = expectedDoneAt;
  log.info('drain pass', {
    evicted: result.evicted.length, blocked: result.blocked.length, terminating: terminating.length, errors: result.errors.length, drained: result.drained,
  });
  return result;
}

// Workloads without a PDB lose at most their rolling update's budget at once (ADR 0018); the
// pods held back are evicted in a later pass, once replacements are Ready.
async function withinImplicitBudgets(kube: Awaited<ReturnType<typeof kubeFor>>, evict: readonly PodFacts[], pods: readonly PodFacts[]): Promise<BudgetedEvictions> {
  const pdbs = await pdbsIn(kube, evict.map((p) => p.namespace));
  const toEvict = new Set(evict.map((p) => p.uid));
  const unbudgeted = pods.filter((p) => toEvict.has(p.uid) && pdbsSelecting(p, pdbs).length === 0);
  if (unbudgeted.length === 0) return { evict: [...evict], held: [] };
  const workloads = await workloadsOwning(kube, unbudgeted);
  return limitByImplicitBudget({ evict, pods, workloads, pdbs });
}

/** Each held pod's message, with its workload's pods the scheduler cannot place (why the budget does not refill). */
async function withUnplaced(kube: Awaited<ReturnType<typeof kubeFor>>, blocked: EvictPodsResult['blocked'], pods: readonly PodFacts[]): Promise<EvictPodsResult['blocked']> {
  const heldPods = pods.filter((pod) => blocked.some((b) => b.pod === qualifiedName(pod)));
  const workloads = await workloadsOwning(kube, heldPods);
  const ownerOf = new Map(heldPods.flatMap((pod) => {
    const workload = workloadOf(pod, workloads);
    return workload ? [[qualifiedName(pod), workload] as const] : [];
  }));
  // One pod list per namespace, however many held pods share a workload.
  const elsewhere = await podsOfWorkloads(kube, [...ownerOf.values()]);
  return blocked.map((b) => {
    const workload = ownerOf.get(b.pod);
    return workload ? { ...b, message: `${b.message}${unplacedPods(workload, elsewhere, workloads)}` } : b;
  });
}

async function workloadRefs(kube: Awaited<ReturnType<typeof kubeFor>>, pods: readonly PodFacts[]): Promise<WorkloadRef[]> {
  if (pods.length === 0) return [];
  const workloads = await workloadsOwning(kube, pods);
  const refs = new Map<string, WorkloadRef>();
  for (const pod of pods) {
    const w = workloadOf(pod, workloads);
    if (w) refs.set(`${w.kind}/${w.namespace}/${w.name}`, { kind: w.kind, namespace: w.namespace, name: w.name });
  }
  return [...refs.values()];
}
