import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseStrictJson } from './strictJson';

describe('parseStrictJson', () => {
  it.each([
    ['{}', {}],
    ['{"nodes":["a","b"],"reason":"x,y {z} \\"q\\""}', { nodes: ['a', 'b'], reason: 'x,y {z} "q"' }],
    ['[{"a":1},{"a":2}]', [{ a: 1 }, { a: 2 }]],
    ['{"a":{"a":{"a":1}}}', { a: { a: { a: 1 } } }],
    ['"text"', 'text'],
    ['null', null],
  ])('reads %s as JSON.parse does', (text, value) => {
    expect(parseStrictJson(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['{"reason":"a","reason":"b"}', 'names the key "reason" twice in one object (at character 14); send each field once'],
    ['{"nodes":[],"n\\u006fdes":["x"]}', 'names the key "nodes" twice in one object (at character 12); send each field once'],
    ['{"a":{"x":1},"b":{"x":1,"x":2}}', 'names the key "x" twice in one object (at character 24); send each field once'],
  ])('refuses duplicate keys: %s', (text, problem) => {
    expect(parseStrictJson(text)).toEqual({ ok: false, problem });
  });

  it('refuses nesting deeper than the bound, before anything recurses over it', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(parseStrictJson(deep)).toEqual({ ok: false, problem: `nests deeper than ${MAX_JSON_DEPTH} levels (at character ${MAX_JSON_DEPTH})` });
    const atBound = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(parseStrictJson(atBound).ok).toBe(true);
  });

  it.each(['{"a":1', '{a:1}', '{"a":1,}', "{'a':1}", '', '{"a":"\\x"}'])('refuses what is not JSON without repeating it: %j', (text) => {
    expect(parseStrictJson(text)).toEqual({ ok: false, problem: 'is not valid JSON' });
  });
});
