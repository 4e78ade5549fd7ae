// The maintenance timer: on each tick, start a run for every configured cluster that has
// none alive. The run itself checks the window at its own clock and decides. The retention
// timer purges old instance histories (cutoff from the current time, see core/retention.ts).
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { loadSettings } from './settings';
import { purgeCutoff } from '../core/retention';
import { functionClock } from './clock';
import { startClusterRun } from './instances';

export const REBOOT_TIMER = 'rebootSchedule';
export const RETENTION_TIMER = 'purgeHistory';

export async function onRebootSchedule(_timer: Timer, context: InvocationContext): Promise<void> {
  const loaded = loadSettings();
  if (!loaded.ok) {
    context.error(`no run started: ${loaded.message}`);
    return;
  }
  const { settings } = loaded;
  if (!settings.enabled) {
    context.log('no run started: REBOOT_ENABLED is false (the kill switch)');
    return;
  }
  if (settings.clusters.length === 0) {
    context.warn('no run started: AKS_CLUSTERS lists no cluster');
    return;
  }
  const client = df.getClient(context);
  for (const cluster of settings.clusters) {
    try {
      const result = await startClusterRun(client, settings, cluster, 'schedule', 'timer');
      const where = { cluster: cluster.alias, instanceId: result.instanceId };
      if (result.outcome === 'started') context.log('run started', where);
      else if (result.outcome === 'alreadyRunning') context.log('a run is already alive; none started', where);
      else if (result.outcome === 'lostRace') context.log('another start won: its run is the one running; this one was dropped', { ...where, ...startedBy(result.status) });
      else context.warn('start accepted but not seen running yet; the lock instance will tell which start runs', where);
    } catch (error) {
      context.error('could not start a run', { cluster: cluster.alias, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** Who started the run that is alive, from the lock's custom status (the run id) — no input read. */
function startedBy(status: df.DurableOrchestrationStatus): { runId?: string } {
  const runId = (status.customStatus as { runId?: string } | undefined)?.runId;
  return runId ? { runId } : {};
}

export async function onPurgeHistory(_timer: Timer, context: InvocationContext): Promise<void> {
  const loaded = loadSettings();
  if (!loaded.ok) {
    context.error(`no history purged: ${loaded.message}`);
    return;
  }
  const cutoff = purgeCutoff(functionClock().now(), loaded.settings.historyRetentionSeconds);
  if (!cutoff.ok) {
    context.error(`no history purged: ${cutoff.reason}`);
    return;
  }
  const before = cutoff.cutoff;
  const client = df.getClient(context);
  try {
    const result = await client.purgeInstanceHistoryBy({
      createdTimeFrom: new Date(0),
      createdTimeTo: before,
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.Failed, df.OrchestrationRuntimeStatus.Terminated],
    });
    context.log('history purged', { before: before.toISOString(), instancesDeleted: result.instancesDeleted });
  } catch (error) {
    // The extension answers 404 when nothing matched.
    if (!/404|not found/i.test(error instanceof Error ? error.message : String(error))) throw error;
    context.log('no history older than the retention to purge', { before: before.toISOString() });
  }
}

app.timer(REBOOT_TIMER, {
  schedule: '%REBOOT_SCHEDULE%',
  extraInputs: [df.input.durableClient()],
  handler: onRebootSchedule,
});

app.timer(RETENTION_TIMER, {
  schedule: '0 30 2 * * *',
  extraInputs: [df.input.durableClient()],
  handler: onPurgeHistory,
});
