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
  ])('rejects %s, naming the field', (_label, body, field, message) => {
    const result = parseManualRequest(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.errors.find((e) => e.field === field);
    expect(error?.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    const result = parseManualRequest({ nodes: ['OK', 'x y'], ignoreWindow: 1, extra: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['extra', 'ignoreWindow', 'nodes[0]', 'nodes[1]']);
  });
});
