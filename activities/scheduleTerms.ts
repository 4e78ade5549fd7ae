// The expected terms of each candidate node (core/scheduleTerms) on fresh facts: the pods a
// drain would remove, their grace periods and observed start-to-Ready, and the PDB budgets.
// Read once per run execution (and for the dry run's estimate); candidates that no longer
// exist are left out.
import { z } from 'zod';
import type { NodeInfo } from '../adapters/kube';
import { scheduleTerms as termsFrom } from '../core/scheduleTerms';
import { pdbsIn } from './clusterFacts';
import type { ScheduleTermsInput, ScheduleTermsResult } from './contracts';
import { kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
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
  const nodes = (await mapBounded(input.candidates, PARALLEL_READS, (c) => kube.getNode(c.node))).filter((n): n is NodeInfo => n !== undefined);
  const pods = (await mapBounded(nodes, PARALLEL_READS, (n) => kube.listPodsOnNode(n.name))).flat();
  const pdbs = await pdbsIn(kube, pods.map((p) => p.namespace));
  const terms = termsFrom({
    nodes: nodes.map((n) => ({ name: n.name, pool: n.pool, zone: n.zone, ...(n.mode && { mode: n.mode }), ready: n.ready, unschedulable: n.unschedulable })),
    pods,
    pdbs,
    ...(input.rebootSecondsByPool ? { rebootSecondsByPool: input.rebootSecondsByPool } : {}),
  });
  stepLogger(context, input, 'schedule').info('schedule terms', { nodes: terms.nodes.length });
  return terms;
}
