// The next wave when REBOOT_CONCURRENCY > 1 (core/rolloutOrder planWaves) on fresh facts: no
// two nodes of one zone, no PDB over its budget, no workload without one over its implicit
// budget (ADR 0018). Candidates that no longer exist are left out.
import { z } from 'zod';
import type { NodeInfo } from '../adapters/kube';
import { isDisruptedByDrain, pdbsSelecting, type NodeFacts } from '../core/kubeFacts';
import { planWaves } from '../core/rolloutOrder';
import { pdbsIn, workloadsOwning } from './clusterFacts';
import type { PlanWaveInput, PlanWaveResult } from './contracts';
import { kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, nodeName } from './schemas';

const planWaveInput: z.ZodType<PlanWaveInput> = z.object({
  ...activityBase,
  candidates: z.array(z.object({ node: nodeName, pool: z.string(), zone: z.string() })),
  concurrency: z.number().int().min(1),
  implicitBudget: z.enum(['rollout', 'off']).optional(),
});

const PARALLEL_READS = 8;

export async function planWave(raw: unknown, context: ActivityContext): Promise<PlanWaveResult> {
  const input = parseInput('planWave', planWaveInput, raw);
  const kube = await kubeFor(context, input);
  const nodes = (await mapBounded(input.candidates, PARALLEL_READS, (c) => kube.getNode(c.node))).filter((n): n is NodeInfo => n !== undefined);
  const ordered: NodeFacts[] = nodes.map((n) => ({ name: n.name, pool: n.pool, zone: n.zone, ...(n.mode && { mode: n.mode }), ready: n.ready, unschedulable: n.unschedulable }));
  const pods = (await mapBounded(nodes, PARALLEL_READS, (n) => kube.listPodsOnNode(n.name))).flat();
  const pdbs = await pdbsIn(kube, pods.map((p) => p.namespace));
  const implicitBudget = input.implicitBudget ?? 'rollout';
  const unbudgeted = pods.filter((p) => isDisruptedByDrain(p) && pdbsSelecting(p, pdbs).length === 0);
  const workloads = implicitBudget === 'rollout' && unbudgeted.length > 0 ? await workloadsOwning(kube, unbudgeted) : [];
  const wave = planWaves(ordered, input.concurrency, { pods, pdbs, workloads, implicitBudget })[0]?.map((n) => n.name) ?? [];
  stepLogger(context, input, 'wave').info('next wave', { wave });
  return { wave };
}
