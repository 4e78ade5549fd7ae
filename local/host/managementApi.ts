// The Durable Task extension's HTTP API, served on loopback for the real DurableClient: the same
// handler answers the local RPC endpoint (rpcBaseUrl, ".../durabletask/...") and the public
// webhook routes ("/runtime/webhooks/durabletask/...", which need the extension's system key).
// Status codes and payloads follow the extension's HttpApiHandler.cs and DurableClient.cs
// (azure-functions-durable-extension: src/WebJobs.Extensions.DurableTask/HttpApiHandler.cs).
import type http from 'node:http';
import { tryParseDotNetDateTime } from './dotnetDate';
import { type Engine, InstanceAlreadyExistsError, InvalidInstanceIdError, UnknownFunctionError } from './engine';
import { ev, EventType, eventTypeName, type HistoryEvent, OrchestrationStatus, parseJsonText } from './history';
import { type InstanceRecord, type RuntimeStatus, TERMINAL } from './store';

export interface ManagementUrls {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  rewindPostUri: string;
  purgeHistoryDeleteUri: string;
  restartPostUri: string;
  suspendPostUri: string;
  resumePostUri: string;
}

export interface DurableClientBinding {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; waitOnNewInstancePostUri: string };
  managementUrls: ManagementUrls;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

export const INSTANCE_ID_PLACEHOLDER = 'INSTANCEID';

export function durableClientBinding(o: { origin: string; rpcOrigin: string; taskHubName: string; systemKey: string }): DurableClientBinding {
  const base = `${o.origin}/runtime/webhooks/durabletask`;
  const required = `taskHub=${o.taskHubName}&connection=Storage&code=${o.systemKey}`;
  const inst = `${base}/instances/${INSTANCE_ID_PLACEHOLDER}`;
  return {
    taskHubName: o.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?code=${o.systemKey}`,
      waitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${o.systemKey}`,
    },
    managementUrls: {
      id: INSTANCE_ID_PLACEHOLDER,
      statusQueryGetUri: `${inst}?${required}`,
      sendEventPostUri: `${inst}/raiseEvent/{eventName}?${required}`,
      terminatePostUri: `${inst}/terminate?reason={text}&${required}`,
      rewindPostUri: `${inst}/rewind?reason={text}&${required}`,
      purgeHistoryDeleteUri: `${inst}?${required}`,
      restartPostUri: `${inst}/restart?${required}`,
      suspendPostUri: `${inst}/suspend?reason={text}&${required}`,
      resumePostUri: `${inst}/resume?reason={text}&${required}`,
    },
    baseUrl: base,
    requiredQueryStringParameters: required,
    rpcBaseUrl: `${o.rpcOrigin}/durabletask/`,
  };
}

