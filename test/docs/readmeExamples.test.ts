// The helpers that hold README.md's JSON examples to real answers (test/e2e/api.test.ts uses them
// on the plan): they find the block a sentence introduces, and tell shapes apart.
import { describe, expect, it } from 'vitest';
import { readmeJsonExample, shapeOf } from './readmeExamples';

const fence = '```';

describe('readmeJsonExample', () => {
  it('parses the JSON block after the introducing line, and names what it cannot find', () => {
    const markdown = ['The list:', `${fence}json`, '[1]', fence, 'and the plan:', '', `${fence}json`, '{ "plan": { "order": [] } }', fence].join('\n');
    expect(readmeJsonExample('and the plan', markdown)).toEqual({ plan: { order: [] } });
    expect(() => readmeJsonExample('the run', markdown)).toThrow('no line contains "the run"');
    expect(() => readmeJsonExample('the plan', `the plan\n${fence}json\n{}`)).toThrow(/no closed .*json block after line 1/);
  });

  it('finds the plan example in README.md', () => {
    expect(readmeJsonExample('and the plan (a cluster')).toMatchObject({ plan: { estimateSeconds: expect.any(Number), estimateBasis: expect.any(String) } });
  });
});

describe('shapeOf', () => {
  it('keeps keys and leaf types, not values; an array by its first element', () => {
    expect(shapeOf({ b: [{ x: 1 }, { y: 2 }], a: 'text', c: null, d: [] })).toEqual({ a: 'string', b: [{ x: 'number' }], c: 'null', d: [] });
    expect(shapeOf({ a: 1, b: 'x' })).toEqual(shapeOf({ b: 'y', a: 2 }));
  });

  it('tells apart a missing key, an extra key and a changed type', () => {
    const answer = shapeOf({ plan: { estimateSeconds: 1, estimateBasis: 'why' } });
    expect(shapeOf({ plan: { estimateSeconds: 1 } })).not.toEqual(answer);
    expect(shapeOf({ plan: { estimateSeconds: 1, estimateBasis: 'why', extra: true } })).not.toEqual(answer);
    expect(shapeOf({ plan: { estimateSeconds: '1', estimateBasis: 'why' } })).not.toEqual(answer);
  });
});
