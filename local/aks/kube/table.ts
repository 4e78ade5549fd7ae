// Server-side `Table` output (meta.k8s.io/v1), so `kubectl get` prints the columns it prints
// against a real cluster: NAME STATUS ROLES AGE VERSION for nodes, NAME READY STATUS RESTARTS
// AGE for pods, NAME AGE for the rest.
import type { KubeObject, Node, Pod } from '../cluster/types';

interface Column { name: string; type: string; format: string; description: string; priority: number }

const col = (name: string, type = 'string', format = '', priority = 0, description = ''): Column => ({ name, type, format, description, priority });

/** kubectl's duration.HumanDuration. */
export function humanDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return s % 60 === 0 ? `${minutes}m` : `${minutes}m${s % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(obj: KubeObject, nowMs: number): string {
  const t = obj.metadata.creationTimestamp;
  return t ? humanDuration((nowMs - Date.parse(t)) / 1000) : '<unknown>';
}

function nodeRow(n: Node, nowMs: number): unknown[] {
  const ready = n.status.conditions?.find((c) => c.type === 'Ready');
  const statuses = [ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown'];
  if (n.spec.unschedulable) statuses.push('SchedulingDisabled');
  const roles = Object.keys(n.metadata.labels ?? {})
    .map((k) => (k.startsWith('node-role.kubernetes.io/') ? k.slice('node-role.kubernetes.io/'.length) : k === 'kubernetes.io/role' ? n.metadata.labels![k]! : ''))
    .filter((r) => r && r !== 'agent');
  const addr = (t: string) => n.status.addresses?.find((a) => a.type === t)?.address ?? '<none>';
  const info = n.status.nodeInfo ?? {};
  return [n.metadata.name, statuses.join(','), roles.length ? roles.sort().join(',') : '<none>', age(n, nowMs), info.kubeletVersion ?? '',
    addr('InternalIP'), addr('ExternalIP'), info.osImage ?? '', info.kernelVersion ?? '', info.containerRuntimeVersion ?? ''];
}

/** kubectl's printPod: the STATUS column's reason, READY, RESTARTS. */
function podRow(p: Pod, nowMs: number): unknown[] {
  const statuses = p.status.containerStatuses ?? [];
  let reason: string = p.status.reason ?? p.status.phase ?? 'Unknown';
  let restarts = 0;
  let lastRestart: number | undefined;
  let ready = 0;
  let hasRunning = false;
  for (const s of [...statuses].reverse()) {
    restarts += s.restartCount;
    const finished = s.lastState.terminated?.finishedAt;
    if (finished) lastRestart = Math.max(lastRestart ?? 0, Date.parse(finished));
    if (s.state.waiting?.reason) reason = s.state.waiting.reason;
    else if (s.state.terminated) reason = s.state.terminated.reason ?? (s.state.terminated.exitCode ? `ExitCode:${s.state.terminated.exitCode}` : 'Completed');
    else if (s.state.running && s.ready) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  if (p.metadata.deletionTimestamp) reason = 'Terminating';
  const restartText = lastRestart && restarts > 0 ? `${restarts} (${humanDuration((nowMs - lastRestart) / 1000)} ago)` : String(restarts);
  return [p.metadata.name, `${ready}/${p.spec.containers.length}`, reason, restartText, age(p, nowMs),
    p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', '<none>', '<none>'];
}

const NODE_COLUMNS = [col('Name', 'string', 'name'), col('Status'), col('Roles'), col('Age'), col('Version'),
  col('Internal-IP', 'string', '', 1), col('External-IP', 'string', '', 1), col('OS-Image', 'string', '', 1), col('Kernel-Version', 'string', '', 1), col('Container-Runtime', 'string', '', 1)];
const POD_COLUMNS = [col('Name', 'string', 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age'),
  col('IP', 'string', '', 1), col('Node', 'string', '', 1), col('Nominated Node', 'string', '', 1), col('Readiness Gates', 'string', '', 1)];
const DEFAULT_COLUMNS = [col('Name', 'string', 'name'), col('Age', 'string', 'date')];

type Row = (o: KubeObject, nowMs: number) => unknown[];
const num = (o: KubeObject, path: string): number => Number(((o.status ?? {}) as Record<string, unknown>)[path] ?? 0);
const spec = (o: KubeObject) => (o.spec ?? {}) as Record<string, unknown>;
const orNone = (v: unknown) => (v === undefined || v === null || v === '' ? '<none>' : String(v));

/** kubectl's printers for the other resources it lists (pkg/printers/internalversion). */
const OTHER: Record<string, [Column[], Row]> = {
  deployments: [[col('Name', 'string', 'name'), col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Age')],
    (o, now) => [o.metadata.name, `${num(o, 'readyReplicas')}/${Number(spec(o).replicas ?? 0)}`, num(o, 'updatedReplicas'), num(o, 'availableReplicas'), age(o, now)]],
  replicasets: [[col('Name', 'string', 'name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Age')],
    (o, now) => [o.metadata.name, Number(spec(o).replicas ?? 0), num(o, 'replicas'), num(o, 'readyReplicas'), age(o, now)]],
  statefulsets: [[col('Name', 'string', 'name'), col('Ready'), col('Age')],
    (o, now) => [o.metadata.name, `${num(o, 'readyReplicas')}/${Number(spec(o).replicas ?? 0)}`, age(o, now)]],
  daemonsets: [[col('Name', 'string', 'name'), col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), col('Age')],
    (o, now) => {
      const sel = ((spec(o).template as { spec?: { nodeSelector?: Record<string, string> } } | undefined)?.spec?.nodeSelector) ?? {};
      return [o.metadata.name, num(o, 'desiredNumberScheduled'), num(o, 'currentNumberScheduled'), num(o, 'numberReady'), num(o, 'updatedNumberScheduled'), num(o, 'numberAvailable'),
        orNone(Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')), age(o, now)];
    }],
  poddisruptionbudgets: [[col('Name', 'string', 'name'), col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), col('Age')],
    (o, now) => [o.metadata.name, spec(o).minAvailable === undefined ? 'N/A' : String(spec(o).minAvailable), spec(o).maxUnavailable === undefined ? 'N/A' : String(spec(o).maxUnavailable), num(o, 'disruptionsAllowed'), age(o, now)]],
  namespaces: [[col('Name', 'string', 'name'), col('Status'), col('Age')],
    (o, now) => [o.metadata.name, String(((o.status ?? {}) as { phase?: string }).phase ?? 'Active'), age(o, now)]],
  leases: [[col('Name', 'string', 'name'), col('Holder'), col('Age')],
    (o, now) => [o.metadata.name, String(spec(o).holderIdentity ?? ''), age(o, now)]],
  events: [[col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    (o, now) => {
      const e = o as KubeObject & { lastTimestamp?: string; eventTime?: string; type?: string; reason?: string; message?: string; involvedObject?: { kind?: string; name?: string } };
      const last = e.lastTimestamp ?? e.eventTime ?? o.metadata.creationTimestamp;
      return [last ? humanDuration((now - Date.parse(last)) / 1000) : '<unknown>', e.type ?? '', e.reason ?? '', `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}`, e.message ?? ''];
    }],
};

export function toTable(resource: string, objects: KubeObject[], nowMs: number, includeObject: string, listMeta: Record<string, unknown>): unknown {
  const other = OTHER[resource];
  const [columns, row] = resource === 'nodes'
    ? [NODE_COLUMNS, (o: KubeObject) => nodeRow(o as Node, nowMs)]
    : resource === 'pods'
      ? [POD_COLUMNS, (o: KubeObject) => podRow(o as Pod, nowMs)]
      : other
        ? [other[0], (o: KubeObject) => other[1](o, nowMs)]
        : [DEFAULT_COLUMNS, (o: KubeObject) => [o.metadata.name, age(o, nowMs)]];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows: objects.map((o) => ({
      cells: row(o),
      object: includeObject === 'None' ? undefined
        : includeObject === 'Object' ? o
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/** Whether the client asked for a Table (kubectl's `as=Table;g=meta.k8s.io` Accept). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
