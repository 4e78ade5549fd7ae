// What every reboot detector is: the interface the factory (index.ts) returns and each
// detector file implements, in a file of its own so that neither imports the other.
import type { KubeClient, NodeInfo } from '../../adapters/kube';
import type { CheckResult } from '../contracts';
import type { Sleep } from '../retryRead';

export interface DetectionRequest {
  kube: KubeClient;
  runId: string;
  /** Helper pods' namespace and image. */
  namespace: string;
  image: string;
  /** Bound on requests in flight. */
  parallelism: number;
  /** Waits between the tries of one request (activities/retryRead.ts). */
  sleep: Sleep;
}

export interface DetectionStart {
  results: CheckResult[];
  /** Nodes whose check is still running: collect them later (collectRebootChecks). */
  pending: string[];
}

export interface RebootDetector {
  readonly name: string;
  start(nodes: readonly NodeInfo[], request: DetectionRequest): Promise<DetectionStart>;
}
