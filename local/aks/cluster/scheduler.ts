// The default scheduler's filters and a simple score, as a pure function: which node a pending
// pod binds to, or why none fits (the message `kubectl describe pod` would show). Filters:
// node readiness, cordon, nodeSelector, NoSchedule/NoExecute taints, required pod
// anti-affinity, NodeResourcesFit (pods, cpu and memory requests against allocatable: upstream
// `pkg/scheduler/framework/plugins/noderesources/fit.go`), topology spread (DoNotSchedule). Score, in order:
// fewer untolerated PreferNoSchedule taints, emptier spread domain, fewer pods.
import { matchesRequirements, labelSelectorRequirements, type LabelRequirement } from './selectors';
import { isActive, isFinished, isNodeReady, tolerates } from './podState';
import { insufficient, nodeAllocatable, podRequests, type Resources } from './resources';
import type { Node, Pod, Taint } from './types';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export interface SchedulingView {
  nodes: Node[];
  node(name: string): Node | undefined;
  /** Pods bound to the node that are not finished: what counts against its pod capacity. */
  load(node: string): number;
  /** The requests of those pods (millicores, bytes). */
  requested(node: string): Resources;
  /** Pods of a namespace (the scheduler reads their node and labels). */
  podsInNamespace(namespace: string): Iterable<Pod>;
  /** Optional memo of per-node facts by nodeSelector, shared by the pods of one scheduling pass. */
  selectorCache?: Map<string, NodeFacts[]>;
}

export type ScheduleResult = { node: string } | { unschedulable: string };

/** What the filters read of a node, computed once per scheduling pass. */
export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  ready: boolean;
  unschedulable: boolean;
  hardTaints: Taint[];
  softTaints: Taint[];
  allocatable: Resources & { pods: number };
}

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
const NOT_READY_TAINT: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
const SELECTOR_MISMATCH = "node(s) didn't match Pod's node affinity/selector";

function facts(n: Node): NodeFacts {
  const taints = n.spec.taints ?? [];
  return {
    name: n.metadata.name,
    labels: n.metadata.labels ?? {},
    ready: isNodeReady(n),
    unschedulable: n.spec.unschedulable === true,
    hardTaints: taints.filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && t.key !== UNSCHEDULABLE_TAINT.key && t.key !== NOT_READY_TAINT.key),
    softTaints: taints.filter((t) => t.effect === 'PreferNoSchedule'),
    allocatable: nodeAllocatable(n),
  };
}

function candidates(pod: Pod, view: SchedulingView): NodeFacts[] {
  const sel = pod.spec.nodeSelector ?? {};
  const key = JSON.stringify(sel);
  const cached = view.selectorCache?.get(key);
  if (cached) return cached;
  const entries = Object.entries(sel);
  const out = view.nodes.filter((n) => entries.every(([k, v]) => n.metadata.labels?.[k] === v)).map(facts);
  view.selectorCache?.set(key, out);
  return out;
}

export function schedulePod(pod: Pod, view: SchedulingView): ScheduleResult {
  const reasons = new Map<string, number>();
  const reject = (why: string): void => {
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  };
  const ns = pod.metadata.namespace ?? 'default';
  const tolerations = pod.spec.tolerations;
  const nodes = candidates(pod, view);
  if (nodes.length < view.nodes.length) reasons.set(SELECTOR_MISMATCH, view.nodes.length - nodes.length);
  const toleratesNotReady = tolerates(tolerations, NOT_READY_TAINT);
  const requests = podRequests(pod);
  const toleratesUnschedulable = tolerates(tolerations, UNSCHEDULABLE_TAINT);

  const anti = (pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => {
    const reqs = labelSelectorRequirements(t.labelSelector) ?? [];
    const taken = new Set<string>();
    for (const n of t.namespaces?.length ? t.namespaces : [ns]) {
      for (const other of view.podsInNamespace(n)) {
        if (!other.spec.nodeName || isFinished(other) || other === pod || !matchesRequirements(reqs, other.metadata.labels)) continue;
        const value = view.node(other.spec.nodeName)?.metadata.labels?.[t.topologyKey];
        if (value !== undefined) taken.add(value);
      }
    }
    return { key: t.topologyKey, taken };
  });
  const spread = (pod.spec.topologySpreadConstraints ?? []).map((c) => {
    const counts = domainCounts(view, nodes, c.topologyKey, labelSelectorRequirements(c.labelSelector) ?? [], ns);
    return { c, counts, min: counts.size ? Math.min(...counts.values()) : 0 };
  });

  let best: { name: string; prefer: number; skew: number; load: number } | undefined;
  for (const f of nodes) {
    if (!f.ready && !toleratesNotReady) { reject('node(s) had untolerated taint {node.kubernetes.io/not-ready: }'); continue; }
    if (f.unschedulable && !toleratesUnschedulable) { reject('node(s) were unschedulable'); continue; }
    const taint = f.hardTaints.length ? f.hardTaints.find((t) => !tolerates(tolerations, t)) : undefined;
    if (taint) { reject(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`); continue; }
    if (anti.some((a) => { const v = f.labels[a.key]; return v !== undefined && a.taken.has(v); })) { reject("node(s) didn't match pod anti-affinity rules"); continue; }
    const load = view.load(f.name);
    const misses = insufficient(requests, { pods: load, ...view.requested(f.name) }, f.allocatable);
    if (misses.length) {
      for (const m of misses) reject(m.resource === 'pods' ? 'Too many pods' : `Insufficient ${m.resource}`);
      continue;
    }
    let skew = 0;
    let spreadOk = true;
    for (const { c, counts, min } of spread) {
      const mine = counts.get(f.labels[c.topologyKey] ?? '') ?? 0;
      if (c.whenUnsatisfiable === 'DoNotSchedule' && mine + 1 - min > c.maxSkew) { spreadOk = false; break; }
      skew += mine;
    }
    if (!spreadOk) { reject("node(s) didn't match pod topology spread constraints"); continue; }
    const prefer = f.softTaints.length ? f.softTaints.filter((t) => !tolerates(tolerations, t)).length : 0;
    if (!best || prefer < best.prefer || (prefer === best.prefer && (skew < best.skew || (skew === best.skew && load < best.load)))) {
      best = { name: f.name, prefer, skew, load };
    }
  }
  if (best) return { node: best.name };
  const parts = [...reasons.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([why, n]) => `${n} ${why}`);
  return { unschedulable: `0/${view.nodes.length} nodes are available: ${parts.join(', ')}.` };
}

function domainCounts(view: SchedulingView, nodes: NodeFacts[], key: string, reqs: LabelRequirement[], ns: string): Map<string, number> {
  const counts = new Map<string, number>();
  const nodeDomain = new Map<string, string>();
  for (const n of nodes) {
    const d = n.labels[key];
    if (d === undefined) continue;
    counts.set(d, 0);
    nodeDomain.set(n.name, d);
  }
  for (const p of view.podsInNamespace(ns)) {
    if (!p.spec.nodeName || !isActive(p) || !matchesRequirements(reqs, p.metadata.labels)) continue;
    const d = nodeDomain.get(p.spec.nodeName);
    if (d !== undefined) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return counts;
}
