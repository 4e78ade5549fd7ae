// Keeps the cluster's Kubernetes Lease alive from inside any loop of a run: renewed when the
// last renewal is older than a third of its TTL, so it lapses only when the run stopped living.
import type { ActivityBase, LeaseInput } from '../activities/contracts';
import type { Flow, Op } from './flow';
import { activities } from './names';

export class LeaseKeeper {
  constructor(
    private readonly flow: Flow,
    private readonly base: Omit<ActivityBase, 'at'> & Omit<LeaseInput, keyof ActivityBase>,
    public renewedAt: string,
    private readonly enabled = true,
  ) {}

  /** Renews when due; returns false when the Lease is now held by someone else. */
  *renewIfDue(): Op<boolean> {
    if (!this.enabled) return true;
    if (this.flow.secondsSince(this.renewedAt) * 3 < this.base.ttlSeconds) return true;
    const result = yield* this.flow.call(activities.renewLease, { ...this.base, at: this.flow.nowIso() });
    if (!result.held) {
      this.flow.log('lease lost', { holder: result.holder });
      return false;
    }
    this.renewedAt = result.renewedAt;
    return true;
  }
}
