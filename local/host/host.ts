// startHost: the local stand-in for the Functions host and the Durable Task extension. It loads
// an app through its entry module, serves its HTTP functions and the extension's HTTP API on
// loopback, fires its timer on demand, and runs its orchestrations on the shared clock.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Clock } from '../clock';
import { parseNcrontab } from './cron';
import { type Backend, type CrashPoint, Engine, type EngineSettings, type HostEvent, type InstanceStats } from './engine';
import { coreRegistry, installFunctionsCoreStandIn, type Registration, takeRegistrations } from './functionsCore';
import { ev, type HistoryEvent } from './history';
import { matchRoute, parseRoute, type RouteTemplate } from './httpRoutes';
import { pathRejectedByServer } from './urlDecoder';
import { bindingsOfType, fromTypedData, invokeRegistered, type InvocationLog, type RpcHttpData, type RpcTypedData, triggerBindingName, triggerType } from './invoke';
import { Latency, type LatencyOptions, parseTimeSpan } from './latency';
import { durableClientBinding, type DurableClientBinding, handleManagement, historyForStatus, readBody, send, statusPayload } from './managementApi';
import { type HistoryStore, MemoryHistoryStore, TERMINAL } from './store';
import { TimerSchedules } from './timerStatus';

export interface StartHostOptions {
  /** The app's entry module (the product's functions/index.ts, or a fixture). */
  entry: string;
  clock: Clock;
  store?: HistoryStore;
  /** host.json to read extensions.durableTask (hubName, maxConcurrentActivityFunctions) and extensions.http.routePrefix from. */
  hostJson?: string;
  taskHubName?: string;
  maxConcurrentActivityFunctions?: number;
  /** Keys; random when absent. The system key (for the durable webhooks) is never a function key. */
  keys?: Partial<HostKeys>;
  /**
   * Whose start semantics to follow (default: host.json's storageProvider.type, else the
   * Durable Task Scheduler's): `azureManaged` refuses a start on a live id atomically,
   * `azureStorage` lets overlapping starts both succeed (only the first input runs).
   */
  backend?: Backend;
  /**
   * At-least-once delivery: true (or true for an activity) delivers each activity message twice,
   * both copies running at once — a partition with two owners for a moment, or a scale-in that
   * aborted a worker after it ran the activity (AzureStorageOrchestrationService.cs).
   */
  duplicateDelivery?: boolean | ((activity: { instanceId: string; name: string; taskId: number }) => boolean);
  /**
   * Latency mode: each queued message waits a seeded dequeue delay of up to the polling interval
   * (host.json's storageProvider.maxQueuePollingInterval, else 10 s) before a worker takes it,
   * and the first one after the host starts or restarts a cold start too (local/host/latency.ts).
   */
  latency?: LatencyOptions;
  /** Crash mode: return true at a point to drop all in-process state there and restart from the store. */
  crashAt?(point: CrashPoint): boolean;
  /** Virtual mode: advance the clock by itself whenever nothing runs and a durable timer is pending (the demo). */
  autoAdvance?: boolean;
  onLog?(log: InvocationLog): void;
}

export interface HostKeys {
  /** The app's default function key (accepted by authLevel 'function'). */
  function: string;
  /** The master key (accepted by 'function' and 'admin'). */
  master: string;
  /** The durabletask_extension system key carried by the webhook URLs (accepted only there). */
  system: string;
}

export interface RunLimits {
  /** Virtual time the call may advance the clock by (default 30 days). */
  maxVirtualMs?: number;
  /** Wall-clock time the call may take (default 20 s). */
  maxRealMs?: number;
}

export type FunctionKind = 'orchestration' | 'activity' | 'entity' | 'http' | 'timer' | 'other';

export interface RegisteredFunction {
  name: string;
  kind: FunctionKind;
  triggerType: string;
  /** HTTP: route and methods; timer: schedule. */
  route?: string;
  methods?: string[];
  authLevel?: string;
  schedule?: string;
  durableClient: boolean;
}

export type InstanceStatus = Record<string, unknown> & { instanceId: string; runtimeStatus: string; output: unknown; customStatus: unknown };

