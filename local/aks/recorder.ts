// The invariant recorder: what a reboot rollout did to the cluster, measured from the model's
// own state in virtual time — the ground truth, never the API's lagging view (Cluster.reallyHealthy) — ready replicas per workload (minimum, time below desired), nodes
// disrupted at once, reboots per node with their boot ids, nodes left cordoned, PDB
// violations, evictions, and API requests (kube by verb/resource/subresource/namespace/client;
// ARM by operation through `recordApiRequest`). `summary()` is JSON; `timeline()` lists the
// changes with virtual timestamps.
import type { ClusterModel, ModelEvent } from './cluster/model';
import { DEPLOY, DS, NODES, PODS, STS } from './cluster/resourceNames';
import type { StoreEvent } from './cluster/store';
import type { Node, Pod, Workload } from './cluster/types';
import { isNodeReady } from './cluster/podState';
import type { RunCommandContent } from './requestContent';

export interface ApiRequestRecord {
  surface: 'kube' | 'arm';
  /** Kube: get, list, watch, create, update, patch, delete. ARM: the HTTP method. */
  verb: string;
  /** Kube: the resource plural. ARM: the operation (e.g. `runCommand`, `agentPools.list`). */
  resource: string;
  subresource?: string;
  namespace?: string;
  client?: string;
  status: number;
  /** The path and query string as received (`requestContent.ts`). */
  target?: string;
  /** Kube writes: the body as text. */
  body?: string;
  /** ARM runCommand: the command text and its context files' text (never the clusterToken). */
  runCommand?: RunCommandContent;
  /** Seconds since the start of the scenario, in virtual time, when the answer was given (stamped by the recorder). */
  t: number;
}

export type NodePhase = 'cordoned' | 'uncordoned' | 'draining' | 'rebooting' | 'booted' | 'notReady' | 'ready' | 'deleted' | 'rebootIgnored';

export type TimelineEvent =
  | { at: string; t: number; kind: 'node'; node: string; phase: NodePhase; bootId?: string; cause?: string }
  | { at: string; t: number; kind: 'ready'; namespace: string; workload: string; ready: number; desired: number }
  | { at: string; t: number; kind: 'eviction'; namespace: string; pod: string; node?: string; status: number; client?: string }
  | { at: string; t: number; kind: 'pdbViolation'; namespace: string; pdb: string; action: string; pods: string[]; node?: string }
  | { at: string; t: number; kind: 'helper'; namespace: string; pod: string; node?: string; exitCode: number };

interface WorkloadTrack {
  namespace: string;
  name: string;
  kind: string;
  desired: number;
  ready: number;
  minReady: number;
  minReadyAt: number;
  belowSince?: number;
  secondsBelowDesired: number;
}

interface NodeTrack {
  cordoned: boolean;
  down: boolean;
  notReady: boolean;
  draining: boolean;
  cordonedAtStart: boolean;
}

type Counts = Record<string, number>;

function bump(c: Counts, key: string | undefined): void {
  const k = key ?? '';
  c[k] = (c[k] ?? 0) + 1;
}

export class Recorder {
  private readonly workloads = new Map<string, WorkloadTrack>();
  private readonly nodes = new Map<string, NodeTrack>();
  private readonly events: TimelineEvent[] = [];
  private readonly violations: Extract<ModelEvent, { type: 'pdbViolation' }>[] = [];
  private readonly evictionsByStatus: Counts = {};
  private readonly api: ApiRequestRecord[] = [];
  private readonly dirty = new Set<string>();
  private maxDisrupted = 0;
  private maxDisruptedAt = 0;
  private maxCordoned = 0;
  private maxInOneZone = 0;
  private maxRebooting = 0;
  private started = false;

  constructor(private readonly cluster: ClusterModel) {}

