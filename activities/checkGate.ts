// The gates around a node's reboot (core/gates) on fresh facts: pre-drain ("every workload
// with a pod here can take one disruption now") and recovery ("the node's pods are Ready and
// what the drain evicted is whole again"). For the recovery gate the evicted workloads' pods
// are fetched wherever they now run, so the PDBs that cover them are found; a closed gate says
// when those pods can be Ready at the earliest (ADR 0023; the pre-drain gate, the pods elsewhere
// of the workloads on the node: ADR 0025), for the wait's next look.
import { z } from 'zod';
import type { NodeInfo, PodFacts, WorkloadFacts, WorkloadKind } from '../adapters/kube';
import { expectedReadyAt } from '../core/expectedReady';
import { checkPreDrain, checkRecovered } from '../core/gates';
import type { NodeFacts } from '../core/kubeFacts';
import { pdbsIn, podsOfWorkloads, workloadsOwning } from './clusterFacts';
import type { CheckGateInput, GateResult } from './contracts';
import { kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
import { isoInstant, namespaceName, nodeActivityBase, workloadRef } from './schemas';

const checkGateInput: z.ZodType<CheckGateInput> = z.object({
  ...nodeActivityBase,
  gate: z.enum(['pre-drain', 'recovery']),
  evicted: z.array(workloadRef).optional(),
  rebootedAfter: isoInstant.optional(),
  namespace: namespaceName,
});

const WORKLOAD_KINDS: ReadonlySet<string> = new Set<WorkloadKind>(['Deployment', 'StatefulSet', 'ReplicaSet']);

function nodeFacts(node: NodeInfo): NodeFacts {
  return { name: node.name, pool: node.pool, zone: node.zone, ...(node.mode && { mode: node.mode }), ready: node.ready, unschedulable: node.unschedulable };
}

export async function checkGate(raw: unknown, context: ActivityContext): Promise<GateResult> {
  const input = parseInput('checkGate', checkGateInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, input.gate === 'pre-drain' ? 'gate' : 'recovery');
  const node = await kube.getNode(input.node);
  if (!node) return { ok: false, reasons: [`node ${input.node} no longer exists`] };
  const onNode = (await kube.listPodsOnNode(input.node)).filter((pod) => pod.namespace !== input.namespace);

  let verdict: GateResult;
  if (input.gate === 'pre-drain') {
    const workloads = await workloadsOwning(kube, onNode);
    const pdbs = await pdbsIn(kube, onNode.map((p) => p.namespace));
    verdict = checkPreDrain({ node: nodeFacts(node), pods: onNode, workloads, pdbs });
    if (!verdict.ok) {
      // When the workloads' pods elsewhere can all be Ready: their controllers' and PDBs' status
      // follow within their sync, so the wait looks fast from then (ADR 0025) instead of a whole
      // poll interval after a run that started the node on the pods' own readiness.
      const elsewhere = (await podsOfWorkloads(kube, workloads)).filter((pod) => pod.nodeName !== input.node);
      // The same decision over the same facts, with the pods elsewhere: a short workload's
      // replicas the scheduler cannot place (a full cluster) are named with its message.
      verdict = checkPreDrain({ node: nodeFacts(node), pods: [...onNode, ...elsewhere], workloads, pdbs });
      const expectedOpenAt = expectedReadyAt({ pods: elsewhere, now: input.at, node: input.node });
      if (!verdict.ok && expectedOpenAt) verdict = { ...verdict, expectedOpenAt };
    }
  } else {
    const refs = (input.evicted ?? []).filter((r) => WORKLOAD_KINDS.has(r.kind));
    const evictedWorkloads = (await mapBounded(refs, 8, (r) => kube.getWorkload({ kind: r.kind as WorkloadKind, namespace: r.namespace, name: r.name })))
      .filter((w): w is WorkloadFacts => w !== undefined);
    const theirPods = await podsOfWorkloads(kube, evictedWorkloads);
    const pods = uniquePods([...onNode, ...theirPods]);
    const owning = await workloadsOwning(kube, pods, evictedWorkloads);
    const workloads = [...evictedWorkloads, ...owning.filter((w) => !evictedWorkloads.some((e) => e.kind === w.kind && e.namespace === w.namespace && e.name === w.name))];
    const pdbs = await pdbsIn(kube, pods.map((p) => p.namespace));
    verdict = checkRecovered({ node: nodeFacts(node), pods, workloads, pdbs, evicted: input.evicted ?? [], ...(input.rebootedAfter && { rebootedAfter: input.rebootedAfter }) });
    const expectedOpenAt = verdict.ok ? undefined : expectedReadyAt({ pods, now: input.at, node: input.node, ...(input.rebootedAfter && { rebootedAfter: input.rebootedAfter }) });
    if (!verdict.ok && expectedOpenAt) verdict = { ...verdict, expectedOpenAt };
  }
  log.info(verdict.ok ? 'gate open' : 'gate closed', verdict.ok ? {} : { reasons: verdict.reasons.slice(0, 5) });
  return verdict;
}

function uniquePods(pods: readonly PodFacts[]): PodFacts[] {
  return [...new Map(pods.map((p) => [p.uid || `${p.namespace}/${p.name}`, p])).values()];
}
