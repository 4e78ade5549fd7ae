// The cluster Lease (coordination.k8s.io/v1) that guards a run across deployments: taken when
// free, released or expired (renewTime + leaseDurationSeconds against the caller's clock),
// renewed by its holder, released by its holder. Every write carries the resourceVersion read,
// so two takers cannot both win; the loser re-reads and reports who holds it.

import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { isoTime } from './convert';
import { kubeCallExpecting, TransientError } from './errors';
import type { KubeApis } from './kubeApis';
import type { LeaseAcquireResult, LeaseInput, LeaseReleaseResult, LeaseRenewResult } from './types';

export const DEFAULT_LEASE_NAME = 'aks-reboot-orchestrator';
const CONFLICT_RETRIES = 3;

/** Who holds a Lease at `now`, and until when; `holder` is undefined when it is free or expired. */
export function leaseHolder(lease: V1Lease | undefined, now: number): { holder?: string; expiresAt?: number } {
  const spec = lease?.spec;
  const holder = spec?.holderIdentity || undefined;
  if (!holder) return {};
  const renewedIso = isoTime(spec?.renewTime ?? spec?.acquireTime);
  const renewed = renewedIso ? Date.parse(renewedIso) : undefined;
  const duration = spec?.leaseDurationSeconds;
  // A holder with no renew time or duration never expires by itself: treat it as held.
  if (renewed === undefined || duration === undefined) return { holder, expiresAt: Number.POSITIVE_INFINITY };
  const expiresAt = renewed + duration * 1000;
  return now < expiresAt ? { holder, expiresAt } : {};
}

export async function acquireLease(apis: KubeApis, input: LeaseInput): Promise<LeaseAcquireResult> {
  const { namespace, holder, now } = input;
  const name = input.name ?? DEFAULT_LEASE_NAME;
  const what = `acquiring Lease ${namespace}/${name} for ${holder}`;
  for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
    const lease = await readLease(apis, namespace, name, what);
    if (!lease) {
      const created = await writeLease(apis, what, 'create', namespace, name, {
        metadata: { name, namespace },
        spec: holdSpec(input, now, 0),
      });
      if (created) return acquired(created, input);
      continue;
    }
    const current = leaseHolder(lease, now);
    if (current.holder !== undefined && current.holder !== holder) {
      return { acquired: false, holder: current.holder, expiresAt: iso(current.expiresAt!) };
    }
    const ours = lease.spec?.holderIdentity === holder;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (ours ? 0 : 1);
    const spec = ours
      ? { ...holdSpec(input, now, transitions), acquireTime: lease.spec?.acquireTime ?? new V1MicroTime(now) }
      : holdSpec(input, now, transitions);
    const written = await writeLease(apis, what, 'replace', namespace, name, { ...lease, spec });
    if (written) return acquired(written, input);
  }
  throw new TransientError(`${what}: the Lease kept changing under us`, { status: 409 });
}

export async function renewLease(apis: KubeApis, input: LeaseInput): Promise<LeaseRenewResult> {
  const { namespace, holder, now } = input;
  const name = input.name ?? DEFAULT_LEASE_NAME;
  const what = `renewing Lease ${namespace}/${name} for ${holder}`;
  for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
    const lease = await readLease(apis, namespace, name, what);
    if (!lease) return { renewed: false };
    if (lease.spec?.holderIdentity !== holder) {
      const current = leaseHolder(lease, now);
      return { renewed: false, ...(current.holder !== undefined && { holder: current.holder, expiresAt: iso(current.expiresAt!) }) };
    }
    const spec = { ...lease.spec, renewTime: new V1MicroTime(now), leaseDurationSeconds: input.durationSeconds };
    const written = await writeLease(apis, what, 'replace', namespace, name, { ...lease, spec });
    if (written) return { renewed: true, renewedAt: iso(now), expiresAt: iso(now + input.durationSeconds * 1000) };
  }
  throw new TransientError(`${what}: the Lease kept changing under us`, { status: 409 });
}

/** Clears the holder if it is us. No Lease, or no holder, is already released. */
export async function releaseLease(apis: KubeApis, input: Omit<LeaseInput, 'durationSeconds'>): Promise<LeaseReleaseResult> {
  const { namespace, holder, now } = input;
  const name = input.name ?? DEFAULT_LEASE_NAME;
  const what = `releasing Lease ${namespace}/${name} for ${holder}`;
  for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
    const lease = await readLease(apis, namespace, name, what);
    const current = lease?.spec?.holderIdentity;
    if (!lease || !current) return { released: true };
    if (current !== holder) return { released: false, holder: current };
    const spec = { ...lease.spec, holderIdentity: undefined, renewTime: new V1MicroTime(now) };
    if (await writeLease(apis, what, 'replace', namespace, name, { ...lease, spec })) return { released: true };
  }
  throw new TransientError(`${what}: the Lease kept changing under us`, { status: 409 });
}

function holdSpec(input: LeaseInput, now: number, transitions: number): NonNullable<V1Lease['spec']> {
  return {
    holderIdentity: input.holder,
    leaseDurationSeconds: input.durationSeconds,
    acquireTime: new V1MicroTime(now),
    renewTime: new V1MicroTime(now),
    leaseTransitions: transitions,
  };
}

function acquired(lease: V1Lease, input: LeaseInput): LeaseAcquireResult {
  return {
    acquired: true,
    holder: input.holder,
    renewedAt: iso(input.now),
    expiresAt: iso(input.now + input.durationSeconds * 1000),
    transitions: lease.spec?.leaseTransitions ?? 0,
  };
}

function readLease(apis: KubeApis, namespace: string, name: string, what: string): Promise<V1Lease | undefined> {
  return kubeCallExpecting(what, () => apis.coordination.readNamespacedLease({ name, namespace }), { 404: () => undefined });
}

/** Creates or replaces; undefined when someone else wrote first (409: AlreadyExists or Conflict). */
function writeLease(apis: KubeApis, what: string, verb: 'create' | 'replace', namespace: string, name: string, body: V1Lease): Promise<V1Lease | undefined> {
  return kubeCallExpecting(what, () => verb === 'create'
    ? apis.coordination.createNamespacedLease({ namespace, body })
    : apis.coordination.replaceNamespacedLease({ name, namespace, body }), { 409: () => undefined, ...(verb === 'replace' && { 404: () => undefined }) });
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : 'never';
}
