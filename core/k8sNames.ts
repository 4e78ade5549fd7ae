// Syntax checks for the Kubernetes and container names we accept from settings and requests,
// as the apiserver validates them (k8s.io/apimachinery/pkg/util/validation). Anything that
// reaches a manifest or a command passes one of these first.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// registry[:port]/path[:tag][@sha256:digest], lower-case path components (distribution/reference).
const IMAGE_REFERENCE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;
// An absolute path of plain segments: no "..", no control characters, no shell or YAML syntax.
const SAFE_ABSOLUTE_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/** A node or pod name: lower-case RFC 1123 subdomain, at most 253 characters. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** A namespace or a label-like name: lower-case RFC 1123 label, at most 63 characters. */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

/** A label or annotation key: optional DNS-subdomain prefix (≤ 253) + "/" + name (≤ 63). */
export function isQualifiedName(value: string): boolean {
  const parts = value.split('/');
  if (parts.length > 2) return false;
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  const prefix = parts.length === 2 ? parts[0]! : undefined;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** A label value: empty, or ≤ 63 alphanumerics with `-`, `_`, `.` inside. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** A container image reference (`registry/path:tag@sha256:…`), at most 255 characters. */
export function isImageReference(value: string): boolean {
  return value.length <= 255 && IMAGE_REFERENCE.test(value);
}

/** An absolute file path of plain segments (letters, digits, `.`, `_`, `-`), no `..`. */
export function isSafeAbsolutePath(value: string): boolean {
  return value.length <= 1024 && SAFE_ABSOLUTE_PATH.test(value) && !value.split('/').some((s) => s === '..' || s === '.');
}

/** A kernel boot id as the kubelet reports it (`status.nodeInfo.bootID`): a lower-case UUID. */
export function isBootId(value: string): boolean {
  return value.length === 36 && UUID.test(value);
}

export const ACCEPTED_FORMS = {
  dns1123Subdomain: 'lower-case letters, digits, "-" and "." (RFC 1123 subdomain, at most 253 characters), e.g. aks-user-12345678-vmss000000',
  dns1123Label: 'lower-case letters, digits and "-" (RFC 1123 label, at most 63 characters), e.g. aks-reboot-orchestrator',
  qualifiedName: 'an optional DNS prefix and "/", then up to 63 letters, digits, "-", "_" or ".", e.g. example.com/reboot',
  labelValue: 'up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
  imageReference: 'an image reference such as mcr.microsoft.com/azurelinux/busybox:1.36 or …@sha256:<64 hex>',
  safeAbsolutePath: 'an absolute path of letters, digits, ".", "_" and "-" segments, e.g. /var/run/reboot-required',
  bootId: 'a lower-case UUID as in status.nodeInfo.bootID, e.g. 3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
} as const;
