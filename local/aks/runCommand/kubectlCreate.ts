// `kubectl create -f` against the simulator's kube API handler, request for request as kubectl
// sends them (discovery of the object's group-version, then a JSON POST with `fieldManager` and
// `fieldValidation`), printing what kubectl prints and exiting as it exits.
import { type SimHandler, type SimResponse } from '../contracts';
import { type CreateCommand } from './kubectlArgs';
import { parseManifest, type ManifestObject } from './manifest';
import { filesForPath, normalizePath, type CommandFiles } from './zipContext';
import { stringify } from 'yaml';

export interface KubectlEnv {
  kube: SimHandler;
  files: CommandFiles;
  /** `Bearer …` for the kube API, as the command pod's kubeconfig would send it. */
  authorization: string;
  /** Recorded as the request's client. */
  client: string;
  /** The time kubectl's own log lines carry (the simulator's clock). */
  now: () => number;
}

export interface CommandOutcome {
  exitCode: number;
  logs: string;
}

const USER_AGENT = 'kubectl/v1.32.4 (linux/amd64) kubernetes/59526cd';
const NO_CREDENTIALS = 'the server has asked for the client to provide credentials';

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export async function kubectlCreate(command: CreateCommand, env: KubectlEnv): Promise<CommandOutcome> {
  const out: string[] = [];
  const errors: string[] = [];
  const sources: Array<{ file: string; objects: ManifestObject[] }> = [];
  for (const path of command.filenames) {
    const files = filesForPath(env.files, path, command.recursive);
    if (!files) return { exitCode: 1, logs: `error: the path "${path}" does not exist\n` };
    for (const file of files) {
      // kubectl names a file as it was given on the command line, and a directory's files by their path.
      const label = files.length === 1 && file === normalizePath(path) ? path : file;
      const parsed = parseManifest(label, env.files.get(file)!.toString('utf8'));
      if (!parsed.ok) errors.push(parsed.error);
      else sources.push({ file: label, objects: parsed.objects });
    }
  }
  if (sources.every((s) => s.objects.length === 0) && errors.length === 0) return { exitCode: 1, logs: 'error: no objects passed to create\n' };
  const request = requester(env);
  const fieldValidation = await fieldValidationFor(command, request);
  for (const { file, objects } of sources) {
    for (const object of objects) {
      const line = await createOne(command, object, file, request, fieldValidation, env.now);
      if (line.ok) out.push(line.text);
      else if (line.fatal) return { exitCode: 1, logs: [...out, line.text].join('') };
      else errors.push(line.text);
    }
  }
  return { exitCode: errors.length > 0 ? 1 : 0, logs: [...out, ...errors.map((e) => `${e}\n`)].join('') };
}

type Requester = (method: string, path: string, query?: Record<string, string>, body?: unknown) => Promise<SimResponse>;

