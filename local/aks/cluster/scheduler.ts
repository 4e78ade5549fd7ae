// The default scheduler's filters and a simple score, as a pure function: which node a pending
// pod binds to, or why none fits (the message `kubectl describe pod` would show).
import { matchesRequirements, labelSelectorRequirements, type LabelRequirement } from './selectors';
import { isActive, isFinished, isNodeReady, tolerates } from './podState';
import type { Node, Pod, Taint } from './types';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface SchedulingView {
  nodes: Node[];
  node(name: string): Node | undefined;
  /** Pods bound to a node (any phase but finished counts for capacity and affinity). */
  podsOnNode(node: string): Iterable<Pod>;
  podsInNamespace(namespace: string): Iterable<Pod>;
}

export type ScheduleResult = { node: string } | { unschedulable: string };

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const NOT_READY_TAINT: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };

export function schedulePod(pod: Pod, view: SchedulingView): ScheduleResult {
  const reasons = new Map<string, number>();
  const reject = (why: string): false => {
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
    return false;
  };
  const ns = pod.metadata.namespace ?? 'default';
  const antiTerms = (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [])
    .map((t) => ({ key: t.topologyKey, reqs: labelSelectorRequirements(t.labelSelector) ?? [], namespaces: t.namespaces?.length ? t.namespaces : [ns] }));
  const takenDomains = antiTerms.map((t) => {
    const domains = new Set<string>();
    for (const n of t.namespaces) {
      for (const other of view.podsInNamespace(n)) {
        if (!other.spec.nodeName || isFinished(other) || other === pod) continue;
        if (!matchesRequirements(t.reqs, other.metadata.labels)) continue;
        const node = view.node(other.spec.nodeName);
        const value = node?.metadata.labels?.[t.key];
        if (value !== undefined) domains.add(value);
      }
    }
    return domains;
  });
  const selectorNodes = view.nodes.filter((n) => Object.entries(pod.spec.nodeSelector ?? {}).every(([k, v]) => n.metadata.labels?.[k] === v));
  const spread = (pod.spec.topologySpreadConstraints ?? []).map((c) => {
    const reqs = labelSelectorRequirements(c.labelSelector) ?? [];
    const counts = domainCounts(view, selectorNodes, c.topologyKey, reqs, ns);
    return { c, counts, min: counts.size ? Math.min(...counts.values()) : 0 };
  });

  const feasible = view.nodes.filter((node) => {
    const labels = node.metadata.labels ?? {};
    if (!isNodeReady(node) && !tolerates(pod.spec.tolerations, NOT_READY_TAINT)) return reject("node(s) had untolerated taint {node.kubernetes.io/not-ready: }");
    if (node.spec.unschedulable && !tolerates(pod.spec.tolerations, UNSCHEDULABLE_TAINT)) return reject('node(s) were unschedulable');
    for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
      if (labels[k] !== v) return reject("node(s) didn't match Pod's node affinity/selector");
    }
    const taint = (node.spec.taints ?? []).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod.spec.tolerations, t));
    if (taint) return reject(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    for (let i = 0; i < antiTerms.length; i++) {
      const v = labels[antiTerms[i]!.key];
      if (v !== undefined && takenDomains[i]!.has(v)) return reject("node(s) didn't match pod anti-affinity rules");
    }
    const max = Number(node.status.allocatable?.pods ?? '110');
    let count = 0;
    for (const p of view.podsOnNode(node.metadata.name)) if (!isFinished(p)) count++;
    if (count >= max) return reject('Too many pods');
    return true;
  });

  const eligible = feasible.filter((node) => spread.every(({ c, counts, min }) => {
    if (c.whenUnsatisfiable !== 'DoNotSchedule') return true;
    const mine = counts.get(node.metadata.labels?.[c.topologyKey] ?? '') ?? 0;
    if (mine + 1 - min > c.maxSkew) return reject("node(s) didn't match pod topology spread constraints");
    return true;
  }));

  if (eligible.length === 0) {
    const parts = [...reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([why, n]) => `${n} ${why}`);
    return { unschedulable: `0/${view.nodes.length} nodes are available: ${parts.join(', ')}.` };
  }

  let best: { node: Node; score: number[] } | undefined;
  for (const node of eligible) {
    const prefer = (node.spec.taints ?? []).filter((t) => t.effect === 'PreferNoSchedule' && !tolerates(pod.spec.tolerations, t)).length;
    const skew = spread.reduce((s, { c, counts }) => s + (counts.get(node.metadata.labels?.[c.topologyKey] ?? '') ?? 0), 0);
    let load = 0;
    for (const p of view.podsOnNode(node.metadata.name)) if (isActive(p)) load++;
    const score = [prefer, skew, load];
    if (!best || lexLess(score, best.score)) best = { node, score };
  }
  return { node: best!.node.metadata.name };
}

function domainCounts(view: SchedulingView, nodes: Node[], key: string, reqs: LabelRequirement[], ns: string): Map<string, number> {
  const counts = new Map<string, number>();
  const nodeDomain = new Map<string, string>();
  for (const n of nodes) {
    const d = n.metadata.labels?.[key];
    if (d === undefined) continue;
    counts.set(d, 0);
    nodeDomain.set(n.metadata.name, d);
  }
  for (const p of view.podsInNamespace(ns)) {
    if (!p.spec.nodeName || !isActive(p) || !matchesRequirements(reqs, p.metadata.labels)) continue;
    const d = nodeDomain.get(p.spec.nodeName);
    if (d !== undefined) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return counts;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return false;
}
