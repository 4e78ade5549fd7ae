// Which queued nodes' expected terms the run reads again (ADR 0027). When a node's disruption
// ends, the pods it evicted run on its pool's other nodes, so their terms are stale. Reading
// every stale node after every disruption costs a pool of n nodes n reads per disruption, n²
// over a run; the run reads again only the stale nodes among the first few of each pool's queue
// (the nodes its rule starts next when a pool's nodes are alike), and, before it starts a node
// whose terms are stale, that node (`staleAmong`): no node starts on stale terms; only the
// estimates of nodes further on may be.

/** Stale nodes read again per pool after a disruption, at least. */
export const RE_READ_WINDOW_MIN = 8;

/** Stale nodes read again per pool: enough for two rounds of starts at REBOOT_CONCURRENCY. */
export function reReadWindow(concurrency: number): number {
  return Math.max(RE_READ_WINDOW_MIN, 2 * concurrency);
}

/**
 * The queued nodes to read again, in queue order: every node whose terms could not be read, and
 * the stale ones among the first `window` queued nodes of each pool. A stale node further on
 * stays stale until nodes ahead of it start, or the rule chooses it (`staleAmong`).
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

/** The chosen nodes whose terms are stale: read again before they start. */
export function staleAmong(chosen: readonly string[], stale: ReadonlySet<string>): string[] {
  return chosen.filter((name) => stale.has(name));
}