function requester(env: KubectlEnv): Requester {
  return (method, path, query = {}, body) =>
    env.kube({
      method,
      path,
      query: new URLSearchParams(query),
      headers: {
        authorization: env.authorization,
        accept: 'application/json',
        'user-agent': USER_AGENT,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      client: env.client,
    });
}

type FieldValidation = { ok: true; value: string } | { ok: false; text: string };

/** kubectl asks for the OpenAPI documents only when it validates; with none it refuses to go on. */
async function fieldValidationFor(command: CreateCommand, request: Requester): Promise<FieldValidation> {
  if (command.validate === 'ignore') return { ok: true, value: 'Ignore' };
  const v3 = await request('GET', '/openapi/v3');
  if (v3.status === 200) return { ok: true, value: command.validate === 'strict' ? 'Strict' : 'Warn' };
  const v2 = await request('GET', '/openapi/v2');
  if (v2.status === 200) return { ok: true, value: 'Ignore' };
  return {
    ok: false,
    text: 'error validating data: failed to download openapi: the server could not find the requested resource; if you choose to ignore these errors, turn validation off with --validate=false',
  };
}

type Line = { ok: true; text: string } | { ok: false; fatal: boolean; text: string };

async function createOne(command: CreateCommand, object: ManifestObject, file: string, request: Requester, validation: FieldValidation, now: () => number): Promise<Line> {
  const name = object.metadata?.name ?? '';
  const objectNamespace = object.metadata?.namespace;
  const apiVersion = object.apiVersion ?? '';
  const discovery = await request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion || 'v1'}`);
  if (discovery.status === 401) {
    const klog = klogError(now(), `"Unhandled Error" err="couldn't get current server API group list: ${NO_CREDENTIALS}"`);
    return { ok: false, fatal: true, text: `${klog}\nerror: unable to recognize "${file}": ${NO_CREDENTIALS}\n` };
  }
  const resource = apiVersion === '' ? undefined : findResource(discovery, object.kind);
  if (!resource) {
    return {
      ok: false,
      fatal: false,
      text: `error: resource mapping not found for name: "${name}" namespace: "${objectNamespace ?? ''}" from "${file}": no matches for kind "${object.kind}" in version "${apiVersion}"\nensure CRDs are installed first`,
    };
  }
  if (!validation.ok) return { ok: false, fatal: false, text: `error: error validating "${file}": ${validation.text}` };
  if (resource.namespaced && objectNamespace && command.namespace && objectNamespace !== command.namespace) {
    return {
      ok: false,
      fatal: false,
      text: `error: the namespace from the provided object "${objectNamespace}" does not match the namespace "${command.namespace}". You must pass '--namespace=${objectNamespace}' to perform this operation.`,
    };
  }
  const namespace = objectNamespace || command.namespace || 'default';
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const path = resource.namespaced ? `${base}/namespaces/${namespace}/${resource.name}` : `${base}/${resource.name}`;
  const response = await request('POST', path, { fieldManager: command.fieldManager, fieldValidation: validation.value }, object);
  if (response.status === 200 || response.status === 201) return { ok: true, text: printCreated(command, object, response.body) };
  if (response.status === 401) return { ok: false, fatal: true, text: `error: You must be logged in to the server (error when creating "${file}": Unauthorized)\n` };
  return { ok: false, fatal: false, text: serverError(response, file) };
}

function findResource(discovery: SimResponse, kind: string): ApiResource | undefined {
  if (discovery.status !== 200) return undefined;
  const resources = (discovery.body as { resources?: ApiResource[] } | undefined)?.resources ?? [];
  return resources.find((r) => r.kind === kind && !r.name.includes('/'));
}

function printCreated(command: CreateCommand, sent: ManifestObject, created: unknown): string {
  const object = (created && typeof created === 'object' ? created : sent) as ManifestObject;
  if (command.output === 'json') return `${JSON.stringify(object, null, 4)}\n`;
  if (command.output === 'yaml') return stringify(object);
  const group = (sent.apiVersion ?? '').includes('/') ? `.${(sent.apiVersion ?? '').split('/')[0]}` : '';
  const ref = `${sent.kind.toLowerCase()}${group}/${object.metadata?.name ?? sent.metadata?.name ?? ''}`;
  return command.output === 'name' ? `${ref}\n` : `${ref} created\n`;
}

/** kubectl's StandardErrorMessage for an API Status, with the source added as AddSourceToErr does. */
function serverError(response: SimResponse, file: string): string {
  const status = (response.body ?? {}) as { reason?: string; message?: string };
  const message = `error when creating "${file}": ${status.message ?? `the server responded with the status code ${response.status}`}`;
  return status.reason ? `Error from server (${status.reason}): ${message}` : `Error from server: ${message}`;
}

/** A klog error line as kubectl writes it to stderr (`Emmdd hh:mm:ss.uuuuuu pid file:line] msg`). */
function klogError(at: number, message: string): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
  return `E${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${time}       1 memcache.go:265] ${message}`;
}
