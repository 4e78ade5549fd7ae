// The workload controllers of kube-controller-manager, reduced to what a reboot rollout
// meets: a Deployment keeps one ReplicaSet at its replicas, a ReplicaSet keeps its active pods
// at its replicas, a StatefulSet keeps ordinals 0..n-1 (a replacement only once the old pod is
// gone), a DaemonSet keeps one pod per eligible node. Each also writes its status.
import { isActive, isHealthy, isPodReady, tolerates } from './podState';
import { NAME_SUFFIX_ALPHABET, stringHash } from './prng';
import { resolvedMaxUnavailable } from './rolloutStrategy';
import type { Node, OwnerReference, Pod, Toleration, Workload } from './types';

import { DEPLOY, DS, RS, STS } from './resourceNames';

export interface ControllerHost {
  now(): string;
  ownedPods(ownerUid: string): Pod[];
  ownedReplicaSets(ownerUid: string): Workload[];
  nodes(): Node[];
  /** Creates a pod through the same admission as the API. */
  createPod(pod: Pod): void;
  /** Deletes a pod gracefully on the controller's behalf (not a voluntary disruption). */
  deletePod(pod: Pod): void;
  createReplicaSet(rs: Workload): Workload;
  /** Saves a workload's status if it differs, or always with `specChanged` (bumping its generation). */
  saveWorkload(resource: string, w: Workload, status: Record<string, unknown>, specChanged?: boolean): void;
  randomSuffix(): string;
}

export function ownerRef(kind: string, w: Workload): OwnerReference {
  return { apiVersion: 'apps/v1', kind, name: w.metadata.name, uid: w.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

const hashes = new WeakMap<object, { json: string; hash: string }>();

/** The `pod-template-hash` label: FNV-1a of the template, encoded as Kubernetes encodes it. */
export function templateHash(template: object): string {
  const json = JSON.stringify(template);
  const memo = hashes.get(template);
  if (memo?.json === json) return memo.hash;
  const hash = fnvHash(json);
  hashes.set(template, { json, hash });
  return hash;
}

function fnvHash(json: string): string {
  let h = stringHash(json);
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += NAME_SUFFIX_ALPHABET[h % NAME_SUFFIX_ALPHABET.length];
    h = (Math.floor(h / NAME_SUFFIX_ALPHABET.length) ^ Math.imul(h, 31)) >>> 0;
  }
  return out;
}

function podFromTemplate(w: Workload, kind: string, extraLabels: Record<string, string>): Pod {
  const t = structuredClone(w.spec.template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      namespace: w.metadata.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...extraLabels },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [ownerRef(kind, w)],
    },
    spec: t.spec,
    status: {},
  };
}

export function reconcileDeployment(host: ControllerHost, d: Workload): void {
  const hash = templateHash(d.spec.template);
  const replicas = d.spec.replicas ?? 1;
  const owned = host.ownedReplicaSets(d.metadata.uid!);
  let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  if (!current) {
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels };
    current = host.createReplicaSet({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels,
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': String(owned.length + 1) },
        ownerReferences: [ownerRef('Deployment', d)],
      },
      spec: { replicas, selector: { matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } }, template },
    });
  }
  // Old ReplicaSets are scaled to zero at once (a Recreate-like rollout keeps the model small).
  for (const rs of owned) {
    const want = rs === current ? replicas : 0;
    if (rs.spec.replicas !== want) {
      rs.spec.replicas = want;
      host.saveWorkload(RS, rs, rs.status ?? {}, true);
    }
  }
  const all = host.ownedReplicaSets(d.metadata.uid!);
  const sum = (field: string) => all.reduce((s, rs) => s + Number(rs.status?.[field] ?? 0), 0);
  const available = sum('availableReplicas');
  const maxUnavailable = resolvedMaxUnavailable(d);
  const ok = available >= replicas - maxUnavailable;
  const prev = (d.status?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined) ?? [];
  const since = (type: string, status: string) => prev.find((c) => c.type === type && c.status === status)?.lastTransitionTime ?? host.now();
  host.saveWorkload(DEPLOY, d, {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum('replicas'),
    updatedReplicas: Number(current.status?.replicas ?? 0),
    readyReplicas: sum('readyReplicas'),
    availableReplicas: available,
    ...(replicas - available > 0 ? { unavailableReplicas: replicas - available } : {}),
    conditions: [
      ok
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastTransitionTime: since('Available', 'True'), lastUpdateTime: since('Available', 'True') }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastTransitionTime: since('Available', 'False'), lastUpdateTime: since('Available', 'False') },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${current.metadata.name}" has successfully progressed.`, lastTransitionTime: since('Progressing', 'True'), lastUpdateTime: since('Progressing', 'True') },
    ],
  });
}

