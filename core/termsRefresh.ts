// Which queued nodes' expected terms the run reads again (ADR 0027). When a node's disruption
// ends, the pods it evicted run on its pool's other nodes, so their terms are stale. Reading
// every stale node after every disruption costs a pool of n nodes n reads per disruption, n²
// over a run; the run reads again only the stale nodes among the first few of each pool's queue
// (the nodes its rule starts next when a pool's nodes are alike). A node further on keeps its
// stale terms until it enters the window; should the rule choose it before, its live pre-drain
// gate decides, as for any expectation (ADR 0024).

/** Each pool's first queued nodes whose terms are read again when stale, at least. */
export const RE_READ_WINDOW_MIN = 8;

/** How many of each pool's first queued nodes are read again when stale: enough for two rounds of starts at REBOOT_CONCURRENCY. */
export function reReadWindow(concurrency: number): number {
  return Math.max(RE_READ_WINDOW_MIN, 2 * concurrency);
}

/**
 * The queued nodes to read again, in queue order: every node whose terms could not be read, and
 * the stale ones among the first `window` queued nodes of each pool. A stale node further on
 * stays stale until nodes ahead of it start.
 */
export function nodesToReadAgain<T extends { node: string; pool: string }>(
  queue: readonly T[],
  stale: ReadonlySet<string>,
  unread: ReadonlySet<string>,
  window: number,
): T[] {
  const seenPerPool = new Map<string, number>();
  return queue.filter((n) => {
    const position = seenPerPool.get(n.pool) ?? 0;
    seenPerPool.set(n.pool, position + 1);
    return unread.has(n.node) || (stale.has(n.node) && position < window);
  });
}