  /** Begins recording from the cluster's current state (called once the scenario is built). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const n of this.cluster.store.values<Node>(NODES)) {
      this.nodes.set(n.metadata.name, { cordoned: !!n.spec.unschedulable, down: false, notReady: !isNodeReady(n), draining: false, cordonedAtStart: !!n.spec.unschedulable });
    }
    for (const res of [DEPLOY, STS, DS]) for (const w of this.cluster.store.values<Workload>(res)) this.dirty.add(`${w.metadata.namespace}/${w.metadata.name}`);
    this.observe();
    this.updateDisrupted();
    this.cluster.store.subscribe((e) => this.onStore(e));
    this.cluster.on((e) => this.onModel(e));
  }

  /** The kubelet's ground truth about a pod changed without a store event (node down, readiness reached). */
  podChanged(pod: Pod): void {
    if (!this.started) return;
    const w = this.cluster.workloadOf(pod);
    if (w) this.dirty.add(`${pod.metadata.namespace}/${w}`);
  }

  /** Records one API request, stamped with the virtual time; the ARM handler calls this too (surface `arm`). */
  recordApiRequest(r: Omit<ApiRequestRecord, 't'>): void {
    this.api.push({ ...r, t: this.cluster.elapsedSeconds() });
  }

  /** Every request recorded so far, in order (for checks of what a client needs, e.g. RBAC). */
  requests(): readonly ApiRequestRecord[] {
    return [...this.api];
  }

  private now(): { at: string; t: number } {
    return { at: this.cluster.iso(), t: this.cluster.elapsedSeconds() };
  }

  private onStore(e: StoreEvent): void {
    if (e.resource === PODS) {
      const w = this.cluster.workloadOf(e.live as Pod);
      if (w) this.dirty.add(`${e.live.metadata.namespace}/${w}`);
    } else if (e.resource === DEPLOY || e.resource === STS || e.resource === DS) {
      this.dirty.add(`${e.live.metadata.namespace}/${e.live.metadata.name}`);
    } else if (e.resource === NODES) {
      const n = e.live as Node;
      const name = n.metadata.name;
      const track = this.nodes.get(name) ?? { cordoned: false, down: false, notReady: false, draining: false, cordonedAtStart: false };
      this.nodes.set(name, track);
      if (e.type === 'DELETED') {
        this.nodes.delete(name);
        this.events.push({ ...this.now(), kind: 'node', node: name, phase: 'deleted' });
        return;
      }
      const cordoned = !!n.spec.unschedulable;
      if (cordoned !== track.cordoned) {
        track.cordoned = cordoned;
        if (!cordoned) track.draining = false;
        this.events.push({ ...this.now(), kind: 'node', node: name, phase: cordoned ? 'cordoned' : 'uncordoned' });
      }
      const notReady = !isNodeReady(n);
      if (notReady !== track.notReady) {
        track.notReady = notReady;
        if (!track.down) this.events.push({ ...this.now(), kind: 'node', node: name, phase: notReady ? 'notReady' : 'ready' });
      }
      this.updateDisrupted();
    }
  }

  private onModel(e: ModelEvent): void {
    const now = this.now();
    switch (e.type) {
      case 'eviction': {
        bump(this.evictionsByStatus, String(e.status));
        this.events.push({ ...now, kind: 'eviction', namespace: e.namespace, pod: e.pod, node: e.node, status: e.status, client: e.client });
        if (e.status < 300 && e.node) this.markDraining(e.node);
        break;
      }
      case 'podDeleted':
        if (e.voluntary && e.node) this.markDraining(e.node);
        break;
      case 'pdbViolation':
        this.violations.push(e);
        this.events.push({ ...now, kind: 'pdbViolation', namespace: e.namespace, pdb: e.pdb, action: e.action, pods: e.pods, node: e.node });
        break;
      case 'rebootStarted': {
        const t = this.nodes.get(e.node);
        if (t) t.down = true;
        this.events.push({ ...now, kind: 'node', node: e.node, phase: 'rebooting', bootId: e.bootId, cause: e.cause });
        this.updateDisrupted();
        break;
      }
      case 'rebootIgnored':
        this.events.push({ ...now, kind: 'node', node: e.node, phase: 'rebootIgnored', cause: e.cause });
        break;
      case 'nodeBooted': {
        const t = this.nodes.get(e.node);
        if (t) t.down = false;
        this.events.push({ ...now, kind: 'node', node: e.node, phase: 'booted', bootId: e.bootId });
        this.updateDisrupted();
        break;
      }
      case 'containerExited':
        if (this.isHelper(e.namespace, e.pod)) this.events.push({ ...now, kind: 'helper', namespace: e.namespace, pod: e.pod, node: e.node, exitCode: e.exitCode });
        break;
      case 'nodeDeleted':
        break;
    }
  }

