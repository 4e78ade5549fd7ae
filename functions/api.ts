// The HTTP API (auth level `function`): start a run, read the current or a given run, pause,
// resume or cancel it, get a dry-run plan, list the clusters. A cluster is addressed by its
// alias from AKS_CLUSTERS. Answers link to our own routes only.
import { randomUUID } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { ClusterRef } from '../activities/contracts';
import { checkRequestTargets } from '../activities/requestTargets';
import { parseManualRequest } from '../core/manualRequest';
import type { RunStatus } from '../core/runStatus';
import { toRunSettings } from '../core/runSettings';
import type { ControlAction, ControlEvent, ControlState, RunOutput } from '../core/runTypes';
import type { Settings } from '../core/settings';
import { CONTROL_EVENT, lockInstanceId, makeRunId, nodeInstanceId, orchestrators, planInstanceId, runInstanceId } from '../orchestrations/names';
import type { ClusterLockInput, ClusterRebootInput } from '../orchestrations/types';
import { badRequest, internalError, json, notFound, problem, runLinks } from './httpResponses';
import { isLive, startClusterRun, statusOf } from './instances';
import { readJsonBody } from './requestBody';
import { functionClock } from './clock';
import { loadSettings } from './settings';

const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;
// The waits below run on functionClock() (the wall clock on Azure, the host's locally). They are
// long enough for a message to be dequeued after the longest queue-polling backoff plus a cold
// start; when they end first, the answer is 202 with a Location to poll and what is pending.
const PLAN_WAIT_MS = 60_000;
/** A plan computed less than this long ago answers GET …/plan again instead of a new one. */
const PLAN_REUSE_MS = 120_000;
const CONTROL_WAIT_MS = 30_000;
const POLL_MS = 500;

type Handler = (request: HttpRequest, context: InvocationContext, settings: Settings) => Promise<HttpResponseInit>;

/** Settings checked first (a bad setting answers 500 with its message), unexpected errors logged and hidden. */
function guarded(handler: Handler) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const loaded = loadSettings();
    if (!loaded.ok) return problem(500, 'InvalidSettings', loaded.message);
    try {
      return await handler(request, context, loaded.settings);
    } catch (error) {
      context.error('request failed', { route: request.url.replace(/\?.*/, ''), error: error instanceof Error ? error.message : String(error) });
      return internalError(context.invocationId);
    }
  };
}

function clusterOf(settings: Settings, request: HttpRequest): ClusterRef | undefined {
  return settings.clusters.find((c) => c.alias === request.params.alias);
}

const unknownCluster = (request: HttpRequest, settings: Settings) =>
  notFound(`no cluster with alias ${JSON.stringify(request.params.alias ?? '')}; configured: ${settings.clusters.map((c) => c.alias).join(', ') || 'none (set AKS_CLUSTERS)'}`);

/**
 * Who asked: the signed-in principal when App Service authentication is on (the platform then
 * sets this header and strips any the caller sent), else the key holder. Without it, the
 * header is the caller's own word and is not recorded.
 */
function requestedBy(request: HttpRequest): string {
  if (process.env.WEBSITE_AUTH_ENABLED?.toLowerCase() !== 'true') return 'function-key';
  const principal = request.headers.get('x-ms-client-principal-name');
  return principal && /^[\x20-\x7e]{1,256}$/.test(principal) ? principal : 'function-key';
}

/** The run the cluster's lock instance is running (or ran last). */
async function currentRun(client: df.DurableClient, alias: string): Promise<{ lock?: df.DurableOrchestrationStatus; runId?: string }> {
  const lock = await statusOf(client, lockInstanceId(alias));
  const runId = (lock?.customStatus as { runId?: string } | undefined)?.runId;
  return { ...(lock ? { lock } : {}), ...(runId ? { runId } : {}) };
}

async function runView(client: df.DurableClient, cluster: ClusterRef, runId: string) {
  const status = await statusOf(client, runInstanceId(cluster.alias, runId), { showInput: true });
  if (!status) return undefined;
  const input = status.input as Partial<ClusterRebootInput> | undefined;
  const custom = status.customStatus as RunStatus | undefined;
  const output = status.output as RunOutput | undefined;
  const current = await Promise.all((custom?.current ?? []).map(async (c) => {
    const node = await statusOf(client, nodeInstanceId(cluster.alias, runId, c.node));
    return { node: c.node, runtimeStatus: node?.runtimeStatus, status: node?.customStatus };
  }));
  return {
    cluster: cluster.alias,
    runId,
    runtimeStatus: status.runtimeStatus,
    createdTime: status.createdTime,
    lastUpdatedTime: status.lastUpdatedTime,
    trigger: input?.trigger,
    requestedBy: input?.requestedBy,
    request: input?.request,
    status: custom,
    current,
    ...(output && typeof output === 'object' ? { output } : {}),
    links: runLinks(cluster.alias, runId),
  };
}