export function managementPayload(binding: DurableClientBinding, instanceId: string): ManagementUrls {
  const out = {} as ManagementUrls;
  for (const [k, v] of Object.entries(binding.managementUrls) as [keyof ManagementUrls, string][]) out[k] = v.replace(INSTANCE_ID_PLACEHOLDER, instanceId);
  return out;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** ISO without milliseconds, as HttpApiHandler.ConvertFrom formats times (ToString("s") + "Z"). */
const secondsIso = (isoTime: string): string => isoTime.replace(/\.\d{3}Z$/, 'Z');

/** The history as the status API shows it (DurableClient.GetStatusAsync with showHistory). */
export function historyForStatus(history: HistoryEvent[], showHistoryOutput: boolean, showInput: boolean): unknown[] {
  const scheduled = new Map<string, HistoryEvent>();
  const out: Record<string, unknown>[] = [];
  for (const e of history) {
    const name = eventTypeName(e.EventType) ?? String(e.EventType);
    if (e.EventType === EventType.OrchestratorStarted || e.EventType === EventType.OrchestratorCompleted) continue;
    if (e.EventType === EventType.TaskScheduled || e.EventType === EventType.SubOrchestrationInstanceCreated) {
      scheduled.set(`${e.EventType}_${e.EventId}`, e);
      continue;
    }
    const item: Record<string, unknown> = { ...e, EventType: name };
    delete item.EventId;
    delete item.IsPlayed;
    const prefix = e.EventType === EventType.TaskCompleted || e.EventType === EventType.TaskFailed ? EventType.TaskScheduled
      : e.EventType === EventType.SubOrchestrationInstanceCompleted || e.EventType === EventType.SubOrchestrationInstanceFailed ? EventType.SubOrchestrationInstanceCreated : undefined;
    if (prefix !== undefined) {
      const s = scheduled.get(`${prefix}_${String(e.TaskScheduledId)}`);
      if (s) {
        item.ScheduledTime = s.Timestamp;
        item.FunctionName = s.Name;
        if (showInput) item.Input = s.Input;
      }
      delete item.TaskScheduledId;
    }
    if (e.EventType === EventType.ExecutionStarted) {
      item.FunctionName = item.Name;
      delete item.Name;
      delete item.OrchestrationInstance;
      delete item.ParentInstance;
      delete item.Version;
      delete item.Tags;
    }
    if (e.EventType === EventType.ExecutionCompleted) {
      item.OrchestrationStatus = Object.keys(OrchestrationStatus).find((k) => OrchestrationStatus[k as keyof typeof OrchestrationStatus] === e.OrchestrationStatus);
    }
    if (e.EventType === EventType.TimerFired) delete item.TimerId;
    if ('Result' in item) {
      if (showHistoryOutput) item.Result = parseJsonText(item.Result);
      else delete item.Result;
    }
    if (!showInput) delete item.Input;
    out.push(item);
  }
  return out;
}

export function statusPayload(record: InstanceRecord, history?: unknown[]): Record<string, unknown> {
  return {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.runtimeStatus,
    input: parseJsonText(record.input),
    customStatus: parseJsonText(record.customStatus),
    output: parseJsonText(record.output),
    createdTime: secondsIso(record.createdTime),
    lastUpdatedTime: secondsIso(record.lastUpdatedTime),
    ...(history ? { historyEvents: history } : {}),
  };
}

const errorReply = (status: number, message: string, err?: unknown): Reply => ({
  status,
  body: { Message: message, ...(err instanceof Error ? { ExceptionMessage: err.message, ExceptionType: `System.${err.name === 'Error' ? 'Exception' : err.name}` } : {}) },
});

const bool = (q: URLSearchParams, name: string, fallback: boolean): boolean => {
  const v = q.get(name);
  return v === null ? fallback : v.toLowerCase() === 'true';
};

export interface ManagementContext {
  engine(): Engine;
  binding: DurableClientBinding;
  now(): number;
}

/** Routes one request whose path is already relative to the durabletask base ("/orchestrators/..."). */
export async function handleManagement(ctx: ManagementContext, method: string, path: string, query: URLSearchParams, body: string, contentType: string | undefined): Promise<Reply> {
  const engine = ctx.engine();
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, a, b, c] = segments;
  try {
    if (head === 'orchestrators' && a && method === 'POST') {
      const instanceId = b ?? crypto.randomUUID().replace(/-/g, '');
      let input: string | null = null;
      if (body.length > 0) {
        try {
          input = JSON.stringify(JSON.parse(body));
        } catch (err) {
          return errorReply(400, 'Invalid JSON content', err);
        }
      }
      await engine.track(async () => engine.startNew(a, instanceId, input));
      const payload = managementPayload(ctx.binding, instanceId);
      return { status: 202, body: payload, headers: { Location: payload.statusQueryGetUri, 'Retry-After': '10' } };
    }
    if (head !== 'instances') return { status: 404 };
    if (!a) {
      if (method === 'GET') return { status: 200, body: listInstances(ctx, query) };
      if (method === 'DELETE') return purgeBy(ctx, query);
      return { status: 404 };
    }
    const record = engine.visibleRecord(a);
    if (!b) {
      if (method === 'GET') {
        if (!record) return { status: 404 };
        const history = bool(query, 'showHistory', false)
          ? historyForStatus(engine.getHistory(a), bool(query, 'showHistoryOutput', false), bool(query, 'showInput', true))
          : undefined;
        const running = !TERMINAL.has(record.runtimeStatus);
        const failedAs500 = record.runtimeStatus === 'Failed' && bool(query, 'returnInternalServerErrorOnFailure', false);
        const payload = statusPayload(record, history);
        if (!bool(query, 'showInput', true)) payload.input = null;
        return { status: running ? 202 : failedAs500 ? 500 : 200, body: payload, headers: running ? { 'Retry-After': '5' } : {} };
      }
      if (method === 'DELETE') {
        if (!record) return { status: 404 };
        if (!TERMINAL.has(record.runtimeStatus)) return { status: 200, body: { instancesDeleted: 0 } };
        engine.purge(a);
        return { status: 200, body: { instancesDeleted: 1 } };
      }
      return { status: 404 };
    }
    if (method !== 'POST') return { status: 404 };
    if (!record) return { status: 404 };
    const reason = query.get('reason');
    const now = ctx.now();
    switch (b) {
      case 'raiseEvent': {
        if (!c) return { status: 404 };
        if (TERMINAL.has(record.runtimeStatus)) return { status: 410 };
        if (!(contentType ?? '').toLowerCase().startsWith('application/json')) return errorReply(400, 'Only application/json request content is supported');
        let data: string | null;
        try {
          data = body.length ? JSON.stringify(JSON.parse(body)) : null;
        } catch (err) {
          return errorReply(400, 'Invalid JSON content', err);
        }
        // Addressed to the instance, not an execution (DurableClient.RaiseEventInternalAsync
        // clears the execution id): an event the current execution has not taken in its episode
        // reaches the execution after a continueAsNew.
        engine.deliver(a, ev.eventRaised(now, c, data));
        return { status: 202 };
      }
      case 'terminate':
        if (TERMINAL.has(record.runtimeStatus)) return { status: 410 };
        engine.deliver(a, ev.executionTerminated(now, reason === null ? null : JSON.stringify(reason)));
        return { status: 202 };
      case 'suspend':
        if (TERMINAL.has(record.runtimeStatus)) return { status: 410 };
        engine.deliver(a, ev.executionSuspended(now, reason));
        return { status: 202 };
      case 'resume':
        if (TERMINAL.has(record.runtimeStatus)) return { status: 410 };
        engine.deliver(a, ev.executionResumed(now, reason));
        return { status: 202 };
      case 'rewind':
        return { status: 501, body: 'The rewind operation is not supported by the local host.' };
      default:
        return { status: 404 };
    }
  } catch (err) {
    if (err instanceof UnknownFunctionError || err instanceof InvalidInstanceIdError) return errorReply(400, 'One or more of the arguments submitted is incorrect', err);
    if (err instanceof InstanceAlreadyExistsError) {
      const e = new Error(err.message);
      e.name = 'InvalidOperationException';
      return errorReply(500, 'Something went wrong while processing your request', e);
    }
    return errorReply(500, 'Something went wrong while processing your request', err);
  }
}

