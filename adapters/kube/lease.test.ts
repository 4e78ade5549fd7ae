import { describe, expect, it } from 'vitest';
import type { V1Lease } from '@kubernetes/client-node';
import { leaseHolder } from './lease';

const T0 = Date.UTC(2026, 0, 5, 2);
const lease = (spec: V1Lease['spec']): V1Lease => ({ metadata: { name: 'l' }, spec });

describe('leaseHolder', () => {
  it.each([
    ['no lease', undefined, T0, {}],
    ['released (no holder)', lease({ leaseDurationSeconds: 60, renewTime: '2026-01-05T02:00:00.000000Z' as never }), T0, {}],
    ['held', lease({ holderIdentity: 'run-a', leaseDurationSeconds: 60, renewTime: '2026-01-05T02:00:00.000000Z' as never }), T0 + 59_999, { holder: 'run-a', expiresAt: T0 + 60_000 }],
    ['expired at renewTime + duration', lease({ holderIdentity: 'run-a', leaseDurationSeconds: 60, renewTime: new Date(T0) as never }), T0 + 60_000, {}],
    ['no renew time: held for good', lease({ holderIdentity: 'run-a' }), T0, { holder: 'run-a', expiresAt: Number.POSITIVE_INFINITY }],
  ])('%s', (_name, value, now, expected) => {
    expect(leaseHolder(value, now)).toEqual(expected);
  });
});