const listClusters: Handler = async (request, context, settings) => {
  const client = df.getClient(context);
  const clusters = await Promise.all(settings.clusters.map(async (c) => {
    const { lock, runId } = await currentRun(client, c.alias);
    return {
      alias: c.alias,
      resourceId: c.resourceId,
      running: isLive(lock),
      ...(lock ? { lastRun: { runId, runtimeStatus: lock.runtimeStatus, phase: (lock.customStatus as { phase?: string } | undefined)?.phase, createdTime: lock.createdTime } } : {}),
      links: runLinks(c.alias, runId),
    };
  }));
  return json(200, { enabled: settings.enabled, clusters });
};

const startRun: Handler = async (request, context, settings) => {
  const cluster = clusterOf(settings, request);
  if (!cluster) return unknownCluster(request, settings);
  if (!settings.enabled) return problem(403, 'Disabled', 'REBOOT_ENABLED is false (the kill switch): no run can start');
  const body = await readJsonBody(request);
  if (!body.ok) return body.response;
  const parsed = parseManualRequest(body.value);
  if (!parsed.ok) return badRequest(parsed.errors.map((e) => e.message).join('; '), parsed.errors);
  const targets = await checkRequestTargets(cluster, parsed.request);
  if (targets.length > 0) return badRequest(targets.map((e) => e.message).join('; '), targets);
  const client = df.getClient(context);
  const started = await startClusterRun(client, settings, cluster, 'manual', requestedBy(request), parsed.request);
  if (started.outcome === 'alreadyRunning' || started.outcome === 'lostRace') return runInProgress(client, cluster);
  if (started.outcome === 'unconfirmed') {
    const location = `/api/clusters/${cluster.alias}/reboots`;
    return accepted(location, { cluster: cluster.alias, pending: 'start', message: 'the start was accepted and the run has not begun yet; GET the Location to see the run in progress (another start may have won)', links: { current: location } });
  }
  context.log('manual run started', { cluster: cluster.alias, requestedBy: requestedBy(request) });
  const runId = (started.status.customStatus as { runId?: string } | undefined)?.runId;
  return json(202, { cluster: cluster.alias, ...(runId ? { runId } : {}), requestedBy: requestedBy(request), request: parsed.request, links: runLinks(cluster.alias, runId) });
};

/** 202 for work still pending: the body says what, the Location where to poll. */
function accepted(location: string, body: Record<string, unknown>): HttpResponseInit {
  const answer = json(202, body);
  return { ...answer, headers: { ...(answer.headers as Record<string, string>), location, 'retry-after': '5' } };
}

/** 409 naming the run that is alive and what it was asked to do. */
async function runInProgress(client: df.DurableClient, cluster: ClusterRef): Promise<HttpResponseInit> {
  const lock = await statusOf(client, lockInstanceId(cluster.alias), { showInput: true });
  const runId = (lock?.customStatus as { runId?: string } | undefined)?.runId;
  const input = lock?.input as Partial<ClusterLockInput> | undefined;
  return json(409, {
    error: { code: 'RunInProgress', message: `a run of ${cluster.alias} is already in progress${runId ? ` (${runId})` : ''}` },
    runId,
    run: { runId, runtimeStatus: lock?.runtimeStatus, trigger: input?.trigger, requestedBy: input?.requestedBy, request: input?.request },
    links: runLinks(cluster.alias, runId),
  });
}

const getCurrentRun: Handler = async (request, context, settings) => {
  const cluster = clusterOf(settings, request);
  if (!cluster) return unknownCluster(request, settings);
  const client = df.getClient(context);
  const { lock, runId } = await currentRun(client, cluster.alias);
  if (!lock) return notFound(`no run of ${cluster.alias} yet`);
  if (!runId) return json(200, { cluster: cluster.alias, runtimeStatus: lock.runtimeStatus, lock: lock.customStatus, links: runLinks(cluster.alias) });
  const view = await runView(client, cluster, runId);
  return json(200, view ?? { cluster: cluster.alias, runId, lock: lock.customStatus, links: runLinks(cluster.alias, runId) });
};

