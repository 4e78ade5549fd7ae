import { describe, expect, it } from 'vitest';
import { ADMISSION_HELP, describeDenials, readDenial } from './admission';

const base = { role: 'reboot' as const, node: 'aks-user-1-vmss000000', namespace: 'aks-reboot-orchestrator' };

describe('readDenial', () => {
  it('names the Gatekeeper constraints of a webhook denial and the namespace exemption', () => {
    const d = readDenial({ ...base, status: 403, message: 'admission webhook "validation.gatekeeper.sh" denied the request: [psp-privileged-container] Privileged container is not allowed: reboot\n[psp-host-namespace] Sharing the host namespace is not allowed: p' });
    expect(d).toMatchObject({ source: 'policy', policies: ['psp-privileged-container', 'psp-host-namespace'] });
    expect(d.fix).toBe(`exempt namespace aks-reboot-orchestrator from policy psp-privileged-container, psp-host-namespace (Azure Policy assignment parameter excludedNamespaces, Gatekeeper spec.match.excludedNamespaces, or Deployment Safeguards' excluded namespaces): see ${ADMISSION_HELP}`);
  });

  it('names the webhook when its message carries no constraint', () => {
    expect(readDenial({ ...base, status: 403, message: 'admission webhook "kyverno.svc" denied the request: nope' })).toMatchObject({ source: 'policy', policies: ['kyverno.svc'] });
  });

  it('reads a Pod Security refusal as its level, with the label to set', () => {
    const d = readDenial({ ...base, status: 403, message: 'pods "x" is forbidden: violates PodSecurity "restricted:v1.32": host namespaces (hostPID)' });
    expect(d).toMatchObject({ source: 'pod-security', policies: ['PodSecurity restricted'] });
    expect(d.fix).toMatch(/^label namespace aks-reboot-orchestrator pod-security.kubernetes.io\/enforce=privileged/);
  });

  it.each([
    [403, 'pods is forbidden: User "abc" cannot create resource "pods" in API group "" in the namespace "aks-reboot-orchestrator"', 'rbac', /infra\/k8s\/rbac.yaml/],
    [404, 'namespaces "aks-reboot-orchestrator" not found', 'namespace', /infra\/k8s\/namespace.yaml/],
    [422, 'Pod "x" is invalid: spec.containers[0].image: Required value', 'invalid', /REBOOT_HELPER_IMAGE/],
  ])('%i %s → %s', (status, message, source, fix) => {
    const d = readDenial({ ...base, status, message });
    expect(d.source).toBe(source);
    expect(d.fix).toMatch(fix);
  });

  it('cuts a long message', () => {
    expect(readDenial({ ...base, status: 403, message: 'x'.repeat(2000) }).message).toHaveLength(601);
  });
});

describe('describeDenials', () => {
  it('says which helper, which node, who refused and the fix, once per distinct line', () => {
    const d = readDenial({ ...base, status: 403, message: 'admission webhook "validation.gatekeeper.sh" denied the request: [no-host] hostPID is not allowed' });
    expect(describeDenials([d, d])).toBe(`admission preflight: reboot helper for aks-user-1-vmss000000 refused by no-host: ${d.message} — ${d.fix}`);
  });
});
