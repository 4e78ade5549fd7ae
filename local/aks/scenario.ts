// The scenario format: a cluster, its pools and workloads, which nodes need a reboot, and the
// faults to inject. `scenario.schema.json` is the same contract for JSON files; README.md
// documents each field.
import { readFileSync } from 'node:fs';
import type { ScenarioCluster, ScenarioPool } from './contracts';
import schemaJson from './scenario.schema.json';
import { azureRoleAssignmentErrors } from './kube/azureRbac';

/** A node by its name, or by its pool and index within the pool (0-based). */
export type NodeRef = string | { pool: string; index: number };

export interface ScenarioPoolSpec extends ScenarioPool {
  /** Pods per node (`maxPods`), default 110 (Azure CNI's default is 30). */
  maxPods?: number;
  /** Allocatable CPU and memory per node (quantities); default: the VM size's, less AKS's reservations. */
  cpu?: string;
  memory?: string;
}

export type RebootRequired =
  | 'all'
  | 'none'
  | { pools?: string[]; nodes?: NodeRef[]; count?: number };

export type ScenarioNamespace = string | { name: string; labels?: Record<string, string> };

export interface ScenarioPdb {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

export interface ScenarioWorkload {
  name: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';
  namespace?: string;
  replicas?: number;
  /** Schedules on this pool only (nodeSelector on kubernetes.azure.com/agentpool). */
  pool?: string;
  nodeSelector?: Record<string, string>;
  /** Required pod anti-affinity against its own pods on this topology. */
  antiAffinity?: 'hostname' | 'zone';
  /** A topology spread constraint by zone, maxSkew 1, DoNotSchedule. */
  zoneSpread?: boolean;
  /** Seconds from container start to Ready (the readiness probe's initialDelaySeconds). */
  startupSeconds?: number;
  /** The container's CPU and memory requests (quantities: "250m", "512Mi"). */
  cpu?: string;
  memory?: string;
  /** terminationGracePeriodSeconds. */
  graceSeconds?: number;
  /** Seconds the app takes to stop after SIGTERM (default: the whole grace period). */
  shutdownSeconds?: number;
  /**
   * The rolling update's maxUnavailable (int or "N%"): a Deployment's
   * spec.strategy.rollingUpdate (default 25%), a StatefulSet's spec.updateStrategy.rollingUpdate
   * (default 1).
   */
  maxUnavailable?: number | string;
  /** A Deployment's spec.strategy.rollingUpdate.maxSurge (int or "N%", default 25%). */
  maxSurge?: number | string;
  /** Mounts an emptyDir volume (kubectl drain needs --delete-emptydir-data). */
  emptyDir?: boolean;
  /** Tolerates every taint (as system agents do). */
  tolerateAll?: boolean;
  /** A bare pod pinned to this node (kind Pod). */
  node?: NodeRef;
  /** A bare pod's container exits after this many seconds (restartPolicy Never). */
  completesAfterSeconds?: number;
  exitCode?: number;
  image?: string;
  /** Labels of the workload and its pods (pods also get `app=<name>`). */
  labels?: Record<string, string>;
  /** Annotations of the workload object (e.g. kured's lock `weave.works/kured-node-lock` on a DaemonSet). */
  annotations?: Record<string, string>;
  pdb?: ScenarioPdb;
  /** Finalizers on its pods: a deleted pod stays Terminating until they are released (faults.finalizersReleasedAfterSeconds). */
  finalizers?: string[];
}

export interface ApiFault {
  /** `kube` (default) or `arm`. */
  surface?: 'kube' | 'arm';
  /** Kube: the resource plural (`pods`, `nodes`…); ARM: the operation name. Omitted: any. */
  resource?: string;
  subresource?: string;
  verb?: string;
  namespace?: string;
  /** The error to answer with (429, 500, 503…); omit for latency only. */
  status?: number;
  /** Fraction of matching requests hit, 0..1 (default 1). */
  rate?: number;
  /** Window in seconds since the scenario start (default: always). */
  from?: number;
  to?: number;
  latencyMs?: number;
  retryAfterSeconds?: number;
}

/**
 * How a run-command fails, as AKS fails: `result` (200, provisioningState Failed, default),
 * `armError` (the result GET answers an ARM error body with `armStatus`; the pod never started),
 * `notFound` (the result GET answers 404 after the start limit), `hang` (InProgress until
 * `untilSeconds` after the submission).
 */
export type RunCommandFailureShape = 'result' | 'armError' | 'notFound' | 'hang';

export interface RunCommandFailureSpec {
  shape?: RunCommandFailureShape;
  rate?: number;
  count?: number;
  from?: number;
  to?: number;
  /** `result`: the exit code reported (omitted: none, as AKS often reports a Failed result). */
  exitCode?: number;
  /** `result`: AKS's reason (default `CommandFailed`). */
  reason?: string;
  /** `armError`: the HTTP status of the error (default 500). */
  armStatus?: number;
  /** `hang`: seconds after the submission until the real result shows (omitted: never). */
  untilSeconds?: number;
  /** `result` and `hang`: whether the command still ran in its pod (default: `result` no, `hang` yes). */
  commandRuns?: boolean;
}

export interface ScenarioFaults {
  api?: ApiFault[];
  /** Every request fails (kube: 503; ARM: the other side decides) inside these windows. */
  apiOutages?: { from: number; to: number; surface?: 'kube' | 'arm' | 'both' }[];
  /** These nodes never come back after a reboot. */
  nodesNeverReturn?: NodeRef[];
  /** A reboot of this node does not happen (boot id unchanged), `times` times (default 1). */
  rebootsIgnored?: { node: NodeRef; times?: number }[];
  /** Pods of this workload started at or after `from` never get Ready (on `node` only, if given). */
  podsNeverReady?: { workload: string; namespace?: string; node?: NodeRef; from?: number }[];
  /** These PDBs never allow a disruption. */
  pdbsNeverAllow?: { name: string; namespace?: string }[];
  /** The node object is deleted at `at` seconds (its pods are garbage collected). */
  nodeDeletions?: { node: NodeRef; at: number }[];
  /** ARM: run-commands submitted in the window fail, in one of AKS's shapes (README: run-command failures). */
  runCommandFailures?: RunCommandFailureSpec[];
  /** Image pulls that fail (ErrImagePull, then ImagePullBackOff) in the window; omitted fields match any. */
  imagePullFailures?: { image?: string; node?: NodeRef; from?: number; to?: number }[];
  /** A fraction of the reboot helpers that reboot their node never report their exit (README: helper pods). */
  helperStatusLost?: { rate: number };
  /** ARM: the pool's provisioningState is `Upgrading` in this window. */
  poolsUpgrading?: { pool: string; from: number; to?: number }[];
  /** Seconds after a pod's deletion before its finalizers are released (default: never). */
  finalizersReleasedAfterSeconds?: number;
  /** ARM: the managed cluster's provisioningState and/or powerState in a window (an operation, a stop). */
  clusterStates?: { provisioningState?: 'Updating' | 'Upgrading'; powerState?: 'Stopped'; from: number; to?: number }[];
  /** Other writers change a node just before this fraction of the node writes that carry a resourceVersion. */
  nodeWriteConflicts?: { rate: number };
  /** The controller manager is down in these windows: no controller acts or writes status. */
  controllerManagerDown?: { from: number; to: number }[];
}

export interface Scenario {
  name: string;
  description?: string;
  /** PRNG seed for names, boot ids and fault rates (default 1). */
  seed?: number;
  /** ISO time the scenario starts at (the clock's time when the cluster is built, if omitted). */
  startTime?: string;
  cluster: ScenarioCluster;
  pools: ScenarioPoolSpec[];
  rebootRequired?: RebootRequired;
  /** The sentinel file the OS writes (default /var/run/reboot-required). */
  sentinelFile?: string;
  /** After a reboot, a finished `restartPolicy: Never` pod runs once more. */
  rerunFinishedPodsAfterReboot?: boolean;
  /** Nodes cordoned before the run starts (by someone else). */
  cordoned?: NodeRef[];
  /** Extra namespaces to create, by name or with labels (e.g. `pod-security.kubernetes.io/enforce`). */
  namespaces?: ScenarioNamespace[];
  workloads?: ScenarioWorkload[];
  faults?: ScenarioFaults;
}

// ---- loading and validation ----------------------------------------------------------------

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  oneOf?: Schema[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  pattern?: string;
};

export const SCENARIO_SCHEMA = schemaJson as unknown as Schema & { $defs: Record<string, Schema> };

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Checks a value against the subset of JSON Schema the scenario schema uses; returns every problem. */
export function validateAgainstSchema(value: unknown, schema: Schema, path = 'scenario', root = SCENARIO_SCHEMA): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = root.$defs[name];
    if (!target) throw new Error(`scenario schema: unknown $ref ${schema.$ref}`);
    return validateAgainstSchema(value, target, path, root);
  }
  const errors: string[] = [];
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((s) => validateAgainstSchema(value, s, path, root).length === 0).length;
    if (passing !== 1) {
      const each = schema.oneOf.map((s) => validateAgainstSchema(value, s, path, root).join('; ')).join(' | or | ');
      errors.push(`${path}: must match exactly one accepted form (${each})`);
    }
    return errors;
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) {
    return [`${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`];
  }
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
      return [`${path}: must be ${types.join(' or ')}, got ${actual} ${JSON.stringify(value)}`];
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: must be >= ${schema.minimum}, got ${value}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: must be <= ${schema.maximum}, got ${value}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: must not be empty`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: needs at least ${schema.minItems} item(s)`);
    if (schema.items) value.forEach((v, i) => errors.push(...validateAgainstSchema(v, schema.items!, `${path}[${i}]`, root)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}.${r}: is required`);
    for (const [k, v] of Object.entries(obj)) {
      const prop = schema.properties?.[k];
      if (prop) errors.push(...validateAgainstSchema(v, prop, `${path}.${k}`, root));
      else if (schema.additionalProperties === false) errors.push(`${path}.${k}: is not a known field (accepted: ${Object.keys(schema.properties ?? {}).join(', ')})`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...validateAgainstSchema(v, schema.additionalProperties, `${path}.${k}`, root));
    }
  }
  return errors;
}

const isZero = (v: number | string) => v === 0 || v === '0%';

/** Checks what the schema cannot: references between pools, workloads and faults. */
function crossCheck(s: Scenario): string[] {
  const errors: string[] = [];
  const pools = new Map(s.pools.map((p) => [p.name, p]));
  if (pools.size !== s.pools.length) errors.push('scenario.pools: pool names must be unique');
  const checkRef = (ref: NodeRef, path: string) => {
    if (typeof ref === 'string') return;
    const p = pools.get(ref.pool);
    if (!p) errors.push(`${path}.pool: no pool ${JSON.stringify(ref.pool)} (pools: ${[...pools.keys()].join(', ')})`);
    else if (ref.index >= p.count) errors.push(`${path}.index: pool ${ref.pool} has ${p.count} node(s), index ${ref.index} is out of range`);
  };
  const seen = new Set<string>();
  (s.workloads ?? []).forEach((w, i) => {
    const path = `scenario.workloads[${i}]`;
    const key = `${w.kind === 'Pod' ? 'pod' : 'workload'}/${w.namespace ?? 'default'}/${w.name}`;
    if (seen.has(key)) errors.push(`${path}.name: ${w.name} appears twice in namespace ${w.namespace ?? 'default'}`);
    seen.add(key);
    if (w.pool !== undefined && !pools.has(w.pool)) errors.push(`${path}.pool: no pool ${JSON.stringify(w.pool)}`);
    if (w.pdb && w.pdb.minAvailable !== undefined && w.pdb.maxUnavailable !== undefined) errors.push(`${path}.pdb: set minAvailable or maxUnavailable, not both`);
    if (w.node !== undefined) {
      if (w.kind !== 'Pod') errors.push(`${path}.node: only a bare Pod can be pinned to a node`);
      checkRef(w.node, `${path}.node`);
    }
    if (w.completesAfterSeconds !== undefined && w.kind !== 'Pod') errors.push(`${path}.completesAfterSeconds: only a bare Pod can complete`);
    if (w.maxUnavailable !== undefined && w.kind !== 'Deployment' && w.kind !== 'StatefulSet') errors.push(`${path}.maxUnavailable: only a Deployment or a StatefulSet has a rolling update strategy`);
    if (w.maxSurge !== undefined && w.kind !== 'Deployment') errors.push(`${path}.maxSurge: only a Deployment surges (a StatefulSet replaces a pod only once the old one is gone)`);
    if (w.kind === 'Deployment' && isZero(w.maxUnavailable ?? '25%') && isZero(w.maxSurge ?? '25%')) errors.push(`${path}.maxUnavailable: maxUnavailable and maxSurge cannot both be 0 (the apiserver refuses it)`);
    if (w.kind === 'StatefulSet' && w.maxUnavailable !== undefined && isZero(w.maxUnavailable)) errors.push(`${path}.maxUnavailable: a StatefulSet's maxUnavailable cannot be 0`);
    if (w.kind === 'DaemonSet' && w.replicas !== undefined) errors.push(`${path}.replicas: a DaemonSet runs one pod per eligible node; remove replicas`);
  });
  const r = s.rebootRequired;
  if (r && typeof r === 'object') {
    (r.pools ?? []).forEach((p, i) => { if (!pools.has(p)) errors.push(`scenario.rebootRequired.pools[${i}]: no pool ${JSON.stringify(p)}`); });
    (r.nodes ?? []).forEach((n, i) => checkRef(n, `scenario.rebootRequired.nodes[${i}]`));
  }
  (s.cordoned ?? []).forEach((n, i) => checkRef(n, `scenario.cordoned[${i}]`));
  if (s.cluster.disableLocalAccounts && !s.cluster.entraEnabled) {
    errors.push('scenario.cluster.disableLocalAccounts: AKS accepts it only on a cluster with Entra ID; set cluster.entraEnabled to true');
  }
  if (s.cluster.enableAzureRBAC && !s.cluster.entraEnabled) {
    errors.push('scenario.cluster.enableAzureRBAC: AKS needs managed Entra ID integration for Azure RBAC for Kubernetes authorization; set cluster.entraEnabled to true');
  }
  if (s.cluster.azureRoleAssignments !== undefined && !s.cluster.enableAzureRBAC) {
    errors.push('scenario.cluster.azureRoleAssignments: Azure roles authorize Kubernetes requests only with cluster.enableAzureRBAC set to true');
  }
  errors.push(...azureRoleAssignmentErrors(s.cluster.azureRoleAssignments ?? []));
  const f = s.faults ?? {};
  (f.nodesNeverReturn ?? []).forEach((n, i) => checkRef(n, `scenario.faults.nodesNeverReturn[${i}]`));
  (f.rebootsIgnored ?? []).forEach((n, i) => checkRef(n.node, `scenario.faults.rebootsIgnored[${i}].node`));
  (f.nodeDeletions ?? []).forEach((n, i) => checkRef(n.node, `scenario.faults.nodeDeletions[${i}].node`));
  (f.imagePullFailures ?? []).forEach((n, i) => { if (n.node !== undefined) checkRef(n.node, `scenario.faults.imagePullFailures[${i}].node`); });
  const delay = s.cluster.controllerDelaySeconds;
  if (delay && delay.min > delay.max) errors.push(`scenario.cluster.controllerDelaySeconds: min (${delay.min}) must not exceed max (${delay.max})`);
  (f.controllerManagerDown ?? []).forEach((w, i) => { if (w.to <= w.from) errors.push(`scenario.faults.controllerManagerDown[${i}]: to (${w.to}) must be after from (${w.from})`); });
  (f.poolsUpgrading ?? []).forEach((u, i) => { if (!pools.has(u.pool)) errors.push(`scenario.faults.poolsUpgrading[${i}].pool: no pool ${JSON.stringify(u.pool)}`); });
  return errors;
}