  private isHelper(namespace: string, name: string): boolean {
    const pod = this.cluster.store.get<Pod>(PODS, namespace, name);
    return !!pod && pod.spec.restartPolicy === 'Never';
  }

  private markDraining(node: string): void {
    const t = this.nodes.get(node);
    if (!t || !t.cordoned || t.draining) return;
    t.draining = true;
    this.events.push({ ...this.now(), kind: 'node', node, phase: 'draining' });
  }

  private updateDisrupted(): void {
    let n = 0;
    let cordoned = 0;
    let rebooting = 0;
    const perZone = new Map<string, number>();
    for (const [name, t] of this.nodes) {
      if (t.cordoned || t.down || t.notReady) {
        n++;
        const zone = this.cluster.nodeRuntime(name)?.zone ?? '';
        perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
      }
      if (t.cordoned && !t.cordonedAtStart) cordoned++;
      if (t.down) rebooting++;
    }
    this.maxInOneZone = Math.max(this.maxInOneZone, ...perZone.values());
    this.maxCordoned = Math.max(this.maxCordoned, cordoned);
    this.maxRebooting = Math.max(this.maxRebooting, rebooting);
    if (n > this.maxDisrupted) {
      this.maxDisrupted = n;
      this.maxDisruptedAt = this.cluster.elapsedSeconds();
    }
  }

  /** Re-reads the ready replicas of the workloads touched since the last call (after each settle). */
  observe(): void {
    if (this.dirty.size === 0) return;
    const t = this.cluster.elapsedSeconds();
    for (const key of this.dirty) {
      const [namespace, name] = key.split('/') as [string, string];
      const kind = this.kindOf(namespace, name);
      if (!kind) continue;
      const { ready, desired } = this.cluster.workloadReadiness(namespace, name);
      let w = this.workloads.get(key);
      if (!w) {
        w = { namespace, name, kind, desired, ready, minReady: ready, minReadyAt: t, secondsBelowDesired: 0 };
        this.workloads.set(key, w);
      } else if (w.ready === ready && w.desired === desired) {
        continue;
      }
      if (w.belowSince !== undefined) w.secondsBelowDesired += t - w.belowSince;
      w.belowSince = ready < desired ? t : undefined;
      w.ready = ready;
      w.desired = desired;
      if (ready < w.minReady) {
        w.minReady = ready;
        w.minReadyAt = t;
      }
      this.events.push({ ...this.now(), kind: 'ready', namespace, workload: name, ready, desired });
    }
    this.dirty.clear();
  }

  private kindOf(namespace: string, name: string): string | undefined {
    if (this.cluster.store.get(DEPLOY, namespace, name)) return 'Deployment';
    if (this.cluster.store.get(STS, namespace, name)) return 'StatefulSet';
    if (this.cluster.store.get(DS, namespace, name)) return 'DaemonSet';
    return undefined;
  }

  timeline(): TimelineEvent[] {
    return [...this.events];
  }

  /** The lowest ready count a workload had since recording started. */
  minReady(namespace: string, name: string): number | undefined {
    this.observe();
    return this.workloads.get(`${namespace}/${name}`)?.minReady;
  }

