// Replay cost on the local host (run: `npx tsx bench/replay.bench.ts [N]`, default N = 1000):
// N sequential activities as one instance, vs as N sub-orchestrations, vs with continueAsNew
// every 25. Reports wall time, episodes, history events and replay CPU time — the evidence for
// the run's continueAsNew and per-node sub-orchestrations (docs/design.md#the-life-of-a-run).
// None of these modules loads @azure/functions; the app entry does, after the stand-in is in place.
import { createVirtualClock } from '../local/clock';
import { installFunctionsCoreStandIn } from '../local/host/functionsCore';
import { startHost } from '../local/host/host';
import { MemoryHistoryStore } from '../local/host/store';

installFunctionsCoreStandIn();

async function main(): Promise<void> {
  /** Counts every history event written, across executions (continueAsNew resets a history). */
  class CountingStore extends MemoryHistoryStore {
    appended = 0;
    override appendEvent(...args: Parameters<MemoryHistoryStore['appendEvent']>): void {
      this.appended++;
      super.appendEvent(...args);
    }
  }
  const store = new CountingStore();
  const total = Number(process.argv[2] ?? 1000);
  if (!Number.isInteger(total) || total < 1) throw new Error(`N must be a positive integer, got ${process.argv[2]}`);
  const host = await startHost({ entry: require.resolve('./replayApp'), clock: createVirtualClock(), store, maxConcurrentActivityFunctions: 10 });
  const cases = [
    { label: `${total} activities in one instance`, name: 'benchSequential', input: total },
    { label: `${total} sub-orchestrations (1 activity each)`, name: 'benchSubOrchestrations', input: total },
    { label: `${total} activities, continueAsNew every 25`, name: 'benchContinueAsNew', input: { total, done: 0, value: 0, every: 25 } },
  ];
  const rows: string[][] = [['case', 'wall s', 'episodes', 'history events (largest execution)', 'history events written', 'replay CPU s']];
  for (const c of cases) {
    const before = host.events.length;
    const appendedBefore = store.appended;
    const started = performance.now();
    const id = host.startNew(c.name, { instanceId: c.name, input: c.input });
    const status = await host.waitFor(id, { maxRealMs: 30 * 60_000 });
    const wall = (performance.now() - started) / 1000;
    if (status.output !== total) throw new Error(`${c.label}: output ${JSON.stringify(status.output)}, expected ${total}`);
    const ids = new Set(host.events.slice(before).filter((e) => 'instanceId' in e).map((e) => (e as { instanceId: string }).instanceId));
    let episodes = 0;
    let cpu = 0;
    let largest = 0;
    for (const i of ids) {
      const s = host.stats(i);
      episodes += s.episodes;
      cpu += s.replayCpuMs;
      largest = Math.max(largest, s.historyEvents);
    }
    const written = store.appended - appendedBefore;
    rows.push([c.label, wall.toFixed(2), String(episodes), String(largest), String(written), (cpu / 1000).toFixed(2)]);
  }
  await host.close();
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
