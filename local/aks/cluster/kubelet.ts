// The kubelet of every simulated node: starts bound pods (the image pulled on its first use on
// the node, container start, then Ready after the readiness probe's initial delay), runs the
// helper pods' commands against the node's files and boot id, terminates pods within their
// grace period, and reboots the node (Ready False for the pool's reboot time, a new boot id,
// every pod restarted, a `Rebooted` event).
// It also keeps the ground truth the API may lag behind (cluster/nodeLifecycle.ts): whether a
// pod's container really runs and is past its readiness delay on the node's current boot.
import type { ScheduledHandle } from '../../clock';
import type { HelperStatusLoss } from './faults';
import { containerBehaviour } from './helperPods';
import { DEFAULT_IMAGE_PULL_SECONDS, errImagePull, imageBackOffSeconds, imagePullBackOff, ImagePulls } from './imagePulls';
import type { ClusterModel } from './model';
import { condition, isFinished, isTerminating, setCondition } from './podState';
import { insufficient, nodeAllocatable, podRequests, sumRequests } from './resources';
import type { ContainerStatus, Node, Pod } from './types';

/** Seconds from binding to a running container (image already cached). */
export const CONTAINER_START_SECONDS = 1;

interface PodRuntime {
  timers: ScheduledHandle[];
  /** The boot id the pod's containers were started on. */
  startedOnBoot?: string;
  /** Whether it already ran once more after a reboot (at most once). */
  reran: boolean;
  /** A reboot helper whose exit was never reported (faults.helperStatusLost): what shows after the boot. */
  statusLost?: HelperStatusLoss;
  /** Ground truth: the container runs and passes its readiness probe from this time on (ms); unset while it does not. */
  readyFromMs?: number;
}

export class Kubelet {
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly images: ImagePulls;

  constructor(private readonly c: ClusterModel) {
    this.images = new ImagePulls(c.scenario.cluster.imagePullSeconds ?? DEFAULT_IMAGE_PULL_SECONDS);
  }

  private rt(pod: Pod): PodRuntime {
    const uid = pod.metadata.uid!;
    let r = this.runtimes.get(uid);
    if (!r) {
      r = { timers: [], reran: false };
      this.runtimes.set(uid, r);
    }
    return r;
  }

  /** Whether this pod still has to be started on its node's current boot. */
  needsStart(pod: Pod): boolean {
    if (!pod.spec.nodeName || isFinished(pod) || isTerminating(pod)) return false;
    const node = this.c.nodeRuntime(pod.spec.nodeName);
    if (!node || node.down) return false;
    return this.runtimes.get(pod.metadata.uid!)?.startedOnBoot !== node.bootId;
  }

  /** Ground truth: the pod's container really runs and is past its readiness delay now (whatever the API shows). */
  reallyReady(pod: Pod): boolean {
    const from = this.runtimes.get(pod.metadata.uid!)?.readyFromMs;
    return from !== undefined && from <= this.c.clock.now();
  }

  /** Sets when the pod is really ready (or that it is not), telling the recorder when that changes. */
  private setReadyFrom(pod: Pod, ms: number | undefined): void {
    const r = this.rt(pod);
    r.readyFromMs = ms;
    this.c.truthChanged(pod);
    if (ms !== undefined && ms > this.c.clock.now()) r.timers.push(this.c.clock.schedule(ms, () => this.c.act(() => this.c.truthChanged(pod))));
  }

  /** Milliseconds from container start to Ready, or undefined if it never gets Ready. */
  private readinessDelayMs(pod: Pod, startedMs: number): number | undefined {
    const workload = this.c.workloadOf(pod);
    if (workload !== undefined && this.c.faults.podNeverReady(workload, pod.metadata.namespace ?? 'default', pod.spec.nodeName!, startedMs)) return undefined;
    if (pod.spec.containers.some((ct) => containerBehaviour(pod, ct).kind !== 'run')) return undefined;
    return this.c.warmStart ? 0 : probeDelayMs(pod);
  }

