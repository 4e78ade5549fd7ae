// Admission against the rules it follows: the Pod Security levels of
// pod-security-admission/policy (check_hostNamespaces.go, check_privileged.go,
// check_hostPathVolumes.go, check_allowPrivilegeEscalation.go, check_runAsNonRoot.go,
// check_capabilities_restricted.go, check_seccompProfile_restricted.go), Gatekeeper's denial
// message, and the apiserver answering 403 on creates, dry runs and run-command's kubectl.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { rebootHelperManifest } from '../fixtures/rebootHelper';
import { createKubeHandler } from '../kube/handler';
import { call } from '../kube/testClient';
import { kubectlCreate } from '../runCommand/kubectlCreate';
import { parseKubectl, type CreateCommand } from '../runCommand/kubectlArgs';
import { admitPod, enforcedLevel, podSecurityViolation, policyViolation, type AdmissionPolicy } from './admission';
import { clusterFor, smallScenario } from './testing';
import type { Pod } from './types';

const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p' }, spec: { containers: [{ name: 'app', image: 'nginx' }], ...spec }, status: {} });
const REBOOT_HELPER = pod({
  hostPID: true,
  containers: [{ name: 'reboot', image: 'busybox', securityContext: { privileged: true }, volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
  volumes: [{ name: 'host', hostPath: { path: '/' } }],
});
const RESTRICTED_OK = pod({
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'app', image: 'nginx', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
  volumes: [{ name: 'tmp', emptyDir: {} }],
});
const enforce = (level: string) => ({ 'pod-security.kubernetes.io/enforce': level });

describe('Pod Security Admission levels', () => {
  it('reads the level from the enforce label; no label is privileged (the apiserver default)', () => {
    expect(enforcedLevel(undefined)).toBe('privileged');
    expect(enforcedLevel(enforce('baseline'))).toBe('baseline');
    expect(enforcedLevel(enforce('restricted'))).toBe('restricted');
  });

  it('privileged admits the reboot helper; baseline names each check it fails, as upstream words them', () => {
    expect(podSecurityViolation(REBOOT_HELPER, enforce('privileged'))).toBeUndefined();
    expect(podSecurityViolation(REBOOT_HELPER, enforce('baseline'))).toBe(
      'violates PodSecurity "baseline:latest": host namespaces (hostPID), hostPath volumes (volume "host"), privileged (container "reboot" must not set securityContext.privileged=true)',
    );
  });

  it('baseline admits an ordinary pod that restricted refuses, and restricted admits a hardened one', () => {
    expect(podSecurityViolation(pod(), enforce('baseline'))).toBeUndefined();
    expect(podSecurityViolation(pod(), { ...enforce('restricted'), 'pod-security.kubernetes.io/enforce-version': 'v1.32' })).toBe(
      'violates PodSecurity "restricted:v1.32": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), '
      + 'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), '
      + 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), '
      + 'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    expect(podSecurityViolation(RESTRICTED_OK, enforce('restricted'))).toBeUndefined();
  });

  it('baseline refuses added capabilities outside the default set and host ports', () => {
    const p = pod({ containers: [{ name: 'a', image: 'x', securityContext: { capabilities: { add: ['NET_ADMIN', 'CHOWN'] } }, ports: [{ containerPort: 80, hostPort: 8080 }] }] });
    expect(podSecurityViolation(p, enforce('baseline'))).toBe(
      'violates PodSecurity "baseline:latest": non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add), hostPort (container "a" uses hostPort 8080)',
    );
  });
});

describe('policies (Gatekeeper-like webhooks)', () => {
  const baseline: AdmissionPolicy = { name: 'aks-baseline', deny: ['privileged', 'hostPID', 'hostPath'], exemptNamespaces: ['kube-system', 'gatekeeper-*'], message: 'denied by the AKS baseline initiative' };

  it('denies what each rule names, with the policy name, and skips exempt namespaces (prefix with *)', () => {
    expect(policyViolation(REBOOT_HELPER, 'aks-reboot-orchestrator', [baseline])).toBe(
      'admission webhook "validation.gatekeeper.sh" denied the request: [aks-baseline] denied by the AKS baseline initiative (Privileged container is not allowed: reboot; hostPID is not allowed; HostPath volume is not allowed: host)',
    );
    expect(policyViolation(REBOOT_HELPER, 'kube-system', [baseline])).toBeUndefined();
    expect(policyViolation(REBOOT_HELPER, 'gatekeeper-system', [baseline])).toBeUndefined();
    expect(policyViolation(pod(), 'default', [baseline])).toBeUndefined();
    expect(policyViolation(pod({ hostPID: true }), 'default', [{ name: 'no-hostpid', deny: ['hostPID'] }])).toBe('admission webhook "validation.gatekeeper.sh" denied the request: [no-hostpid] hostPID is not allowed');
  });

  it('runs Pod Security before the webhooks; no admission config admits everything', () => {
    const config = { podSecurity: true, policies: [baseline] };
    expect(admitPod(REBOOT_HELPER, 'ns', enforce('baseline'), config)).toMatchObject({ allowed: false, by: 'PodSecurity', message: expect.stringMatching(/^pods "p" is forbidden: violates PodSecurity "baseline:latest"/) });
    expect(admitPod(REBOOT_HELPER, 'ns', enforce('privileged'), config)).toMatchObject({ allowed: false, by: 'webhook' });
    expect(admitPod(REBOOT_HELPER, 'ns', enforce('baseline'), undefined)).toEqual({ allowed: true });
  });
});

describe('admission in the kube API', () => {
  const scenario = smallScenario({
    cluster: {
      ...smallScenario().cluster,
      admission: { podSecurity: true, policies: [{ name: 'aks-baseline', deny: ['privileged', 'hostPID', 'hostPath'], exemptNamespaces: ['kube-system'] }] },
    },
    namespaces: [{ name: 'aks-reboot-orchestrator', labels: enforce('baseline') }, 'open'],
  });

  it('answers 403 Forbidden to a create and to a server-side dry run, creating nothing', async () => {
    const c = clusterFor(scenario);
    const h = createKubeHandler(c);
    const manifest = parse(rebootHelperManifest(c.nodeNames()[0]!, c.nodeRuntime(c.nodeNames()[0]!)!.bootId)) as Pod;
    for (const url of ['/api/v1/namespaces/aks-reboot-orchestrator/pods', '/api/v1/namespaces/aks-reboot-orchestrator/pods?dryRun=All']) {
      const r = await call(h, 'POST', url, { body: manifest });
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, message: expect.stringContaining('violates PodSecurity "baseline:latest"') });
    }
    const open = await call(h, 'POST', '/api/v1/namespaces/open/pods?dryRun=All', { body: { ...manifest, metadata: { ...manifest.metadata, namespace: 'open' } } });
    expect(open.status).toBe(403);
    expect(open.json.message).toMatch(/^admission webhook "validation.gatekeeper.sh" denied the request: \[aks-baseline\]/);
    expect(c.pods('aks-reboot-orchestrator')).toEqual([]);
    const ordinary = await call(h, 'POST', '/api/v1/namespaces/open/pods', { body: { metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } });
    expect(ordinary.status).toBe(201);
  });

  it('denies the pod that run-command\'s kubectl create sends, as kubectl prints it', async () => {
    const c = clusterFor(scenario);
    const node = c.nodeNames()[0]!;
    const files = new Map([['reboot-helper.yaml', Buffer.from(rebootHelperManifest(node, c.nodeRuntime(node)!.bootId))]]);
    const parsed = parseKubectl(['create', '--validate=false', '-f', 'reboot-helper.yaml']);
    if (!parsed.ok) throw new Error('kubectl arguments not parsed');
    const command: CreateCommand = parsed.create;
    const outcome = await kubectlCreate(command, { kube: createKubeHandler(c), files, authorization: 'Bearer admin', client: 'run-command', now: () => c.clock.now() });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.logs).toMatch(/^Error from server \(Forbidden\): error when creating "reboot-helper.yaml": pods "arc-reboot-.*" is forbidden: violates PodSecurity "baseline:latest": host namespaces \(hostPID\)/);
  });
});
