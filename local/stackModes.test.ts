import { describe, expect, it } from 'vitest';
import { hostModesFromEnv } from './stack';

describe('LOCAL_HOST_MODES', () => {
  it('turns on the Azure Storage start race and duplicate delivery; nothing by default', () => {
    expect(hostModesFromEnv({})).toEqual({});
    expect(hostModesFromEnv({ LOCAL_HOST_MODES: 'race, duplicates' })).toEqual({ backend: 'azureStorage', duplicateDelivery: true });
    expect(hostModesFromEnv({ LOCAL_HOST_MODES: 'duplicates' })).toEqual({ duplicateDelivery: true });
  });

  it('turns on the seeded latency mode, seed 12 unless LOCAL_HOST_LATENCY_SEED names one', () => {
    expect(hostModesFromEnv({ LOCAL_HOST_MODES: 'latency' })).toEqual({ latency: { seed: 12 } });
    expect(hostModesFromEnv({ LOCAL_HOST_MODES: 'race,duplicates,latency', LOCAL_HOST_LATENCY_SEED: '7' })).toEqual({ backend: 'azureStorage', duplicateDelivery: true, latency: { seed: 7 } });
    expect(() => hostModesFromEnv({ LOCAL_HOST_MODES: 'latency', LOCAL_HOST_LATENCY_SEED: 'x' })).toThrow(/LOCAL_HOST_LATENCY_SEED: 'x' is not an integer/);
  });

  it('refuses an unknown mode, naming the accepted ones', () => {
    expect(() => hostModesFromEnv({ LOCAL_HOST_MODES: 'race,slow' })).toThrow(/unknown mode slow; accepted: race, duplicates, latency/);
  });
});