  forget(pod: Pod): void {
    const r = this.runtimes.get(pod.metadata.uid!);
    for (const t of r?.timers ?? []) t.cancel();
    this.runtimes.delete(pod.metadata.uid!);
  }

  private cancelTimers(pod: Pod): void {
    const r = this.rt(pod);
    for (const t of r.timers) t.cancel();
    r.timers = [];
  }

  /**
   * The kubelet's admission of a pod new to the node (`pkg/kubelet/lifecycle/predicate.go`): a pod
   * bound by spec.nodeName past the node's allocatable pods, cpu or memory is rejected — Failed,
   * reason `OutOf<resource>`, never started. Scheduled pods always fit (the scheduler checked).
   */
  private admitted(pod: Pod): boolean {
    return this.runtimes.get(pod.metadata.uid!)?.startedOnBoot !== undefined;
  }

  private admit(pod: Pod): boolean {
    const nodeObj = this.c.store.get<Node>('nodes', undefined, pod.spec.nodeName!);
    if (!nodeObj) return true;
    const others = this.c.livePodsOnNode(pod.spec.nodeName!).filter((p) => p !== pod && !isFinished(p) && this.admitted(p));
    const miss = insufficient(podRequests(pod), { pods: others.length, ...sumRequests(others) }, nodeAllocatable(nodeObj))[0];
    if (!miss) return true;
    const message = `Node didn't have enough resource: ${miss.resource}, requested: ${miss.requested}, used: ${miss.used}, capacity: ${miss.capacity}`;
    pod.status = { ...pod.status, phase: 'Failed', reason: `OutOf${miss.resource}`, message: `Pod was rejected: ${message}`, startTime: this.c.iso() };
    this.c.store.touch('pods', pod);
    this.c.emit({ type: 'podRejected', at: this.c.clock.now(), namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, node: pod.spec.nodeName!, reason: `OutOf${miss.resource}`, message });
    return false;
  }

