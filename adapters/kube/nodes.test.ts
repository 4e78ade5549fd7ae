import { describe, expect, it } from 'vitest';
import type { V1Node } from '@kubernetes/client-node';
import { applyChange } from './nodes';

function node(): V1Node {
  return {
    metadata: { name: 'n1', labels: { a: '1' }, annotations: { x: 'old' }, resourceVersion: '7' },
    spec: { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] },
  };
}

describe('applyChange', () => {
  it.each([
    ['same label value', { labels: { a: '1' } }, false],
    ['new label', { labels: { b: '2' } }, true],
    ['remove a missing annotation', { annotations: { y: null } }, false],
    ['remove an annotation', { annotations: { x: null } }, true],
    ['same taint', { addTaints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }, false],
    ['taint with a new value', { addTaints: [{ key: 'k', value: 'w', effect: 'NoSchedule' }] }, true],
    ['taint with another effect', { addTaints: [{ key: 'k', effect: 'PreferNoSchedule' }] }, true],
    ['remove a missing taint', { removeTaints: [{ key: 'other' }] }, false],
    ['remove a taint by key', { removeTaints: [{ key: 'k' }] }, true],
    ['already schedulable', { unschedulable: false }, false],
    ['cordon', { unschedulable: true }, true],
  ])('%s → changed %s', (_name, change, changed) => {
    expect(applyChange(node(), change)).toBe(changed);
  });

  it('keeps the resourceVersion read and applies every part', () => {
    const n = node();
    applyChange(n, { labels: { a: null, b: '2' }, annotations: { x: 'new' }, removeTaints: [{ key: 'k', effect: 'NoSchedule' }], addTaints: [{ key: 'p', effect: 'PreferNoSchedule' }], unschedulable: true });
    expect(n).toEqual({
      metadata: { name: 'n1', labels: { b: '2' }, annotations: { x: 'new' }, resourceVersion: '7' },
      spec: { taints: [{ key: 'p', effect: 'PreferNoSchedule' }], unschedulable: true },
    });
  });
});
