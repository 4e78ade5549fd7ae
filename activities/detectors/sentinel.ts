// REBOOT_DETECTOR=sentinel (default): one check pod per node (core/helperPods) runs
// `test -f /sentinel/<file>` against the node's sentinel directory; exit 0 = reboot required,
// exit 1 = not. Started in one activity, collected (and deleted) in another after a durable
// timer. A check that could not run — node NotReady, image pull error, pod rejected, still
// pending at the last collection — is "unknown" with the reason.
import type { HelperPodStatus, KubeClient } from '../../adapters/kube';
import { TransientError } from '../../adapters/kube';
import { buildCheckPod, checkPodName } from '../../core/helperPods';
import type { CheckResult, DetectorConfig } from '../contracts';
import { errorMessage, mapBounded } from '../runtime';
import type { RebootDetector } from './detector';

export function sentinelDetector(config: Extract<DetectorConfig, { kind: 'sentinel' }>): RebootDetector {
  return {
    name: 'sentinel',
    async start(nodes, request) {
      const outcomes = await mapBounded(nodes, request.parallelism, async (node): Promise<CheckResult | 'pending'> => {
        if (!node.ready) return { node: node.name, status: 'unknown', reason: 'the node is NotReady: its check pod cannot run' };
        try {
          await request.kube.createHelperPod(buildCheckPod({ namespace: request.namespace, image: request.image, node: node.name, runId: request.runId, sentinel: config.path }));
          return 'pending';
        } catch (error) {
          if (error instanceof TransientError) throw error;
          return { node: node.name, status: 'unknown', reason: `its check pod could not be created: ${errorMessage(error)}` };
        }
      });
      return {
        results: outcomes.filter((o): o is CheckResult => o !== 'pending'),
        pending: nodes.filter((_, i) => outcomes[i] === 'pending').map((n) => n.name),
      };
    },
  };
}

/** Container states that never get better by waiting. */
const STUCK_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export type CheckVerdict = CheckResult | { node: string; status: 'pending' };

/** What one check pod says about its node. Pure. */
export function judgeCheckPod(node: string, pod: HelperPodStatus | undefined, final: boolean, nodeReady: boolean | undefined): CheckVerdict {
  const detail = pod?.reason ? ` (${pod.reason}${pod.message ? `: ${pod.message}` : ''})` : '';
  if (!pod) return { node, status: 'unknown', reason: 'its check pod is gone (deleted before it was read)' };
  if (pod.phase === 'Succeeded' && pod.exitCode === 0) return { node, status: 'required' };
  if (pod.phase === 'Failed' && pod.exitCode === 1) return { node, status: 'not-required' };
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') {
    return { node, status: 'unknown', reason: pod.exitCode === undefined ? `its check pod ended ${pod.phase} without running${detail}` : `its check exited with code ${pod.exitCode}${detail}` };
  }
  if (pod.reason && STUCK_REASONS.has(pod.reason)) return { node, status: 'unknown', reason: `its check pod cannot start${detail}` };
  if (!final) return { node, status: 'pending' };
  const why = nodeReady === false ? '; the node is NotReady' : nodeReady === undefined ? '; the node no longer exists' : '';
  return { node, status: 'unknown', reason: `its check pod was still ${pod.phase} at the check timeout${detail}${why}` };
}

export interface CollectRequest {
  kube: KubeClient;
  namespace: string;
  runId: string;
  nodes: readonly string[];
  final: boolean;
  parallelism: number;
}

/**
 * Reads the check pods of `nodes`, then deletes each one that gave its answer (every one when
 * final). Reads first and deletions best-effort, so a retried collection finds every pod it
 * has not answered for; a pod that could not be deleted is named in `undeleted`.
 */
export async function collectSentinelChecks(request: CollectRequest): Promise<{ results: CheckResult[]; pending: string[]; undeleted: string[] }> {
  const { kube, namespace } = request;
  const read = await mapBounded(request.nodes, request.parallelism, async (node) => {
    const name = checkPodName(node, request.runId);
    let pod: HelperPodStatus | undefined;
    try {
      pod = await kube.readHelperPod(namespace, name);
    } catch (error) {
      // One failed read would fail the whole collection, and its retries would read every pod
      // again (on a cluster failing 20 % of calls, ten reads rarely all pass): the node stays
      // pending and is read at the next collection. The last collection still fails loudly.
      if (request.final || !(error instanceof TransientError)) throw error;
      return { name, pod: undefined, verdict: { node, status: 'pending' } as CheckVerdict };
    }
    let verdict = judgeCheckPod(node, pod, false, true);
    if (verdict.status === 'pending' && request.final) verdict = judgeCheckPod(node, pod, true, (await kube.getNode(node))?.ready);
    return { name, pod, verdict };
  });
  const done = read.filter((r) => r.pod && r.verdict.status !== 'pending');
  const undeleted = (await mapBounded(done, request.parallelism, async (r) => {
    try {
      // No grace: a check has nothing to shut down, and a pod on a dead node would otherwise linger.
      await kube.deletePod({ namespace, name: r.name }, { gracePeriodSeconds: 0 });
      return undefined;
    } catch (error) {
      return `${r.name}: ${errorMessage(error)}`;
    }
  })).filter((u): u is string => u !== undefined);
  const verdicts = read.map((r) => r.verdict);
  return {
    results: verdicts.filter((v): v is CheckResult => v.status !== 'pending'),
    pending: verdicts.filter((v) => v.status === 'pending').map((v) => v.node),
    undeleted,
  };
}
