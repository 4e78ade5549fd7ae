// The admission preflight: server-side dry-run creates (`dryRun=All`) of the helper pods in
// REBOOT_NAMESPACE, so a Pod Security level, an Azure Policy / Gatekeeper constraint or a missing
// RBAC grant that would refuse them stops the run before any node is cordoned. The reboot
// helper is built for each given node with its current boot id (the pod the node would get);
// the check pod once at the run's preflight (given pools, not a wave's nodes), when the sentinel
// detector creates check pods. Each read and dry run is retried on its own
// (activities/retryRead.ts); a given node whose calls still fail is listed in `unchecked`, for the run
// to hold back, instead of failing the whole check.
import { z } from 'zod';
import { readDenial, type AdmissionDenial } from '../core/admission';
import { buildCheckPod, buildRebootHelper, type PodManifest } from '../core/helperPods';
import type { HelperRole } from '../core/helperPods';
import type { UnreadNode } from '../core/scheduleTerms';
import type { CheckAdmissionInput, CheckAdmissionResult } from './contracts';
import { readEach, retried } from './retryRead';
import { kubeFor, mapBounded, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, detectorConfig, imageReference, namespaceName, nodeName, poolName } from './schemas';

const checkAdmissionInput: z.ZodType<CheckAdmissionInput> = z.object({
  ...activityBase,
  namespace: namespaceName,
  image: imageReference,
  detector: detectorConfig,
  nodes: z.array(nodeName).optional(),
  pools: z.array(poolName).optional(),
});

const PARALLEL_DRY_RUNS = 4;

interface HelperCheck {
  role: HelperRole;
  node: string;
  manifest: PodManifest;
}

export async function checkAdmission(raw: unknown, context: ActivityContext): Promise<CheckAdmissionResult> {
  const input = parseInput('checkAdmission', checkAdmissionInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'preflight');
  const sleep = context.deps.sleep;
  const settings = { namespace: input.namespace, image: input.image, runId: input.runId };
  const dryRun = async (p: HelperCheck) => ({ ...p, outcome: await retried(sleep, () => kube.dryRunCreatePod(p.manifest)) });

  let answers: Array<Awaited<ReturnType<typeof dryRun>>>;
  const unchecked: UnreadNode[] = [];
  if (input.nodes?.length) {
    // Per node: its boot id, then its helper's dry run; a node gone since is not checked.
    const given = input.nodes;
    const perNode = await readEach(given, PARALLEL_DRY_RUNS, async (name) => {
      const node = await retried(sleep, () => kube.getNode(name));
      return node ? dryRun({ role: 'reboot', node: name, manifest: buildRebootHelper({ ...settings, node: name, bootId: node.bootId }) }) : undefined;
    });
    answers = [];
    perNode.forEach((r, i) => {
      if (!r.ok) unchecked.push({ node: given[i]!, reason: r.reason });
      else if (r.value) answers.push(r.value);
    });
  } else {
    const first = await firstNode();
    const pods: HelperCheck[] = first ? [{ role: 'reboot', node: first.name, manifest: buildRebootHelper({ ...settings, node: first.name, bootId: first.bootId }) }] : [];
    if (input.detector.kind === 'sentinel' && first) {
      pods.unshift({ role: 'check', node: first.name, manifest: buildCheckPod({ ...settings, node: first.name, sentinel: input.detector.path }) });
    }
    answers = await mapBounded(pods, PARALLEL_DRY_RUNS, dryRun);
  }
  const denials: AdmissionDenial[] = answers.flatMap((a) => (a.outcome.admitted ? [] : [readDenial({ role: a.role, node: a.node, namespace: input.namespace, status: a.outcome.status, message: a.outcome.message })]));
  if (denials.length > 0) log.warn('helper pods would be refused', { denials: denials.map((d) => ({ role: d.role, node: d.node, source: d.source, policies: d.policies })) });
  else log.info('helper pods admitted (dry run)', { pods: answers.length });
  if (unchecked.length > 0) log.warn('helper pods not checked for some nodes; they wait', { unchecked });
  return { checked: answers.length, denials, ...(unchecked.length > 0 ? { unchecked } : {}) };

  async function firstNode() {
    for (const pool of input.pools ?? []) {
      const found = (await retried(sleep, () => kube.listNodes(pool)))[0];
      if (found) return found;
    }
    return undefined;
  }
}
