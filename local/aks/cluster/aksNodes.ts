// How AKS names and labels the nodes of a VMSS agent pool, so that the simulated nodes look
// like the ones the product meets in Azure.
import type { ScenarioCluster, ScenarioPool } from '../contracts';
import type { Node } from './types';
import type { Prng } from './prng';
import { aksAllocatable, formatCpu, formatMemory, vmCapacity } from './resources';

export const SENTINEL_REBOOT_REQUIRED = '/var/run/reboot-required';

export interface PoolNodeName {
  vmss: string;
  name: string;
  instanceId: number;
}

/** `aks-<pool>-<8 digits>-vmss`, the pool's scale set; its nodes append 6 base-36 chars. */
export function vmssName(pool: string, digits: string): string {
  return `aks-${pool}-${digits}-vmss`;
}

export function nodeNameFor(vmss: string, instanceId: number): string {
  return `${vmss}${instanceId.toString(36).padStart(6, '0')}`;
}

export function poolDigits(prng: Prng): string {
  return String(10_000_000 + prng.int(89_999_999));
}

/** The node resource group AKS creates: `MC_<rg>_<cluster>_<location>`. */
export function nodeResourceGroup(cluster: ScenarioCluster): string {
  return cluster.nodeResourceGroup ?? `MC_${cluster.resourceGroup}_${cluster.name}_${cluster.location}`;
}

export interface NodeBuildInput {
  cluster: ScenarioCluster;
  pool: ScenarioPool;
  vmss: string;
  instanceId: number;
  /** The zone number ("1".."3") or undefined for a non-zonal pool. */
  zone: string | undefined;
  bootId: string;
  maxPods: number;
  /** Allocatable overrides (quantities); default: the VM size's, with AKS's reservations. */
  cpu?: string;
  memory?: string;
  now: string;
  ip: string;
}

export function buildNode(input: NodeBuildInput): Node {
  const { cluster, pool, vmss, instanceId, zone } = input;
  const name = nodeNameFor(vmss, instanceId);
  const os = (pool.osType ?? 'Linux').toLowerCase();
  const vmSize = pool.vmSize ?? 'Standard_D4s_v5';
  const image = pool.nodeImageVersion ?? 'AKSUbuntu-2204gen2containerd-202501.12.0';
  const mcRg = nodeResourceGroup(cluster);
  const capacity = vmCapacity(vmSize);
  const allocatable = aksAllocatable(vmSize, input.maxPods);
  const labels: Record<string, string> = {
    'agentpool': pool.name,
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/instance-type': vmSize,
    'beta.kubernetes.io/os': os,
    'kubernetes.azure.com/agentpool': pool.name,
    'kubernetes.azure.com/cluster': mcRg,
    'kubernetes.azure.com/mode': pool.mode.toLowerCase(),
    'kubernetes.azure.com/node-image-version': image,
    'kubernetes.azure.com/role': 'agent',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
    'kubernetes.io/role': 'agent',
    'node.kubernetes.io/instance-type': vmSize,
    'topology.kubernetes.io/region': cluster.location,
    'topology.kubernetes.io/zone': zone ? `${cluster.location}-${zone}` : '0',
  };
  if (pool.priority === 'Spot') labels['kubernetes.azure.com/scalesetpriority'] = 'spot';
  const taints = pool.priority === 'Spot'
    ? [{ key: 'kubernetes.azure.com/scalesetpriority', value: 'spot', effect: 'NoSchedule' as const }]
    : [];
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: {
      providerID: `azure:///subscriptions/${cluster.subscriptionId}/resourceGroups/${mcRg.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${instanceId}`,
      ...(taints.length ? { taints } : {}),
    },
    status: {
      capacity: { cpu: String(capacity.cores), memory: formatMemory(capacity.memory), pods: String(input.maxPods), 'ephemeral-storage': '129886128Ki' },
      allocatable: {
        cpu: input.cpu ?? formatCpu(allocatable.cpu), memory: input.memory ?? formatMemory(allocatable.memory), pods: String(input.maxPods), 'ephemeral-storage': '119703055367',
      },
      addresses: [{ type: 'InternalIP', address: input.ip }, { type: 'Hostname', address: name }],
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: input.now, lastTransitionTime: input.now },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: input.now, lastTransitionTime: input.now },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: input.now, lastTransitionTime: input.now },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: input.now, lastTransitionTime: input.now },
      ],
      nodeInfo: {
        architecture: 'amd64',
        bootID: input.bootId,
        containerRuntimeVersion: 'containerd://1.7.25-1',
        kernelVersion: '5.15.0-1079-azure',
        kubeProxyVersion: '',
        kubeletVersion: `v${cluster.kubernetesVersion ?? '1.32.4'}`,
        machineID: input.bootId.replace(/-/g, ''),
        operatingSystem: os,
        osImage: os === 'windows' ? 'Windows Server 2022 Datacenter' : 'Ubuntu 22.04.5 LTS',
        systemUUID: input.bootId,
      },
    },
  };
}