export interface LocalHost {
  /** http://127.0.0.1:<port>: /api/... and /runtime/webhooks/durabletask/... */
  readonly origin: string;
  readonly keys: HostKeys;
  readonly functions: readonly RegisteredFunction[];
  /** The value handed to durableClient input bindings. */
  readonly durableClient: DurableClientBinding;
  /**
   * The clock client functions should read and wait on (functions/clock.ts): the host's. In
   * virtual mode a client function's sleep moves time on by itself once nothing else runs, as
   * time goes on in Azure while a function waits.
   */
  readonly functionClock: { now(): number; sleep(ms: number): Promise<void> };
  /** Every event since start, in order. */
  readonly events: readonly HostEvent[];
  readonly restarts: number;
  on(listener: (event: HostEvent) => void): () => void;
  /** Invokes a timer function now, with a Timer whose scheduleStatus is computed on the clock. */
  fireTimer(name: string): Promise<unknown>;
  /** Starts an orchestration directly (tests); the app itself starts them through DurableClient. */
  startNew(name: string, options?: { instanceId?: string; input?: unknown }): string;
  raiseEvent(instanceId: string, eventName: string, data?: unknown): void;
  getStatus(instanceId: string, options?: { showHistory?: boolean; showHistoryOutput?: boolean }): InstanceStatus | undefined;
  /** The current execution's history, in the extension's shape. */
  getHistory(instanceId: string): HistoryEvent[];
  /** Replays a recorded history through the orchestrator as loaded now, running nothing (Engine.replayCheck). */
  replayCheck(name: string, instanceId: string, input: unknown, history: HistoryEvent[]): ReturnType<Engine['replayCheck']>;
  stats(instanceId: string): InstanceStats;
  /** Waits until nothing runs (no episode, activity or client function), without moving time. */
  settle(): Promise<void>;
  /** Runs until nothing is running and no durable timer is pending, skipping virtual time. */
  runUntilIdle(limits?: RunLimits): Promise<void>;
  /** Skips time like runUntilIdle, stopping as soon as `done()` holds; false when nothing is left to run first. */
  runUntil(done: () => boolean, limits?: RunLimits): Promise<boolean>;
  /** Runs until the instance is Completed, Failed or Terminated; returns its status. */
  waitFor(instanceId: string, limits?: RunLimits): Promise<InstanceStatus>;
  close(): Promise<void>;
}

const DAY = 86400_000;

interface HostJsonSettings {
  backend?: Backend;
  hubName?: string;
  maxConcurrentActivityFunctions?: number;
  maxQueuePollingIntervalMs?: number;
  routePrefix?: string;
}

function readHostJson(file: string | undefined): HostJsonSettings {
  if (!file) return {};
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    extensions?: { durableTask?: { hubName?: unknown; maxConcurrentActivityFunctions?: unknown; storageProvider?: { type?: unknown; maxQueuePollingInterval?: unknown } }; http?: { routePrefix?: unknown } };
  };
  const dt = json.extensions?.durableTask;
  const out: HostJsonSettings = {};
  const provider = dt?.storageProvider?.type;
  if (typeof provider === 'string') {
    // The Durable Task Scheduler is `azureManaged` for .NET and `durabletask-scheduler` with extension bundles.
    const known: Record<string, Backend> = { azurestorage: 'azureStorage', azuremanaged: 'azureManaged', 'durabletask-scheduler': 'azureManaged' };
    const backend = known[provider.toLowerCase()];
    if (!backend) throw new Error(`${file}: extensions.durableTask.storageProvider.type '${provider}' is not modelled by the local host; use AzureStorage or azureManaged`);
    out.backend = backend;
  }
  const polling = dt?.storageProvider?.maxQueuePollingInterval;
  if (typeof polling === 'string') out.maxQueuePollingIntervalMs = parseTimeSpan(polling, `${file}: extensions.durableTask.storageProvider.maxQueuePollingInterval`);
  if (typeof dt?.hubName === 'string') out.hubName = dt.hubName;
  if (typeof dt?.maxConcurrentActivityFunctions === 'number') out.maxConcurrentActivityFunctions = dt.maxConcurrentActivityFunctions;
  if (typeof json.extensions?.http?.routePrefix === 'string') out.routePrefix = json.extensions.http.routePrefix;
  return out;
}

