// The cluster Lease through coordination.k8s.io/v1 on the simulator: acquire, hold against
// another run, renew, expire after its TTL and be taken over, release, and a simultaneous
// acquire where the resourceVersion lets exactly one run win.

import { describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_NAME } from '../../adapters/kube';
import { HELPER_NAMESPACE, rigPerTest } from './simulatorRig';

const startRig = rigPerTest();

const TTL = 60;
const iso = (ms: number) => new Date(ms).toISOString();

describe('the cluster Lease against the simulator', () => {
  it('is acquired, held, renewed, expires after its TTL, is taken over and released', async () => {
    const r = await startRig();
    const t0 = r.clock.now();
    const lease = (holder: string) => ({ namespace: HELPER_NAMESPACE, holder, durationSeconds: TTL, now: r.clock.now() });

    expect(await r.kube.acquireLease(lease('run-a'))).toEqual({ acquired: true, holder: 'run-a', renewedAt: iso(t0), expiresAt: iso(t0 + 60_000), transitions: 0 });
    const stored = r.sim.cluster.store.list<{ metadata: { name: string }; spec: { holderIdentity?: string; renewTime?: string } } & Parameters<typeof r.sim.cluster.store.touch>[1]>('leases.coordination.k8s.io', HELPER_NAMESPACE);
    expect(stored.map((l) => [l.metadata.name, l.spec.holderIdentity])).toEqual([[DEFAULT_LEASE_NAME, 'run-a']]);
    // MicroTime as the apiserver writes it: six fractional digits.
    expect(stored[0]!.spec.renewTime).toMatch(/\.\d{6}Z$/);

    r.advance(10);
    expect(await r.kube.acquireLease(lease('run-b'))).toEqual({ acquired: false, holder: 'run-a', expiresAt: iso(t0 + 60_000) });

    r.advance(20);
    expect(await r.kube.renewLease(lease('run-a'))).toEqual({ renewed: true, renewedAt: iso(t0 + 30_000), expiresAt: iso(t0 + 90_000) });
    r.advance(40);
    // At t0+70 the first TTL has passed, but the renewal holds it until t0+90.
    expect(await r.kube.acquireLease(lease('run-b'))).toEqual({ acquired: false, holder: 'run-a', expiresAt: iso(t0 + 90_000) });
    // Acquiring again as the holder is a renewal (a retried activity).
    expect(await r.kube.acquireLease(lease('run-a'))).toMatchObject({ acquired: true, holder: 'run-a', transitions: 0, expiresAt: iso(t0 + 130_000) });

    r.advance(60);
    // run-a stopped renewing: at t0+130 its hold lapsed, and run-b steals it.
    expect(await r.kube.acquireLease(lease('run-b'))).toEqual({ acquired: true, holder: 'run-b', renewedAt: iso(t0 + 130_000), expiresAt: iso(t0 + 190_000), transitions: 1 });
    expect(await r.kube.renewLease(lease('run-a'))).toEqual({ renewed: false, holder: 'run-b', expiresAt: iso(t0 + 190_000) });
    expect(await r.kube.releaseLease(lease('run-a'))).toEqual({ released: false, holder: 'run-b' });

    expect(await r.kube.releaseLease(lease('run-b'))).toEqual({ released: true });
    expect(await r.kube.releaseLease(lease('run-b'))).toEqual({ released: true });
    expect(await r.kube.renewLease(lease('run-b'))).toEqual({ renewed: false });
    // Released: free at once, long before its TTL.
    expect(await r.kube.acquireLease(lease('run-c'))).toMatchObject({ acquired: true, holder: 'run-c', transitions: 2 });
  });

  it('lets exactly one of two simultaneous takers win, and tells the other who holds it', async () => {
    const r = await startRig();
    const lease = (holder: string) => ({ namespace: HELPER_NAMESPACE, holder, durationSeconds: TTL, now: r.clock.now() });
    // First on a missing Lease (create races), then on a released one (update races).
    for (const round of ['create', 'update']) {
      const results = await Promise.all([r.kube.acquireLease(lease(`x-${round}`)), r.kube.acquireLease(lease(`y-${round}`))]);
      const winners = results.filter((res) => res.acquired);
      expect(winners, round).toHaveLength(1);
      const loser = results.find((res) => !res.acquired)!;
      expect(loser).toEqual({ acquired: false, holder: winners[0]!.holder, expiresAt: iso(r.clock.now() + 60_000) });
      expect(await r.kube.releaseLease(lease(winners[0]!.holder))).toEqual({ released: true });
    }
  });
});
