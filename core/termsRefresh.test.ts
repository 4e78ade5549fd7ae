import { describe, expect, it } from 'vitest';
import { nodesToReadAgain, RE_READ_WINDOW_MIN, reReadWindow } from './termsRefresh';

const queue = [
  { node: 'a1', pool: 'a' }, { node: 'b1', pool: 'b' }, { node: 'a2', pool: 'a' },
  { node: 'a3', pool: 'a' }, { node: 'b2', pool: 'b' }, { node: 'a4', pool: 'a' },
];
const names = (nodes: ReadonlyArray<{ node: string }>) => nodes.map((n) => n.node);

describe('nodesToReadAgain', () => {
  it('takes the stale nodes among the first `window` queued nodes of each pool, in queue order', () => {
    const stale = new Set(['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
    expect(names(nodesToReadAgain(queue, stale, new Set(), 2))).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('leaves a stale node beyond the window stale, however many nodes ahead of it are fresh', () => {
    expect(names(nodesToReadAgain(queue, new Set(['a3', 'a4']), new Set(), 2))).toEqual([]);
    expect(names(nodesToReadAgain(queue, new Set(['a3', 'a4']), new Set(), 3))).toEqual(['a3']);
  });

  it('always reads a node whose terms could not be read, beyond the window and whether stale or not', () => {
    const stale = new Set(['a1', 'a2', 'a3']);
    expect(names(nodesToReadAgain(queue, stale, new Set(['a4', 'b2']), 1))).toEqual(['a1', 'b2', 'a4']);
  });

  it('reads nothing when nothing is stale or unread', () => {
    expect(nodesToReadAgain(queue, new Set(), new Set(), 8)).toEqual([]);
  });

  it('ignores stale names no longer queued', () => {
    expect(names(nodesToReadAgain(queue, new Set(['gone', 'b2']), new Set(), 8))).toEqual(['b2']);
  });
});

describe('reReadWindow', () => {
  it('is at least RE_READ_WINDOW_MIN, and two rounds of starts at high concurrency', () => {
    expect(reReadWindow(1)).toBe(RE_READ_WINDOW_MIN);
    expect(reReadWindow(3)).toBe(RE_READ_WINDOW_MIN);
    expect(reReadWindow(10)).toBe(20);
  });
});