/**
 * Binding expressions such as `%REBOOT_SCHEDULE%` name an app setting, which the Functions
 * host substitutes when it indexes the function (a missing setting fails the function).
 */
export function resolveAppSettings(text: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return text?.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`binding expression %${name}%: no app setting named ${name}`);
    return value;
  });
}

/** Imports the entry once per process and returns what it registered. */
async function loadRegistrations(entry: string): Promise<Registration[]> {
  const { functionsAlreadyLoaded } = installFunctionsCoreStandIn();
  const resolved = path.resolve(entry);
  const registry = coreRegistry();
  const cached = registry.byEntry.get(resolved);
  if (cached) return cached;
  // Registrations made before this call (a test that imported the entry itself) count too:
  // importing an already-loaded module registers nothing again.
  await import(/\.[cm]?[jt]s$/.test(resolved) && process.platform === 'win32' ? pathToFileURL(resolved).href : resolved);
  const regs = takeRegistrations();
  if (regs.length === 0) {
    throw new Error(
      `entry '${entry}' registered no functions${functionsAlreadyLoaded ? ': @azure/functions was loaded before the functions-core stand-in, call installFunctionsCoreStandIn() first (or use the vitest setup file)' : ''}`,
    );
  }
  registry.byEntry.set(resolved, regs);
  return regs;
}

function describe(reg: Registration): RegisteredFunction {
  const type = triggerType(reg);
  const trigger = reg.metadata.bindings[triggerBindingName(reg)]!;
  const kind: FunctionKind =
    type === 'orchestrationTrigger' ? 'orchestration' : type === 'activityTrigger' ? 'activity' : type === 'entityTrigger' ? 'entity' : type === 'httpTrigger' ? 'http' : type === 'timerTrigger' ? 'timer' : 'other';
  const f: RegisteredFunction = { name: reg.metadata.name, kind, triggerType: type, durableClient: bindingsOfType(reg, 'durableClient').length > 0 };
  if (kind === 'http') {
    f.route = typeof trigger.route === 'string' ? trigger.route : reg.metadata.name;
    f.methods = Array.isArray(trigger.methods) ? (trigger.methods as string[]).map((m) => m.toUpperCase()) : [];
    f.authLevel = typeof trigger.authLevel === 'string' ? trigger.authLevel : 'anonymous';
  }
  if (kind === 'timer' && typeof trigger.schedule === 'string') f.schedule = trigger.schedule;
  return f;
}

