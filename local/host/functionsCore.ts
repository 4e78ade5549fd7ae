// A stand-in for `@azure/functions-core`, the module the Node.js language worker hands to
// `@azure/functions`. Outside the Functions host that module does not exist, `@azure/functions`
// caches the miss for good and discards every registration ("test mode"). With this stand-in in
// place first, `app.*` and `df.app.*` registrations reach us through the one path the worker
// uses (`registerFunction(metadata, callback)`), and invocations go back through the library's
// own ProgrammingModel/InvocationModel, as the worker drives them.
import Module from 'node:module';

export const FUNCTIONS_CORE = '@azure/functions-core';

/** What `registerFunction` receives: the function's name and bindings (RpcFunctionMetadata). */
export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, CoreBindingInfo>;
  retryOptions?: unknown;
}

export interface CoreBindingInfo {
  type: string;
  direction: 'in' | 'out' | 'inout';
  [key: string]: unknown;
}

export interface Registration {
  metadata: CoreFunctionMetadata;
  callback: (...args: unknown[]) => unknown;
}

/** The library's ProgrammingModel, as far as the host uses it. */
export interface CoreProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: unknown): CoreInvocationModel;
}

export interface CoreInvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: (...args: unknown[]) => unknown): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ returnValue?: unknown; outputData?: unknown[] }>;
}

export interface CoreRegistry {
  /** Every registration in the order it was made, since the last `takeRegistrations`. */
  pending: Registration[];
  programmingModel: CoreProgrammingModel | undefined;
  /** Registrations already taken per entry module, so a second host on the same entry reuses them. */
  byEntry: Map<string, Registration[]>;
  installed: boolean;
}

const REGISTRY_KEY = Symbol.for('aks-reboot-orchestrator.local-host.functions-core');

/** One registry per process, even if this module is loaded twice (vitest's runner and Node's). */
export function coreRegistry(): CoreRegistry {
  const holder = globalThis as unknown as Record<symbol, CoreRegistry | undefined>;
  holder[REGISTRY_KEY] ??= { pending: [], programmingModel: undefined, byEntry: new Map(), installed: false };
  return holder[REGISTRY_KEY];
}

function disposable(): { dispose(): void } {
  return { dispose() {} };
}

/** The module object `require('@azure/functions-core')` returns. */
export function createFunctionsCoreModule(): Record<string, unknown> {
  const registry = coreRegistry();
  return {
    version: '3.10.1-local-host',
    hostVersion: '4.1040.0-local-host',
    registerFunction(metadata: CoreFunctionMetadata, callback: (...args: unknown[]) => unknown) {
      registry.pending.push({ metadata, callback });
      return disposable();
    },
    setProgrammingModel(model: CoreProgrammingModel) {
      registry.programmingModel = model;
    },
    getProgrammingModel() {
      return registry.programmingModel;
    },
    // Hooks (appStart, preInvocation, ...) are accepted and never fired: the local host runs
    // no hooks, and the app registers none.
    registerHook() {
      return disposable();
    },
    log() {},
    Disposable: class {
      constructor(private readonly fn: () => void) {}
      dispose(): void {
        this.fn();
      }
    },
  };
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
  _cache: Record<string, Module | undefined>;
}

const STAND_IN_ID = '\0local-host:@azure/functions-core';

/**
 * Puts the stand-in in Node's CommonJS loader (the path `@azure/functions` requires it by).
 * Call before anything imports `@azure/functions`; vitest does it in its setup file, the demo
 * as its first statement. Idempotent. Returns whether `@azure/functions` was already loaded
 * (then registrations made through it were lost, and the caller should say so).
 */
export function installFunctionsCoreStandIn(): { functionsAlreadyLoaded: boolean } {
  const internals = Module as unknown as ModuleInternals;
  const functionsAlreadyLoaded = Object.keys(internals._cache).some((p) => /[\\/]@azure[\\/]functions[\\/]dist[\\/]/.test(p));
  const registry = coreRegistry();
  if (registry.installed) return { functionsAlreadyLoaded };
  const resolve = internals._resolveFilename;
  internals._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]) {
    if (request === FUNCTIONS_CORE) return STAND_IN_ID;
    return resolve.call(this, request, parent, ...rest);
  };
  const standIn = new Module(STAND_IN_ID);
  standIn.exports = createFunctionsCoreModule();
  standIn.loaded = true;
  internals._cache[STAND_IN_ID] = standIn;
  registry.installed = true;
  return { functionsAlreadyLoaded };
}

/** Hands over the registrations made since the last call and clears them. */
export function takeRegistrations(): Registration[] {
  const registry = coreRegistry();
  const taken = registry.pending;
  registry.pending = [];
  return taken;
}
