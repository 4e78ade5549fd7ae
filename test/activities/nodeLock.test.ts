// lockNode / cordonNode / uncordonNode / labelNode / releaseNode / recordNodeEvent against the
// simulator: the in-progress annotation and what it records, idempotence, a node another
// instance holds, an operator's cordon never undone, and the last-reboot record.
import { afterEach, describe, expect, it } from 'vitest';
import { cordonNode } from '../../activities/cordonNode';
import { getNodeStatus } from '../../activities/getNodeStatus';
import { labelNode } from '../../activities/labelNode';
import { lockNode } from '../../activities/lockNode';
import { IN_PROGRESS_ANNOTATION, LAST_REBOOT_ANNOTATION, SCALE_DOWN_DISABLED_ANNOTATION } from '../../activities/nodeState';
import { recordNodeEvent } from '../../activities/recordNodeEvent';
import { releaseNode } from '../../activities/releaseNode';
import { uncordonNode } from '../../activities/uncordonNode';
import type { KubeObject } from '../../local/aks/cluster/types';
import { NAMESPACE, seedScenario, startActivityRig, type ActivityRig } from './rig';

const INSTANCE = 'reboot-sim-20260105T020000Z-ab12-node';

let rig: ActivityRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

const annotations = (r: ActivityRig, node: string) => r.sim.cluster.node(node)!.metadata.annotations ?? {};

