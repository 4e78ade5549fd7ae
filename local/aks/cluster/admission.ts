// Admission of pod creates, as a hardened AKS cluster answers them: Pod Security Admission
// from the namespace's `pod-security.kubernetes.io/enforce` label (the checks of kubernetes
// `staging/src/k8s.io/pod-security-admission/policy/`, with their wording), then the scenario's
// Gatekeeper-like policies (Azure Policy's baseline initiative, Deployment Safeguards) answering
// as the `validation.gatekeeper.sh` webhook. Pure: the caller passes the pod and the namespace
// labels, and turns a denial into the apiserver's 403.
import type { Container, Pod } from './types';

export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';
export const ENFORCE_VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';
export const GATEKEEPER_WEBHOOK = 'validation.gatekeeper.sh';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';
export type PolicyRule = 'privileged' | 'hostPID' | 'hostPath';

export interface AdmissionPolicy {
  name: string;
  deny: PolicyRule[];
  /** Namespaces the policy skips; a trailing `*` matches a prefix (Gatekeeper's `excludedNamespaces`). */
  exemptNamespaces?: string[];
  message?: string;
}

export interface AdmissionConfig {
  podSecurity?: boolean;
  policies?: AdmissionPolicy[];
}

/** Who denied the pod and the apiserver's message for it. */
export type AdmissionResult = { allowed: true } | { allowed: false; by: 'PodSecurity' | 'webhook'; message: string };

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  check: (pod: Pod) => string | undefined;
}

// The capabilities a baseline pod may add (check_capabilities_baseline.go: the container
// runtime's default set).
const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
// check_restrictedVolumes.go: the volume types a restricted pod may use.
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

