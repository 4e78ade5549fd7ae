// The expected terms of each candidate node (core/scheduleTerms) on fresh facts: the pods a
// drain would remove, their grace periods and observed start-to-Ready, and the PDB budgets.
// Read once per run execution (and for the dry run's estimate); candidates that no longer
// exist are left out. Each read is retried on its own (activities/retryRead.ts); a node whose
// node, pods or PDBs still cannot be read is listed in `unread` with why, not guessed at: the
// run holds it back and asks again.
import { z } from 'zod';
import type { KubeClient, NodeInfo, PdbFacts, PodFacts } from '../adapters/kube';
import { scheduleTerms as termsFrom, type UnreadNode } from '../core/scheduleTerms';
import type { ScheduleTermsInput, ScheduleTermsResult } from './contracts';
import { readEach, retried, type Sleep } from './retryRead';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, nodeName } from './schemas';

const scheduleTermsInput: z.ZodType<ScheduleTermsInput> = z.object({
  ...activityBase,
  candidates: z.array(z.object({ node: nodeName, pool: z.string(), zone: z.string() })),
  rebootSecondsByPool: z.record(z.string(), z.number().nonnegative()).optional(),
});

const PARALLEL_READS = 8;

export async function scheduleTerms(raw: unknown, context: ActivityContext): Promise<ScheduleTermsResult> {
  const input = parseInput('scheduleTerms', scheduleTermsInput, raw);
  const kube = await kubeFor(context, input);
  const sleep = context.deps.sleep;
  const unread: UnreadNode[] = [];
  const nodeReads = await readEach(input.candidates, PARALLEL_READS, (c) => nodeWithPods(kube, sleep, c.node));
  const read: Array<{ node: NodeInfo; pods: PodFacts[] }> = [];
  nodeReads.forEach((r, i) => {
    if (!r.ok) unread.push({ node: input.candidates[i]!.node, reason: r.reason });
    else if (r.value) read.push(r.value);
  });
  // A node's workload keys and budgets come from the PDBs of its pods' namespaces: pods the drain
  // leaves in place (DaemonSet, mirror) go down with the reboot and count against their PDBs too.
  const namespaces = [...new Set(read.flatMap((r) => r.pods.map((p) => p.namespace)))].sort();
  const pdbReads = await readEach(namespaces, PARALLEL_READS, (ns) => retried(sleep, () => kube.listPdbs(ns)));
  const pdbs: PdbFacts[] = [];
  const pdbsUnread = new Map<string, string>();
  pdbReads.forEach((r, i) => (r.ok ? pdbs.push(...r.value) : pdbsUnread.set(namespaces[i]!, r.reason)));
  const known = read.filter(({ node, pods }) => {
    const missing = pods.map((p) => p.namespace).find((ns) => pdbsUnread.has(ns));
    if (missing !== undefined) unread.push({ node: node.name, reason: `the PDBs of namespace ${missing}: ${pdbsUnread.get(missing)}` });
    return missing === undefined;
  });
  const terms = termsFrom({
    nodes: known.map(({ node: n }) => ({ name: n.name, pool: n.pool, zone: n.zone, ...(n.mode && { mode: n.mode }), ready: n.ready, unschedulable: n.unschedulable })),
    pods: known.flatMap((r) => r.pods),
    pdbs,
    ...(input.rebootSecondsByPool ? { rebootSecondsByPool: input.rebootSecondsByPool } : {}),
  });
  const log = stepLogger(context, input, 'schedule');
  if (unread.length > 0) log.warn('schedule terms not read for some nodes; they wait', { unread });
  log.info('schedule terms', { nodes: terms.nodes.length });
  // In the candidates' order, so the result does not depend on which read finished first.
  const order = new Map(input.candidates.map((c, i) => [c.node, i]));
  unread.sort((a, b) => order.get(a.node)! - order.get(b.node)!);
  return unread.length > 0 ? { ...terms, unread } : terms;
}

/** The node and the pods on it, each read retried on its own; undefined when the node is gone. */
async function nodeWithPods(kube: KubeClient, sleep: Sleep, name: string): Promise<{ node: NodeInfo; pods: PodFacts[] } | undefined> {
  const node = await retried(sleep, () => kube.getNode(name));
  if (!node) return undefined;
  return { node, pods: await retried(sleep, () => kube.listPodsOnNode(node.name)) };
}
