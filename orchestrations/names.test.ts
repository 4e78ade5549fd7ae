import { describe, expect, it } from 'vitest';
import { lockInstanceId, makeRunId, nodeInstanceId, runInstanceId } from './names';

describe('instance ids', () => {
  it('formats the run id as yyyymmddThhmmssZ plus 4 characters of a GUID', () => {
    expect(makeRunId(new Date('2026-11-27T20:30:05.123Z'), 'AB12CD34-0000-4000-8000-000000000000')).toBe('20261127T203005Z-ab12');
  });

  it('derives lock, run and node ids from the alias', () => {
    expect(lockInstanceId('prod')).toBe('reboot-prod');
    expect(runInstanceId('prod', '20261127T203005Z-ab12')).toBe('reboot-prod-20261127T203005Z-ab12');
    expect(nodeInstanceId('prod', '20261127T203005Z-ab12', 'aks-user-1-vmss000000')).toBe('reboot-prod-20261127T203005Z-ab12-aks-user-1-vmss000000');
  });
});
