// trustCaProcessWide: clients that take no CA option (Node's fetch) trust the simulator while it runs.
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../clock';
import { AKS_SCOPE, startSimulator } from './index';
import { bundledScenarioPath, loadScenario, scenarioStartMs } from './scenario';

describe('startSimulator({ trustCaProcessWide })', () => {
  it('lets a CA-less client in this process connect, and undoes it on stop', async () => {
    const scenario = loadScenario(bundledScenarioPath('seed'));
    const clock = createVirtualClock(scenarioStartMs(scenario));
    const withoutTrust = await startSimulator(scenario, clock);
    await expect(fetch(`${withoutTrust.kubeEndpoint}/version`)).rejects.toThrow();
    await withoutTrust.stop();

    const sim = await startSimulator(scenario, clock, { trustCaProcessWide: true });
    try {
      const token = (await sim.credential.getToken(AKS_SCOPE)).token;
      const version = await fetch(`${sim.kubeEndpoint}/version`, { headers: { authorization: `Bearer ${token}` } });
      expect(version.status).toBe(200);
      expect(((await version.json()) as { gitVersion: string }).gitVersion).toMatch(/^v1\.32/);
    } finally {
      await sim.stop();
    }
  });
});
