// The seams inside the simulator: the HTTP shape both API surfaces (ARM and Kubernetes) are
// written against, so the TLS servers, the ARM API, the kube API and the runCommand
// interpreter can be built and tested apart, and the interpreter can create pods through the
// very handler kubectl talks to.
import type { AdmissionConfig } from './cluster/admission';
import type { AzureRoleAssignment } from './kube/azureRbac';

/** One HTTP request, already authenticated, as the API handlers see it. */
export interface SimRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Who sent it: `kubectl`, `product`, `run-command`… (from the user agent or the caller). */
  client?: string;
  /**
   * The authenticated Kubernetes user (Entra object id or certificate CN, and groups) that RBAC
   * authorizes; absent for the simulator's own in-process calls (the AKS control plane).
   */
  user?: { name: string; groups: string[]; oid?: string };
}

/** A handler's answer. `body` objects are sent as JSON; `stream` chunks (watch) are written as they come. */
export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  stream?: AsyncIterable<string>;
}

export type SimHandler = (req: SimRequest) => Promise<SimResponse>;

/** The cluster's identity in ARM, from the scenario. */
export interface ScenarioCluster {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  kubernetesVersion?: string;
  nodeResourceGroup?: string;
  /**
   * Entra ID integration (`aadProfile`): the kube API takes Entra tokens and run-command needs a
   * `clusterToken`. Without it the API refuses Entra tokens (401) and `listClusterUserCredential`
   * hands out a client certificate (admin-equivalent, as on AKS).
   */
  entraEnabled?: boolean;
  /** `disableLocalAccounts`: `listClusterAdminCredential` fails and client certificates are refused. */
  disableLocalAccounts?: boolean;
  /** Kubernetes RBAC from manifests; `enforce` authorizes the app identity's requests per verb and resource. */
  rbac?: ScenarioRbac;
  /**
   * `aadProfile.enableAzureRBAC` (Entra clusters only): Entra principals are also authorized by
   * Azure role assignments (`azureRoleAssignments`); either Kubernetes RBAC or Azure RBAC allowing is enough.
   */
  enableAzureRBAC?: boolean;
  /** The Azure roles granted to the app's identity on the cluster or a namespace (with `enableAzureRBAC`). */
  azureRoleAssignments?: AzureRoleAssignment[];
  /** `apiServerAccessProfile.disableRunCommand`. */
  disableRunCommand?: boolean;
  /** `autoUpgradeProfile.nodeOSUpgradeChannel`, usually `Unmanaged` for our users. */
  nodeOsUpgradeChannel?: string;
  /** Seconds for the run-command pod to start before the command runs. */
  runCommandStartSeconds?: number;
  /** Seconds the first pull of an image on a node takes (default 5; 0 turns pulls off). */
  imagePullSeconds?: number;
  /** Pod Security Admission from namespace labels, and Gatekeeper-like policies (cluster/admission.ts). */
  admission?: AdmissionConfig;
  /** How a node going down shows in the API (cluster/nodeLifecycle.ts); AKS's timing by default. */
  nodeLifecycle?: { gracefulShutdown?: boolean; monitorGraceSeconds?: number; podStatusLagSeconds?: number };
  /** Each controller's queue delay before it writes status or acts (seeded); default AKS-like 0.2–2 s. */
  controllerDelaySeconds?: { min: number; max: number };
}

/** `cluster.rbac`: which manifests hold the Roles, ClusterRoles and bindings, and whether they are enforced. */
export interface ScenarioRbac {
  enforce: boolean;
  /** YAML files, relative to the repository root (or absolute), e.g. `infra/k8s/rbac.yaml`. */
  files: string[];
}

/** An agent pool as the scenario declares it. */
export interface ScenarioPool {
  name: string;
  mode: 'System' | 'User';
  osType?: 'Linux' | 'Windows';
  priority?: 'Regular' | 'Spot';
  count: number;
  zones?: string[];
  provisioningState?: string;
  powerState?: 'Running' | 'Stopped';
  /** How long a reboot of one of its nodes takes (NotReady until Ready again). */
  rebootSeconds?: number;
  vmSize?: string;
  nodeImageVersion?: string;
}
