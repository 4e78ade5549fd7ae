// Invokes a registered function the way the Node.js worker does: through the library's own
// ProgrammingModel → InvocationModel (getArguments, invokeFunction, getResponse), with the binding
// data as RPC typed data. So the handler gets a real InvocationContext, a real HttpRequest or
// Timer, and its return value is converted as in Azure.
import { randomUUID } from 'node:crypto';
import { coreRegistry, type CoreBindingInfo, type Registration } from './functionsCore';

/** RpcTypedData, as far as the host produces and reads it. */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  int?: number;
  double?: number;
  http?: RpcHttpData;
}

export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData | null;
  statusCode?: string;
  cookies?: unknown[];
}

export interface InvocationLog {
  level: string;
  category: string;
  message: string;
  functionName: string;
  invocationId: string;
}

export interface InvocationOutcome {
  returnValue: RpcTypedData | null | undefined;
  outputData: { name: string; data: RpcTypedData }[];
}

/** Decodes typed data the way the extension reads a worker's return value. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.json !== undefined) return JSON.parse(data.json);
  if (data.string !== undefined) return data.string;
  if (data.int !== undefined) return Number(data.int);
  if (data.double !== undefined) return data.double;
  if (data.bytes !== undefined) return Buffer.from(data.bytes);
  if (data.http !== undefined) return data.http;
  return undefined;
}

export function triggerBindingName(reg: Registration): string {
  const entry = Object.entries(reg.metadata.bindings).find(([, b]) => /trigger$/i.test(b.type));
  if (!entry) throw new Error(`function '${reg.metadata.name}' has no trigger binding`);
  return entry[0];
}

export function triggerType(reg: Registration): string {
  const name = triggerBindingName(reg);
  return (reg.metadata.bindings[name] as CoreBindingInfo).type;
}

export function bindingsOfType(reg: Registration, type: string): string[] {
  return Object.entries(reg.metadata.bindings)
    .filter(([, b]) => b.type.toLowerCase() === type.toLowerCase() && b.direction === 'in')
    .map(([name]) => name);
}

/**
 * Runs one invocation. `inputData` maps binding names to their data (the trigger's included).
 * Rejects with the handler's error, as the worker reports a failed invocation.
 */
export async function invokeRegistered(
  reg: Registration,
  inputData: Record<string, RpcTypedData | undefined>,
  options: { onLog?: (log: InvocationLog) => void; triggerMetadata?: Record<string, RpcTypedData> } = {},
): Promise<InvocationOutcome> {
  const model = coreRegistry().programmingModel;
  if (!model) throw new Error('no programming model was set: the app did not import @azure/functions after the functions-core stand-in was installed');
  const invocationId = randomUUID();
  const functionName = reg.metadata.name;
  const coreCtx = {
    invocationId,
    request: {
      invocationId,
      functionId: functionName,
      inputData: Object.entries(inputData).map(([name, data]) => ({ name, data })),
      triggerMetadata: options.triggerMetadata ?? {},
    },
    metadata: { name: functionName, bindings: reg.metadata.bindings },
    state: 'invocation',
    log(level: string, category: string, message: string) {
      options.onLog?.({ level, category, message, functionName, invocationId });
    },
  };
  const invocation = model.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  const result = await invocation.invokeFunction(context, inputs, reg.callback);
  const response = await invocation.getResponse(context, result);
  return {
    returnValue: response.returnValue as RpcTypedData | null | undefined,
    outputData: (response.outputData ?? []) as { name: string; data: RpcTypedData }[],
  };
}
