// Histories of the app's orchestrations as this release records them while a rollout is in
// flight, the input of the deployment check: a new version must replay them without a
// non-determinism error (docs/operations.md, "Deploying a new version"). Recorded on the seed
// at three moments (the first node draining, the first node waiting for its reboot, the second
// node draining) and at the end. `npm run fixtures:histories` writes them to FIXTURE_FILE.
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from '../../local/host';
import { startStack, type Stack } from '../e2e/stack';

export const FIXTURE_FILE = path.join(__dirname, 'fixtures', 'in-flight-histories.json');

export interface RecordedInstance {
  /** When it was taken, e.g. `node 1 drain`. */
  moment: string;
  name: string;
  instanceId: string;
  input: unknown;
  history: HistoryEvent[];
}

export interface RecordedHistories {
  /** package.json's version of the release that recorded them. */
  appVersion: string;
  instances: RecordedInstance[];
}

const LIMITS = { maxRealMs: 180_000 };

function take(stack: Stack, moment: string, instanceIds: string[]): RecordedInstance[] {
  return instanceIds.flatMap((instanceId) => {
    const status = stack.host.getStatus(instanceId);
    if (!status) return [];
    return [{ moment, name: String(status.name), instanceId, input: status.input, history: stack.host.getHistory(instanceId) }];
  });
}

/** Runs the seed once and takes the histories of the lock, the run and the nodes in flight. */
export async function recordInFlightHistories(): Promise<RecordedHistories> {
  const stack = await startStack();
  try {
    const instances: RecordedInstance[] = [];
    const lockId = stack.lockInstanceId;
    const runId = (): string | undefined => (stack.host.getStatus(lockId)?.customStatus as { runId?: string } | undefined)?.runId;
    const runInstance = (): string => `${lockId}-${runId()}`;
    const current = (): string[] => ((stack.host.getStatus(runInstance())?.customStatus as { current?: Array<{ node: string }> } | undefined)?.current ?? []).map((c) => c.node);
    const nodeInstance = (node: string): string => `${runInstance()}-${node}`;
    const stepOf = (node: string): string | undefined => (stack.host.getStatus(nodeInstance(node))?.customStatus as { step?: string } | undefined)?.step;
    const seen: string[] = [];
    const nodeAt = (index: number, step: string) => (): boolean => {
      for (const node of current()) if (!seen.includes(node)) seen.push(node);
      const node = seen[index];
      return node !== undefined && stepOf(node) === step;
    };

    await stack.host.fireTimer('rebootSchedule');
    await stack.host.runUntil(nodeAt(0, 'drain'), LIMITS);
    instances.push(...take(stack, 'node 1 drain', [lockId, runInstance(), nodeInstance(seen[0]!)]));
    await stack.host.runUntil(nodeAt(0, 'waiting-ready'), LIMITS);
    instances.push(...take(stack, 'node 1 waiting-ready', [runInstance(), nodeInstance(seen[0]!)]));
    await stack.host.runUntil(nodeAt(1, 'drain'), LIMITS);
    instances.push(...take(stack, 'node 2 drain', [runInstance(), nodeInstance(seen[1]!)]));
    const lock = await stack.host.waitFor(lockId, LIMITS);
    if (lock.runtimeStatus !== 'Completed') throw new Error(`the seed rollout ended ${lock.runtimeStatus}`);
    instances.push(...take(stack, 'completed', [lockId, runInstance(), nodeInstance(seen[0]!)]));
    const appVersion = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
    return { appVersion, instances };
  } finally {
    await stack.close();
  }
}

export function readRecordedHistories(): RecordedHistories {
  return JSON.parse(fs.readFileSync(FIXTURE_FILE, 'utf8')) as RecordedHistories;
}

// `npm run fixtures:histories`: record them anew (after a replay-incompatible change, with the
// release note that it must be deployed drain-first).
if (require.main === module) {
  void recordInFlightHistories().then((recorded) => {
    fs.mkdirSync(path.dirname(FIXTURE_FILE), { recursive: true });
    fs.writeFileSync(FIXTURE_FILE, `${JSON.stringify(recorded)}\n`);
    console.log(`${path.relative(process.cwd(), FIXTURE_FILE)}: ${recorded.instances.length} instances, ${recorded.instances.reduce((n, i) => n + i.history.length, 0)} history events`);
  });
}