const quote = (names: string[]): string => names.map((n) => JSON.stringify(n)).join(', ');
const containers = (pod: Pod): Container[] => [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
const plural = (one: string, names: string[]): string => `${names.length === 1 ? one : `${one}s`} ${quote(names)}`;
type SecurityContext = { privileged?: boolean; allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean; capabilities?: { add?: string[]; drop?: string[] }; seccompProfile?: { type?: string } };
const sc = (c: Container): SecurityContext => (c.securityContext ?? {}) as SecurityContext;
const podSc = (pod: Pod): { runAsNonRoot?: boolean; seccompProfile?: { type?: string } } => (pod.spec.securityContext ?? {}) as { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };

const failing = (names: string[], text: (names: string[]) => string): string | undefined => (names.length ? text(names) : undefined);

// In the order of the check ids, as the evaluator reports them.
const CHECKS: Check[] = [
  {
    id: 'allowPrivilegeEscalation', level: 'restricted',
    check: (pod) => failing(containers(pod).filter((c) => sc(c).allowPrivilegeEscalation !== false).map((c) => c.name),
      (n) => `allowPrivilegeEscalation != false (${plural('container', n)} must set securityContext.allowPrivilegeEscalation=false)`),
  },
  {
    id: 'capabilities_baseline', level: 'baseline',
    check: (pod) => {
      const bad = containers(pod).filter((c) => (sc(c).capabilities?.add ?? []).some((cap) => !DEFAULT_CAPABILITIES.has(cap)));
      const caps = [...new Set(bad.flatMap((c) => (sc(c).capabilities?.add ?? []).filter((cap) => !DEFAULT_CAPABILITIES.has(cap))))].sort();
      return failing(bad.map((c) => c.name), (n) => `non-default capabilities (${plural('container', n)} must not include ${quote(caps)} in securityContext.capabilities.add)`);
    },
  },
  {
    id: 'capabilities_restricted', level: 'restricted',
    check: (pod) => failing(containers(pod).filter((c) => !(sc(c).capabilities?.drop ?? []).includes('ALL')).map((c) => c.name),
      (n) => `unrestricted capabilities (${plural('container', n)} must set securityContext.capabilities.drop=["ALL"])`),
  },
  {
    id: 'hostNamespaces', level: 'baseline',
    check: (pod) => failing((['hostIPC', 'hostNetwork', 'hostPID'] as const).filter((k) => pod.spec[k] === true), (n) => `host namespaces (${n.join(', ')})`),
  },
  {
    id: 'hostPathVolumes', level: 'baseline',
    check: (pod) => failing((pod.spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name), (n) => `hostPath volumes (${plural('volume', n)})`),
  },
  {
    id: 'hostPorts', level: 'baseline',
    check: (pod) => {
      const bad = containers(pod).filter((c) => ((c.ports ?? []) as { hostPort?: number }[]).some((p) => (p.hostPort ?? 0) !== 0));
      const ports = bad.flatMap((c) => ((c.ports ?? []) as { hostPort?: number }[]).map((p) => p.hostPort ?? 0).filter((p) => p !== 0));
      return failing(bad.map((c) => c.name), (n) => `hostPort (${plural('container', n)} ${ports.length === 1 ? 'uses hostPort' : 'use hostPorts'} ${ports.join(', ')})`);
    },
  },
  {
    id: 'privileged', level: 'baseline',
    check: (pod) => failing(containers(pod).filter((c) => sc(c).privileged === true).map((c) => c.name), (n) => `privileged (${plural('container', n)} must not set securityContext.privileged=true)`),
  },
  {
    id: 'restrictedVolumes', level: 'restricted',
    check: (pod) => {
      const bad = (pod.spec.volumes ?? []).filter((v) => !Object.keys(v).some((k) => RESTRICTED_VOLUME_TYPES.includes(k)));
      const types = [...new Set(bad.map((v) => Object.keys(v).find((k) => k !== 'name') ?? 'unknown'))].sort();
      return failing(bad.map((v) => v.name), (n) => `restricted volume types (${plural('volume', n)} ${n.length === 1 ? 'uses' : 'use'} restricted volume ${types.length === 1 ? 'type' : 'types'} ${quote(types)})`);
    },
  },
  {
    id: 'runAsNonRoot', level: 'restricted',
    check: (pod) => {
      if (podSc(pod).runAsNonRoot === false) return 'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)';
      const bad = containers(pod).filter((c) => (sc(c).runAsNonRoot ?? podSc(pod).runAsNonRoot) !== true).map((c) => c.name);
      return failing(bad, (n) => `runAsNonRoot != true (pod or ${plural('container', n)} must set securityContext.runAsNonRoot=true)`);
    },
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted',
    check: (pod) => {
      const valid = (t?: string) => t === 'RuntimeDefault' || t === 'Localhost';
      const podSet = valid(podSc(pod).seccompProfile?.type);
      const bad = containers(pod).filter((c) => (sc(c).seccompProfile ? !valid(sc(c).seccompProfile?.type) : !podSet)).map((c) => c.name);
      return failing(bad, (n) => `seccompProfile (pod or ${plural('container', n)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`);
    },
  },
];

/** The namespace's enforced level; no label (or an unknown one) is `privileged`, the apiserver's default. */
export function enforcedLevel(labels: Record<string, string> | undefined): PodSecurityLevel {
  const v = labels?.[ENFORCE_LABEL];
  return v === 'baseline' || v === 'restricted' ? v : 'privileged';
}

/** Pod Security Admission's verdict, or undefined when the pod meets the level. */
export function podSecurityViolation(pod: Pod, labels: Record<string, string> | undefined): string | undefined {
  const level = enforcedLevel(labels);
  if (level === 'privileged') return undefined;
  const found = CHECKS.filter((c) => level === 'restricted' || c.level === 'baseline').map((c) => c.check(pod)).filter((x): x is string => !!x);
  if (!found.length) return undefined;
  const version = labels?.[ENFORCE_VERSION_LABEL] ?? 'latest';
  return `violates PodSecurity "${level}:${version}": ${found.join(', ')}`;
}

function exempt(policy: AdmissionPolicy, namespace: string): boolean {
  return (policy.exemptNamespaces ?? []).some((p) => (p.endsWith('*') ? namespace.startsWith(p.slice(0, -1)) : p === namespace));
}

/** What a policy rule finds in the pod: the offending containers or volumes, or undefined. */
function ruleViolation(rule: PolicyRule, pod: Pod): string | undefined {
  if (rule === 'hostPID') return pod.spec.hostPID === true ? 'hostPID is not allowed' : undefined;
  if (rule === 'privileged') {
    const names = containers(pod).filter((c) => sc(c).privileged === true).map((c) => c.name);
    return names.length ? `Privileged container is not allowed: ${names.join(', ')}` : undefined;
  }
  const names = (pod.spec.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name);
  return names.length ? `HostPath volume is not allowed: ${names.join(', ')}` : undefined;
}

/** The webhook's denial (`[policy] message` per violated policy), or undefined. */
export function policyViolation(pod: Pod, namespace: string, policies: AdmissionPolicy[]): string | undefined {
  const lines: string[] = [];
  for (const policy of policies) {
    if (exempt(policy, namespace)) continue;
    const found = policy.deny.map((r) => ruleViolation(r, pod)).filter((x): x is string => !!x);
    if (found.length) lines.push(`[${policy.name}] ${policy.message ? `${policy.message} (${found.join('; ')})` : found.join('; ')}`);
  }
  return lines.length ? `admission webhook "${GATEKEEPER_WEBHOOK}" denied the request: ${lines.join('\n')}` : undefined;
}

/**
 * Pod Security first (a built-in validating plugin), then the webhooks, as the apiserver orders
 * validating admission; the first denial is the answer.
 */
export function admitPod(pod: Pod, namespace: string, namespaceLabels: Record<string, string> | undefined, config: AdmissionConfig | undefined): AdmissionResult {
  if (!config) return { allowed: true };
  if (config.podSecurity) {
    const v = podSecurityViolation(pod, namespaceLabels);
    if (v) return { allowed: false, by: 'PodSecurity', message: `pods "${pod.metadata.name || pod.metadata.generateName || ''}" is forbidden: ${v}` };
  }
  const w = policyViolation(pod, namespace, config.policies ?? []);
  if (w) return { allowed: false, by: 'webhook', message: w };
  return { allowed: true };
}
