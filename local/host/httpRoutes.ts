// HTTP trigger routes as the Functions host matches them: "<routePrefix>/<route>" where the route
// template has {name}, optional {name?}, catch-all {*name} and constrained {name:int} segments
// (constraints are accepted and not enforced), literals compared case-insensitively. Each path
// segment is percent-decoded as Kestrel decodes a path (urlDecoder.ts).
import { decodePathSegment } from './urlDecoder';

export interface RouteTemplate {
  template: string;
  segments: { literal?: string; param?: string; optional?: boolean; catchAll?: boolean }[];
}

export function parseRoute(template: string): RouteTemplate {
  const segments = template
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      const m = /^\{(\*)?([A-Za-z_][\w]*)(?::[^}?]*)?(\?)?\}$/.exec(seg);
      if (!m) {
        if (seg.includes('{')) throw new Error(`route '${template}': segment '${seg}' must be a literal or a whole {parameter}`);
        return { literal: seg.toLowerCase() };
      }
      return { param: m[2]!, optional: m[3] === '?', catchAll: m[1] === '*' };
    });
  return { template, segments };
}

/** Route parameters if `path` (without the prefix) matches, else undefined. */
export function matchRoute(route: RouteTemplate, path: string): Record<string, string> | undefined {
  const parts = path.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  let i = 0;
  for (const seg of route.segments) {
    const part = parts[i];
    if (seg.catchAll) {
      params[seg.param!] = parts.slice(i).map(decodePathSegment).join('/');
      return params;
    }
    if (part === undefined) {
      if (seg.optional) continue;
      return undefined;
    }
    if (seg.literal !== undefined) {
      if (decodePathSegment(part).toLowerCase() !== seg.literal) return undefined;
    } else {
      params[seg.param!] = decodePathSegment(part);
    }
    i++;
  }
  return i === parts.length ? params : undefined;
}
