// The simulated AKS cluster: the object store plus the control loops that act on it in
// virtual time (scheduler, workload controllers, disruption controller, kubelets), the node
// runtime (boot ids, files such as the reboot sentinel, reboots), faults and the recorder.
// Every change goes through the store; `settle()` runs the control loops until nothing is left
// to do at the current instant, and timers on the clock carry the rest (readiness, grace
// periods, reboots).
import type { Clock, ScheduledHandle } from '../../clock';
import type { Scenario } from '../scenario';
import { Recorder } from '../recorder';
import { SENTINEL_REBOOT_REQUIRED } from './aksNodes';
import { reconcileDaemonSet, reconcileDeployment, reconcileReplicaSet, reconcileStatefulSet, type ControllerHost } from './controllers';
import { DEPLOY, DS, EVENTS, NODES, PDBS, PODS, RS, STS } from './resourceNames';
import { Faults } from './faults';
import { Kubelet } from './kubelet';
import { ControllerQueue, DEFAULT_CONTROLLER_DELAY } from './controllerQueue';
import { markNodeUnreachable, markPodNotReady, nodeLifecycleOf, NOT_READY, UNREACHABLE, type NodeLifecycle } from './nodeLifecycle';
import { computePdbStatus } from './pdbStatus';
import { isActive, isFinished, isHealthy, isTerminating, ownerUid, setCondition } from './podState';
import { NAME_SUFFIX_ALPHABET, Prng } from './prng';
import { sumRequests, type Resources } from './resources';
import { schedulePod, type SchedulingView } from './scheduler';
import { labelSelectorRequirements, matchesRequirements, selectorMatches, type LabelRequirement } from './selectors';
import { Store, clone, objectKey, type StoreEvent } from './store';
import type { KubeObject, Node, Pod, PodDisruptionBudget, Workload } from './types';
import { buildCluster } from './build';
import type { ClusterModel, DeleteOptions, DeleteResult, ModelEvent, ModelListener, NodeRuntime, PoolState, WorkloadBehaviour } from './model';

export * from './resourceNames';
export type { DeleteOptions, DeleteResult, ModelEvent, ModelListener, NodeRuntime, PoolState, WorkloadBehaviour } from './model';

const WORKLOAD_RESOURCES = [DEPLOY, RS, STS, DS];