export function reconcileReplicaSet(host: ControllerHost, rs: Workload): void {
  const want = rs.spec.replicas ?? 1;
  const active = host.ownedPods(rs.metadata.uid!).filter(isActive);
  for (let i = active.length; i < want; i++) {
    const pod = podFromTemplate(rs, 'ReplicaSet', {});
    pod.metadata.generateName = `${rs.metadata.name}-`;
    host.createPod(pod);
  }
  if (active.length > want) {
    // Like the ReplicaSet controller: delete unscheduled, then not-ready pods first.
    const rank = (p: Pod) => (!p.spec.nodeName ? 0 : !isPodReady(p) ? 1 : 2);
    for (const p of [...active].sort((a, b) => rank(a) - rank(b)).slice(0, active.length - want)) host.deletePod(p);
  }
  const pods = host.ownedPods(rs.metadata.uid!).filter(isActive);
  const ready = pods.filter(isPodReady).length;
  host.saveWorkload(RS, rs, {
    observedGeneration: rs.metadata.generation ?? 1,
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
  });
}

export function reconcileStatefulSet(host: ControllerHost, sts: Workload): void {
  const want = sts.spec.replicas ?? 1;
  const ordered = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  const byName = new Map(host.ownedPods(sts.metadata.uid!).map((p) => [p.metadata.name, p]));
  const revision = `${sts.metadata.name}-${templateHash(sts.spec.template)}`;
  for (let i = 0; i < want; i++) {
    const name = `${sts.metadata.name}-${i}`;
    const existing = byName.get(name);
    if (existing) {
      if (ordered && !isHealthy(existing)) break;
      continue;
    }
    const pod = podFromTemplate(sts, 'StatefulSet', {
      'apps.kubernetes.io/pod-index': String(i),
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': name,
    });
    pod.metadata.name = name;
    pod.spec.hostname = name;
    if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
    host.createPod(pod);
    if (ordered) break;
  }
  for (const [name, p] of byName) {
    const ordinal = Number(name.slice(sts.metadata.name.length + 1));
    if (ordinal >= want && isActive(p)) host.deletePod(p);
  }
  const pods = host.ownedPods(sts.metadata.uid!).filter(isActive);
  const ready = pods.filter(isPodReady).length;
  host.saveWorkload(STS, sts, {
    observedGeneration: sts.metadata.generation ?? 1,
    replicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    currentReplicas: pods.length,
    updatedReplicas: pods.length,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  });
}

/** Tolerations the DaemonSet controller adds to every pod it makes. */
export const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export function daemonSetWantsNode(ds: Workload, node: Node): boolean {
  const sel = ds.spec.template.spec.nodeSelector ?? {};
  if (Object.entries(sel).some(([k, v]) => node.metadata.labels?.[k] !== v)) return false;
  const tolerations = [...(ds.spec.template.spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
  return (node.spec.taints ?? []).every((t) => t.effect === 'PreferNoSchedule' || tolerates(tolerations, t));
}

export function reconcileDaemonSet(host: ControllerHost, ds: Workload): void {
  const pods = host.ownedPods(ds.metadata.uid!);
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec.nodeName ?? '';
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const nodes = host.nodes();
  let desired = 0;
  for (const node of nodes) {
    const name = node.metadata.name;
    const here = byNode.get(name) ?? [];
    if (!daemonSetWantsNode(ds, node)) {
      for (const p of here) if (isActive(p)) host.deletePod(p);
      continue;
    }
    desired++;
    if (here.length > 0) continue;
    const pod = podFromTemplate(ds, 'DaemonSet', { 'controller-revision-hash': templateHash(ds.spec.template), 'pod-template-generation': String(ds.metadata.generation ?? 1) });
    pod.metadata.generateName = `${ds.metadata.name}-`;
    pod.spec.nodeName = name;
    pod.spec.tolerations = [...(pod.spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
    host.createPod(pod);
  }
  const active = host.ownedPods(ds.metadata.uid!).filter(isActive);
  const ready = active.filter(isPodReady).length;
  host.saveWorkload(DS, ds, {
    observedGeneration: ds.metadata.generation ?? 1,
    desiredNumberScheduled: desired,
    currentNumberScheduled: active.length,
    updatedNumberScheduled: active.length,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : {}),
  });
}