const getRun: Handler = async (request, context, settings) => {
  const cluster = clusterOf(settings, request);
  if (!cluster) return unknownCluster(request, settings);
  const runId = request.params.runId ?? '';
  if (!RUN_ID.test(runId)) return badRequest(`runId ${JSON.stringify(runId.slice(0, 64))} is not a run id; the form is yyyymmddThhmmssZ-xxxx, e.g. 20261127T203000Z-ab12`, [{ field: 'runId', message: 'not a run id' }]);
  const view = await runView(df.getClient(context), cluster, runId);
  return view ? json(200, view) : notFound(`no run ${runId} of ${cluster.alias}`);
};

const controlRun: Handler = async (request, context, settings) => {
  const cluster = clusterOf(settings, request);
  if (!cluster) return unknownCluster(request, settings);
  const action = request.params.action as ControlAction;
  if (!['pause', 'resume', 'cancel'].includes(action)) return notFound(`no such action ${JSON.stringify(String(action).slice(0, 32))}: use pause, resume or cancel`);
  const client = df.getClient(context);
  const { lock, runId } = await currentRun(client, cluster.alias);
  if (!lock || !isLive(lock) || !runId) return problem(409, 'NoRunInProgress', `no run of ${cluster.alias} is in progress`);
  const event: ControlEvent = { action, id: randomUUID(), by: requestedBy(request) };
  const runInstance = runInstanceId(cluster.alias, runId);
  // Nodes the event was sent to stay in view: the run forgets a node once it finished.
  const toldNodes = new Set<string>();
  // An event taken in a continue-as-new episode is lost in Azure: send again until the run, or the node it
  // is working on (the run applies it once that node's step ends), acknowledges it.
  const clock = functionClock();
  for (const deadline = clock.now() + CONTROL_WAIT_MS; clock.now() < deadline; await clock.sleep(POLL_MS * 4)) {
    const run = await statusOf(client, runInstance);
    const custom = run?.customStatus as RunStatus | undefined;
    for (const c of custom?.current ?? []) toldNodes.add(nodeInstanceId(cluster.alias, runId, c.node));
    const nodeInstances = [...toldNodes];
    const nodes = await Promise.all(nodeInstances.map((id) => statusOf(client, id)));
    const heardBy = [run, ...nodes].find((s) => (s?.customStatus as { control?: ControlState } | undefined)?.control?.acknowledged.includes(event.id));
    if (heardBy) {
      const control = (heardBy.customStatus as { control: ControlState }).control;
      return json(200, { cluster: cluster.alias, runId, action, acknowledged: true, acknowledgedBy: heardBy.instanceId, control, links: runLinks(cluster.alias, runId) });
    }
    if (!run || !isLive(run)) return problem(409, 'NoRunInProgress', `run ${runId} of ${cluster.alias} has finished`);
    await raise(client, runInstance, event);
    for (const id of nodeInstances) await raise(client, id, event);
  }
  return accepted(`/api/clusters/${cluster.alias}/reboots/${runId}`, {
    cluster: cluster.alias, runId, action, acknowledged: false, pending: 'acknowledgement',
    message: `sent; the run has not acknowledged the ${action} yet (it does between steps): GET the Location, its control shows the state once it does`,
    links: runLinks(cluster.alias, runId),
  });
};

async function raise(client: df.DurableClient, instanceId: string, event: ControlEvent): Promise<void> {
  try {
    await client.raiseEvent(instanceId, CONTROL_EVENT, event);
  } catch (error) {
    // A node instance that just finished answers 410, one not started yet 404: nothing to tell it.
    if (!/404|410|not found|gone/i.test(error instanceof Error ? error.message : String(error))) throw error;
  }
}

/**
 * One plan per cluster at a time, and a recent one is reused: each plan is a durable instance
 * and a check pod per node, so a caller asking in a loop must not multiply them. The plan
 * instance has a fixed id per cluster; a new plan replaces the previous one.
 */
const startPlan: Handler = async (request, context, settings) => {
  const cluster = clusterOf(settings, request);
  if (!cluster) return unknownCluster(request, settings);
  const client = df.getClient(context);
  const instanceId = planInstanceId(cluster.alias);
  const existing = await statusOf(client, instanceId, { showInput: true });
  const recent = existing && !isLive(existing) && functionClock().now() - new Date(existing.createdTime).getTime() < PLAN_REUSE_MS;
  if (existing && (isLive(existing) || recent)) return waitForPlan(client, cluster, existing);
  const now = new Date(functionClock().now());
  const runId = makeRunId(now, randomUUID());
  const input: ClusterRebootInput = {
    cluster, settings: toRunSettings(settings), trigger: 'manual', requestedBy: requestedBy(request), request: { dryRun: true }, runId, holdsLease: false,
  };
  try {
    await client.startNew(orchestrators.clusterReboot, { instanceId, input });
  } catch (error) {
    // Another caller started a plan in between: that one is the answer.
    const racing = await statusOf(client, instanceId, { showInput: true });
    if (racing && isLive(racing)) return waitForPlan(client, cluster, racing);
    throw error;
  }
  return waitForPlan(client, cluster, await statusOf(client, instanceId, { showInput: true }), runId);
};

