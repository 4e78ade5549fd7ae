// Reading an admission refusal of a helper pod (a server-side dry run's answer): who refused it —
// Pod Security Admission, a policy webhook (Azure Policy / Gatekeeper, Deployment Safeguards),
// RBAC — what it refused, and how to exempt the helper namespace. Pure: the activity passes the
// apiserver's status and message.
import type { HelperRole } from './helperPods';
import { grantHint } from './kubePermissions';

/** Where the operator reads how to exempt the helper namespace. */
export const ADMISSION_HELP = 'infra/README.md#policy-exemptions';

export type DenialSource = 'pod-security' | 'policy' | 'rbac' | 'namespace' | 'invalid';

export interface AdmissionDenial {
  /** Which helper pod was refused. */
  role: HelperRole;
  /** The node the refused helper was built for. */
  node: string;
  source: DenialSource;
  /** The policy (Gatekeeper constraint) names, or the Pod Security level, that refused it. */
  policies: string[];
  /** The apiserver's message, cut to a readable length. */
  message: string;
  /** What the operator can do about it. */
  fix: string;
}

const WEBHOOK = /^admission webhook "([^"]+)" denied the request: ?/;
const POD_SECURITY = /violates PodSecurity "([a-z]+)(?::[^"]*)?"/;
const MAX_MESSAGE = 600;

/** Classifies one refused dry-run create (status 403, 404 or 422) of a helper pod in `namespace`. */
export function readDenial(input: { role: HelperRole; node: string; namespace: string; status: number; message: string }): AdmissionDenial {
  const { role, node, namespace, status } = input;
  const message = input.message.length > MAX_MESSAGE ? `${input.message.slice(0, MAX_MESSAGE)}…` : input.message;
  const base = { role, node, message };
  const webhook = WEBHOOK.exec(input.message);
  if (webhook) {
    const policies = [...input.message.slice(webhook[0].length).matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!);
    return {
      ...base, source: 'policy', policies: policies.length ? policies : [webhook[1]!],
      fix: `exempt namespace ${namespace} from ${policies.length ? `policy ${policies.join(', ')}` : `webhook ${webhook[1]}`} (Azure Policy assignment parameter excludedNamespaces, Gatekeeper spec.match.excludedNamespaces, or Deployment Safeguards' excluded namespaces): see ${ADMISSION_HELP}`,
    };
  }
  const pss = POD_SECURITY.exec(input.message);
  if (pss) {
    return {
      ...base, source: 'pod-security', policies: [`PodSecurity ${pss[1]}`],
      fix: `label namespace ${namespace} pod-security.kubernetes.io/enforce=privileged (infra/k8s/namespace.yaml does): see ${ADMISSION_HELP}`,
    };
  }
  if (status === 404) return { ...base, source: 'namespace', policies: [], fix: `create namespace ${namespace} (kubectl apply -f infra/k8s/namespace.yaml)` };
  if (status === 422) return { ...base, source: 'invalid', policies: [], fix: 'check REBOOT_HELPER_IMAGE and REBOOT_SENTINEL (the apiserver refused the pod as invalid)' };
  return { ...base, source: 'rbac', policies: [], fix: `create on pods in ${namespace}: ${grantHint(input.message)}` };
}

/** One line for a run's reason: each refusal with who refused what, then the fix. */
export function describeDenials(denials: AdmissionDenial[]): string {
  const lines = denials.map((d) => `${d.role === 'check' ? 'check pod' : 'reboot helper'} for ${d.node} refused${d.policies.length ? ` by ${d.policies.join(', ')}` : ''}: ${d.message} — ${d.fix}`);
  return `admission preflight: ${[...new Set(lines)].join('; ')}`;
}
