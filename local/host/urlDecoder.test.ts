import { describe, expect, it } from 'vitest';
import { matchRoute, parseRoute } from './httpRoutes';
import { decodePathSegment, pathRejectedByServer } from './urlDecoder';

// The cases of ASP.NET Core's UrlDecoder (src/Shared/UrlDecoder/UrlDecoder.cs): well-formed UTF-8
// escapes decoded, everything malformed kept as written, %2F never decoded.
describe('path segments decoded as Kestrel decodes a path', () => {
  it.each([
    ['plain', 'plain'],
    ['a%20b', 'a b'],
    ['%C3%A9t%C3%A9', 'été'],
    ['%F0%9F%98%80', '😀'],
    ['%e2%82%ac', '€'],
    ['%ZZ', '%ZZ'],
    ['%', '%'],
    ['ab%4', 'ab%4'],
    ['%%41', '%A'],
    ['%2F', '%2F'],
    ['a%2fb%20c', 'a%2fb c'],
    ['%2E%2E', '..'],
    ['%2500', '%00'],
  ])('%s → %s', (segment, decoded) => {
    expect(decodePathSegment(segment)).toBe(decoded);
  });

  it.each([
    ['a stray continuation byte', '%80x', '%80x'],
    ['a UTF-16 surrogate', '%ED%A0%80', '%ED%A0%80'],
    ['an overlong form of "/"', '%C0%AF', '%C0%AF'],
    ['a code point past U+10FFFF', '%F4%90%80%80', '%F4%90%80%80'],
    ['a truncated sequence', 'x%E0%A4', 'x%E0%A4'],
    ['a lead byte followed by ASCII', '%E0%41', '%E0A'],
    ['an invalid lead byte', '%FF%20', '%FF '],
  ])('keeps %s as written: %s → %s', (_, segment, decoded) => {
    expect(decodePathSegment(segment)).toBe(decoded);
  });

  it('refuses an escaped NUL (Kestrel answers 400 before routing), and only that', () => {
    expect(pathRejectedByServer('/api/clusters/a%00b')).toBe(true);
    expect(pathRejectedByServer('/api/clusters/a%2500b')).toBe(false);
    expect(() => decodePathSegment('a%00')).toThrow(/NUL/);
  });

  it('gives route values with %2F kept, so an encoded slash never splits a segment', () => {
    const route = parseRoute('clusters/{alias}/reboots/{runId?}');
    expect(matchRoute(route, '/clusters/a%2Fb/reboots')).toEqual({ alias: 'a%2Fb' });
    expect(matchRoute(route, '/Clusters/%ZZ/REBOOTS/r%201')).toEqual({ alias: '%ZZ', runId: 'r 1' });
    expect(matchRoute(parseRoute('files/{*rest}'), '/files/a%20b/c%2Fd')).toEqual({ rest: 'a b/c%2Fd' });
  });
});