function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class Cluster implements ClusterModel {
  readonly store: Store;
  readonly faults: Faults;
  readonly recorder: Recorder;
  readonly pools: PoolState[] = [];
  readonly startMs: number;
  readonly sentinelFile: string;
  readonly behaviours = new Map<string, WorkloadBehaviour>();
  readonly lifecycle: NodeLifecycle;
  /** How often a background writer changed each node (faults.nodeWriteConflicts), to check none of its changes was lost. */
  readonly backgroundWrites = new Map<string, number>();
  /** While true, pods start Running and Ready at once (the cluster's state before the scenario begins). */
  warmStart = false;

  private readonly prng: Prng;
  private readonly kubelet: Kubelet;
  private readonly nodeRt = new Map<string, NodeRuntime>();
  private readonly podsByNode = new Map<string, Set<string>>();
  private readonly podsByNs = new Map<string, Set<string>>();
  private readonly podsByOwner = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  private readonly podIndexed = new Map<string, { node?: string; ns: string; owner?: string }>();
  private readonly workloadsByUid = new Map<string, { resource: string; key: string }>();
  private readonly rsByOwner = new Map<string, Set<string>>();
  private readonly dirtyWorkloads = new Set<string>();
  private readonly dirtyPods = new Set<string>();
  private readonly dirtyPdbs = new Set<string>();
  private readonly pdbsByNs = new Map<string, Map<string, LabelRequirement[]>>();
  private readonly workloadGenerations = new Map<string, number>();
  private readonly garbageOwners = new Set<string>();
  private schedulingDirty = false;
  private allDaemonSetsDirty = false;
  private settling = false;
  private readonly listeners = new Set<ModelListener>();
  private ipCounter = 0;
  private host: ControllerHost | undefined;
  /** The controllers' queues (controllerDelaySeconds, controllerManagerDown); undefined: they act at once. */
  private readonly queue: ControllerQueue | undefined;

  constructor(readonly scenario: Scenario, readonly clock: Clock) {
    this.startMs = clock.now();
    this.prng = new Prng(scenario.seed ?? 1);
    this.store = new Store(this.prng, () => this.iso());
    this.sentinelFile = scenario.sentinelFile ?? SENTINEL_REBOOT_REQUIRED;
    this.lifecycle = nodeLifecycleOf(scenario);
    this.kubelet = new Kubelet(this);
    this.faults = new Faults(scenario.faults ?? {}, scenario.seed ?? 1, this.startMs, (ref) => this.resolveNode(ref));
    const delay = scenario.cluster.controllerDelaySeconds ?? DEFAULT_CONTROLLER_DELAY;
    this.queue = delay.max > 0 || (scenario.faults?.controllerManagerDown ?? []).length > 0
      ? new ControllerQueue(delay, scenario.seed ?? 1, clock, (ms) => this.faults.controllerManagerDownUntil(ms), () => this.settle())
      : undefined;
    this.store.subscribe((e) => this.onStoreEvent(e));
    this.recorder = new Recorder(this);
    this.warmStart = true;
    this.store.setKeepHistory(false);
    buildCluster(this, this.prng);
    this.settle();
    this.store.setKeepHistory(true);
    this.warmStart = false;
    this.recorder.start();
    for (const d of scenario.faults?.nodeDeletions ?? []) {
      const name = this.resolveNode(d.node);
      if (name) this.clock.schedule(this.startMs + d.at * 1000, () => this.act(() => this.deleteNode(name)));
    }
  }

  // ---- time and ids ------------------------------------------------------------------

  iso(ms = this.clock.now()): string {
    if (ms !== this.isoMs) {
      this.isoMs = ms;
      this.isoText = iso(ms);
    }
    return this.isoText;
  }

  private isoMs = Number.NaN;
  private isoText = '';

  /** Seconds since the scenario started. */
  elapsedSeconds(): number {
    return (this.clock.now() - this.startMs) / 1000;
  }

  /** Runs `fn` after `ms` of clock time, then lets the control loops react. */
  after(ms: number, fn: () => void): ScheduledHandle {
    return this.clock.after(ms, () => this.act(fn));
  }

  /** Runs a change and settles the control loops. */
  act<T>(fn: () => T): T {
    const out = fn();
    this.settle();
    return out;
  }

  /** Advances the clock by `seconds`, running everything due on the way (virtual clocks). */
  advance(seconds: number): void {
    this.clock.advanceTo(this.clock.now() + seconds * 1000);
  }

  randomHex(n: number): string {
    return this.prng.chars(n, '0123456789abcdef');
  }

  randomSuffix(): string {
    return this.prng.chars(5, NAME_SUFFIX_ALPHABET);
  }

  uuid(): string {
    return this.prng.uuid();
  }

  nextPodIp(): string {
    const n = this.ipCounter++;
    return `10.244.${(n >> 8) & 255}.${(n & 255) + 1}`;
  }

  on(listener: ModelListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ModelEvent): void {
    for (const l of this.listeners) l(event);
  }

  // ---- reading the model ---------------------------------------------------------------

  /** A copy of the node object, or undefined. */
  node(name: string): Node | undefined {
    const n = this.store.get<Node>(NODES, undefined, name);
    return n && clone(n);
  }

  nodeNames(pool?: string): string[] {
    return [...this.nodeRt.values()].filter((n) => !pool || n.pool === pool).map((n) => n.name);
  }

  nodeRuntime(name: string): NodeRuntime | undefined {
    return this.nodeRt.get(name);
  }

  /** A copy of the pod, or undefined. */
  pod(namespace: string, name: string): Pod | undefined {
    const p = this.store.get<Pod>(PODS, namespace, name);
    return p && clone(p);
  }

  /** Copies of the pods on a node (any phase). */
  podsOnNode(node: string): Pod[] {
    return [...(this.podsByNode.get(node) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p).map(clone);
  }

  /** Copies of the pods of a namespace, optionally only one workload's. */
  pods(namespace?: string, workload?: string): Pod[] {
    const all = namespace ? [...(this.podsByNs.get(namespace) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p) : this.store.list<Pod>(PODS);
    return all.filter((p) => !workload || this.workloadOf(p) === workload).map(clone);
  }

  /**
   * Ground truth, whatever the API shows: the pod is not being deleted, its node is up and its
   * container runs past its readiness delay. The recorder counts this, never the lagged API view.
   */
  reallyHealthy(pod: Pod): boolean {
    const node = pod.spec.nodeName ? this.nodeRt.get(pod.spec.nodeName) : undefined;
    return isActive(pod) && !!node && !node.down && this.kubelet.reallyReady(pod);
  }

  /** @internal The kubelet's ground truth about a pod changed (for the recorder). */
  truthChanged(pod: Pod): void {
    this.recorder.podChanged(pod);
  }

  /** Really healthy pods of a workload (`reallyHealthy`), and how many it wants. */
  workloadReadiness(namespace: string, name: string): { ready: number; desired: number } {
    const kinds: [string, (w: Workload) => number][] = [
      [DEPLOY, (w) => w.spec.replicas ?? 1], [STS, (w) => w.spec.replicas ?? 1], [DS, (w) => Number(w.status?.desiredNumberScheduled ?? 0)],
    ];
    for (const [res, desired] of kinds) {
      const w = this.store.get<Workload>(res, namespace, name);
      if (w) return { ready: this.ownedPodsDeep(w.metadata.uid!).filter((p) => this.reallyHealthy(p)).length, desired: desired(w) };
    }
    const bare = this.store.get<Pod>(PODS, namespace, name);
    return { ready: bare && this.reallyHealthy(bare) ? 1 : 0, desired: bare ? 1 : 0 };
  }

  /** Pods a workload owns, directly or through its ReplicaSets (live objects). */
  private ownedPodsDeep(uid: string): Pod[] {
    const owners = [uid, ...[...(this.rsByOwner.get(uid) ?? [])].map((k) => this.store.table(RS).get(k)?.metadata.uid).filter((u): u is string => !!u)];
    return owners.flatMap((o) => [...(this.podsByOwner.get(o) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p));
  }

  pdb(namespace: string, name: string): PodDisruptionBudget | undefined {
    const p = this.store.get<PodDisruptionBudget>(PDBS, namespace, name);
    return p && clone(p);
  }

  /** The PDBs whose selector matches the pod (live objects). */
  pdbsFor(pod: Pod): PodDisruptionBudget[] {
    return this.store.list<PodDisruptionBudget>(PDBS, pod.metadata.namespace).filter((b) => selectorMatches(b.spec.selector, pod.metadata.labels));
  }

  hasFile(node: string, path: string): boolean {
    return this.nodeRt.get(node)?.files.has(path) ?? false;
  }

  rebootRequired(node: string): boolean {
    return this.hasFile(node, this.sentinelFile);
  }

  /** The workload a pod belongs to: its Deployment, StatefulSet or DaemonSet name, or its own for a bare pod. */
  workloadOf(pod: Pod): string | undefined {
    const uid = ownerUid(pod);
    if (!uid) return pod.metadata.name;
    const owner = this.workloadsByUid.get(uid);
    if (!owner) return undefined;
    const w = this.store.table(owner.resource).get(owner.key) as Workload | undefined;
    if (!w) return undefined;
    if (owner.resource === RS) {
      const up = ownerUid(w);
      const d = up ? this.workloadsByUid.get(up) : undefined;
      return d ? (this.store.table(d.resource).get(d.key)?.metadata.name ?? w.metadata.name) : w.metadata.name;
    }
    return w.metadata.name;
  }

  /** Resolves a scenario node reference to a node name. */
  resolveNode(ref: string | { pool: string; index: number }): string | undefined {
    if (typeof ref === 'string') return ref;
    return this.pools.find((p) => p.spec.name === ref.pool)?.nodeNames[ref.index];
  }

  // ---- programmatic changes (tests and the API handler) ----------------------------------

  /** Writes the sentinel file on a node (the OS asks for a reboot). */
  requireReboot(node: string, file = this.sentinelFile): void {
    const rt = this.nodeRt.get(node);
    if (!rt) throw new Error(`requireReboot: no node ${JSON.stringify(node)}`);
    rt.files.add(file);
  }

  setFile(node: string, path: string, present: boolean): void {
    const rt = this.nodeRt.get(node);
    if (!rt) throw new Error(`setFile: no node ${JSON.stringify(node)}`);
    if (present) rt.files.add(path);
    else rt.files.delete(path);
  }

  cordon(node: string, unschedulable = true): void {
    this.act(() => {
      const n = this.store.get<Node>(NODES, undefined, node);
      if (!n) throw new Error(`cordon: no node ${JSON.stringify(node)}`);
      if (unschedulable) n.spec.unschedulable = true;
      else delete n.spec.unschedulable;
      this.syncNodeTaints(n);
      this.store.touch(NODES, n);
    });
  }

  /**
   * The node lifecycle controller's taint for a cordoned node (`node.kubernetes.io/unschedulable`),
   * added or removed to match spec.unschedulable. Returns whether it changed anything.
   */
  syncNodeTaints(n: Node): boolean {
    const key = 'node.kubernetes.io/unschedulable';
    const has = (n.spec.taints ?? []).some((t) => t.key === key);
    if (!!n.spec.unschedulable === has) return false;
    if (n.spec.unschedulable) n.spec.taints = [...(n.spec.taints ?? []), { key, effect: 'NoSchedule', timeAdded: this.iso() }];
    else {
      n.spec.taints = (n.spec.taints ?? []).filter((t) => t.key !== key);
      if (n.spec.taints.length === 0) delete n.spec.taints;
    }
    return true;
  }

  uncordon(node: string): void {
    this.cordon(node, false);
  }

  /**
   * Reboots a node as `systemctl reboot` would: down at once, back after the pool's reboot
   * time with a new boot id. Returns false if it was already down or a fault swallowed it.
   */
  rebootNode(node: string, options: { cause?: string } = {}): boolean {
    return this.act(() => {
      const rt = this.nodeRt.get(node);
      const n = this.store.get<Node>(NODES, undefined, node);
      if (!rt || !n || rt.down) return false;
      const cause = options.cause ?? 'test';
      if (this.faults.takeIgnoredReboot(node)) {
        this.emit({ type: 'rebootIgnored', at: this.clock.now(), node, cause });
        return false;
      }
      this.checkRebootAgainstBudgets(node);
      rt.down = true;
      rt.rebootCount++;
      this.emit({ type: 'rebootStarted', at: this.clock.now(), node, bootId: rt.bootId, cause });
      if (this.lifecycle.gracefulShutdown) {
        const now = this.iso();
        setCondition(n.status.conditions ??= [], { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'node is shutting down', lastHeartbeatTime: now }, now);
        n.spec.taints = [...(n.spec.taints ?? []).filter((t) => t.key !== NOT_READY), { key: NOT_READY, effect: 'NoSchedule', timeAdded: now }];
        this.store.touch(NODES, n);
        this.postNodeEvent(n, 'Normal', 'NodeNotReady', `Node ${node} status is now: NodeNotReady`);
        this.kubelet.nodeDown(this.livePodsOnNode(node));
        this.scheduleTaintEviction(node, rt.bootId, NOT_READY);
      } else {
        // The kubelet just stops posting: the API shows nothing until the grace period passes.
        this.kubelet.nodeDown(this.livePodsOnNode(node), false);
        const bootId = rt.bootId;
        this.after(this.lifecycle.monitorGraceSeconds * 1000, () => this.markUnreachable(node, bootId));
      }
      if (!this.faults.nodeNeverReturns(node)) this.after(rt.rebootSeconds * 1000, () => this.boot(node));
      return true;
    });
  }

  /** The node lifecycle controller: no heartbeat for the grace period → Unknown, tainted, pods not Ready. */
  private markUnreachable(node: string, bootId: string): void {
    const rt = this.nodeRt.get(node);
    const n = this.store.get<Node>(NODES, undefined, node);
    if (!rt || !n || !rt.down || rt.bootId !== bootId) return;
    const now = this.iso();
    markNodeUnreachable(n, now);
    this.store.touch(NODES, n);
    this.postNodeEvent(n, 'Normal', 'NodeNotReady', `Node ${node} status is now: NodeNotReady`);
    for (const pod of this.livePodsOnNode(node)) if (!isFinished(pod) && markPodNotReady(pod, now)) this.store.touch(PODS, pod);
    this.scheduleTaintEviction(node, bootId, UNREACHABLE);
  }

  /**
   * The taint manager: a pod on a node that stays NotReady is deleted once its toleration of
   * `node.kubernetes.io/not-ready:NoExecute` runs out (300 s by default admission); it then stays
   * Terminating until the kubelet is back, and its controller replaces it meanwhile.
   */
  private scheduleTaintEviction(node: string, bootId: string, taintKey: string): void {
    const groups = new Map<number, Pod[]>();
    for (const pod of this.livePodsOnNode(node)) {
      if (isTerminating(pod) || isFinished(pod)) continue;
      const t = (pod.spec.tolerations ?? []).find((x) => (!x.effect || x.effect === 'NoExecute') && ((x.operator === 'Exists' && !x.key) || x.key === taintKey));
      if (t && t.tolerationSeconds === undefined) continue;
      const secs = t?.tolerationSeconds ?? 0;
      groups.set(secs, [...(groups.get(secs) ?? []), pod]);
    }
    for (const [secs, pods] of groups) {
      this.after(secs * 1000, () => {
        const rt = this.nodeRt.get(node);
        if (!rt || !rt.down || rt.bootId !== bootId) return;
        for (const pod of pods) {
          if (this.store.get<Pod>(PODS, pod.metadata.namespace, pod.metadata.name) === pod && !isTerminating(pod)) this.deletePodByController(pod);
        }
      });
    }
  }

  private boot(node: string): void {
    const rt = this.nodeRt.get(node);
    const n = this.store.get<Node>(NODES, undefined, node);
    if (!rt || !n) return;
    rt.bootId = this.prng.uuid();
    rt.bootIds.push(rt.bootId);
    rt.down = false;
    rt.files.delete(this.sentinelFile);
    const now = this.iso();
    n.status.nodeInfo = { ...n.status.nodeInfo, bootID: rt.bootId };
    const cameBack = setCondition(n.status.conditions ??= [], { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now }, now);
    n.spec.taints = (n.spec.taints ?? []).filter((t) => t.key !== NOT_READY && t.key !== UNREACHABLE);
    if (n.spec.taints.length === 0) delete n.spec.taints;
    this.store.touch(NODES, n);
    this.postNodeEvent(n, 'Warning', 'Rebooted', `Node ${node} has been rebooted, boot id: ${rt.bootId}`);
    if (cameBack) this.postNodeEvent(n, 'Normal', 'NodeReady', `Node ${node} status is now: NodeReady`);
    this.emit({ type: 'nodeBooted', at: this.clock.now(), node, bootId: rt.bootId });
    const lag = this.lifecycle.gracefulShutdown ? 0 : this.lifecycle.podStatusLagSeconds;
    this.kubelet.nodeUp(this.livePodsOnNode(node), this.scenario.rerunFinishedPodsAfterReboot === true, lag);
  }

  /** Deletes the node object (a VM gone); its pods are garbage collected at once. */
  deleteNode(node: string): void {
    this.act(() => {
      const n = this.store.get<Node>(NODES, undefined, node);
      if (!n) return;
      this.store.remove(NODES, n);
      const rt = this.nodeRt.get(node);
      if (rt) rt.down = true;
      this.nodeRt.delete(node);
      for (const pod of this.livePodsOnNode(node)) this.removePod(pod);
      this.emit({ type: 'nodeDeleted', at: this.clock.now(), node });
    });
  }

  /** Creates a pod through admission (defaults, validation done by the caller). */
  createPod(pod: Pod): Pod {
    return this.act(() => this.createPodNow(pod));
  }

  /** Deletes a pod as the apiserver does: gracefully unless unscheduled, finished or grace 0. */
  deletePod(namespace: string, name: string, options: DeleteOptions = {}): DeleteResult {
    return this.act(() => {
      const pod = this.store.get<Pod>(PODS, namespace, name);
      if (!pod) return { ok: false, status: 404, reason: 'NotFound', message: `pods "${name}" not found` };
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== pod.metadata.uid) {
        return { ok: false, status: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on pods "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid}` };
      }
      if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
        return { ok: false, status: 409, reason: 'Conflict', message: `Operation cannot be fulfilled on pods "${name}": Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}` };
      }
      if (options.dryRun) return { ok: true, pod: clone(pod) };
      let grace = options.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
      if (!pod.spec.nodeName || isFinished(pod)) grace = 0;
      if (options.voluntary !== false && !options.budgetChecked) this.checkDeleteAgainstBudgets(pod, 'delete', options.client);
      else if (options.budgetChecked) this.checkAgainstBudgets([pod], 'eviction', pod.spec.nodeName, options.client);
      this.emit({ type: 'podDeleted', at: this.clock.now(), namespace, pod: name, node: pod.spec.nodeName, client: options.client, voluntary: options.voluntary !== false, wasHealthy: isHealthy(pod) });
      if (isTerminating(pod)) {
        const remaining = (Date.parse(pod.metadata.deletionTimestamp!) - this.clock.now()) / 1000;
        if (grace >= remaining) return { ok: true, pod: clone(pod) };
      }
      if (grace === 0) {
        const snapshot = clone(pod);
        this.removePod(pod);
        return { ok: true, pod: snapshot };
      }
      pod.metadata.deletionTimestamp = this.iso(this.clock.now() + grace * 1000);
      pod.metadata.deletionGracePeriodSeconds = grace;
      this.store.touch(PODS, pod);
      this.kubelet.terminate(pod);
      return { ok: true, pod: clone(pod) };
    });
  }

  /** Posts an Event about a node, as the kubelet and the node controller do. */
  postNodeEvent(node: Node, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = this.iso();
    const name = node.metadata.name;
    this.store.create(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${this.randomHex(16)}`, namespace: 'default' },
      involvedObject: { kind: 'Node', name, uid: name, apiVersion: 'v1' },
      reason,
      message,
      type,
      source: { component: reason === 'NodeNotReady' ? 'node-controller' : 'kubelet', host: name },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      reportingComponent: reason === 'NodeNotReady' ? 'node-controller' : 'kubelet',
      reportingInstance: name,
    });
  }

  // ---- internals used by the API handler, the kubelet and the builder ---------------------

  /** @internal Registers a node and its runtime. */
  addNode(node: Node, runtime: Omit<NodeRuntime, 'name' | 'down' | 'rebootCount' | 'bootIds'>): void {
    const name = node.metadata.name;
    this.nodeRt.set(name, { ...runtime, name, down: false, rebootCount: 0, bootIds: [runtime.bootId] });
    this.store.create(NODES, node);
  }

  /** @internal */
  createPodNow(pod: Pod): Pod {
    const m = pod.metadata;
    if (!m.name && m.generateName) {
      let name: string;
      do name = `${m.generateName}${this.randomSuffix()}`;
      while (this.store.get(PODS, m.namespace, name));
      m.name = name;
    }
    defaultPod(pod);
    const workload = pod.metadata.ownerReferences?.length ? this.workloadOf(pod) : undefined;
    const finalizers = workload ? this.behaviours.get(`${pod.metadata.namespace}/${workload}`)?.finalizers : undefined;
    if (finalizers) pod.metadata.finalizers = [...new Set([...(pod.metadata.finalizers ?? []), ...finalizers])];
    return this.store.create(PODS, pod);
  }

  /**
   * @internal The pod is gone for good (the kubelet finished it, or it was force-deleted) —
   * unless finalizers hold a deleted pod: it then stays Terminating, its containers stopped,
   * until they are released (faults.finalizersReleasedAfterSeconds after the deletion).
   */
  removePod(pod: Pod): void {
    this.kubelet.forget(pod);
    if (pod.metadata.deletionTimestamp && pod.metadata.finalizers?.length && this.store.get<Pod>(PODS, pod.metadata.namespace, pod.metadata.name) === pod) {
      this.holdForFinalizers(pod);
      return;
    }
    this.store.remove(PODS, pod);
  }

  private holdForFinalizers(pod: Pod): void {
    const now = this.iso();
    for (const s of pod.status.containerStatuses ?? []) {
      if (s.state.terminated) continue;
      s.state = { terminated: { exitCode: 0, reason: 'Completed', startedAt: s.state.running?.startedAt, finishedAt: now } };
      s.ready = false;
      s.started = false;
    }
    setCondition(pod.status.conditions ??= [], { type: 'Ready', status: 'False', reason: 'PodCompleted' }, now);
    // The kubelet's final delete (grace 0, kubelet status_manager.go syncPod): with finalizers
    // left the apiserver keeps the pod, its grace shortened to 0 and its deletionTimestamp moved
    // back to the first request (apiserver rest/delete.go BeforeDelete). From now on removing
    // the last finalizer deletes it (kube/crud.ts, registry store.go ShouldDeleteDuringUpdate).
    const deletedMs = Date.parse(pod.metadata.deletionTimestamp!) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    pod.metadata.deletionTimestamp = this.iso(deletedMs);
    pod.metadata.deletionGracePeriodSeconds = 0;
    this.store.touch(PODS, pod);
    const after = this.scenario.faults?.finalizersReleasedAfterSeconds;
    if (after === undefined) return;
    this.clock.schedule(Math.max(this.clock.now(), deletedMs + after * 1000), () => this.act(() => {
      if (this.store.get<Pod>(PODS, pod.metadata.namespace, pod.metadata.name) !== pod) return;
      delete pod.metadata.finalizers;
      this.store.remove(PODS, pod);
    }));
  }

  /** @internal */
  livePodsOnNode(node: string): Pod[] {
    return [...(this.podsByNode.get(node) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p);
  }

  private podByKey(key: string): Pod | undefined {
    return this.store.table(PODS).get(key) as Pod | undefined;
  }

  /** PDB check for a voluntary deletion outside the Eviction API (recorded, never refused). */
  private checkDeleteAgainstBudgets(pod: Pod, action: 'delete', client?: string): void {
    this.checkAgainstBudgets([pod], action, pod.spec.nodeName, client);
  }

  /** A reboot takes down every healthy pod on the node at once: more than a budget allows is a violation. */
  private checkRebootAgainstBudgets(node: string): void {
    this.checkAgainstBudgets(this.livePodsOnNode(node), 'reboot', node);
  }

  /**
   * @internal Records a violation when disrupting these pods leaves a PDB with fewer really
   * healthy pods (ground truth, not the API's lagging view) than it desires.
   */
  checkAgainstBudgets(pods: Pod[], action: 'eviction' | 'delete' | 'reboot', node?: string, client?: string): void {
    const hit = new Map<PodDisruptionBudget, string[]>();
    for (const pod of pods) {
      if (!this.reallyHealthy(pod)) continue;
      for (const pdb of this.pdbsFor(pod)) hit.set(pdb, [...(hit.get(pdb) ?? []), pod.metadata.name]);
    }
    for (const [pdb, names] of hit) {
      const matched = this.podsMatching(pdb);
      const healthy = matched.filter((p) => this.reallyHealthy(p)).length;
      const { desiredHealthy } = computePdbStatus({ pdb, pods: matched, scaleOf: (p) => this.scaleOf(p), now: this.iso() });
      const allowed = Math.max(0, healthy - desiredHealthy);
      if (names.length > allowed) {
        this.emit({ type: 'pdbViolation', at: this.clock.now(), namespace: pdb.metadata.namespace ?? 'default', pdb: pdb.metadata.name, action, pods: names, node, disruptionsAllowed: allowed, client });
      }
    }
  }

  private podsMatching(pdb: PodDisruptionBudget): Pod[] {
    const namespace = pdb.metadata.namespace ?? 'default';
    const reqs = this.pdbsByNs.get(namespace)?.get(objectKey(namespace, pdb.metadata.name)) ?? [];
    return reqs.length
      ? [...(this.podsByNs.get(namespace) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p && matchesRequirements(reqs, p.metadata.labels))
      : [];
  }

  // ---- reacting to changes -------------------------------------------------------------

  private onStoreEvent(e: StoreEvent): void {
    const o = e.live;
    const key = objectKey(o.metadata.namespace, o.metadata.name);
    if (e.resource === PODS) this.indexPod(key, o as Pod, e.type === 'DELETED');
    else if (e.resource === NODES) {
      this.schedulingDirty = true;
      this.allDaemonSetsDirty = true;
    } else if (WORKLOAD_RESOURCES.includes(e.resource)) {
      const uid = o.metadata.uid!;
      if (e.type === 'DELETED') {
        this.workloadsByUid.delete(uid);
        this.garbageOwners.add(uid);
      } else {
        this.workloadsByUid.set(uid, { resource: e.resource, key });
        this.dirtyWorkloads.add(`${e.resource}|${key}`);
      }
      if (e.resource === RS) {
        const up = ownerUid(o);
        if (up) {
          const set = this.rsByOwner.get(up) ?? new Set();
          if (e.type === 'DELETED') set.delete(key);
          else set.add(key);
          this.rsByOwner.set(up, set);
          this.markWorkloadDirty(up);
        }
      }
    } else if (e.resource === PDBS) {
      const ns = o.metadata.namespace ?? 'default';
      let inNs = this.pdbsByNs.get(ns);
      if (!inNs) this.pdbsByNs.set(ns, (inNs = new Map()));
      if (e.type === 'DELETED') inNs.delete(key);
      else {
        inNs.set(key, labelSelectorRequirements((o as PodDisruptionBudget).spec.selector) ?? []);
        this.dirtyPdbs.add(key);
      }
    }
    if (e.resource === DEPLOY || e.resource === STS || e.resource === RS) {
      // A new scale changes the expected pods of the PDBs that count it.
      const gen = o.metadata.generation ?? 1;
      if (this.workloadGenerations.get(o.metadata.uid!) !== gen) {
        this.workloadGenerations.set(o.metadata.uid!, gen);
        for (const k of this.pdbsByNs.get(o.metadata.namespace ?? 'default')?.keys() ?? []) this.dirtyPdbs.add(k);
      }
    }
  }

  private markPdbsOf(pod: Pod): void {
    const inNs = this.pdbsByNs.get(pod.metadata.namespace ?? 'default');
    if (!inNs) return;
    for (const [key, reqs] of inNs) if (reqs.length && matchesRequirements(reqs, pod.metadata.labels)) this.dirtyPdbs.add(key);
  }

  private indexPod(key: string, pod: Pod, deleted: boolean): void {
    const prev = this.podIndexed.get(key);
    if (prev) {
      if (prev.node) this.podsByNode.get(prev.node)?.delete(key);
      this.podsByNs.get(prev.ns)?.delete(key);
      if (prev.owner) this.podsByOwner.get(prev.owner)?.delete(key);
      if (prev.owner) this.markWorkloadDirty(prev.owner);
      if (prev.node && deleted) this.schedulingDirty = true;
    }
    this.pending.delete(key);
    this.markPdbsOf(pod);
    if (deleted) {
      this.podIndexed.delete(key);
      return;
    }
    const ns = pod.metadata.namespace ?? 'default';
    const node = pod.spec.nodeName;
    const owner = ownerUid(pod);
    this.podIndexed.set(key, { node, ns, owner });
    const add = (m: Map<string, Set<string>>, k: string) => {
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(key);
    };
    add(this.podsByNs, ns);
    if (node) add(this.podsByNode, node);
    if (owner) {
      add(this.podsByOwner, owner);
      this.markWorkloadDirty(owner);
    }
    if (!node && isActive(pod)) {
      this.pending.add(key);
      this.schedulingDirty = true;
    }
    if (node) this.dirtyPods.add(key);
  }

  private markWorkloadDirty(uid: string): void {
    const w = this.workloadsByUid.get(uid);
    if (w) this.dirtyWorkloads.add(`${w.resource}|${w.key}`);
  }

  /** Background cascading deletion: dependents of a deleted owner go too. */
  private collectGarbage(uid: string): void {
    for (const key of [...(this.podsByOwner.get(uid) ?? [])]) {
      const pod = this.podByKey(key);
      if (pod && !isTerminating(pod)) this.deletePodByController(pod);
    }
    for (const key of [...(this.rsByOwner.get(uid) ?? [])]) {
      const rs = this.store.table(RS).get(key);
      if (rs) this.store.remove(RS, rs);
    }
  }

  private deletePodByController(pod: Pod): void {
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    if (!pod.spec.nodeName || isFinished(pod) || grace === 0) {
      this.removePod(pod);
      return;
    }
    pod.metadata.deletionTimestamp = this.iso(this.clock.now() + grace * 1000);
    pod.metadata.deletionGracePeriodSeconds = grace;
    this.store.touch(PODS, pod);
    this.kubelet.terminate(pod);
  }

  /** Runs the control loops until nothing is left to do at this instant. */
  settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      for (let pass = 0; pass < 100_000; pass++) {
        if (this.allDaemonSetsDirty) {
          this.allDaemonSetsDirty = false;
          for (const ds of this.store.values(DS)) this.dirtyWorkloads.add(`${DS}|${objectKey(ds.metadata.namespace, ds.metadata.name)}`);
        }
        const work = this.dirtyWorkloads.size || this.schedulingDirty || this.dirtyPods.size || this.dirtyPdbs.size || this.garbageOwners.size || this.queue?.hasDue();
        if (!work) {
          this.recorder.observe();
          return;
        }
        const garbage = [...this.garbageOwners];
        this.garbageOwners.clear();
        for (const uid of garbage) this.collectGarbage(uid);
        const due = this.queued();
        const workloads = [...this.throughQueue(this.dirtyWorkloads, 'workload'), ...due.workload].sort((a, b) => rank(a) - rank(b));
        for (const item of workloads) this.reconcileWorkload(item);
        if (this.schedulingDirty) {
          this.schedulingDirty = false;
          this.schedulePending();
        }
        const pods = [...this.dirtyPods];
        this.dirtyPods.clear();
        for (const key of pods) {
          const pod = this.podByKey(key);
          if (pod && this.kubelet.needsStart(pod)) this.kubelet.start(pod);
        }
        const pdbs = [...this.throughQueue(this.dirtyPdbs, 'pdb'), ...due.pdb];
        for (const key of pdbs) this.updatePdb(key);
      }
      throw new Error('cluster model did not settle after 100000 passes (a control loop keeps changing state)');
    } finally {
      this.settling = false;
    }
  }

  /** Items the controllers act on now: at once without queues (and while building), else none (they are queued). */
  private throughQueue(dirty: Set<string>, kind: 'workload' | 'pdb'): string[] {
    const items = [...dirty];
    dirty.clear();
    if (!this.queue || this.warmStart) return items;
    for (const item of items) this.queue.add(`${kind}#${item}`);
    return [];
  }

  /** Queued items whose delay has passed, by controller. */
  private queued(): { workload: string[]; pdb: string[] } {
    const out = { workload: [] as string[], pdb: [] as string[] };
    for (const item of this.queue?.take() ?? []) {
      const at = item.indexOf('#');
      out[item.slice(0, at) as 'workload' | 'pdb'].push(item.slice(at + 1));
    }
    return out;
  }

  private reconcileWorkload(item: string): void {
    const [resource, key] = item.split('|') as [string, string];
    const w = this.store.table(resource).get(key) as Workload | undefined;
    if (!w || w.metadata.deletionTimestamp) return;
    const host = (this.host ??= this.controllerHost());
    if (resource === DEPLOY) reconcileDeployment(host, w);
    else if (resource === RS) reconcileReplicaSet(host, w);
    else if (resource === STS) reconcileStatefulSet(host, w);
    else if (resource === DS) reconcileDaemonSet(host, w);
  }

  private controllerHost(): ControllerHost {
    return {
      now: () => this.iso(),
      ownedPods: (uid) => [...(this.podsByOwner.get(uid) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p),
      ownedReplicaSets: (uid) => [...(this.rsByOwner.get(uid) ?? [])].map((k) => this.store.table(RS).get(k) as Workload | undefined).filter((w): w is Workload => !!w),
      nodes: () => [...this.store.values<Node>(NODES)],
      createPod: (pod) => void this.createPodNow(pod),
      deletePod: (pod) => this.deletePodByController(pod),
      createReplicaSet: (rs) => this.store.create(RS, rs),
      saveWorkload: (resource, w, status, specChanged) => {
        if (!specChanged && JSON.stringify(w.status ?? {}) === JSON.stringify(status)) return;
        if (specChanged) w.metadata.generation = (w.metadata.generation ?? 1) + 1;
        w.status = status;
        this.store.touch(resource, w);
      },
      randomSuffix: () => this.randomSuffix(),
    };
  }

  private schedulePending(): void {
    if (this.pending.size === 0) return;
    const nodes = [...this.store.values<Node>(NODES)];
    const load = new Map<string, number>();
    const requested = new Map<string, Resources>();
    for (const n of nodes) {
      const active = this.livePodsOnNode(n.metadata.name).filter((p) => !isFinished(p));
      load.set(n.metadata.name, active.length);
      requested.set(n.metadata.name, sumRequests(active));
    }
    const byNs = new Map<string, Pod[]>();
    const view: SchedulingView = {
      nodes,
      node: (name) => this.store.get<Node>(NODES, undefined, name),
      load: (name) => load.get(name) ?? 0,
      requested: (name) => requested.get(name) ?? { cpu: 0, memory: 0 },
      selectorCache: new Map(),
      podsInNamespace: (ns) => {
        let list = byNs.get(ns);
        if (!list) byNs.set(ns, (list = [...(this.podsByNs.get(ns) ?? [])].map((k) => this.podByKey(k)).filter((p): p is Pod => !!p)));
        return list;
      },
    };
    for (const key of [...this.pending]) {
      const pod = this.podByKey(key);
      if (!pod || pod.spec.nodeName || !isActive(pod)) continue;
      const result = schedulePod(pod, view);
      const now = this.iso();
      const conds = (pod.status.conditions ??= []);
      if ('node' in result) {
        pod.spec.nodeName = result.node;
        load.set(result.node, (load.get(result.node) ?? 0) + 1);
        requested.set(result.node, sumRequests([pod], requested.get(result.node)));
        setCondition(conds, { type: 'PodScheduled', status: 'True', lastProbeTime: null }, now);
        this.store.touch(PODS, pod);
      } else if (setCondition(conds, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: result.unschedulable, lastProbeTime: null }, now)) {
        this.store.touch(PODS, pod);
      }
    }
  }

  private updatePdb(key: string): void {
    const pdb = this.store.table(PDBS).get(key) as PodDisruptionBudget | undefined;
    if (!pdb) return;
    const namespace = pdb.metadata.namespace ?? 'default';
    const matched = this.podsMatching(pdb);
    const nowMs = this.clock.now();
    const disrupted = { ...(pdb.status?.disruptedPods ?? {}) };
    for (const [name, at] of Object.entries(disrupted)) {
      const p = matched.find((x) => x.metadata.name === name);
      if (!p || isTerminating(p) || nowMs - Date.parse(at) > 120_000) delete disrupted[name];
    }
    const status = computePdbStatus({
      pdb: { ...pdb, status: pdb.status && { ...pdb.status, disruptedPods: disrupted } },
      pods: matched,
      scaleOf: (p) => this.scaleOf(p),
      now: this.iso(),
      neverAllows: this.faults.pdbNeverAllows(namespace, pdb.metadata.name),
    });
    if (JSON.stringify(status) !== JSON.stringify(pdb.status)) {
      pdb.status = status;
      this.store.touch(PDBS, pdb);
    }
  }

  /** The controller scale a PDB with maxUnavailable or a percentage counts (pods of Deployments, ReplicaSets, StatefulSets). */
  scaleOf(pod: Pod): { uid: string; replicas: number } | undefined {
    const uid = ownerUid(pod);
    const owner = uid ? this.workloadsByUid.get(uid) : undefined;
    if (!owner || owner.resource === DS) return undefined;
    const w = this.store.table(owner.resource).get(owner.key) as Workload | undefined;
    if (!w) return undefined;
    if (owner.resource === RS) {
      const up = ownerUid(w);
      const d = up ? this.workloadsByUid.get(up) : undefined;
      const dep = d ? (this.store.table(d.resource).get(d.key) as Workload | undefined) : undefined;
      if (dep) return { uid: dep.metadata.uid!, replicas: dep.spec.replicas ?? 1 };
    }
    return { uid: w.metadata.uid!, replicas: w.spec.replicas ?? 1 };
  }
}

function rank(item: string): number {
  const r = item.slice(0, item.indexOf('|'));
  return r === DEPLOY ? 0 : r === RS ? 1 : 2;
}

/** The apiserver's and admission's defaults for a new pod. */
export function defaultPod(pod: Pod): void {
  const s = pod.spec;
  s.restartPolicy ??= 'Always';
  s.terminationGracePeriodSeconds ??= 30;
  s.dnsPolicy ??= 'ClusterFirst';
  s.schedulerName ??= 'default-scheduler';
  s.serviceAccountName ??= 'default';
  s.securityContext ??= {};
  s.priority ??= 0;
  s.enableServiceLinks ??= true;
  s.preemptionPolicy ??= 'PreemptLowerPriority';
  const tolerations = (s.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key || (t.operator === 'Exists' && !t.key))) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  for (const c of s.containers) {
    c.imagePullPolicy ??= c.image?.endsWith(':latest') || !c.image?.includes(':') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    c.resources ??= {};
  }
  pod.status = { phase: 'Pending', qosClass: 'BestEffort', ...(pod.status ?? {}) };
  if (!pod.status.phase) pod.status.phase = 'Pending';
}

export type { KubeObject };
