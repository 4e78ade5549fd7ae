// Nodes: list by agent pool, read, cordon and uncordon (merge patch of spec.unschedulable, as
// kubectl does), and read-modify-write changes of labels, annotations and taints guarded by the
// resourceVersion, retried a few times on a conflict.

import { PatchStrategy, setHeaderOptions, type V1Node, type V1Taint } from '@kubernetes/client-node';
import { ACCEPTED_FORMS, isLabelValue, isQualifiedName } from '../../core/k8sNames';
import { kubeCall, kubeCallExpecting, TransientError } from './errors';
import { toNodeInfo } from './convert';
import type { KubeApis } from './kubeApis';
import { DEFAULT_PAGE_SIZE, listAllPages } from './paginate';
import { AGENT_POOL_LABEL, type CordonResult, type NodeChange, type NodeInfo, type NodeUpdateResult, type Taint } from './types';

export const DEFAULT_CONFLICT_RETRIES = 5;
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const MISSING = { outcome: 'missing' } as const;

/** Every node of the pool (label kubernetes.azure.com/agentpool), or of the cluster without a pool. */
export async function listNodes(apis: KubeApis, pool?: string): Promise<NodeInfo[]> {
  if (pool !== undefined && !isLabelValue(pool)) throw new Error(`agent pool name ${JSON.stringify(pool)} is not accepted (expected a label value: letters, digits, '-', '_', '.')`);
  const what = pool === undefined ? 'listing nodes' : `listing the nodes of pool ${pool}`;
  const nodes = await listAllPages(what, (token) => kubeCall(what, () => apis.core.listNode({
    ...(pool !== undefined && { labelSelector: `${AGENT_POOL_LABEL}=${pool}` }),
    limit: DEFAULT_PAGE_SIZE,
    ...(token && { _continue: token }),
  })));
  return nodes.map(toNodeInfo);
}

export async function getNode(apis: KubeApis, name: string): Promise<NodeInfo | undefined> {
  const node = await readNode(apis, name);
  return node && toNodeInfo(node);
}

/** Marks the node unschedulable; `unchanged` when it already was (someone else's cordon, or ours). */
export function cordonNode(apis: KubeApis, name: string): Promise<CordonResult> {
  return setUnschedulable(apis, name, true);
}

/** Makes the node schedulable again; whether we may (we cordoned it) is the caller's rule. */
export function uncordonNode(apis: KubeApis, name: string): Promise<CordonResult> {
  return setUnschedulable(apis, name, false);
}

async function setUnschedulable(apis: KubeApis, name: string, unschedulable: boolean): Promise<CordonResult> {
  const current = await getNode(apis, name);
  if (!current) return MISSING;
  if (current.unschedulable === unschedulable) return { outcome: 'unchanged', node: current };
  const what = `${unschedulable ? 'cordoning' : 'uncordoning'} node ${name}`;
  // null removes the field, as `kubectl uncordon` leaves it.
  const patched = await kubeCallExpecting(what, () => apis.core.patchNode({ name, body: { spec: { unschedulable: unschedulable ? true : null } } }, MERGE_PATCH), { 404: () => MISSING });
  return 'outcome' in patched ? patched : { outcome: 'changed', node: toNodeInfo(patched) };
}

/**
 * Reads the node, asks `decide` what to change given what it sees (undefined: nothing), and
 * writes the change with the resourceVersion read, so a concurrent writer makes us re-read and
 * decide again instead of overwriting. A conflict that outlasts `retries` is transient.
 */
export async function updateNode(apis: KubeApis, name: string, decide: (node: NodeInfo) => NodeChange | undefined, retries = DEFAULT_CONFLICT_RETRIES): Promise<NodeUpdateResult> {
  const what = `updating node ${name}`;
  const checked = (node: NodeInfo): NodeChange | undefined => {
    const change = decide(node);
    if (change) checkChange(change);
    return change;
  };
  for (let attempt = 0; attempt <= retries; attempt++) {
    const raw = await readNode(apis, name);
    if (!raw) return MISSING;
    const before = toNodeInfo(raw);
    const change = checked(before);
    if (!change || !applyChange(raw, change)) return { outcome: 'unchanged', node: before };
    const written = await kubeCallExpecting(what, () => apis.core.replaceNode({ name, body: raw }), { 409: () => 'conflict' as const, 404: () => 'missing' as const });
    if (written === 'missing') return MISSING;
    if (written !== 'conflict') return { outcome: 'updated', node: toNodeInfo(written) };
  }
  throw new TransientError(`${what}: the node kept changing under us (${retries + 1} conflicts)`, { status: 409 });
}

