// Builds the cluster a scenario describes: namespaces, the pools' nodes with AKS names and
// labels, the workloads (as the objects a user would have applied) and their PDBs, the
// sentinel files of the nodes that need a reboot, and the nodes cordoned beforehand.
import type { Scenario, ScenarioWorkload } from '../scenario';
import { buildNode, nodeNameFor, poolDigits, vmssName } from './aksNodes';
import { HOSTNAME_LABEL, ZONE_LABEL } from './scheduler';
import { DEPLOY, DS, NAMESPACES, NODES, PDBS, STS } from './resourceNames';
import type { ClusterModel } from './model';
import type { Prng } from './prng';
import { DEPLOYMENT_DEFAULT } from './rolloutStrategy';
import type { Container, KubeObject, Node, Pod, PodSpec, Workload } from './types';

export const DEFAULT_IMAGE = 'mcr.microsoft.com/azurelinux/base/nginx:1.25';

export function namespaceObject(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function buildCluster(cluster: ClusterModel, prng: Prng): void {
  const s = cluster.scenario;
  // Name -> labels; a namespace named twice (once with labels) is created once, with its labels.
  const namespaces = new Map<string, Record<string, string>>(['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((n) => [n, {}]));
  for (const ns of s.namespaces ?? []) {
    const { name, labels } = typeof ns === 'string' ? { name: ns, labels: {} } : ns;
    namespaces.set(name, { ...namespaces.get(name), ...labels });
  }
  for (const w of s.workloads ?? []) if (!namespaces.has(w.namespace ?? 'default')) namespaces.set(w.namespace ?? 'default', {});
  for (const [ns, labels] of namespaces) cluster.store.create(NAMESPACES, namespaceObject(ns, labels));

  let ip = 4;
  for (const pool of s.pools) {
    const vmss = vmssName(pool.name, poolDigits(prng));
    const names: string[] = [];
    const zones = pool.zones ?? [];
    // A stopped pool keeps its count in ARM but has no VMs, so no nodes in Kubernetes.
    const running = pool.powerState === 'Stopped' ? 0 : pool.count;
    for (let i = 0; i < running; i++) {
      const zone = zones.length ? zones[i % zones.length] : undefined;
      const bootId = prng.uuid();
      const node = buildNode({
        cluster: s.cluster, pool, vmss, instanceId: i, zone, bootId, maxPods: pool.maxPods ?? 110, cpu: pool.cpu, memory: pool.memory, now: cluster.iso(),
        ip: `10.224.${(ip >> 8) & 255}.${ip & 255}`,
      });
      ip++;
      cluster.addNode(node, { pool: pool.name, zone, bootId, rebootSeconds: pool.rebootSeconds ?? 120, files: new Set() });
      names.push(nodeNameFor(vmss, i));
    }
    cluster.pools.push({ spec: pool, vmss, nodeNames: names });
  }

  for (const name of rebootRequiredNodes(cluster, s)) cluster.requireReboot(name);
  for (const ref of s.cordoned ?? []) {
    const name = cluster.resolveNode(ref);
    const node = name ? cluster.store.get<Node>(NODES, undefined, name) : undefined;
    if (!node) throw new Error(`scenario.cordoned: no node ${JSON.stringify(ref)}`);
    node.spec.unschedulable = true;
    node.spec.taints = [...(node.spec.taints ?? []), { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: cluster.iso() }];
    cluster.store.touch(NODES, node);
  }

  for (const w of s.workloads ?? []) addWorkload(cluster, w);
}

function rebootRequiredNodes(cluster: ClusterModel, s: Scenario): string[] {
  const all = cluster.pools.flatMap((p) => p.nodeNames);
  const r = s.rebootRequired ?? 'none';
  if (r === 'all') return all;
  if (r === 'none') return [];
  const picked = new Set<string>();
  for (const pool of r.pools ?? []) {
    const p = cluster.pools.find((x) => x.spec.name === pool);
    if (!p) throw new Error(`scenario.rebootRequired.pools: no pool ${JSON.stringify(pool)}`);
    p.nodeNames.forEach((n) => picked.add(n));
  }
  for (const ref of r.nodes ?? []) {
    const name = cluster.resolveNode(ref);
    if (!name || !all.includes(name)) throw new Error(`scenario.rebootRequired.nodes: no node ${JSON.stringify(ref)}`);
    picked.add(name);
  }
  if (r.count !== undefined) for (const n of all.slice(0, r.count)) picked.add(n);
  return all.filter((n) => picked.has(n));
}

export function podSpecFor(w: ScenarioWorkload): PodSpec {
  const labels = { app: w.name };
  const container: Container = {
    name: w.name,
    image: w.image ?? DEFAULT_IMAGE,
    ...(w.startupSeconds ? { readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: w.startupSeconds, periodSeconds: 10 } } : {}),
    ...(w.emptyDir ? { volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] } : {}),
    ...(w.cpu || w.memory ? { resources: { requests: { ...(w.cpu ? { cpu: w.cpu } : {}), ...(w.memory ? { memory: w.memory } : {}) } } } : {}),
  };
  const spec: PodSpec = {
    containers: [container],
    terminationGracePeriodSeconds: w.graceSeconds ?? 30,
    ...(w.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
  };
  const selector: Record<string, string> = { ...(w.nodeSelector ?? {}) };
  if (w.pool) selector['kubernetes.azure.com/agentpool'] = w.pool;
  if (Object.keys(selector).length) spec.nodeSelector = selector;
  if (w.antiAffinity) {
    spec.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: w.antiAffinity === 'zone' ? ZONE_LABEL : HOSTNAME_LABEL }],
      },
    };
  }
  if (w.zoneSpread) spec.topologySpreadConstraints = [{ maxSkew: 1, topologyKey: ZONE_LABEL, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: labels } }];
  if (w.tolerateAll ?? w.kind === 'DaemonSet') spec.tolerations = [{ operator: 'Exists' }];
  if (w.kind === 'Pod' && w.completesAfterSeconds !== undefined) spec.restartPolicy = 'Never';
  return spec;
}

