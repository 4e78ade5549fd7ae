// The helper pods (docs/design.md#exactly-once-reboot-and-the-helper-pods): the check pod that looks for the reboot sentinel and
// the reboot helper that reboots a node once. Built as plain objects from validated inputs and
// serialised as JSON (valid YAML, which kubectl reads), never by string templates, so no input
// can add a field, change the command or reach a shell. The simulator executes these pods.

import { strFromU8, strToU8, zipSync } from 'fflate';
import { ACCEPTED_FORMS, isBootId, isDns1123Label, isDns1123Subdomain, isImageReference, isSafeAbsolutePath } from './k8sNames';

export const DEFAULT_HELPER_NAMESPACE = 'aks-reboot-orchestrator';
export const DEFAULT_HELPER_IMAGE = 'mcr.microsoft.com/azurelinux/busybox:1.36';
export const DEFAULT_SENTINEL = '/var/run/reboot-required';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'aks-reboot-orchestrator';
export const ROLE_LABEL = 'aks-reboot-orchestrator/role';
/** The annotation naming the run. (Check pods are found by name: names are deterministic.) */
export const RUN_ID_ANNOTATION = 'aks-reboot-orchestrator/run-id';

/** The file name inside the run-command context zip, and the constant command that creates it. */
export const REBOOT_HELPER_FILE = 'reboot-helper.yaml';
export const REBOOT_RUN_COMMAND = `kubectl create --validate=false -f ${REBOOT_HELPER_FILE}`;
/** Reboots only if the node still runs the boot it was meant for; the boot id comes in as $1. */
export const REBOOT_SCRIPT = 'test "$(cat /proc/sys/kernel/random/boot_id)" = "$1" && exec systemctl reboot';

const MAX_POD_NAME = 253;
const RUN_ID = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$/;
export const RUN_ID_FORM = 'yyyymmddThhmmssZ-xxxx (UTC start time, then 4 lower-case hex digits), e.g. 20261127T203000Z-ab12';
// Small requests so that a busy node still admits the pod; limits so a stuck one stays cheap.
const RESOURCES = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

export type HelperRole = 'check' | 'reboot';

export interface HelperPodSettings {
  /** REBOOT_NAMESPACE */
  namespace: string;
  /** REBOOT_HELPER_IMAGE */
  image: string;
}

export interface CheckPodInput extends HelperPodSettings {
  node: string;
  runId: string;
  /** REBOOT_SENTINEL: the file whose presence means "reboot required". */
  sentinel: string;
}

export interface RebootHelperInput extends HelperPodSettings {
  node: string;
  runId: string;
  /** The node's boot id before the reboot (status.nodeInfo.bootID). */
  bootId: string;
}

/** The request body of `managedClusters.runCommand`, as `az aks command invoke --file` sends it. */
export interface RunCommandRequest {
  command: string;
  /** Base64 of a zip holding the attached files. */
  context: string;
}

export interface PodManifest {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface InputProblem {
  field: string;
  /** The bad value, JSON-quoted and truncated, safe to log. */
  value: string;
  accepted: string;
}

/** Every bad input at once; `problems` has one entry per field. */
export class HelperPodInputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(`invalid helper pod input: ${problems.map((p) => `${p.field} ${p.value} is not accepted (expected ${p.accepted})`).join('; ')}`);
    this.name = 'HelperPodInputError';
  }
}

export function isRunId(value: string): boolean {
  return value.length === 21 && RUN_ID.test(value);
}

