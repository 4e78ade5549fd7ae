// Node Events (core/v1), so `kubectl describe node` tells what we did. Node events live in the
// `default` namespace and name the node as their uid, as the kubelet's do and as kubectl
// describe searches them. The event's name comes from a key, so a retry posts it once.

import { isDns1123Subdomain } from '../../core/k8sNames';
import { kubeCallExpecting } from './errors';
import type { KubeApis } from './kubeApis';
import type { NodeEventInput } from './types';

export const EVENT_SOURCE = 'aks-reboot-orchestrator';
const NODE_EVENTS_NAMESPACE = 'default';

export function nodeEventName(node: string, key: string): string {
  const suffix = key.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60);
  const name = `${node}.${suffix || 'event'}`;
  if (!isDns1123Subdomain(name)) throw new Error(`event name ${JSON.stringify(name)} is not a valid object name (node ${JSON.stringify(node)}, key ${JSON.stringify(key)})`);
  return name;
}

export async function postNodeEvent(apis: KubeApis, input: NodeEventInput): Promise<{ outcome: 'posted' | 'exists'; name: string }> {
  // Default key as client-go names events: the time in nanoseconds, in hex.
  const name = nodeEventName(input.node, input.key ?? (BigInt(input.now) * 1_000_000n).toString(16));
  const at = new Date(input.now);
  return kubeCallExpecting(`posting event ${input.reason} on node ${input.node}`, async () => {
    await apis.core.createNamespacedEvent({
      namespace: NODE_EVENTS_NAMESPACE,
      body: {
        metadata: { name, namespace: NODE_EVENTS_NAMESPACE },
        involvedObject: { apiVersion: 'v1', kind: 'Node', name: input.node, uid: input.node },
        reason: input.reason,
        message: input.message.slice(0, 1024),
        type: input.type,
        source: { component: EVENT_SOURCE },
        reportingComponent: EVENT_SOURCE,
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
      },
    });
    return { outcome: 'posted' as const, name };
  }, { 409: () => ({ outcome: 'exists' as const, name }) });
}
