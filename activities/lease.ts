// The cluster's Kubernetes Lease through three activities: acquire (free or expired only),
// renew (ours; taken again when it lapsed and nobody took it), release (ours only). Expiry is
// judged at the orchestrator's time (`at`).
import { z } from 'zod';
import type { LeaseInput, LeaseResult, ReleaseLeaseResult } from './contracts';
import { activityBase, namespaceName } from './schemas';
import { atMs, kubeFor, parseInput, stepLogger, type ActivityContext } from './runtime';

const leaseInput: z.ZodType<LeaseInput> = z.object({
  ...activityBase,
  namespace: namespaceName,
  holder: z.string().min(1),
  ttlSeconds: z.number().int().min(1),
});

function request(input: LeaseInput) {
  return { namespace: input.namespace, holder: input.holder, durationSeconds: input.ttlSeconds, now: atMs(input) };
}

export async function acquireLease(raw: unknown, context: ActivityContext): Promise<LeaseResult> {
  const input = parseInput('acquireLease', leaseInput, raw);
  const kube = await kubeFor(context, input);
  const result = await kube.acquireLease(request(input));
  const log = stepLogger(context, input, 'lease');
  if (!result.acquired) {
    log.warn('cluster Lease held by another run', { holder: result.holder, expiresAt: result.expiresAt });
    return { held: false, holder: result.holder, expiresAt: result.expiresAt };
  }
  log.info('cluster Lease acquired', { holder: input.holder, expiresAt: result.expiresAt });
  return { held: true, renewedAt: result.renewedAt };
}

export async function renewLease(raw: unknown, context: ActivityContext): Promise<LeaseResult> {
  const input = parseInput('renewLease', leaseInput, raw);
  const kube = await kubeFor(context, input);
  const log = stepLogger(context, input, 'lease');
  const renewed = await kube.renewLease(request(input));
  if (renewed.renewed) return { held: true, renewedAt: renewed.renewedAt };
  if (renewed.holder !== undefined) {
    log.warn('cluster Lease lost to another run', { holder: renewed.holder });
    return { held: false, holder: renewed.holder, expiresAt: renewed.expiresAt ?? '' };
  }
  // Released or deleted by someone, and nobody holds it: nothing else runs, so take it again.
  const taken = await kube.acquireLease(request(input));
  if (!taken.acquired) return { held: false, holder: taken.holder, expiresAt: taken.expiresAt };
  log.warn('cluster Lease was free: taken again', { holder: input.holder });
  return { held: true, renewedAt: taken.renewedAt };
}

export async function releaseLease(raw: unknown, context: ActivityContext): Promise<ReleaseLeaseResult> {
  const input = parseInput('releaseLease', leaseInput, raw);
  const kube = await kubeFor(context, input);
  const result = await kube.releaseLease({ namespace: input.namespace, holder: input.holder, now: atMs(input) });
  stepLogger(context, input, 'lease').info(result.released ? 'cluster Lease released' : 'cluster Lease not ours to release', { holder: result.released ? input.holder : result.holder });
  return { released: result.released };
}
