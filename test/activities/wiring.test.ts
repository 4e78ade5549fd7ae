// The wiring around the activities: every registered name has a module and a registration, the
// composition root reads settings once and takes the host's overrides, a bad setting names
// itself, and notify sends to every webhook without ever failing the rollout.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { activityDependencies, activityHandlers, createActivityDependencies, overrideActivityDependencies, resetActivityDependencies } from '../../activities';
import { notify } from '../../activities/notify';
import '../../functions/activities';
import { coreRegistry } from '../../local/host/functionsCore';
import { activities } from '../../orchestrations/names';
import { startActivityRig, type ActivityRig } from './rig';

let rig: ActivityRig | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await resetActivityDependencies();
  await rig?.stop();
  rig = undefined;
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function receiver(status: number): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.statusCode = status;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

describe('registrations', () => {
  it('has a module for every activity name, and registers each name as an activity', () => {
    expect(Object.keys(activityHandlers).sort()).toEqual(Object.values(activities).sort());
    const registered = coreRegistry().pending
      .filter((r) => Object.values(r.metadata.bindings).some((b) => b.type === 'activityTrigger'))
      .map((r) => r.metadata.name);
    expect(registered.sort()).toEqual(Object.values(activities).sort());
  });
});

describe('the composition root', () => {
  it('builds once from the overrides, and again after a new override', async () => {
    rig = await startActivityRig();
    const env = { AKS_CLUSTERS: `sim=${rig.sim.resourceId}`, REBOOT_NAMESPACE: 'aks-reboot-orchestrator' };
    overrideActivityDependencies({ env, credential: rig.sim.credential, armEndpoint: rig.sim.armEndpoint, armCaPem: rig.sim.caPem, now: () => rig!.clock.now() });
    const deps = activityDependencies();
    expect(activityDependencies()).toBe(deps);
    expect(deps.settings.clusters.map((c) => c.alias)).toEqual(['sim']);
    const status = await activityHandlers.getNodeStatus({ ...rig.on(rig.nodes('user')[0]!) }, { deps, log: rig.context.log });
    expect(status).toMatchObject({ exists: true, ready: true });

    overrideActivityDependencies({ env: { ...env, REBOOT_CONCURRENCY: '2' }, credential: rig.sim.credential, armEndpoint: rig.sim.armEndpoint, armCaPem: rig.sim.caPem });
    expect(activityDependencies()).not.toBe(deps);
    expect(activityDependencies().settings.concurrency).toBe(2);
  });

  it('refuses invalid settings with every problem named, secrets not shown', () => {
    expect(() => createActivityDependencies({ env: { REBOOT_CONCURRENCY: 'many', REBOOT_NOTIFY_URL: 'ftp://secret-token@example.com' } }))
      .toThrow(/REBOOT_CONCURRENCY: "many"[\s\S]*REBOOT_NOTIFY_URL: .*\(the value is secret and not shown\)/);
    let message = '';
    try {
      createActivityDependencies({ env: { REBOOT_NOTIFY_URL: 'ftp://secret-token@example.com' } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^.*REBOOT_NOTIFY_URL: /m);
    expect(message).not.toContain('secret-token');
  });
});

describe('notify', () => {
  it('sends the event to every webhook and counts a failing one without throwing', async () => {
    const good = await receiver(200);
    const bad = await receiver(500);
    rig = await startActivityRig(undefined, { REBOOT_NOTIFY_URL: `generic+${good.url},generic+${bad.url}`, REBOOT_MESSAGE_TEMPLATE_REBOOT: 'Rebooting %s now' });
    const [node] = rig.nodes('user');
    const result = await notify({ ...rig.on(node!), instanceId: `reboot-sim-run-${node}`, event: 'node-drained', step: 'drain' }, rig.context);
    expect(result).toEqual({ sent: 1, failed: 1 });
    expect(good.bodies).toHaveLength(1);
    expect(good.bodies[0]).toMatchObject({ event: 'node-drained', cluster: 'sim', node, message: `Rebooting ${node} now`, idempotencyKey: `reboot-sim-run-${node}:node-drained` });
    expect(rig.logs.some((l) => l.level === 'warn' && l.message === 'notification failed' && l.fields['node'] === node && l.fields['cluster'] === 'sim')).toBe(true);
  });

  it('sends nothing without webhooks, and never fails on an unreachable one', async () => {
    rig = await startActivityRig();
    expect(await notify({ ...rig.base(), instanceId: 'reboot-sim-run', event: 'run-started', message: '4 node(s) to reboot' }, rig.context)).toEqual({ sent: 0, failed: 0 });
    await rig.stop();
    rig = await startActivityRig(undefined, { REBOOT_NOTIFY_URL: 'http://127.0.0.1:9/hook' });
    expect(await notify({ ...rig.base(), instanceId: 'reboot-sim-run', event: 'run-halted', reason: 'node failed' }, rig.context)).toEqual({ sent: 0, failed: 1 });
  });
});
