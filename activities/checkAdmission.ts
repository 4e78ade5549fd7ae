// The admission preflight: server-side dry-run creates (`dryRun=All`) of the helper pods in
// REBOOT_NAMESPACE, so a Pod Security level, an Azure Policy / Gatekeeper constraint or a missing
// RBAC grant that would refuse them stops the run before any node is cordoned. The reboot
// helper is built for each given node with its current boot id (the pod the node would get);
// the check pod once at the run's preflight (given pools, not a wave's nodes), when the sentinel
// detector creates check pods.
import { z } from 'zod';
import { readDenial, type AdmissionDenial } from '../core/admission';
import { buildCheckPod, buildRebootHelper, type PodManifest } from '../core/helperPods';
import type { HelperRole } from '../core/helperPods';
import type { CheckAdmissionInput, CheckAdmissionResult } from './contracts';
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

export async function checkAdmission(raw: unknown, context: ActivityContext): Promise<CheckAdmissionResult> {
  const input = parseInput('checkAdmission', checkAdmissionInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'preflight');
  const nodes = input.nodes?.length ? (await mapBounded(input.nodes, PARALLEL_DRY_RUNS, (n) => kube.getNode(n))).filter((n) => n !== undefined) : await firstNode();
  const settings = { namespace: input.namespace, image: input.image, runId: input.runId };
  const pods: Array<{ role: HelperRole; node: string; manifest: PodManifest }> = nodes.map((n) => ({
    role: 'reboot' as const, node: n.name, manifest: buildRebootHelper({ ...settings, node: n.name, bootId: n.bootId }),
  }));
  if (input.detector.kind === 'sentinel' && !input.nodes?.length && nodes[0]) {
    pods.unshift({ role: 'check', node: nodes[0].name, manifest: buildCheckPod({ ...settings, node: nodes[0].name, sentinel: input.detector.path }) });
  }
  const answers = await mapBounded(pods, PARALLEL_DRY_RUNS, async (p) => ({ ...p, outcome: await kube.dryRunCreatePod(p.manifest) }));
  const denials: AdmissionDenial[] = answers.flatMap((a) => (a.outcome.admitted ? [] : [readDenial({ role: a.role, node: a.node, namespace: input.namespace, status: a.outcome.status, message: a.outcome.message })]));
  if (denials.length > 0) log.warn('helper pods would be refused', { denials: denials.map((d) => ({ role: d.role, node: d.node, source: d.source, policies: d.policies })) });
  else log.info('helper pods admitted (dry run)', { pods: pods.length });
  return { checked: pods.length, denials };

  async function firstNode() {
    for (const pool of input.pools ?? []) {
      const found = (await kube.listNodes(pool))[0];
      if (found) return [found];
    }
    return [];
  }
}
