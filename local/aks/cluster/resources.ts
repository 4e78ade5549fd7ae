// Node and pod resources as the scheduler and the kubelet count them: quantities ("250m", "2",
// "512Mi", "1G"), a pod's requests (the larger of its containers' sum and its largest init
// container: `resource.PodRequests`), a node's allocatable from its VM size with AKS's
// reservations (https://learn.microsoft.com/azure/aks/node-resource-reservations: kube-reserved
// CPU by core count; memory min(20 MiB x maxPods + 50 MiB, 25 %) plus the 100 Mi eviction
// threshold, AKS 1.29+), and whether a pod fits what is left.
import type { Container, Node, Pod } from './types';

export interface Resources {
  /** Millicores. */
  cpu: number;
  /** Bytes. */
  memory: number;
}

const SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** A Kubernetes quantity in base units ("250m" → 0.25); throws naming the accepted form. */
export function parseQuantity(value: string, field: string): number {
  const m = QUANTITY.exec(value.trim());
  if (!m) throw new Error(`${field}: ${JSON.stringify(value)} is not a quantity (e.g. "250m", "2", "512Mi", "1Gi")`);
  const n = Number(m[1]);
  return m[2] === 'm' ? n / 1000 : n * SUFFIX[m[2] ?? '']!;
}

export const isQuantity = (value: string): boolean => QUANTITY.test(value.trim());
export const cpuMillis = (value: string, field = 'cpu'): number => Math.round(parseQuantity(value, field) * 1000);
export const memoryBytes = (value: string, field = 'memory'): number => Math.round(parseQuantity(value, field));

function containerRequests(c: Container): Resources {
  const r = (c.resources as { requests?: Record<string, string> } | undefined)?.requests ?? {};
  return { cpu: r.cpu ? cpuMillis(r.cpu) : 0, memory: r.memory ? memoryBytes(r.memory) : 0 };
}

// A pod's requests never change (the apiserver refuses such updates): computed once per pod object.
const requestsOf = new WeakMap<Pod, Resources>();

/** What the scheduler and the kubelet charge a pod: containers summed, at least its largest init container. */
export function podRequests(pod: Pod): Resources {
  let known = requestsOf.get(pod);
  if (!known) requestsOf.set(pod, (known = computeRequests(pod)));
  return known;
}

function computeRequests(pod: Pod): Resources {
  const sum = pod.spec.containers.map(containerRequests).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), { cpu: 0, memory: 0 });
  for (const init of (pod.spec.initContainers ?? []).map(containerRequests)) {
    sum.cpu = Math.max(sum.cpu, init.cpu);
    sum.memory = Math.max(sum.memory, init.memory);
  }
  return sum;
}

/** The requests of these pods added to `base`. */
export function sumRequests(pods: Pod[], base: Resources = { cpu: 0, memory: 0 }): Resources {
  return pods.map(podRequests).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), base);
}

/** A node's allocatable cpu (millicores), memory (bytes) and pods. */
export function nodeAllocatable(node: Node): Resources & { pods: number } {
  const a = node.status.allocatable ?? {};
  return { cpu: a.cpu ? cpuMillis(a.cpu) : Infinity, memory: a.memory ? memoryBytes(a.memory) : Infinity, pods: Number(a.pods ?? '110') };
}

// vCPUs and GiB of the common AKS sizes; others are read from the name (family letter, vCPUs).
const VM_SIZES: Record<string, [number, number]> = {
  Standard_B2s: [2, 4], Standard_B2ms: [2, 8], Standard_B4ms: [4, 16], Standard_DS2_v2: [2, 7], Standard_DS3_v2: [4, 14],
  Standard_D2s_v3: [2, 8], Standard_D4s_v3: [4, 16], Standard_D8s_v3: [8, 32],
};
const GIB_PER_VCPU: Record<string, number> = { D: 4, E: 8, F: 2, B: 4, A: 2, M: 28, L: 8 };
const KUBE_RESERVED_CPU: [cores: number, millis: number][] = [[1, 60], [2, 100], [4, 140], [8, 180], [16, 260], [32, 420], [64, 740]];

/** vCPUs and memory (bytes) of a VM size such as `Standard_D8s_v5`. */
export function vmCapacity(vmSize: string): { cores: number; memory: number } {
  const known = VM_SIZES[vmSize];
  if (known) return { cores: known[0], memory: known[1] * 1024 ** 3 };
  const m = /^Standard_([A-Z])[A-Z]*?(\d+)/.exec(vmSize);
  const cores = m ? Number(m[2]) : 4;
  return { cores, memory: cores * (GIB_PER_VCPU[m?.[1] ?? 'D'] ?? 4) * 1024 ** 3 };
}

/** AKS's allocatable for a node of this size and pod limit (cpu in millicores, memory in bytes). */
export function aksAllocatable(vmSize: string, maxPods: number): Resources {
  const { cores, memory } = vmCapacity(vmSize);
  const reservedCpu = [...KUBE_RESERVED_CPU].reverse().find(([c]) => cores >= c)?.[1] ?? 60;
  const mib = 1024 ** 2;
  const reservedMemory = Math.min(20 * mib * maxPods + 50 * mib, memory / 4) + 100 * mib;
  return { cpu: cores * 1000 - reservedCpu, memory: memory - reservedMemory };
}

export const formatCpu = (millis: number): string => (millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`);
export const formatMemory = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

/** Why a pod does not fit on a node with `used` already charged: the kubelet's and the scheduler's resource names, in their order. */
export function insufficient(pod: Resources, used: Resources & { pods: number }, allocatable: Resources & { pods: number }): Array<{ resource: 'pods' | 'cpu' | 'memory'; requested: number; used: number; capacity: number }> {
  const out: Array<{ resource: 'pods' | 'cpu' | 'memory'; requested: number; used: number; capacity: number }> = [];
  if (used.pods + 1 > allocatable.pods) out.push({ resource: 'pods', requested: 1, used: used.pods, capacity: allocatable.pods });
  if (pod.cpu > 0 && used.cpu + pod.cpu > allocatable.cpu) out.push({ resource: 'cpu', requested: pod.cpu, used: used.cpu, capacity: allocatable.cpu });
  if (pod.memory > 0 && used.memory + pod.memory > allocatable.memory) out.push({ resource: 'memory', requested: pod.memory, used: used.memory, capacity: allocatable.memory });
  return out;
}