/** Waits a little for the cluster's plan instance to finish; its answer, or 202 with where to look. */
async function waitForPlan(client: df.DurableClient, cluster: ClusterRef, status: df.DurableOrchestrationStatus | undefined, startedRunId?: string): Promise<HttpResponseInit> {
  const planId = startedRunId ?? planIdOf(status);
  const instanceId = planInstanceId(cluster.alias);
  const clock = functionClock();
  for (const deadline = clock.now() + PLAN_WAIT_MS; ; await clock.sleep(POLL_MS)) {
    if (status && !isLive(status)) return planAnswer(cluster, planIdOf(status) ?? planId ?? '', status, startedRunId === undefined);
    if (clock.now() >= deadline) break;
    status = await statusOf(client, instanceId, { showInput: true });
  }
  const location = `/api/clusters/${cluster.alias}/plan${planId ? `/${planId}` : ''}`;
  return accepted(location, { cluster: cluster.alias, ...(planId ? { planId } : {}), pending: 'plan', message: 'the plan is still being computed: GET the Location until it answers 200', links: { plan: location } });
}

function planIdOf(status: df.DurableOrchestrationStatus | undefined): string | undefined {
  const runId = (status?.input as Partial<ClusterRebootInput> | undefined)?.runId;
  return typeof runId === 'string' ? runId : undefined;
}

const getPlan: Handler = async (request, context, settings) => {
  const cluster = clusterOf(settings, request);
  if (!cluster) return unknownCluster(request, settings);
  const planId = request.params.planId ?? '';
  if (!RUN_ID.test(planId)) return badRequest(`planId ${JSON.stringify(planId.slice(0, 64))} is not a plan id; the form is yyyymmddThhmmssZ-xxxx`, [{ field: 'planId', message: 'not a plan id' }]);
  const status = await statusOf(df.getClient(context), planInstanceId(cluster.alias), { showInput: true });
  if (!status || planIdOf(status) !== planId) return notFound(`no plan ${planId} of ${cluster.alias} (only the latest plan is kept: GET /api/clusters/${cluster.alias}/plan)`);
  if (isLive(status)) return accepted(`/api/clusters/${cluster.alias}/plan/${planId}`, { cluster: cluster.alias, planId, pending: 'plan', message: 'the plan is still being computed: GET the Location until it answers 200' });
  return planAnswer(cluster, planId, status, false);
};

function planAnswer(cluster: ClusterRef, planId: string, status: df.DurableOrchestrationStatus, reused: boolean): HttpResponseInit {
  const output = status.output as RunOutput | undefined;
  if (String(status.runtimeStatus) !== 'Completed' || !output?.plan) {
    return problem(502, 'PlanFailed', `the plan could not be computed (${status.runtimeStatus}); see instance ${planInstanceId(cluster.alias)} in the portal`);
  }
  return json(200, { cluster: cluster.alias, planId, computedAt: status.createdTime, reused, plan: output.plan, skipped: output.skipped });
}

const routes: Array<[name: string, method: 'GET' | 'POST', route: string, handler: Handler]> = [
  ['apiListClusters', 'GET', 'clusters', listClusters],
  ['apiStartRun', 'POST', 'clusters/{alias}/reboots', startRun],
  ['apiGetCurrentRun', 'GET', 'clusters/{alias}/reboots', getCurrentRun],
  ['apiControlRun', 'POST', 'clusters/{alias}/reboots/current/{action}', controlRun],
  ['apiGetRun', 'GET', 'clusters/{alias}/reboots/{runId}', getRun],
  ['apiPlan', 'GET', 'clusters/{alias}/plan', startPlan],
  ['apiGetPlan', 'GET', 'clusters/{alias}/plan/{planId}', getPlan],
];

/** The HTTP functions' registered names (with the timers and names.ts, the app's whole list). */
export const apiFunctionNames: readonly string[] = routes.map(([name]) => name);

for (const [name, method, route, handler] of routes) {
  app.http(name, { methods: [method], authLevel: 'function', route, extraInputs: [df.input.durableClient()], handler: guarded(handler) });
}
