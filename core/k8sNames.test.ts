import { describe, expect, it } from 'vitest';
import { isBootId, isDns1123Label, isDns1123Subdomain, isImageReference, isLabelValue, isQualifiedName, isSafeAbsolutePath } from './k8sNames';

describe('k8sNames', () => {
  it.each([
    [isDns1123Subdomain, 'aks-user-12345678-vmss000000', true],
    [isDns1123Subdomain, 'node.example.com', true],
    [isDns1123Subdomain, 'Node', false],
    [isDns1123Subdomain, 'a;reboot', false],
    [isDns1123Subdomain, '-a', false],
    [isDns1123Subdomain, 'a'.repeat(254), false],
    [isDns1123Label, 'aks-reboot-orchestrator', true],
    [isDns1123Label, 'a.b', false],
    [isDns1123Label, 'a'.repeat(64), false],
    [isQualifiedName, 'kubernetes.azure.com/agentpool', true],
    [isQualifiedName, 'reboot_required', true],
    [isQualifiedName, 'a/b/c', false],
    [isQualifiedName, 'Bad Prefix/x', false],
    [isLabelValue, '', true],
    [isLabelValue, 'true', true],
    [isLabelValue, 'has space', false],
    [isImageReference, 'mcr.microsoft.com/azurelinux/busybox:1.36', true],
    [isImageReference, `myacr.azurecr.io/busybox@sha256:${'a'.repeat(64)}`, true],
    [isImageReference, 'localhost:5000/busybox', true],
    [isImageReference, 'busybox;rm -rf /', false],
    [isImageReference, 'Busybox', false],
    [isSafeAbsolutePath, '/var/run/reboot-required', true],
    [isSafeAbsolutePath, '/var/../etc/shadow', false],
    [isSafeAbsolutePath, 'var/run', false],
    [isSafeAbsolutePath, '/var/run/$(reboot)', false],
    [isBootId, '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', true],
    [isBootId, '3F1C2D4E-5A6B-4C7D-8E9F-0A1B2C3D4E5F', false],
    [isBootId, '"; reboot', false],
  ] as const)('%o(%j) is %j', (check, value, expected) => {
    expect(check(value)).toBe(expected);
  });
});