/** Sets (string) or removes (null) annotations. */
export function annotateNode(apis: KubeApis, name: string, annotations: Record<string, string | null>): Promise<NodeUpdateResult> {
  return updateNode(apis, name, () => ({ annotations }));
}

/** Sets (string) or removes (null) labels. */
export function labelNode(apis: KubeApis, name: string, labels: Record<string, string | null>): Promise<NodeUpdateResult> {
  return updateNode(apis, name, () => ({ labels }));
}

export function taintNode(apis: KubeApis, name: string, taint: Taint): Promise<NodeUpdateResult> {
  return updateNode(apis, name, () => ({ addTaints: [taint] }));
}

export function untaintNode(apis: KubeApis, name: string, taint: { key: string; effect?: string }): Promise<NodeUpdateResult> {
  return updateNode(apis, name, () => ({ removeTaints: [taint] }));
}

async function readNode(apis: KubeApis, name: string): Promise<V1Node | undefined> {
  return kubeCallExpecting(`reading node ${name}`, () => apis.core.readNode({ name }), { 404: () => undefined });
}

/** Refuses keys and values the apiserver would, before any write, naming the offender. */
export function checkChange(change: NodeChange): void {
  const problems: string[] = [];
  for (const [kind, entries] of [['label', change.labels], ['annotation', change.annotations]] as const) {
    for (const [key, value] of Object.entries(entries ?? {})) {
      if (!isQualifiedName(key)) problems.push(`${kind} key ${JSON.stringify(key)} is not accepted (expected ${ACCEPTED_FORMS.qualifiedName})`);
      if (kind === 'label' && value !== null && !isLabelValue(value)) problems.push(`label value ${JSON.stringify(value)} of ${key} is not accepted (expected ${ACCEPTED_FORMS.labelValue})`);
    }
  }
  for (const taint of [...(change.addTaints ?? []), ...(change.removeTaints ?? [])]) {
    if (!isQualifiedName(taint.key)) problems.push(`taint key ${JSON.stringify(taint.key)} is not accepted (expected ${ACCEPTED_FORMS.qualifiedName})`);
    if (taint.effect !== undefined && !TAINT_EFFECTS.includes(taint.effect)) problems.push(`taint effect ${JSON.stringify(taint.effect)} is not accepted (expected ${TAINT_EFFECTS.join(', ')})`);
  }
  if (problems.length > 0) throw new Error(`invalid node change: ${problems.join('; ')}`);
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Applies `change` to the node object in place; false when it changes nothing. */
export function applyChange(node: V1Node, change: NodeChange): boolean {
  let changed = false;
  node.metadata ??= {};
  node.spec ??= {};
  for (const [field, entries] of [['labels', change.labels], ['annotations', change.annotations]] as const) {
    if (!entries) continue;
    const map: Record<string, string> = { ...(node.metadata[field] ?? {}) };
    for (const [key, value] of Object.entries(entries)) {
      if (value === null ? key in map : map[key] !== value) changed = true;
      if (value === null) delete map[key];
      else map[key] = value;
    }
    node.metadata[field] = map;
  }
  let taints: V1Taint[] = [...(node.spec.taints ?? [])];
  for (const remove of change.removeTaints ?? []) {
    const kept = taints.filter((t) => !(t.key === remove.key && (remove.effect === undefined || t.effect === remove.effect)));
    if (kept.length !== taints.length) changed = true;
    taints = kept;
  }
  for (const add of change.addTaints ?? []) {
    const existing = taints.find((t) => t.key === add.key && t.effect === add.effect);
    if (existing && (existing.value ?? '') === (add.value ?? '')) continue;
    changed = true;
    taints = [...taints.filter((t) => t !== existing), { key: add.key, effect: add.effect, ...(add.value !== undefined && { value: add.value }) }];
  }
  node.spec.taints = taints.length > 0 ? taints : undefined;
  if (change.unschedulable !== undefined && (node.spec.unschedulable === true) !== change.unschedulable) {
    changed = true;
    node.spec.unschedulable = change.unschedulable || undefined;
  }
  return changed;
}
