import { describe, expect, it } from 'vitest';
import { hostModesFromEnv } from './stack';

describe('LOCAL_HOST_MODES', () => {
  it('turns on the Azure Storage start race and duplicate delivery; nothing by default', () => {
    expect(hostModesFromEnv({})).toEqual({});
    expect(hostModesFromEnv({ LOCAL_HOST_MODES: 'race, duplicates' })).toEqual({ backend: 'azureStorage', duplicateDelivery: true });
    expect(hostModesFromEnv({ LOCAL_HOST_MODES: 'duplicates' })).toEqual({ duplicateDelivery: true });
  });

  it('refuses an unknown mode, naming the accepted ones', () => {
    expect(() => hostModesFromEnv({ LOCAL_HOST_MODES: 'race,latency' })).toThrow(/unknown mode latency; accepted: race, duplicates/);
  });
});
