// Where the app may send a secret or fetch an answer from: the webhook and Prometheus URLs an
// operator configures. A URL on a loopback, link-local (the instance metadata service at
// 169.254.169.254 among them) or private address reaches inside the app's own network, so it
// is refused unless REBOOT_ALLOW_PRIVATE_URLS says that is meant (an in-VNet Prometheus, a test
// receiver); so is a password sent over plain http. Pure: the host is judged as written (an IP
// literal or a name reserved for this machine); a public name is not resolved here.

/** How far a host is from the public internet. */
export type HostReach = 'loopback' | 'link-local' | 'private' | 'public';

/** IPv4 ranges that are not on the internet (RFC 1918, RFC 6598 shared, RFC 3927 link-local, "this network"). */
const IPV4_RANGES: readonly [string, number, HostReach][] = [
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['100.64.0.0', 10, 'private'],
  ['0.0.0.0', 8, 'private'],
];

function ipv4Number(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

function ipv4Reach(address: number): HostReach {
  for (const [base, bits, reach] of IPV4_RANGES) {
    const size = 2 ** (32 - bits);
    const start = ipv4Number(base)!;
    if (address >= start && address < start + size) return reach;
  }
  return 'public';
}

function ipv6Reach(text: string): HostReach {
  const address = text.toLowerCase();
  if (address === '::1') return 'loopback';
  if (address === '::') return 'private';
  // An IPv4-mapped address (WHATWG URL writes ::ffff:7f00:1 for ::ffff:127.0.0.1).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(address);
  if (mapped) return ipv4Reach(parseInt(mapped[1]!, 16) * 65_536 + parseInt(mapped[2]!, 16));
  const first = parseInt(address.split(':')[0] || '0', 16);
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  return 'public';
}

/** The reach of a URL's hostname as WHATWG URL gives it (IPv6 in brackets, IPv4 normalised). */
export function hostReach(hostname: string): HostReach {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') && host.endsWith(']')) return ipv6Reach(host.slice(1, -1));
  const v4 = ipv4Number(host);
  if (v4 !== undefined) return ipv4Reach(v4);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return 'public';
}

export const ALLOW_PRIVATE_URLS_SETTING = 'REBOOT_ALLOW_PRIVATE_URLS';

export interface UrlPolicy {
  allowPrivate: boolean;
  /** Whether http:// is acceptable at all for this kind of URL (webhooks: never to a public host). */
  httpToPublic: boolean;
}

/**
 * Why a parsed URL may not be used, or undefined when it may. Never repeats the URL: it may
 * carry credentials or a webhook's token.
 */
export function urlPolicyProblem(url: URL, policy: UrlPolicy): string | undefined {
  const reach = hostReach(url.hostname);
  const insecure = url.protocol === 'http:';
  if (reach !== 'public' && !policy.allowPrivate) {
    return `points to a ${reach} address, inside the app's own network; use a public https:// URL, or set ${ALLOW_PRIVATE_URLS_SETTING}=true if that address is meant`;
  }
  if (insecure && (url.username !== '' || url.password !== '') && !policy.allowPrivate) {
    return `sends credentials over plain http://; use https://, or set ${ALLOW_PRIVATE_URLS_SETTING}=true on a private network`;
  }
  if (insecure && reach === 'public' && !policy.httpToPublic) {
    return 'uses http:// to a public host (webhook URLs carry secrets); use https://';
  }
  return undefined;
}
