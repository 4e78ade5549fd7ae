// The pod AKS runs a command in (`command-<id>` in namespace `aks-command`), created and
// removed through the kube API as the AKS control plane does, so it is scheduled like any pod:
// it lands on some node, shows up in that node's pod list, and cannot start while no node can
// take it.
import { type SimHandler, type SimResponse } from '../contracts';

export const COMMAND_NAMESPACE = 'aks-command';
const COMMAND_IMAGE = 'mcr.microsoft.com/oss/azure/aks/command-runtime:v0.0.9';
const CLIENT = 'aks-control-plane';

export interface CommandPods {
  create(id: string, command: string): Promise<void>;
  /** Undefined once the pod runs; otherwise why it does not (yet). */
  notRunning(id: string): Promise<string | undefined>;
  remove(id: string): Promise<void>;
}

export function commandPodsThrough(kube: SimHandler): CommandPods {
  const call = (method: string, path: string, body?: unknown): Promise<SimResponse> =>
    kube({
      method,
      path,
      query: new URLSearchParams(),
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body)),
      client: CLIENT,
    });
  const podPath = (id: string) => `/api/v1/namespaces/${COMMAND_NAMESPACE}/pods/command-${id}`;
  return {
    async create(id, command) {
      const namespace = await call('GET', `/api/v1/namespaces/${COMMAND_NAMESPACE}`);
      if (namespace.status === 404) {
        await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: COMMAND_NAMESPACE } });
      }
      await call('POST', `/api/v1/namespaces/${COMMAND_NAMESPACE}/pods`, commandPod(id, command));
    },
    async notRunning(id) {
      const answer = await call('GET', podPath(id));
      if (answer.status !== 200) return `command pod command-${id} is missing (${answer.status})`;
      const pod = answer.body as { status?: { phase?: string; conditions?: { type: string; status: string; message?: string }[] } };
      if (pod.status?.phase === 'Running') return undefined;
      const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      return `command pod command-${id} is ${pod.status?.phase ?? 'Pending'}${unscheduled?.message ? `: ${unscheduled.message}` : ''}`;
    },
    async remove(id) {
      await call('DELETE', podPath(id), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
    },
  };
}

function commandPod(id: string, command: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `command-${id}`, namespace: COMMAND_NAMESPACE, labels: { 'aks.azure.com/command-id': id } },
    spec: {
      restartPolicy: 'Never',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      containers: [{
        name: 'command',
        image: COMMAND_IMAGE,
        command: ['/bin/sh', '-c', command],
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
      }],
    },
  };
}