// As the apiserver serves them once defaulted (pkg/apis/apps/v1/defaults.go).
function deploymentStrategy(w: ScenarioWorkload): Record<string, unknown> {
  return { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: w.maxUnavailable ?? DEPLOYMENT_DEFAULT.maxUnavailable, maxSurge: w.maxSurge ?? DEPLOYMENT_DEFAULT.maxSurge } };
}

function statefulSetStrategy(w: ScenarioWorkload): Record<string, unknown> {
  return { type: 'RollingUpdate', rollingUpdate: { partition: 0, ...(w.maxUnavailable !== undefined ? { maxUnavailable: w.maxUnavailable } : {}) } };
}

export function addWorkload(cluster: ClusterModel, w: ScenarioWorkload): void {
  const namespace = w.namespace ?? 'default';
  const labels = { app: w.name, ...(w.labels ?? {}) };
  cluster.behaviours.set(`${namespace}/${w.name}`, {
    ...(w.shutdownSeconds !== undefined ? { shutdownSeconds: w.shutdownSeconds } : {}),
    ...(w.finalizers?.length ? { finalizers: w.finalizers } : {}),
    ...(w.completesAfterSeconds !== undefined ? { completesAfterSeconds: w.completesAfterSeconds, exitCode: w.exitCode ?? 0 } : {}),
  });
  const spec = podSpecFor(w);
  if (w.kind === 'Pod') {
    const node = w.node === undefined ? undefined : cluster.resolveNode(w.node);
    if (w.node !== undefined && !node) throw new Error(`scenario.workloads[${w.name}].node: no node ${JSON.stringify(w.node)}`);
    if (node) spec.nodeName = node;
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: w.name, namespace, labels, ...(w.annotations ? { annotations: { ...w.annotations } } : {}) }, spec, status: {} };
    cluster.createPodNow(pod);
  } else {
    const resource = w.kind === 'Deployment' ? DEPLOY : w.kind === 'StatefulSet' ? STS : DS;
    const obj: Workload = {
      apiVersion: 'apps/v1',
      kind: w.kind,
      metadata: { name: w.name, namespace, labels, ...(w.annotations ? { annotations: { ...w.annotations } } : {}) },
      spec: {
        ...(w.kind === 'DaemonSet' ? {} : { replicas: w.replicas ?? 1 }),
        ...(w.kind === 'StatefulSet' ? { serviceName: w.name, podManagementPolicy: 'OrderedReady' as const, updateStrategy: statefulSetStrategy(w) } : {}),
        ...(w.kind === 'Deployment' ? { strategy: deploymentStrategy(w) } : {}),
        selector: { matchLabels: { app: w.name } },
        template: { metadata: { labels }, spec },
      },
      status: {},
    };
    cluster.store.create(resource, obj);
  }
  if (w.pdb) {
    cluster.store.create(PDBS, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: `${w.name}-pdb`, namespace },
      spec: {
        ...(w.pdb.minAvailable !== undefined ? { minAvailable: w.pdb.minAvailable } : {}),
        ...(w.pdb.maxUnavailable !== undefined ? { maxUnavailable: w.pdb.maxUnavailable } : {}),
        ...(w.pdb.unhealthyPodEvictionPolicy ? { unhealthyPodEvictionPolicy: w.pdb.unhealthyPodEvictionPolicy } : {}),
        selector: { matchLabels: { app: w.name } },
      },
    });
  }
}