describe('lockNode and releaseNode', () => {
  it('records the lock on the node, is idempotent for the same instance and refuses another', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const bootId = rig.sim.cluster.node(node!)!.status.nodeInfo!.bootID;

    const first = await lockNode({ ...rig.on(node!), instanceId: INSTANCE }, rig.context);
    expect(first).toEqual({ locked: true, wasUnschedulable: false, bootId, pool: 'user', zone: expect.stringMatching(/^westeurope-[123]$/) });
    const recorded = JSON.parse(annotations(rig, node!)[IN_PROGRESS_ANNOTATION]!);
    expect(recorded).toMatchObject({ instanceId: INSTANCE, runId: rig.base().runId, wasUnschedulable: false, bootId, addedScaleDownDisabled: true });
    expect(annotations(rig, node!)[SCALE_DOWN_DISABLED_ANNOTATION]).toBe('true');

    rig.advance(60);
    expect(await lockNode({ ...rig.on(node!), instanceId: INSTANCE }, rig.context)).toEqual(first);
    expect(JSON.parse(annotations(rig, node!)[IN_PROGRESS_ANNOTATION]!).startedAt).toBe(recorded.startedAt);

    expect(await lockNode({ ...rig.on(node!), instanceId: 'reboot-sim-other-run-node' }, rig.context)).toEqual({ locked: false, heldBy: INSTANCE });
    expect(await lockNode({ ...rig.on('aks-nope-00000000-vmss000000'), instanceId: INSTANCE }, rig.context)).toEqual({ locked: false, missing: true });
  });

  it('cordons, uncordons only what it cordoned, then releases: annotations gone, last-reboot set, taint and labels applied', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const lock = await lockNode({ ...rig.on(node!), instanceId: INSTANCE }, rig.context);
    expect(lock.locked).toBe(true);
    expect(await labelNode({ ...rig.on(node!), labels: { 'example.com/rebooting': 'yes' } }, rig.context)).toEqual({ changed: true });
    expect(JSON.parse(annotations(rig, node!)[IN_PROGRESS_ANNOTATION]!).labelsBefore).toEqual({ 'example.com/rebooting': null });

    expect(await cordonNode(rig.on(node!), rig.context)).toEqual({ cordoned: true });
    expect(await cordonNode(rig.on(node!), rig.context)).toEqual({ cordoned: false });
    expect(await getNodeStatus(rig.on(node!), rig.context)).toMatchObject({ exists: true, ready: true, unschedulable: true });

    expect(await uncordonNode({ ...rig.on(node!), instanceId: 'reboot-sim-other-run-node' }, rig.context)).toMatchObject({ uncordoned: false });
    expect(rig.sim.cluster.node(node!)!.spec.unschedulable).toBe(true);
    expect(await uncordonNode({ ...rig.on(node!), instanceId: INSTANCE }, rig.context)).toEqual({ uncordoned: true });
    expect(rig.sim.cluster.node(node!)!.spec.unschedulable).toBeFalsy();

    const bootId = lock.locked ? lock.bootId : '';
    const lastReboot = { at: rig.base().at, bootIdBefore: bootId, bootIdAfter: bootId };
    const release = { ...rig.on(node!), instanceId: INSTANCE, namespace: NAMESPACE, postLabels: { 'example.com/rebooted': 'yes' }, taintKey: '', lastReboot };
    expect(await releaseNode(release, rig.context)).toEqual({ released: true, deletedHelperPods: [] });
    const after = annotations(rig, node!);
    expect(after[IN_PROGRESS_ANNOTATION]).toBeUndefined();
    expect(after[SCALE_DOWN_DISABLED_ANNOTATION]).toBeUndefined();
    expect(JSON.parse(after[LAST_REBOOT_ANNOTATION]!)).toEqual({ ...lastReboot, runId: rig.base().runId });
    expect(rig.sim.cluster.node(node!)!.metadata.labels).toMatchObject({ 'example.com/rebooted': 'yes', 'example.com/rebooting': 'yes' });
    // Idempotent: a second release changes nothing and still reports released.
    expect(await releaseNode(release, rig.context)).toEqual({ released: true, deletedHelperPods: [] });
  });

  it('keeps a scale-down guard that was there before, and never releases a node another instance holds', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    rig.sim.cluster.act(() => {
      const n = rig!.sim.cluster.store.get<{ metadata: { annotations?: Record<string, string>; name: string } }>('nodes', undefined, node!)!;
      n.metadata.annotations = { ...n.metadata.annotations, [SCALE_DOWN_DISABLED_ANNOTATION]: 'true' };
      rig!.sim.cluster.store.touch('nodes', n);
    });
    await lockNode({ ...rig.on(node!), instanceId: INSTANCE }, rig.context);
    const other = { ...rig.on(node!), instanceId: 'reboot-sim-other-run-node', namespace: NAMESPACE, postLabels: {}, taintKey: '' };
    expect(await releaseNode(other, rig.context)).toEqual({ released: false, heldBy: INSTANCE, deletedHelperPods: [] });
    expect(annotations(rig, node!)[IN_PROGRESS_ANNOTATION]).toBeDefined();
    expect(await releaseNode({ ...other, instanceId: INSTANCE }, rig.context)).toMatchObject({ released: true });
    expect(annotations(rig, node!)[IN_PROGRESS_ANNOTATION]).toBeUndefined();
    expect(annotations(rig, node!)[SCALE_DOWN_DISABLED_ANNOTATION]).toBe('true');
  });

  it('leaves a node cordoned by an operator cordoned, and says why', async () => {
    const scenario = seedScenario();
    scenario.cordoned = [{ pool: 'user', index: 1 }];
    rig = await startActivityRig(scenario);
    const node = rig.nodes('user')[1]!;
    const lock = await lockNode({ ...rig.on(node), instanceId: INSTANCE }, rig.context);
    expect(lock).toMatchObject({ locked: true, wasUnschedulable: true });
    expect(await cordonNode(rig.on(node), rig.context)).toEqual({ cordoned: false });
    const result = await uncordonNode({ ...rig.on(node), instanceId: INSTANCE }, rig.context);
    expect(result.uncordoned).toBe(false);
    expect(result.reason).toMatch(/already cordoned .* when we locked it/);
    expect(rig.sim.cluster.node(node)!.spec.unschedulable).toBe(true);
    await releaseNode({ ...rig.on(node), instanceId: INSTANCE, namespace: NAMESPACE, postLabels: {}, taintKey: '' }, rig.context);
    expect(rig.sim.cluster.node(node)!.spec.unschedulable).toBe(true);
  });

  it('posts a node event once per run and reason', async () => {
    rig = await startActivityRig();
    const [node] = rig.nodes('user');
    const event = { ...rig.on(node!), reason: 'RebootScheduled' as const, type: 'Normal' as const, message: 'reboot scheduled by run x' };
    expect(await recordNodeEvent(event, rig.context)).toEqual({ posted: true });
    expect(await recordNodeEvent(event, rig.context)).toEqual({ posted: false });
    const events = rig.sim.cluster.store.list<KubeObject & { involvedObject: { name: string }; reason: string }>('events', 'default').filter((e) => e.involvedObject.name === node && e.reason === 'RebootScheduled');
    expect(events).toHaveLength(1);
  });

  it('rejects a bad input naming the field', async () => {
    rig = await startActivityRig();
    await expect(lockNode({ ...rig.on('Not_A_Node'), instanceId: '' }, rig.context)).rejects.toThrow(/lockNode: invalid input: node: "Not_A_Node" is not accepted.*; instanceId:/);
  });
});