const listen = (server: http.Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const randomKey = (): string => randomBytes(24).toString('base64url');

export async function startHost(options: StartHostOptions): Promise<LocalHost> {
  const regs = await loadRegistrations(options.entry);
  const hostJson = readHostJson(options.hostJson);
  const clock = options.clock;
  const store = options.store ?? new MemoryHistoryStore();
  const keys: HostKeys = { function: options.keys?.function ?? randomKey(), master: options.keys?.master ?? randomKey(), system: options.keys?.system ?? randomKey() };
  if (keys.system === keys.function || keys.system === keys.master) throw new Error('keys.system must differ from the function and master keys: it can terminate and purge any instance');
  const settings: EngineSettings = {
    backend: options.backend ?? hostJson.backend ?? 'azureManaged',
    taskHubName: options.taskHubName ?? hostJson.hubName ?? 'TestHubName',
    maxConcurrentActivityFunctions: options.maxConcurrentActivityFunctions ?? hostJson.maxConcurrentActivityFunctions ?? 10,
    maximumShortTimerMs: 6 * DAY,
    longRunningTimerIntervalMs: 3 * DAY,
  };
  const routePrefix = (hostJson.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
  const byKind = (kind: FunctionKind): Map<string, Registration> => new Map(regs.filter((r) => describe(r).kind === kind).map((r) => [r.metadata.name, r]));
  const orchestrators = byKind('orchestration');
  const activities = byKind('activity');
  const timers = byKind('timer');
  const httpRoutes: { reg: Registration; info: RegisteredFunction; route: RouteTemplate }[] = regs
    .map((reg) => ({ reg, info: describe(reg) }))
    .filter((x) => x.info.kind === 'http')
    .map((x) => ({ ...x, route: parseRoute(x.info.route!) }));

  const functionsServer = http.createServer();
  const rpcServer = http.createServer();
  const [port, rpcPort] = await Promise.all([listen(functionsServer), listen(rpcServer)]);
  const origin = `http://127.0.0.1:${port}`;
  // DurableClient rewrites the binding's URLs to http://localhost:7071 unless WEBSITE_HOSTNAME is set
  // (durable-functions getClient.correctClientData), as the Functions host sets it in Azure.
  process.env.WEBSITE_HOSTNAME ??= `127.0.0.1:${port}`;
  const binding = durableClientBinding({ origin, rpcOrigin: `http://127.0.0.1:${rpcPort}`, taskHubName: settings.taskHubName, systemKey: keys.system });
  const extraInputs = (reg: Registration): Record<string, RpcTypedData> =>
    Object.fromEntries(bindingsOfType(reg, 'durableClient').map((name) => [name, { string: JSON.stringify(binding) }]));

  const events: HostEvent[] = [];
  const listeners = new Set<(e: HostEvent) => void>();
  const emit = (e: HostEvent): void => {
    events.push(e);
    for (const l of listeners) l(e);
  };
  const stats = new Map<string, InstanceStats>();
  let restarts = 0;
  let closed = false;

  // One generator for the host's life: a restarted engine goes on with the same sequence.
  const latency = options.latency
    ? new Latency({ ...options.latency, ...(options.latency.maxPollingIntervalMs === undefined && hostJson.maxQueuePollingIntervalMs !== undefined ? { maxPollingIntervalMs: hostJson.maxQueuePollingIntervalMs } : {}) })
    : undefined;
  /** Client functions asleep on the host's clock (functionClock.sleep): they do not hold time still. */
  let clientSleeps = 0;
  const makeEngine = (): Engine =>
    new Engine({
      clock,
      store,
      orchestrators,
      activities,
      settings,
      emit,
      stats,
      extraInputs,
      sleepingClients: () => clientSleeps,
      ...(options.onLog ? { onLog: options.onLog } : {}),
      ...(options.crashAt ? { crashAt: options.crashAt } : {}),
      ...(latency ? { latency } : {}),
      ...(options.duplicateDelivery ? { duplicateDelivery: typeof options.duplicateDelivery === 'function' ? options.duplicateDelivery : () => true } : {}),
      onCrash(point) {
        emit({ type: 'hostCrashed', at: clock.now(), point });
        restarts++;
        engine = makeEngine();
        emit({ type: 'hostRestarted', at: clock.now() });
        engine.recover();
      },
    });
  let engine = makeEngine();
  engine.recover();
  // Kept outside the engine: the real host keeps it in a blob that survives restarts.
  const timerSchedules = new TimerSchedules(clock.now());

  const management = { engine: () => engine, binding, now: () => clock.now() };

  functionsServer.on('request', (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const body = await readBody(req);
      // Kestrel refuses the request line itself, before any route or function.
      if (pathRejectedByServer(url.pathname)) return send(res, { status: 400 });
      const webhook = '/runtime/webhooks/durabletask';
      if (url.pathname.toLowerCase().startsWith(webhook)) {
        if (url.searchParams.get('code') !== keys.system) return send(res, { status: 401 });
        return send(res, await handleManagement(management, req.method ?? 'GET', url.pathname.slice(webhook.length), url.searchParams, body.toString('utf8'), req.headers['content-type']));
      }
      const prefix = `/${routePrefix}`.toLowerCase();
      const lower = url.pathname.toLowerCase();
      if (routePrefix && !(lower === prefix || lower.startsWith(`${prefix}/`))) return send(res, { status: 404 });
      const rest = routePrefix ? url.pathname.slice(prefix.length) : url.pathname;
      const method = (req.method ?? 'GET').toUpperCase();
      let match: { reg: Registration; info: RegisteredFunction; params: Record<string, string> } | undefined;
      for (const r of httpRoutes) {
        const params = matchRoute(r.route, rest);
        if (params && (r.info.methods!.length === 0 || r.info.methods!.includes(method))) {
          match = { reg: r.reg, info: r.info, params };
          break;
        }
      }
      if (!match) return send(res, { status: 404 });
      const presented = url.searchParams.get('code') ?? (req.headers['x-functions-key'] as string | undefined);
      const level = match.info.authLevel;
      const allowed = level === 'anonymous' || (level === 'function' && (presented === keys.function || presented === keys.master)) || (level === 'admin' && presented === keys.master);
      if (!allowed) return send(res, { status: 401 });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const httpData: RpcHttpData = {
        method,
        url: url.href,
        headers,
        query: Object.fromEntries(url.searchParams),
        params: match.params,
        body: body.length ? { bytes: new Uint8Array(body) } : null,
      };
      const reg = match.reg;
      try {
        const outcome = await engine.track(() => invokeRegistered(reg, { ...extraInputs(reg), [triggerBindingName(reg)]: { http: httpData } }, options.onLog ? { onLog: options.onLog } : {}));
        const response = outcome.returnValue?.http;
        if (!response) return send(res, { status: 204 });
        const bytes = response.body?.bytes ? Buffer.from(response.body.bytes) : Buffer.from(response.body?.string ?? '');
        res.writeHead(Number(response.statusCode ?? 200), response.headers ?? {});
        res.end(bytes);
      } catch (err) {
        options.onLog?.({ level: 'error', category: 'system', message: err instanceof Error ? (err.stack ?? err.message) : String(err), functionName: reg.metadata.name, invocationId: '' });
        send(res, { status: 500 });
      }
    })().catch((err: unknown) => send(res, { status: 500, body: { Message: err instanceof Error ? err.message : String(err) } }));
  });

  rpcServer.on('request', (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', `http://127.0.0.1:${rpcPort}`);
      const body = await readBody(req);
      if (!url.pathname.startsWith('/durabletask/')) return send(res, { status: 404 });
      send(res, await handleManagement(management, req.method ?? 'GET', url.pathname.slice('/durabletask'.length), url.searchParams, body.toString('utf8'), req.headers['content-type']));
    })().catch((err: unknown) => send(res, { status: 500, body: { Message: err instanceof Error ? err.message : String(err) } }));
  });

  const status = (instanceId: string, o: { showHistory?: boolean; showHistoryOutput?: boolean } = {}): InstanceStatus | undefined => {
    const record = engine.getRecord(instanceId);
    if (!record) return undefined;
    const history = o.showHistory ? historyForStatus(engine.getHistory(instanceId), o.showHistoryOutput ?? false, true) : undefined;
    return statusPayload(record, history) as InstanceStatus;
  };

  /** Advances virtual time step by step until `done`, or until nothing durable is pending. */
  const drive = async (done: () => boolean, limits: RunLimits, what: string): Promise<boolean> => {
    const realDeadline = Date.now() + (limits.maxRealMs ?? 20_000);
    const virtualLimit = clock.now() + (limits.maxVirtualMs ?? 30 * DAY);
    for (;;) {
      const current = engine;
      await current.whenQuiet();
      if (current !== engine || !engine.isQuiet()) continue;
      if (done()) return true;
      if (Date.now() > realDeadline) throw new Error(`${what}: still not done after ${limits.maxRealMs ?? 20_000} ms of real time (virtual time ${new Date(clock.now()).toISOString()})`);
      if (clock.mode === 'realtime') {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const next = clock.nextDue();
      if (!engine.hasPendingTimers() || next === undefined) return false;
      if (next > virtualLimit) throw new Error(`${what}: the next durable event is at ${new Date(next).toISOString()}, past the virtual-time limit ${new Date(virtualLimit).toISOString()}`);
      clock.advanceTo(Math.max(next, clock.now()));
    }
  };

  if (options.autoAdvance && clock.mode === 'virtual') {
    void (async () => {
      while (!closed) {
        await drive(() => closed, { maxRealMs: Number.POSITIVE_INFINITY, maxVirtualMs: Number.POSITIVE_INFINITY }, 'autoAdvance').catch(() => false);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
  }

  let advancingForClients = false;
  /** Skips virtual time while a client function sleeps and nothing else runs. */
  const advanceForClients = async (): Promise<void> => {
    if (advancingForClients) return;
    advancingForClients = true;
    try {
      while (!closed && clientSleeps > 0) {
        const current = engine;
        await current.whenQuiet();
        if (current !== engine || !engine.isQuiet() || clientSleeps === 0) continue;
        const next = clock.nextDue();
        if (next === undefined) break;
        clock.advanceTo(Math.max(next, clock.now()));
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      advancingForClients = false;
    }
  };
  const functionClock = {
    now: () => clock.now(),
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        clientSleeps++;
        clock.after(ms, () => {
          clientSleeps--;
          resolve();
        });
        engine.clientAsleep();
        if (clock.mode === 'virtual') void advanceForClients();
      }),
  };

  const host: LocalHost = {
    origin,
    keys,
    functionClock,
    functions: regs.map(describe),
    durableClient: binding,
    events,
    get restarts() {
      return restarts;
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async fireTimer(name) {
      const reg = timers.get(name);
      if (!reg) throw new Error(`no timer function '${name}'; timer functions: ${[...timers.keys()].join(', ') || 'none'}`);
      const schedule = resolveAppSettings(describe(reg).schedule);
      const now = clock.now();
      const timer = timerSchedules.fire(name, schedule ? parseNcrontab(schedule) : undefined, now);
      emit({ type: 'timerTriggered', at: now, name, scheduleStatus: timer.ScheduleStatus, isPastDue: timer.IsPastDue });
      const outcome = await engine.track(() => invokeRegistered(reg, { ...extraInputs(reg), [triggerBindingName(reg)]: { json: JSON.stringify(timer) } }, options.onLog ? { onLog: options.onLog } : {}));
      return fromTypedData(outcome.returnValue);
    },
    startNew(name, o = {}) {
      const instanceId = o.instanceId ?? randomBytes(16).toString('hex');
      engine.startNew(name, instanceId, o.input === undefined ? null : JSON.stringify(o.input));
      return instanceId;
    },
    raiseEvent(instanceId, eventName, data) {
      const record = engine.getRecord(instanceId);
      if (!record) throw new Error(`no instance '${instanceId}'`);
      engine.deliver(instanceId, ev.eventRaised(clock.now(), eventName, data === undefined ? null : JSON.stringify(data)));
    },
    getStatus: status,
    getHistory: (instanceId) => engine.getHistory(instanceId),
    replayCheck: (name, instanceId, input, history) => engine.replayCheck(name, instanceId, input, history),
    stats: (instanceId) => ({ ...(stats.get(instanceId) ?? { historyEvents: 0, episodes: 0, replayCpuMs: 0 }) }),
    async settle() {
      for (;;) {
        const current = engine;
        await current.whenQuiet();
        if (current === engine && engine.isQuiet()) return;
      }
    },
    async runUntilIdle(limits = {}) {
      await drive(() => false, limits, 'runUntilIdle');
    },
    runUntil(done, limits = {}) {
      return drive(done, limits, 'runUntil');
    },
    async waitFor(instanceId, limits = {}) {
      const finished = (): boolean => {
        const r = engine.getRecord(instanceId);
        return r !== undefined && TERMINAL.has(r.runtimeStatus);
      };
      const ok = await drive(finished, limits, `waitFor('${instanceId}')`);
      const s = status(instanceId);
      if (!ok || !s) throw new Error(`waitFor('${instanceId}'): nothing is left to run and the instance is ${s ? s.runtimeStatus : 'unknown'} (it waits for an event no one raises?)`);
      return s;
    },
    async close() {
      closed = true;
      engine.die();
      await Promise.all([functionsServer, rpcServer].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
  return host;
}
