// The per-cluster lock (instance `reboot-<alias>`): its fixed id makes a second start fail
// while a run is alive, and the cluster's Kubernetes Lease extends the lock across
// deployments (another app, another region) and expires when a run stopped living. It
// starts one run (`reboot-<alias>-<runId>`) as a sub-orchestration and releases the Lease on
// every path.
import type { OrchestrationContext } from 'durable-functions';
import type { RunOutput } from '../core/runTypes';
import { Flow, initialControl, type Op } from './flow';
import { activities, makeRunId, orchestrators, runInstanceId } from './names';
import type { ClusterLockInput, ClusterRebootInput } from './types';

export function* clusterLock(context: OrchestrationContext): Op<RunOutput> {
  const input = context.df.getInput() as ClusterLockInput;
  const { cluster, settings } = input;
  const flow = new Flow(context, initialControl());
  const runId = makeRunId(flow.now(), context.df.newGuid(`${cluster.alias}-run`));
  const holder = runInstanceId(cluster.alias, runId);
  const leaseInput = () => ({ cluster, runId, at: flow.nowIso(), namespace: settings.namespace, holder, ttlSeconds: settings.lockTtlSeconds });
  const status = (phase: string, extra: Record<string, unknown> = {}) => context.df.setCustomStatus({ runId, runInstanceId: holder, startNonce: input.startNonce, phase, ...extra });

  status('acquiring-lease');
  const lease = yield* flow.call(activities.acquireLease, leaseInput());
  if (!lease.held) {
    const reason = `the cluster Lease is held by ${lease.holder} until ${lease.expiresAt}`;
    status('refused', { reason });
    flow.log('run refused', { cluster: cluster.alias, runId, reason });
    const at = flow.nowIso();
    return { runId, outcome: 'refused', reason, startedAt: at, finishedAt: at, results: [], skipped: [], repaired: [], remaining: [] };
  }

  status('running');
  try {
    const run: ClusterRebootInput = {
      cluster,
      settings,
      trigger: input.trigger,
      requestedBy: input.requestedBy,
      ...(input.request ? { request: input.request } : {}),
      runId,
      holdsLease: true,
      leaseRenewedAt: lease.renewedAt,
    };
    const output = (yield context.df.callSubOrchestrator(orchestrators.clusterReboot, run, holder)) as RunOutput;
    status(output.outcome, output.reason ? { reason: output.reason } : {});
    return output;
  } catch (error) {
    const reason = `the run failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`;
    status('failed', { reason });
    const at = flow.nowIso();
    return { runId, outcome: 'failed', reason, startedAt: at, finishedAt: at, results: [], skipped: [], repaired: [], remaining: [] };
  } finally {
    try {
      yield* flow.call(activities.releaseLease, leaseInput());
    } catch (error) {
      // Not fatal: the Lease expires after its TTL since nobody renews it any more.
      flow.log('lease not released', { cluster: cluster.alias, runId, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