interface InstanceFilter {
  from?: number;
  to?: number;
  statuses: RuntimeStatus[];
  prefix: string | null;
}

/** The list's filter: a createdTime bound that .NET cannot parse is no bound (HttpApiHandler.cs). */
function listFilter(query: URLSearchParams): InstanceFilter {
  const from = tryParseDotNetDateTime(query.get('createdTimeFrom'));
  const to = tryParseDotNetDateTime(query.get('createdTimeTo'));
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), statuses: (query.get('runtimeStatus') ?? '').split(',').filter(Boolean) as RuntimeStatus[], prefix: query.get('instanceIdPrefix') };
}

function filterRecords(ctx: ManagementContext, filter: InstanceFilter): InstanceRecord[] {
  return ctx
    .engine()
    .listRecords()
    .filter((r) => (filter.from !== undefined ? Date.parse(r.createdTime) >= filter.from : true))
    .filter((r) => (filter.to !== undefined ? Date.parse(r.createdTime) <= filter.to : true))
    .filter((r) => (filter.statuses.length ? filter.statuses.includes(r.runtimeStatus) : true))
    .filter((r) => (filter.prefix ? r.instanceId.startsWith(filter.prefix) : true));
}

function listInstances(ctx: ManagementContext, query: URLSearchParams): unknown[] {
  const showInput = bool(query, 'showInput', false);
  return filterRecords(ctx, listFilter(query)).map((r) => {
    const p = statusPayload(r);
    if (!showInput) p.input = null;
    return p;
  });
}

/**
 * Purge by filter (HttpApiHandler.HandleDeleteHistoryWithFiltersRequestAsync): createdTimeFrom
 * must parse (else 400); a createdTimeTo that does not parse becomes DateTime.UtcNow — so a
 * cutoff in year 0 purges everything finished until now.
 */
function purgeBy(ctx: ManagementContext, query: URLSearchParams): Reply {
  const from = tryParseDotNetDateTime(query.get('createdTimeFrom'));
  if (from === undefined) return { status: 400, body: "Please provide value for 'createdTimeFrom' parameter." };
  const to = tryParseDotNetDateTime(query.get('createdTimeTo')) ?? ctx.now();
  const doomed = filterRecords(ctx, { ...listFilter(query), from, to }).filter((r) => TERMINAL.has(r.runtimeStatus));
  for (const r of doomed) ctx.engine().purge(r.instanceId);
  if (doomed.length === 0) return { status: 404 };
  return { status: 200, body: { instancesDeleted: doomed.length } };
}

export async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function send(res: http.ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...(reply.body !== undefined ? { 'Content-Type': typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' } : {}), ...(reply.headers ?? {}) });
  res.end(text);
}