  summary(): RecorderSummary {
    this.observe();
    const t = this.cluster.elapsedSeconds();
    const workloads = [...this.workloads.values()].map((w) => ({
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      replicas: w.desired,
      ready: w.ready,
      minReady: w.minReady,
      minReadyAtSeconds: w.minReadyAt,
      maxUnavailable: Math.max(0, w.desired - w.minReady),
      secondsBelowDesired: w.secondsBelowDesired + (w.belowSince !== undefined ? t - w.belowSince : 0),
    }));
    const reboots = this.cluster.nodeNames().map((name) => {
      const rt = this.cluster.nodeRuntime(name)!;
      return { node: name, pool: rt.pool, zone: rt.zone, rebootCount: rt.rebootCount, bootIds: [...rt.bootIds], rebootRequired: this.cluster.rebootRequired(name) };
    });
    const leftCordoned = [...this.nodes.entries()].filter(([, n]) => n.cordoned && !n.cordonedAtStart).map(([name]) => name);
    const count = (surface: 'kube' | 'arm') => {
      const rows = this.api.filter((r) => r.surface === surface);
      const by = (f: (r: ApiRequestRecord) => string | undefined) => {
        const c: Counts = {};
        for (const r of rows) bump(c, f(r));
        return c;
      };
      return {
        total: rows.length,
        errors: rows.filter((r) => r.status >= 400).length,
        byVerb: by((r) => r.verb),
        byResource: by((r) => (r.subresource ? `${r.resource}/${r.subresource}` : r.resource)),
        byNamespace: by((r) => r.namespace ?? ''),
        byClient: by((r) => r.client ?? ''),
        byStatus: by((r) => String(r.status)),
        byVerbAndResource: by((r) => `${r.verb} ${r.subresource ? `${r.resource}/${r.subresource}` : r.resource}`),
      };
    };
    return {
      virtualSeconds: t,
      workloads,
      nodes: { reboots, leftCordoned, maxDisrupted: this.maxDisrupted, maxDisruptedAtSeconds: this.maxDisruptedAt, maxDisruptedInOneZone: this.maxInOneZone, maxCordonedAtOnce: this.maxCordoned, maxRebootingAtOnce: this.maxRebooting },
      invariants: { maxNodesDisrupted: this.maxDisrupted, nodesLeftCordoned: leftCordoned, pdbViolations: this.violations.map((v) => ({ ...v, atSeconds: (v.at - this.cluster.startMs) / 1000 })) },
      evictions: { total: Object.values(this.evictionsByStatus).reduce((a, b) => a + b, 0), byStatus: { ...this.evictionsByStatus } },
      apiRequests: { kube: count('kube'), arm: count('arm') },
    };
  }
}

export interface RecorderSummary {
  virtualSeconds: number;
  workloads: { namespace: string; name: string; kind: string; replicas: number; ready: number; minReady: number; minReadyAtSeconds: number; maxUnavailable: number; secondsBelowDesired: number }[];
  nodes: {
    reboots: { node: string; pool: string; zone?: string; rebootCount: number; bootIds: string[]; rebootRequired: boolean }[];
    leftCordoned: string[];
    /** Nodes cordoned, rebooting or NotReady at the same time (nodes cordoned before the run count too). */
    maxDisrupted: number;
    maxDisruptedAtSeconds: number;
    /** The most nodes of one zone (topology.kubernetes.io/zone; none counts as one zone) disrupted at the same time. */
    maxDisruptedInOneZone: number;
    /** Nodes cordoned during the run at the same time. */
    maxCordonedAtOnce: number;
    maxRebootingAtOnce: number;
  };
  invariants: { maxNodesDisrupted: number; nodesLeftCordoned: string[]; pdbViolations: (Extract<ModelEvent, { type: 'pdbViolation' }> & { atSeconds: number })[] };
  evictions: { total: number; byStatus: Record<string, number> };
  apiRequests: { kube: ApiCounts; arm: ApiCounts };
}

export interface ApiCounts {
  total: number;
  errors: number;
  byVerb: Record<string, number>;
  byResource: Record<string, number>;
  byNamespace: Record<string, number>;
  byClient: Record<string, number>;
  byStatus: Record<string, number>;
  byVerbAndResource: Record<string, number>;
}
