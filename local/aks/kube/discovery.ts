// Discovery documents in their legacy JSON form (APIVersions, APIGroupList, APIGroup,
// APIResourceList), which kubectl accepts even when it asks for aggregated discovery first.
import { GROUPS, RESOURCES } from './resources';

export function versionInfo(kubernetesVersion: string): unknown {
  const [major, minor] = kubernetesVersion.split('.');
  return {
    major, minor, gitVersion: `v${kubernetesVersion}`, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
    buildDate: '2025-04-22T00:00:00Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64',
  };
}

export function apiVersions(): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '10.0.0.1:443' }] };
}

function group(name: string, versions: string[]): unknown {
  const v = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: v, preferredVersion: v[0] };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map((g) => group(g.name, g.versions)) };
}

export function apiGroup(name: string): unknown | undefined {
  const g = GROUPS.find((x) => x.name === name);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...(group(g.name, g.versions) as object) };
}

export function apiResourceList(groupName: string, version: string): unknown | undefined {
  const list = RESOURCES.filter((r) => r.group === groupName && r.version === version);
  if (list.length === 0) return undefined;
  const resources = list.flatMap((r) => [
    {
      name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: Buffer.from(r.kind).toString('base64').slice(0, 11),
    },
    ...r.subresources.map((s) => ({
      name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, kind: s.kind, verbs: s.verbs,
      ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupName ? `${groupName}/${version}` : version, resources };
}
