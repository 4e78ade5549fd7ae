import { describe, expect, it } from 'vitest';
import { parseManualRequest } from './manualRequest';

describe('parseManualRequest', () => {
  it.each([
    [undefined, {}],
    [{}, {}],
    [{ nodes: ['aks-user-12345678-vmss000000'], ignoreWindow: true, reason: 'CVE-2026-0001' }, { nodes: ['aks-user-12345678-vmss000000'], ignoreWindow: true, reason: 'CVE-2026-0001' }],
    [{ pools: ['user', 'system'], ignoreWindow: false }, { pools: ['user', 'system'] }],
  ])('accepts %j', (body, request) => {
    expect(parseManualRequest(body)).toEqual({ ok: true, request });
  });

  it.each([
    ['[]', [], 'body', /must be a JSON object/],
    ['a string', 'reboot', 'body', /must be a JSON object/],
    ['an unknown field', { node: 'x' }, 'node', /unknown field "node": accepted fields are nodes, pools, ignoreWindow, reason/],
    ['dryRun (use the plan endpoint)', { dryRun: true }, 'dryRun', /use GET …\/plan/],
    ['nodes not an array', { nodes: 'aks-1' }, 'nodes', /non-empty array/],
    ['an empty node list', { nodes: [] }, 'nodes', /non-empty array/],
    ['a node with shell syntax', { nodes: ['a;reboot'] }, 'nodes[0]', /nodes\[0\] "a;reboot" is not a valid name: use lower-case letters/],
    ['a duplicate node', { nodes: ['a', 'a'] }, 'nodes[1]', /listed twice/],
    ['a long pool name', { pools: ['averyverylongpool'] }, 'pools[0]', /at most 12 characters/],
    ['ignoreWindow as a string', { ignoreWindow: 'yes' }, 'ignoreWindow', /true or false, got "yes"/],
    ['a multi-line reason', { reason: 'a\nb' }, 'reason', /single line/],
    ['null instead of an object', null, 'body', /must be a JSON object .*, got null$/],
    ['a reason with NEL (U+0085)', { reason: 'a\u0085b' }, 'reason', /got a string of 3 characters \(it holds the control character U\+0085\)$/],
    ['a reason with a line separator', { reason: 'a\u2028b' }, 'reason', /U\+2028/],
    ['a reason with a paragraph separator', { reason: 'a\u2029b' }, 'reason', /U\+2029/],
    ['a reason with a bidi override', { reason: 'ok \u202Egnp.exe' }, 'reason', /U\+202E/],
    ['a reason with a bidi isolate', { reason: 'ok \u2066x\u2069' }, 'reason', /U\+2066/],
    ['a reason with a lone surrogate', { reason: 'ok \uD800 x' }, 'reason', /lone surrogate/],
    ['a reason too long', { reason: 'x'.repeat(501) }, 'reason', /got a string of 501 characters \(it is 501 characters long\)$/],
  ])('rejects %s, naming the field', (_label, body, field, message) => {
    const result = parseManualRequest(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.field === field);
    expect(error?.message).toMatch(message);
  });

  it('accepts a reason in any script, with emoji', () => {
    expect(parseManualRequest({ reason: 'Patch 🛡️ für Knoten — 修补' })).toEqual({ ok: true, request: { reason: 'Patch 🛡️ für Knoten — 修补' } });
  });

  it('describes a value it refuses without walking or repeating it', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 5000; i++) deep = [deep];
    const result = parseManualRequest({ nodes: deep, ignoreWindow: { a: 1 }, reason: 'y'.repeat(2_000_000) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message)).toEqual([
      'nodes[0] an array of 1 item is not a valid name: use lower-case letters, digits, "-" and "." (RFC 1123 subdomain, at most 253 characters), e.g. aks-user-12345678-vmss000000',
      'ignoreWindow must be true or false, got an object',
      'reason must be a single line of plain text of at most 500 characters, got a string of 2000000 characters (it is 2000000 characters long)',
    ]);
  });

  it('reports at most 20 problems, and how many more there were', () => {
    const result = parseManualRequest({ nodes: Array.from({ length: 1000 }, (_, i) => `Bad_${i}`) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(21);
    expect(result.errors[20]).toEqual({ field: 'body', message: 'and 980 more problems not listed; fix these first' });
    expect(JSON.stringify(result.errors).length).toBeLessThan(5_000);
  });

  it('reports every problem at once', () => {
    const result = parseManualRequest({ nodes: ['OK', 'x y'], ignoreWindow: 1, extra: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['extra', 'ignoreWindow', 'nodes[0]', 'nodes[1]']);
  });
});
