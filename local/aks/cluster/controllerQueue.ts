// The controllers' work queues. In kube-controller-manager the disruption, ReplicaSet,
// Deployment, StatefulSet and DaemonSet controllers are queue-driven (client-go workqueue: an
// item added while queued is not added twice; the worker picks it up later), so their status
// trails the pods by a fraction of a second to seconds, and by the whole outage while the
// controller manager is down (kubernetes pkg/controller/disruption/disruption.go, replicaset,
// deployment, statefulset, daemon: `queue.Add` in the event handlers, `processNextWorkItem`).
//
// Each item's delay is drawn from the seed, the item and the time it was added, not from one
// stream in the order items arrive: requests an activity sends in parallel (a drain's evictions)
// reach the simulator in whatever order the machine gives them, and a shared stream would hand
// each workload another delay, so the same run would end differently under load.
import type { Clock } from '../../clock';
import { Prng, stringHash } from './prng';

export interface ControllerDelay {
  min: number;
  max: number;
}

/** AKS-like default: 0.2–2 s per item. */
export const DEFAULT_CONTROLLER_DELAY: ControllerDelay = { min: 0.2, max: 2 };

export class ControllerQueue {
  private readonly queued = new Set<string>();
  private readonly due = new Set<string>();
  private readonly seed: number;

  /**
   * `downUntil(nowMs)`: the end of a controller-manager outage covering now (ms), if any.
   * `wake`: runs the control loops once items are due.
   */
  constructor(
    private readonly delay: ControllerDelay,
    seed: number,
    private readonly clock: Clock,
    private readonly downUntil: (nowMs: number) => number | undefined,
    private readonly wake: () => void,
  ) {
    this.seed = (seed ^ 0xc0c0a) >>> 0;
  }

  /** Adds an item; it becomes due after a seeded delay (once, however often it is added meanwhile). */
  add(item: string): void {
    if (this.queued.has(item) || this.due.has(item)) return;
    this.queued.add(item);
    this.scheduleAt(item, this.clock.now() + this.delayMs(item));
  }

  /** The items due now, removed from the queue, in a fixed order (not the order they fell due in). */
  take(): string[] {
    const items = [...this.due].sort();
    this.due.clear();
    return items;
  }

  hasDue(): boolean {
    return this.due.size > 0;
  }

  /** The item's delay: seeded by the item and the time, whatever else was added before it. */
  private delayMs(item: string): number {
    const draw = new Prng(this.seed ^ stringHash(`${item}@${this.clock.now()}`)).next();
    return Math.round((this.delay.min + draw * (this.delay.max - this.delay.min)) * 1000);
  }

  private scheduleAt(item: string, at: number): void {
    this.clock.schedule(at, () => {
      const until = this.downUntil(this.clock.now());
      if (until !== undefined) {
        this.scheduleAt(item, until + this.delayMs(item));
        return;
      }
      this.queued.delete(item);
      this.due.add(item);
      this.wake();
    });
  }
}