/** The run id (docs/design.md#the-life-of-a-run), from the orchestration's current time and a new guid. */
export function formatRunId(startedAt: Date, guid: string): string {
  const year = startedAt.getUTCFullYear();
  if (!(year >= 1000 && year <= 9999)) throw new HelperPodInputError([problem('startedAt', String(startedAt), 'a valid date in the years 1000 to 9999')]);
  const suffix = typeof guid === 'string' ? guid.toLowerCase().slice(0, 4) : '';
  if (!/^[0-9a-f]{4}$/.test(suffix)) throw new HelperPodInputError([problem('guid', guid, 'a GUID starting with 4 hex digits')]);
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${suffix}`;
}

/** `arc-check-<node>-<run id, lower-cased>`, shortened with a hash of the node when too long. */
export function checkPodName(node: string, runId: string): string {
  validate([['node', node, isDns1123Subdomain, ACCEPTED_FORMS.dns1123Subdomain], ['runId', runId, isRunId, RUN_ID_FORM]]);
  return podName('arc-check', node, runId.toLowerCase());
}

/** `arc-reboot-<node>-<first 8 chars of the boot id>`: fixed per node and boot, so a retry finds it. */
export function rebootHelperName(node: string, bootId: string): string {
  validate([['node', node, isDns1123Subdomain, ACCEPTED_FORMS.dns1123Subdomain], ['bootId', bootId, isBootId, ACCEPTED_FORMS.bootId]]);
  return podName('arc-reboot', node, bootId.slice(0, 8));
}

export function buildCheckPod(input: CheckPodInput): PodManifest {
  validate([...commonChecks(input), ['sentinel', input.sentinel, isSafeAbsolutePath, ACCEPTED_FORMS.safeAbsolutePath]]);
  const cut = input.sentinel.lastIndexOf('/');
  const directory = cut === 0 ? '/' : input.sentinel.slice(0, cut);
  const file = input.sentinel.slice(cut + 1);
  return pod('check', checkPodName(input.node, input.runId), input, {
    containers: [{
      name: 'check',
      image: input.image,
      command: ['test', '-f', `/sentinel/${file}`],
      resources: RESOURCES,
      // Root (the image's user) so a root-only directory cannot read as "no sentinel"; nothing else.
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'sentinel', mountPath: '/sentinel', readOnly: true }],
    }],
    // Type Directory: a missing directory fails the pod ("unknown"), never reads as "no reboot".
    volumes: [{ name: 'sentinel', hostPath: { path: directory, type: 'Directory' } }],
  });
}

export function buildRebootHelper(input: RebootHelperInput): PodManifest {
  validate([...commonChecks(input), ['bootId', input.bootId, isBootId, ACCEPTED_FORMS.bootId]]);
  return pod('reboot', rebootHelperName(input.node, input.bootId), input, {
    hostPID: true,
    containers: [{
      name: 'reboot',
      image: input.image,
      command: ['chroot', '/host', '/bin/sh', '-c', REBOOT_SCRIPT, 'reboot', input.bootId],
      resources: RESOURCES,
      securityContext: { privileged: true },
      volumeMounts: [{ name: 'host', mountPath: '/host' }],
    }],
    volumes: [{ name: 'host', hostPath: { path: '/', type: 'Directory' } }],
  });
}

/** JSON, which is also YAML: kubectl's decoder reads it as JSON, unchanged. */
export function serializeManifest(manifest: PodManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The run-command request that creates the reboot helper: a constant command and a zip. */
export function buildRebootRunCommand(input: RebootHelperInput): RunCommandRequest {
  const manifest = serializeManifest(buildRebootHelper(input));
  return { command: REBOOT_RUN_COMMAND, context: zipContext({ [REBOOT_HELPER_FILE]: manifest }) };
}

/**
 * Base64 of a zip of `files`, as the Azure CLI's `--file` builds it (stored entries at the zip's
 * root). The modification time is fixed so the same files always give the same bytes; fflate
 * writes it with local-time getters, hence a local-time date (noon avoids any DST gap).
 */
export function zipContext(files: Record<string, string>): string {
  const entries = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]));
  const zip = zipSync(entries, { level: 0, mtime: new Date(1980, 0, 1, 12, 0, 0) });
  return btoa(strFromU8(zip, true));
}

type Check = [field: string, value: unknown, test: (value: string) => boolean, accepted: string];

function commonChecks(input: CheckPodInput | RebootHelperInput): Check[] {
  return [
    ['namespace', input.namespace, isDns1123Label, ACCEPTED_FORMS.dns1123Label],
    ['node', input.node, isDns1123Subdomain, ACCEPTED_FORMS.dns1123Subdomain],
    ['image', input.image, isImageReference, ACCEPTED_FORMS.imageReference],
    ['runId', input.runId, isRunId, RUN_ID_FORM],
  ];
}

function validate(checks: Check[]): void {
  const problems = checks
    .filter(([, value, test]) => typeof value !== 'string' || !test(value))
    .map(([field, value, , accepted]) => problem(field, value, accepted));
  if (problems.length > 0) throw new HelperPodInputError(problems);
}

function problem(field: string, value: unknown, accepted: string): InputProblem {
  return { field, value: quote(value), accepted };
}

/**
 * JSON-quoted, cut to 64 code points, and printable ASCII only: newlines, line separators and
 * bidi overrides are escaped, so a value can neither break a log line nor disguise itself.
 * Lengths are in UTF-16 units, as the validators count them.
 */
function quote(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'undefined' : `${asciiJson(value)} (a ${typeof value})`;
  let kept = '';
  let count = 0;
  for (const point of value) {
    if (count++ < 64) kept += point;
    else break;
  }
  if (count <= 64) return asciiJson(value);
  return `${asciiJson(kept)}… (${value.length} characters)`;
}

function asciiJson(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pod(role: HelperRole, name: string, input: HelperPodSettings & { node: string; runId: string }, spec: Record<string, unknown>): PodManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: input.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [ROLE_LABEL]: role },
      annotations: { [RUN_ID_ANNOTATION]: input.runId },
    },
    // No priorityClassName: with nodeName set the scheduler (and its preemption) is bypassed, and
    // a system-node-critical pod would let the kubelet evict workload pods, past their PDBs, to
    // admit it; clusters may also limit critical classes to kube-system. Small requests instead.
    spec: {
      nodeName: input.node,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      tolerations: [{ operator: 'Exists' }],
      ...spec,
    },
  };
}

function podName(prefix: string, node: string, suffix: string): string {
  const full = `${prefix}-${node}-${suffix}`;
  if (full.length <= MAX_POD_NAME) return full;
  // Keep the start of the node name readable; the hash keeps two long names apart.
  const hash = fnv1a32(node);
  const room = MAX_POD_NAME - prefix.length - hash.length - suffix.length - 3;
  const kept = node.slice(0, room).replace(/[-.]+$/, '');
  return `${prefix}-${kept}-${hash}-${suffix}`;
}

/** FNV-1a, 32 bits, as 8 hex digits: a stable short hash without node:crypto (core does no I/O). */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
