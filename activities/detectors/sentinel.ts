// REBOOT_DETECTOR=sentinel (default): one check pod per node (core/helperPods) runs
// `test -f /sentinel/<file>` against the node's sentinel directory; exit 0 = reboot required,
// exit 1 = not. Started in one activity, collected in another after a durable timer (as often
// as it takes), deleted by a third once every answer is in the run's history: a collection
// reads and never deletes, so a collection that runs twice (a crash before its completion was
// recorded, a duplicate delivery) reads the same answers again. A check that could not run —
// node NotReady, image pull error, pod rejected, still pending at the last collection — is
// "unknown" with the reason.
import type { HelperPodStatus, KubeClient } from '../../adapters/kube';
import { TransientError } from '../../adapters/kube';
import { buildCheckPod, checkPodName, MANAGED_BY, MANAGED_BY_LABEL, ROLE_LABEL, RUN_ID_ANNOTATION } from '../../core/helperPods';
import type { CheckResult, DetectorConfig } from '../contracts';
import { retried } from '../retryRead';
import { errorMessage, mapBounded } from '../runtime';
import type { RebootDetector } from './detector';

export function sentinelDetector(config: Extract<DetectorConfig, { kind: 'sentinel' }>): RebootDetector {
  return {
    name: 'sentinel',
    async start(nodes, request) {
      const outcomes = await mapBounded(nodes, request.parallelism, async (node): Promise<CheckResult | 'pending'> => {
        if (!node.ready) return { node: node.name, status: 'unknown', reason: 'the node is NotReady: its check pod cannot run' };
        try {
          // Retried on its own (a create that answers AlreadyExists was made by an earlier try):
          // one node's failure no longer fails every node's check.
          await retried(request.sleep, () => request.kube.createHelperPod(buildCheckPod({ namespace: request.namespace, image: request.image, node: node.name, runId: request.runId, sentinel: config.path })));
          return 'pending';
        } catch (error) {
          return { node: node.name, status: 'unknown', reason: `its check pod could not be created: ${errorMessage(error).slice(0, 200)}` };
        }
      });
      return {
        results: outcomes.filter((o): o is CheckResult => o !== 'pending'),
        pending: nodes.filter((_, i) => outcomes[i] === 'pending').map((n) => n.name),
      };
    },
  };
}

const CHECK_POD_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY},${ROLE_LABEL}=check`;

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
 * Reads the check pods of `nodes`. Read-only: the same pods give the same verdicts however often
 * it runs (deleteSentinelChecks removes them once the run has recorded every answer).
 */
export async function collectSentinelChecks(request: CollectRequest): Promise<{ results: CheckResult[]; pending: string[] }> {
  const { kube, namespace } = request;
  const verdicts = await mapBounded(request.nodes, request.parallelism, async (node): Promise<CheckVerdict> => {
    let pod: HelperPodStatus | undefined;
    try {
      pod = await kube.readHelperPod(namespace, checkPodName(node, request.runId));
    } catch (error) {
      // One failed read would fail the whole collection, and its retries would read every pod
      // again (on a cluster failing 20 % of calls, ten reads rarely all pass): the node stays
      // pending and is read at the next collection. The last collection still fails loudly.
      if (request.final || !(error instanceof TransientError)) throw error;
      return { node, status: 'pending' };
    }
    const verdict = judgeCheckPod(node, pod, false, true);
    if (verdict.status === 'pending' && request.final) return judgeCheckPod(node, pod, true, (await kube.getNode(node))?.ready);
    return verdict;
  });
  return {
    results: verdicts.filter((v): v is CheckResult => v.status !== 'pending'),
    pending: verdicts.filter((v) => v.status === 'pending').map((v) => v.node),
  };
}

export interface DeleteChecksRequest {
  kube: KubeClient;
  namespace: string;
  runId: string;
  nodes: readonly string[];
  parallelism: number;
  /** ms since the epoch: what "stale" is measured from. */
  now: number;
}

/**
 * No run's discovery lasts this long (its checks time out after minutes): a check pod of another
 * run older than this was left by a run that ended during discovery (failed, terminated).
 */
export const STALE_CHECK_SECONDS = 3600;

/** The check pods of other runs created more than STALE_CHECK_SECONDS before `now`. Pure. */
export function staleCheckPods(pods: readonly HelperPodStatus[], runId: string, now: number): string[] {
  return pods
    .filter((p) => p.annotations[RUN_ID_ANNOTATION] !== runId && p.createdAt !== undefined && now - Date.parse(p.createdAt) > STALE_CHECK_SECONDS * 1000)
    .map((p) => p.name);
}

/**
 * Deletes the run's check pods of `nodes` (names are fixed per node and run), and the stale check
 * pods of earlier runs; one already gone counts as deleted, so running it again changes nothing.
 * Best effort: a pod that could not be deleted (or a list that failed) is named in `undeleted`
 * with why, and harms nothing (a check pod has ended, or only reads a file).
 */
export async function deleteSentinelChecks(request: DeleteChecksRequest): Promise<{ deleted: number; leftovers: string[]; undeleted: string[] }> {
  const { kube, namespace } = request;
  const undeleted: string[] = [];
  let leftovers: string[] = [];
  try {
    leftovers = staleCheckPods(await kube.listHelperPods(namespace, CHECK_POD_SELECTOR), request.runId, request.now);
  } catch (error) {
    undeleted.push(`earlier runs' check pods: ${errorMessage(error)}`);
  }
  const names = [...request.nodes.map((node) => checkPodName(node, request.runId)), ...leftovers];
  const failures = (await mapBounded(names, request.parallelism, async (name) => {
    try {
      // No grace: a check has nothing to shut down, and a pod on a dead node would otherwise linger.
      await kube.deletePod({ namespace, name }, { gracePeriodSeconds: 0 });
      return undefined;
    } catch (error) {
      return `${name}: ${errorMessage(error)}`;
    }
  })).filter((u): u is string => u !== undefined);
  return { deleted: names.length - failures.length, leftovers, undeleted: [...undeleted, ...failures] };
}
