// Discovery, first half: the nodes of the selected pools (label kubernetes.azure.com/agentpool)
// with what the run needs to know of each, and the reboot check started through the configured
// detector. Explicit nodes of a manual request are candidates whatever a detector would say:
// no check runs for them.
import { z } from 'zod';
import type { NodeInfo } from '../adapters/kube';
import type { NodeSummary, StartRebootChecksInput, StartRebootChecksResult } from './contracts';
import { createDetector } from './detectors';
import { holderOf, readInProgress } from './nodeState';
import { retried } from './retryRead';
import { kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, detectorConfig, imageReference, namespaceName, nodeName, poolName } from './schemas';

const startRebootChecksInput: z.ZodType<StartRebootChecksInput> = z.object({
  ...activityBase,
  pools: z.array(poolName),
  detector: detectorConfig,
  namespace: namespaceName,
  image: imageReference,
  nodes: z.array(nodeName).optional(),
  parallelism: z.number().int().min(1).max(100),
});

export function summarize(node: NodeInfo): NodeSummary {
  const holder = holderOf(readInProgress(node));
  return {
    name: node.name,
    pool: node.pool,
    zone: node.zone,
    mode: node.mode ?? 'user',
    ready: node.ready,
    unschedulable: node.unschedulable,
    ...(holder !== undefined && { inProgressBy: holder }),
  };
}

export async function startRebootChecks(raw: unknown, context: ActivityContext): Promise<StartRebootChecksResult> {
  const input = parseInput('startRebootChecks', startRebootChecksInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'discover');
  const sleep = context.deps.sleep;
  const inPools = (await mapBounded(input.pools, 4, (pool) => retried(sleep, () => kube.listNodes(pool)))).flat();

  if (input.nodes) {
    const requested = new Set(input.nodes);
    const nodes = inPools.filter((n) => requested.has(n.name));
    const found = new Set(nodes.map((n) => n.name));
    const unknownNodes = input.nodes.filter((n) => !found.has(n));
    log.info('requested nodes', { nodes: [...found], unknownNodes });
    return { nodes: nodes.map(summarize), results: [], pending: [], unknownNodes };
  }

  const detector = createDetector(input.detector);
  const started = await detector.start(inPools, { kube, runId: input.runId, namespace: input.namespace, image: input.image, parallelism: input.parallelism, sleep });
  log.info('reboot checks started', { detector: detector.name, nodes: inPools.length, known: started.results.length, pending: started.pending.length });
  return { nodes: inPools.map(summarize), results: started.results, pending: started.pending, unknownNodes: [] };
}