  /**
   * Binds the pod's containers to this boot: creating, then running after the start delay.
   * `bootedMs`: the kubelet started the containers back then and posts their status only now.
   */
  start(pod: Pod, bootedMs?: number): void {
    const node = this.c.nodeRuntime(pod.spec.nodeName!)!;
    if (!this.admitted(pod) && !this.admit(pod)) return;
    const r = this.rt(pod);
    this.cancelTimers(pod);
    r.startedOnBoot = node.bootId;
    const nodeObj = this.c.store.get<Node>('nodes', undefined, pod.spec.nodeName!);
    pod.status.hostIP = nodeObj?.status.addresses?.find((a) => a.type === 'InternalIP')?.address;
    pod.status.podIP ??= this.c.nextPodIp();
    pod.status.startTime ??= this.c.iso();
    const conds = (pod.status.conditions ??= []);
    setCondition(conds, { type: 'PodScheduled', status: 'True' }, this.c.iso());
    const prev = new Map((pod.status.containerStatuses ?? []).map((s) => [s.name, s]));
    pod.status.containerStatuses = pod.spec.containers.map((ct): ContainerStatus => ({
      name: ct.name,
      image: ct.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: prev.get(ct.name)?.restartCount ?? 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: prev.get(ct.name)?.lastState ?? {},
    }));
    if (this.c.warmStart) {
      for (const ct of pod.spec.containers) if (ct.image) this.images.add(node.name, ct.image);
      // A cluster already running: its containers started one readiness delay before the
      // scenario's start and are Ready from it, so Ready's lastTransitionTime − the containers'
      // startedAt shows that delay, as a pod whose probe never failed since its start shows it.
      const startedMs = this.c.clock.now() - probeDelayMs(pod);
      pod.status.startTime = this.c.iso(startedMs);
      this.run(pod, startedMs);
      return;
    }
    pod.status.phase = pod.status.phase === 'Running' ? 'Running' : 'Pending';
    setCondition(conds, { type: 'Initialized', status: 'True' }, this.c.iso());
    setCondition(conds, { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((x) => x.name).join(' ')}]` }, this.c.iso());
    setCondition(conds, { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${pod.spec.containers.map((x) => x.name).join(' ')}]` }, this.c.iso());
    this.c.store.touch('pods', pod);
    const missing = this.images.pullSeconds > 0 ? this.images.missing(pod.spec.nodeName!, pod.spec.containers.map((ct) => ct.image)) : [];
    if (missing.length > 0) this.pull(pod, missing, 0);
    else {
      const runMs = (bootedMs ?? this.c.clock.now()) + CONTAINER_START_SECONDS * 1000;
      if (runMs <= this.c.clock.now()) this.run(pod, runMs);
      else r.timers.push(this.c.clock.schedule(runMs, () => this.c.act(() => this.run(pod, runMs))));
    }
  }

  /**
   * Pulls the images the node lacks; the containers start once all are there. A refused pull
   * shows `ErrImagePull`, then `ImagePullBackOff` until the next try after the back-off.
   */
  private pull(pod: Pod, images: string[], failures: number): void {
    const node = pod.spec.nodeName!;
    const r = this.rt(pod);
    r.timers.push(this.c.after(this.images.pullSeconds * 1000, () => {
      if (!this.live(pod) || isTerminating(pod)) return;
      const refused = images.filter((image) => this.c.faults.imagePullFails(image, node, this.c.clock.now()));
      for (const image of images) if (!refused.includes(image)) this.images.add(node, image);
      if (refused.length === 0) {
        r.timers.push(this.c.after(CONTAINER_START_SECONDS * 1000, () => this.run(pod, this.c.clock.now())));
        return;
      }
      this.setWaiting(pod, refused, errImagePull);
      r.timers.push(this.c.after(1000, () => {
        if (this.live(pod) && !isTerminating(pod)) this.setWaiting(pod, refused, imagePullBackOff);
      }));
      r.timers.push(this.c.after(imageBackOffSeconds(failures + 1) * 1000, () => {
        if (this.live(pod) && !isTerminating(pod)) this.pull(pod, refused, failures + 1);
      }));
    }));
  }

  private setWaiting(pod: Pod, images: string[], state: (image: string) => { reason: string; message: string }): void {
    for (const ct of pod.spec.containers) {
      const s = pod.status.containerStatuses?.find((x) => x.name === ct.name);
      if (s && ct.image && images.includes(ct.image)) s.state = { waiting: state(ct.image) };
    }
    this.c.store.touch('pods', pod);
  }

  private live(pod: Pod): boolean {
    return this.c.store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name) === pod;
  }

  /** Containers are running (since `runMs`): helper commands act now, others become Ready after their delay. */
  private run(pod: Pod, runMs: number): void {
    if (!this.live(pod) || isTerminating(pod)) return;
    const now = this.c.iso(runMs);
    const node = pod.spec.nodeName!;
    pod.status.phase = 'Running';
    for (const s of pod.status.containerStatuses ?? []) {
      s.state = { running: { startedAt: now } };
      s.started = true;
      s.containerID = `containerd://${this.c.randomHex(64)}`;
    }
    const conds = (pod.status.conditions ??= []);
    setCondition(conds, { type: 'Initialized', status: 'True' }, now);
    this.c.store.touch('pods', pod);

    const workload = this.c.workloadOf(pod);
    const behaviour = workload ? this.c.behaviours.get(`${pod.metadata.namespace}/${workload}`) : undefined;
    const neverReady = workload !== undefined && this.c.faults.podNeverReady(workload, pod.metadata.namespace ?? 'default', node, runMs);
    const r = this.rt(pod);
    pod.spec.containers.forEach((ct) => {
      const b = containerBehaviour(pod, ct);
      if (b.kind === 'check-file') {
        this.exit(pod, ct.name, this.c.hasFile(node, b.hostPath) ? 0 : 1);
      } else if (b.kind === 'reboot') {
        if (this.c.nodeRuntime(node)?.bootId !== b.bootId) {
          this.exit(pod, ct.name, 1);
          return;
        }
        // The exit races the shutdown: with the fault, the kubelet goes down before posting it.
        const lost = this.c.faults.helperStatusLost();
        if (!lost) this.exit(pod, ct.name, 0);
        const rebooting = this.c.rebootNode(node, { cause: `pod ${pod.metadata.namespace}/${pod.metadata.name}` });
        if (lost && rebooting) r.statusLost = lost;
        else if (lost) this.exit(pod, ct.name, 0);
      } else if (behaviour?.completesAfterSeconds !== undefined) {
        const code = behaviour.exitCode ?? 0;
        r.timers.push(this.c.after(behaviour.completesAfterSeconds * 1000, () => this.exit(pod, ct.name, code)));
      }
    });
    if (isFinished(pod) || neverReady || this.c.nodeRuntime(node)?.down) {
      if (r.readyFromMs !== undefined) this.setReadyFrom(pod, undefined);
      return;
    }
    const readyMs = runMs + (this.c.warmStart ? 0 : probeDelayMs(pod));
    if (!this.c.warmStart && r.readyFromMs !== readyMs) this.setReadyFrom(pod, readyMs);
    else r.readyFromMs = readyMs;
    if (readyMs <= this.c.clock.now()) this.ready(pod);
    else r.timers.push(this.c.clock.schedule(readyMs, () => this.c.act(() => this.ready(pod))));
  }

  private ready(pod: Pod): void {
    if (!this.live(pod) || isTerminating(pod) || isFinished(pod)) return;
    const now = this.c.iso();
    for (const s of pod.status.containerStatuses ?? []) if (s.state.running) s.ready = true;
    const conds = (pod.status.conditions ??= []);
    setCondition(conds, { type: 'ContainersReady', status: 'True' }, now);
    setCondition(conds, { type: 'Ready', status: 'True' }, now);
    this.c.store.touch('pods', pod);
  }

  /** A container exits; with restartPolicy Never/OnFailure the pod finishes once all have. */
  private exit(pod: Pod, container: string, exitCode: number): void {
    if (!this.live(pod)) return;
    const now = this.c.iso();
    const s = pod.status.containerStatuses?.find((x) => x.name === container);
    if (!s || s.state.terminated) return;
    s.state = { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: s.state.running?.startedAt ?? now, finishedAt: now } };
    s.ready = false;
    s.started = false;
    if (this.rt(pod).readyFromMs !== undefined) this.setReadyFrom(pod, undefined);
    const all = pod.status.containerStatuses ?? [];
    if (all.every((x) => x.state.terminated)) {
      pod.status.phase = all.every((x) => x.state.terminated!.exitCode === 0) ? 'Succeeded' : 'Failed';
      const conds = (pod.status.conditions ??= []);
      setCondition(conds, { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' }, now);
      setCondition(conds, { type: 'Ready', status: 'False', reason: 'PodCompleted' }, now);
      this.cancelTimers(pod);
    }
    this.c.store.touch('pods', pod);
    this.c.emit({ type: 'containerExited', at: this.c.clock.now(), namespace: pod.metadata.namespace ?? 'default', pod: pod.metadata.name, node: pod.spec.nodeName, container, exitCode });
  }

  /** Graceful termination after a delete: the pod is gone once its app has stopped. */
  terminate(pod: Pod): void {
    this.cancelTimers(pod);
    const nodeName = pod.spec.nodeName;
    const node = nodeName ? this.c.nodeRuntime(nodeName) : undefined;
    if (!node) {
      this.c.removePod(pod);
      return;
    }
    if (node.down) return; // finished by the kubelet when the node is back
    const running = (pod.status.containerStatuses ?? []).some((s) => s.state.running);
    if (!running) {
      this.c.removePod(pod);
      return;
    }
    const grace = pod.metadata.deletionGracePeriodSeconds ?? 30;
    const workload = this.c.workloadOf(pod);
    const shutdown = workload ? this.c.behaviours.get(`${pod.metadata.namespace}/${workload}`)?.shutdownSeconds : undefined;
    const seconds = Math.min(grace, shutdown ?? grace);
    this.rt(pod).timers.push(this.c.after(seconds * 1000, () => this.c.removePod(pod)));
  }

  /**
   * The node went down: every pod on it stops. With `reported` (graceful shutdown) the kubelet
   * says so in their status; otherwise the API keeps showing them as they were.
   */
  nodeDown(pods: Pod[], reported = true): void {
    const now = this.c.iso();
    for (const pod of pods) {
      this.cancelTimers(pod);
      if (this.rt(pod).readyFromMs !== undefined) this.setReadyFrom(pod, undefined);
      if (isFinished(pod) || !reported) continue;
      for (const s of pod.status.containerStatuses ?? []) s.ready = false;
      const conds = (pod.status.conditions ??= []);
      const changed = setCondition(conds, { type: 'Ready', status: 'False', reason: 'NodeNotReady' }, now);
      if (changed || condition(conds, 'ContainersReady')?.status === 'True') {
        setCondition(conds, { type: 'ContainersReady', status: 'False', reason: 'NodeNotReady' }, now);
        this.c.store.touch('pods', pod);
      }
    }
  }

  /**
   * The node is back on a new boot: terminating pods finish, the others start again. With
   * `statusLagSeconds` the containers start at boot as ever, but the kubelet posts their status
   * only that much later: until then the API shows the pods as they were before the reboot.
   */
  nodeUp(pods: Pod[], rerunFinished: boolean, statusLagSeconds = 0): void {
    if (statusLagSeconds > 0) {
      const bootedMs = this.c.clock.now();
      for (const pod of pods) {
        if (isTerminating(pod) || isFinished(pod)) continue;
        const delay = this.readinessDelayMs(pod, bootedMs + CONTAINER_START_SECONDS * 1000);
        this.setReadyFrom(pod, delay === undefined ? undefined : bootedMs + CONTAINER_START_SECONDS * 1000 + delay);
      }
      const node = pods[0]?.spec.nodeName;
      const bootId = node ? this.c.nodeRuntime(node)?.bootId : undefined;
      this.c.after(statusLagSeconds * 1000, () => {
        const rt = node ? this.c.nodeRuntime(node) : undefined;
        if (rt && !rt.down && rt.bootId === bootId) this.syncAfterBoot(pods, rerunFinished, bootedMs);
      });
      return;
    }
    this.syncAfterBoot(pods, rerunFinished);
  }

  private syncAfterBoot(pods: Pod[], rerunFinished: boolean, bootedMs?: number): void {
    for (const pod of pods) {
      if (!this.live(pod)) continue;
      if (isTerminating(pod)) {
        this.c.removePod(pod);
        continue;
      }
      const lost = this.runtimes.get(pod.metadata.uid!)?.statusLost;
      if (lost === 'stays-running') continue;
      if (lost === 'killed') {
        for (const ct of pod.spec.containers) this.exit(pod, ct.name, 137);
        continue;
      }
      if (isFinished(pod)) {
        const r = this.rt(pod);
        if (!rerunFinished || r.reran || pod.spec.restartPolicy !== 'Never') continue;
        r.reran = true;
        pod.status.phase = 'Running';
        for (const s of pod.status.containerStatuses ?? []) {
          s.lastState = { terminated: s.state.terminated! };
          s.state = {};
        }
        this.start(pod, bootedMs);
        continue;
      }
      for (const s of pod.status.containerStatuses ?? []) {
        if (s.state.running || s.state.waiting) {
          s.lastState = { terminated: { exitCode: 255, reason: 'Unknown', startedAt: s.state.running?.startedAt, finishedAt: this.c.iso() } };
          s.restartCount += s.state.running ? 1 : 0;
        }
      }
      this.start(pod, bootedMs);
    }
  }
}

/**
 * The readiness probe's initial delay: the kubelet runs no readiness probe, and the container
 * stays not Ready, until that long after it started (kubernetes `pkg/kubelet/prober/worker.go`,
 * "Probe disabled for InitialDelaySeconds").
 */
function probeDelayMs(pod: Pod): number {
  return Math.max(0, ...pod.spec.containers.map((ct) => ct.readinessProbe?.initialDelaySeconds ?? 0)) * 1000;
}
