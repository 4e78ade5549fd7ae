// Which in-flight nodes' workloads no longer spend their budget (core/releasedBudget): read
// live each round the scheduler would otherwise wait — the pods of the workloads' namespaces,
// their PDBs and ReplicaSets. Fails closed: a namespace or ReplicaSet that cannot be read
// releases nothing in it (the expected terms keep counting).
import { z } from 'zod';
import type { PdbFacts, PodFacts, WorkloadFacts } from '../core/kubeFacts';
import { namespaceOfKey, releaseOf } from '../core/releasedBudget';
import type { ReleasedBudgetsInput, ReleasedBudgetsResult } from './contracts';
import { readEach, retried } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, isoInstant, nodeName } from './schemas';

const workloadKey = z.string().regex(/^\S+ [^/\s]+\/[^/\s]+$/, 'a workload key: "<Kind> <namespace>/<name>", e.g. "PDB shop/web"');

const releasedBudgetsInput: z.ZodType<ReleasedBudgetsInput> = z.object({
  ...activityBase,
  nodes: z.array(z.object({ node: nodeName, workloads: z.array(workloadKey), rebootedAfter: isoInstant.optional() })),
});

const PARALLEL_READS = 8;

export async function releasedBudgets(raw: unknown, context: ActivityContext): Promise<ReleasedBudgetsResult> {
  const input = parseInput('releasedBudgets', releasedBudgetsInput, raw);
  const kube = await kubeFor(context, input);
  const sleep = context.deps.sleep;
  const keys = [...new Set(input.nodes.flatMap((n) => n.workloads))];
  const namespaces = [...new Set(keys.map(namespaceOfKey).filter((ns): ns is string => ns !== undefined))].sort();
  const reads = await readEach(namespaces, PARALLEL_READS, async (ns) => ({
    pods: await retried(sleep, () => kube.listPods({ namespace: ns })),
    pdbs: await retried(sleep, () => kube.listPdbs(ns)),
  }));
  const pods: PodFacts[] = [];
  const pdbs: PdbFacts[] = [];
  const readable = new Set<string>();
  reads.forEach((r, i) => {
    if (!r.ok) return;
    readable.add(namespaces[i]!);
    pods.push(...r.value.pods);
    pdbs.push(...r.value.pdbs);
  });
  const rsKeys = keys.filter((k) => k.startsWith('ReplicaSet ') && readable.has(namespaceOfKey(k)!));
  const rsReads = await readEach(rsKeys, PARALLEL_READS, (k) => {
    const [namespace, name] = k.slice('ReplicaSet '.length).split('/') as [string, string];
    return retried(sleep, () => kube.getWorkload({ kind: 'ReplicaSet', namespace, name }));
  });
  const replicaSets: WorkloadFacts[] = rsReads.flatMap((r) => (r.ok && r.value ? [r.value] : []));
  const facts = { pods, pdbs, replicaSets };
  const released: ReleasedBudgetsResult['released'] = [];
  let expectedAt: string | undefined;
  const unplaced: string[] = [];
  for (const { node, workloads, rebootedAfter } of input.nodes) {
    for (const workload of workloads.filter((w) => readable.has(namespaceOfKey(w)!))) {
      const verdict = releaseOf(node, workload, facts, input.at, rebootedAfter);
      if (verdict?.released) {
        released.push({ node, workload });
        continue;
      }
      if (verdict?.unplaced && !unplaced.includes(workload)) unplaced.push(workload);
      const at = verdict?.expectedAt;
      if (at !== undefined && (expectedAt === undefined || at < expectedAt)) expectedAt = at;
    }
  }
  const log = stepLogger(context, input, 'schedule');
  if (readable.size < namespaces.length) log.warn('some namespaces not read; their workloads keep counting', { unread: namespaces.filter((ns) => !readable.has(ns)) });
  log.info('released budgets', { released: released.length, ...(expectedAt ? { expectedAt } : {}) });
  return { released, ...(expectedAt ? { expectedAt } : {}), ...(unplaced.length > 0 ? { unplaced } : {}) };
}
