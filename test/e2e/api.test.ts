// The HTTP API end to end, called with the function key as an operator would call it.
import { afterEach, describe, expect, it } from 'vitest';
import type { RunOutput } from '../../core/runTypes';
import { readmeJsonExample, shapeOf } from '../docs/readmeExamples';
import { hostModesFromEnv, startStack, type Stack } from './stack';
import { nodeNames, nodeState, seedWith } from './support';

const LIMITS = { maxRealMs: 120_000 };

function runStatus(stack: Stack, runId: string) {
  return stack.host.getStatus(`reboot-seed-${runId}`)?.customStatus as { phase?: string; current?: Array<{ node: string }>; counts?: { done: number } } | undefined;
}

function nodeStep(stack: Stack, runId: string, node: string): string | undefined {
  return (stack.host.getStatus(`reboot-seed-${runId}-${node}`)?.customStatus as { step?: string } | undefined)?.step;
}

/**
 * An answer, or, while it is 202 with work pending (the host's latency mode can make the plan
 * outlast the API's wait), the answer of its Location once it is ready: a bounded number of polls.
 */
async function followPending(stack: Stack, answer: Awaited<ReturnType<Stack['api']>>, pending: string): Promise<Awaited<ReturnType<Stack['api']>>> {
  for (let poll = 0; answer.status === 202 && poll < 200; poll++) {
    expect(answer.body).toMatchObject({ pending });
    expect(answer.location).toMatch(/^\/api\//);
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer = await stack.api('GET', answer.location!.slice('/api/'.length));
  }
  return answer;
}

function rebootedNodes(stack: Stack): string[] {
  return stack.sim.recorder.summary().nodes.reboots.filter((r) => r.rebootCount > 0).map((r) => r.node);
}

describe('HTTP API', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('starts a manual run of one node outside the window, refuses a second start, and reports the run', async () => {
    stack = await startStack({ settings: { REBOOT_START_TIME: '10:00', REBOOT_END_TIME: '12:00' } });
    const node = nodeNames(stack, 'user')[1]!;
    const started = await stack.api('POST', 'clusters/seed/reboots', { nodes: [node], ignoreWindow: true, reason: 'CVE-2026-0001' });
    expect(started.status).toBe(202);
    const runId = started.body.runId as string;
    expect(runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(started.body.links.status).toBe(`/api/clusters/seed/reboots/${runId}`);
    expect(JSON.stringify(started.body)).not.toMatch(/webhooks|durabletask|code=/i);

    const second = await stack.api('POST', 'clusters/seed/reboots', {});
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: { code: 'RunInProgress' }, runId, links: { status: `/api/clusters/seed/reboots/${runId}` } });

    await stack.host.waitFor('reboot-seed', LIMITS);
    expect(rebootedNodes(stack)).toEqual([node]);
    const run = await stack.api('GET', `clusters/seed/reboots/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ runId, trigger: 'manual', requestedBy: 'function-key', request: { nodes: [node], ignoreWindow: true, reason: 'CVE-2026-0001' } });
    const output = run.body.output as RunOutput;
    expect(output.outcome).toBe('completed');
    expect(output.results.map((r) => [r.node, r.outcome])).toEqual([[node, 'rebooted']]);
    const latest = await stack.api('GET', 'clusters/seed/reboots');
    expect(latest.body.runId).toBe(runId);
    const clusters = await stack.api('GET', 'clusters');
    expect(clusters.body.clusters).toEqual([expect.objectContaining({ alias: 'seed', running: false, lastRun: expect.objectContaining({ runId }) })]);
  }, 180_000);

  it('answers bad input with 400 naming the field, unknown clusters and runs with 404, and needs the key', async () => {
    stack = await startStack();
    const bad = await stack.api('POST', 'clusters/seed/reboots', { nodes: ['Bad Node'], ignoreWindow: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['ignoreWindow', 'nodes[0]']);
    const unknownNode = await stack.api('POST', 'clusters/seed/reboots', { nodes: ['aks-user-00000000-vmss00000z'] });
    expect(unknownNode.status).toBe(400);
    expect(unknownNode.body.error.fields[0].field).toBe('nodes[0]');
    const unknownPool = await stack.api('POST', 'clusters/seed/reboots', { pools: ['gpu'] });
    expect(unknownPool.status).toBe(400);
    expect(unknownPool.body.error.fields[0].field).toBe('pools[0]');
    expect((await stack.api('POST', 'clusters/seed/reboots', '{not json')).status).toBe(400);
    expect((await stack.api('GET', 'clusters/nope/reboots')).status).toBe(404);
    expect((await stack.api('GET', 'clusters/seed/reboots/not-a-run')).status).toBe(400);
    expect((await stack.api('GET', 'clusters/seed/reboots/20260101T000000Z-abcd')).status).toBe(404);
    const anonymous = await fetch(`${stack.host.origin}/api/clusters`);
    expect(anonymous.status).toBe(401);
    expect(rebootedNodes(stack)).toEqual([]);
  }, 180_000);

  it('records the signed-in principal only when App Service authentication is on', async () => {
    stack = await startStack({ autoAdvance: true });
    const start = (principal: string) => fetch(`${stack!.host.origin}/api/clusters/seed/reboots`, {
      method: 'POST',
      headers: { 'x-functions-key': stack!.host.keys.function, 'x-ms-client-principal-name': principal, 'content-type': 'application/json' },
      body: JSON.stringify({ nodes: [nodeNames(stack!, 'user')[0]!], ignoreWindow: true }),
    }).then((r) => r.json() as Promise<{ requestedBy: string }>);
    expect((await start('mallory@example.com')).requestedBy).toBe('function-key');
    await stack.host.waitFor('reboot-seed', LIMITS);
    process.env.WEBSITE_AUTH_ENABLED = 'True';
    try {
      expect((await start('alice@example.com')).requestedBy).toBe('alice@example.com');
      await stack.host.waitFor('reboot-seed', LIMITS);
    } finally {
      delete process.env.WEBSITE_AUTH_ENABLED;
    }
  }, 180_000);

  it('plans without changing anything on any node or workload', async () => {
    stack = await startStack({ autoAdvance: true });
    const plan = await followPending(stack, await stack.api('GET', 'clusters/seed/plan'), 'plan');
    expect(plan.status).toBe(200);
    expect(plan.body.plan.order).toHaveLength(6);
    // The run's order (ADR 0019): the user-pool canary first, then system nodes in java-app's windows.
    expect(plan.body.plan.order.map((n: { pool: string }) => n.pool)).toEqual(['user', 'user', 'system', 'user', 'system', 'user']);
    expect(plan.body.plan.window).toEqual({ open: true });
    expect(plan.body.reused).toBe(false);
    // README.md's plan example is this answer: the same fields, order and estimate's basis.
    const example = readmeJsonExample('and the plan (a cluster') as { plan: { order: unknown; estimateBasis: string } };
    expect(shapeOf(example), 'README.md\'s plan example against the real answer').toEqual(shapeOf(plan.body));
    expect(example.plan.order).toEqual(plan.body.plan.order);
    expect(example.plan.estimateBasis).toBe(plan.body.plan.estimateBasis);
    // Asked again at once: the same plan, no new instance and no new check pods.
    const podCreates = () => stack!.sim.recorder.summary().apiRequests.kube.byVerbAndResource['create pods'] ?? 0;
    const checkPods = podCreates();
    expect(checkPods).toBeGreaterThan(0);
    const again = await stack.api('GET', 'clusters/seed/plan');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ planId: plan.body.planId, reused: true, computedAt: plan.body.computedAt });
    expect(podCreates()).toBe(checkPods);
    const byId = await stack.api('GET', `clusters/seed/plan/${plan.body.planId as string}`);
    expect(byId.status).toBe(200);
    expect(byId.body.plan).toEqual(plan.body.plan);
    const summary = stack.sim.recorder.summary();
    const writes = Object.entries(summary.apiRequests.kube.byVerbAndResource).filter(([key]) => /^(patch|update|create|delete) (nodes|pods\/eviction|poddisruptionbudgets|deployments|replicasets|leases)/.test(key));
    expect(writes).toEqual([]);
    expect(summary.evictions.total).toBe(0);
    expect(rebootedNodes(stack)).toEqual([]);
    for (const name of stack.sim.cluster.nodeNames()) expect(nodeState(stack, name)).toMatchObject({ unschedulable: false, inProgress: undefined });

    // The run then starts its nodes in the plan's order: the order of the simulator's cordons.
    const started = await stack.api('POST', 'clusters/seed/reboots', {});
    expect(started.status).toBe(202);
    const lock = await stack.host.waitFor('reboot-seed', LIMITS);
    expect((lock.output as RunOutput).outcome).toBe('completed');
    const cordons = stack.sim.recorder.timeline().filter((e) => (e as { phase?: string }).phase === 'cordoned').map((e) => (e as { node?: string }).node);
    const planned = plan.body.plan.order as Array<{ node: string; pool: string }>;
    if (!hostModesFromEnv().latency) {
      expect(cordons).toEqual(planned.map((n) => n.node));
    } else {
      // The host's latency mode lengthens every step past the expected terms, so a system node
      // may no longer fit java-app's window (the rule decides again before each start): each
      // pool's nodes still go in the plan's order.
      expect([...cordons].sort()).toEqual(planned.map((n) => n.node).sort());
      for (const pool of ['user', 'system']) {
        expect(cordons.filter((node) => planned.some((n) => n.node === node && n.pool === pool))).toEqual(planned.filter((n) => n.pool === pool).map((n) => n.node));
      }
    }
  }, 180_000);

  it('pauses after the current node and resumes', async () => {
    stack = await startStack();
    const started = await stack.api('POST', 'clusters/seed/reboots', {});
    const runId = started.body.runId as string;
    await stack.host.runUntil(() => {
      const node = runStatus(stack!, runId)?.current?.[0]?.node;
      return !!node && nodeStep(stack!, runId, node) === 'waiting-ready';
    }, LIMITS);
    const paused = await stack.api('POST', 'clusters/seed/reboots/current/pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ acknowledged: true, control: { state: 'paused' } });
    await stack.host.runUntil(() => runStatus(stack!, runId)?.phase === 'paused', LIMITS);
    const pausedAt = stack.clock.now();
    await stack.host.runUntil(() => stack!.clock.now() > pausedAt + 3_600_000, LIMITS);
    expect(runStatus(stack, runId)?.phase).toBe('paused');
    expect(rebootedNodes(stack)).toHaveLength(1);
    const resumed = await stack.api('POST', 'clusters/seed/reboots/current/resume');
    expect(resumed.body).toMatchObject({ acknowledged: true, control: { state: 'running' } });
    const lock = await stack.host.waitFor('reboot-seed', LIMITS);
    expect((lock.output as RunOutput).outcome).toBe('completed');
    expect(rebootedNodes(stack)).toHaveLength(6);
  }, 180_000);

  it('cancels mid-drain: the node is uncordoned and released, nothing else is touched', async () => {
    stack = await startStack({
      scenario: seedWith((s) => { s.faults = { pdbsNeverAllow: [{ name: 'java-app-pdb', namespace: 'shop' }] }; }),
      settings: { REBOOT_PRE_DRAIN_GATE: 'false' },
    });
    const runId = (await stack.api('POST', 'clusters/seed/reboots', {})).body.runId as string;
    let node = '';
    await stack.host.runUntil(() => {
      node = runStatus(stack!, runId)?.current?.[0]?.node ?? '';
      return !!node && nodeStep(stack!, runId, node) === 'drain' && nodeState(stack!, node)!.unschedulable;
    }, LIMITS);
    // Two minutes of the drain being refused: the run keeps polling, so time runs out, not work.
    await expect(stack.host.runUntil(() => false, { maxVirtualMs: 120_000, maxRealMs: 60_000 })).rejects.toThrow(/past the virtual-time limit/);
    expect(nodeState(stack, node)!.unschedulable).toBe(true);
    const cancelled = await stack.api('POST', 'clusters/seed/reboots/current/cancel');
    expect(cancelled.body).toMatchObject({ acknowledged: true });
    const lock = await stack.host.waitFor('reboot-seed', LIMITS);
    const output = lock.output as RunOutput;
    expect(output.outcome).toBe('cancelled');
    expect(output.results).toEqual([expect.objectContaining({ node, outcome: 'cancelled' })]);
    expect(nodeState(stack, node)).toMatchObject({ unschedulable: false, inProgress: undefined });
    expect(stack.sim.recorder.summary().invariants.nodesLeftCordoned).toEqual([]);
    expect(rebootedNodes(stack)).toEqual([]);
  }, 180_000);
});
