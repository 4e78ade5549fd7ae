// Puts back nodes left behind by a run that stopped living (terminated from the portal, lost):
// with the cluster Lease held by us, a node carrying another run's in-progress annotation is an
// orphan. It is restored as the annotation recorded it: uncordoned only if we had cordoned it,
// our taint, the labels we changed, the scale-down guard we added and the helper pods removed.
// A node whose reboot was sent and that is not Ready is left for an operator until it is back.
import { z } from 'zod';
import type { KubeClient, NodeChange, NodeInfo } from '../adapters/kube';
import type { RepairedNode, RepairOrphansInput, RepairOrphansResult } from './contracts';
import { deleteHelperPodsOnNode } from './helperPodsOnNode';
import { IN_PROGRESS_ANNOTATION, readInProgress, SCALE_DOWN_DISABLED_ANNOTATION, type InProgressRead } from './nodeState';
import { kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';
import { activityBase, namespaceName } from './schemas';

const repairOrphansInput: z.ZodType<RepairOrphansInput> = z.object({
  ...activityBase,
  namespace: namespaceName,
  instanceId: z.string().min(1),
  preferNoScheduleTaint: z.string(),
});

function isOrphan(lock: InProgressRead, input: RepairOrphansInput): boolean {
  if (lock.state === 'none') return false;
  if (lock.state === 'unreadable') return true;
  return lock.value.runId !== input.runId && !lock.value.instanceId.startsWith(`${input.instanceId}-`);
}

/** A node whose reboot was sent and that is not Ready stays as its run left it, for an operator, until it is back. */
function awaitingOperator(node: NodeInfo, lock: InProgressRead): boolean {
  return lock.state === 'held' && lock.value.rebootIssuedAt !== undefined && !node.ready;
}

/** The change that restores a node from its in-progress record. Pure. */
export function restoreChange(node: NodeInfo, lock: InProgressRead, taintKey: string): { change: NodeChange; uncordon: boolean } {
  const annotations: Record<string, string | null> = { [IN_PROGRESS_ANNOTATION]: null };
  const change: NodeChange = { annotations };
  if (taintKey !== '') change.removeTaints = [{ key: taintKey, effect: 'PreferNoSchedule' }];
  if (lock.state !== 'held') return { change, uncordon: false };
  if (lock.value.addedScaleDownDisabled !== false) annotations[SCALE_DOWN_DISABLED_ANNOTATION] = null;
  if (lock.value.labelsBefore) change.labels = { ...lock.value.labelsBefore };
  const uncordon = !lock.value.wasUnschedulable && node.unschedulable;
  if (uncordon) change.unschedulable = false;
  return { change, uncordon };
}

function describe(node: NodeInfo, lock: InProgressRead, uncordoned: boolean): string {
  if (lock.state !== 'held') return 'an unreadable in-progress annotation was removed; cordon state left as it is';
  const v = lock.value;
  const reboot = v.rebootIssuedAt === undefined
    ? 'its reboot was never sent'
    : node.bootId !== v.bootId ? `its reboot (sent ${v.rebootIssuedAt}) happened` : `its reboot was sent at ${v.rebootIssuedAt} but the boot id is unchanged`;
  const cordon = uncordoned ? 'uncordoned' : v.wasUnschedulable ? 'left cordoned (it was cordoned before that run)' : 'was already schedulable';
  return `run ${v.runId} stopped while holding the node since ${v.startedAt}; ${reboot}; ${cordon}`;
}

async function repair(kube: KubeClient, input: RepairOrphansInput, name: string): Promise<RepairedNode | undefined> {
  let seen: { node: NodeInfo; lock: InProgressRead; uncordon: boolean } | undefined;
  const update = await kube.updateNode(name, (node) => {
    seen = undefined;
    const lock = readInProgress(node);
    if (!isOrphan(lock, input) || awaitingOperator(node, lock)) return undefined;
    const { change, uncordon } = restoreChange(node, lock, input.preferNoScheduleTaint);
    seen = { node, lock, uncordon };
    return change;
  });
  if (update.outcome === 'missing' || !seen) return undefined;
  await deleteHelperPodsOnNode(kube, input.namespace, name, 'reboot');
  return {
    node: name,
    previousInstanceId: seen.lock.state === 'held' ? seen.lock.value.instanceId : 'unknown',
    uncordoned: seen.uncordon,
    message: describe(seen.node, seen.lock, seen.uncordon),
  };
}

export async function repairOrphans(raw: unknown, context: ActivityContext): Promise<RepairOrphansResult> {
  const input = parseInput('repairOrphans', repairOrphansInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'repair');
  const orphans = (await kube.listNodes()).filter((n) => isOrphan(readInProgress(n), input));
  for (const node of orphans.filter((n) => awaitingOperator(n, readInProgress(n)))) {
    log.warn('orphaned node not Ready since its reboot: left cordoned and annotated for an operator', { node: node.name });
  }
  const candidates = orphans.filter((n) => !awaitingOperator(n, readInProgress(n))).map((n) => n.name);
  const repaired: RepairedNode[] = [];
  for (const name of candidates) {
    const done = await repair(kube, input, name);
    if (done) {
      repaired.push(done);
      log.warn('orphaned node repaired', { node: name, previousInstanceId: done.previousInstanceId, uncordoned: done.uncordoned, message: done.message });
    }
  }
  return { repaired };
}
