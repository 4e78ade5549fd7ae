// One cluster's Kubernetes API as the activities use it: every operation of this folder bound to
// one connection (one shared undici Agent), returning plain JSON.

import type { DaemonSetAnnotationsFact } from '../../core/blockers';
import type { PodManifest } from '../../core/helperPods';
import * as events from './events';
import { createKubeApis, type KubeApis, type KubeConnection } from './kubeApis';
import * as lease from './lease';
import * as nodes from './nodes';
import * as pods from './pods';
import type {
  CordonResult, CreatePodOutcome, DaemonSetFacts, DeleteOutcome, DryRunOutcome, EvictionOutcome, HelperPodStatus, LeaseAcquireResult, LeaseInput, LeaseReleaseResult,
  LeaseRenewResult, NodeChange, NodeEventInput, NodeInfo, NodeUpdateResult, PdbFacts, PodFacts, Taint, WorkloadFacts, WorkloadKind,
} from './types';
import * as workloads from './workloads';

export interface KubeClient {
  /** Nodes of one agent pool (label kubernetes.azure.com/agentpool), or every node. */
  listNodes(pool?: string): Promise<NodeInfo[]>;
  getNode(name: string): Promise<NodeInfo | undefined>;
  cordonNode(name: string): Promise<CordonResult>;
  uncordonNode(name: string): Promise<CordonResult>;
  /** Read, decide, write with the resourceVersion; re-decides on a conflict (bounded). */
  updateNode(name: string, decide: (node: NodeInfo) => NodeChange | undefined): Promise<NodeUpdateResult>;
  annotateNode(name: string, annotations: Record<string, string | null>): Promise<NodeUpdateResult>;
  labelNode(name: string, labels: Record<string, string | null>): Promise<NodeUpdateResult>;
  taintNode(name: string, taint: Taint): Promise<NodeUpdateResult>;
  untaintNode(name: string, taint: { key: string; effect?: string }): Promise<NodeUpdateResult>;

  listPods(query?: pods.PodQuery): Promise<PodFacts[]>;
  listPodsOnNode(node: string, pageSize?: number): Promise<PodFacts[]>;
  evictPod(pod: pods.PodTarget, options?: { gracePeriodSeconds?: number }): Promise<EvictionOutcome>;
  deletePod(pod: pods.PodTarget, options?: { gracePeriodSeconds?: number }): Promise<DeleteOutcome>;

  listPdbs(namespace?: string): Promise<PdbFacts[]>;
  /** Every DaemonSet's annotations (kured's lock lives there). */
  listDaemonSetAnnotations(): Promise<DaemonSetAnnotationsFact[]>;
  getWorkload(ref: { kind: WorkloadKind; namespace: string; name: string }): Promise<WorkloadFacts | undefined>;
  getDaemonSet(namespace: string, name: string): Promise<DaemonSetFacts | undefined>;

  createHelperPod(manifest: PodManifest): Promise<CreatePodOutcome & { pod?: HelperPodStatus }>;
  /** Runs admission on the pod without creating it (`dryRun=All`). */
  dryRunCreatePod(manifest: PodManifest): Promise<DryRunOutcome>;
  readHelperPod(namespace: string, name: string): Promise<HelperPodStatus | undefined>;
  deleteHelperPod(namespace: string, name: string): Promise<DeleteOutcome>;
  listHelperPods(namespace: string, labelSelector: string): Promise<HelperPodStatus[]>;

  postNodeEvent(input: NodeEventInput): Promise<{ outcome: 'posted' | 'exists'; name: string }>;

  acquireLease(input: LeaseInput): Promise<LeaseAcquireResult>;
  renewLease(input: LeaseInput): Promise<LeaseRenewResult>;
  releaseLease(input: Omit<LeaseInput, 'durationSeconds'>): Promise<LeaseReleaseResult>;

  /** The client's one connection pool (tests read its stats). */
  readonly apis: KubeApis;
  close(): Promise<void>;
}

export function createKubeClient(connection: KubeConnection): KubeClient {
  const apis = createKubeApis(connection);
  return {
    listNodes: (pool) => nodes.listNodes(apis, pool),
    getNode: (name) => nodes.getNode(apis, name),
    cordonNode: (name) => nodes.cordonNode(apis, name),
    uncordonNode: (name) => nodes.uncordonNode(apis, name),
    updateNode: (name, decide) => nodes.updateNode(apis, name, decide),
    annotateNode: (name, annotations) => nodes.annotateNode(apis, name, annotations),
    labelNode: (name, labels) => nodes.labelNode(apis, name, labels),
    taintNode: (name, taint) => nodes.taintNode(apis, name, taint),
    untaintNode: (name, taint) => nodes.untaintNode(apis, name, taint),

    listPods: (query) => pods.listPods(apis, query),
    listPodsOnNode: (node, pageSize) => pods.listPodsOnNode(apis, node, pageSize),
    evictPod: (pod, options) => pods.evictPod(apis, pod, options),
    deletePod: (pod, options) => pods.deletePod(apis, pod, options),

    listPdbs: (namespace) => workloads.listPdbs(apis, namespace),
    listDaemonSetAnnotations: () => workloads.listDaemonSetAnnotations(apis),
    getWorkload: (ref) => workloads.getWorkload(apis, ref),
    getDaemonSet: (namespace, name) => workloads.getDaemonSet(apis, namespace, name),

    createHelperPod: (manifest) => pods.createHelperPod(apis, manifest),
    dryRunCreatePod: (manifest) => pods.dryRunCreatePod(apis, manifest),
    readHelperPod: (namespace, name) => pods.readHelperPod(apis, namespace, name),
    deleteHelperPod: (namespace, name) => pods.deleteHelperPod(apis, namespace, name),
    listHelperPods: (namespace, selector) => pods.listHelperPods(apis, namespace, selector),

    postNodeEvent: (input) => events.postNodeEvent(apis, input),

    acquireLease: (input) => lease.acquireLease(apis, input),
    renewLease: (input) => lease.renewLease(apis, input),
    releaseLease: (input) => lease.releaseLease(apis, input),

    apis,
    close: () => apis.close(),
  };
}
