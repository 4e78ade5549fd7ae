// Helper pods as they run on a node: the first use of an image pulls it, a refused pull shows
// ErrImagePull then ImagePullBackOff with the kubelet's back-off (pkg/kubelet/images), and a
// rebooting node's helper may never report its exit.
import { describe, expect, it } from 'vitest';
import { imageBackOffSeconds } from './imagePulls';
import { advanceUntil, clusterFor, ensureNamespace, HELPER_NS, rebootPod, seedScenario } from './testing';
import type { Pod } from './types';

const waiting = (p: Pod | undefined) => p?.status.containerStatuses?.[0]?.state.waiting;
const helperOf = (node: string, bootId: string) => `arc-reboot-${node}-${bootId.slice(0, 8)}`;

describe('image pulls', () => {
  it('the first pod with an image on a node waits imagePullSeconds; the next one there does not, another node pulls again', () => {
    const s = seedScenario();
    s.cluster.imagePullSeconds = 8;
    const c = clusterFor(s);
    ensureNamespace(c);
    const [a, b] = c.nodeNames('user') as [string, string];
    const other = '11111111-2222-4333-8444-555555555555';
    c.createPod(rebootPod(a, other));
    c.advance(8);
    expect(c.pod(HELPER_NS, helperOf(a, other))!.status.phase).toBe('Pending');
    expect(waiting(c.pod(HELPER_NS, helperOf(a, other)))?.reason).toBe('ContainerCreating');
    c.advance(1);
    expect(c.pod(HELPER_NS, helperOf(a, other))!.status.phase).toBe('Failed');

    const second = '22222222-2222-4333-8444-555555555555';
    c.createPod(rebootPod(a, second));
    c.advance(1);
    expect(c.pod(HELPER_NS, helperOf(a, second))!.status.phase).toBe('Failed');
    c.createPod(rebootPod(b, second));
    c.advance(1);
    expect(c.pod(HELPER_NS, helperOf(b, second))!.status.phase).toBe('Pending');
  });

  it('workload images are on their nodes from the start: a restarted pod does not pull', () => {
    const c = clusterFor();
    const node = c.nodeNames('user')[0]!;
    c.rebootNode(node);
    advanceUntil(c, () => !c.nodeRuntime(node)!.down, 300);
    c.advance(1);
    const java = c.podsOnNode(node).find((p) => p.metadata.namespace === 'shop')!;
    expect(java.status.containerStatuses![0]!.state.running).toBeDefined();
  });

  it('a refused pull is ErrImagePull, then ImagePullBackOff naming the image, retried after 10, 20, 40 s; the pod runs once pulls succeed', () => {
    const s = seedScenario();
    const image = 'mcr.microsoft.com/azurelinux/busybox:1.36';
    s.faults = { imagePullFailures: [{ image, node: { pool: 'user', index: 0 }, to: 60 }] };
    const c = clusterFor(s);
    ensureNamespace(c);
    const node = c.nodeNames('user')[0]!;
    const bootId = c.nodeRuntime(node)!.bootId;
    const name = helperOf(node, bootId);
    c.createPod(rebootPod(node, bootId));
    c.advance(5);
    expect(waiting(c.pod(HELPER_NS, name))).toEqual({ reason: 'ErrImagePull', message: expect.stringContaining(`failed to pull and unpack image "${image}"`) });
    c.advance(1);
    expect(waiting(c.pod(HELPER_NS, name))).toEqual({ reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` });
    expect(c.pod(HELPER_NS, name)!.status.phase).toBe('Pending');
    expect([1, 2, 3, 9].map(imageBackOffSeconds)).toEqual([10, 20, 40, 300]);
    // Tries at 5, 20, 45 (refused, inside the window), 90 s: pulled, started a second later.
    c.advance(80);
    expect(c.nodeRuntime(node)!.down).toBe(false);
    c.advance(5);
    expect(c.nodeRuntime(node)!.down).toBe(true);
    expect(c.nodeRuntime(node)!.rebootCount).toBe(1);
  });

  it('a fault without image or node refuses every pull in its window', () => {
    const s = seedScenario();
    s.faults = { imagePullFailures: [{ from: 0 }] };
    const c = clusterFor(s);
    ensureNamespace(c);
    const node = c.nodeNames('system')[1]!;
    c.createPod(rebootPod(node, c.nodeRuntime(node)!.bootId));
    c.advance(600);
    expect(waiting(c.pod(HELPER_NS, helperOf(node, c.nodeRuntime(node)!.bootId)))?.reason).toBe('ImagePullBackOff');
    expect(c.nodeRuntime(node)!.rebootCount).toBe(0);
  });
});

describe('a rebooting node loses its helper\'s exit status (faults.helperStatusLost)', () => {
  it('the helper never shows its exit 0: after the boot it stays Running, is Failed 137, or ran again and exited 1; the node reboots once', () => {
    const s = seedScenario();
    s.faults = { helperStatusLost: { rate: 1 } };
    const c = clusterFor(s);
    ensureNamespace(c);
    const seen = new Set<string>();
    for (const node of c.nodeNames()) {
      const bootId = c.nodeRuntime(node)!.bootId;
      c.createPod(rebootPod(node, bootId));
      advanceUntil(c, () => c.nodeRuntime(node)!.down, 30);
      expect(c.pod(HELPER_NS, helperOf(node, bootId))!.status.phase).toBe('Running');
      advanceUntil(c, () => !c.nodeRuntime(node)!.down, 300);
      c.advance(10);
      const helper = c.pod(HELPER_NS, helperOf(node, bootId))!;
      const status = helper.status.containerStatuses![0]!;
      const shown = helper.status.phase === 'Running' ? 'stays-running'
        : status.state.terminated?.exitCode === 137 ? 'killed'
          : status.state.terminated?.exitCode === 1 && status.restartCount + (status.lastState.terminated ? 1 : 0) > 0 ? 'runs-again' : 'other';
      expect(shown).not.toBe('other');
      expect(status.state.terminated?.exitCode).not.toBe(0);
      seen.add(shown);
      c.advance(600);
      expect(c.nodeRuntime(node)!.rebootCount).toBe(1);
    }
    expect(seen.size).toBeGreaterThan(1);
  });
});