/** Reads (from a path) and validates a scenario; throws one error listing every problem. */
export function loadScenario(fileOrObject: string | unknown): Scenario {
  let value: unknown = fileOrObject;
  let origin = 'scenario';
  if (typeof fileOrObject === 'string') {
    origin = fileOrObject;
    try {
      value = JSON.parse(readFileSync(fileOrObject, 'utf8'));
    } catch (cause) {
      throw new Error(`reading scenario ${fileOrObject}: ${(cause as Error).message}`, { cause });
    }
  }
  const errors = validateAgainstSchema(value, SCENARIO_SCHEMA);
  if (errors.length === 0) errors.push(...crossCheck(value as Scenario));
  if (errors.length) throw new Error(`invalid scenario (${origin}):\n  ${errors.join('\n  ')}`);
  const s = structuredClone(value) as Scenario & { $schema?: string };
  delete s.$schema;
  return s;
}

/** The clock time a scenario starts at: its startTime, else `fallback`. */
export function scenarioStartMs(s: Scenario, fallback = Date.UTC(2026, 0, 5, 2)): number {
  return s.startTime ? Date.parse(s.startTime) : fallback;
}

/** The path of a scenario shipped in local/aks/scenarios (e.g. `seed`). */
export function bundledScenarioPath(name: string): string {
  return `${__dirname}/scenarios/${name}.json`;
}
