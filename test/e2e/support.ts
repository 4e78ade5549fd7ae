// Small helpers for the end-to-end tests: the seed scenario with changes, a webhook receiver
// on loopback, and the node facts a test asserts on.
import { InvocationContext } from '@azure/functions';
import * as k8s from '@kubernetes/client-node';
import * as df from 'durable-functions';
import path from 'node:path';
import { LEASES } from '../../local/aks/cluster/resourceNames';
import { loadScenario, type Scenario } from '../../local/aks/scenario';
import { startLoopbackServer } from '../support/loopback';
import type { Stack } from './stack';

const SEED = path.resolve(__dirname, '../../local/aks/scenarios/seed.json');

/** The seed scenario, changed by `change` (a deep copy: the file is never touched). */
export function seedWith(change: (scenario: Scenario) => void): Scenario {
  const scenario = structuredClone(loadScenario(SEED));
  change(scenario);
  return loadScenario(scenario);
}

/** One user pool of `nodes` nodes over three zones, every node needing a reboot (the scale tests' cluster). */
export function userPoolCluster(nodes: number, workloads: Scenario['workloads']): Scenario {
  return loadScenario({
    name: `pool-of-${nodes}`,
    seed: 7,
    startTime: '2026-01-05T02:00:00Z',
    namespaces: ['aks-reboot-orchestrator'],
    cluster: { subscriptionId: '00000000-0000-4000-8000-000000000002', resourceGroup: 'rg-scale', name: 'aks-scale', location: 'westeurope', runCommandStartSeconds: 20 },
    pools: [{ name: 'user', mode: 'User', count: nodes, zones: ['1', '2', '3'], rebootSeconds: 90 }],
    rebootRequired: 'all',
    workloads,
  });
}

export interface Receiver {
  url: string;
  received: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A generic JSON webhook receiver on 127.0.0.1. */
export async function startReceiver(): Promise<Receiver> {
  const received: Array<Record<string, unknown>> = [];
  const server = await startLoopbackServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
    req.on('end', () => {
      try {
        received.push(JSON.parse(body) as Record<string, unknown>);
      } catch {
        received.push({ unparsed: body });
      }
      res.writeHead(204).end();
    });
  });
  return { url: `generic+${server.base}/hook`, received, close: server.close };
}

export function nodeNames(stack: Stack, pool: string): string[] {
  return stack.sim.cluster.nodeNames(pool);
}

/** A node as the API server has it: cordoned?, our annotations. */
export function nodeState(stack: Stack, name: string) {
  const node = stack.sim.cluster.node(name);
  if (!node) return undefined;
  const annotations = node.metadata.annotations ?? {};
  return {
    unschedulable: node.spec?.unschedulable === true,
    inProgress: annotations['aks-reboot-orchestrator/in-progress'],
    lastReboot: annotations['aks-reboot-orchestrator/last-reboot'],
    bootId: node.status?.nodeInfo?.bootID,
  };
}

/** Who holds the cluster's Lease now ('' when released). */
export function leaseHolder(stack: Stack): string {
  const lease = stack.sim.cluster.store.get(LEASES, 'aks-reboot-orchestrator', 'aks-reboot-orchestrator') as { spec?: { holderIdentity?: string } } | undefined;
  return lease?.spec?.holderIdentity ?? '';
}

/** The real durable-functions client, built from the binding value the host hands to client functions. */
export function durableClient(stack: Stack): df.DurableClient {
  const input = df.input.durableClient();
  const context = new InvocationContext({ functionName: 'e2eClient', options: { extraInputs: [input] } });
  context.extraInputs.set(input, stack.host.durableClient);
  return df.getClient(context);
}

/** Writes the cluster's Lease through the Kubernetes API, as another deployment of the app would. */
export async function writeForeignLease(stack: Stack, holder: string, renewedAgoSeconds: number, durationSeconds = 1800): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(stack.sim.kubeconfigYaml({ subject: 'other-deployment' }));
  const api = kc.makeApiClient(k8s.CoordinationV1Api);
  const renewTime = new Date(stack.clock.now() - renewedAgoSeconds * 1000);
  await api.createNamespacedLease({
    namespace: 'aks-reboot-orchestrator',
    body: {
      metadata: { name: 'aks-reboot-orchestrator', namespace: 'aks-reboot-orchestrator' },
      spec: { holderIdentity: holder, leaseDurationSeconds: durationSeconds, acquireTime: renewTime as unknown as k8s.V1MicroTime, renewTime: renewTime as unknown as k8s.V1MicroTime },
    },
  });
}
